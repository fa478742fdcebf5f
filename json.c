/*
 * Request validation and the SoftwareTask object.  Every field of the
 * seed's table is checked here, before any Kubernetes call, and an error
 * names the field: "maxRetries: must be an integer from 0 to 5".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "names.h"
#include "util.h"

#define PATH_MAX_JSON	96	/* "mcpServers[12].headers[3].valueFrom" */

/* RFC 3629 UTF-8, no overlongs, no surrogates. */
static int
utf8_valid(const unsigned char *p, size_t n)
{
	size_t i = 0, k, len;
	unsigned int cp;

	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			len = 2, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
			return 0;
		i += len;
	}
	return 1;
}

/*
 * What cJSON lets through: a raw control byte inside a string (invalid
 * JSON) and a \u0000 escape (which would cut the string where it stands).
 * Returns the offending offset, or -1 when the text is clean.
 */
static long
string_hazard(const char *p, size_t n)
{
	size_t	 i;
	int	 in = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (!in) {
			in = c == '"';
			continue;
		}
		if (c < 0x20)
			return (long)i;
		if (c == '"')
			in = 0;
		else if (c == '\\' && i + 1 < n) {
			if (p[i + 1] == 'u' && n - i >= 6 &&
			    strncmp(p + i + 2, "0000", 4) == 0)
				return (long)i;
			i++;	/* the escaped character */
		}
	}
	return -1;
}

enum status
json_parse(struct request *r, const char *p, size_t n, cJSON **root)
{
	long bad;

	const char *end = NULL;

	*root = NULL;
	if (memchr(p, '\0', n) != NULL)
		return http_fail(r, ST_BAD_REQUEST, "NUL byte in JSON body");
	if (!utf8_valid((const unsigned char *)p, n))
		return http_fail(r, ST_BAD_REQUEST, "body is not valid UTF-8");
	if ((bad = string_hazard(p, n)) != -1)
		return http_fail(r, ST_BAD_REQUEST, "control character or \\u0000 "
		    "in a JSON string at byte %ld", bad);
	*root = cJSON_ParseWithLengthOpts(p, n, &end, 0);
	if (*root == NULL)
		return http_fail(r, ST_BAD_REQUEST,
		    "invalid JSON at byte %zu", end ? (size_t)(end - p) : 0);
	while (end < p + n && strchr(" \t\r\n", *end) != NULL)
		end++;
	if (end != p + n) {
		cJSON_Delete(*root);
		*root = NULL;
		return http_fail(r, ST_BAD_REQUEST,
		    "trailing bytes after the JSON document");
	}
	return ST_NONE;
}

/*
 * An object whose members are all in known[] (NULL-terminated), each at most
 * once, with printable names.
 */
static enum status
check_members(struct request *r, const char *path, const cJSON *o,
    const char *const known[])
{
	const cJSON	*m, *k;
	size_t		 i;

	if (!cJSON_IsObject(o))
		return http_fail(r, ST_BAD_REQUEST, "%s: must be an object",
		    path);
	for (m = o->child; m != NULL; m = m->next) {
		if (!is_printable(m->string, 0))
			return http_fail(r, ST_BAD_REQUEST,
			    "%s: field names must not contain control "
			    "characters", *path ? path : "body");
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], m->string) == 0)
				break;
		if (known[i] == NULL)
			return http_fail(r, ST_BAD_REQUEST,
			    "%s%s%s: unknown field", path, *path ? "." : "",
			    m->string);
		for (k = o->child; k != m; k = k->next)
			if (strcmp(k->string, m->string) == 0)
				return http_fail(r, ST_BAD_REQUEST,
				    "%s%s%s: duplicate field", path,
				    *path ? "." : "", m->string);
	}
	return ST_NONE;
}

static int
is_int_in(const cJSON *v, double min, double max)
{
	/* In range first, so that the conversion to an integer is defined. */
	return cJSON_IsNumber(v) && v->valuedouble >= min &&
	    v->valuedouble <= max &&
	    v->valuedouble == (double)(long long)v->valuedouble;
}

/* "path.name", or "name" at the top.  Paths are short by construction
 * (PATH_MAX_JSON leaves room); one cut anyway still names the field. */
static const char *
join(char *buf, size_t size, const char *path, const char *name)
{
	if (xsnprintf(buf, size, "%s%s%s", path, *path ? "." : "", name) == -1)
		xsnprintf(buf, size, "%s", name);
	return buf;
}

/*
 * A string member; null and absent are the same.  Sets *out to NULL when
 * absent, which is an error only when required.
 */
static enum status
get_string(struct request *r, const char *path, const cJSON *o,
    const char *name, int required, const char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);
	char		 f[PATH_MAX_JSON];

	*out = NULL;
	join(f, sizeof(f), path, name);
	if (v == NULL || cJSON_IsNull(v)) {
		if (required)
			return http_fail(r, ST_BAD_REQUEST, "%s: is required", f);
		return ST_NONE;
	}
	if (!cJSON_IsString(v))
		return http_fail(r, ST_BAD_REQUEST, "%s: must be a string", f);
	if (!is_printable(v->valuestring, strcmp(name, "task") == 0))
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: must not contain control characters", f);
	if (v->valuestring[0] == '\0')
		return http_fail(r, ST_BAD_REQUEST, "%s: must not be empty", f);
	*out = v->valuestring;
	return ST_NONE;
}

static int
add_string(cJSON *o, const char *name, const char *v)
{
	return v == NULL || cJSON_AddStringToObject(o, name, v) != NULL;
}

/* An array member whose items are strings passing ok(); copied to dst. */
static enum status
string_array(struct request *r, const char *path, const cJSON *o,
    const char *name, int (*ok)(const char *), const char *what, cJSON *dst)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name), *it;
	cJSON		*arr;
	char		 f[PATH_MAX_JSON];
	int		 i = 0;

	join(f, sizeof(f), path, name);
	if (v == NULL || cJSON_IsNull(v))
		return ST_NONE;
	if (!cJSON_IsArray(v))
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: must be an array of strings", f);
	if ((arr = cJSON_AddArrayToObject(dst, name)) == NULL)
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	cJSON_ArrayForEach(it, v) {
		if (!cJSON_IsString(it) || !ok(it->valuestring))
			return http_fail(r, ST_BAD_REQUEST, "%s[%d]: must be %s",
			    f, i, what);
		if (!cJSON_AddItemToArray(arr, cJSON_CreateString(it->valuestring)))
			return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
		i++;
	}
	return ST_NONE;
}

static int
plain_string(const char *s)
{
	return is_printable(s, 0);
}

/* Kubernetes resource quantity, the CRD's pattern for cpu and memory. */
static int
is_quantity(const char *s)
{
	size_t n;

	if (*s == '+' || *s == '-')
		s++;
	n = strspn(s, "0123456789");
	if (s[n] == '.')
		n += 1 + strspn(s + n + 1, "0123456789");
	if (n == 0 || (n == 1 && s[0] == '.'))
		return 0;
	s += n;
	if (*s == '\0')
		return 1;
	if (strchr("KMGTPE", *s) != NULL && s[1] == 'i' && s[2] == '\0')
		return 1;
	if (strchr("numkMGTPE", *s) != NULL && s[1] == '\0')
		return 1;
	if (*s != 'e' && *s != 'E')
		return 0;
	s++;
	if (*s == '+' || *s == '-')
		s++;
	n = strspn(s, "0123456789");
	if (s[n] == '.')
		n += 1 + strspn(s + n + 1, "0123456789");
	return n > 0 && !(n == 1 && s[0] == '.') && s[n] == '\0';
}

/* headers[] and env[] items: {name, value | valueFrom}. */
static enum status
name_value_array(struct request *r, const char *path, const cJSON *o,
    const char *name, cJSON *dst)
{
	static const char *const known[] = { "name", "value", "valueFrom",
	    NULL };
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name), *it;
	char		 f[PATH_MAX_JSON], item[PATH_MAX_JSON + 16];
	const char	*s, *value;
	enum status	 st;
	int		 i = 0;

	join(f, sizeof(f), path, name);
	if (v == NULL || cJSON_IsNull(v))
		return ST_NONE;
	if (!cJSON_IsArray(v))
		return http_fail(r, ST_BAD_REQUEST, "%s: must be an array", f);
	cJSON_ArrayForEach(it, v) {
		xsnprintf(item, sizeof(item), "%s[%d]", f, i++);
		if ((st = check_members(r, item, it, known)) != ST_NONE ||
		    (st = get_string(r, item, it, "name", 1, &s)) != ST_NONE)
			return st;
		if (cJSON_HasObjectItem(it, "value") &&
		    cJSON_HasObjectItem(it, "valueFrom"))
			return http_fail(r, ST_BAD_REQUEST,
			    "%s: value and valueFrom are mutually exclusive", item);
		if (cJSON_HasObjectItem(it, "value") &&
		    !cJSON_IsString(cJSON_GetObjectItem(it, "value")))
			return http_fail(r, ST_BAD_REQUEST,
			    "%s.value: must be a string", item);
		value = cJSON_GetStringValue(cJSON_GetObjectItem(it, "value"));
		if (strcmp(name, "headers") == 0 && (!is_token(s) ||
		    (value != NULL && !is_printable(value, 0))))
			return http_fail(r, ST_BAD_REQUEST, "%s: a header needs "
			    "a token name and a value without control "
			    "characters", item);
		if (cJSON_HasObjectItem(it, "valueFrom") &&
		    !cJSON_IsObject(cJSON_GetObjectItem(it, "valueFrom")))
			return http_fail(r, ST_BAD_REQUEST,
			    "%s.valueFrom: must be an object", item);
	}
	if (!cJSON_AddItemToObject(dst, name, cJSON_Duplicate(v, 1)))
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	return ST_NONE;
}

/* One mcpServers item: name, and url (remote) or command (stdio). */
static enum status
mcp_server(struct request *r, const char *path, const cJSON *it, cJSON *dst)
{
	static const char *const known[] = { "name", "url", "command", "args",
	    "headers", "env", NULL };
	const char	*name, *url, *cmd;
	char		 f[PATH_MAX_JSON];
	enum status	 st;

	if ((st = check_members(r, path, it, known)) != ST_NONE ||
	    (st = get_string(r, path, it, "name", 1, &name)) != ST_NONE ||
	    (st = get_string(r, path, it, "url", 0, &url)) != ST_NONE ||
	    (st = get_string(r, path, it, "command", 0, &cmd)) != ST_NONE)
		return st;
	if (url == NULL && cmd == NULL)
		return http_fail(r, ST_BAD_REQUEST, "%s: needs url or command",
		    path);
	if (url != NULL && cmd != NULL)
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: url and command are mutually exclusive", path);
	if (url != NULL && !is_url(url, 0))
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: must be an http or https URL",
		    join(f, sizeof(f), path, "url"));
	if (url != NULL && cJSON_HasObjectItem(it, "args"))
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: args needs command, not url", path);
	if (cmd != NULL && cJSON_HasObjectItem(it, "headers"))
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: headers need url, not command", path);
	if (!add_string(dst, "name", name) || !add_string(dst, "url", url) ||
	    !add_string(dst, "command", cmd))
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	if ((st = string_array(r, path, it, "args", plain_string,
	    "a string without control characters", dst)) != ST_NONE ||
	    (st = name_value_array(r, path, it, "headers", dst)) != ST_NONE)
		return st;
	return name_value_array(r, path, it, "env", dst);
}

static enum status
mcp_servers(struct request *r, const cJSON *root, cJSON *spec)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(root, "mcpServers");
	const cJSON	*it;
	cJSON		*arr, *one;
	char		 path[PATH_MAX_JSON];
	enum status	 st;
	int		 i = 0;

	if (v == NULL || cJSON_IsNull(v))
		return ST_NONE;
	if (!cJSON_IsArray(v))
		return http_fail(r, ST_BAD_REQUEST,
		    "mcpServers: must be an array of objects");
	if ((arr = cJSON_AddArrayToObject(spec, "mcpServers")) == NULL)
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	cJSON_ArrayForEach(it, v) {
		xsnprintf(path, sizeof(path), "mcpServers[%d]", i++);
		if ((one = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(arr, one))
			return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
		if ((st = mcp_server(r, path, it, one)) != ST_NONE)
			return st;
	}
	return ST_NONE;
}

/* cpu or memory: a quantity string, or a non-negative integer. */
static enum status
quantity(struct request *r, const cJSON *o, const char *name, cJSON *dst)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	if (v == NULL || cJSON_IsNull(v))
		return ST_NONE;
	if (!(cJSON_IsString(v) && is_quantity(v->valuestring)) &&
	    !is_int_in(v, 0, 1e15))
		return http_fail(r, ST_BAD_REQUEST,
		    "resources.%s: must be a quantity such as \"2\", \"500m\" "
		    "or \"4Gi\"", name);
	if (!cJSON_AddItemToObject(dst, name, cJSON_Duplicate(v, 0)))
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	return ST_NONE;
}

static enum status
resources(struct request *r, const cJSON *root, cJSON *spec)
{
	static const char *const known[] = { "cpu", "memory", "timeoutMinutes",
	    NULL };
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(root, "resources");
	const cJSON	*t;
	cJSON		*res;
	enum status	 st;

	if (v == NULL || cJSON_IsNull(v))
		return ST_NONE;
	if ((st = check_members(r, "resources", v, known)) != ST_NONE)
		return st;
	if ((res = cJSON_AddObjectToObject(spec, "resources")) == NULL)
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	if ((st = quantity(r, v, "cpu", res)) != ST_NONE ||
	    (st = quantity(r, v, "memory", res)) != ST_NONE)
		return st;
	t = cJSON_GetObjectItemCaseSensitive(v, "timeoutMinutes");
	if (t == NULL || cJSON_IsNull(t))
		return ST_NONE;
	if (!is_int_in(t, 1, 120))
		return http_fail(r, ST_BAD_REQUEST,
		    "resources.timeoutMinutes: must be an integer from 1 to 120");
	if (!cJSON_AddNumberToObject(res, "timeoutMinutes", t->valuedouble))
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	return ST_NONE;
}

static int
has_text(const char *s)
{
	return s[strspn(s, " \t\r\n")] != '\0';
}

static int
is_email(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' && strchr(s, ' ') == NULL;
}

/* The plain string fields of the seed's table, after repo and task. */
static enum status
task_strings(struct request *r, const cJSON *root, cJSON *spec)
{
	const char	*branch, *agent, *ref, *token, *cb, *gname, *gmail;
	cJSON		*cred;
	enum status	 st;

	if ((st = get_string(r, "", root, "branch", 0, &branch)) != ST_NONE ||
	    (st = get_string(r, "", root, "agent", 0, &agent)) != ST_NONE ||
	    (st = get_string(r, "", root, "secretRef", 0, &ref)) != ST_NONE ||
	    (st = get_string(r, "", root, "githubToken", 0, &token)) != ST_NONE ||
	    (st = get_string(r, "", root, "callbackURL", 0, &cb)) != ST_NONE ||
	    (st = get_string(r, "", root, "gitAuthorName", 0, &gname)) != ST_NONE ||
	    (st = get_string(r, "", root, "gitAuthorEmail", 0, &gmail)) != ST_NONE)
		return st;
	if (branch != NULL && !is_branch(branch))
		return http_fail(r, ST_BAD_REQUEST,
		    "branch: must be a valid git branch name");
	if (agent != NULL && !is_agent(agent))
		return http_fail(r, ST_BAD_REQUEST,
		    "agent: must be one of claude-code, codex, open-code");
	if (ref != NULL && !is_object_name(ref))
		return http_fail(r, ST_BAD_REQUEST,
		    "secretRef: must be a valid Kubernetes object name");
	if (cb != NULL && !is_url(cb, 0))
		return http_fail(r, ST_BAD_REQUEST,
		    "callbackURL: must be an http or https URL");
	if (gmail != NULL && !is_email(gmail))
		return http_fail(r, ST_BAD_REQUEST,
		    "gitAuthorEmail: must be an email address");
	if (!add_string(spec, "branch", branch ? branch : "main") ||
	    !add_string(spec, "agent", agent ? agent : "claude-code") ||
	    (cred = cJSON_AddObjectToObject(spec, "credentials")) == NULL ||
	    !add_string(cred, "secretRef", ref ? ref : "factory-creds") ||
	    !add_string(cred, "githubToken", token) ||
	    !add_string(spec, "callbackURL", cb) ||
	    !add_string(spec, "gitAuthorName", gname) ||
	    !add_string(spec, "gitAuthorEmail", gmail))
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	return ST_NONE;
}

static enum status
task_fields(struct request *r, const cJSON *root, cJSON *spec)
{
	const cJSON	*v;
	const char	*repo, *task;
	enum status	 st;

	if ((st = get_string(r, "", root, "repo", 1, &repo)) != ST_NONE ||
	    (st = get_string(r, "", root, "task", 1, &task)) != ST_NONE)
		return st;
	if (!is_url(repo, 1))
		return http_fail(r, ST_BAD_REQUEST,
		    "repo: must be an https:// URL with a host");
	if (!has_text(task))
		return http_fail(r, ST_BAD_REQUEST, "task: must not be blank");
	if (!add_string(spec, "repo", repo) || !add_string(spec, "task", task))
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	if ((st = task_strings(r, root, spec)) != ST_NONE ||
	    (st = string_array(r, "", root, "skills", is_object_name,
	    "a valid Kubernetes object name", spec)) != ST_NONE ||
	    (st = mcp_servers(r, root, spec)) != ST_NONE)
		return st;
	v = cJSON_GetObjectItemCaseSensitive(root, "maxRetries");
	if (v != NULL && !cJSON_IsNull(v)) {
		if (!is_int_in(v, 0, 5))
			return http_fail(r, ST_BAD_REQUEST,
			    "maxRetries: must be an integer from 0 to 5");
		if (!cJSON_AddNumberToObject(spec, "maxRetries", v->valuedouble))
			return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	}
	return resources(r, root, spec);
}

enum status
task_spec_from_json(struct request *r, const cJSON *root, cJSON **spec)
{
	static const char *const known[] = { "repo", "task", "branch", "agent",
	    "secretRef", "githubToken", "skills", "mcpServers", "maxRetries",
	    "callbackURL", "gitAuthorName", "gitAuthorEmail", "resources",
	    NULL };
	enum status st;

	*spec = NULL;
	if (!cJSON_IsObject(root))
		return http_fail(r, ST_BAD_REQUEST,
		    "body must be a JSON object");
	if ((st = check_members(r, "", root, known)) != ST_NONE)
		return st;
	if ((*spec = cJSON_CreateObject()) == NULL)
		return http_fail(r, ST_INTERNAL_ERROR, "out of memory");
	if ((st = task_fields(r, root, *spec)) != ST_NONE) {
		cJSON_Delete(*spec);
		*spec = NULL;
	}
	return st;
}

cJSON *
task_object(const char *name, const char *ns, cJSON *labels,
    cJSON *annotations, cJSON *spec)
{
	cJSON *o = cJSON_CreateObject(), *meta;

	if (o == NULL || !cJSON_AddStringToObject(o, "apiVersion",
	    "factory.factory.io/v1alpha1") ||
	    !cJSON_AddStringToObject(o, "kind", "SoftwareTask") ||
	    (meta = cJSON_AddObjectToObject(o, "metadata")) == NULL ||
	    !cJSON_AddStringToObject(meta, "name", name) ||
	    !cJSON_AddStringToObject(meta, "namespace", ns)) {
		cJSON_Delete(o);
		cJSON_Delete(labels);
		cJSON_Delete(annotations);
		cJSON_Delete(spec);
		return NULL;
	}
	if (labels != NULL)
		cJSON_AddItemToObject(meta, "labels", labels);
	if (annotations != NULL)
		cJSON_AddItemToObject(meta, "annotations", annotations);
	cJSON_AddItemToObject(o, "spec", spec);
	return o;
}

/* The string at a dotted path such as "issue.user.login", or NULL. */
const char *
json_string(const cJSON *o, const char *path)
{
	char	 key[64];
	size_t	 n;

	while (o != NULL) {
		n = strcspn(path, ".");
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = cJSON_GetObjectItemCaseSensitive(o, key);
		if (path[n] == '\0')
			return cJSON_IsString(o) ? o->valuestring : NULL;
		path += n + 1;
	}
	return NULL;
}

static enum status
need(struct request *r, const char *value, const char *path)
{
	if (value == NULL)
		return http_fail(r, ST_BAD_REQUEST,
		    "%s: missing or not a string", path);
	return ST_NONE;
}

/* What an issues delivery carries; the fields a task needs are required
 * only when the delivery is the trigger. */
enum status
issue_event_read(struct request *r, const cJSON *root, struct issue_event *ev)
{
	const cJSON	*issue, *num, *body;
	enum status	 st;

	memset(ev, 0, sizeof(*ev));
	if (!cJSON_IsObject(root))
		return http_fail(r, ST_BAD_REQUEST, "payload must be an object");
	ev->action = json_string(root, "action");
	ev->label = json_string(root, "label.name");
	ev->full_name = json_string(root, "repository.full_name");
	if ((st = need(r, ev->action, "action")) != ST_NONE)
		return st;
	if (strcmp(ev->action, "labeled") != 0 || ev->label == NULL)
		return ST_NONE;
	issue = cJSON_GetObjectItemCaseSensitive(root, "issue");
	num = cJSON_GetObjectItemCaseSensitive(issue, "number");
	if (!is_int_in(num, 1, 9007199254740991.0))
		return http_fail(r, ST_BAD_REQUEST,
		    "issue.number: missing or not a positive integer");
	ev->number = (long long)num->valuedouble;
	body = cJSON_GetObjectItemCaseSensitive(issue, "body");
	if (body != NULL && !cJSON_IsNull(body) && !cJSON_IsString(body))
		return http_fail(r, ST_BAD_REQUEST, "issue.body: not a string");
	ev->body = cJSON_IsString(body) ? body->valuestring : NULL;
	ev->title = json_string(root, "issue.title");
	ev->html_url = json_string(root, "issue.html_url");
	ev->clone_url = json_string(root, "repository.clone_url");
	ev->sender = json_string(root, "sender.login");
	if ((st = need(r, ev->title, "issue.title")) != ST_NONE ||
	    (st = need(r, ev->html_url, "issue.html_url")) != ST_NONE ||
	    (st = need(r, ev->clone_url, "repository.clone_url")) != ST_NONE ||
	    (st = need(r, ev->full_name, "repository.full_name")) != ST_NONE ||
	    (st = need(r, ev->sender, "sender.login")) != ST_NONE)
		return st;
	if (!is_url(ev->clone_url, 1))
		return http_fail(r, ST_BAD_REQUEST,
		    "repository.clone_url: must be an https:// URL");
	return ST_NONE;
}

/* A copy of s with every byte that is not part of valid UTF-8 (a
 * message cut inside a character, raw bytes from a header) turned into
 * '?', so that a response is always valid JSON text.  Caller frees. */
static char *
utf8_clean(const char *s)
{
	size_t	 n = strlen(s), i = 0, len;
	char	*d = strdup(s);

	while (d != NULL && i < n) {
		unsigned char c = (unsigned char)d[i];
		len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ?
		    3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		if (len == 0 || i + len > n ||
		    !utf8_valid((const unsigned char *)d + i, len)) {
			d[i++] = '?';
			continue;
		}
		i += len;
	}
	return d;
}

/* Pairs of key and value up to a NULL key; NULL values are left out. */
char *
json_vreply(const char *k, va_list ap)
{
	cJSON		*o = cJSON_CreateObject();
	const char	*v;
	char		*out = NULL, *clean;

	for (; o != NULL && k != NULL; k = va_arg(ap, const char *)) {
		if ((v = va_arg(ap, const char *)) == NULL)
			continue;
		clean = utf8_clean(v);
		if (clean == NULL || !cJSON_AddStringToObject(o, k, clean)) {
			free(clean);
			goto done;
		}
		free(clean);
	}
	if (o != NULL)
		out = cJSON_PrintUnformatted(o);
done:
	cJSON_Delete(o);
	return out;
}

char *
json_reply(const char *k1, ...)
{
	va_list	 ap;
	char	*out;

	va_start(ap, k1);
	out = json_vreply(k1, ap);
	va_end(ap);
	return out;
}
