/* base32.h - RFC 4648 base32, upper case, no padding (QR alphanumeric safe). */
#ifndef SKILLCERT_BASE32_H
#define SKILLCERT_BASE32_H

#include <stddef.h>
#include <stdint.h>

/* RFC 4648 base32, upper case, no padding (QR alphanumeric safe). */
size_t base32_encoded_len(size_t n);
void base32_encode(const uint8_t *in, size_t n, char *out); /* NUL-terminates */
/* Accepts upper or lower case; returns bytes written or -1 on a bad char
 * (its offset in *bad if not NULL) or non-canonical tail. */
long base32_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *bad);

#endif
