/* libFuzzer: the chunked decoder, fed in pieces as reads would deliver. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct chunked	 c;
	char		*buf;
	size_t		 piece, off = 0, len, n;
	ssize_t		 rc = CHUNKED_MORE;

	if (size < 1 || (buf = malloc(size)) == NULL)
		return 0;
	piece = data[0] % 17 + 1;	/* the first byte picks the read size */
	len = size - 1;
	memcpy(buf, data + 1, len);
	chunked_init(&c);
	while (off < len && rc == CHUNKED_MORE) {
		size_t take = len - off < piece ? len - off : piece;
		n = take;
		rc = chunked_decode(&c, buf + off, &n);
		if (n > take || rc > (ssize_t)take)
			abort();	/* decoded more than it was given */
		off += take;
	}
	free(buf);
	return 0;
}
