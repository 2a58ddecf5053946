/* sha256.h - SHA-256 of one or more byte ranges, without OpenSSL 3's
 * per-call algorithm fetch (which takes a lock): the issuer hashes several
 * times per certificate, on every thread. */
#ifndef SKILLCERT_SHA256_H
#define SKILLCERT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

/* out = SHA-256(p[0][0..n[0]) || p[1] || ...). */
void sha256_parts(uint8_t out[SHA256_LEN], size_t count, const void *const *p,
    const size_t *n);
void sha256_bytes(const void *p, size_t n, uint8_t out[SHA256_LEN]);

#endif
