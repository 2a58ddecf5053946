/* fuzz_xlsx.c - roster_xlsx_to_csv on arbitrary bytes: a ZIP as given
 * (input starting "PK"), or else the input split at NUL bytes into the
 * sheet, shared strings and styles of a workbook built here, so the XML
 * readers get most of the mutations. What comes out must be UTF-8 with
 * no NUL, that the roster parser can read; an error must say why and
 * leave nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "skillcert/base/utf8.h"
#include "skillcert/roster/roster.h"
#include "skillcert/roster/xlsx.h"

#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char ROOT_RELS[] = "<Relationships xmlns=\"http://schemas."
    "openxmlformats.org/package/2006/relationships\"><Relationship Id=\"r1\" "
    "Type=\"" RT "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char WORKBOOK[] = "<workbook xmlns:r=\"" RT "\"><sheets><sheet "
    "name=\"a\" sheetId=\"1\" r:id=\"r1\"/></sheets></workbook>";
static const char WB_RELS[] = "<Relationships><Relationship Id=\"r1\" Type=\""
    RT "worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"r2\" "
    "Type=\"" RT "sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship "
    "Id=\"r3\" Type=\"" RT "styles\" Target=\"styles.xml\"/></Relationships>";

static void
add(zip_t *za, const char *name, const void *p, size_t n)
{
	zip_source_t *s = zip_source_buffer(za, p, n, 0);

	if (s != NULL && zip_file_add(za, name, s, 0) < 0)
		zip_source_free(s);
}

/* parts[0..3): sheet, shared strings, styles, each up to a NUL. */
static int
wrap(const uint8_t *d, size_t n, uint8_t **out, size_t *outn)
{
	const uint8_t *part[3] = { d, d + n, d + n };
	size_t len[3] = { n, 0, 0 }, i, k = 0;
	zip_source_t *src;
	zip_stat_t st;
	zip_t *za;

	for (i = 0; i < n && k < 2; i++)
		if (d[i] == 0) {
			len[k] = (size_t)(d + i - part[k]);
			part[++k] = d + i + 1;
			len[k] = n - i - 1;
		}
	if ((src = zip_source_buffer_create(NULL, 0, 0, NULL)) == NULL)
		return -1;
	if ((za = zip_open_from_source(src, ZIP_TRUNCATE, NULL)) == NULL) {
		zip_source_free(src);
		return -1;
	}
	zip_source_keep(src);
	add(za, "_rels/.rels", ROOT_RELS, strlen(ROOT_RELS));
	add(za, "xl/workbook.xml", WORKBOOK, strlen(WORKBOOK));
	add(za, "xl/_rels/workbook.xml.rels", WB_RELS, strlen(WB_RELS));
	add(za, "xl/worksheets/sheet1.xml", part[0], len[0]);
	add(za, "xl/sharedStrings.xml", part[1], len[1]);
	add(za, "xl/styles.xml", part[2], len[2]);
	if (zip_close(za) != 0 || zip_source_stat(src, &st) != 0 ||
	    zip_source_open(src) != 0 || (*out = malloc(st.size + 1)) == NULL) {
		zip_source_free(src);
		return -1;
	}
	*outn = (size_t)zip_source_read(src, *out, st.size);
	zip_source_close(src);
	zip_source_free(src);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = BUF_INIT;
	struct roster r;
	struct err e;
	uint8_t *z = NULL;
	size_t zn = 0;
	int rc;

	if (size >= 2 && data[0] == 'P' && data[1] == 'K') {
		rc = roster_xlsx_to_csv(data, size, &out, &e);
	} else {
		if (wrap(data, size, &z, &zn) != 0)
			return 0;
		rc = roster_xlsx_to_csv(z, zn, &out, &e);
		free(z);
	}
	if (rc != 0) {
		if (e.msg[0] == '\0' || out.len != 0)
			abort();
	} else {
		if (utf8_check(out.data, out.len) != 0 ||
		    (out.len && memchr(out.data, 0, out.len) != NULL) ||
		    out.len > ROSTER_MAX_BYTES)
			abort();
		if (roster_parse(out.len ? (const char *)out.data : "", out.len,
		    &r, &e) == 0)
			roster_free(&r);
	}
	buf_free(&out);
	return 0;
}
