/* xlsx.c - the first worksheet of an Excel/WPS workbook as the CSV the
 * roster parser reads: bounded ZIP reads, streaming XML with no DTD. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "skillcert/roster/xlsx.h"
#include "skillcert/roster/roster.h"
#include "skillcert/base/date.h"
#include "skillcert/base/utf8.h"

/* Uploads are hostile: every size is checked before it is inflated or
 * stored, every index before it is used. Parts are found through the
 * package's relationships (as Excel does), not by their usual names:
 * the first worksheet is the first <sheet> of workbook.xml, whatever
 * its file is called. */

#define XLSX_PART_MAX 256               /* bytes of a part name */
#define XLSX_CELL_MAX (32u << 10)       /* bytes of one cell's text */
#define XLSX_COLS_MAX 16384             /* XFD, Excel's last column */
#define XLSX_ROWS_MAX 1048576
#define XLSX_SHEETS_MAX 4096
#define XLSX_XF_MAX 65536
#define XLSX_FMT_MAX 4096
#define XLSX_RATIO_MAX 1000             /* inflated / compressed, past 1 MiB */

#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_REL_STRICT "http://purl.oclc.org/ooxml/officeDocument/relationships"

enum xf_kind { XF_GENERAL, XF_DATE, XF_INTEGER };

struct numfmt {
	unsigned id;
	uint8_t kind;
};

struct xlsx {
	zip_t *za;
	size_t budget;                  /* inflated bytes still allowed */
	struct err *e;
	int date1904;
	char workbook[XLSX_PART_MAX], sheet[XLSX_PART_MAX];
	char sst[XLSX_PART_MAX], styles[XLSX_PART_MAX];
	char (*sheet_ids)[64];          /* r:id of each <sheet>, in order */
	size_t nsheets;
	struct buf sst_text;            /* shared strings, each NUL-ended */
	size_t *sst_off;
	size_t nsst, sst_cap;
	uint8_t *xf;                    /* enum xf_kind per cellXfs index */
	size_t nxf;
	struct numfmt *fmt;             /* custom number formats */
	size_t nfmt;
	size_t ncells;
};

/* One XML part being read, node by node. */
struct xr {
	xmlTextReaderPtr r;
	const char *part;
	struct err *e;
	char why[160];
	int line;
};

/* ---- ZIP ------------------------------------------------------------ */

static int
xlsx_check_entry(struct xlsx *x, const char *name, const zip_stat_t *st)
{
	if (!(st->valid & ZIP_STAT_SIZE) || !(st->valid & ZIP_STAT_COMP_SIZE) ||
	    !(st->valid & ZIP_STAT_COMP_METHOD))
		return err_set(x->e, ERR_INVALID, "%s: its ZIP entry gives no "
		    "sizes", name);
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st->encryption_method != ZIP_EM_NONE)
		return err_set(x->e, ERR_INVALID, "%s: encrypted (save the "
		    "workbook without a password)", name);
	if (st->comp_method != ZIP_CM_STORE && st->comp_method != ZIP_CM_DEFLATE)
		return err_set(x->e, ERR_INVALID, "%s: compressed with ZIP "
		    "method %d, which Excel and WPS never use", name,
		    (int)st->comp_method);
	if (st->size > x->budget)
		return err_set(x->e, ERR_INVALID, "%s: would inflate to %llu "
		    "bytes; a roster workbook may hold %u MiB in all", name,
		    (unsigned long long)st->size, XLSX_MAX_INFLATED >> 20);
	if (st->size > (1u << 20) &&
	    st->size / (st->comp_size ? st->comp_size : 1) > XLSX_RATIO_MAX)
		return err_set(x->e, ERR_INVALID, "%s: would inflate %llu "
		    "times (a ZIP bomb?)", name, (unsigned long long)(st->size /
		    (st->comp_size ? st->comp_size : 1)));
	return ERR_OK;
}

/* Inflates part name into out; ERR_NOTFOUND (e untouched) if absent and
 * not required. The size the entry claims is checked first and is the
 * most read: an entry that inflates to more or less is refused. */
static int
xlsx_read_part(struct xlsx *x, const char *name, struct buf *out,
    int required)
{
	zip_stat_t st;
	zip_int64_t idx, got = 0, k;
	zip_file_t *zf;
	int rc;

	buf_reset(out);
	if ((idx = zip_name_locate(x->za, name, 0)) < 0)
		return required ? err_set(x->e, ERR_INVALID, "%s: missing (not "
		    "an Excel workbook?)", name) : ERR_NOTFOUND;
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)idx, 0, &st) != 0)
		return err_set(x->e, ERR_INVALID, "%s: %s", name,
		    zip_strerror(x->za));
	if ((rc = xlsx_check_entry(x, name, &st)) != ERR_OK)
		return rc;
	if (buf_reserve(out, (size_t)st.size + 1) != 0)
		return err_set(x->e, ERR_NOMEM, "%s: out of memory", name);
	if ((zf = zip_fopen_index(x->za, (zip_uint64_t)idx, 0)) == NULL)
		return err_set(x->e, ERR_INVALID, "%s: %s", name,
		    zip_strerror(x->za));
	while ((zip_uint64_t)got <= st.size && (k = zip_fread(zf, out->data +
	    got, st.size + 1 - (zip_uint64_t)got)) > 0)
		got += k;
	if (k < 0 || (zip_uint64_t)got != st.size) {
		rc = err_set(x->e, ERR_INVALID, "%s: %s", name, k < 0 ?
		    zip_file_strerror(zf) : "inflates to another size than "
		    "its entry says");
		zip_fclose(zf);
		return rc;
	}
	zip_fclose(zf);
	out->len = (size_t)got;
	x->budget -= (size_t)got;
	return ERR_OK;
}

/* ---- XML ------------------------------------------------------------ */

static void
xlsx_xml_error(void *arg, xmlErrorPtr err)
{
	struct xr *x = arg;
	size_t n;

	if (x->why[0] != '\0' || err == NULL)
		return;
	snprintf(x->why, sizeof(x->why), "%s", err->message ? err->message :
	    "error");
	n = strlen(x->why);
	while (n > 0 && (x->why[n - 1] == '\n' || x->why[n - 1] == ' '))
		x->why[--n] = '\0';
	x->line = err->line;
}

/* No network, no DTD loading, no entity substitution, no huge-text
 * exemption: what libxml2 does with none of those options. */
static int
xlsx_xml_open(struct xr *x, const struct buf *b, const char *part,
    struct err *e)
{
	memset(x, 0, sizeof(*x));
	x->part = part;
	x->e = e;
	/* said plainly, before libxml2 meets it (Excel never writes one) */
	if (memmem(b->data, b->len, "<!DOCTYPE", 9) != NULL ||
	    memmem(b->data, b->len, "<!ENTITY", 8) != NULL)
		return err_set(e, ERR_INVALID, "%s: has a DOCTYPE or entity "
		    "declaration, which no spreadsheet has: refused", part);
	x->r = xmlReaderForMemory(b->len ? (const char *)b->data : "",
	    (int)b->len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (x->r == NULL)
		return err_set(e, ERR_NOMEM, "%s: cannot start the XML reader",
		    part);
	xmlTextReaderSetStructuredErrorHandler(x->r, xlsx_xml_error, x);
	return ERR_OK;
}

static void
xlsx_xml_close(struct xr *x)
{
	if (x->r != NULL)
		xmlFreeTextReader(x->r);
	x->r = NULL;
}

/* 1: a node; 0: the end; -1: e says what is wrong. */
static int
xlsx_xml_next(struct xr *x)
{
	int rc = xmlTextReaderRead(x->r), t;

	if (rc < 0 || (rc == 0 && x->why[0] != '\0')) {
		err_set(x->e, ERR_INVALID, "%s: not well-formed XML (line %d: "
		    "%s)", x->part, x->line, x->why[0] ? x->why : "error");
		return -1;
	}
	if (rc == 0)
		return 0;
	t = xmlTextReaderNodeType(x->r);
	if (t == XML_READER_TYPE_DOCUMENT_TYPE ||
	    t == XML_READER_TYPE_ENTITY_REFERENCE ||
	    t == XML_READER_TYPE_ENTITY) {
		err_set(x->e, ERR_INVALID, "%s: has a DOCTYPE or an entity "
		    "reference, which no spreadsheet has: refused", x->part);
		return -1;
	}
	return 1;
}

static int
xlsx_is_start(const struct xr *x, const char *local)
{
	return xmlTextReaderNodeType(x->r) == XML_READER_TYPE_ELEMENT &&
	    strcmp((const char *)xmlTextReaderConstLocalName(x->r), local) == 0;
}

static int
xlsx_is_end(const struct xr *x, const char *local)
{
	int t = xmlTextReaderNodeType(x->r);

	return (t == XML_READER_TYPE_END_ELEMENT ||
	    (t == XML_READER_TYPE_ELEMENT && xmlTextReaderIsEmptyElement(x->r))) &&
	    strcmp((const char *)xmlTextReaderConstLocalName(x->r), local) == 0;
}

/* Attribute name (ns NULL: unqualified) into out; 1 present, 0 absent,
 * -1 longer than cap - 1 (e set). */
static int
xlsx_attr(struct xr *x, const char *name, const char *ns, char *out,
    size_t cap)
{
	xmlChar *v = ns ? xmlTextReaderGetAttributeNs(x->r, BAD_CAST name,
	    BAD_CAST ns) : xmlTextReaderGetAttribute(x->r, BAD_CAST name);
	size_t n;

	out[0] = '\0';
	if (v == NULL)
		return 0;
	n = strlen((const char *)v);
	if (n >= cap) {
		xmlFree(v);
		err_set(x->e, ERR_INVALID, "%s line %d: attribute %s is too "
		    "long (%zu bytes)", x->part,
		    xmlTextReaderGetParserLineNumber(x->r), name, n);
		return -1;
	}
	memcpy(out, v, n + 1);
	xmlFree(v);
	return 1;
}

/* The text of a text node appended to b, within XLSX_CELL_MAX. */
static int
xlsx_add_text(struct xr *x, struct buf *b, const char *where)
{
	const char *v = (const char *)xmlTextReaderConstValue(x->r);
	size_t n = v ? strlen(v) : 0;

	if (b->len + n > XLSX_CELL_MAX)
		return err_set(x->e, ERR_INVALID, "%s %s: text longer than %u "
		    "bytes", x->part, where, XLSX_CELL_MAX);
	if (buf_append(b, v, n) != 0)
		return err_set(x->e, ERR_NOMEM, "%s: out of memory", x->part);
	return ERR_OK;
}

static int
xlsx_is_text(const struct xr *x)
{
	int t = xmlTextReaderNodeType(x->r);

	return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
	    t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
	    t == XML_READER_TYPE_WHITESPACE;
}

static int
xlsx_hex4(const uint8_t *p, unsigned *v)
{
	int i, d;

	for (*v = 0, i = 0; i < 4; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			d = (p[i] | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v * 16 + (unsigned)d;
	}
	return 0;
}

/* OOXML strings escape characters XML cannot carry as _xHHHH_ (and a
 * literal "_x" as _x005F_x); decoded in place, as it only shrinks.
 * Line breaks typed in a cell (Alt+Enter) become one space each, so a
 * CSV line stays a sheet row and errors keep the sheet's row numbers. */
static void
xlsx_decode_text(struct buf *b)
{
	size_t r = 0, w = 0;
	unsigned cp;
	char u8[5];
	int n;

	while (r < b->len) {
		uint8_t *p = b->data + r;

		if (r + 7 <= b->len && p[0] == '_' && p[1] == 'x' && p[6] == '_' &&
		    xlsx_hex4(p + 2, &cp) == 0 && (cp < 0xD800 || cp > 0xDFFF) &&
		    cp != 0) {
			n = utf8_encode(cp, u8);
			memcpy(b->data + w, u8, (size_t)n);
			w += (size_t)n;
			r += 7;
			continue;
		}
		b->data[w++] = b->data[r++];
	}
	b->len = w;
	for (r = 0, w = 0; r < b->len; r++) {
		if (b->data[r] == '\r' && r + 1 < b->len && b->data[r + 1] == '\n')
			continue;
		b->data[w++] = b->data[r] == '\r' || b->data[r] == '\n' ? ' ' :
		    b->data[r];
	}
	b->len = w;
}

/* ---- package: relationships, workbook ------------------------------- */

/* The folder of part ("xl/" for "xl/workbook.xml", "" at the root). */
static void
xlsx_dir_of(const char *part, char *out, size_t cap)
{
	const char *sl = strrchr(part, '/');
	size_t n = sl ? (size_t)(sl - part) + 1 : 0;

	snprintf(out, cap, "%.*s", (int)n, part);
}

/* A relationship's Target, relative to dir or absolute ("/xl/..."), as a
 * ZIP entry name; -1 if it leaves the package or is too long. */
static int
xlsx_resolve(const char *dir, const char *target, char *out, size_t cap)
{
	char tmp[XLSX_PART_MAX * 2];
	size_t w = 0, r = 0, n;

	if (snprintf(tmp, sizeof(tmp), "%s%s", target[0] == '/' ? "" : dir,
	    target[0] == '/' ? target + 1 : target) >= (int)sizeof(tmp))
		return -1;
	/* segment by segment: "." dropped, ".." back one folder */
	while (tmp[r] != '\0') {
		n = strcspn(tmp + r, "/");
		if (n == 0 || (n == 1 && tmp[r] == '.')) {
		} else if (n == 2 && tmp[r] == '.' && tmp[r + 1] == '.') {
			if (w == 0)
				return -1;
			for (w--; w > 0 && out[w - 1] != '/'; w--)
				;
		} else {
			if (w + n + 1 >= cap)
				return -1;
			memcpy(out + w, tmp + r, n);
			w += n;
			if (tmp[r + n] == '/')
				out[w++] = '/';
		}
		r += n + (tmp[r + n] == '/');
	}
	out[w] = '\0';
	return w > 0 && out[w - 1] != '/' ? 0 : -1;
}

static int
xlsx_ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* What one relationship gives: the workbook (package rels), its shared
 * strings and styles, or a worksheet earlier in sheet order. */
static int
xlsx_use_rel(struct xlsx *x, const char *dir, const char *id,
    const char *type, const char *target, size_t *best)
{
	char *dst = NULL;
	size_t i;

	if (xlsx_ends_with(type, "/officeDocument"))
		dst = x->workbook;
	else if (xlsx_ends_with(type, "/sharedStrings"))
		dst = x->sst;
	else if (xlsx_ends_with(type, "/styles"))
		dst = x->styles;
	else if (xlsx_ends_with(type, "/worksheet"))
		for (i = 0; i < x->nsheets && i < *best; i++)
			if (strcmp(x->sheet_ids[i], id) == 0) {
				*best = i;
				dst = x->sheet;
				break;
			}
	if (dst == NULL)
		return ERR_OK;
	if (xlsx_resolve(dir, target, dst, XLSX_PART_MAX) != 0)
		return err_set(x->e, ERR_INVALID, "relationship %s: target "
		    "'%s' is outside the workbook", id, target);
	return ERR_OK;
}

/* Reads the relationships of part (its _rels/NAME.rels) and keeps what
 * xlsx_use_rel wants; a missing .rels is ERR_NOTFOUND. */
static int
xlsx_read_rels(struct xlsx *x, const char *part, struct buf *b)
{
	char dir[XLSX_PART_MAX], rels[XLSX_PART_MAX * 2];
	char id[64], type[256], target[XLSX_PART_MAX], mode[32];
	size_t best = (size_t)-1;
	struct xr xr;
	int rc, k;

	xlsx_dir_of(part, dir, sizeof(dir));
	snprintf(rels, sizeof(rels), "%s_rels/%s.rels", dir,
	    part + strlen(dir));
	if ((rc = xlsx_read_part(x, rels, b, 0)) != ERR_OK)
		return rc;
	if ((rc = xlsx_xml_open(&xr, b, rels, x->e)) != ERR_OK)
		return rc;
	while ((k = xlsx_xml_next(&xr)) == 1) {
		if (!xlsx_is_start(&xr, "Relationship"))
			continue;
		if (xlsx_attr(&xr, "Id", NULL, id, sizeof(id)) < 0 ||
		    xlsx_attr(&xr, "Type", NULL, type, sizeof(type)) < 0 ||
		    xlsx_attr(&xr, "Target", NULL, target, sizeof(target)) < 0 ||
		    xlsx_attr(&xr, "TargetMode", NULL, mode, sizeof(mode)) < 0) {
			k = -1;
			break;
		}
		if (strcmp(mode, "External") == 0 || target[0] == '\0')
			continue;
		if ((rc = xlsx_use_rel(x, dir, id, type, target, &best)) != 0) {
			err_prefix(x->e, "%s: ", rels);
			k = -1;
			break;
		}
	}
	xlsx_xml_close(&xr);
	return k < 0 ? x->e->code : ERR_OK;
}

static int
xlsx_bool(const char *s)
{
	return strcmp(s, "1") == 0 || strcmp(s, "true") == 0;
}

/* workbook.xml: the date system and the r:id of every sheet, in order. */
static int
xlsx_read_workbook(struct xlsx *x, struct buf *b)
{
	char v[64];
	struct xr xr;
	int rc, k, got;

	if ((rc = xlsx_read_part(x, x->workbook, b, 1)) != ERR_OK ||
	    (rc = xlsx_xml_open(&xr, b, x->workbook, x->e)) != ERR_OK)
		return rc;
	if ((x->sheet_ids = calloc(XLSX_SHEETS_MAX, sizeof(*x->sheet_ids))) ==
	    NULL) {
		xlsx_xml_close(&xr);
		return err_set(x->e, ERR_NOMEM, "workbook: out of memory");
	}
	while ((k = xlsx_xml_next(&xr)) == 1) {
		if (xlsx_is_start(&xr, "workbookPr")) {
			if ((got = xlsx_attr(&xr, "date1904", NULL, v,
			    sizeof(v))) < 0)
				break;
			x->date1904 = got && xlsx_bool(v);
		} else if (xlsx_is_start(&xr, "sheet") &&
		    x->nsheets < XLSX_SHEETS_MAX) {
			if ((got = xlsx_attr(&xr, "id", NS_REL, v, sizeof(v))) ==
			    0)
				got = xlsx_attr(&xr, "id", NS_REL_STRICT, v,
				    sizeof(v));
			if (got < 0)
				break;
			memcpy(x->sheet_ids[x->nsheets++], v, sizeof(v));
		}
	}
	xlsx_xml_close(&xr);
	if (k < 0)
		return x->e->code;
	if (x->nsheets == 0)
		return err_set(x->e, ERR_INVALID, "%s: the workbook has no "
		    "sheet", x->workbook);
	return ERR_OK;
}

/* The parts to read, found as Excel finds them. */
static int
xlsx_find_parts(struct xlsx *x, struct buf *b)
{
	int rc;

	rc = xlsx_read_rels(x, "", b);
	if (rc != ERR_OK && rc != ERR_NOTFOUND)
		return rc;
	if (x->workbook[0] == '\0') {
		if (zip_name_locate(x->za, "xl/workbook.xml", 0) < 0)
			return err_set(x->e, ERR_INVALID, "no workbook in this "
			    "ZIP (_rels/.rels names none, no xl/workbook.xml): "
			    "not an Excel workbook");
		snprintf(x->workbook, sizeof(x->workbook), "xl/workbook.xml");
	}
	if ((rc = xlsx_read_workbook(x, b)) != ERR_OK)
		return rc;
	rc = xlsx_read_rels(x, x->workbook, b);
	if (rc == ERR_NOTFOUND)
		return err_set(x->e, ERR_INVALID, "%s: no relationships file, "
		    "so no worksheet can be found", x->workbook);
	if (rc != ERR_OK)
		return rc;
	if (x->sheet[0] == '\0')
		return err_set(x->e, ERR_INVALID, "%s: none of its sheets is a "
		    "worksheet", x->workbook);
	return ERR_OK;
}

/* ---- styles: which cells hold dates --------------------------------- */

/* Built-in formats: 14-17 and 22 dates, 18-21 and 45-47 times (read as
 * dates too: a roster has no time column), 27-31, 36 and 50-58 the
 * East Asian dates (yyyy"年"m"月"d"日" ...) that WPS and Chinese Excel
 * write without defining them; 1 is "0". */
static int
xlsx_builtin_kind(unsigned id)
{
	if ((id >= 14 && id <= 22) || (id >= 45 && id <= 47) ||
	    (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
		return XF_DATE;
	return id == 1 ? XF_INTEGER : XF_GENERAL;
}

/* A custom format code is a date if, outside quoted text, escapes and
 * [brackets] (colours, locales, [h] elapsed time), it has y, d, e
 * (era year) or an m that is not minutes (no h or s beside it). */
static int
xlsx_code_kind(const char *c)
{
	int y = 0, m = 0, hs = 0;
	const char *p;

	if (strcmp(c, "0") == 0)
		return XF_INTEGER;
	for (p = c; *p; p++) {
		char ch = (char)(*p | 0x20);

		if (*p == '"') {
			while (p[1] && p[1] != '"')
				p++;
			p += p[1] != '\0';
		} else if (*p == '\\' || *p == '_' || *p == '*') {
			p += p[1] != '\0';
		} else if (*p == '[') {
			/* [h] [mm] [ss]: elapsed time, so any m is minutes */
			size_t k = strspn(p + 1, "hHmMsS");

			if (k > 0 && p[1 + k] == ']')
				hs = 1;
			while (p[1] && p[1] != ']')
				p++;
		} else if (strncasecmp(p, "general", 7) == 0) {
			p += 6;
		} else if (strncasecmp(p, "am/pm", 5) == 0) {
			hs = 1, p += 4;
		} else if (strncasecmp(p, "a/p", 3) == 0) {
			hs = 1, p += 2;
		} else if (ch == 'e' && (p[1] == '+' || p[1] == '-')) {
			p++;    /* scientific, 0.00E+00 */
		} else if (ch == 'y' || ch == 'd' || ch == 'e') {
			y = 1;
		} else if (ch == 'm') {
			m = 1;
		} else if (ch == 'h' || ch == 's') {
			hs = 1;
		}
	}
	return y || (m && !hs) ? XF_DATE : XF_GENERAL;
}

static int
xlsx_add_numfmt(struct xlsx *x, struct xr *xr)
{
	char id[16], code[512];
	int a, b;

	if ((a = xlsx_attr(xr, "numFmtId", NULL, id, sizeof(id))) < 0 ||
	    (b = xlsx_attr(xr, "formatCode", NULL, code, sizeof(code))) < 0)
		return -1;
	if (a == 0 || x->nfmt >= XLSX_FMT_MAX)
		return 0;
	if (x->fmt == NULL && (x->fmt = calloc(XLSX_FMT_MAX,
	    sizeof(*x->fmt))) == NULL) {
		err_set(x->e, ERR_NOMEM, "styles: out of memory");
		return -1;
	}
	x->fmt[x->nfmt].id = (unsigned)strtoul(id, NULL, 10);
	x->fmt[x->nfmt++].kind = (uint8_t)xlsx_code_kind(code);
	return 0;
}

/* One <xf> of cellXfs: its number format's id, kind resolved later. */
static int
xlsx_add_xf(struct xlsx *x, struct xr *xr, unsigned *ids)
{
	char id[16];

	if (x->nxf >= XLSX_XF_MAX)
		return 0;
	if (xlsx_attr(xr, "numFmtId", NULL, id, sizeof(id)) < 0)
		return -1;
	ids[x->nxf++] = (unsigned)strtoul(id, NULL, 10);
	return 0;
}

static void
xlsx_resolve_kinds(struct xlsx *x, const unsigned *ids)
{
	size_t i, k;

	for (i = 0; i < x->nxf; i++) {
		x->xf[i] = (uint8_t)xlsx_builtin_kind(ids[i]);
		for (k = 0; k < x->nfmt; k++)
			if (x->fmt[k].id == ids[i])
				x->xf[i] = x->fmt[k].kind;
	}
}

static int
xlsx_read_styles(struct xlsx *x, struct buf *b)
{
	unsigned *ids;
	struct xr xr;
	int rc, k, in_xfs = 0;

	if (x->styles[0] == '\0')
		return ERR_OK;          /* no styles: no dates, all General */
	if ((rc = xlsx_read_part(x, x->styles, b, 1)) != ERR_OK ||
	    (rc = xlsx_xml_open(&xr, b, x->styles, x->e)) != ERR_OK)
		return rc;
	ids = calloc(XLSX_XF_MAX, sizeof(*ids));
	x->xf = calloc(XLSX_XF_MAX, 1);
	if (ids == NULL || x->xf == NULL) {
		free(ids);
		xlsx_xml_close(&xr);
		return err_set(x->e, ERR_NOMEM, "styles: out of memory");
	}
	while ((k = xlsx_xml_next(&xr)) == 1) {
		if (xlsx_is_start(&xr, "cellXfs"))
			in_xfs = !xmlTextReaderIsEmptyElement(xr.r);
		else if (xlsx_is_end(&xr, "cellXfs"))
			in_xfs = 0;
		else if (xlsx_is_start(&xr, "numFmt"))
			k = xlsx_add_numfmt(x, &xr) == 0 ? 1 : -1;
		else if (in_xfs && xlsx_is_start(&xr, "xf"))
			k = xlsx_add_xf(x, &xr, ids) == 0 ? 1 : -1;
		if (k < 0)
			break;
	}
	xlsx_xml_close(&xr);
	if (k >= 0)
		xlsx_resolve_kinds(x, ids);
	free(ids);
	return k < 0 ? x->e->code : ERR_OK;
}

/* ---- shared strings ------------------------------------------------- */

static int
xlsx_add_sst(struct xlsx *x, struct buf *s)
{
	xlsx_decode_text(s);
	if (x->nsst == x->sst_cap) {
		size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
		size_t *no;

		if (cap > XLSX_MAX_CELLS)
			return err_set(x->e, ERR_INVALID, "%s: more than %u "
			    "strings", x->sst, XLSX_MAX_CELLS);
		if ((no = realloc(x->sst_off, cap * sizeof(*no))) == NULL)
			return err_set(x->e, ERR_NOMEM, "%s: out of memory",
			    x->sst);
		x->sst_off = no;
		x->sst_cap = cap;
	}
	x->sst_off[x->nsst++] = x->sst_text.len;
	if (buf_append(&x->sst_text, s->data, s->len) != 0 ||
	    buf_append_byte(&x->sst_text, 0) != 0)
		return err_set(x->e, ERR_NOMEM, "%s: out of memory", x->sst);
	return ERR_OK;
}

/* Each <si>: the text of its <t>, plain or in rich-text runs <r>, but not
 * the phonetic guides <rPh> (furigana are not part of the value). */
static int
xlsx_read_sst(struct xlsx *x, struct buf *b)
{
	struct buf s = BUF_INIT;
	struct xr xr;
	char where[32];
	int rc = ERR_OK, k = 0, in_si = 0, in_t = 0, rph = 0;

	if (x->sst[0] == '\0')
		return ERR_OK;
	if ((rc = xlsx_read_part(x, x->sst, b, 1)) != ERR_OK ||
	    (rc = xlsx_xml_open(&xr, b, x->sst, x->e)) != ERR_OK)
		return rc;
	while (rc == ERR_OK && (k = xlsx_xml_next(&xr)) == 1) {
		if (xlsx_is_start(&xr, "si")) {
			in_si = 1;
			buf_reset(&s);
		}
		if (in_si && xlsx_is_start(&xr, "rPh"))
			rph += !xmlTextReaderIsEmptyElement(xr.r);
		else if (xlsx_is_end(&xr, "rPh") && rph > 0 &&
		    !xmlTextReaderIsEmptyElement(xr.r))
			rph--;
		else if (in_si && !rph && xlsx_is_start(&xr, "t"))
			in_t = !xmlTextReaderIsEmptyElement(xr.r);
		else if (xlsx_is_end(&xr, "t"))
			in_t = 0;
		else if (in_t && !rph && xlsx_is_text(&xr)) {
			snprintf(where, sizeof(where), "string %zu", x->nsst);
			rc = xlsx_add_text(&xr, &s, where);
		}
		if (in_si && xlsx_is_end(&xr, "si")) {
			in_si = in_t = rph = 0;
			rc = xlsx_add_sst(x, &s);
		}
	}
	xlsx_xml_close(&xr);
	buf_free(&s);
	if (rc == ERR_OK && k < 0)
		rc = x->e->code;
	return rc;
}

/* ---- cell values ---------------------------------------------------- */

static void
xlsx_strip_zeros(char *s)
{
	char *e = strchr(s, 'E'), *end;
	size_t n;

	if (strchr(s, '.') == NULL)
		return;
	end = e ? e : s + strlen(s);
	for (n = (size_t)(end - s); n > 0 && s[n - 1] == '0'; n--)
		;
	if (n > 0 && s[n - 1] == '.')
		n--;
	memmove(s + n, end, strlen(end) + 1);
}

/* As Excel's General format shows a number in a standard-width column
 * (and so as Excel's own "Save as CSV" writes it): at most 11
 * characters, scientific when it would not fit. An 18-digit ID number
 * typed as a number comes out 3.60102E+17, as Excel users see it. */
static void
xlsx_format_general(double v, char *out, size_t cap)
{
	double a = fabs(v);
	int intd, dec, ex, prec;

	if (v == 0) {
		snprintf(out, cap, "0");
		return;
	}
	if (a < 1e11 && v == floor(v)) {
		snprintf(out, cap, "%.0f", v);
		return;
	}
	if (a >= 1e-4 && a < 1e11) {
		intd = a >= 1 ? (int)floor(log10(a)) + 1 : 1;
		dec = 10 - intd - (v < 0);
		if (dec > 0) {
			snprintf(out, cap, "%.*f", dec, v);
			xlsx_strip_zeros(out);
			return;
		}
	}
	ex = (int)floor(log10(a));
	prec = 11 - (v < 0) - 4 - (ex >= 100 || ex <= -100 ? 3 : 2);
	snprintf(out, cap, "%.*E", prec, v);
	xlsx_strip_zeros(out);
}

/* Format "0": whole, at Excel's 15 significant digits (the rest 0). */
static void
xlsx_format_integer(double v, char *out, size_t cap)
{
	char m[32], dg[16];
	int ex, i, o = 0;

	if (fabs(v) < 1e15) {
		snprintf(out, cap, "%.0f", v);
		if (strcmp(out, "-0") == 0)
			snprintf(out, cap, "0");
		return;
	}
	snprintf(m, sizeof(m), "%.14E", fabs(v)); /* d.ddddddddddddddE+xx */
	dg[0] = m[0];
	memcpy(dg + 1, m + 2, 14);
	ex = atoi(m + 17);
	if (ex + 3 > (int)cap) {
		xlsx_format_general(v, out, cap);
		return;
	}
	if (v < 0)
		out[o++] = '-';
	for (i = 0; i <= ex && o + 1 < (int)cap; i++)
		out[o++] = i < 15 ? dg[i] : '0';
	out[o] = '\0';
}

/* A date serial as YYYY-MM-DD; the time of day is dropped. 1900 system:
 * day 1 is 1900-01-01 and Excel counts a 1900-02-29 (day 60), kept as
 * Excel shows it (the roster then refuses it as no real date). */
static int
xlsx_format_date(const struct xlsx *x, double v, char *out, size_t cap)
{
	int32_t base, days;
	long serial;
	int y, m, d;

	if (!(v >= 0 && v < 3e6))
		return -1;
	serial = (long)floor(v);
	if (x->date1904) {
		date_from_ymd(1904, 1, 1, &base);
		days = base + (int32_t)serial;
	} else {
		if (serial < 1)
			return -1;
		if (serial == 60) {
			snprintf(out, cap, "1900-02-29");
			return 0;
		}
		date_from_ymd(1899, 12, 31, &base);
		days = base + (int32_t)serial - (serial > 60);
	}
	date_to_ymd(days, &y, &m, &d);
	if (y > 9999)
		return -1;
	snprintf(out, cap, "%04d-%02d-%02d", y, m, d);
	return 0;
}

/* ---- the worksheet -------------------------------------------------- */

struct sheet {
	struct xlsx *x;
	struct xr xr;
	struct buf *out;
	struct buf row;                 /* CSV of the row being read */
	struct buf val;                 /* text of the cell being read */
	long rowno, lines;              /* row being read; lines in out */
	int col, lastcol;               /* cell being read; last in row */
	int wcol;                       /* last column written to row */
	char t[16];                     /* the cell's t= */
	long style;
	int in_c, in_text, rph;
	char ref[24];                   /* "C7", for messages */
};

static void
xlsx_name_cell(struct sheet *s)
{
	char letters[8];
	int c = s->col, n = 0, i;

	while (c > 0 && n < 7) {
		letters[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (i = 0; i < n; i++)
		s->ref[i] = letters[n - 1 - i];
	snprintf(s->ref + n, sizeof(s->ref) - (size_t)n, "%ld", s->rowno);
}

static int
xlsx_cell_error(struct sheet *s, const char *what)
{
	xlsx_name_cell(s);
	return err_set(s->x->e, ERR_INVALID, "%s cell %s: %s", s->x->sheet,
	    s->ref, what);
}

/* r="C7": column and row; -1 if it is not a cell reference. */
static int
xlsx_parse_ref(const char *r, int *col, long *row)
{
	long c = 0, n = 0;
	const char *p = r;

	for (; *p >= 'A' && *p <= 'Z' && p - r < 3; p++)
		c = c * 26 + (*p - 'A' + 1);
	if (c == 0 || c > XLSX_COLS_MAX)
		return -1;
	for (; *p >= '0' && *p <= '9' && n <= XLSX_ROWS_MAX; p++)
		n = n * 10 + (*p - '0');
	if (*p != '\0' || n < 1 || n > XLSX_ROWS_MAX)
		return -1;
	*col = (int)c;
	*row = n;
	return 0;
}

static int
xlsx_begin_row(struct sheet *s)
{
	char v[16];
	char *end;
	long n;
	int got;

	if ((got = xlsx_attr(&s->xr, "r", NULL, v, sizeof(v))) < 0)
		return s->x->e->code;
	n = got ? strtol(v, &end, 10) : s->rowno + 1;
	if (got && (*end != '\0' || end == v))
		n = -1;
	if (n <= s->rowno || n > XLSX_ROWS_MAX) {
		s->col = 0;
		return err_set(s->x->e, ERR_INVALID, "%s row '%s': not a row "
		    "number after %ld", s->x->sheet, v, s->rowno);
	}
	s->rowno = n;
	s->lastcol = s->wcol = 0;
	buf_reset(&s->row);
	return ERR_OK;
}

static int
xlsx_begin_cell(struct sheet *s)
{
	char r[24], st[16];
	long row;
	int got, col;

	if ((got = xlsx_attr(&s->xr, "r", NULL, r, sizeof(r))) < 0 ||
	    xlsx_attr(&s->xr, "t", NULL, s->t, sizeof(s->t)) < 0 ||
	    xlsx_attr(&s->xr, "s", NULL, st, sizeof(st)) < 0)
		return s->x->e->code;
	if (++s->x->ncells > XLSX_MAX_CELLS)
		return err_set(s->x->e, ERR_INVALID, "%s: more than %u cells",
		    s->x->sheet, XLSX_MAX_CELLS);
	if (!got) {
		col = s->lastcol + 1;
		row = s->rowno;
	} else if (xlsx_parse_ref(r, &col, &row) != 0 || row != s->rowno) {
		return err_set(s->x->e, ERR_INVALID, "%s row %ld: cell "
		    "reference '%s' is not in this row", s->x->sheet,
		    s->rowno, r);
	}
	s->col = col;
	if (col <= s->lastcol || col > XLSX_COLS_MAX)
		return xlsx_cell_error(s, "out of order");
	s->lastcol = col;
	s->style = st[0] ? strtol(st, NULL, 10) : 0;
	s->in_c = 1;
	s->in_text = s->rph = 0;
	buf_reset(&s->val);
	return ERR_OK;
}

/* A number cell: a date if its style says so, else as Excel shows it. */
static int
xlsx_number_text(struct sheet *s, const char *v, char *out, size_t cap)
{
	char *end;
	double d;
	int kind;

	d = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(d))
		return xlsx_cell_error(s, "holds a number that is not one");
	kind = s->style >= 0 && (size_t)s->style < s->x->nxf ?
	    s->x->xf[s->style] : XF_GENERAL;
	if (kind == XF_DATE) {
		if (xlsx_format_date(s->x, d, out, cap) != 0)
			return xlsx_cell_error(s, "a date-formatted number "
			    "that is no date from 1900 to 9999");
	} else if (kind == XF_INTEGER) {
		xlsx_format_integer(d, out, cap);
	} else {
		xlsx_format_general(d, out, cap);
	}
	return ERR_OK;
}

/* The cell's text as the CSV field's value: shared string, inline
 * string, formula string, boolean, error, ISO date or number. */
static int
xlsx_cell_text(struct sheet *s, const char **txt, char *tmp, size_t cap)
{
	const char *v;
	char *end;
	unsigned long i;

	if (buf_cstr(&s->val) == NULL)
		return err_set(s->x->e, ERR_NOMEM, "out of memory");
	v = (const char *)s->val.data;
	*txt = v;
	if (*v == '\0')
		return ERR_OK;          /* <c r="A1" t="s"/>: an empty cell */
	if (strcmp(s->t, "s") == 0) {
		i = strtoul(v, &end, 10);
		if (end == v || *end != '\0' || i >= s->x->nsst)
			return xlsx_cell_error(s, "shared string index out "
			    "of range");
		*txt = (const char *)s->x->sst_text.data + s->x->sst_off[i];
	} else if (strcmp(s->t, "inlineStr") == 0 || strcmp(s->t, "str") == 0 ||
	    strcmp(s->t, "e") == 0) {
		xlsx_decode_text(&s->val);
		*txt = buf_cstr(&s->val);
	} else if (strcmp(s->t, "b") == 0) {
		*txt = strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ?
		    "FALSE" : v;
	} else if (strcmp(s->t, "d") == 0) {
		/* ISO 8601 (strict files): the date part */
		snprintf(tmp, cap, "%.10s", v);
		*txt = tmp;
	} else if (s->t[0] == '\0' || strcmp(s->t, "n") == 0) {
		*txt = tmp;
		return xlsx_number_text(s, v, tmp, cap);
	} else {
		return xlsx_cell_error(s, "unknown cell type");
	}
	return *txt ? ERR_OK : err_set(s->x->e, ERR_NOMEM, "out of memory");
}

/* RFC 4180: every field quoted, quotes doubled; empty cells are gaps
 * (commas) before the next non-empty one. */
static int
xlsx_end_cell(struct sheet *s)
{
	char tmp[64];
	const char *txt = "", *p;
	int rc, k;

	s->in_c = s->in_text = 0;
	if ((rc = xlsx_cell_text(s, &txt, tmp, sizeof(tmp))) != ERR_OK)
		return rc;
	if (*txt == '\0')
		return ERR_OK;
	/* one long shared string in every cell must not make a huge row */
	if (s->out->len + s->row.len + strlen(txt) * 2 + (size_t)s->col >
	    ROSTER_MAX_BYTES)
		return xlsx_cell_error(s, "the sheet makes more CSV than a "
		    "roster may hold");
	for (k = s->wcol; k < s->col; k++)     /* the columns before it */
		if (k > 0)
			buf_append_byte(&s->row, ',');
	s->wcol = s->col;
	buf_append_byte(&s->row, '"');
	for (p = txt; *p; p++) {
		if (*p == '"')
			buf_append_byte(&s->row, '"');
		buf_append_byte(&s->row, (uint8_t)*p);
	}
	buf_append_byte(&s->row, '"');
	if (s->row.oom)
		return err_set(s->x->e, ERR_NOMEM, "out of memory");
	return ERR_OK;
}

/* A row with any value goes out as CSV line rowno (blank lines before
 * it keep the numbering); empty rows only count. */
static int
xlsx_end_row(struct sheet *s)
{
	size_t need;

	if (s->row.len == 0)
		return ERR_OK;
	need = (size_t)(s->rowno - 1 - s->lines) + s->row.len + 1;
	if (s->out->len + need > ROSTER_MAX_BYTES)
		return err_set(s->x->e, ERR_INVALID, "%s row %ld: the sheet "
		    "makes more than %u MiB of CSV", s->x->sheet, s->rowno,
		    ROSTER_MAX_BYTES >> 20);
	for (; s->lines < s->rowno - 1; s->lines++)
		buf_append_byte(s->out, '\n');
	buf_append(s->out, s->row.data, s->row.len);
	buf_append_byte(s->out, '\n');
	s->lines = s->rowno;
	buf_reset(&s->row);
	return s->out->oom ? err_set(s->x->e, ERR_NOMEM, "out of memory") :
	    ERR_OK;
}

/* One node of the sheet: rows, cells, and the text of <v> and of an
 * inline string's <t> (not its phonetic guides). */
static int
xlsx_sheet_node(struct sheet *s)
{
	struct xr *xr = &s->xr;
	int rc = ERR_OK, empty = xmlTextReaderIsEmptyElement(xr->r);

	if (xlsx_is_start(xr, "row"))
		rc = xlsx_begin_row(s);
	else if (xlsx_is_start(xr, "c"))
		rc = xlsx_begin_cell(s);
	else if (s->in_c && xlsx_is_start(xr, "rPh"))
		s->rph += !empty;
	else if (s->in_c && s->rph == 0 && (xlsx_is_start(xr, "v") ||
	    xlsx_is_start(xr, "t")))
		s->in_text = !empty;
	else if (s->in_c && s->in_text && s->rph == 0 && xlsx_is_text(xr)) {
		char where[32];

		xlsx_name_cell(s);
		snprintf(where, sizeof(where), "cell %s", s->ref);
		rc = xlsx_add_text(xr, &s->val, where);
	}
	if (rc != ERR_OK)
		return rc;
	if (xlsx_is_end(xr, "rPh") && s->rph > 0 && !empty)
		s->rph--;
	else if (xlsx_is_end(xr, "v") || xlsx_is_end(xr, "t"))
		s->in_text = 0;
	if (s->in_c && xlsx_is_end(xr, "c"))
		rc = xlsx_end_cell(s);
	else if (xlsx_is_end(xr, "row"))
		rc = xlsx_end_row(s);
	return rc;
}

static int
xlsx_read_sheet(struct xlsx *x, struct buf *b, struct buf *out)
{
	struct sheet s;
	int rc, k = 0;

	memset(&s, 0, sizeof(s));
	s.x = x;
	s.out = out;
	if ((rc = xlsx_read_part(x, x->sheet, b, 1)) != ERR_OK ||
	    (rc = xlsx_xml_open(&s.xr, b, x->sheet, x->e)) != ERR_OK)
		return rc;
	while (rc == ERR_OK && (k = xlsx_xml_next(&s.xr)) == 1)
		rc = xlsx_sheet_node(&s);
	xlsx_xml_close(&s.xr);
	buf_free(&s.row);
	buf_free(&s.val);
	if (rc == ERR_OK && k < 0)
		rc = x->e->code;
	return rc;
}

/* ---- entry points --------------------------------------------------- */

void
roster_xlsx_init(void)
{
	xmlInitParser();
}

int
roster_xlsx_sniff(const uint8_t *p, size_t n)
{
	return n >= 4 && memcmp(p, "PK\3\4", 4) == 0;
}

static void
xlsx_free(struct xlsx *x)
{
	if (x->za != NULL)
		zip_discard(x->za);
	free(x->sheet_ids);
	buf_free(&x->sst_text);
	free(x->sst_off);
	free(x->xf);
	free(x->fmt);
}

int
roster_xlsx_to_csv(const uint8_t *p, size_t n, struct buf *out,
    struct err *e)
{
	struct xlsx x;
	struct buf part = BUF_INIT;
	zip_error_t ze;
	zip_source_t *src;
	int rc;

	buf_reset(out);
	memset(&x, 0, sizeof(x));
	x.e = e;
	x.budget = XLSX_MAX_INFLATED;
	xmlInitParser();
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(n ? p : (const uint8_t *)"", n, 0,
	    &ze)) == NULL ||
	    (x.za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS,
	    &ze)) == NULL) {
		rc = err_set(e, ERR_INVALID, "not a readable ZIP file, which "
		    "an .xlsx workbook is (%s)", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	if ((rc = xlsx_find_parts(&x, &part)) == ERR_OK &&
	    (rc = xlsx_read_styles(&x, &part)) == ERR_OK &&
	    (rc = xlsx_read_sst(&x, &part)) == ERR_OK)
		rc = xlsx_read_sheet(&x, &part, out);
	buf_free(&part);
	xlsx_free(&x);
	if (rc != ERR_OK)
		buf_reset(out);
	return rc;
}
