/* application/x-www-form-urlencoded: GitHub's other content type. */
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "util.h"

/* Decodes p[0..n) ('+' is a space, %XX a byte) into a new string. */
static int
decode(const char *p, size_t n, char **out, size_t *outlen)
{
	char	*d;
	size_t	 i, o = 0;
	int	 hi, lo;

	if ((d = malloc(n + 1)) == NULL)
		return FORM_MALFORMED;
	for (i = 0; i < n; i++) {
		if (p[i] == '+') {
			d[o++] = ' ';
		} else if (p[i] == '%') {
			if (n - i < 3 ||
			    (hi = hex_value((unsigned char)p[i + 1])) < 0 ||
			    (lo = hex_value((unsigned char)p[i + 2])) < 0) {
				free(d);
				return FORM_MALFORMED;
			}
			d[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[o++] = p[i];
		}
	}
	d[o] = '\0';
	*out = d;
	*outlen = o;
	return 0;
}

int
form_field(const char *body, size_t len, const char *name, char **out,
    size_t *outlen)
{
	const char	*p = body, *end = body + len, *amp, *eq;
	size_t		 nlen = strlen(name);

	*out = NULL;
	while (p < end) {
		if ((amp = memchr(p, '&', (size_t)(end - p))) == NULL)
			amp = end;
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq != NULL && (size_t)(eq - p) == nlen &&
		    memcmp(p, name, nlen) == 0)
			return decode(eq + 1, (size_t)(amp - eq - 1), out, outlen);
		p = amp + 1;
	}
	return FORM_MISSING;
}
