/* libFuzzer: one request through the real reader, parser and body decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../http.h"

static enum status
discard(void *ctx, const char *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return ST_NONE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct request r;
	int fds[2];

	if (size > 60000 || pipe(fds) == -1)
		return 0;
	if (write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	close(fds[1]);
	http_init(&r, fds[0], -1, 1);
	if (http_read_head(&r) == ST_NONE && http_header(&r, "Host") != NULL)
		(void)http_header(&r, "Content-Type");
	if (r.nhdr > 0 && strcmp(r.method, "POST") == 0 &&
	    http_check_length(&r, 65536) == ST_NONE)
		(void)http_read_body(&r, 65536, discard, NULL);
	close(fds[0]);
	return 0;
}
