/* Kubernetes credentials and calls to the API server's REST interface. */
#ifndef K8S_H
#define K8S_H

#include "http.h"
#include "util.h"

#define K8S_PATH_MAX	4096
#define EXEC_ARGS_MAX	32
#define EXEC_ENV_MAX	32

/*
 * Where to reach the API server and how to authenticate.  k8s_creds_load
 * picks the source at start; a kubeconfig is read only when Kubernetes is
 * first called (k8s_creds_resolve), so paths that never call it do not pay.
 * The token file is read again, and an exec plugin run, on every request.
 */
struct k8s_creds {
	int	 found;
	int	 resolved;		/* kubeconfig read (or not needed) */
	char	 source[K8S_PATH_MAX + 64];	/* for --check-config, errors */
	char	 kubeconfig[K8S_PATH_MAX];	/* the files, colon-separated */
	char	 server[1024];		/* https://host:port, no trailing / */
	char	 ca_file[K8S_PATH_MAX];	/* empty: the system's CAs */
	char	 token_file[K8S_PATH_MAX];
	char	*token;			/* a fixed token, or NULL */
	char	 cert_file[K8S_PATH_MAX];
	char	 key_file[K8S_PATH_MAX];
	struct buf ca_pem, cert_pem, key_pem;	/* kubeconfig -data fields */
	int	 insecure;		/* insecure-skip-tls-verify */
	char	 tls_server_name[256];
	char	 proxy[1024];
	char	*exec_argv[EXEC_ARGS_MAX + 2];	/* exec plugin: command, args */
	char	*exec_env[EXEC_ENV_MAX + 1];	/* NAME=value */
	char	 exec_api[96];		/* client.authentication.k8s.io/v1... */
};

struct k8s_reply {
	long	 code;			/* HTTP status, 0 when none came */
	struct buf body;		/* the API server's answer, capped */
	char	 retry_after[16];
	char	 error[512];		/* transport error, when code == 0 */
	int	 unusable;		/* the credentials failed, not the call */
};

/* 0 with creds filled (creds->found 0 when nothing is configured), or -1
 * with err naming the variable or file and the fix. */
int		 k8s_creds_load(struct k8s_creds *, char *err, size_t errlen);
int		 k8s_creds_resolve(struct k8s_creds *, char *err, size_t errlen);
void		 k8s_creds_wipe(struct k8s_creds *);

/* kubeconfig.c: fills creds from the kubeconfig files in creds->kubeconfig,
 * as kubectl reads them.  0, or -1 with err naming the file and the fix. */
int		 kubeconfig_read(struct k8s_creds *, char *err, size_t errlen);

/* exec.c: runs the exec credential plugin; *token (caller wipes and frees)
 * or the client certificate in cert and key.  0, or -1 with err. */
int		 exec_credential(const struct k8s_creds *, int timeout_s,
		     char **token, struct buf *cert, struct buf *key, char *err,
		     size_t errlen);

/* One call; body may be NULL.  Returns 0 when an answer came, -1 when not
 * (reply->error says why).  Caller frees reply->body. */
int		 k8s_call(struct k8s_creds *, const char *method,
		     const char *path, const char *body, int timeout_s,
		     struct k8s_reply *);

/* Maps an API server failure to the client's status and message. */
enum status	 k8s_fail(struct request *, const struct k8s_reply *,
		     const char *ns);

#endif
