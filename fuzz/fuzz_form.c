/* libFuzzer: the application/x-www-form-urlencoded decoder. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*out;
	size_t	 n;

	if (form_field((const char *)data, size, "payload", &out, &n) == 0) {
		if (n > size || strlen(out) > n)
			abort();
		free(out);
	}
	return 0;
}
