/* mask.c - the masking of names and ID numbers shown to the public (DOMAIN.md). */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "skillcert/base/mask.h"
#include "skillcert/base/utf8.h"

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
 * the last one, and a single character is starred. */
void
mask_id_keep(size_t n, size_t *head, size_t *tail)
{
	if (n >= 16)
		*head = *tail = 4;
	else if (n >= 8)
		*head = *tail = 2;
	else if (n >= 2) {
		*head = 0;
		*tail = 1;
	} else
		*head = *tail = 0;
}

/* Only printable ASCII is ever shown; the output has as many bytes as the
 * input (capped). */
void
mask_id(const char *id, char *out, size_t cap)
{
	size_t n = strlen(id), head, tail, i;

	if (cap == 0)
		return;
	mask_id_keep(n, &head, &tail);
	for (i = 0; i < n && i + 1 < cap; i++) {
		unsigned char c = (unsigned char)id[i];
		int show = (i < head || i >= n - tail) && c > 0x20 && c < 0x7f;
		out[i] = show ? (char)c : '*';
	}
	out[i] = '\0';
}
