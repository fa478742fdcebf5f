/* Small helpers shared by every file: bounded buffers, numbers, time. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static int
buf_reserve(struct buf *b, size_t extra)
{
	size_t	 need, ncap;
	char	*p;

	if (extra > b->max || b->len > b->max - extra)
		return -1;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	ncap = b->cap ? b->cap : 256;
	while (ncap < need)
		ncap *= 2;
	if ((p = realloc(b->data, ncap)) == NULL)
		return -1;
	b->data = p;
	b->cap = ncap;
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	if (buf_reserve(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_appendf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || buf_reserve(b, (size_t)n) == -1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b, b->max);
}

int
xsnprintf(char *s, size_t size, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(s, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

void
msgf(char *s, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, size, fmt, ap);
	va_end(ap);
}

int
parse_uint(const char *s, size_t len, uint64_t min, uint64_t max,
    uint64_t *out)
{
	uint64_t v = 0;
	size_t	 i;

	if (len == 0 || len > 20)
		return -1;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!is_digit(c))
			return -1;
		if (v > (UINT64_MAX - (c - '0')) / 10)
			return -1;
		v = v * 10 + (c - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int64_t
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t now_ms(void) { return clock_ms(CLOCK_MONOTONIC); }
int64_t wall_ms(void) { return clock_ms(CLOCK_REALTIME); }

void
hex_encode(char *out, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

/* Fills out with nhex random hex digits; getrandom(2) does not fail for
 * requests this small once the pool is initialised. */
void
random_hex(char *out, size_t nhex)
{
	unsigned char	 raw[32];
	size_t		 n = (nhex + 1) / 2;
	ssize_t		 got;

	if (n > sizeof(raw))
		n = sizeof(raw);
	do
		got = getrandom(raw, n, 0);
	while (got == -1 && errno == EINTR);
	if (got != (ssize_t)n)
		abort();
	hex_encode(out, raw, n);
	out[nhex] = '\0';
}

int
dl_symbols(const char *lib, const char *const names[], size_t n,
    void *syms[], char *err, size_t errlen)
{
	void	*h;
	size_t	 i;

	if ((h = dlopen(lib, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		msgf(err, errlen, "cannot load %s: %s", lib, dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((syms[i] = dlsym(h, names[i])) == NULL) {
			msgf(err, errlen, "%s lacks %s", lib, names[i]);
			return -1;
		}
	}
	return 0;
}

int
base64_decode(const char *s, struct buf *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned int	 acc = 0, bits = 0;
	const char	*p;
	char		 byte;

	for (; *s != '\0' && *s != '='; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
			continue;
		if ((p = strchr(alphabet, *s)) == NULL)
			return -1;
		acc = acc << 6 | (unsigned int)(p - alphabet);
		if ((bits += 6) >= 8) {
			bits -= 8;
			byte = (char)(acc >> bits & 0xff);
			if (buf_append(out, &byte, 1) == -1)
				return -1;
		}
	}
	return 0;
}

const char *
file_error(int e)
{
	return e == ENOTREG ? "not a regular file" : e == EFBIG ? "too large" :
	    strerror(e);
}

char *
read_small_file(const char *path, size_t max, size_t *lenp)
{
	struct buf	 b;
	char		 chunk[4096];
	ssize_t		 n;
	int		 fd;

	struct stat	 st;

	/* O_NONBLOCK: a FIFO must not hang the process; only regular files
	 * are read at all. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = ENOTREG;
		return NULL;
	}
	buf_init(&b, max);
	if (buf_append(&b, "", 0) == -1)
		goto fail;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		if (buf_append(&b, chunk, (size_t)n) == -1) {
			errno = EFBIG;
			goto fail;
		}
	}
	close(fd);
	if (lenp != NULL)
		*lenp = b.len;
	return b.data;
fail:
	n = errno;
	close(fd);
	if (b.data != NULL)
		explicit_bzero(b.data, b.cap);
	buf_free(&b);
	errno = (int)n;
	return NULL;
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

int
ascii_casecmp(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;

	while (*p != '\0' && lower(*p) == lower(*q))
		p++, q++;
	return lower(*p) - lower(*q);
}

int
ascii_ncaseeq(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}
