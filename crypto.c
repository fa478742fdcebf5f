/*
 * SHA-256, HMAC-SHA256 and a constant-time compare from libcrypto, loaded
 * with dlopen on first use, in the manner systemd loads its optional
 * libraries: every symbol is resolved and checked up front, or none is used.
 *
 * HMAC is built here (RFC 2104, a dozen lines) over libcrypto's low-level
 * SHA-256 functions.  They are deprecated in OpenSSL 3.0 but exported by
 * libcrypto.so.3; the EVP_MAC route costs about 6 million instructions of
 * provider set-up in every process, more than twice the rest of an ignored
 * GitHub delivery.
 */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

#define LIBCRYPTO	"libcrypto.so.3"
#define BLOCK		64	/* SHA-256 block size */

struct crypto {
	int	(*init)(SHA256_CTX *);
	int	(*update)(SHA256_CTX *, const void *, size_t);
	int	(*final)(unsigned char *, SHA256_CTX *);
	int	(*memcmp)(const void *, const void *, size_t);
};

/* The process-wide table: filled once, then read-only. */
static struct crypto	table;
static int		state;	/* 0 not tried, 1 loaded, -1 failed */

static int
load(void)
{
	static const char *const names[] = { "SHA256_Init", "SHA256_Update",
	    "SHA256_Final", "CRYPTO_memcmp" };
	void	*sym[sizeof(names) / sizeof(names[0])];
	char	 err[256];

	if (dl_symbols(LIBCRYPTO, names, sizeof(names) / sizeof(names[0]), sym,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "factory-webhook: %s\n", err);
		return -1;
	}
	/* Object to function pointers through memcpy, as POSIX allows. */
	memcpy(&table.init, &sym[0], sizeof(void *));
	memcpy(&table.update, &sym[1], sizeof(void *));
	memcpy(&table.final, &sym[2], sizeof(void *));
	memcpy(&table.memcmp, &sym[3], sizeof(void *));
	return 1;
}

int
crypto_load(void)
{
	if (state == 0)
		state = load();
	return state == 1 ? 0 : -1;
}

int
sha256(const void *p, size_t n, unsigned char out[32])
{
	SHA256_CTX ctx;

	if (crypto_load() == -1 || !table.init(&ctx) ||
	    !table.update(&ctx, p, n) || !table.final(out, &ctx))
		return -1;
	explicit_bzero(&ctx, sizeof(ctx));
	return 0;
}

int
sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];

	if (sha256(p, n, md) == -1)
		return -1;
	hex_encode(out, md, sizeof(md));
	return 0;
}

/* H((K ^ opad) || H((K ^ ipad) || m)), K padded or hashed to a block. */
int
hmac_init(struct hmac *h, const void *key, size_t keylen)
{
	unsigned char	 k[BLOCK] = { 0 }, pad[BLOCK];
	size_t		 i;
	int		 ok;

	if (keylen > BLOCK) {
		if (sha256(key, keylen, k) == -1)
			return -1;
	} else if (crypto_load() == 0) {
		memcpy(k, key, keylen);
	} else {
		return -1;
	}
	h->c = &table;
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x36;
	ok = table.init(&h->inner) && table.update(&h->inner, pad, BLOCK);
	for (i = 0; i < BLOCK; i++)
		pad[i] = k[i] ^ 0x5c;
	ok = ok && table.init(&h->outer) && table.update(&h->outer, pad, BLOCK);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(pad, sizeof(pad));
	return ok ? 0 : -1;
}

void
hmac_update(struct hmac *h, const void *p, size_t n)
{
	h->c->update(&h->inner, p, n);
}

void
hmac_final(struct hmac *h, unsigned char out[32])
{
	unsigned char md[32];

	h->c->final(md, &h->inner);
	h->c->update(&h->outer, md, sizeof(md));
	h->c->final(out, &h->outer);
	explicit_bzero(md, sizeof(md));
	explicit_bzero(&h->inner, sizeof(h->inner));
	explicit_bzero(&h->outer, sizeof(h->outer));
}

int
ct_equal(const void *a, const void *b, size_t n)
{
	return crypto_load() == 0 && table.memcmp(a, b, n) == 0;
}
