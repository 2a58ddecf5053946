/* json.c - streaming JSON writer. */
#include <inttypes.h>

#include "skillcert/json.h"
#include "skillcert/text.h"

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
	buf_printf(j->b, "%" PRId64, v);
}

void
json_uint(struct json *j, uint64_t v)
{
	json_sep(j);
	buf_printf(j->b, "%" PRIu64, v);
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
