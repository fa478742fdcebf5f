/*
 * Configuration from the environment.  Defaults follow the seed; every
 * value is checked once here so that a wrong setting is reported with the
 * name of the variable rather than discovered half-way through a request.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "names.h"
#include "util.h"

static const char *
env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return (v != NULL && *v != '\0') ? v : def;
}

static int
bad(struct config *c, const char *fmt, ...)
{
	va_list ap;

	if (c->err[0] != '\0')
		return -1;	/* keep the first problem */
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int
env_number(struct config *c, const char *name, uint64_t def, uint64_t min,
    uint64_t max, uint64_t *out)
{
	const char *v = getenv(name);

	*out = def;
	if (v == NULL || *v == '\0')
		return 0;
	if (parse_uint(v, strlen(v), min, max, out) == -1)
		return bad(c, "%s must be a whole number from %llu to %llu",
		    name, (unsigned long long)min, (unsigned long long)max);
	return 0;
}

static void
load_numbers(struct config *c)
{
	uint64_t v;

	env_number(c, "MAX_BODY_BYTES", BODY_MAX_DEFAULT, 1024,
	    GITHUB_STREAM_MAX, &c->max_body);
	env_number(c, "REQUEST_TIMEOUT_SECONDS", REQUEST_TIMEOUT_DEFAULT, 1,
	    3600, &v);
	c->request_timeout = (int)v;
	env_number(c, "K8S_TIMEOUT_SECONDS", K8S_TIMEOUT_DEFAULT, 1, 3600, &v);
	c->k8s_timeout = (int)v;
	env_number(c, "PORT", 8080, 1, 65535, &v);
}

static void
check_names(struct config *c)
{
	if (!is_dns_label(c->namespace))
		bad(c, "NAMESPACE \"%s\" is not a valid namespace name "
		    "(lower-case letters, digits and '-', at most 63)",
		    c->namespace);
	if (!is_object_name(c->gh_secret_ref))
		bad(c, "GITHUB_TASK_SECRET_REF is not a valid object name");
	if (!is_agent(c->gh_agent))
		bad(c, "GITHUB_TASK_AGENT must be claude-code, codex or "
		    "open-code");
	if (!is_branch(c->gh_branch))
		bad(c, "GITHUB_TASK_BRANCH is not a valid branch name");
	if (c->allowed_repos != NULL && !is_repo_list(c->allowed_repos))
		bad(c, "GITHUB_ALLOWED_REPOS must be a comma-separated list of "
		    "owner/repo or owner/*");
}

int
config_load(struct config *c)
{
	const char *dry;

	memset(c, 0, sizeof(*c));
	c->namespace = env_or("NAMESPACE", "default");
	c->port = env_or("PORT", "8080");
	c->trigger_label = env_or("TRIGGER_LABEL", "factory:do");
	c->allowed_repos = env_or("GITHUB_ALLOWED_REPOS", NULL);
	c->gh_agent = env_or("GITHUB_TASK_AGENT", "claude-code");
	c->gh_branch = env_or("GITHUB_TASK_BRANCH", "main");
	c->gh_secret_ref = env_or("GITHUB_TASK_SECRET_REF", "factory-creds");
	dry = env_or("DRY_RUN", "0");
	if (strcmp(dry, "1") == 0)
		c->dry_run = 1;
	else if (strcmp(dry, "0") != 0)
		bad(c, "DRY_RUN must be 1 or 0");
	load_numbers(c);
	check_names(c);
	if (secrets_load(&c->webhook, "GITHUB_WEBHOOK_SECRET",
	    "GITHUB_WEBHOOK_SECRET_FILE", "github-webhook-secret", c->err,
	    sizeof(c->err)) == -1)
		return -1;
	if (secrets_load(&c->api_tokens, "API_TOKEN", "API_TOKEN_FILE",
	    "api-token", c->err, sizeof(c->err)) == -1)
		return -1;
	return c->err[0] != '\0' ? -1 : 0;
}

void
config_wipe(struct config *c)
{
	secrets_wipe(&c->webhook);
	secrets_wipe(&c->api_tokens);
}
