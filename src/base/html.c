/* html.c - HTML text and attribute escaping. */
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "skillcert/base/html.h"

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
