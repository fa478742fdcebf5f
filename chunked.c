/* Incremental, in-place decoder for Transfer-Encoding: chunked (RFC 9112 7.1). */
#include <string.h>

#include "chunked.h"
#include "util.h"

#define CHUNK_LINE_MAX	4096	/* size line with extensions */
#define TRAILERS_MAX	8192	/* whole trailer section */

enum {
	ST_SIZE,	/* hex digits of the chunk size */
	ST_EXT,		/* chunk extensions, skipped up to CR */
	ST_SIZE_LF,	/* LF ending the size line */
	ST_DATA,	/* chunk data */
	ST_DATA_CR,	/* CR after data */
	ST_DATA_LF,	/* LF after data */
	ST_TRAILER,	/* a trailer line, or the empty line that ends the body */
	ST_TRAILER_LF,
	ST_DONE
};

void
chunked_init(struct chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = ST_SIZE;
}

/* One framing byte outside chunk data; 0 to go on, -1 for bad framing. */
static int
framing_byte(struct chunked *c, unsigned char ch)
{
	int v;

	switch (c->state) {
	case ST_SIZE:
		if (++c->linelen > CHUNK_LINE_MAX)
			return -1;
		if ((v = hex_value(ch)) >= 0) {
			if (++c->digits > 15)	/* keeps left below 2^60 */
				return -1;
			c->left = c->left * 16 + (uint64_t)v;
			return 0;
		}
		if (c->digits == 0)
			return -1;
		if (ch == '\r')
			c->state = ST_SIZE_LF;
		else if (ch == ';' || ch == ' ' || ch == '\t')
			c->state = ST_EXT;
		else
			return -1;
		return 0;
	case ST_EXT:
		if (++c->linelen > CHUNK_LINE_MAX || ch == '\n' || ch == '\0')
			return -1;
		if (ch == '\r')
			c->state = ST_SIZE_LF;
		return 0;
	case ST_SIZE_LF:
		if (ch != '\n')
			return -1;
		c->linelen = 0;
		c->digits = 0;
		c->state = c->left > 0 ? ST_DATA : ST_TRAILER;
		return 0;
	case ST_DATA_CR:
		c->state = ST_DATA_LF;
		return ch == '\r' ? 0 : -1;
	case ST_DATA_LF:
		c->state = ST_SIZE;
		return ch == '\n' ? 0 : -1;
	case ST_TRAILER:
		if (++c->trailers > TRAILERS_MAX || ch == '\n' || ch == '\0')
			return -1;
		if (ch == '\r')
			c->state = ST_TRAILER_LF;
		else
			c->linelen++;
		return 0;
	case ST_TRAILER_LF:
		if (ch != '\n')
			return -1;
		c->state = c->linelen == 0 ? ST_DONE : ST_TRAILER;
		c->linelen = 0;
		return 0;
	}
	return -1;
}

ssize_t
chunked_decode(struct chunked *c, char *buf, size_t *len)
{
	size_t	 in = 0, out = 0, n = *len;

	while (in < n && c->state != ST_DONE) {
		if (c->state == ST_DATA) {
			size_t take = n - in;
			if (take > c->left)
				take = (size_t)c->left;
			memmove(buf + out, buf + in, take);
			in += take;
			out += take;
			c->left -= take;
			if (c->left == 0)
				c->state = ST_DATA_CR;
			continue;
		}
		if (framing_byte(c, (unsigned char)buf[in++]) == -1) {
			*len = out;
			return CHUNKED_ERROR;
		}
	}
	*len = out;
	if (c->state != ST_DONE)
		return CHUNKED_MORE;
	return (ssize_t)(n - in);
}
