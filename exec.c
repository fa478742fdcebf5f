/*
 * Exec credential plugins (client.authentication.k8s.io/v1 and v1beta1), as
 * EKS and GKE kubeconfigs use them: the command runs with
 * KUBERNETES_EXEC_INFO set, for at most the Kubernetes deadline, and prints
 * an ExecCredential whose status holds a token or a client certificate.
 */
#define _GNU_SOURCE	/* execvpe(3) */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "k8s.h"
#include "util.h"

#define PLUGIN_OUTPUT_MAX	(256 * 1024)

extern char **environ;

static void
child(const struct k8s_creds *c, int out, int errfd)
{
	char	*env[1024 + EXEC_ENV_MAX + 2], info[256];
	size_t	 n = 0, i;
	int	 null = open("/dev/null", O_RDONLY);

	for (i = 0; environ[i] != NULL && n < 1024; i++)
		env[n++] = environ[i];
	for (i = 0; c->exec_env[i] != NULL; i++)
		env[n++] = c->exec_env[i];
	xsnprintf(info, sizeof(info), "KUBERNETES_EXEC_INFO={\"apiVersion\":"
	    "\"%s\",\"kind\":\"ExecCredential\",\"spec\":{\"interactive\":false}}",
	    c->exec_api[0] ? c->exec_api : "client.authentication.k8s.io/v1");
	env[n++] = info;
	env[n] = NULL;
	if (null == -1 || dup2(null, 0) == -1 || dup2(out, 1) == -1 ||
	    dup2(errfd, 2) == -1)
		_exit(126);
	execvpe(c->exec_argv[0], c->exec_argv, env);
	_exit(127);
}

/* Reads the plugin's stdout and stderr until both close or the deadline. */
static int
collect(int out, int errfd, int64_t deadline, struct buf *so, struct buf *se)
{
	struct pollfd	 p[2] = { { out, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	struct buf	*dst[2] = { so, se };
	char		 chunk[4096];
	int64_t		 left;
	ssize_t		 n;
	int		 open_fds = 2, i;

	while (open_fds > 0) {
		if ((left = deadline - now_ms()) <= 0)
			return -1;
		if (poll(p, 2, (int)left) == -1 && errno != EINTR)
			return -1;
		for (i = 0; i < 2; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			n = read(p[i].fd, chunk, sizeof(chunk));
			if (n > 0 && buf_append(dst[i], chunk, (size_t)n) == 0)
				continue;
			p[i].fd = -1;
			open_fds--;
		}
	}
	return 0;
}

/* The first line of the plugin's stderr, short, for the error message. */
static const char *
first_line(struct buf *se)
{
	size_t n;

	if (se->data == NULL)
		return "";
	n = strcspn(se->data, "\r\n");
	se->data[n < 160 ? n : 160] = '\0';
	return se->data;
}

static int
parse_credential(const char *cmd, struct buf *so, char **token,
    struct buf *cert, struct buf *key, char *err, size_t errlen)
{
	cJSON		*o = so->data ? cJSON_Parse(so->data) : NULL;
	const cJSON	*st = cJSON_GetObjectItemCaseSensitive(o, "status");
	const cJSON	*t = cJSON_GetObjectItemCaseSensitive(st, "token");
	const cJSON	*cd, *kd;
	int		 rc = -1;

	cd = cJSON_GetObjectItemCaseSensitive(st, "clientCertificateData");
	kd = cJSON_GetObjectItemCaseSensitive(st, "clientKeyData");
	if (cJSON_IsString(t) && t->valuestring[0] != '\0') {
		rc = (*token = strdup(t->valuestring)) ? 0 : -1;
	} else if (cJSON_IsString(cd) && cJSON_IsString(kd)) {
		buf_init(cert, 1024 * 1024);
		buf_init(key, 1024 * 1024);
		rc = buf_append(cert, cd->valuestring, strlen(cd->valuestring)) |
		    buf_append(key, kd->valuestring, strlen(kd->valuestring));
	}
	if (rc == -1)
		msgf(err, errlen, "exec plugin %s printed no ExecCredential with "
		    "status.token or a client certificate", cmd);
	cJSON_Delete(o);
	return rc;
}

int
exec_credential(const struct k8s_creds *c, int timeout_s, char **token,
    struct buf *cert, struct buf *key, char *err, size_t errlen)
{
	struct buf	 so, se;
	int		 out[2], errp[2], status = 0, rc = -1, done;
	pid_t		 pid;

	*token = NULL;
	buf_init(&so, PLUGIN_OUTPUT_MAX);
	buf_init(&se, PLUGIN_OUTPUT_MAX);
	if (pipe2(out, O_CLOEXEC) == -1)
		return msgf(err, errlen, "pipe: %s", strerror(errno)), -1;
	if (pipe2(errp, O_CLOEXEC) == -1) {
		close(out[0]);
		close(out[1]);
		return msgf(err, errlen, "pipe: %s", strerror(errno)), -1;
	}
	if ((pid = fork()) == 0)
		child(c, out[1], errp[1]);
	close(out[1]);
	close(errp[1]);
	done = pid > 0 && collect(out[0], errp[0], now_ms() +
	    (int64_t)timeout_s * 1000, &so, &se) == 0;
	if (pid > 0 && !done)
		kill(pid, SIGKILL);
	if (pid > 0)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	close(out[0]);
	close(errp[0]);
	if (pid == -1)
		msgf(err, errlen, "cannot run exec plugin: %s", strerror(errno));
	else if (!done)
		msgf(err, errlen, "exec plugin %s did not finish within %d s",
		    c->exec_argv[0], timeout_s);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		msgf(err, errlen, "exec plugin %s failed (%s %d): %s",
		    c->exec_argv[0], WIFEXITED(status) ? "exit" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		    first_line(&se));
	else
		rc = parse_credential(c->exec_argv[0], &so, token, cert, key,
		    err, errlen);
	if (so.data != NULL)
		explicit_bzero(so.data, so.len);
	buf_free(&so);
	buf_free(&se);
	return rc;
}
