/* roster.c - takes a roster the way assessment centres save it from Excel
 * (UTF-8 or GB18030, Chinese or English headers), so nobody retypes one. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/csv.h"
#include "skillcert/base/utf8.h"
#include "skillcert/roster/roster.h"
#include "skillcert/roster/xlsx.h"

static const char *const col_cn[RC_NCOLS] = {
	"姓名", "证件类型", "证件号码", "职业", "工种", "等级", "评价方式",
	"考核日期", "照片", "工作单位", "结果"
};

static const char *const col_en[RC_NCOLS] = {
	"name", "id_type", "id_number", "occupation", "trade", "level",
	"method", "assessed_on", "photo", "employer", "result"
};

/* Further Chinese header names seen in the national templates. */
static const struct {
	const char *name;
	int col;
} col_alias[] = {
	{ "职业名称", RC_OCCUPATION },
	{ "工种/职业方向", RC_TRADE },
	{ "职业技能等级", RC_LEVEL },
	{ "考核结果", RC_RESULT },
	{ "评价结果", RC_RESULT },
};

static const int col_required[] = {
	RC_NAME, RC_ID_TYPE, RC_ID_NUMBER, RC_OCCUPATION, RC_LEVEL, RC_METHOD,
	RC_ASSESSED_ON
};

const char *
roster_col_name(int col)
{
	if (col < 0 || col >= RC_NCOLS)
		return "?";
	return col_cn[col];
}

/* 1-based line of byte off in the raw file: LF, CRLF and lone CR (Excel
 * for Mac) each end a line. In GB18030 0x0a/0x0d are never part of a
 * multi-byte character, so counting raw bytes is right for both. */
static int
roster_line_at(const char *d, size_t off)
{
	size_t i;
	int line = 1;

	for (i = 0; i < off; i++) {
		if (d[i] == '\n')
			line++;
		else if (d[i] == '\r' && (i + 1 >= off || d[i + 1] != '\n'))
			line++;
	}
	return line;
}

/* GB18030 -> UTF-8 into a fresh buffer with one spare byte in front (the
 * arena's shared ""). *outlen excludes that byte. */
static int
roster_decode_gb18030(const char *data, size_t n, char **out, size_t *outlen,
    struct err *e)
{
	iconv_t cd;
	char *buf, *in, *o, *nb;
	size_t cap, inleft, oleft, used;

	*out = NULL;
	if ((cd = iconv_open("UTF-8", "GB18030")) == (iconv_t)-1)
		return err_set(e, ERR_INTERNAL,
		    "iconv cannot convert GB18030: %s", strerror(errno));
	/* 2 GB18030 bytes become at most 3 UTF-8 bytes, 4 at most 4. */
	cap = n / 2 * 3 + 16;
	if ((buf = malloc(cap + 2)) == NULL) {
		iconv_close(cd);
		return err_set(e, ERR_NOMEM, "out of memory converting GB18030");
	}
	in = (char *)data;
	inleft = n;
	o = buf + 1;
	oleft = cap;
	while (inleft > 0) {
		if (iconv(cd, &in, &inleft, &o, &oleft) != (size_t)-1)
			continue;
		if (errno == E2BIG) {
			used = (size_t)(o - (buf + 1));
			cap *= 2;
			if ((nb = realloc(buf, cap + 2)) == NULL) {
				free(buf);
				iconv_close(cd);
				return err_set(e, ERR_NOMEM,
				    "out of memory converting GB18030");
			}
			buf = nb;
			o = buf + 1 + used;
			oleft = cap - used;
			continue;
		}
		used = (size_t)(in - data);
		free(buf);
		iconv_close(cd);
		if (errno == EINVAL)
			return err_set(e, ERR_INVALID, "byte %zu (line %d): "
			    "the file ends inside a character; it is neither "
			    "UTF-8 nor GB18030", used,
			    roster_line_at(data, used));
		return err_set(e, ERR_INVALID, "byte %zu (line %d): "
		    "neither UTF-8 nor GB18030 text; save the sheet as "
		    "\"CSV UTF-8\"", used, roster_line_at(data, used));
	}
	iconv_close(cd);
	buf[0] = '\0';
	*out = buf;
	*outlen = (size_t)(o - (buf + 1));
	return 0;
}

/* Which encoding the whole file is in. A file that is UTF-8 but for a
 * few damaged bytes must not be re-read as GB18030, which accepts almost
 * any byte string and would sign garbled names: when valid multi-byte
 * UTF-8 sequences outnumber the invalid bytes, it is UTF-8 with damage,
 * and the first bad byte is reported in *bad (offset + 1). */
int
roster_detect_encoding(const char *data, size_t n, size_t *bad)
{
	const uint8_t *u = (const uint8_t *)data;
	size_t i = 0, valid_mb = 0, invalid = 0;
	uint32_t cp;
	int l;

	*bad = 0;
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		return (*bad = utf8_check(u + 3, n - 3)) != 0 ?
		    (*bad += 3, ROSTER_ENC_UTF8_DAMAGED) : ROSTER_ENC_UTF8;
	while (i < n) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((l = utf8_decode(u + i, n - i, &cp)) == 0) {
			if (invalid++ == 0)
				*bad = i + 1;
			i++;
			continue;
		}
		valid_mb++;
		i += (size_t)l;
	}
	if (invalid == 0)
		return ROSTER_ENC_UTF8;
	if (valid_mb > invalid)
		return ROSTER_ENC_UTF8_DAMAGED;
	*bad = 0;
	return ROSTER_ENC_GB18030;
}

/* Every line holding a byte that is not UTF-8, so the operator can fix
 * those cells (up to a few; the count says how many there are). */
static int
roster_report_damage(const char *data, size_t n, struct err *e)
{
	const uint8_t *u = (const uint8_t *)data;
	char lines[160] = "";
	size_t i = 0, len = 0, nlines = 0;
	int last = 0, line;
	uint32_t cp;

	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf)
		i = 3;
	while (i < n) {
		int l = u[i] < 0x80 ? 1 : utf8_decode(u + i, n - i, &cp);
		if (l == 0 && (line = roster_line_at(data, i)) != last) {
			last = line;
			if (nlines++ < 8 && len + 12 < sizeof(lines))
				len += (size_t)snprintf(lines + len, sizeof(lines) - len,
				    "%s%d", nlines > 1 ? ", " : "", line);
		}
		i += l ? (size_t)l : 1;
	}
	return err_set(e, ERR_INVALID, "the file is UTF-8 except for bytes on "
	    "line%s %s%s that are not: fix %s (re-type the names there) and "
	    "save as \"CSV UTF-8\"", nlines > 1 ? "s" : "", lines,
	    nlines > 8 ? " …" : "", nlines > 1 ? "those cells" : "that cell");
}

/* Decodes the raw file into a NUL-free UTF-8 buffer laid out for the
 * arena: buf[0] = '\0', text at buf + 1, room for one more byte. */
static int
roster_decode(const char *data, size_t n, struct roster *r, char **out,
    size_t *outlen, struct err *e)
{
	const unsigned char *u = (const unsigned char *)data;
	const char *nul;
	char *buf;
	size_t bad;
	int rc, enc;

	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff)))
		return err_set(e, ERR_INVALID, "byte 0: the file is UTF-16 "
		    "(Excel \"Unicode Text\"); save the sheet as \"CSV UTF-8\"");
	if (n > 0 && (nul = memchr(data, '\0', n)) != NULL)
		return err_set(e, ERR_INVALID, "byte %zu (line %d): NUL byte; "
		    "this is not CSV text", (size_t)(nul - data),
		    roster_line_at(data, (size_t)(nul - data)));
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		/* A BOM says UTF-8: do not fall back to GB18030. */
		if ((bad = utf8_check(u + 3, n - 3)) != 0)
			return err_set(e, ERR_INVALID, "byte %zu (line %d): "
			    "invalid UTF-8 after a UTF-8 byte order mark",
			    bad - 1 + 3, roster_line_at(data, bad - 1 + 3));
		data += 3;
		n -= 3;
	} else if ((enc = roster_detect_encoding(data, n, &bad)) ==
	    ROSTER_ENC_UTF8_DAMAGED) {
		return roster_report_damage(data, n, e);
	} else if (enc == ROSTER_ENC_GB18030) {
		if ((rc = roster_decode_gb18030(data, n, out, outlen, e)) != 0)
			return rc;
		r->encoding = 1;
		/* A GB18030 BOM (84 31 95 33) converts to U+FEFF. */
		if (*outlen >= 3 && memcmp(*out + 1, "\xef\xbb\xbf", 3) == 0) {
			memmove(*out + 1, *out + 4, *outlen - 3);
			*outlen -= 3;
		}
		return 0;
	}
	if ((buf = malloc(n + 2)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory reading the roster");
	buf[0] = '\0';
	if (n > 0)
		memcpy(buf + 1, data, n);
	*out = buf;
	*outlen = n;
	return 0;
}

/* U+30FB (katakana middle dot) and U+2022 (bullet), which input methods
 * produce for the dot in minority and foreign names, become U+00B7, the
 * form person_check_name and the certificate use. Shrinks in place. */
static void
roster_normalize_name(char *s)
{
	char *w = s;

	while (*s) {
		/* Byte by byte: && stops at the NUL, memcmp might not. */
		if ((s[0] == '\xe3' && s[1] == '\x83' && s[2] == '\xbb') ||
		    (s[0] == '\xe2' && s[1] == '\x80' && s[2] == '\xa2')) {
			*w++ = (char)0xc2;
			*w++ = (char)0xb7;
			s += 3;
		} else
			*w++ = *s++;
	}
	*w = '\0';
}

int
roster_result_parse(const char *s)
{
	static const char *const pass[] = { "", "合格", "pass", "passed" };
	static const char *const fail[] = { "不合格", "fail", "failed" };

	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++)
		if (strcasecmp(s, pass[i]) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(fail) / sizeof(fail[0]); i++)
		if (strcasecmp(s, fail[i]) == 0)
			return 0;
	return -1;
}

/* Header cell -> canonical column, or -1. English names ignore case and
 * treat ' ' and '-' as '_'; a '*' or '＊' marking a required column in a
 * template is ignored. */
static int
roster_match_header(const char *h)
{
	char tmp[64];
	size_t n = strlen(h), i;
	int c;

	while (n > 0 && h[0] == '*') {
		h++;
		n--;
	}
	while (n >= 3 && memcmp(h, "\xef\xbc\x8a", 3) == 0) {
		h += 3;
		n -= 3;
	}
	for (;;) {
		if (n > 0 && h[n - 1] == '*')
			n--;
		else if (n >= 3 && memcmp(h + n - 3, "\xef\xbc\x8a", 3) == 0)
			n -= 3;
		else
			break;
	}
	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (i = 0; i < n; i++)
		tmp[i] = h[i] == ' ' || h[i] == '-' ? '_' : h[i];
	tmp[n] = '\0';
	for (c = 0; c < RC_NCOLS; c++)
		if (strcmp(tmp, col_cn[c]) == 0 || strcasecmp(tmp, col_en[c]) == 0)
			return c;
	for (i = 0; i < sizeof(col_alias) / sizeof(col_alias[0]); i++)
		if (strcmp(tmp, col_alias[i].name) == 0)
			return col_alias[i].col;
	return -1;
}

/* Header names, for "column 3 (证件号码)". */
struct hdr {
	char **name;    /* header text as written, in the arena */
	int *col;       /* canonical column or -1 */
	size_t n;
};

static const char *
roster_label_column(const struct hdr *h, size_t i)
{
	if (h == NULL || i >= h->n)
		return "";
	if (h->col[i] >= 0)
		return col_cn[h->col[i]];
	return h->name[i];
}

/* Formats "line 7, column 3 (证件号码)" prefix parts into e. */
static int
roster_col_error(struct err *e, int line, const struct hdr *h, size_t i,
    const char *what)
{
	const char *lab = roster_label_column(h, i);

	if (*lab)
		return err_set(e, ERR_INVALID, "line %d, column %zu (%s): %s",
		    line, i + 1, lab, what);
	return err_set(e, ERR_INVALID, "line %d, column %zu: %s", line, i + 1,
	    what);
}

/* An error of the CSV reader, worded as the roster's own. */
static int
roster_csv_error(const struct csv_reader *rd, int status,
    const struct hdr *h, struct err *e)
{
	char what[128];

	csv_format_error(rd, status, what, sizeof(what));
	if (status == CSV_ENOMEM)
		return err_set(e, ERR_NOMEM, "%s", what);
	if (status == CSV_EFIELDS)
		return err_set(e, ERR_INVALID, "line %d: %s", rd->err_line,
		    what);
	return roster_col_error(e, rd->err_line, h, rd->err_field, what);
}

static int
roster_is_blank(const struct csv_record *rec)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (rec->field[i][0] != '\0')
			return 0;
	return 1;
}

static int
roster_read_header(const struct csv_record *rec, struct hdr *h,
    struct roster *r, struct err *e)
{
	char missing[256];
	size_t i, j, k;
	int col;

	h->n = rec->n;
	h->name = calloc(rec->n, sizeof(*h->name));
	h->col = calloc(rec->n, sizeof(*h->col));
	if (h->name == NULL || h->col == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < rec->n; i++) {
		h->name[i] = rec->field[i];
		col = h->col[i] = roster_match_header(rec->field[i]);
		if (col < 0)
			continue;
		for (j = 0; j < i; j++)
			if (h->col[j] == col)
				return err_set(e, ERR_INVALID, "line %d, column "
				    "%zu (%s): the column appears twice (also "
				    "column %zu)", rec->line, i + 1,
				    col_cn[col], j + 1);
		r->has_col[col] = 1;
	}
	missing[0] = '\0';
	for (k = 0; k < sizeof(col_required) / sizeof(col_required[0]); k++) {
		col = col_required[k];
		if (r->has_col[col])
			continue;
		snprintf(missing + strlen(missing), sizeof(missing) -
		    strlen(missing), "%s%s (%s)", missing[0] ? ", " : "",
		    col_cn[col], col_en[col]);
	}
	if (missing[0])
		return err_set(e, ERR_INVALID, "line %d: header row lacks the "
		    "required column(s) %s", rec->line, missing);
	return 0;
}

/* Bytes of s to quote in a message: at most max, whole characters. */
static int
roster_clip_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

/* Adds the record as a row; empty is the arena's shared "". */
static int
roster_add_row(struct roster *r, size_t *cap, char *empty,
    const struct csv_record *rec, const struct hdr *h, struct err *e)
{
	struct roster_row *row, *nr;
	char *const *f = rec->field;
	size_t i, ncap;
	int col, any = 0;

	for (i = h->n; i < rec->n; i++)
		if (f[i][0] != '\0')
			return err_set(e, ERR_INVALID, "line %d: %zu fields, but "
			    "the header has %zu columns (field %zu is \"%.*s\")",
			    rec->line, rec->n, h->n, i + 1,
			    roster_clip_utf8(f[i], 40), f[i]);
	for (i = 0; i < h->n && i < rec->n; i++)
		if (h->col[i] >= 0 && f[i][0] != '\0')
			any = 1;
	if (!any)
		return 0; /* only unknown columns (序号, 备注) filled: no person */
	if (r->nrows >= ROSTER_MAX_ROWS)
		return err_set(e, ERR_INVALID, "line %d: more than %d rows; "
		    "split the roster", rec->line, ROSTER_MAX_ROWS);
	if (r->nrows == *cap) {
		ncap = *cap ? *cap * 2 : 64;
		if ((nr = realloc(r->rows, ncap * sizeof(*nr))) == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		r->rows = nr;
		*cap = ncap;
	}
	row = &r->rows[r->nrows++];
	row->line = rec->line;
	for (col = 0; col < RC_NCOLS; col++)
		row->f[col] = empty;
	for (i = 0; i < h->n && i < rec->n; i++)
		if ((col = h->col[i]) >= 0)
			row->f[col] = f[i];
	roster_normalize_name(row->f[RC_NAME]);
	return 0;
}

/* The whole file is decoded once into one buffer (UTF-8 copy, or the
 * GB18030 conversion) and the CSV is read in place, so every field string
 * ends up inside that same buffer, which becomes r->arena. Byte 0 of the
 * arena is the shared "" for absent columns. */
int
roster_parse(const char *data, size_t n, struct roster *r, struct err *e)
{
	struct csv_reader rd;
	struct csv_record rec;
	struct hdr h;
	char *arena = NULL;
	size_t len = 0, cap = 0;
	int rc, st, have_hdr = 0;

	memset(r, 0, sizeof(*r));
	memset(&h, 0, sizeof(h));
	csv_reader_init(&rd, NULL, 0);
	if (n > ROSTER_MAX_BYTES)
		return err_set(e, ERR_INVALID, "the file is %zu bytes; the "
		    "limit is %u (%u MiB)", n, ROSTER_MAX_BYTES,
		    ROSTER_MAX_BYTES >> 20);
	if ((rc = roster_decode(data, n, r, &arena, &len, e)) != 0)
		goto fail;
	csv_reader_init(&rd, arena + 1, len);
	rd.field_max = ROSTER_FIELD_MAX;
	while ((st = csv_next_record(&rd, &rec)) == CSV_RECORD) {
		if (roster_is_blank(&rec))
			continue;
		if (!have_hdr) {
			if ((rc = roster_read_header(&rec, &h, r, e)) != 0)
				goto fail;
			have_hdr = 1;
			continue;
		}
		if ((rc = roster_add_row(r, &cap, arena, &rec, &h, e)) != 0)
			goto fail;
	}
	if (st != CSV_END) {
		rc = roster_csv_error(&rd, st, have_hdr ? &h : NULL, e);
		goto fail;
	}
	if (!have_hdr) {
		rc = err_set(e, ERR_INVALID, "line 1: the file is empty (no "
		    "header row)");
		goto fail;
	}
	r->arena = arena;
	csv_reader_free(&rd);
	free(h.name);
	free(h.col);
	return 0;
fail:
	free(arena);
	csv_reader_free(&rd);
	free(h.name);
	free(h.col);
	free(r->rows);
	memset(r, 0, sizeof(*r));
	return rc;
}

int
roster_load(const char *path, struct roster *r, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = buf_read_file(&b, path, ROSTER_MAX_BYTES);
	if (rc == -2) {
		buf_free(&b);
		return err_set(e, ERR_INVALID, "%s: larger than %u MiB",
		    path, ROSTER_MAX_BYTES >> 20);
	}
	if (rc != 0) {
		int saved = errno;

		buf_free(&b);
		return err_set(e, saved == ENOENT ? ERR_NOTFOUND : ERR_IO,
		    "%s: %s", path, strerror(saved));
	}
	if (roster_xlsx_sniff(b.data, b.len)) {     /* .xlsx: its first sheet */
		struct buf csv = BUF_INIT;

		if ((rc = roster_xlsx_to_csv(b.data, b.len, &csv, e)) == 0)
			rc = roster_parse(csv.len ? (const char *)csv.data : "",
			    csv.len, r, e);
		buf_free(&csv);
	} else {
		rc = roster_parse((const char *)b.data, b.len, r, e);
	}
	buf_free(&b);
	if (rc != 0 && e != NULL)
		err_prefix(e, "%s: ", path);
	return rc;
}

void
roster_free(struct roster *r)
{
	if (r == NULL)
		return;
	free(r->rows);
	free(r->arena);
	memset(r, 0, sizeof(*r));
}
