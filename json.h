/* Request validation and the SoftwareTask object, with cJSON. */
#ifndef JSON_H
#define JSON_H

#include <stdarg.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "http.h"

/* Parses a JSON document, refusing NUL, invalid UTF-8 and trailing bytes.
 * Caller owns *root. */
enum status	 json_parse(struct request *, const char *, size_t, cJSON **root);

/* Validates a POST /api/v1/tasks body; *spec (caller owns) is the spec. */
enum status	 task_spec_from_json(struct request *, const cJSON *root,
		     cJSON **spec);

/* The whole SoftwareTask; takes ownership of labels, annotations, spec. */
cJSON		*task_object(const char *name, const char *ns, cJSON *labels,
		     cJSON *annotations, cJSON *spec);

/* Fields of an issues delivery, pointing into the parsed document. */
struct issue_event {
	const char	*action;
	const char	*label;		/* label.name, the label just added */
	long long	 number;
	const char	*title;
	const char	*body;		/* NULL when null or absent */
	const char	*html_url;
	const char	*clone_url;
	const char	*full_name;
	const char	*sender;
};

enum status	 issue_event_read(struct request *, const cJSON *root,
		     struct issue_event *);
const char	*json_string(const cJSON *obj, const char *path);

/* A response body {"k1":"v1",...} from key, value, ..., NULL; NULL values
 * are left out.  Caller frees. */
char		*json_reply(const char *k1, ...);
char		*json_vreply(const char *k1, va_list);

#endif
