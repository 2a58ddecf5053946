/* roster.h - parsing an assessment roster as Excel exports it: CSV in UTF-8
 * (with or without BOM) or GB18030, CRLF or LF, quoted fields with "" and
 * embedded newlines. Produces rows of trimmed UTF-8 strings, keyed by the
 * canonical column; it validates the shape of the file, not the meaning
 * of the fields (that is the issuer's job, see issue.h). */
#ifndef SKILLCERT_ROSTER_H
#define SKILLCERT_ROSTER_H

#include <stddef.h>
#include "skillcert/base/err.h"

/* Canonical columns. Header names accepted (case-insensitive for English):
 *  姓名|name, 证件类型|id_type, 证件号码|id_number, 职业|职业名称|occupation,
 *  工种|工种/职业方向|trade, 等级|职业技能等级|level, 评价方式|method,
 *  考核日期|assessed_on, 照片|photo, 工作单位|employer,
 *  结果|考核结果|评价结果|result (合格/不合格, pass/fail; optional) */
enum roster_col {
	RC_NAME, RC_ID_TYPE, RC_ID_NUMBER, RC_OCCUPATION, RC_TRADE, RC_LEVEL,
	RC_METHOD, RC_ASSESSED_ON, RC_PHOTO, RC_EMPLOYER, RC_RESULT, RC_NCOLS
};

#define ROSTER_FIELD_MAX 256   /* bytes of UTF-8 per field */
#define ROSTER_MAX_ROWS 200000
#define ROSTER_MAX_BYTES (64u << 20)

struct roster_row {
	int line;                       /* 1-based physical line where the row starts */
	char *f[RC_NCOLS];              /* NUL-terminated UTF-8, "" when absent */
};

struct roster {
	struct roster_row *rows;
	size_t nrows;
	int encoding;                   /* 0 UTF-8, 1 GB18030 (converted) */
	int has_col[RC_NCOLS];
	char *arena;                    /* owns every field string */
};

const char *roster_col_name(int col);  /* Chinese header name */
/* A 结果 cell: 1 passed (合格, pass, "" = the default), 0 failed (不合格,
 * fail), -1 anything else. */
int roster_result_parse(const char *s);
/* Parses bytes (the whole file). Errors name the line and column or byte:
 * "line 7, column 3 (证件号码): unterminated quote". Missing required
 * columns (姓名 证件类型 证件号码 职业 等级 评价方式 考核日期) are errors;
 * unknown columns are ignored; a field over ROSTER_FIELD_MAX bytes is an
 * error; blank lines are skipped. */
int roster_parse(const char *data, size_t n, struct roster *r, struct err *e);
int roster_load(const char *path, struct roster *r, struct err *e);
void roster_free(struct roster *r);

/* The encoding of a whole roster file: BOM or valid UTF-8 is UTF-8; UTF-8
 * with a few damaged bytes (valid multi-byte sequences outnumber invalid
 * bytes) is refused, *bad = offset + 1 of the first; anything else is
 * read as strict GB18030. */
enum roster_encoding { ROSTER_ENC_UTF8, ROSTER_ENC_UTF8_DAMAGED,
	ROSTER_ENC_GB18030 };
int roster_detect_encoding(const char *data, size_t n, size_t *bad);

#endif
