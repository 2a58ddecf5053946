/* json.h - a small streaming JSON writer into a buf (no DOM): commas and
 * nesting tracked for the caller, strings escaped by json_escape. */
#ifndef SKILLCERT_JSON_H
#define SKILLCERT_JSON_H

#include <stdint.h>
#include "skillcert/base/buf.h"

#define JSON_DEPTH_MAX 16

struct json {
	struct buf *b;
	int depth;
	int first[JSON_DEPTH_MAX];  /* no element written yet at this depth */
	int after_key;
};

void json_init(struct json *j, struct buf *b);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *k);
void json_str(struct json *j, const char *s);      /* NULL -> null */
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* JSON string body escaping (no quotes added); control chars as \u00XX. */
int json_escape(struct buf *b, const char *s);
/* Shorthands: key + value. */
void json_kstr(struct json *j, const char *k, const char *s);
void json_kint(struct json *j, const char *k, int64_t v);
void json_kbool(struct json *j, const char *k, int v);

#endif
