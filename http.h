/* Reading one HTTP/1.x request from a file descriptor, writing one response. */
#ifndef HTTP_H
#define HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "chunked.h"
#include "limits.h"

/* Every function on the request path returns one of these; 0 carries on. */
enum status {
	ST_NONE			= 0,
	ST_OK			= 200,
	ST_CREATED		= 201,
	ST_BAD_REQUEST		= 400,
	ST_UNAUTHORIZED		= 401,
	ST_NOT_FOUND		= 404,
	ST_METHOD_NOT_ALLOWED	= 405,
	ST_REQUEST_TIMEOUT	= 408,
	ST_LENGTH_REQUIRED	= 411,
	ST_PAYLOAD_TOO_LARGE	= 413,
	ST_URI_TOO_LONG		= 414,
	ST_UNSUPPORTED_MEDIA	= 415,
	ST_EXPECTATION_FAILED	= 417,
	ST_UNPROCESSABLE	= 422,
	ST_HEADERS_TOO_LARGE	= 431,
	ST_INTERNAL_ERROR	= 500,
	ST_NOT_IMPLEMENTED	= 501,
	ST_BAD_GATEWAY		= 502,
	ST_UNAVAILABLE		= 503,
	ST_VERSION		= 505
};

const char *status_reason(enum status);

#define HEAD_MAX	(REQUEST_LINE_MAX + 2 + HEADER_BLOCK_MAX + 2)
#define ERROR_MAX	512

struct header {
	const char	*name;		/* NUL-terminated, in request.head */
	const char	*value;		/* NUL-terminated, OWS trimmed */
};

struct request {
	int		 in, out;	/* the connection, usually 0 and 1 */
	int64_t		 deadline;	/* CLOCK_MONOTONIC ms for the whole request */

	char		 method[METHOD_MAX + 1];
	const char	*target;	/* as sent, in head */
	char		 path[REQUEST_LINE_MAX + 1];	/* target without query */
	int		 minor;		/* HTTP/1.minor */
	struct header	 hdr[HEADER_FIELDS_MAX];
	size_t		 nhdr;

	int		 chunked;
	int		 has_length;
	uint64_t	 length;	/* Content-Length */
	int		 expect_continue;
	int		 continue_sent;
	int		 body_done;	/* the whole body has been consumed */
	int		 peer_eof;	/* the client closed its write side */

	struct chunked	 chunk;
	char		 head[HEAD_MAX + 1];
	size_t		 headlen;	/* bytes in head */
	size_t		 bodyoff;	/* start of body bytes in head */
	char		 err[ERROR_MAX];	/* message for the error response */
	char		 extra[256];	/* response header lines, e.g. Allow */
};

/* Called with each piece of the body; returns ST_NONE to go on. */
typedef enum status (*body_sink)(void *ctx, const char *, size_t);

void		 http_init(struct request *, int in, int out, int timeout_s);
enum status	 http_read_head(struct request *);
enum status	 http_parse_head(struct request *, size_t len);
const char	*http_header(const struct request *, const char *name);
enum status	 http_check_length(struct request *, uint64_t limit);
enum status	 http_send_continue(struct request *);
enum status	 http_read_body(struct request *, uint64_t limit, body_sink,
		     void *);
enum status	 http_fail(struct request *, enum status, const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));
int		 media_type_is(const char *value, const char *type);

struct response {
	enum status	 status;
	const char	*content_type;
	const char	*extra;		/* more header lines, each ending CRLF */
	const char	*body;
	size_t		 bodylen;
	int		 head_only;	/* HEAD: headers with the GET length */
	const char	*request_id;
};

long		 http_write_response(struct request *, const struct response *);
void		 http_finish(struct request *);

#endif
