/*
 * --listen: a small accept loop for containers and hosts without systemd or
 * an inetd.  Each connection runs the very same code path as under a
 * super-server, in a forked child with the connection on fds 0 and 1.
 */
#define _GNU_SOURCE	/* accept4(2) */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
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
		if (n >= sizeof(host)) {
			fprintf(stderr, "factory-webhook: --listen: address too "
			    "long\n");
			return -1;
		}
		memcpy(host, spec, n);
		host[n] = '\0';
		port = colon + 1;
	}
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || atoi(port) < 1 || atoi(port) > 65535) {
		fprintf(stderr, "factory-webhook: --listen %s: the port must be a "
		    "number from 1 to 65535\n", spec);
		return -1;
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

/* The children and the client address each serves. */
struct slots {
	pid_t			 pid[LISTEN_CHILDREN_MAX];
	struct sockaddr_storage	 addr[LISTEN_CHILDREN_MAX];
	int			 n;
};

/* Forgets finished children; waits for one first when block is set. */
static void
reap(struct slots *s, int block)
{
	pid_t	 pid;
	int	 i;

	while ((pid = waitpid(-1, NULL, block ? 0 : WNOHANG)) > 0) {
		block = 0;
		for (i = 0; i < s->n; i++)
			if (s->pid[i] == pid) {
				s->pid[i] = s->pid[--s->n];
				s->addr[i] = s->addr[s->n];
				break;
			}
	}
}

static int
same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)b)->sin_addr,
		    sizeof(struct in_addr)) == 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)b)->sin6_addr,
		    sizeof(struct in6_addr)) == 0;
	return 1;
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

/*
 * Serves conn in a child.  A client address that already holds
 * LISTEN_PER_SOURCE_MAX children is refused (closed at once), so that one
 * client cannot take every slot; with every slot taken, this waits for one.
 */
static void
spawn(struct slots *s, int lfd, int conn, const struct sockaddr_storage *a,
    serve_fn serve, void *ctx)
{
	pid_t	 pid;
	int	 i, same = 0;

	for (i = 0; i < s->n; i++)
		same += same_host(&s->addr[i], a);
	if (same >= LISTEN_PER_SOURCE_MAX) {
		close(conn);
		return;
	}
	if ((pid = fork()) == 0)
		child(lfd, conn, serve, ctx);
	close(conn);
	if (pid > 0) {
		s->pid[s->n] = pid;
		s->addr[s->n++] = *a;
	}
}

/* Waits for a connection for at most a second, so that a SIGTERM that
 * arrives just before accept(2) is still seen. */
static int
next_conn(int lfd, struct sockaddr_storage *a)
{
	struct pollfd	 p = { .fd = lfd, .events = POLLIN };
	socklen_t	 len = sizeof(*a);

	if (poll(&p, 1, 1000) <= 0)
		return -1;
	return accept4(lfd, (struct sockaddr *)a, &len, SOCK_CLOEXEC);
}

int
listen_loop(const char *spec, serve_fn serve, void *ctx)
{
	struct sigaction	 sa;
	struct sockaddr_storage	 a;
	struct slots		 s;
	int			 lfd, conn;

	memset(&sa, 0, sizeof(sa));
	memset(&s, 0, sizeof(s));
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll(2) returns */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	if ((lfd = open_listener(spec)) == -1)
		return 1;
	while (!stopping) {
		reap(&s, s.n >= LISTEN_CHILDREN_MAX);
		if ((conn = next_conn(lfd, &a)) != -1)
			spawn(&s, lfd, conn, &a, serve, ctx);
		else if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
			usleep(100000);	/* do not spin */
	}
	/* Connections the kernel completed are accepted requests too: serve
	 * what is queued before closing the socket. */
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	for (;;) {
		socklen_t len = sizeof(a);
		if ((conn = accept4(lfd, (struct sockaddr *)&a, &len,
		    SOCK_CLOEXEC)) == -1 && errno == EINTR)
			continue;
		if (conn == -1)
			break;
		reap(&s, s.n >= LISTEN_CHILDREN_MAX);
		spawn(&s, lfd, conn, &a, serve, ctx);
	}
	close(lfd);
	while (s.n > 0 && wait(NULL) > 0)
		s.n--;
	return 0;
}
