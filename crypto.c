/*
 * The few libcrypto functions factory-webhook uses, loaded with dlopen on
 * first use, in the manner systemd loads its optional libraries: every
 * symbol is resolved and checked up front, or none is used.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "util.h"

#define LIBCRYPTO	"libcrypto.so.3"

/* The process-wide table: filled once, then read-only. */
static struct crypto	table;
static int		state;	/* 0 not tried, 1 loaded, -1 failed */

static int
load(void)
{
	static const char *const names[] = { "EVP_MAC_fetch", "EVP_MAC_free",
	    "EVP_MAC_CTX_new", "EVP_MAC_CTX_free", "EVP_MAC_init",
	    "EVP_MAC_update", "EVP_MAC_final", "EVP_Digest", "EVP_sha256",
	    "CRYPTO_memcmp" };
	void	*lib, *sym[sizeof(names) / sizeof(names[0])];
	size_t	 i;

	if ((lib = dlopen(LIBCRYPTO, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "factory-webhook: cannot load %s: %s\n",
		    LIBCRYPTO, dlerror());
		return -1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((sym[i] = dlsym(lib, names[i])) == NULL) {
			fprintf(stderr, "factory-webhook: %s lacks %s\n",
			    LIBCRYPTO, names[i]);
			return -1;
		}
	}
	/* Object to function pointers through memcpy, as POSIX allows. */
	memcpy(&table.mac_fetch, &sym[0], sizeof(void *));
	memcpy(&table.mac_free, &sym[1], sizeof(void *));
	memcpy(&table.mac_ctx_new, &sym[2], sizeof(void *));
	memcpy(&table.mac_ctx_free, &sym[3], sizeof(void *));
	memcpy(&table.mac_init, &sym[4], sizeof(void *));
	memcpy(&table.mac_update, &sym[5], sizeof(void *));
	memcpy(&table.mac_final, &sym[6], sizeof(void *));
	memcpy(&table.digest, &sym[7], sizeof(void *));
	memcpy(&table.sha256, &sym[8], sizeof(void *));
	memcpy(&table.memcmp, &sym[9], sizeof(void *));
	return 1;
}

const struct crypto *
crypto(void)
{
	if (state == 0)
		state = load();
	return state == 1 ? &table : NULL;
}

int
sha256_hex(const void *p, size_t n, char out[65])
{
	const struct crypto	*c = crypto();
	unsigned char		 md[32];

	if (c == NULL || !c->digest(p, n, md, NULL, c->sha256(), NULL))
		return -1;
	hex_encode(out, md, sizeof(md));
	return 0;
}
