/* The one configuration struct, filled from the environment in main. */
#ifndef CONFIG_H
#define CONFIG_H

#include <stdint.h>

#include "secret.h"

struct config {
	const char	*namespace;		/* NAMESPACE */
	const char	*port;			/* PORT */
	const char	*trigger_label;		/* TRIGGER_LABEL */
	const char	*allowed_repos;		/* GITHUB_ALLOWED_REPOS, or NULL */
	const char	*gh_agent;		/* GITHUB_TASK_AGENT */
	const char	*gh_branch;		/* GITHUB_TASK_BRANCH */
	const char	*gh_secret_ref;		/* GITHUB_TASK_SECRET_REF */
	uint64_t	 max_body;		/* MAX_BODY_BYTES */
	int		 request_timeout;	/* REQUEST_TIMEOUT_SECONDS */
	int		 k8s_timeout;		/* K8S_TIMEOUT_SECONDS */
	int		 dry_run;		/* DRY_RUN=1 */
	struct secrets	 webhook;		/* GitHub webhook secrets */
	struct secrets	 api_tokens;		/* bearer tokens for /api/v1/tasks */
	char		 err[512];		/* the first problem, if any */
};

/* Returns 0, or -1 with cfg->err naming the variable and the fix. */
int	config_load(struct config *);
void	config_wipe(struct config *);

#endif
