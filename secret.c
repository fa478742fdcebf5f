/*
 * Secrets: the GitHub webhook secret and the API bearer tokens.  Values come
 * from an environment variable, a file named by another variable, or a
 * systemd credential; files hold one value per line so that a new secret can
 * be added before the old one is removed.  Comparisons are constant-time and
 * every copy is wiped when freed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "secret.h"
#include "util.h"

static int
add_value(struct secrets *s, const char *p, size_t n)
{
	size_t i;

	while (n > 0 && (is_ows((unsigned char)*p) || *p == '\r'))
		p++, n--;
	while (n > 0 && (is_ows((unsigned char)p[n - 1]) || p[n - 1] == '\r'))
		n--;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (is_ctl((unsigned char)p[i]) && p[i] != '\t')
			return -2;	/* a NUL or control byte never matches */
	if (s->n == SECRETS_MAX || (s->v[s->n] = malloc(n + 1)) == NULL)
		return -1;
	memcpy(s->v[s->n], p, n);
	s->v[s->n][n] = '\0';
	s->len[s->n++] = n;
	return 0;
}

/*
 * One value per line; blank lines and surrounding white space ignored.  A
 * file without any value is an error, except for a systemd credential
 * (may_be_empty), whose file must exist for the unit to start at all.
 */
static int
load_file(struct secrets *s, const char *path, int may_be_empty, char *err,
    size_t errlen)
{
	char	*data, *line, *nl;
	size_t	 len;
	int	 rc = 0;

	if ((data = read_small_file(path, SECRET_FILE_MAX, &len)) == NULL) {
		msgf(err, errlen, "cannot read %s: %s", path,
		    file_error(errno));
		return -1;
	}
	for (line = data; rc == 0 && line < data + len; line = nl + 1) {
		if ((nl = memchr(line, '\n', (size_t)(data + len - line))) == NULL)
			nl = data + len;
		rc = add_value(s, line, (size_t)(nl - line));
	}
	explicit_bzero(data, len);
	free(data);
	if (rc == -2)
		msgf(err, errlen, "%s holds a control character", path);
	else if (rc == -1)
		msgf(err, errlen, "%s: more than %d values", path,
		    SECRETS_MAX);
	else if (s->n == 0 && !may_be_empty)
		msgf(err, errlen, "%s holds no value", path);
	return (rc < 0 || (s->n == 0 && !may_be_empty)) ? -1 : 0;
}

/*
 * The first source that is set wins: env, then the file named by file_env,
 * then $CREDENTIALS_DIRECTORY/credential.  Nothing set is not an error.
 */
int
secrets_load(struct secrets *s, const char *env, const char *file_env,
    const char *credential, char *err, size_t errlen)
{
	const char	*v, *dir;
	char		 path[4096];

	memset(s, 0, sizeof(*s));
	if ((v = getenv(env)) != NULL && *v != '\0') {
		xsnprintf(s->origin, sizeof(s->origin), "$%s", env);
		if (add_value(s, v, strlen(v)) < 0) {
			msgf(err, errlen, "$%s holds a control character", env);
			return -1;
		}
		explicit_bzero((char *)v, strlen(v));
		return 0;
	}
	if ((v = getenv(file_env)) != NULL && *v != '\0') {
		xsnprintf(s->origin, sizeof(s->origin), "$%s", file_env);
		return load_file(s, v, 0, err, errlen);
	}
	dir = getenv("CREDENTIALS_DIRECTORY");
	if (dir == NULL || *dir == '\0' ||
	    xsnprintf(path, sizeof(path), "%s/%s", dir, credential) == -1)
		return 0;
	if (access(path, F_OK) == -1 && errno == ENOENT)
		return 0;
	xsnprintf(s->origin, sizeof(s->origin), "credential %s", credential);
	if (load_file(s, path, 1, err, errlen) == -1)
		return -1;
	if (s->n == 0)
		s->origin[0] = '\0';
	return 0;
}

void
secrets_wipe(struct secrets *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		explicit_bzero(s->v[i], s->len[i]);
		free(s->v[i]);
	}
	s->n = 0;
}

/* Constant time in the secrets' contents: compares SHA-256 digests, so
 * neither the length nor a prefix of a token shows in the timing. */
int
secrets_match(const struct secrets *s, const char *given)
{
	unsigned char	 a[32], b[32];
	size_t		 i;
	int		 ok = 0;

	if (given == NULL || sha256(given, strlen(given), a) == -1)
		return 0;
	for (i = 0; i < s->n; i++)
		if (sha256(s->v[i], s->len[i], b) == 0)
			ok |= ct_equal(a, b, sizeof(a));
	explicit_bzero(a, sizeof(a));
	explicit_bzero(b, sizeof(b));
	return ok;
}

struct signer {
	struct hmac	 mac[SECRETS_MAX];
	size_t		 n;
};

struct signer *
signer_new(const struct secrets *s)
{
	struct signer *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	for (g->n = 0; g->n < s->n; g->n++) {
		if (hmac_init(&g->mac[g->n], s->v[g->n], s->len[g->n]) == -1) {
			signer_free(g);
			return NULL;
		}
	}
	return g;
}

void
signer_update(struct signer *g, const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < g->n; i++)
		hmac_update(&g->mac[i], p, n);
}

/* "sha256=" and 64 hex digits, decoded; -1 if the header is malformed. */
static int
parse_signature(const char *h, unsigned char want[32])
{
	size_t	 i;
	int	 hi, lo;

	if (h == NULL || strncmp(h, "sha256=", 7) != 0 || strlen(h) != 7 + 64)
		return -1;
	for (i = 0; i < 32; i++) {
		hi = hex_value((unsigned char)h[7 + 2 * i]);
		lo = hex_value((unsigned char)h[8 + 2 * i]);
		if (hi < 0 || lo < 0)
			return -1;
		want[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* Finishes every MAC; 1 when header matches any of them.  All are computed
 * and compared whatever the header, so the timing shows nothing. */
int
signer_verify(struct signer *g, const char *header)
{
	unsigned char	 want[32], got[32];
	size_t		 i;
	int		 ok = 0, valid;

	valid = parse_signature(header, want) == 0;
	for (i = 0; i < g->n; i++) {
		hmac_final(&g->mac[i], got);
		ok |= ct_equal(got, want, sizeof(got)) & valid;
	}
	g->n = 0;
	explicit_bzero(got, sizeof(got));
	return ok;
}

/* "sha256=<hex>" under the first secret, for --sign. */
int
signer_hex(struct signer *g, char out[72])
{
	unsigned char got[32];

	if (g->n == 0)
		return -1;
	hmac_final(&g->mac[0], got);
	memcpy(out, "sha256=", 7);
	hex_encode(out + 7, got, sizeof(got));
	explicit_bzero(got, sizeof(got));
	return 0;
}

void
signer_free(struct signer *g)
{
	if (g == NULL)
		return;
	explicit_bzero(g, sizeof(*g));
	free(g);
}
