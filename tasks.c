/*
 * POST /api/v1/tasks: a task from a JSON body, for shell scripts with curl.
 * The name is task-<unix-milliseconds> as the seed says; two requests in the
 * same millisecond are told apart by the API server's 409 and the later one
 * retries with a random suffix.  An Idempotency-Key makes the name derive
 * from the key, so a retried request finds the task it already created.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "handler.h"
#include "json.h"

/* Bearer token check; constant time in the tokens. */
static enum status
authorize(struct exchange *x)
{
	const char *h = http_header(x->r, "Authorization");

	if (x->cfg->api_tokens.n == 0)
		return ST_NONE;
	if (h != NULL && ascii_ncaseeq(h, "Bearer ", 7) &&
	    secrets_match(&x->cfg->api_tokens, h + 7))
		return ST_NONE;
	xsnprintf(x->r->extra, sizeof(x->r->extra),
	    "WWW-Authenticate: Bearer realm=\"factory-webhook\"\r\n");
	return http_fail(x->r, ST_UNAUTHORIZED,
	    "missing or wrong bearer token");
}

/* 1-128 printable ASCII characters; the name is task-<20 hex of SHA-256>. */
static enum status
idempotent_name(struct exchange *x, const char *key, char *name, size_t size)
{
	char		 hex[65];
	size_t		 i, n = strlen(key);

	for (i = 0; i < n; i++)
		if ((unsigned char)key[i] < 0x20 || (unsigned char)key[i] > 0x7e)
			break;
	if (n == 0 || n > IDEMPOTENCY_KEY_MAX || i < n)
		return http_fail(x->r, ST_BAD_REQUEST, "Idempotency-Key must be "
		    "1 to %d printable ASCII characters", IDEMPOTENCY_KEY_MAX);
	if (sha256_hex(key, n, hex) == -1)
		return http_fail(x->r, ST_INTERNAL_ERROR, "SHA-256 failed");
	xsnprintf(name, size, "task-%.20s", hex);
	return ST_NONE;
}

static enum status
created(struct exchange *x, enum status st, const char *msg)
{
	char watch[512];

	if (strcmp(x->cfg->namespace, "default") == 0)
		xsnprintf(watch, sizeof(watch), "%s Watch with: kubectl get st "
		    "%s -w", msg, x->task);
	else
		xsnprintf(watch, sizeof(watch), "%s Watch with: kubectl get st "
		    "%s -n %s -w", msg, x->task, x->cfg->namespace);
	return reply(x, st, "name", x->task, "namespace", x->cfg->namespace,
	    "message", watch, NULL);
}

/* Creates obj, trying a new name on each clash unless the name is keyed. */
static enum status
create_named(struct exchange *x, cJSON *obj, int keyed)
{
	long		 code = 0;
	int64_t		 ms = wall_ms();
	char		 rnd[5];
	enum status	 st;
	int		 i;

	for (i = 0; i < NAME_RETRIES; i++) {
		if (!keyed && i == 0)
			xsnprintf(x->task, sizeof(x->task), "task-%lld",
			    (long long)ms);
		else if (!keyed) {
			random_hex(rnd, 4);
			xsnprintf(x->task, sizeof(x->task), "task-%lld-%s",
			    (long long)ms, rnd);
		}
		task_set_name(obj, x->task);
		if ((st = task_create(x, obj, &code)) != ST_NONE)
			return st;
		if (code == 201)
			return created(x, ST_CREATED, "Task created.");
		if (keyed)
			return created(x, ST_OK, "Task already exists for this "
			    "Idempotency-Key.");
	}
	return http_fail(x->r, ST_UNAVAILABLE, "no free task name after %d "
	    "attempts", NAME_RETRIES);
}

enum status
tasks_post(struct exchange *x)
{
	const char	*key = http_header(x->r, "Idempotency-Key");
	struct buf	 body;
	cJSON		*root = NULL, *spec = NULL, *obj = NULL, *labels;
	enum status	 st;

	if ((st = authorize(x)) != ST_NONE)
		return st;
	if (!media_type_is(http_header(x->r, "Content-Type"),
	    "application/json"))
		return http_fail(x->r, ST_UNSUPPORTED_MEDIA,
		    "Content-Type must be application/json");
	if (key != NULL && (st = idempotent_name(x, key, x->task,
	    sizeof(x->task))) != ST_NONE)
		return st;
	if ((st = read_body(x, x->cfg->max_body, &body)) != ST_NONE ||
	    (st = json_parse(x->r, body.data, body.len, &root)) != ST_NONE ||
	    (st = task_spec_from_json(x->r, root, &spec)) != ST_NONE)
		goto done;
	labels = cJSON_CreateObject();
	cJSON_AddStringToObject(labels, "factory.io/source", "api");
	obj = task_object(x->task[0] ? x->task : "task", x->cfg->namespace,
	    labels, NULL, spec);
	st = obj ? create_named(x, obj, key != NULL) :
	    http_fail(x->r, ST_INTERNAL_ERROR, "out of memory");
done:
	if (body.data != NULL)
		explicit_bzero(body.data, body.len);	/* may hold githubToken */
	buf_free(&body);
	cJSON_Delete(root);
	cJSON_Delete(obj);
	return st;
}
