/* utf8.c - UTF-8 decoding, checking, counting and encoding. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "skillcert/base/utf8.h"

int
utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
	uint32_t c, min;
	size_t len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0; /* continuation byte, C0/C1 overlong lead, F5..FF */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return (int)len;
}

size_t
utf8_check(const uint8_t *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	int l;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = utf8_decode(s + i, n - i, &cp)) == 0)
			return i + 1;
		i += (size_t)l;
	}
	return 0;
}

/* Invalid bytes count as one scalar each, so the count never stalls. */
size_t
utf8_count(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0, count = 0;
	uint32_t cp;
	int l;

	while (i < n) {
		l = utf8_decode(p + i, n - i, &cp);
		i += l > 0 ? (size_t)l : 1;
		count++;
	}
	return count;
}

/* Returns the length written, 0 for a surrogate or a value past U+10FFFF. */
int
utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		return 0;
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	if (cp <= 0x10ffff) {
		out[0] = (char)(0xf0 | cp >> 18);
		out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
		out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}
