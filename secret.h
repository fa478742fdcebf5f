/* Secrets: loading with rotation, HMAC-SHA256 signatures, token matching. */
#ifndef SECRET_H
#define SECRET_H

#include <stddef.h>

#include "limits.h"

/* Up to SECRETS_MAX values; any of them is accepted (rotation). */
struct secrets {
	char	*v[SECRETS_MAX];
	size_t	 len[SECRETS_MAX];
	size_t	 n;
	char	 origin[128];	/* where they came from, for --check-config */
};

int	 secrets_load(struct secrets *, const char *env, const char *file_env,
	     const char *credential, char *err, size_t errlen);
void	 secrets_wipe(struct secrets *);
int	 secrets_match(const struct secrets *, const char *given);

/* Streaming HMAC-SHA256 of a body under every configured secret. */
struct signer;
struct signer	*signer_new(const struct secrets *);
void		 signer_update(struct signer *, const void *, size_t);
int		 signer_verify(struct signer *, const char *header);
int		 signer_hex(struct signer *, char out[72]);
void		 signer_free(struct signer *);

#endif
