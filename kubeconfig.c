/*
 * kubeconfig files, read as kubectl reads them: KUBECONFIG is a
 * colon-separated list in which the first file to set a value wins, else
 * $HOME/.kube/config.  YAML or JSON, through libyaml, loaded with dlopen
 * only when a kubeconfig is actually read.  Relative paths are relative to
 * the file that names them.
 */
#define _GNU_SOURCE	/* asprintf(3) */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "k8s.h"
#include "util.h"

#define FILES_MAX	8
#define KUBECONFIG_MAX	(1024 * 1024)

struct yaml_fns {
	int		 (*init)(yaml_parser_t *);
	void		 (*set_input)(yaml_parser_t *, const unsigned char *, size_t);
	int		 (*load)(yaml_parser_t *, yaml_document_t *);
	void		 (*parser_delete)(yaml_parser_t *);
	yaml_node_t	*(*root)(yaml_document_t *);
	yaml_node_t	*(*node)(yaml_document_t *, int);
	void		 (*doc_delete)(yaml_document_t *);
};

/* The files of one KUBECONFIG, parsed. */
struct kc {
	struct yaml_fns	 y;
	yaml_document_t	 doc[FILES_MAX];
	char		*path[FILES_MAX];
	int		 n;
};

static int
yaml_load_lib(struct yaml_fns *y, char *err, size_t errlen)
{
	static const char *const names[] = { "yaml_parser_initialize",
	    "yaml_parser_set_input_string", "yaml_parser_load",
	    "yaml_parser_delete", "yaml_document_get_root_node",
	    "yaml_document_get_node", "yaml_document_delete" };
	void	*sym[sizeof(names) / sizeof(names[0])];

	if (dl_symbols("libyaml-0.so.2", names, sizeof(names) / sizeof(names[0]),
	    sym, err, errlen) == -1)
		return -1;
	memcpy(&y->init, &sym[0], sizeof(void *));
	memcpy(&y->set_input, &sym[1], sizeof(void *));
	memcpy(&y->load, &sym[2], sizeof(void *));
	memcpy(&y->parser_delete, &sym[3], sizeof(void *));
	memcpy(&y->root, &sym[4], sizeof(void *));
	memcpy(&y->node, &sym[5], sizeof(void *));
	memcpy(&y->doc_delete, &sym[6], sizeof(void *));
	return 0;
}

/* Parses one file into k->doc[k->n]; a file that does not exist is
 * skipped, as kubectl skips it. */
static int
parse_file(struct kc *k, const char *path, char *err, size_t errlen)
{
	yaml_parser_t	 p;
	char		*text;
	size_t		 len;
	int		 ok;

	if ((text = read_small_file(path, KUBECONFIG_MAX, &len)) == NULL) {
		if (errno == ENOENT)
			return 0;
		msgf(err, errlen, "kubeconfig %s: %s", path, file_error(errno));
		return -1;
	}
	if (!k->y.init(&p)) {
		free(text);
		msgf(err, errlen, "out of memory");
		return -1;
	}
	k->y.set_input(&p, (const unsigned char *)text, len);
	ok = k->y.load(&p, &k->doc[k->n]);
	if (!ok || k->y.root(&k->doc[k->n]) == NULL) {
		msgf(err, errlen, "kubeconfig %s is not valid YAML or JSON%s%s "
		    "(line %zu)", path, p.problem ? ": " : "",
		    p.problem ? p.problem : "", p.problem_mark.line + 1);
		if (ok)
			k->y.doc_delete(&k->doc[k->n]);
		ok = 0;
	} else if ((k->path[k->n] = strdup(path)) != NULL) {
		k->n++;
	}
	k->y.parser_delete(&p);
	explicit_bzero(text, len);
	free(text);
	return ok ? 0 : -1;
}

static void
kc_free(struct kc *k)
{
	int i;

	for (i = 0; i < k->n; i++) {
		k->y.doc_delete(&k->doc[i]);
		free(k->path[i]);
	}
	k->n = 0;
}

/* The value under key in a mapping node, or NULL. */
static yaml_node_t *
get(struct kc *k, int f, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t	*pair;
	yaml_node_t		*kn;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (pair = m->data.mapping.pairs.start;
	    pair < m->data.mapping.pairs.top; pair++) {
		kn = k->y.node(&k->doc[f], pair->key);
		if (kn != NULL && kn->type == YAML_SCALAR_NODE &&
		    strcmp((char *)kn->data.scalar.value, key) == 0)
			return k->y.node(&k->doc[f], pair->value);
	}
	return NULL;
}

/* A scalar under key, or NULL; an empty or null scalar counts as unset. */
static const char *
str(struct kc *k, int f, yaml_node_t *m, const char *key)
{
	yaml_node_t *v = get(k, f, m, key);

	if (v == NULL || v->type != YAML_SCALAR_NODE ||
	    v->data.scalar.length == 0 ||
	    strcmp((char *)v->data.scalar.value, "null") == 0)
		return NULL;
	return (const char *)v->data.scalar.value;
}

/*
 * The entry called name in the list under key ("clusters"), first file
 * first, as kubectl merges them: returns entry[field] and its file in *f.
 */
static yaml_node_t *
named(struct kc *k, const char *key, const char *name, const char *field,
    int *f)
{
	yaml_node_item_t	*it;
	yaml_node_t		*list, *entry;
	const char		*n;

	for (*f = 0; *f < k->n; (*f)++) {
		list = get(k, *f, k->y.root(&k->doc[*f]), key);
		if (list == NULL || list->type != YAML_SEQUENCE_NODE)
			continue;
		for (it = list->data.sequence.items.start;
		    it < list->data.sequence.items.top; it++) {
			entry = k->y.node(&k->doc[*f], *it);
			if ((n = str(k, *f, entry, "name")) != NULL &&
			    strcmp(n, name) == 0)
				return get(k, *f, entry, field);
		}
	}
	return NULL;
}

/* path, relative to the directory of file f unless absolute, into dst. */
static int
resolve_path(struct kc *k, int f, const char *path, char *dst, size_t size)
{
	const char	*slash = strrchr(k->path[f], '/');
	int		 dirlen = slash ? (int)(slash - k->path[f]) : 1;

	if (path[0] == '/')
		return xsnprintf(dst, size, "%s", path);
	return xsnprintf(dst, size, "%.*s/%s", dirlen, slash ? k->path[f] : ".",
	    path);
}

static int
decode_into(struct buf *b, const char *b64, const char *what, char *err,
    size_t errlen)
{
	buf_init(b, 1024 * 1024);
	if (base64_decode(b64, b) == -1 || b->len == 0) {
		msgf(err, errlen, "kubeconfig: %s is not valid base64", what);
		buf_free(b);
		return -1;
	}
	return 0;
}

static int
fill_cluster(struct k8s_creds *c, struct kc *k, const char *name, char *err,
    size_t errlen)
{
	yaml_node_t	*cl;
	const char	*v;
	int		 f;

	if ((cl = named(k, "clusters", name, "cluster", &f)) == NULL ||
	    (v = str(k, f, cl, "server")) == NULL) {
		msgf(err, errlen, "kubeconfig: cluster \"%s\" is missing or has "
		    "no server", name);
		return -1;
	}
	if (xsnprintf(c->server, sizeof(c->server), "%s", v) == -1)
		return msgf(err, errlen, "kubeconfig: server too long"), -1;
	if ((v = str(k, f, cl, "certificate-authority")) != NULL &&
	    resolve_path(k, f, v, c->ca_file, sizeof(c->ca_file)) == -1)
		return msgf(err, errlen, "kubeconfig: path too long"), -1;
	if ((v = str(k, f, cl, "certificate-authority-data")) != NULL &&
	    decode_into(&c->ca_pem, v, "certificate-authority-data", err,
	    errlen) == -1)
		return -1;
	v = str(k, f, cl, "insecure-skip-tls-verify");
	c->insecure = v != NULL && strcmp(v, "true") == 0;
	if ((v = str(k, f, cl, "tls-server-name")) != NULL)
		xsnprintf(c->tls_server_name, sizeof(c->tls_server_name), "%s", v);
	if ((v = str(k, f, cl, "proxy-url")) != NULL)
		xsnprintf(c->proxy, sizeof(c->proxy), "%s", v);
	return 0;
}

/* user.exec: command, args, env, apiVersion. */
static int
fill_exec(struct k8s_creds *c, struct kc *k, int f, yaml_node_t *ex,
    char *err, size_t errlen)
{
	yaml_node_t		*list, *n;
	yaml_node_item_t	*it;
	const char		*v, *name, *value;
	size_t			 a = 0, e = 0;

	if ((v = str(k, f, ex, "command")) == NULL)
		return msgf(err, errlen, "kubeconfig: exec has no command"), -1;
	if ((v = str(k, f, ex, "apiVersion")) != NULL)
		xsnprintf(c->exec_api, sizeof(c->exec_api), "%s", v);
	c->exec_argv[a++] = strdup(str(k, f, ex, "command"));
	list = get(k, f, ex, "args");
	for (it = list && list->type == YAML_SEQUENCE_NODE ?
	    list->data.sequence.items.start : NULL;
	    it != NULL && it < list->data.sequence.items.top &&
	    a < EXEC_ARGS_MAX + 1; it++) {
		n = k->y.node(&k->doc[f], *it);
		if (n != NULL && n->type == YAML_SCALAR_NODE)
			c->exec_argv[a++] = strdup((char *)n->data.scalar.value);
	}
	list = get(k, f, ex, "env");
	for (it = list && list->type == YAML_SEQUENCE_NODE ?
	    list->data.sequence.items.start : NULL;
	    it != NULL && it < list->data.sequence.items.top &&
	    e < EXEC_ENV_MAX; it++) {
		n = k->y.node(&k->doc[f], *it);
		if ((name = str(k, f, n, "name")) == NULL)
			continue;
		value = str(k, f, n, "value");
		if (asprintf(&c->exec_env[e], "%s=%s", name, value ? value : "")
		    != -1)
			e++;
	}
	return 0;
}

static int
fill_user(struct k8s_creds *c, struct kc *k, const char *name, char *err,
    size_t errlen)
{
	yaml_node_t	*u, *ex;
	const char	*v, *key;
	int		 f;

	if ((u = named(k, "users", name, "user", &f)) == NULL)
		return 0;	/* no user: anonymous, as kubectl does */
	if ((v = str(k, f, u, "token")) != NULL && (c->token = strdup(v)) == NULL)
		return msgf(err, errlen, "out of memory"), -1;
	if ((v = str(k, f, u, "tokenFile")) != NULL &&
	    resolve_path(k, f, v, c->token_file, sizeof(c->token_file)) == -1)
		return msgf(err, errlen, "kubeconfig: path too long"), -1;
	v = str(k, f, u, "client-certificate");
	key = str(k, f, u, "client-key");
	if (v != NULL && key != NULL && (resolve_path(k, f, v, c->cert_file,
	    sizeof(c->cert_file)) == -1 || resolve_path(k, f, key, c->key_file,
	    sizeof(c->key_file)) == -1))
		return msgf(err, errlen, "kubeconfig: path too long"), -1;
	if ((v = str(k, f, u, "client-certificate-data")) != NULL &&
	    decode_into(&c->cert_pem, v, "client-certificate-data", err,
	    errlen) == -1)
		return -1;
	if ((v = str(k, f, u, "client-key-data")) != NULL &&
	    decode_into(&c->key_pem, v, "client-key-data", err, errlen) == -1)
		return -1;
	if ((ex = get(k, f, u, "exec")) != NULL)
		return fill_exec(c, k, f, ex, err, errlen);
	return 0;
}

static int
fill_context(struct k8s_creds *c, struct kc *k, char *err, size_t errlen)
{
	yaml_node_t	*ctx;
	const char	*cur = NULL, *cluster, *user;
	int		 f;

	for (f = 0; f < k->n && cur == NULL; f++)
		cur = str(k, f, k->y.root(&k->doc[f]), "current-context");
	if (cur == NULL) {
		msgf(err, errlen, "kubeconfig %s has no current-context; run "
		    "kubectl config use-context NAME", k->path[0]);
		return -1;
	}
	if ((ctx = named(k, "contexts", cur, "context", &f)) == NULL ||
	    (cluster = str(k, f, ctx, "cluster")) == NULL) {
		msgf(err, errlen, "kubeconfig: context \"%s\" is missing or has "
		    "no cluster", cur);
		return -1;
	}
	msgf(c->source, sizeof(c->source), "kubeconfig %s, context %s",
	    c->kubeconfig, cur);
	user = str(k, f, ctx, "user");
	if (fill_cluster(c, k, cluster, err, errlen) == -1)
		return -1;
	return user ? fill_user(c, k, user, err, errlen) : 0;
}

int
kubeconfig_read(struct k8s_creds *c, char *err, size_t errlen)
{
	struct kc	 k;
	char		 list[K8S_PATH_MAX], *p, *save = NULL;
	int		 rc = -1;

	memset(&k, 0, sizeof(k));
	if (yaml_load_lib(&k.y, err, errlen) == -1)
		return -1;
	xsnprintf(list, sizeof(list), "%s", c->kubeconfig);
	for (p = strtok_r(list, ":", &save); p != NULL && k.n < FILES_MAX;
	    p = strtok_r(NULL, ":", &save))
		if (parse_file(&k, p, err, errlen) == -1)
			goto done;
	if (k.n == 0) {
		msgf(err, errlen, "KUBECONFIG names no readable file (%s)",
		    c->kubeconfig);
		goto done;
	}
	rc = fill_context(c, &k, err, errlen);
done:
	kc_free(&k);
	return rc;
}
