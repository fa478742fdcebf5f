/*
 * --listen: a small accept loop for containers and hosts without systemd or
 * an inetd.  Each connection runs the very same code path as under a
 * super-server, in a forked child with the connection on fds 0 and 1.
 */
#define _GNU_SOURCE	/* accept4(2) */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "limits.h"
#include "listen.h"
#include "util.h"

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	if (sig == SIGTERM || sig == SIGINT)
		stopping = 1;
}

/* "[ADDR:]PORT", "[v6]:PORT" or ":PORT"; no address means all of them. */
static int
open_listener(const char *spec)
{
	struct addrinfo	 hints = { .ai_family = AF_UNSPEC,
	    .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE };
	struct addrinfo	*res;
	char		 host[256] = "";
	const char	*port = spec, *colon = strrchr(spec, ':');
	int		 fd = -1, on = 1, rc;

	if (colon != NULL) {
		size_t n = (size_t)(colon - spec);
		if (n > 1 && spec[0] == '[' && spec[n - 1] == ']')
			spec++, n -= 2;
		if (n >= sizeof(host))
			return -1;
		memcpy(host, spec, n);
		host[n] = '\0';
		port = colon + 1;
	}
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res)) != 0) {
		fprintf(stderr, "factory-webhook: --listen %s: %s\n", spec,
		    gai_strerror(rc));
		return -1;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
	    0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		fprintf(stderr, "factory-webhook: --listen %s: %s\n", spec,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
reap(int block)
{
	int n = 0;

	while (waitpid(-1, NULL, block ? 0 : WNOHANG) > 0) {
		n++;
		block = 0;
	}
	return n;
}

static void
child(int lfd, int conn, serve_fn serve, void *ctx)
{
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	close(lfd);
	if (dup2(conn, STDIN_FILENO) == -1 || dup2(conn, STDOUT_FILENO) == -1)
		_exit(1);
	close(conn);
	_exit(serve(ctx));
}

/* Forks a child for conn; returns 1 when one runs, 0 otherwise. */
static int
spawn(int lfd, int conn, serve_fn serve, void *ctx)
{
	pid_t pid = fork();

	if (pid == 0)
		child(lfd, conn, serve, ctx);
	close(conn);
	return pid > 0;
}

int
listen_loop(const char *spec, serve_fn serve, void *ctx)
{
	struct sigaction sa;
	int		 lfd, conn, children = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: accept(2) returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if ((lfd = open_listener(spec)) == -1)
		return 1;
	while (!stopping) {
		children -= reap(children >= LISTEN_CHILDREN_MAX);
		if ((conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) != -1)
			children += spawn(lfd, conn, serve, ctx);
		else if (errno != EINTR && errno != ECONNABORTED)
			usleep(100000);	/* EMFILE and the like: do not spin */
	}
	/* Connections the kernel completed are accepted requests too: serve
	 * what is queued before closing the socket. */
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	while ((conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) != -1 ||
	    errno == EINTR) {
		if (conn == -1)
			continue;
		children -= reap(children >= LISTEN_CHILDREN_MAX);
		children += spawn(lfd, conn, serve, ctx);
	}
	close(lfd);
	while (children > 0 && wait(NULL) > 0)
		children--;
	return 0;
}
