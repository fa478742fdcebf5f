/* The request handler: one exchange on a connection, and the create call
 * both task endpoints share. */
#ifndef HANDLER_H
#define HANDLER_H

#include <cjson/cJSON.h>

#include "config.h"
#include "http.h"
#include "k8s.h"
#include "util.h"

/* One request's state, owned by serve(). */
struct exchange {
	const struct config	*cfg;
	struct k8s_creds	*kc;
	struct request		*r;
	char			 id[17];	/* X-Request-Id */
	char			*body;		/* response body, malloc'd */
	const char		*ctype;
	/* for the log line; event and delivery point into the request head,
	 * action is copied because the document it came from is freed */
	const char		*event, *delivery, *warning;
	char			 action[32];
	char			 task[NAME_MAX_K8S + 1];
};

enum status	 tasks_post(struct exchange *);		/* tasks.c */
enum status	 github_post(struct exchange *);	/* github.c */

/* Creates obj (name set by the caller) in NAMESPACE.  *code is 201 or 409
 * on ST_NONE; otherwise the mapped failure. */
enum status	 task_create(struct exchange *, cJSON *obj, long *code);
enum status	 task_get_label(struct exchange *, const char *name,
		     const char *label, char *out, size_t outlen);
void		 task_set_name(cJSON *obj, const char *name);
enum status	 reply(struct exchange *, enum status, const char *k1, ...);
enum status	 read_body(struct exchange *, uint64_t limit, struct buf *);

#endif
