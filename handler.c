/*
 * factory-webhook: a one-shot, socket-activated HTTP handler.  systemd
 * (Accept=yes) or an inetd runs it once per connection with the connection
 * on standard input and output.  It reads one request, answers it, writes
 * one log line and exits: 0 whenever a response was written.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "handler.h"
#include "json.h"
#include "listen.h"
#include "log.h"
#include "names.h"

#define NO_CREDENTIALS	"no Kubernetes credentials: set KUBE_API_SERVER with " \
    "KUBE_TOKEN_FILE (and KUBE_CA_FILE), or KUBECONFIG, or run in a " \
    "cluster with a service account"
#define TASKS_PATH	"/apis/factory.factory.io/v1alpha1/namespaces/%s/softwaretasks"

enum status
reply(struct exchange *x, enum status st, const char *k1, ...)
{
	va_list ap;

	free(x->body);
	va_start(ap, k1);
	x->body = json_vreply(k1, ap);
	va_end(ap);
	x->ctype = "application/json";
	return st;
}

static enum status
to_buf(void *ctx, const char *p, size_t n)
{
	return buf_append(ctx, p, n) == 0 ? ST_NONE : ST_PAYLOAD_TOO_LARGE;
}

/* The whole body into b, after 411/413 checks and 100 Continue. */
enum status
read_body(struct exchange *x, uint64_t limit, struct buf *b)
{
	enum status st;

	buf_init(b, (size_t)limit);
	if ((st = http_check_length(x->r, limit)) != ST_NONE ||
	    (st = http_send_continue(x->r)) != ST_NONE)
		return st;
	st = http_read_body(x->r, limit, to_buf, b);
	if (st == ST_NONE && b->data == NULL && buf_append(b, "", 0) == -1)
		return http_fail(x->r, ST_INTERNAL_ERROR, "out of memory");
	return st;
}

void
task_set_name(cJSON *obj, const char *name)
{
	cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");

	cJSON_ReplaceItemInObjectCaseSensitive(meta, "name",
	    cJSON_CreateString(name));
}

static enum status
no_credentials(struct exchange *x)
{
	return http_fail(x->r, ST_UNAVAILABLE, "%s", NO_CREDENTIALS);
}

enum status
task_create(struct exchange *x, cJSON *obj, long *code)
{
	struct k8s_reply	 rep;
	char			 path[512], *json;
	enum status		 st = ST_NONE;

	if (!x->kc->found)
		return no_credentials(x);
	if (xsnprintf(path, sizeof(path), TASKS_PATH "?fieldValidation=Strict%s",
	    x->cfg->namespace, x->cfg->dry_run ? "&dryRun=All" : "") == -1 ||
	    (json = cJSON_PrintUnformatted(obj)) == NULL)
		return http_fail(x->r, ST_INTERNAL_ERROR, "out of memory");
	if (k8s_call(x->kc, "POST", path, json, x->cfg->k8s_timeout, &rep) == 0 &&
	    (rep.code == 201 || rep.code == 409 || (rep.code == 200 &&
	    x->cfg->dry_run)))
		*code = rep.code == 200 ? 201 : rep.code;
	else
		st = k8s_fail(x->r, &rep, x->cfg->namespace);
	explicit_bzero(json, strlen(json));	/* may hold githubToken */
	free(json);
	buf_free(&rep.body);
	return st;
}

/* The value of one label of an existing task into out ("" when absent). */
enum status
task_get_label(struct exchange *x, const char *name, const char *label,
    char *out, size_t outlen)
{
	struct k8s_reply	 rep;
	char			 path[512];
	cJSON			*o;
	const cJSON		*v;
	enum status		 st = ST_NONE;

	out[0] = '\0';
	if (xsnprintf(path, sizeof(path), TASKS_PATH "/%s", x->cfg->namespace,
	    name) == -1)
		return http_fail(x->r, ST_INTERNAL_ERROR, "name too long");
	if (k8s_call(x->kc, "GET", path, NULL, x->cfg->k8s_timeout, &rep) == -1 ||
	    rep.code != 200) {
		st = k8s_fail(x->r, &rep, x->cfg->namespace);
		buf_free(&rep.body);
		return st;
	}
	o = cJSON_ParseWithLength(rep.body.data, rep.body.len);
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, "metadata"), "labels"), label);
	if (cJSON_IsString(v))
		msgf(out, outlen, "%s", v->valuestring);
	cJSON_Delete(o);
	buf_free(&rep.body);
	return st;
}

static enum status
healthz(struct exchange *x)
{
	free(x->body);
	x->body = strdup("ok\n");
	x->ctype = "text/plain; charset=utf-8";
	return x->body ? ST_OK : http_fail(x->r, ST_INTERNAL_ERROR, "oom");
}

static enum status
not_ready(struct exchange *x, const char *reason)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddFalseToObject(o, "ready");
	cJSON_AddStringToObject(o, "reason", reason);
	free(x->body);
	x->body = cJSON_PrintUnformatted(o);
	x->ctype = "application/json";
	x->r->extra[0] = '\0';
	cJSON_Delete(o);
	return x->body ? ST_UNAVAILABLE : http_fail(x->r, ST_INTERNAL_ERROR,
	    "out of memory");
}

/*
 * GET /readyz: may these credentials create softwaretasks in NAMESPACE?
 * One SelfSubjectAccessReview, which every authenticated user may make.
 */
static enum status
readyz(struct exchange *x)
{
	struct k8s_reply	 rep;
	char			 body[512], why[ERROR_MAX];
	cJSON			*o;
	int			 allowed;

	if (!x->kc->found)
		return not_ready(x, NO_CREDENTIALS);
	xsnprintf(body, sizeof(body), "{\"apiVersion\":"
	    "\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
	    "\"spec\":{\"resourceAttributes\":{\"group\":\"factory.factory.io\","
	    "\"resource\":\"softwaretasks\",\"verb\":\"create\","
	    "\"namespace\":\"%s\"}}}", x->cfg->namespace);
	if (k8s_call(x->kc, "POST", "/apis/authorization.k8s.io/v1/"
	    "selfsubjectaccessreviews", body, x->cfg->k8s_timeout, &rep) == -1 ||
	    rep.code != 201) {
		k8s_fail(x->r, &rep, x->cfg->namespace);
		buf_free(&rep.body);
		return not_ready(x, x->r->err);
	}
	o = cJSON_ParseWithLength(rep.body.data, rep.body.len);
	allowed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(o, "status"), "allowed"));
	cJSON_Delete(o);
	buf_free(&rep.body);
	if (!allowed) {
		msgf(why, sizeof(why), "the credentials may not create "
		    "softwaretasks.factory.factory.io in namespace \"%s\"",
		    x->cfg->namespace);
		return not_ready(x, why);
	}
	free(x->body);
	x->body = strdup("{\"ready\":true}");
	x->ctype = "application/json";
	return x->body ? ST_OK : http_fail(x->r, ST_INTERNAL_ERROR, "oom");
}

static const struct route {
	const char	*path;
	const char	*allow;		/* methods, for 405 */
	enum status	(*get)(struct exchange *);
	enum status	(*post)(struct exchange *);
	int		 needs_config;	/* refuse while the configuration is bad */
} routes[] = {
	{ "/healthz",		"GET, HEAD",	healthz,	NULL,		0 },
	{ "/readyz",		"GET, HEAD",	readyz,		NULL,		1 },
	{ "/api/v1/tasks",	"POST",		NULL,		tasks_post,	1 },
	{ "/webhooks/github",	"POST",		NULL,		github_post,	1 },
};

static enum status
route(struct exchange *x, const char *cfg_err)
{
	const struct route	*rt = NULL;
	const char		*m = x->r->method;
	size_t			 i;

	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].path, x->r->path) == 0)
			rt = &routes[i];
	if (rt == NULL)
		return http_fail(x->r, ST_NOT_FOUND, "not found");
	if (rt->needs_config && cfg_err != NULL)
		return http_fail(x->r, ST_INTERNAL_ERROR,
		    "server configuration error; see the log");
	if (rt->get != NULL && (strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0))
		return rt->get(x);
	if (rt->post != NULL && strcmp(m, "POST") == 0)
		return rt->post(x);
	xsnprintf(x->r->extra, sizeof(x->r->extra), "Allow: %s\r\n", rt->allow);
	return http_fail(x->r, ST_METHOD_NOT_ALLOWED, "method %s not allowed; "
	    "use %s", m, rt->allow);
}

static int
priority(enum status st, const struct exchange *x)
{
	if (st >= 500)
		return 3;	/* LOG_ERR */
	if (st == ST_UNAUTHORIZED || x->warning != NULL)
		return 4;	/* LOG_WARNING */
	return 6;		/* LOG_INFO */
}

static void
log_request(struct exchange *x, enum status st, long bytes, int64_t start,
    const char *cfg_err)
{
	struct buf	 b;
	char		 num[32], when[32], client[64];
	time_t		 t = time(NULL);
	struct tm	 tm;

	buf_init(&b, LOG_LINE_MAX);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	log_client_addr(client, sizeof(client));
	log_field(&b, "time", when);
	log_field(&b, "id", x->id);
	log_field(&b, "client", client);
	log_field(&b, "method", x->r->method[0] ? x->r->method : "-");
	log_field(&b, "path", x->r->path[0] ? x->r->path : "-");
	xsnprintf(num, sizeof(num), "%d", (int)st);
	log_field(&b, "status", num);
	xsnprintf(num, sizeof(num), "%ld", bytes);
	log_field(&b, "bytes", num);
	xsnprintf(num, sizeof(num), "%lld", (long long)(now_ms() - start));
	log_field(&b, "dur_ms", num);
	log_field(&b, "event", x->event);
	log_field(&b, "action", x->action[0] ? x->action : NULL);
	log_field(&b, "delivery", x->delivery);
	log_field(&b, "task", x->task[0] ? x->task : NULL);
	log_field(&b, "warning", x->warning);
	if (st >= 500)
		log_field(&b, "error", cfg_err ? cfg_err : x->r->err);
	log_emit(log_sink_detect(), priority(st, x), &b);
	buf_free(&b);
}

/* One exchange on (in, out): read, route, answer, log, drain.  Returns the
 * exit status: 0 when a response was written. */
static int
serve(const struct config *cfg, struct k8s_creds *kc,
    const char *cfg_err, int in, int out)
{
	struct exchange	 x;
	struct response	 res;
	int64_t		 start = now_ms();
	enum status	 st;
	long		 bytes;

	memset(&x, 0, sizeof(x));
	x.cfg = cfg;
	x.kc = kc;
	if ((x.r = malloc(sizeof(*x.r))) == NULL)	/* http_init clears it */
		return 1;
	random_hex(x.id, 16);
	http_init(x.r, in, out, cfg->request_timeout);
	st = http_read_head(x.r);
	if (st != ST_NONE && x.r->headlen == 0 && x.r->peer_eof) {
		free(x.r);	/* a connection that sent nothing at all */
		return 0;
	}
	if (st == ST_NONE)
		st = route(&x, cfg_err);
	if (x.body == NULL)
		reply(&x, st, "error", x.r->err[0] ? x.r->err :
		    status_reason(st), NULL);
	res = (struct response){ .status = st, .content_type = x.ctype,
	    .extra = x.r->extra, .body = x.body ? x.body : "",
	    .bodylen = x.body ? strlen(x.body) : 0, .request_id = x.id,
	    .head_only = strcmp(x.r->method, "HEAD") == 0 };
	bytes = http_write_response(x.r, &res);
	log_request(&x, st, bytes, start, cfg_err);
	http_finish(x.r);
	free(x.body);
	free(x.r);
	return bytes < 0 ? 1 : 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: factory-webhook [--listen [ADDR:]PORT | --check-config | --sign |\n"
	    "                        --version | --help]\n"
	    "\n"
	    "Serves one HTTP request on standard input and output, as started\n"
	    "by systemd (Accept=yes) or an inetd for each connection.\n"
	    "\n"
	    "  --listen [ADDR:]PORT\n"
	    "                  accept connections itself, one child process each\n"
	    "                  (for containers); PORT defaults to $PORT\n"
	    "  --check-config  read the configuration and credentials, print a\n"
	    "                  summary without secrets; exit 0 if usable, else 1\n"
	    "  --sign          print sha256=<hex>, the X-Hub-Signature-256 of\n"
	    "                  standard input under the configured webhook secret\n"
	    "  --version       print the version\n"
	    "\n"
	    "Configuration is read from the environment; see factory-webhook(8).\n");
}

static void
print_secrets(const char *what, const struct secrets *s)
{
	if (s->n == 0)
		printf("%-22s not set\n", what);
	else
		printf("%-22s %zu value%s from %s\n", what, s->n,
		    s->n == 1 ? "" : "s", s->origin);
}

static int
check_config(const struct config *c, struct k8s_creds *kc,
    const char *err)
{
	char kerr[512];

	printf("%-22s %s\n", "namespace", c->namespace);
	printf("%-22s %s\n", "port", c->port);
	printf("%-22s %s\n", "trigger label", c->trigger_label);
	printf("%-22s %llu bytes\n", "body limit",
	    (unsigned long long)c->max_body);
	printf("%-22s request %ds, kubernetes %ds\n", "deadlines",
	    c->request_timeout, c->k8s_timeout);
	printf("%-22s %s\n", "dry run", c->dry_run ? "yes (dryRun=All)" : "no");
	print_secrets("webhook secret", &c->webhook);
	print_secrets("api token", &c->api_tokens);
	printf("%-22s %s\n", "allowed repositories",
	    c->allowed_repos ? c->allowed_repos : "all");
	if (kc->found && err == NULL && k8s_creds_resolve(kc, kerr,
	    sizeof(kerr)) == -1)
		err = kerr;
	if (kc->found) {
		printf("%-22s %s\n", "kubernetes", kc->source);
		printf("%-22s %s\n", "api server", kc->server);
		printf("%-22s %s\n", "ca", kc->insecure ?
		    "NOT VERIFIED (insecure-skip-tls-verify)" : kc->ca_file[0] ?
		    kc->ca_file : kc->ca_pem.len ? "certificate-authority-data" :
		    "system trust store");
		printf("%-22s %s\n", "auth", kc->exec_argv[0] ? "exec plugin" :
		    kc->cert_file[0] || kc->cert_pem.len ? "client certificate" :
		    kc->token_file[0] ? kc->token_file : kc->token ?
		    "token" : "none (anonymous)");
		if (kc->exec_argv[0] != NULL)
			printf("%-22s %s\n", "exec plugin", kc->exec_argv[0]);
		if (kc->proxy[0] != '\0')
			printf("%-22s %s\n", "proxy", kc->proxy);
	} else if (err == NULL) {
		printf("%-22s %s\n", "kubernetes", NO_CREDENTIALS);
	}
	if (err != NULL) {
		fprintf(stderr, "factory-webhook: %s\n", err);
		return 1;
	}
	return kc->found ? 0 : 1;
}

/* Prints the signature of standard input under the first secret. */
static int
sign_stdin(const struct config *c, const char *err)
{
	struct signer	*g;
	char		 buf[65536], sig[72];
	ssize_t		 n;
	int		 rc = 1;

	if (c->webhook.n == 0) {
		fprintf(stderr, "factory-webhook: --sign needs a secret: %s\n",
		    err ? err : "set GITHUB_WEBHOOK_SECRET or "
		    "GITHUB_WEBHOOK_SECRET_FILE");
		return 1;
	}
	if ((g = signer_new(&c->webhook)) == NULL) {
		fprintf(stderr, "factory-webhook: cannot load libcrypto\n");
		return 1;
	}
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 ||
	    (n == -1 && errno == EINTR))
		if (n > 0)
			signer_update(g, buf, (size_t)n);
	if (n == -1)
		fprintf(stderr, "factory-webhook: --sign: reading standard "
		    "input: %s\n", strerror(errno));
	else if (signer_hex(g, sig) == 0 && printf("%s\n", sig) > 0 &&
	    fflush(stdout) == 0)
		rc = 0;
	else
		fprintf(stderr, "factory-webhook: --sign: writing the "
		    "signature: %s\n", strerror(errno));
	signer_free(g);
	return rc;
}

struct serve_ctx {
	const struct config	*cfg;
	struct k8s_creds	*kc;
	const char		*err;
};

static int
serve_stdio(void *p)
{
	const struct serve_ctx *c = p;

	return serve(c->cfg, c->kc, c->err, STDIN_FILENO, STDOUT_FILENO);
}

int
main(int argc, char **argv)
{
	struct config		 cfg;
	struct k8s_creds	 kc;
	char			 kerr[512];
	const char		*err = NULL;
	int			 rc;

	signal(SIGPIPE, SIG_IGN);
	int			 listening = argc > 1 &&
	    strcmp(argv[1], "--listen") == 0;

	if (argc > 3 || (argc == 3 && !listening) ||
	    (argc == 2 && strcmp(argv[1], "--help") == 0)) {
		usage(argc == 2 ? stdout : stderr);
		return argc == 2 ? 0 : 2;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("factory-webhook %s\n", VERSION);
		return 0;
	}
	if (config_load(&cfg) == -1)
		err = cfg.err;
	if (k8s_creds_load(&kc, kerr, sizeof(kerr)) == -1 && err == NULL)
		err = kerr;
	struct serve_ctx	 ctx = { &cfg, &kc, err };

	if (argc == 1)
		rc = serve_stdio(&ctx);
	else if (listening && err != NULL)
		rc = (fprintf(stderr, "factory-webhook: %s\n", err), 1);
	else if (listening)
		rc = listen_loop(argc == 3 ? argv[2] : cfg.port, serve_stdio, &ctx);
	else if (strcmp(argv[1], "--check-config") == 0)
		rc = check_config(&cfg, &kc, err);
	else if (strcmp(argv[1], "--sign") == 0)
		rc = sign_stdin(&cfg, err);	/* only the secret matters */
	else {
		usage(stderr);
		rc = 2;
	}
	config_wipe(&cfg);
	k8s_creds_wipe(&kc);
	return rc;
}
