/*
 * POST /webhooks/github: GitHub webhook deliveries.  The body is
 * signature-checked as it streams in; only ping and issues deliveries are
 * kept in memory, every other event is hashed, answered 200 ignored and
 * forgotten.  An issues delivery creates a task only when the label just
 * added is the trigger label.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "form.h"
#include "handler.h"
#include "json.h"
#include "names.h"

struct intake {
	struct signer	*signer;	/* NULL when no secret is set */
	struct buf	 kept;		/* the body, for ping and issues */
	int		 keep;
};

static enum status
take(void *ctx, const char *p, size_t n)
{
	struct intake *in = ctx;

	if (in->signer != NULL)
		signer_update(in->signer, p, n);
	if (in->keep && buf_append(&in->kept, p, n) == -1)
		return ST_PAYLOAD_TOO_LARGE;
	return ST_NONE;
}

/* 200 {"message":"ignored","reason":"<before><what><after>"} */
static enum status
ignored(struct exchange *x, const char *before, const char *what,
    const char *after)
{
	char reason[256];

	msgf(reason, sizeof(reason), "%s%.140s%s", before, what, after);
	return reply(x, ST_OK, "message", "ignored", "reason", reason, NULL);
}

/* Headers first: content type, event, delivery id, all before the body. */
static enum status
check_headers(struct exchange *x, int *form)
{
	const char *ct = http_header(x->r, "Content-Type");

	*form = media_type_is(ct, "application/x-www-form-urlencoded");
	if (!*form && !media_type_is(ct, "application/json"))
		return http_fail(x->r, ST_UNSUPPORTED_MEDIA, "Content-Type must "
		    "be application/json or application/x-www-form-urlencoded");
	x->event = http_header(x->r, "X-GitHub-Event");
	x->delivery = http_header(x->r, "X-GitHub-Delivery");
	if (x->delivery != NULL && *x->delivery == '\0')
		x->delivery = NULL;	/* empty is absent, not one shared id */
	if (x->event == NULL || *x->event == '\0')
		return http_fail(x->r, ST_BAD_REQUEST,
		    "missing X-GitHub-Event header");
	if (x->delivery != NULL && !is_label_value(x->delivery))
		return http_fail(x->r, ST_BAD_REQUEST, "X-GitHub-Delivery must "
		    "be a GUID (letters, digits and '-', at most 63)");
	return ST_NONE;
}

/* Reads and verifies the body; *in keeps it when the event needs it. */
static enum status
receive(struct exchange *x, struct intake *in)
{
	const char	*sig = http_header(x->r, "X-Hub-Signature-256");
	uint64_t	 limit;
	enum status	 st;

	in->keep = strcmp(x->event, "issues") == 0 ||
	    strcmp(x->event, "ping") == 0;
	limit = in->keep ? x->cfg->max_body : GITHUB_STREAM_MAX;
	buf_init(&in->kept, (size_t)limit);
	if (x->cfg->webhook.n > 0 &&
	    (in->signer = signer_new(&x->cfg->webhook)) == NULL)
		return http_fail(x->r, ST_INTERNAL_ERROR, "HMAC setup failed");
	if ((st = http_check_length(x->r, limit)) != ST_NONE ||
	    (st = http_send_continue(x->r)) != ST_NONE ||
	    (st = http_read_body(x->r, limit, take, in)) != ST_NONE)
		return st;
	if (in->signer == NULL)
		x->warning = "no webhook secret configured; signature not checked";
	else if (!signer_verify(in->signer, sig))
		return http_fail(x->r, ST_UNAUTHORIZED, "invalid signature");
	if (in->keep && in->kept.data == NULL && buf_append(&in->kept, "", 0))
		return http_fail(x->r, ST_INTERNAL_ERROR, "out of memory");
	return ST_NONE;
}

/* The JSON document: the body, or the payload field of a form body. */
static enum status
payload(struct exchange *x, struct intake *in, int form, cJSON **root)
{
	char		*p;
	size_t		 n;
	enum status	 st;

	if (!form)
		return json_parse(x->r, in->kept.data, in->kept.len, root);
	if (form_field(in->kept.data, in->kept.len, "payload", &p, &n) != 0)
		return http_fail(x->r, ST_BAD_REQUEST,
		    "form body without a valid payload field");
	st = json_parse(x->r, p, n, root);
	free(p);
	return st;
}

static enum status
pong(struct exchange *x, const cJSON *root)
{
	cJSON *o = cJSON_CreateObject(), *zen, *id;

	zen = cJSON_GetObjectItemCaseSensitive(root, "zen");
	id = cJSON_GetObjectItemCaseSensitive(root, "hook_id");
	cJSON_AddStringToObject(o, "message", "pong");
	cJSON_AddItemToObject(o, "zen", cJSON_IsString(zen) ?
	    cJSON_CreateString(zen->valuestring) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "hook_id", cJSON_IsNumber(id) ?
	    cJSON_CreateNumber(id->valuedouble) : cJSON_CreateNull());
	free(x->body);
	x->body = cJSON_PrintUnformatted(o);
	x->ctype = "application/json";
	cJSON_Delete(o);
	return x->body ? ST_OK : http_fail(x->r, ST_INTERNAL_ERROR, "oom");
}

/* spec: the issue's text, and the configured defaults for the rest. */
static cJSON *
issue_spec(const struct exchange *x, const struct issue_event *ev)
{
	cJSON		*spec = cJSON_CreateObject(), *cred;
	struct buf	 text;

	buf_init(&text, (size_t)x->cfg->max_body + 256);
	if (buf_appendf(&text, "GitHub Issue #%lld: %s", ev->number,
	    ev->title) == -1 || (ev->body != NULL && ev->body[0] != '\0' &&
	    buf_appendf(&text, "\n\n%s", ev->body) == -1) || spec == NULL ||
	    !cJSON_AddStringToObject(spec, "repo", ev->clone_url) ||
	    !cJSON_AddStringToObject(spec, "task", text.data) ||
	    !cJSON_AddStringToObject(spec, "branch", x->cfg->gh_branch) ||
	    !cJSON_AddStringToObject(spec, "agent", x->cfg->gh_agent) ||
	    (cred = cJSON_AddObjectToObject(spec, "credentials")) == NULL ||
	    !cJSON_AddStringToObject(cred, "secretRef", x->cfg->gh_secret_ref)) {
		cJSON_Delete(spec);
		spec = NULL;
	}
	buf_free(&text);
	return spec;
}

static cJSON *
issue_object(const struct exchange *x, const struct issue_event *ev)
{
	cJSON	*labels = cJSON_CreateObject(), *notes = cJSON_CreateObject();
	char	 num[32];

	xsnprintf(num, sizeof(num), "%lld", ev->number);
	cJSON_AddStringToObject(labels, "factory.io/source", "github-issue");
	cJSON_AddStringToObject(labels, "factory.io/issue-number", num);
	if (x->delivery != NULL)
		cJSON_AddStringToObject(labels, "factory.io/delivery",
		    x->delivery);
	cJSON_AddStringToObject(notes, "factory.io/issue-url", ev->html_url);
	cJSON_AddStringToObject(notes, "factory.io/repository", ev->full_name);
	cJSON_AddStringToObject(notes, "factory.io/sender", ev->sender);
	return task_object("issue", x->cfg->namespace, labels, notes,
	    issue_spec(x, ev));
}

/* Name for attempt i: issue-<n>-<hex of SHA-256(delivery)>, longer on each
 * clash; without a delivery id, issue-<n>-<unix-seconds>[-<random>]. */
static void
issue_name(struct exchange *x, long long number, int i)
{
	static const int	 lens[] = { 10, 20, 32, 48, 64 };
	char			 hex[65], rnd[5];

	if (x->delivery != NULL && sha256_hex(x->delivery,
	    strlen(x->delivery), hex) == 0) {
		xsnprintf(x->task, sizeof(x->task), "issue-%lld-%.*s", number,
		    lens[i < 5 ? i : 4], hex);
	} else if (i == 0) {
		xsnprintf(x->task, sizeof(x->task), "issue-%lld-%lld", number,
		    (long long)(wall_ms() / 1000));
	} else {
		random_hex(rnd, 4);
		xsnprintf(x->task, sizeof(x->task), "issue-%lld-%lld-%s",
		    number, (long long)(wall_ms() / 1000), rnd);
	}
}

/* After a 409: is the existing task this delivery's (a redelivery)? */
static int
is_redelivery(struct exchange *x)
{
	char have[LABEL_VALUE_MAX + 1];

	if (x->delivery == NULL)
		return 0;
	if (task_get_label(x, x->task, "factory.io/delivery", have,
	    sizeof(have)) != ST_NONE) {
		/* Cannot look (a create-only role): the 40-bit hash makes a
		 * clash with another delivery of the same issue unlikely. */
		x->r->err[0] = '\0';
		x->r->extra[0] = '\0';
		x->warning = "task exists; could not read it, assumed redelivery";
		return 1;
	}
	return strcmp(have, x->delivery) == 0;
}

static enum status
create_issue_task(struct exchange *x, const struct issue_event *ev)
{
	cJSON		*obj = issue_object(x, ev);
	long		 code = 0;
	enum status	 st = ST_NONE;
	int		 i;

	if (obj == NULL)
		return http_fail(x->r, ST_INTERNAL_ERROR, "out of memory");
	for (i = 0; i < NAME_RETRIES; i++) {
		issue_name(x, ev->number, i);
		task_set_name(obj, x->task);
		if ((st = task_create(x, obj, &code)) != ST_NONE)
			break;
		if (code == 201) {
			st = reply(x, ST_CREATED, "task", x->task, "namespace",
			    x->cfg->namespace, "message",
			    "Task created from GitHub issue", NULL);
			break;
		}
		if (is_redelivery(x)) {
			st = reply(x, ST_OK, "task", x->task, "namespace",
			    x->cfg->namespace, "message",
			    "Task already exists for this delivery", NULL);
			break;
		}
		st = http_fail(x->r, ST_UNAVAILABLE, "no free task name after "
		    "%d attempts", NAME_RETRIES);
	}
	cJSON_Delete(obj);
	return st;
}

/* clone_url ends in "/<owner>/<repo>.git" (case-insensitive). */
static int
clone_url_matches(const char *url, const char *full)
{
	size_t u = strlen(url), f = strlen(full);

	return u > f + 5 && url[u - f - 5] == '/' &&
	    ascii_ncaseeq(url + u - f - 4, full, f) &&
	    strcmp(url + u - 4, ".git") == 0;
}

static enum status
on_issue(struct exchange *x, const cJSON *root)
{
	struct issue_event	 ev;
	enum status		 st;

	if ((st = issue_event_read(x->r, root, &ev)) != ST_NONE)
		return st;
	msgf(x->action, sizeof(x->action), "%s", ev.action);
	if (strcmp(ev.action, "labeled") != 0)
		return ignored(x, "action ", ev.action, " is not handled");
	if (ev.label == NULL || strcmp(ev.label, x->cfg->trigger_label) != 0)
		return ignored(x, "label ", ev.label ? ev.label : "(none)",
		    " is not the trigger label");
	if (ev.full_name == NULL || !repo_allowed(x->cfg->allowed_repos,
	    ev.full_name))
		return ignored(x, "repository ", ev.full_name ?
		    ev.full_name : "(none)", " is not in GITHUB_ALLOWED_REPOS");
	/* The allow-list names full_name; the task clones clone_url. */
	if (x->cfg->allowed_repos != NULL && !clone_url_matches(ev.clone_url,
	    ev.full_name))
		return ignored(x, "repository.clone_url does not match ",
		    ev.full_name, "");
	return create_issue_task(x, &ev);
}

enum status
github_post(struct exchange *x)
{
	struct intake	 in;
	cJSON		*root = NULL;
	enum status	 st;
	int		 form;

	memset(&in, 0, sizeof(in));
	buf_init(&in.kept, 0);
	if ((st = check_headers(x, &form)) != ST_NONE ||
	    (st = receive(x, &in)) != ST_NONE)
		goto done;
	if (!in.keep) {
		st = ignored(x, "event ", x->event, " is not handled");
		goto done;
	}
	if ((st = payload(x, &in, form, &root)) != ST_NONE)
		goto done;
	if (strcmp(x->event, "ping") == 0)
		st = pong(x, root);
	else
		st = on_issue(x, root);
done:
	signer_free(in.signer);
	buf_free(&in.kept);
	cJSON_Delete(root);
	return st;
}
