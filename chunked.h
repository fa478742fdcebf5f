/* Incremental, in-place decoder for Transfer-Encoding: chunked (RFC 9112 7.1). */
#ifndef CHUNKED_H
#define CHUNKED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct chunked {
	int		 state;
	uint64_t	 left;		/* data bytes left in the current chunk */
	size_t		 linelen;	/* bytes of the current size/trailer line */
	size_t		 trailers;	/* bytes of trailer section so far */
	unsigned	 digits;	/* hex digits in the current size */
};

#define CHUNKED_ERROR	(-1)
#define CHUNKED_MORE	(-2)

void	chunked_init(struct chunked *);
/*
 * Decodes buf[0..*len) in place.  On return *len holds the number of decoded
 * data bytes now at the start of buf.  Returns CHUNKED_MORE when the body is
 * not finished, CHUNKED_ERROR on malformed framing, or the number of bytes
 * that followed the end of the chunked body (>= 0) once it is complete.
 */
ssize_t	chunked_decode(struct chunked *, char *buf, size_t *len);

#endif
