/*
 * The few libcrypto functions factory-webhook uses, loaded with dlopen on
 * first use: libcrypto costs about 3 million instructions of relocation to
 * load, which /healthz and most rejections must not pay.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/params.h>

struct crypto {
	EVP_MAC		*(*mac_fetch)(OSSL_LIB_CTX *, const char *, const char *);
	void		 (*mac_free)(EVP_MAC *);
	EVP_MAC_CTX	*(*mac_ctx_new)(EVP_MAC *);
	void		 (*mac_ctx_free)(EVP_MAC_CTX *);
	int		 (*mac_init)(EVP_MAC_CTX *, const unsigned char *, size_t,
			     const OSSL_PARAM[]);
	int		 (*mac_update)(EVP_MAC_CTX *, const unsigned char *,
			     size_t);
	int		 (*mac_final)(EVP_MAC_CTX *, unsigned char *, size_t *,
			     size_t);
	int		 (*digest)(const void *, size_t, unsigned char *,
			     unsigned int *, const EVP_MD *, ENGINE *);
	const EVP_MD	*(*sha256)(void);
	int		 (*memcmp)(const void *, const void *, size_t);
};

/* The loaded table, or NULL (with the reason logged once to stderr). */
const struct crypto	*crypto(void);

/* SHA-256 of p[0..n) as 64 hex digits and a NUL; -1 if libcrypto fails. */
int			 sha256_hex(const void *p, size_t n, char out[65]);

#endif
