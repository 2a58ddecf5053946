/* base32.c - RFC 4648 base32, upper case, no padding (QR alphanumeric safe). */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "skillcert/base/base32.h"

static const char b32_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* Characters, not counting the NUL that base32_encode also writes. */
size_t
base32_encoded_len(size_t n)
{
	return n / 5 * 8 + (n % 5 * 8 + 4) / 5;
}

void
base32_encode(const uint8_t *in, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		acc = (acc << 8 | in[i]) & 0xfff;
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			*out++ = b32_alpha[acc >> bits & 0x1f];
		}
	}
	if (bits > 0)
		*out++ = b32_alpha[acc << (5 - bits) & 0x1f];
	*out = '\0';
}

static int
b32_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

/* Strict: no padding, no whitespace, a tail length that some byte count
 * produces (n mod 8 not 1, 3 or 6) and zero unused bits, so every byte
 * string has exactly one accepted spelling (modulo case). A bad tail or a
 * too small out sets *bad to the offset of the last character read. */
long
base32_decode(const char *in, size_t n, uint8_t *out, size_t cap, size_t *bad)
{
	uint32_t acc = 0;
	size_t i, o = 0, rem = n % 8;
	int bits = 0, v;

	if (n / 8 * 5 > (size_t)LONG_MAX - 5) {
		if (bad)
			*bad = 0;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((v = b32_value(in[i])) < 0) {
			if (bad)
				*bad = i;
			return -1;
		}
		acc = (acc << 5 | (uint32_t)v) & 0xfff;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap) {
				if (bad)
					*bad = i;
				return -1;
			}
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (rem == 1 || rem == 3 || rem == 6 ||
	    (bits > 0 && (acc & ((1u << bits) - 1)) != 0)) {
		if (bad)
			*bad = n - 1;
		return -1; /* impossible length or unused bits set */
	}
	return (long)o;
}
