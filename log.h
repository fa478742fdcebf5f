/* One key=value line per request: stderr, the journal, or syslog. */
#ifndef LOG_H
#define LOG_H

#include "util.h"

enum log_sink {
	SINK_STDERR,		/* plain lines */
	SINK_JOURNAL,		/* stderr is the journal: <N> priority prefixes */
	SINK_SYSLOG		/* stderr is the client socket (xinetd) */
};

enum log_sink	 log_sink_detect(void);
void		 log_field(struct buf *, const char *key, const char *value);
void		 log_emit(enum log_sink, int priority, struct buf *);
void		 log_client_addr(char *out, size_t size);

#endif
