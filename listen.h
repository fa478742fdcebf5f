/* --listen: a small accept loop for hosts without systemd or inetd. */
#ifndef LISTEN_H
#define LISTEN_H

/* Serves one connection already on fds 0 and 1; returns the exit status. */
typedef int (*serve_fn)(void *ctx);

/* Listens on "[ADDR:]PORT" and runs serve in one forked child per
 * connection, at most LISTEN_CHILDREN_MAX at once.  SIGTERM or SIGINT stop
 * accepting; the children are waited for.  Returns the exit status. */
int	listen_loop(const char *spec, serve_fn serve, void *ctx);

#endif
