/*
 * Kubernetes credentials and calls to the API server's REST interface.
 * libcurl is loaded with dlopen only when a call is made, so the paths that
 * never talk to Kubernetes (health checks, ignored deliveries, rejected
 * requests) do not pay for loading it and its dozens of libraries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "k8s.h"
#include "util.h"

#define SA_DIR		"/var/run/secrets/kubernetes.io/serviceaccount"
#define USER_AGENT	"factory-webhook/" VERSION

/* The libcurl functions used, resolved from libcurl.so.4 at run time. */
struct curl_fns {
	CURLcode	 (*global_init)(long);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_cleanup)(CURL *);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
};

static int
curl_load(struct curl_fns *f, char *err, size_t errlen)
{
	static const char *const names[] = { "curl_global_init",
	    "curl_easy_init", "curl_easy_setopt", "curl_easy_perform",
	    "curl_easy_getinfo", "curl_easy_cleanup", "curl_slist_append",
	    "curl_slist_free_all" };
	void	*sym[sizeof(names) / sizeof(names[0])];

	if (dl_symbols("libcurl.so.4", names, sizeof(names) / sizeof(names[0]),
	    sym, err, errlen) == -1)
		return -1;
	/* POSIX guarantees data and function pointers convert via dlsym. */
	memcpy(&f->global_init, &sym[0], sizeof(void *));
	memcpy(&f->easy_init, &sym[1], sizeof(void *));
	memcpy(&f->easy_setopt, &sym[2], sizeof(void *));
	memcpy(&f->easy_perform, &sym[3], sizeof(void *));
	memcpy(&f->easy_getinfo, &sym[4], sizeof(void *));
	memcpy(&f->easy_cleanup, &sym[5], sizeof(void *));
	memcpy(&f->slist_append, &sym[6], sizeof(void *));
	memcpy(&f->slist_free_all, &sym[7], sizeof(void *));
	if (f->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		msgf(err, errlen, "libcurl failed to initialise");
		return -1;
	}
	return 0;
}

static int
readable(const char *var, const char *path, char *err, size_t errlen)
{
	if (access(path, R_OK) == 0)
		return 0;
	msgf(err, errlen, "%s: cannot read %s: %s", var, path,
	    strerror(errno));
	return -1;
}

static int
copy_setting(char *dst, size_t size, const char *var, const char *v,
    char *err, size_t errlen)
{
	if (xsnprintf(dst, size, "%s", v) == 0)
		return 0;
	msgf(err, errlen, "%s is too long", var);
	return -1;
}

/* The systemd credential kube-token, when it exists and is not empty. */
static void
credential_token(struct k8s_creds *c)
{
	const char	*dir = getenv("CREDENTIALS_DIRECTORY");
	struct stat	 st;

	if (dir != NULL && *dir != '\0' &&
	    xsnprintf(c->token_file, sizeof(c->token_file), "%s/kube-token",
	    dir) == 0 && stat(c->token_file, &st) == 0 && st.st_size > 0)
		return;
	c->token_file[0] = '\0';
}

/* KUBE_API_SERVER with KUBE_TOKEN_FILE or KUBE_TOKEN (else the credential
 * kube-token), KUBE_CA_FILE and KUBE_CLIENT_CERT_FILE + KUBE_CLIENT_KEY_FILE. */
static int
creds_from_env(struct k8s_creds *c, const char *server, char *err,
    size_t errlen)
{
	const char *tf = getenv("KUBE_TOKEN_FILE"), *tok = getenv("KUBE_TOKEN");
	const char *ca = getenv("KUBE_CA_FILE");
	const char *cert = getenv("KUBE_CLIENT_CERT_FILE");
	const char *key = getenv("KUBE_CLIENT_KEY_FILE");

	xsnprintf(c->source, sizeof(c->source), "KUBE_API_SERVER");
	if (tf != NULL && *tf == '\0')
		tf = NULL;	/* set but empty is unset */
	/* TLS always: a token must never cross the network in clear text. */
	if (strncmp(server, "https://", 8) != 0 || server[8] == '\0' ||
	    strchr(server, '@') != NULL) {
		msgf(err, errlen, "KUBE_API_SERVER must be an https:// URL "
		    "without user or password (tokens go in KUBE_TOKEN_FILE)");
		return -1;
	}
	if (copy_setting(c->server, sizeof(c->server), "KUBE_API_SERVER",
	    server, err, errlen) == -1)
		return -1;
	if (tf != NULL && (readable("KUBE_TOKEN_FILE", tf, err,
	    errlen) == -1 || copy_setting(c->token_file, sizeof(c->token_file),
	    "KUBE_TOKEN_FILE", tf, err, errlen) == -1))
		return -1;
	if (tf == NULL && tok != NULL && *tok != '\0' &&
	    (c->token = strdup(tok)) == NULL) {
		msgf(err, errlen, "out of memory");
		return -1;
	}
	if (c->token != NULL)
		explicit_bzero((char *)tok, strlen(tok));
	if (c->token == NULL && c->token_file[0] == '\0')
		credential_token(c);
	if (ca != NULL && *ca != '\0' && (readable("KUBE_CA_FILE", ca, err,
	    errlen) == -1 || copy_setting(c->ca_file, sizeof(c->ca_file),
	    "KUBE_CA_FILE", ca, err, errlen) == -1))
		return -1;
	if ((cert != NULL) != (key != NULL)) {
		msgf(err, errlen, "KUBE_CLIENT_CERT_FILE and "
		    "KUBE_CLIENT_KEY_FILE must be set together");
		return -1;
	}
	if (cert != NULL && (readable("KUBE_CLIENT_CERT_FILE", cert, err,
	    errlen) == -1 || readable("KUBE_CLIENT_KEY_FILE", key, err,
	    errlen) == -1 || copy_setting(c->cert_file, sizeof(c->cert_file),
	    "KUBE_CLIENT_CERT_FILE", cert, err, errlen) == -1 ||
	    copy_setting(c->key_file, sizeof(c->key_file),
	    "KUBE_CLIENT_KEY_FILE", key, err, errlen) == -1))
		return -1;
	c->found = 1;
	return 0;
}

/* A pod's service account: KUBERNETES_SERVICE_HOST/PORT and the files
 * Kubernetes mounts under SA_DIR.  IPv6 hosts are bracketed. */
static int
creds_in_cluster(struct k8s_creds *c, const char *host, char *err,
    size_t errlen)
{
	const char	*port = getenv("KUBERNETES_SERVICE_PORT");
	int		 v6 = strchr(host, ':') != NULL;

	xsnprintf(c->source, sizeof(c->source), "in-cluster service account");
	if (port == NULL || *port == '\0')
		port = "443";
	if (xsnprintf(c->server, sizeof(c->server), "https://%s%s%s:%s",
	    v6 ? "[" : "", host, v6 ? "]" : "", port) == -1) {
		msgf(err, errlen, "KUBERNETES_SERVICE_HOST is too long");
		return -1;
	}
	if (readable("in-cluster token", SA_DIR "/token", err, errlen) == -1 ||
	    readable("in-cluster CA", SA_DIR "/ca.crt", err, errlen) == -1)
		return -1;
	xsnprintf(c->token_file, sizeof(c->token_file), "%s", SA_DIR "/token");
	xsnprintf(c->ca_file, sizeof(c->ca_file), "%s", SA_DIR "/ca.crt");
	c->found = 1;
	return 0;
}

/* KUBECONFIG, else $HOME/.kube/config when it exists; read later. */
static int
kubeconfig_named(struct k8s_creds *c)
{
	const char	*list = getenv("KUBECONFIG"), *home = getenv("HOME");

	if (list != NULL && *list != '\0')
		xsnprintf(c->kubeconfig, sizeof(c->kubeconfig), "%s", list);
	else if (home != NULL && *home != '\0' &&
	    xsnprintf(c->kubeconfig, sizeof(c->kubeconfig), "%s/.kube/config",
	    home) == 0 && access(c->kubeconfig, F_OK) == 0)
		;
	else
		c->kubeconfig[0] = '\0';
	if (c->kubeconfig[0] == '\0')
		return 0;
	msgf(c->source, sizeof(c->source), "kubeconfig %s", c->kubeconfig);
	return c->found = 1;
}

/* First match wins: KUBE_API_SERVER, a kubeconfig, a pod's account. */
int
k8s_creds_load(struct k8s_creds *c, char *err, size_t errlen)
{
	const char *server = getenv("KUBE_API_SERVER");
	const char *host = getenv("KUBERNETES_SERVICE_HOST");

	memset(c, 0, sizeof(*c));
	buf_init(&c->ca_pem, 0);
	buf_init(&c->cert_pem, 0);
	buf_init(&c->key_pem, 0);
	if (server != NULL && *server != '\0')
		return creds_from_env(c, server, err, errlen);
	if (kubeconfig_named(c))
		return 0;
	if (host != NULL && *host != '\0')
		return creds_in_cluster(c, host, err, errlen);
	return 0;
}

/* Reads the kubeconfig, the first time credentials are needed. */
int
k8s_creds_resolve(struct k8s_creds *c, char *err, size_t errlen)
{
	size_t n;

	if (!c->resolved && c->kubeconfig[0] != '\0' &&
	    kubeconfig_read(c, err, errlen) == -1)
		return -1;
	c->resolved = 1;
	n = strlen(c->server);
	while (n > 0 && c->server[n - 1] == '/')
		c->server[--n] = '\0';
	return 0;
}

void
k8s_creds_wipe(struct k8s_creds *c)
{
	size_t i;

	if (c->token != NULL) {
		explicit_bzero(c->token, strlen(c->token));
		free(c->token);
		c->token = NULL;
	}
	if (c->key_pem.data != NULL)
		explicit_bzero(c->key_pem.data, c->key_pem.len);
	buf_free(&c->ca_pem);
	buf_free(&c->cert_pem);
	buf_free(&c->key_pem);
	for (i = 0; c->exec_argv[i] != NULL; i++)
		free(c->exec_argv[i]);
	for (i = 0; c->exec_env[i] != NULL; i++)
		free(c->exec_env[i]);
}

/*
 * The bearer token for this call: the fixed one, or the token file read now
 * so that a rotated token is picked up.  White space around it (a file's
 * final newline, CRLF) is not part of it.  Caller wipes and frees.
 */
static char *
bearer_token(const struct k8s_creds *c, char *err, size_t errlen)
{
	char	*t, *p;
	size_t	 len, start;

	if (c->token_file[0] == '\0')
		return c->token ? strdup(c->token) : NULL;
	if ((t = read_small_file(c->token_file, SECRET_FILE_MAX, &len)) == NULL) {
		msgf(err, errlen, "cannot read token file %s: %s",
		    c->token_file, file_error(errno));
		return NULL;
	}
	while (len > 0 && strchr(" \t\r\n", t[len - 1]) != NULL)
		t[--len] = '\0';
	start = strspn(t, " \t\r\n");
	memmove(t, t + start, len - start + 1);
	for (p = t; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p == 0x7f) {
			msgf(err, errlen, "token file %s holds more than "
			    "one token or a control character", c->token_file);
			explicit_bzero(t, len);
			free(t);
			return NULL;
		}
	}
	if (*t == '\0') {
		msgf(err, errlen, "token file %s is empty", c->token_file);
		free(t);
		return NULL;
	}
	return t;
}

/* Keeps the answer up to its cap; the rest is read and dropped, so that
 * the status of a large answer is still known. */
static size_t
on_body(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;

	(void)buf_append(b, p, size * n);
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct k8s_reply	*rep = ctx;
	size_t			 len = size * n, d;

	if (len > 12 && ascii_ncaseeq(p, "Retry-After:", 12)) {
		p += 12, len -= 12;
		while (len > 0 && is_ows((unsigned char)*p))
			p++, len--;
		d = 0;
		while (d < len && d < sizeof(rep->retry_after) - 1 &&
		    is_digit((unsigned char)p[d]))
			d++;
		memcpy(rep->retry_after, p, d);
		rep->retry_after[d] = '\0';
	}
	return size * n;
}

static struct curl_slist *
request_headers(const struct curl_fns *f, const char *token, int has_body)
{
	struct curl_slist	*h = NULL, *n;
	char			 auth[SECRET_FILE_MAX + 32];

	if ((h = f->slist_append(NULL, "Accept: application/json")) == NULL)
		return NULL;
	if (has_body && (n = f->slist_append(h,
	    "Content-Type: application/json")) != NULL)
		h = n;
	if (token != NULL) {
		if (xsnprintf(auth, sizeof(auth), "Authorization: Bearer %s",
		    token) == -1 || (n = f->slist_append(h, auth)) == NULL) {
			f->slist_free_all(h);
			h = NULL;
		} else {
			h = n;
		}
		explicit_bzero(auth, sizeof(auth));
	}
	return h;
}

/* What authenticates one call: a bearer token, or a client certificate
 * from an exec plugin.  Owned by k8s_call, wiped there. */
struct auth {
	char		*token;
	struct buf	 cert, key;
};

static void
set_blob(const struct curl_fns *f, CURL *h, CURLoption opt,
    const struct buf *b)
{
	struct curl_blob blob = { b->data, b->len, CURL_BLOB_COPY };

	if (b->len > 0)
		f->easy_setopt(h, opt, &blob);
}

static void
set_tls(const struct curl_fns *f, CURL *h, const struct k8s_creds *c,
    const struct auth *a)
{
	/* Verified always, unless a kubeconfig says insecure-skip-tls-verify
	 * for its cluster, as kubectl allows. */
	f->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->insecure ? 0L : 1L);
	f->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->insecure ? 0L : 2L);
	if (c->ca_file[0] != '\0')
		f->easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	set_blob(f, h, CURLOPT_CAINFO_BLOB, &c->ca_pem);
	if (c->cert_file[0] != '\0') {
		f->easy_setopt(h, CURLOPT_SSLCERT, c->cert_file);
		f->easy_setopt(h, CURLOPT_SSLKEY, c->key_file);
	}
	set_blob(f, h, CURLOPT_SSLCERT_BLOB, &c->cert_pem);
	set_blob(f, h, CURLOPT_SSLKEY_BLOB, &c->key_pem);
	set_blob(f, h, CURLOPT_SSLCERT_BLOB, &a->cert);
	set_blob(f, h, CURLOPT_SSLKEY_BLOB, &a->key);
	/* An explicit proxy-url; otherwise libcurl honours https_proxy and
	 * no_proxy from the environment, as kubectl does. */
	if (c->proxy[0] != '\0')
		f->easy_setopt(h, CURLOPT_PROXY, c->proxy);
}

static int
perform(const struct curl_fns *f, const struct k8s_creds *c,
    const struct auth *a, const char *method, const char *url,
    const char *body, int timeout_s, struct curl_slist *hdrs,
    struct curl_slist *connect_to, struct k8s_reply *rep)
{
	char		 errbuf[CURL_ERROR_SIZE] = "";
	CURL		*h;
	CURLcode	 rc;

	if ((h = f->easy_init()) == NULL) {
		xsnprintf(rep->error, sizeof(rep->error), "libcurl failed");
		return -1;
	}
	f->easy_setopt(h, CURLOPT_URL, url);
	f->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	/* One request per process: HTTP/2 buys nothing, and a stream reset
	 * after an early answer (401 before the body was read) would hide
	 * the answer behind a transfer error. */
	f->easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	f->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	f->easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)timeout_s * 1000);
	f->easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	f->easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	f->easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	f->easy_setopt(h, CURLOPT_CONNECT_TO, connect_to);
	f->easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	f->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	f->easy_setopt(h, CURLOPT_WRITEDATA, &rep->body);
	f->easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	f->easy_setopt(h, CURLOPT_HEADERDATA, rep);
	if (body != NULL) {
		f->easy_setopt(h, CURLOPT_POSTFIELDS, body);
		f->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(body));
	}
	set_tls(f, h, c, a);
	rc = f->easy_perform(h);
	/* An answer that came before a transfer error still counts. */
	f->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &rep->code);
	if (rc != CURLE_OK && rep->code == 0)
		msgf(rep->error, sizeof(rep->error), "%s (curl error %d)",
		    errbuf[0] ? errbuf : "transfer failed", (int)rc);
	f->easy_cleanup(h);
	return rep->code != 0 ? 0 : -1;
}

/*
 * The URL to ask for path.  With a kubeconfig's tls-server-name, the URL
 * names that host, so that the certificate is checked against it, and
 * *connect_to sends the connection to the real server.
 */
static int
make_url(const struct curl_fns *f, const struct k8s_creds *c,
    const char *path, char *url, size_t size, struct curl_slist **connect_to)
{
	char		 map[1024];
	const char	*host = c->server + strcspn(c->server, ":") + 3, *port;
	size_t		 hostlen;

	*connect_to = NULL;
	if (c->tls_server_name[0] == '\0' || strncmp(c->server, "https://", 8))
		return xsnprintf(url, size, "%s%s", c->server, path);
	hostlen = host[0] == '[' ? strcspn(host, "]") + 1 : strcspn(host, ":/");
	port = host[hostlen] == ':' ? host + hostlen + 1 : "443";
	if (xsnprintf(map, sizeof(map), "%s:%.*s:%.*s:%.*s", c->tls_server_name,
	    (int)strcspn(port, "/"), port, (int)hostlen, host,
	    (int)strcspn(port, "/"), port) == -1 ||
	    (*connect_to = f->slist_append(NULL, map)) == NULL)
		return -1;
	return xsnprintf(url, size, "https://%s:%.*s%s", c->tls_server_name,
	    (int)strcspn(port, "/"), port, path);
}

/* The token or client certificate for this call. */
static int
authenticate(const struct k8s_creds *c, int timeout_s, struct auth *a,
    char *err, size_t errlen)
{
	buf_init(&a->cert, 0);
	buf_init(&a->key, 0);
	a->token = NULL;
	if (c->exec_argv[0] != NULL)
		return exec_credential(c, timeout_s, &a->token, &a->cert,
		    &a->key, err, errlen);
	if (c->token_file[0] == '\0' && c->token == NULL)
		return 0;
	return (a->token = bearer_token(c, err, errlen)) ? 0 : -1;
}

static void
auth_wipe(struct auth *a)
{
	if (a->token != NULL) {
		explicit_bzero(a->token, strlen(a->token));
		free(a->token);
	}
	if (a->key.data != NULL)
		explicit_bzero(a->key.data, a->key.len);
	buf_free(&a->cert);
	buf_free(&a->key);
}

int
k8s_call(struct k8s_creds *c, const char *method, const char *path,
    const char *body, int timeout_s, struct k8s_reply *rep)
{
	struct curl_fns		 f;
	struct curl_slist	*hdrs = NULL, *connect_to = NULL;
	struct auth		 a;
	char			 url[2048 + K8S_PATH_MAX];
	int			 rc = -1;

	memset(rep, 0, sizeof(*rep));
	buf_init(&rep->body, K8S_REPLY_MAX);
	if (k8s_creds_resolve(c, rep->error, sizeof(rep->error)) == -1 ||
	    authenticate(c, timeout_s, &a, rep->error, sizeof(rep->error))
	    == -1) {
		rep->unusable = 1;
		return -1;
	}
	if (curl_load(&f, rep->error, sizeof(rep->error)) == -1)
		goto done;
	if (make_url(&f, c, path, url, sizeof(url), &connect_to) == -1 ||
	    (hdrs = request_headers(&f, a.token, body != NULL)) == NULL)
		xsnprintf(rep->error, sizeof(rep->error), "out of memory");
	else
		rc = perform(&f, c, &a, method, url, body, timeout_s, hdrs,
		    connect_to, rep);
	if (hdrs != NULL)
		f.slist_free_all(hdrs);
	if (connect_to != NULL)
		f.slist_free_all(connect_to);
done:
	auth_wipe(&a);
	return rc;
}

/* The message of a Kubernetes Status answer, or "" when there is none. */
static void
status_fields(const struct k8s_reply *rep, char *msg, size_t msglen,
    char *kind, size_t kindlen)
{
	cJSON		*st = NULL;
	const cJSON	*m, *d;

	msg[0] = kind[0] = '\0';
	if (rep->body.data != NULL)
		st = cJSON_ParseWithLength(rep->body.data, rep->body.len);
	m = cJSON_GetObjectItemCaseSensitive(st, "message");
	d = cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(st, "details"), "kind");
	if (cJSON_IsString(m))
		msgf(msg, msglen, "%s", m->valuestring);
	if (cJSON_IsString(d))
		msgf(kind, kindlen, "%s", d->valuestring);
	cJSON_Delete(st);
}

static enum status
unavailable(struct request *r, const struct k8s_reply *rep, const char *why)
{
	xsnprintf(r->extra, sizeof(r->extra), "Retry-After: %s\r\n",
	    rep->retry_after[0] ? rep->retry_after : "5");
	return http_fail(r, ST_UNAVAILABLE, "%s", why);
}

/* SPEC section 6: what each failure of the API server means to a client. */
enum status
k8s_fail(struct request *r, const struct k8s_reply *rep, const char *ns)
{
	char msg[300], kind[64], why[ERROR_MAX];

	if (rep->unusable)
		return http_fail(r, ST_UNAVAILABLE, "Kubernetes credentials "
		    "unusable: %s", rep->error);
	if (rep->code == 0) {
		msgf(why, sizeof(why), "Kubernetes API server unreachable: "
		    "%s", rep->error);
		return unavailable(r, rep, why);
	}
	status_fields(rep, msg, sizeof(msg), kind, sizeof(kind));
	switch (rep->code) {
	case 401:
		return http_fail(r, ST_BAD_GATEWAY, "the Kubernetes API server "
		    "rejected the credentials (401); check the token");
	case 403:
		return http_fail(r, ST_BAD_GATEWAY, "Kubernetes denied access: "
		    "the credentials need permission to create "
		    "softwaretasks.factory.factory.io in namespace \"%s\" (%s)",
		    ns, msg[0] ? msg : "403 Forbidden");
	case 404:
		if (strcmp(kind, "namespaces") == 0)
			return http_fail(r, ST_BAD_GATEWAY, "namespace \"%s\" "
			    "does not exist in Kubernetes; create it or set "
			    "NAMESPACE", ns);
		return http_fail(r, ST_BAD_GATEWAY, "the SoftwareTask CRD "
		    "(softwaretasks.factory.factory.io) is not installed in "
		    "Kubernetes; apply it first");
	case 413:
		return http_fail(r, ST_PAYLOAD_TOO_LARGE, "the task is too large "
		    "for the Kubernetes API server");
	case 400:	/* strict field validation: unknown or duplicate field */
	case 422:	/* the CRD's schema */
		return http_fail(r, ST_UNPROCESSABLE, "%s",
		    msg[0] ? msg : "Kubernetes rejected the object");
	}
	if (rep->code == 429 || rep->code >= 500) {
		msgf(why, sizeof(why), "Kubernetes API server busy or "
		    "failing (%ld)%s%s", rep->code, msg[0] ? ": " : "", msg);
		return unavailable(r, rep, why);
	}
	return http_fail(r, ST_BAD_GATEWAY, "unexpected answer %ld from the "
	    "Kubernetes API server%s%s", rep->code, msg[0] ? ": " : "", msg);
}
