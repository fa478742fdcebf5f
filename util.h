/* Small helpers shared by every file: bounded buffers, numbers, time. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A growing byte buffer with a hard cap; an append past the cap fails. */
struct buf {
	char	*data;		/* NUL-terminated when non-NULL */
	size_t	 len;
	size_t	 cap;		/* allocated */
	size_t	 max;		/* never grows beyond this */
};

void	 buf_init(struct buf *, size_t max);
int	 buf_append(struct buf *, const void *, size_t);	/* 0 or -1 */
int	 buf_appendf(struct buf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 buf_free(struct buf *);

/* snprintf that fails (-1) on truncation instead of cutting the text. */
int	 xsnprintf(char *, size_t, const char *, ...)
	     __attribute__((format(printf, 3, 4)));

/* A message into a fixed buffer; a long one is cut, never overflows.
 * For messages only: data goes through xsnprintf. */
void	 msgf(char *, size_t, const char *, ...)
	     __attribute__((format(printf, 3, 4)));

/* Whole-string decimal in [min, max]; 0 on success, -1 otherwise. */
int	 parse_uint(const char *, size_t, uint64_t min, uint64_t max,
	     uint64_t *out);

int64_t	 now_ms(void);		/* CLOCK_MONOTONIC */
int64_t	 wall_ms(void);		/* CLOCK_REALTIME, Unix epoch */
void	 random_hex(char *out, size_t nhex);	/* nhex hex digits + NUL */
void	 hex_encode(char *out, const unsigned char *, size_t);

/* dlopen(lib) and resolve every name into syms, or fail naming what is
 * missing: an optional library is used whole or not at all. */
int	 dl_symbols(const char *lib, const char *const names[], size_t n,
	     void *syms[], char *err, size_t errlen);

/* Base64 (standard alphabet, white space ignored) appended to out. */
int	 base64_decode(const char *, struct buf *out);

/* Read a whole small regular file; caller frees.  NULL with errno set on
 * error: ENOTREG for anything but a regular file (a FIFO would block),
 * EFBIG past max.  file_error() says it in words. */
#define ENOTREG	EINVAL
char	*read_small_file(const char *path, size_t max, size_t *lenp);
const char *file_error(int);

/* Case-insensitive ASCII comparisons, locale-free. */
int	 ascii_casecmp(const char *, const char *);
int	 ascii_ncaseeq(const char *, const char *, size_t);

/* Byte classes on unsigned char, locale-free. */
static inline int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static inline int is_lower_alnum(unsigned char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z');
}
static inline int is_alnum(unsigned char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}
static inline int is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }
static inline int is_ows(unsigned char c) { return c == ' ' || c == '\t'; }

/* RFC 9110 tchar: the bytes of a method or a header field name. */
static inline int
is_tchar(unsigned char c)
{
	return is_alnum(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c));
}

/* The value of a hex digit, or -1. */
static inline int
hex_value(unsigned char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
