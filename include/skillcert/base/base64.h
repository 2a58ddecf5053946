/* base64.h - standard base64 (RFC 4648 section 4), padded, decoded strictly. */
#ifndef SKILLCERT_BASE64_H
#define SKILLCERT_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, without the NUL. */
#define BASE64_LEN(n) ((((n) + 2) / 3) * 4)

/* Writes BASE64_LEN(n) characters and a NUL into out. */
void base64_encode(const uint8_t *in, size_t n, char *out);
/* Decodes in[0..n) into out (cap bytes). Only the canonical encoding is
 * accepted: padded to a multiple of 4, no whitespace, unused bits zero.
 * Returns the number of bytes, or -1. */
long base64_decode(const char *in, size_t n, uint8_t *out, size_t cap);

#endif
