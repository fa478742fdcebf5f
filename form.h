/* application/x-www-form-urlencoded: GitHub's other content type. */
#ifndef FORM_H
#define FORM_H

#include <stddef.h>

#define FORM_MISSING	(-1)
#define FORM_MALFORMED	(-2)

/*
 * Decodes the first field called name in body[0..len) into *out (caller
 * frees, NUL-terminated, *outlen bytes).  Returns 0, FORM_MISSING, or
 * FORM_MALFORMED for a bad %-escape or an allocation failure.
 */
int	form_field(const char *body, size_t len, const char *name, char **out,
	    size_t *outlen);

#endif
