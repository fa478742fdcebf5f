/*
 * SHA-256, HMAC-SHA256 (RFC 2104) and a constant-time compare, with
 * libcrypto loaded by dlopen on first use: loading it costs about 3 million
 * instructions of relocation, which /healthz and most rejections must not
 * pay.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>

#include <openssl/sha.h>

struct crypto;

struct hmac {
	const struct crypto	*c;
	SHA256_CTX		 inner, outer;
};

/* 0, or -1 when libcrypto cannot be loaded (said once on stderr). */
int	crypto_load(void);

int	sha256(const void *, size_t, unsigned char out[32]);
int	sha256_hex(const void *, size_t, char out[65]);
int	hmac_init(struct hmac *, const void *key, size_t keylen);
void	hmac_update(struct hmac *, const void *, size_t);
void	hmac_final(struct hmac *, unsigned char out[32]);	/* wipes h */
int	ct_equal(const void *, const void *, size_t);	/* constant time */

#endif
