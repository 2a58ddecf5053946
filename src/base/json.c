/* json.c - streaming JSON writer. */
#include <inttypes.h>
#include <string.h>

#include "skillcert/base/json.h"
#include "skillcert/base/utf8.h"

void
json_init(struct json *j, struct buf *b)
{
	j->b = b;
	j->depth = 0;
	j->first[0] = 1;
	j->after_key = 0;
}

/* Writes the separator owed before a value at the current depth. */
static void
json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (!j->first[j->depth])
		buf_append_byte(j->b, ',');
	j->first[j->depth] = 0;
}

static void
json_open(struct json *j, char c)
{
	json_sep(j);
	buf_append_byte(j->b, (uint8_t)c);
	if (j->depth + 1 < JSON_DEPTH_MAX)
		j->depth++;
	j->first[j->depth] = 1;
}

static void
json_close(struct json *j, char c)
{
	buf_append_byte(j->b, (uint8_t)c);
	if (j->depth > 0)
		j->depth--;
}

void json_obj_begin(struct json *j) { json_open(j, '{'); }
void json_obj_end(struct json *j) { json_close(j, '}'); }
void json_arr_begin(struct json *j) { json_open(j, '['); }
void json_arr_end(struct json *j) { json_close(j, ']'); }

void
json_key(struct json *j, const char *k)
{
	json_sep(j);
	buf_append_byte(j->b, '"');
	json_escape(j->b, k);
	buf_append_str(j->b, "\":");
	j->after_key = 1;
}

void
json_str(struct json *j, const char *s)
{
	json_sep(j);
	if (s == NULL) {
		buf_append_str(j->b, "null");
		return;
	}
	buf_append_byte(j->b, '"');
	json_escape(j->b, s);
	buf_append_byte(j->b, '"');
}

void
json_int(struct json *j, int64_t v)
{
	json_sep(j);
	if (v < 0) {
		buf_append_byte(j->b, '-');
		buf_append_uint(j->b, (uint64_t)0 - (uint64_t)v);
	} else {
		buf_append_uint(j->b, (uint64_t)v);
	}
}

void
json_uint(struct json *j, uint64_t v)
{
	json_sep(j);
	buf_append_uint(j->b, v);
}

void
json_bool(struct json *j, int v)
{
	json_sep(j);
	buf_append_str(j->b, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	json_sep(j);
	buf_append_str(j->b, "null");
}

void json_kstr(struct json *j, const char *k, const char *s) { json_key(j, k); json_str(j, s); }
void json_kint(struct json *j, const char *k, int64_t v) { json_key(j, k); json_int(j, v); }
void json_kbool(struct json *j, const char *k, int v) { json_key(j, k); json_bool(j, v); }

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
		size_t run = i;
		/* Runs of bytes that need nothing go in with one copy. */
		while (run < n && p[run] >= 0x20 && p[run] < 0x7f &&
		    p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			if (buf_append(b, p + i, run - i) != 0)
				return -1;
			i = run;
			continue;
		}
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
