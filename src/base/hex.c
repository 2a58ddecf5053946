/* hex.c - lower-case hexadecimal. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "skillcert/base/hex.h"

void
hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		*out++ = digits[in[i] >> 4];
		*out++ = digits[in[i] & 0xf];
	}
	*out = '\0';
}

int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Either case; -1 on an odd length, a non-hex character or too small out. */
long
hex_decode(const char *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i;
	int hi, lo;

	if (n % 2 != 0 || n / 2 > cap || n / 2 > (size_t)LONG_MAX)
		return -1;
	for (i = 0; i < n; i += 2) {
		if ((hi = hex_digit(in[i])) < 0 || (lo = hex_digit(in[i + 1])) < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}
