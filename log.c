/*
 * One key=value line per request.  Where the line goes depends on what
 * standard error is: the journal gets syslog priority prefixes, a socket
 * (xinetd hands the connection over as stderr too) must never receive log
 * text, so syslog(3) takes it instead.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "limits.h"
#include "log.h"

/* JOURNAL_STREAM is "device:inode" of the stream systemd connected. */
static int
stderr_is_journal(const struct stat *st)
{
	const char		*js = getenv("JOURNAL_STREAM");
	unsigned long long	 dev, ino;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	return (unsigned long long)st->st_dev == dev &&
	    (unsigned long long)st->st_ino == ino;
}

enum log_sink
log_sink_detect(void)
{
	struct stat st;

	if (fstat(STDERR_FILENO, &st) == -1)
		return SINK_SYSLOG;
	if (stderr_is_journal(&st))
		return SINK_JOURNAL;
	if (S_ISSOCK(st.st_mode)) {
		int		type;
		socklen_t	len = sizeof(type);
		/* A stream socket on stderr that is the peer: xinetd. */
		if (getsockopt(STDERR_FILENO, SOL_SOCKET, SO_TYPE, &type,
		    &len) == 0 && type == SOCK_STREAM)
			return SINK_SYSLOG;
	}
	return SINK_STDERR;
}

/* key=value; values with spaces or quotes are quoted, other bytes outside
 * printable ASCII are escaped as \xNN so that a line stays one line. */
void
log_field(struct buf *b, const char *key, const char *v)
{
	const unsigned char	*p;
	int			 quote;

	if (v == NULL)
		return;
	quote = *v == '\0' || strpbrk(v, " \"=") != NULL;
	buf_appendf(b, "%s%s=%s", b->len ? " " : "", key, quote ? "\"" : "");
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		if (p - (const unsigned char *)v == LOG_VALUE_MAX) {
			buf_append(b, "...", 3);	/* the rest of the line matters more */
			break;
		}
		if (*p == '"' || *p == '\\')
			buf_appendf(b, "\\%c", *p);
		else if (*p < 0x20 || *p > 0x7e)
			buf_appendf(b, "\\x%02x", *p);
		else
			buf_append(b, p, 1);
	}
	if (quote)
		buf_append(b, "\"", 1);
}

void
log_emit(enum log_sink sink, int priority, struct buf *b)
{
	if (b->data == NULL)
		return;
	switch (sink) {
	case SINK_SYSLOG:
		openlog("factory-webhook", LOG_PID, LOG_DAEMON);
		syslog(priority, "%s", b->data);
		closelog();
		break;
	case SINK_JOURNAL:
		dprintf(STDERR_FILENO, "<%d>%s\n", priority, b->data);
		break;
	case SINK_STDERR:
		dprintf(STDERR_FILENO, "%s\n", b->data);
		break;
	}
}

/* The peer as the super-server tells it, else from the socket itself. */
void
log_client_addr(char *out, size_t size)
{
	static const char *const vars[] = { "REMOTE_ADDR", "TCPREMOTEIP",
	    "REMOTE_HOST" };
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof(ss);
	const char		*v;
	size_t			 i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if ((v = getenv(vars[i])) != NULL && *v != '\0') {
			msgf(out, size, "%s", v);
			return;
		}
	}
	msgf(out, size, "-");
	if (getpeername(STDIN_FILENO, (struct sockaddr *)&ss, &len) == -1)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out,
		    (socklen_t)size);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr,
		    out, (socklen_t)size);
	else if (ss.ss_family == AF_UNIX)
		msgf(out, size, "unix");
}
