/* hex.h - lower-case hexadecimal. */
#ifndef SKILLCERT_HEX_H
#define SKILLCERT_HEX_H

#include <stddef.h>
#include <stdint.h>

void hex_encode(const uint8_t *in, size_t n, char *out); /* lower, NUL-terminated */
int hex_digit(char c);   /* 0..15, or -1 */
long hex_decode(const char *in, size_t n, uint8_t *out, size_t cap);

#endif
