/* utf8.h - UTF-8 decoding, checking, counting and encoding. */
#ifndef SKILLCERT_UTF8_H
#define SKILLCERT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes one UTF-8 scalar at s (n bytes available). Returns its length
 * 1..4, or 0 on an invalid / overlong / surrogate / truncated sequence. */
int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
/* Returns 0 if s[0..n) is valid UTF-8, else the byte offset + 1 of the
 * first bad byte. */
size_t utf8_check(const uint8_t *s, size_t n);
/* Number of scalars in valid UTF-8. */
size_t utf8_count(const char *s);
int utf8_encode(uint32_t cp, char out[4]);

#endif
