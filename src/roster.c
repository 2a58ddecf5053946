/* roster.c - assessment rosters as Excel exports them, and the checks of
 * the fields a person is identified by (ID number, name, photo).
 *
 * The whole file is decoded once into one buffer (UTF-8 copy, or the
 * GB18030 conversion) and the CSV is parsed in place: a field never grows
 * while unquoting and trimming, so every field string ends up inside that
 * same buffer, which becomes r->arena. Byte 0 of the arena is the shared
 * "" for absent columns. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "skillcert/buf.h"
#include "skillcert/cert.h"
#include "skillcert/roster.h"
#include "skillcert/text.h"

/* More columns than any sane template has; bounds the per-row field array. */
#define ROSTER_MAX_COLS 1024

static const char *const col_cn[RC_NCOLS] = {
	"姓名", "证件类型", "证件号码", "职业", "工种", "等级", "评价方式",
	"考核日期", "照片", "工作单位"
};

static const char *const col_en[RC_NCOLS] = {
	"name", "id_type", "id_number", "occupation", "trade", "level",
	"method", "assessed_on", "photo", "employer"
};

/* Further Chinese header names seen in the national templates. */
static const struct {
	const char *name;
	int col;
} col_alias[] = {
	{ "职业名称", RC_OCCUPATION },
	{ "工种/职业方向", RC_TRADE },
	{ "职业技能等级", RC_LEVEL },
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
raw_line(const char *d, size_t off)
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
gb18030_to_utf8(const char *data, size_t n, char **out, size_t *outlen,
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
			    "UTF-8 nor GB18030", used, raw_line(data, used));
		return err_set(e, ERR_INVALID, "byte %zu (line %d): "
		    "neither UTF-8 nor GB18030 text; save the sheet as "
		    "\"CSV UTF-8\"", used, raw_line(data, used));
	}
	iconv_close(cd);
	buf[0] = '\0';
	*out = buf;
	*outlen = (size_t)(o - (buf + 1));
	return 0;
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
	int rc;

	if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) ||
	    (u[0] == 0xfe && u[1] == 0xff)))
		return err_set(e, ERR_INVALID, "byte 0: the file is UTF-16 "
		    "(Excel \"Unicode Text\"); save the sheet as \"CSV UTF-8\"");
	if (n > 0 && (nul = memchr(data, '\0', n)) != NULL)
		return err_set(e, ERR_INVALID, "byte %zu (line %d): NUL byte; "
		    "this is not CSV text", (size_t)(nul - data),
		    raw_line(data, (size_t)(nul - data)));
	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		/* A BOM says UTF-8: do not fall back to GB18030. */
		if ((bad = utf8_check(u + 3, n - 3)) != 0)
			return err_set(e, ERR_INVALID, "byte %zu (line %d): "
			    "invalid UTF-8 after a UTF-8 byte order mark",
			    bad - 1 + 3, raw_line(data, bad - 1 + 3));
		data += 3;
		n -= 3;
	} else if (utf8_check(u, n) != 0) {
		if ((rc = gb18030_to_utf8(data, n, out, outlen, e)) != 0)
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

/* Length of leading blank at s (ASCII space, tab, CR, LF, U+00A0 or the
 * full-width space U+3000 that Chinese input methods type). */
static size_t
blank_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' ||
	    u[0] == '\n'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

static size_t
blank_before(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 1 && (u[n - 1] == ' ' || u[n - 1] == '\t' ||
	    u[n - 1] == '\r' || u[n - 1] == '\n'))
		return 1;
	if (n >= 2 && u[n - 2] == 0xc2 && u[n - 1] == 0xa0)
		return 2;
	if (n >= 3 && u[n - 3] == 0xe3 && u[n - 2] == 0x80 && u[n - 1] == 0x80)
		return 3;
	return 0;
}

/* Trims a NUL-terminated field in place; returns the new start. */
static char *
field_trim(char *s)
{
	size_t n = strlen(s), k;

	while ((k = blank_at(s, n)) > 0) {
		s += k;
		n -= k;
	}
	while ((k = blank_before(s, n)) > 0)
		n -= k;
	s[n] = '\0';
	return s;
}

/* U+30FB (katakana middle dot) and U+2022 (bullet), which input methods
 * produce for the dot in minority and foreign names, become U+00B7, the
 * form name_check and the certificate use. Shrinks in place. */
static void
name_normalize(char *s)
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

/* Header cell -> canonical column, or -1. English names ignore case and
 * treat ' ' and '-' as '_'; a '*' or '＊' marking a required column in a
 * template is ignored. */
static int
header_col(const char *h)
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

struct csv {
	char *t;        /* arena; text at t[1..end) */
	size_t r, w;    /* read and write positions, w <= r */
	size_t end;
	int line;       /* current physical line */
	char **f;       /* fields of the current record */
	size_t nf, fcap;
};

/* Header names, for "column 3 (证件号码)". */
struct hdr {
	char **name;    /* header text as written, in the arena */
	int *col;       /* canonical column or -1 */
	size_t n;
};

static const char *
hdr_label(const struct hdr *h, size_t i)
{
	if (h == NULL || i >= h->n)
		return "";
	if (h->col[i] >= 0)
		return col_cn[h->col[i]];
	return h->name[i];
}

/* Formats "line 7, column 3 (证件号码)" prefix parts into e. */
static int
col_err(struct err *e, int line, const struct hdr *h, size_t i,
    const char *what)
{
	const char *lab = hdr_label(h, i);

	if (*lab)
		return err_set(e, ERR_INVALID, "line %d, column %zu (%s): %s",
		    line, i + 1, lab, what);
	return err_set(e, ERR_INVALID, "line %d, column %zu: %s", line, i + 1,
	    what);
}

static int
csv_push(struct csv *c, char *s, int line, const struct hdr *h,
    struct err *e)
{
	char **nf;
	size_t ncap;

	if (c->nf == c->fcap) {
		if (c->fcap >= ROSTER_MAX_COLS)
			return err_set(e, ERR_INVALID, "line %d: more than %d "
			    "fields in one row", line, ROSTER_MAX_COLS);
		ncap = c->fcap ? c->fcap * 2 : 16;
		if ((nf = realloc(c->f, ncap * sizeof(*nf))) == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		c->f = nf;
		c->fcap = ncap;
	}
	c->f[c->nf++] = s;
	return 0;
}

/* Reads one record into c->f (trimmed strings). Returns 0 and sets *eof
 * when there was nothing left to read. */
static int
csv_record(struct csv *c, const struct hdr *h, int *rline, int *eof,
    struct err *e)
{
	char *t = c->t, *s;
	size_t start, k;
	int ch, qline, rc;

	c->nf = 0;
	*rline = c->line;
	*eof = c->r >= c->end;
	if (*eof)
		return 0;
	for (;;) {
		start = c->w;
		k = c->r;
		while (k < c->end && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k < c->end && t[k] == '"') {
			qline = c->line;
			c->r = k + 1;
			for (;;) {
				if (c->r >= c->end)
					return col_err(e, qline, h, c->nf,
					    "unterminated quote (the quoted "
					    "field runs to the end of the file)");
				ch = t[c->r];
				if (ch == '"') {
					if (c->r + 1 < c->end &&
					    t[c->r + 1] == '"') {
						t[c->w++] = '"';
						c->r += 2;
						continue;
					}
					c->r++;
					break;
				}
				if (ch == '\n' || (ch == '\r' &&
				    (c->r + 1 >= c->end || t[c->r + 1] != '\n')))
					c->line++;
				t[c->w++] = (char)ch;
				c->r++;
			}
			while (c->r < c->end && (t[c->r] == ' ' ||
			    t[c->r] == '\t'))
				c->r++;
			if (c->r < c->end && t[c->r] != ',' && t[c->r] != '\n' &&
			    t[c->r] != '\r')
				return col_err(e, c->line, h, c->nf,
				    "text after the closing quote (a quote "
				    "inside a field must be doubled: \"\")");
		} else {
			while (c->r < c->end && t[c->r] != ',' &&
			    t[c->r] != '\n' && t[c->r] != '\r')
				t[c->w++] = t[c->r++];
		}
		/* Look at the delimiter before the NUL may overwrite it. */
		ch = c->r < c->end ? (unsigned char)t[c->r] : -1;
		t[c->w++] = '\0';
		s = field_trim(t + start);
		if (strlen(s) > ROSTER_FIELD_MAX) {
			char what[96];

			snprintf(what, sizeof(what), "field is %zu bytes; "
			    "the limit is %d", strlen(s), ROSTER_FIELD_MAX);
			return col_err(e, *rline, h, c->nf, what);
		}
		if ((rc = csv_push(c, s, *rline, h, e)) != 0)
			return rc;
		if (ch == ',') {
			c->r++;
			continue;
		}
		if (ch == '\r') {
			c->r++;
			if (c->r < c->end && t[c->r] == '\n')
				c->r++;
			c->line++;
		} else if (ch == '\n') {
			c->r++;
			c->line++;
		}
		return 0;
	}
}

static int
record_blank(const struct csv *c)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		if (c->f[i][0] != '\0')
			return 0;
	return 1;
}

static int
roster_header(struct csv *c, struct hdr *h, struct roster *r, int line,
    struct err *e)
{
	char missing[256];
	size_t i, j, k;
	int col;

	h->n = c->nf;
	h->name = calloc(c->nf, sizeof(*h->name));
	h->col = calloc(c->nf, sizeof(*h->col));
	if (h->name == NULL || h->col == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (i = 0; i < c->nf; i++) {
		h->name[i] = c->f[i];
		col = h->col[i] = header_col(c->f[i]);
		if (col < 0)
			continue;
		for (j = 0; j < i; j++)
			if (h->col[j] == col)
				return err_set(e, ERR_INVALID, "line %d, column "
				    "%zu (%s): the column appears twice (also "
				    "column %zu)", line, i + 1, col_cn[col],
				    j + 1);
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
		    "required column(s) %s", line, missing);
	return 0;
}

/* Bytes of s to quote in a message: at most max, whole characters. */
static int
utf8_prefix(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return (int)n;
}

static int
roster_add(struct roster *r, size_t *cap, const struct csv *c,
    const struct hdr *h, int line, struct err *e)
{
	struct roster_row *row, *nr;
	size_t i, ncap;
	int col, any = 0;

	for (i = h->n; i < c->nf; i++)
		if (c->f[i][0] != '\0')
			return err_set(e, ERR_INVALID, "line %d: %zu fields, but "
			    "the header has %zu columns (field %zu is \"%.*s\")",
			    line, c->nf, h->n, i + 1, utf8_prefix(c->f[i], 40),
			    c->f[i]);
	for (i = 0; i < h->n && i < c->nf; i++)
		if (h->col[i] >= 0 && c->f[i][0] != '\0')
			any = 1;
	if (!any)
		return 0; /* only unknown columns (序号, 备注) filled: no person */
	if (r->nrows >= ROSTER_MAX_ROWS)
		return err_set(e, ERR_INVALID, "line %d: more than %d rows; "
		    "split the roster", line, ROSTER_MAX_ROWS);
	if (r->nrows == *cap) {
		ncap = *cap ? *cap * 2 : 64;
		if ((nr = realloc(r->rows, ncap * sizeof(*nr))) == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		r->rows = nr;
		*cap = ncap;
	}
	row = &r->rows[r->nrows++];
	row->line = line;
	for (col = 0; col < RC_NCOLS; col++)
		row->f[col] = c->t; /* the shared "" */
	for (i = 0; i < h->n && i < c->nf; i++)
		if ((col = h->col[i]) >= 0)
			row->f[col] = c->f[i];
	name_normalize(row->f[RC_NAME]);
	return 0;
}

int
roster_parse(const char *data, size_t n, struct roster *r, struct err *e)
{
	struct csv c;
	struct hdr h;
	size_t len = 0, cap = 0;
	int rc, line, eof, have_hdr = 0;

	memset(r, 0, sizeof(*r));
	memset(&c, 0, sizeof(c));
	memset(&h, 0, sizeof(h));
	if (n > ROSTER_MAX_BYTES)
		return err_set(e, ERR_INVALID, "the file is %zu bytes; the "
		    "limit is %u (%u MiB)", n, ROSTER_MAX_BYTES,
		    ROSTER_MAX_BYTES >> 20);
	if ((rc = roster_decode(data, n, r, &c.t, &len, e)) != 0)
		goto fail;
	c.r = c.w = 1;
	c.end = len + 1;
	c.line = 1;
	for (;;) {
		if ((rc = csv_record(&c, have_hdr ? &h : NULL, &line, &eof,
		    e)) != 0)
			goto fail;
		if (eof)
			break;
		if (record_blank(&c))
			continue;
		if (!have_hdr) {
			if ((rc = roster_header(&c, &h, r, line, e)) != 0)
				goto fail;
			have_hdr = 1;
			continue;
		}
		if ((rc = roster_add(r, &cap, &c, &h, line, e)) != 0)
			goto fail;
	}
	if (!have_hdr) {
		rc = err_set(e, ERR_INVALID, "line 1: the file is empty (no "
		    "header row)");
		goto fail;
	}
	r->arena = c.t;
	free(c.f);
	free(h.name);
	free(h.col);
	return 0;
fail:
	free(c.t);
	free(c.f);
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
	rc = roster_parse((const char *)b.data, b.len, r, e);
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

/* ---- ID number ------------------------------------------------------- */

/* Full-width digits and Ｘ (typed with a Chinese input method) are read
 * as their ASCII forms; the ASCII form is written back only when the
 * whole number is valid. Returns the ASCII length or -1 at the first
 * other non-ASCII character (its 1-based position in *pos). */
static int
idcard_ascii(const char *id, char out[19], size_t *pos)
{
	const uint8_t *p = (const uint8_t *)id;
	size_t n = strlen(id), i = 0, k = 0;
	uint32_t c;
	int l;

	*pos = 0;
	while (i < n) {
		(*pos)++;
		if (p[i] < 0x80) {
			c = p[i];
			l = 1;
		} else if ((l = utf8_decode(p + i, n - i, &c)) == 0)
			return -1;
		if (c >= 0xff10 && c <= 0xff19)
			c = c - 0xff10 + '0';
		else if (c == 0xff38 || c == 0xff58)
			c = 'X';
		if (c >= 0x80)
			return -1;
		if (k < 18)
			out[k] = (char)c;
		k++;
		i += (size_t)l;
	}
	out[k < 18 ? k : 18] = '\0';
	return k > 18 ? 19 : (int)k;
}

int
idcard_check(char *id, struct err *e)
{
	static const int wt[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5,
	    8, 4, 2 };
	static const char ck[] = "10X98765432";
	char a[19];
	int32_t birth;
	size_t i, pos;
	int sum = 0, y, m, d, n;

	if (id == NULL || id[0] == '\0')
		return err_set(e, ERR_INVALID, "ID number is empty");
	if ((n = idcard_ascii(id, a, &pos)) < 0)
		return err_set(e, ERR_INVALID, "ID number character %zu is not "
		    "a digit or X", pos);
	if (n != 18)
		return err_set(e, ERR_INVALID, "ID number has %zu characters; "
		    "a resident ID number has 18", utf8_count(id));
	for (i = 0; i < 17; i++) {
		if (a[i] < '0' || a[i] > '9') {
			unsigned char c = (unsigned char)a[i];

			if (c > 0x20 && c < 0x7f)
				return err_set(e, ERR_INVALID, "ID number "
				    "character %zu is '%c'; the first 17 must "
				    "be digits", i + 1, c);
			return err_set(e, ERR_INVALID, "ID number character "
			    "%zu is byte 0x%02x; the first 17 must be digits",
			    i + 1, c);
		}
		sum += (a[i] - '0') * wt[i];
	}
	if (a[17] == 'x')
		a[17] = 'X';
	if ((a[17] < '0' || a[17] > '9') && a[17] != 'X')
		return err_set(e, ERR_INVALID, "ID number character 18 must be "
		    "a digit or X");
	y = (a[6] - '0') * 1000 + (a[7] - '0') * 100 + (a[8] - '0') * 10 +
	    (a[9] - '0');
	m = (a[10] - '0') * 10 + (a[11] - '0');
	d = (a[12] - '0') * 10 + (a[13] - '0');
	if (y < 1900)
		return err_set(e, ERR_INVALID, "ID number birth year %d "
		    "(characters 7-10) is before 1900", y);
	if (date_from_ymd(y, m, d, &birth) != 0)
		return err_set(e, ERR_INVALID, "ID number birth date %.8s "
		    "(characters 7-14) is not a real date", a + 6);
	if (birth > date_today())
		return err_set(e, ERR_INVALID, "ID number birth date %.8s "
		    "(characters 7-14) is in the future", a + 6);
	if (ck[sum % 11] != a[17])
		return err_set(e, ERR_INVALID, "ID number check character "
		    "should be %c, not %c (a digit is mistyped)", ck[sum % 11],
		    a[17]);
	memcpy(id, a, 19); /* never longer than the input */
	return 0;
}

/* ---- names ------------------------------------------------------------ */

static int
is_cjk(uint32_t c)
{
	return (c >= 0x4e00 && c <= 0x9fff) ||   /* unified */
	    (c >= 0x3400 && c <= 0x4dbf) ||      /* extension A */
	    c == 0x3007 ||                       /* 〇, used in names */
	    (c >= 0xf900 && c <= 0xfaff) ||      /* compatibility */
	    (c >= 0x20000 && c <= 0x2a6df) ||    /* extension B */
	    (c >= 0x2a700 && c <= 0x2ee5f) ||    /* extensions C-F, I */
	    (c >= 0x2f800 && c <= 0x2fa1f) ||    /* compatibility supplement */
	    (c >= 0x30000 && c <= 0x323af);      /* extensions G-H */
}

/* ASCII and the Latin-1/Extended-A/B letters of passports (Ü, É, Ł). */
static int
is_latin(uint32_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7);
}

static int
is_dot(uint32_t c)
{
	return c == 0xb7 || c == 0x30fb || c == 0x2022;
}

/* Describes character number pos (1-based) for a message. */
static int
name_bad(struct err *e, const char *name, size_t off, int len, size_t pos,
    uint32_t c, const char *why)
{
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
		return err_set(e, ERR_INVALID, "name character %zu (U+%04X) is "
		    "%s", pos, (unsigned)c, why);
	return err_set(e, ERR_INVALID, "name character %zu (U+%04X '%.*s') is "
	    "%s", pos, (unsigned)c, len, name + off, why);
}

/* 1..CERT_NAME_MAX bytes of: CJK ideographs (URO, Ext A-I, compatibility,
 * 〇), Latin letters, a single space between two Latin letters, and the
 * middle dot U+00B7 (U+30FB and U+2022 accepted as the same dot; the
 * roster parser rewrites them to U+00B7, this check cannot since the
 * name is const) between two letters. U+FF0E and '.' are refused. */
int
name_check(const char *name, struct err *e)
{
	const uint8_t *p = (const uint8_t *)name;
	size_t n, off = 0, pos = 0, bad;
	uint32_t c, prev = 0, next;
	int l;

	if (name == NULL || name[0] == '\0')
		return err_set(e, ERR_INVALID, "name is empty");
	n = strlen(name);
	if ((bad = utf8_check(p, n)) != 0)
		return err_set(e, ERR_INVALID, "name byte %zu is not valid "
		    "UTF-8", bad);
	if (n > CERT_NAME_MAX)
		return err_set(e, ERR_INVALID, "name is %zu bytes of UTF-8; "
		    "the limit is %d (20 Chinese characters)", n, CERT_NAME_MAX);
	while (off < n) {
		l = utf8_decode(p + off, n - off, &c);
		pos++;
		next = 0; /* already checked: decoding cannot fail */
		if (off + (size_t)l < n)
			(void)utf8_decode(p + off + l, n - off - l, &next);
		if (is_cjk(c) || is_latin(c)) {
			/* fine */
		} else if (c == ' ') {
			if (!is_latin(prev) || !is_latin(next))
				return name_bad(e, name, off, l, pos, c,
				    "a space; spaces may only separate Latin "
				    "words, one at a time");
		} else if (is_dot(c)) {
			if (prev == 0 || next == 0 || is_dot(prev) ||
			    prev == ' ' || is_dot(next) || next == ' ')
				return name_bad(e, name, off, l, pos, c,
				    "a middle dot that does not stand between "
				    "two parts of the name");
		} else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			return name_bad(e, name, off, l, pos, c,
			    "a control character");
		else if ((c >= '0' && c <= '9') || (c >= 0xff10 && c <= 0xff19))
			return name_bad(e, name, off, l, pos, c,
			    "a digit; a name holds letters only");
		else if (c == 0x3000 || c == 0xa0 || c == '\t')
			return name_bad(e, name, off, l, pos, c,
			    "a full-width or non-breaking space");
		else
			return name_bad(e, name, off, l, pos, c,
			    "not a letter allowed in a name (CJK, Latin, "
			    "space or middle dot)");
		prev = c;
		off += (size_t)l;
	}
	return 0;
}

/* ---- photos ------------------------------------------------------------ */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint32_t
crc32_png(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return c ^ 0xffffffffu;
}

/* Walks JPEG segments to the first frame header. SOF0..SOF15 are C0..CF
 * except C4 (DHT), C8 (JPG extension) and CC (DAC). */
static int
photo_jpeg(const unsigned char *p, size_t n, int *w, int *h, struct err *e)
{
	size_t i = 2, len;
	unsigned m;
	int pw, ph;

	for (;;) {
		if (i >= n)
			return err_set(e, ERR_INVALID, "JPEG photo ends at byte "
			    "%zu before its frame header (truncated?)", n), -1;
		if (p[i] != 0xff)
			return err_set(e, ERR_INVALID, "JPEG photo: byte %zu "
			    "should start a marker (0xFF), not 0x%02X", i,
			    p[i]), -1;
		while (i < n && p[i] == 0xff)
			i++; /* fill bytes */
		if (i >= n)
			continue;
		m = p[i++];
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue; /* TEM, RSTn: no length */
		if (m == 0xd8 || m == 0xd9 || m == 0xda || m == 0x00)
			return err_set(e, ERR_INVALID, "JPEG photo: marker "
			    "0x%02X at byte %zu comes before any frame header",
			    m, i - 1), -1;
		if (n - i < 2)
			return err_set(e, ERR_INVALID, "JPEG photo ends at byte "
			    "%zu inside a segment header (truncated?)", n), -1;
		len = (size_t)p[i] << 8 | p[i + 1];
		if (len < 2 || len > n - i)
			return err_set(e, ERR_INVALID, "JPEG photo: segment "
			    "0x%02X at byte %zu has length %zu, past the end "
			    "(truncated?)", m, i - 1, len), -1;
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
		    m != 0xcc) {
			if (len < 8)
				return err_set(e, ERR_INVALID, "JPEG photo: "
				    "frame header too short"), -1;
			ph = p[i + 3] << 8 | p[i + 4];
			pw = p[i + 5] << 8 | p[i + 6];
			if (pw == 0 || ph == 0)
				return err_set(e, ERR_INVALID, "JPEG photo: "
				    "size %dx%d is not usable", pw, ph), -1;
			if (w)
				*w = pw;
			if (h)
				*h = ph;
			return 1;
		}
		i += len;
	}
}

static int
photo_png(const unsigned char *p, size_t n, int *w, int *h, struct err *e)
{
	uint32_t pw, ph;

	if (n < 33)
		return err_set(e, ERR_INVALID, "PNG photo is truncated (%zu "
		    "bytes)", n), -1;
	if (be32(p + 8) != 13 || memcmp(p + 12, "IHDR", 4) != 0)
		return err_set(e, ERR_INVALID, "PNG photo: the first chunk is "
		    "not a 13-byte IHDR"), -1;
	if (crc32_png(p + 12, 17) != be32(p + 29))
		return err_set(e, ERR_INVALID, "PNG photo: IHDR checksum is "
		    "wrong (damaged file)"), -1;
	pw = be32(p + 16);
	ph = be32(p + 20);
	if (pw == 0 || ph == 0 || pw > 0x7fffffffu || ph > 0x7fffffffu)
		return err_set(e, ERR_INVALID, "PNG photo: size %ux%u is not "
		    "usable", (unsigned)pw, (unsigned)ph), -1;
	if (w)
		*w = (int)pw;
	if (h)
		*h = (int)ph;
	return 2;
}

int
photo_check(const unsigned char *p, size_t n, size_t max, int *w, int *h,
    struct err *e)
{
	if (p == NULL || n == 0)
		return err_set(e, ERR_INVALID, "photo is empty"), -1;
	if (n > max)
		return err_set(e, ERR_INVALID, "photo is %zu bytes; the limit "
		    "is %zu", n, max), -1;
	if (n >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return photo_jpeg(p, n, w, h, e);
	if (n >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return photo_png(p, n, w, h, e);
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
	    (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0 ||
	    memcmp(p + 8, "mif1", 4) == 0))
		return err_set(e, ERR_INVALID, "photo is HEIC (a phone "
		    "format); export it as JPEG"), -1;
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 ||
	    memcmp(p, "GIF89a", 6) == 0))
		return err_set(e, ERR_INVALID, "photo is GIF; use JPEG or "
		    "PNG"), -1;
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return err_set(e, ERR_INVALID, "photo is WebP; use JPEG or "
		    "PNG"), -1;
	if (n >= 2 && p[0] == 'B' && p[1] == 'M')
		return err_set(e, ERR_INVALID, "photo is BMP; use JPEG or "
		    "PNG"), -1;
	return err_set(e, ERR_INVALID, "photo is neither JPEG nor PNG"), -1;
}
