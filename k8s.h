/* Kubernetes credentials and calls to the API server's REST interface. */
#ifndef K8S_H
#define K8S_H

#include "http.h"
#include "util.h"

#define K8S_PATH_MAX	4096

/* Where to reach the API server and how to authenticate.  Filled once by
 * k8s_creds_load; the token file is read again on every request. */
struct k8s_creds {
	int	 found;
	char	 source[256];		/* which source, for logs and errors */
	char	 server[1024];		/* https://host:port, no trailing / */
	char	 ca_file[K8S_PATH_MAX];	/* empty: the system's CAs */
	char	 token_file[K8S_PATH_MAX];
	char	*token;			/* a fixed token, or NULL */
	char	 cert_file[K8S_PATH_MAX];
	char	 key_file[K8S_PATH_MAX];
};

struct k8s_reply {
	long	 code;			/* HTTP status, 0 when none came */
	struct buf body;		/* the API server's answer, capped */
	char	 retry_after[16];
	char	 error[256];		/* transport error, when code == 0 */
};

/* 0 with creds filled (creds->found 0 when nothing is configured), or -1
 * with err naming the variable or file and the fix. */
int		 k8s_creds_load(struct k8s_creds *, char *err, size_t errlen);
void		 k8s_creds_wipe(struct k8s_creds *);

/* One call; body may be NULL.  Returns 0 when an answer came, -1 when not
 * (reply->error says why).  Caller frees reply->body. */
int		 k8s_call(const struct k8s_creds *, const char *method,
		     const char *path, const char *body, int timeout_s,
		     struct k8s_reply *);

/* Maps an API server failure to the client's status and message. */
enum status	 k8s_fail(struct request *, const struct k8s_reply *,
		     const char *ns);

#endif
