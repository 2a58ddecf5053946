/* base64.c - standard padded base64, with a decoder that accepts only the
 * one canonical encoding of each byte string. */
#include "skillcert/base/base64.h"

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (i < n) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64_alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int
base64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
base64_decode(const char *in, size_t n, uint8_t *out, size_t cap)
{
	size_t i, o = 0, pad = 0;
	int d[4] = { 0, 0, 0, 0 };
	uint32_t v;

	if (n % 4 != 0)
		return -1;
	if (n > 0 && in[n - 1] == '=')
		pad = n > 1 && in[n - 2] == '=' ? 2 : 1;
	if ((n / 4) * 3 - pad > cap)
		return -1;
	for (i = 0; i < n; i += 4) {
		for (int k = 0; k < 4; k++) {
			int last = i + 4 == n;
			if (last && in[i + (size_t)k] == '=' && k >= 4 - (int)pad)
				d[k] = 0;
			else if ((d[k] = base64_value(in[i + (size_t)k])) < 0)
				return -1;
		}
		v = (uint32_t)d[0] << 18 | (uint32_t)d[1] << 12 |
		    (uint32_t)d[2] << 6 | (uint32_t)d[3];
		out[o++] = (uint8_t)(v >> 16);
		if (i + 4 < n || pad < 2)
			out[o++] = (uint8_t)(v >> 8);
		if (i + 4 < n || pad < 1)
			out[o++] = (uint8_t)v;
	}
	/* The bits the padding leaves unused must be zero. */
	if ((pad == 1 && (d[2] & 3) != 0) || (pad == 2 && (d[1] & 15) != 0))
		return -1;
	return (long)o;
}
