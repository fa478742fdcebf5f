/*
 * Reading one HTTP/1.x request from a file descriptor and writing one
 * response (RFC 9112).  The head is read into a fixed buffer and parsed in
 * place without allocation; the body is handed to a sink piece by piece, so
 * a caller decides what to keep.  Every wait is bounded by one deadline.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "http.h"
#include "util.h"

#define READ_CHUNK	16384
#define WRITE_TIMEOUT_S	10

static const struct {
	enum status	 status;
	const char	*reason;
} reasons[] = {
	{ ST_OK,		"OK" },
	{ ST_CREATED,		"Created" },
	{ ST_BAD_REQUEST,	"Bad Request" },
	{ ST_UNAUTHORIZED,	"Unauthorized" },
	{ ST_NOT_FOUND,		"Not Found" },
	{ ST_METHOD_NOT_ALLOWED, "Method Not Allowed" },
	{ ST_REQUEST_TIMEOUT,	"Request Timeout" },
	{ ST_LENGTH_REQUIRED,	"Length Required" },
	{ ST_PAYLOAD_TOO_LARGE,	"Content Too Large" },
	{ ST_URI_TOO_LONG,	"URI Too Long" },
	{ ST_UNSUPPORTED_MEDIA,	"Unsupported Media Type" },
	{ ST_EXPECTATION_FAILED, "Expectation Failed" },
	{ ST_UNPROCESSABLE,	"Unprocessable Content" },
	{ ST_HEADERS_TOO_LARGE,	"Request Header Fields Too Large" },
	{ ST_INTERNAL_ERROR,	"Internal Server Error" },
	{ ST_NOT_IMPLEMENTED,	"Not Implemented" },
	{ ST_BAD_GATEWAY,	"Bad Gateway" },
	{ ST_UNAVAILABLE,	"Service Unavailable" },
	{ ST_VERSION,		"HTTP Version Not Supported" },
};

const char *
status_reason(enum status s)
{
	size_t i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == s)
			return reasons[i].reason;
	return "Error";
}

enum status
http_fail(struct request *r, enum status s, const char *fmt, ...)
{
	va_list ap;

	/* A message cut at ERROR_MAX is still a correct, shorter message. */
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return s;
}

static int
is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void
http_init(struct request *r, int in, int out, int timeout_s)
{
	struct timeval tv = { WRITE_TIMEOUT_S, 0 };

	memset(r, 0, sizeof(*r));
	r->in = in;
	r->out = out;
	r->deadline = now_ms() + (int64_t)timeout_s * 1000;
	chunked_init(&r->chunk);
	/* A client that stops reading must not hold the process forever. */
	if (is_socket(out))
		setsockopt(out, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* read(2) bounded by the request deadline: >0 bytes, 0 EOF, -1 error,
 * -2 deadline passed. */
static ssize_t
read_some(struct request *r, char *p, size_t n)
{
	struct pollfd	 pfd = { .fd = r->in, .events = POLLIN };
	int64_t		 left;
	ssize_t		 got;

	for (;;) {
		if ((left = r->deadline - now_ms()) <= 0)
			return -2;
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (pfd.revents == 0)
			continue;
		got = read(r->in, p, n);
		if (got == -1 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got == 0)
			r->peer_eof = 1;
		return got;
	}
}

/*
 * Scans head[from..len) for the blank line ending the head.  Returns its end
 * offset, 0 when not there yet, or -1 on a bare LF (lines must end CRLF).
 */
static long
find_head_end(const char *h, size_t from, size_t len)
{
	size_t i;

	for (i = from; i < len; i++) {
		if (h[i] != '\n')
			continue;
		if (i == 0 || h[i - 1] != '\r')
			return -1;
		if (i >= 3 && h[i - 2] == '\n' && h[i - 3] == '\r')
			return (long)i + 1;
	}
	return 0;
}

static enum status
head_overflow(struct request *r)
{
	if (memchr(r->head, '\n', r->headlen < REQUEST_LINE_MAX + 2 ?
	    r->headlen : REQUEST_LINE_MAX + 2) == NULL)
		return http_fail(r, ST_URI_TOO_LONG,
		    "request line longer than %d bytes", REQUEST_LINE_MAX);
	return http_fail(r, ST_HEADERS_TOO_LARGE,
	    "request header block larger than %d bytes", HEADER_BLOCK_MAX);
}

enum status
http_read_head(struct request *r)
{
	size_t	 scanned = 0;
	long	 end;
	ssize_t	 n;

	for (;;) {
		end = find_head_end(r->head, scanned, r->headlen);
		if (end == -1)
			return http_fail(r, ST_BAD_REQUEST,
			    "line ends must be CRLF, bare LF found");
		if (end > 0)
			return http_parse_head(r, (size_t)end);
		scanned = r->headlen;
		if (r->headlen >= REQUEST_LINE_MAX + 2 &&
		    memchr(r->head, '\n', r->headlen) == NULL)
			return head_overflow(r);
		if (r->headlen == HEAD_MAX)
			return head_overflow(r);
		n = read_some(r, r->head + r->headlen, HEAD_MAX - r->headlen);
		if (n == -2)
			return http_fail(r, ST_REQUEST_TIMEOUT,
			    "request head not received within the deadline");
		if (n <= 0)
			return http_fail(r, ST_BAD_REQUEST,
			    "connection closed before the request head ended");
		r->headlen += (size_t)n;
		r->head[r->headlen] = '\0';
	}
}

/* "HTTP/1.x" at p (8 bytes available); sets minor or returns a status. */
static enum status
parse_version(struct request *r, const char *p, size_t n)
{
	if (n != 8 || memcmp(p, "HTTP/", 5) != 0 || !is_digit(p[5]) ||
	    p[6] != '.' || !is_digit(p[7]))
		return http_fail(r, ST_BAD_REQUEST, "malformed request line");
	if (p[5] != '1' || (p[7] != '0' && p[7] != '1'))
		return http_fail(r, ST_VERSION,
		    "only HTTP/1.0 and HTTP/1.1 are supported");
	r->minor = p[7] - '0';
	return ST_NONE;
}

/* Request line "METHOD SP target SP HTTP/1.x" in p[0..n), CRLF excluded. */
static enum status
parse_request_line(struct request *r, char *p, size_t n)
{
	size_t	 i = 0, start, plen;

	if (n > REQUEST_LINE_MAX)
		return http_fail(r, ST_URI_TOO_LONG,
		    "request line longer than %d bytes", REQUEST_LINE_MAX);
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i > METHOD_MAX || i == n || p[i] != ' ')
		return http_fail(r, ST_BAD_REQUEST, "malformed request line");
	memcpy(r->method, p, i);
	r->method[i] = '\0';
	start = ++i;
	while (i < n && (unsigned char)p[i] > 0x20 && (unsigned char)p[i] < 0x7f)
		i++;
	if (i == start || i == n || p[i] != ' ')
		return http_fail(r, ST_BAD_REQUEST, "malformed request target");
	if (p[start] != '/')
		return http_fail(r, ST_BAD_REQUEST,
		    "request target must be an absolute path");
	p[i] = '\0';
	r->target = p + start;
	plen = strcspn(r->target, "?#");
	memcpy(r->path, r->target, plen);
	r->path[plen] = '\0';
	return parse_version(r, p + i + 1, n - i - 1);
}

/* One field line in p[0..n), CRLF excluded; NUL-terminates name and value. */
static enum status
parse_field(struct request *r, char *p, size_t n)
{
	size_t	 i = 0, v, e;

	if (n > 0 && is_ows((unsigned char)p[0]))
		return http_fail(r, ST_BAD_REQUEST,
		    "obsolete header line folding is not accepted");
	while (i < n && is_tchar((unsigned char)p[i]))
		i++;
	if (i == 0 || i == n || p[i] != ':')
		return http_fail(r, ST_BAD_REQUEST, "malformed header field");
	if (r->nhdr == HEADER_FIELDS_MAX)
		return http_fail(r, ST_HEADERS_TOO_LARGE,
		    "more than %d header fields", HEADER_FIELDS_MAX);
	p[i] = '\0';
	for (v = i + 1; v < n && is_ows((unsigned char)p[v]); v++)
		;
	for (e = v; e < n; e++) {
		unsigned char c = (unsigned char)p[e];
		if (is_ctl(c) && c != '\t')
			return http_fail(r, ST_BAD_REQUEST,
			    "control character in header %s", p);
	}
	while (e > v && is_ows((unsigned char)p[e - 1]))
		e--;
	p[e] = '\0';
	r->hdr[r->nhdr].name = p;
	r->hdr[r->nhdr].value = p + v;
	r->nhdr++;
	return ST_NONE;
}

const char *
http_header(const struct request *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nhdr; i++)
		if (ascii_casecmp(r->hdr[i].name, name) == 0)
			return r->hdr[i].value;
	return NULL;
}

/* Content-Length, Transfer-Encoding and Expect decide how the body comes. */
static enum status
parse_framing(struct request *r)
{
	const struct header	*h;
	uint64_t		 len;
	size_t			 i;

	for (i = 0; i < r->nhdr; i++) {
		h = &r->hdr[i];
		if (ascii_casecmp(h->name, "Content-Length") == 0) {
			size_t n = strlen(h->value);
			if (n == 0 || strspn(h->value, "0123456789") != n)
				return http_fail(r, ST_BAD_REQUEST,
				    "Content-Length must be digits only");
			if (parse_uint(h->value, n, 0, UINT64_MAX / 2, &len) == -1)
				return http_fail(r, ST_PAYLOAD_TOO_LARGE,
				    "Content-Length too large");
			if (r->has_length && len != r->length)
				return http_fail(r, ST_BAD_REQUEST,
				    "conflicting Content-Length values");
			r->has_length = 1;
			r->length = len;
		} else if (ascii_casecmp(h->name, "Transfer-Encoding") == 0) {
			if (ascii_casecmp(h->value, "chunked") != 0 || r->chunked)
				return http_fail(r, ST_NOT_IMPLEMENTED,
				    "only Transfer-Encoding: chunked is supported");
			r->chunked = 1;
		} else if (ascii_casecmp(h->name, "Expect") == 0) {
			if (ascii_casecmp(h->value, "100-continue") != 0)
				return http_fail(r, ST_EXPECTATION_FAILED,
				    "only Expect: 100-continue is supported");
			r->expect_continue = r->minor >= 1;
		}
	}
	if (r->chunked && r->has_length)
		return http_fail(r, ST_BAD_REQUEST,
		    "Content-Length and Transfer-Encoding together");
	r->body_done = !r->chunked && r->length == 0;
	return ST_NONE;
}

/*
 * Parses the head in r->head[0..len), which ends with CRLF CRLF, in place.
 * Leading empty lines are skipped as RFC 9112 2.2 allows.
 */
enum status
http_parse_head(struct request *r, size_t len)
{
	char		*p = r->head, *end = r->head + len - 2, *eol;
	enum status	 s;

	r->bodyoff = len;
	while (p + 1 < end && p[0] == '\r' && p[1] == '\n')
		p += 2;
	eol = memchr(p, '\r', (size_t)(end - p));
	if (eol == NULL || eol[1] != '\n')
		return http_fail(r, ST_BAD_REQUEST, "malformed request line");
	if ((s = parse_request_line(r, p, (size_t)(eol - p))) != ST_NONE)
		return s;
	p = eol + 2;
	if ((size_t)(end - p) > HEADER_BLOCK_MAX)
		return http_fail(r, ST_HEADERS_TOO_LARGE,
		    "request header block larger than %d bytes",
		    HEADER_BLOCK_MAX);
	while (p < end) {
		eol = memchr(p, '\r', (size_t)(end - p));
		if (eol == NULL || eol[1] != '\n')
			return http_fail(r, ST_BAD_REQUEST,
			    "bare CR in request head");
		if ((s = parse_field(r, p, (size_t)(eol - p))) != ST_NONE)
			return s;
		p = eol + 2;
	}
	return parse_framing(r);
}

/* 411 and 413 are decided from the head, before any body byte is read. */
enum status
http_check_length(struct request *r, uint64_t limit)
{
	if (!r->chunked && !r->has_length)
		return http_fail(r, ST_LENGTH_REQUIRED,
		    "a body needs Content-Length or chunked Transfer-Encoding");
	if (r->has_length && r->length > limit)
		return http_fail(r, ST_PAYLOAD_TOO_LARGE,
		    "request body larger than %llu bytes",
		    (unsigned long long)limit);
	return ST_NONE;
}

static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum status
http_send_continue(struct request *r)
{
	static const char interim[] = "HTTP/1.1 100 Continue\r\n\r\n";

	if (!r->expect_continue || r->continue_sent || r->body_done)
		return ST_NONE;
	r->continue_sent = 1;
	if (write_all(r->out, interim, sizeof(interim) - 1) == -1)
		return http_fail(r, ST_BAD_REQUEST, "client went away");
	return ST_NONE;
}

/* Gives n decoded body bytes to the sink, counting them against limit. */
static enum status
deliver(struct request *r, uint64_t *total, uint64_t limit, body_sink sink,
    void *ctx, const char *p, size_t n)
{
	*total += n;
	if (*total > limit)
		return http_fail(r, ST_PAYLOAD_TOO_LARGE,
		    "request body larger than %llu bytes",
		    (unsigned long long)limit);
	return n > 0 ? sink(ctx, p, n) : ST_NONE;
}

static enum status
read_failed(struct request *r, ssize_t n, uint64_t got)
{
	if (n == -2)
		return http_fail(r, ST_REQUEST_TIMEOUT,
		    "request body not received within the deadline");
	return http_fail(r, ST_BAD_REQUEST,
	    "connection closed after %llu body bytes",
	    (unsigned long long)got);
}

static enum status
read_sized_body(struct request *r, uint64_t limit, body_sink sink, void *ctx)
{
	char		 buf[READ_CHUNK];
	uint64_t	 total = 0, left = r->length;
	size_t		 have = r->headlen - r->bodyoff;
	enum status	 s;
	ssize_t		 n;

	if (have > left)
		have = (size_t)left;
	s = deliver(r, &total, limit, sink, ctx, r->head + r->bodyoff, have);
	left -= have;
	while (s == ST_NONE && left > 0) {
		n = read_some(r, buf, left < sizeof(buf) ? (size_t)left :
		    sizeof(buf));
		if (n <= 0)
			return read_failed(r, n, total);
		left -= (uint64_t)n;
		s = deliver(r, &total, limit, sink, ctx, buf, (size_t)n);
	}
	return s;
}

static enum status
read_chunked_body(struct request *r, uint64_t limit, body_sink sink,
    void *ctx)
{
	char		 buf[READ_CHUNK];
	char		*p = r->head + r->bodyoff;
	size_t		 n = r->headlen - r->bodyoff;
	uint64_t	 total = 0;
	ssize_t		 rc, got;
	enum status	 s;

	for (;;) {
		rc = chunked_decode(&r->chunk, p, &n);
		if ((s = deliver(r, &total, limit, sink, ctx, p, n)) != ST_NONE)
			return s;
		if (rc == CHUNKED_ERROR)
			return http_fail(r, ST_BAD_REQUEST,
			    "malformed chunked body");
		if (rc >= 0)
			return ST_NONE;
		got = read_some(r, buf, sizeof(buf));
		if (got <= 0)
			return read_failed(r, got, total);
		p = buf;
		n = (size_t)got;
	}
}

/*
 * Reads the whole body, decoded, into sink; more than limit bytes is 413.
 * The caller has sent 100 Continue if it wanted to.
 */
enum status
http_read_body(struct request *r, uint64_t limit, body_sink sink, void *ctx)
{
	enum status s;

	if (r->body_done)
		return ST_NONE;
	if (r->chunked)
		s = read_chunked_body(r, limit, sink, ctx);
	else
		s = read_sized_body(r, limit, sink, ctx);
	if (s == ST_NONE)
		r->body_done = 1;
	return s;
}

/* Is the media type in value (parameters allowed) equal to type? */
int
media_type_is(const char *value, const char *type)
{
	size_t n = strlen(type);

	if (value == NULL || !ascii_ncaseeq(value, type, n))
		return 0;
	value += n;
	while (is_ows((unsigned char)*value))
		value++;
	return *value == '\0' || *value == ';';
}

/* Writes the one response; returns the bytes written, or -1. */
long
http_write_response(struct request *r, const struct response *res)
{
	char		 head[1024], date[64];
	struct tm	 tm;
	time_t		 t = time(NULL);
	size_t		 hlen;

	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (xsnprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\n"
	    "Date: %s\r\n"
	    "Content-Type: %s\r\n"
	    "Content-Length: %zu\r\n"
	    "Connection: close\r\n"
	    "X-Request-Id: %s\r\n"
	    "%s\r\n",
	    (int)res->status, status_reason(res->status), date,
	    res->content_type, res->bodylen, res->request_id,
	    res->extra ? res->extra : "") == -1)
		return -1;
	hlen = strlen(head);
	if (write_all(r->out, head, hlen) == -1)
		return -1;
	if (res->head_only)
		return (long)hlen;
	if (write_all(r->out, res->body, res->bodylen) == -1)
		return -1;
	return (long)(hlen + res->bodylen);
}

/*
 * After the response: half-close, then read what the client still sends so
 * that closing with unread input does not reset the connection and destroy
 * the response in flight.  A request read to its end needs no waiting.
 */
void
http_finish(struct request *r)
{
	struct pollfd	 pfd = { .fd = r->in, .events = POLLIN };
	char		 buf[READ_CHUNK];
	int64_t		 stop = now_ms() + DRAIN_MS, left;
	size_t		 drained = 0;
	ssize_t		 n;

	if (is_socket(r->out))
		shutdown(r->out, SHUT_WR);
	while (!r->peer_eof && drained < DRAIN_MAX) {
		left = r->body_done ? 0 : stop - now_ms();
		if (left < 0)
			break;
		if (poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(r->in, buf, sizeof(buf));
		if (n <= 0)
			break;
		drained += (size_t)n;
	}
}
