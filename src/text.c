/* text.c - UTF-8, base32, hex, escaping, masking and calendar dates.
 *
 * Everything here is pure (no allocation except through struct buf, no
 * global state) so that the verifier, the renderer and the public lookup
 * page all agree byte for byte on what a name or a date looks like. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "skillcert/text.h"

/* ---- UTF-8 ---------------------------------------------------------- */

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

/* ---- base32 (RFC 4648 section 6, no padding) ------------------------ */

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

/* ---- hex ------------------------------------------------------------ */

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

/* ---- escaping ------------------------------------------------------- */

/* Returns 0, or -1 if the buffer ran out of memory. */
int
html_escape(struct buf *b, const char *s)
{
	const char *run = s, *rep;

	for (; *s; s++) {
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_append(b, run, (size_t)(s - run)) != 0 ||
		    buf_append_str(b, rep) != 0)
			return -1;
		run = s + 1;
	}
	return buf_append(b, run, (size_t)(s - run));
}

/* Control characters become \u00XX, and so do U+2028/U+2029 (\u2028):
 * they end a line in JavaScript, and the lookup page embeds JSON in a
 * script. A byte that is not valid UTF-8 becomes \ufffd so the output is
 * always valid JSON. Returns 0 or -1 (out of memory). */
int
json_escape(struct buf *b, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0;
	uint32_t cp;
	int l;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] == '"' || p[i] == '\\') {
				if (buf_append_byte(b, '\\') != 0 ||
				    buf_append_byte(b, p[i]) != 0)
					return -1;
			} else if (p[i] < 0x20 || p[i] == 0x7f) {
				if (buf_printf(b, "\\u%04x", p[i]) != 0)
					return -1;
			} else if (buf_append_byte(b, p[i]) != 0)
				return -1;
			i++;
			continue;
		}
		if ((l = utf8_decode(p + i, n - i, &cp)) == 0) {
			if (buf_append_str(b, "\\ufffd") != 0)
				return -1;
			i++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029) {
			if (buf_printf(b, "\\u%04x", (unsigned)cp) != 0)
				return -1;
		} else if (buf_append(b, p + i, (size_t)l) != 0)
			return -1;
		i += (size_t)l;
	}
	return 0;
}

/* ---- masking -------------------------------------------------------- */

/* Separators a public viewer may see: they reveal only that the name has
 * parts, which the surname/given-name split already does. */
static int
mask_keeps(uint32_t cp)
{
	return cp == 0xb7 || cp == 0x30fb || cp == 0x2022 || cp == ' ';
}

/* Appends n bytes if they fit with room for the NUL; 0 ok, -1 full. */
static int
mask_put(char *out, size_t cap, size_t *o, const void *p, size_t n)
{
	if (*o + n >= cap)
		return -1;
	memcpy(out + *o, p, n);
	*o += n;
	return 0;
}

/* 1 character -> "*", 2 -> first + "*", n >= 3 -> first, n-2 stars, last;
 * middle dots and spaces are kept (阿依古丽·买买提 -> 阿***·**提). A byte
 * that is not valid UTF-8 is never copied: it shows as '*' wherever it
 * is. Every character becomes no more bytes than it had, so
 * cap >= strlen(name) + 1 always suffices; a smaller cap truncates at a
 * character boundary. */
void
mask_name(const char *name, char *out, size_t cap)
{
	const uint8_t *p = (const uint8_t *)name;
	size_t n = strlen(name), i = 0, o = 0, idx = 0, count;
	uint32_t cp;
	int l;

	if (cap == 0)
		return;
	out[0] = '\0';
	count = utf8_count(name);
	while (i < n) {
		l = utf8_decode(p + i, n - i, &cp);
		if (l == 0) {
			if (mask_put(out, cap, &o, "*", 1) != 0)
				break;
			i++;
		} else {
			int show = (idx == 0 && count > 1) ||
			    (idx == count - 1 && count > 2) ||
			    (idx != 0 && idx != count - 1 && mask_keeps(cp));
			if (mask_put(out, cap, &o, show ? (const void *)(p + i) :
			    "*", show ? (size_t)l : 1) != 0)
				break;
			i += (size_t)l;
		}
		idx++;
	}
	out[o] = '\0';
}

/* Never shows more than half of the number: 16 characters or more keep
 * the first 4 and last 4 (3601**********123X, DOMAIN.md), 8..15 keep
 * the first 2 and last 2 (passports, permits: E1*****78), 2..7 keep only
 * the last one, and a single character is starred. Only printable ASCII
 * is ever shown; the output has as many bytes as the input (capped). */
void
mask_id(const char *id, char *out, size_t cap)
{
	size_t n = strlen(id), head, tail, i;

	if (cap == 0)
		return;
	if (n >= 16)
		head = tail = 4;
	else if (n >= 8)
		head = tail = 2;
	else if (n >= 2) {
		head = 0;
		tail = 1;
	} else
		head = tail = 0;
	for (i = 0; i < n && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)id[i];
		int show = (i < head || i >= n - tail) && c > 0x20 && c < 0x7f;
		out[i] = show ? (char)c : '*';
	}
	out[i] = '\0';
}

/* ---- dates ---------------------------------------------------------- */

static int
date_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
date_mdays(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && date_leap(y) ? 29 : md[m - 1];
}

/* Proleptic Gregorian, years 1..9999 (H. Hinnant's days_from_civil). */
int
date_from_ymd(int y, int m, int d, int32_t *days)
{
	int yy, era, yoe, doy, doe;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > date_mdays(y, m))
		return -1;
	yy = m <= 2 ? y - 1 : y;
	era = yy / 400; /* yy >= 0 */
	yoe = yy - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = (int32_t)(era * 146097 + doe - 719468);
	return 0;
}

void
date_to_ymd(int32_t days, int *y, int *m, int *d)
{
	int64_t z = (int64_t)days + 719468, era, doe, yoe, doy, mp, yy;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yy + (*m <= 2));
}

void
date_format_iso(int32_t days, char out[11])
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		memcpy(out, "0000-00-00", 11);
		return;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

void
date_format_cn(int32_t days, char out[32])
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	snprintf(out, 32, "%d年%d月%d日", y, m, d);
}

/* Reads 1..max ASCII digits at *s; -1 if none or too many. */
static int
date_digits(const char **s, int min, int max, int *v)
{
	const char *p = *s;
	int n = 0, x = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > max)
			return -1;
		x = x * 10 + (*p - '0');
		p++;
	}
	if (n < min)
		return -1;
	*v = x;
	*s = p;
	return 0;
}

static int
date_lit(const char **s, const char *lit)
{
	size_t n = strlen(lit);

	if (strncmp(*s, lit, n) != 0)
		return -1;
	*s += n;
	return 0;
}

/* One of: YYYY-M-D, YYYY/M/D, YYYY.M.D (month and day 1 or 2 digits, the
 * same separator twice), YYYY年M月D日, YYYYMMDD. Surrounding ASCII spaces
 * and tabs are ignored (spreadsheet cells). 0 ok, -1 otherwise. */
int
date_parse(const char *s, int32_t *days)
{
	const char *p = s, *q;
	int y, m, d;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strlen(p);
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	q = p;
	while ((size_t)(q - p) < n && *q >= '0' && *q <= '9')
		q++;
	if (q - p == 8 && n == 8) {
		y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 +
		    (p[2] - '0') * 10 + (p[3] - '0');
		m = (p[4] - '0') * 10 + (p[5] - '0');
		d = (p[6] - '0') * 10 + (p[7] - '0');
		return date_from_ymd(y, m, d, days);
	}
	if (q - p != 4 || date_digits(&p, 4, 4, &y) != 0)
		return -1;
	if (*p == '-' || *p == '/' || *p == '.') {
		char sep = *p++;

		if (date_digits(&p, 1, 2, &m) != 0 || *p++ != sep ||
		    date_digits(&p, 1, 2, &d) != 0)
			return -1;
	} else {
		if (date_lit(&p, "年") != 0 || date_digits(&p, 1, 2, &m) != 0 ||
		    date_lit(&p, "月") != 0 || date_digits(&p, 1, 2, &d) != 0 ||
		    date_lit(&p, "日") != 0)
			return -1;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '\0')
		return -1;
	return date_from_ymd(y, m, d, days);
}

/* Today in China Standard Time (UTC+8, no daylight saving): the calendar
 * every assessment and issue date in this system is written in, so a
 * roster dated today is not "in the future" before 08:00. */
int32_t
date_today(void)
{
	time_t t = time(NULL);

	if (t == (time_t)-1)
		return 0;
	return (int32_t)(((int64_t)t + 8 * 3600) / 86400);
}
