/* sha256.c - SHA-256 through OpenSSL's low-level interface. It is marked
 * deprecated in OpenSSL 3 only in favour of EVP, whose implicit fetch per
 * digest costs more than hashing a certificate; the code is the same. */
#define OPENSSL_API_COMPAT 10101
#include <openssl/sha.h>

#include "skillcert/model/sha256.h"

void
sha256_parts(uint8_t out[SHA256_LEN], size_t count, const void *const *p,
    const size_t *n)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	for (size_t i = 0; i < count; i++)
		if (n[i])
			SHA256_Update(&c, p[i], n[i]);
	SHA256_Final(out, &c);
}

void
sha256_bytes(const void *p, size_t n, uint8_t out[SHA256_LEN])
{
	sha256_parts(out, 1, &p, &n);
}
