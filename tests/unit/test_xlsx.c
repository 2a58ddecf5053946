/* test_xlsx.c - XLSX rosters to CSV: workbooks written by openpyxl
 * (tests/tool/mk_xlsx.py), small packages built here with libzip for the
 * edge cases (dates, formats, references), and hostile packages. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>
#include <xlsxwriter.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/roster/roster.h"
#include "skillcert/roster/xlsx.h"
#include "test.h"

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELS_NS "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static char dir[64];

/* Converts file name (in dir); returns rc, CSV in out, message in e. */
static int
convert_file(const char *name, struct buf *out, struct err *e)
{
	char path[256];
	struct buf b = BUF_INIT;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (buf_read_file(&b, path, 1u << 28) != 0) {
		fprintf(stderr, "cannot read %s\n", path);
		return -1;
	}
	err_clear(e);
	rc = roster_xlsx_to_csv(b.data, b.len, out, e);
	buf_free(&b);
	return rc;
}

static int
same_csv(const struct buf *b, const char *want)
{
	if (b->len == strlen(want) && memcmp(b->data, want, b->len) == 0)
		return 1;
	fprintf(stderr, "got:\n%.*s\nwanted:\n%s\n", (int)b->len,
	    (const char *)b->data, want);
	return 0;
}

static const char ROSTER_CSV[] =
    "\"姓名\",\"证件类型\",\"证件号码\",\"职业\",\"等级\",\"评价方式\",\"考核日期\",\"工作单位\"\n"
    "\"张三\",\"居民身份证\",\"360102198503121231\",\"养老护理员\",\"四级\",\"过程化考核\",\"2024-03-15\",\"<b>&\"\"康养\"\" 'x'</b>, 一部\"\n"
    "\"李四\",\"居民身份证\",\"36070219920101102X\",\"养老护理员\",\"5\",\"过程化考核\",\"2024-02-29\"\n"
    "\n"
    "\"王五\",\"居民身份证\",\"110105194912310021\",\"育婴员\",\"五级\",\"过程化考核\",\"2024-01-02\",\"第一 第二\"\n";

static void
test_openpyxl(void)
{
	struct buf out = BUF_INIT;
	struct roster r;
	struct err e;
	char path[256];

	CHECK_EQ_INT(convert_file("roster.xlsx", &out, &e), ERR_OK);
	CHECK(same_csv(&out, ROSTER_CSV));
	/* the rows keep the sheet's numbers: 2, 3 and 5 (4 is empty) */
	CHECK_EQ_INT(roster_parse((const char *)out.data, out.len, &r, &e),
	    ERR_OK);
	CHECK_EQ_INT(r.nrows, 3);
	if (r.nrows == 3) {
		CHECK_EQ_INT(r.rows[0].line, 2);
		CHECK_EQ_INT(r.rows[1].line, 3);
		CHECK_EQ_INT(r.rows[2].line, 5);
		CHECK_STR(r.rows[0].f[RC_NAME], "张三");
		CHECK_STR(r.rows[1].f[RC_EMPLOYER], "");
		CHECK_STR(r.rows[0].f[RC_EMPLOYER], "<b>&\"康养\" 'x'</b>, 一部");
	}
	roster_free(&r);
	snprintf(path, sizeof(path), "%s/roster.xlsx", dir);
	CHECK_EQ_INT(roster_load(path, &r, &e), ERR_OK);
	CHECK_EQ_INT(r.nrows, 3);
	roster_free(&r);
	/* the 1904 date system: other serials, the same dates */
	CHECK_EQ_INT(convert_file("roster1904.xlsx", &out, &e), ERR_OK);
	CHECK(same_csv(&out, ROSTER_CSV));
	/* numbers as Excel shows them: an ID typed as a number loses digits */
	CHECK_EQ_INT(convert_file("idnum.xlsx", &out, &e), ERR_OK);
	CHECK(same_csv(&out,
	    "\"姓名\",\"证件类型\",\"证件号码\",\"职业\",\"等级\",\"评价方式\",\"考核日期\",\"工作单位\"\n"
	    "\"张三\",\"居民身份证\",\"3.60102E+17\",\"养老护理员\",\"四级\",\"过程化考核\",\"2024-03-15\"\n"
	    "\"李四\",\"居民身份证\",\"110105194912310000\",\"养老护理员\",\"四级\",\"过程化考核\",\"2024-03-15\"\n"
	    "\"数\",,\"0.3\",\"1.23457E+11\",\"-1.5\",\"1E-07\",\"TRUE\",\"3\"\n"));
	buf_free(&out);
}

static void
expect_fail(const char *name, const char *want)
{
	struct buf out = BUF_INIT;
	struct err e;
	int rc = convert_file(name, &out, &e);

	CHECK_EQ_INT(rc, ERR_INVALID);
	CHECK(out.len == 0);
	if (strstr(e.msg, want) == NULL) {
		fprintf(stderr, "%s: message \"%s\" lacks \"%s\"\n", name, e.msg,
		    want);
		CHECK(0);
	}
	buf_free(&out);
}

static void
test_hostile(void)
{
	expect_fail("notzip.xlsx", "not a readable ZIP");
	expect_fail("nowb.xlsx", "no workbook");
	expect_fail("bomb.xlsx", "xl/worksheets/sheet2.xml: would inflate to 83886080 bytes");
	expect_fail("ratio.xlsx", "times (a ZIP bomb?)");
	expect_fail("encrypted.xlsx", "encrypted");
	expect_fail("liar.xlsx", "xl/worksheets/sheet2.xml: inflates to another size");
	expect_fail("laughs.xlsx", "xl/sharedStrings.xml: has a DOCTYPE");
	expect_fail("xxe.xlsx", "xl/worksheets/sheet2.xml: has a DOCTYPE");
	expect_fail("badref.xlsx", "xl/worksheets/sheet2.xml cell A1: shared string index out of range");
}

/* A workbook of one sheet in memory: parts as given (NULL: left out). */
static void
make_xlsx(const char *wbpr, const char *styles, const char *sst,
    const char *sheet, struct buf *out)
{
	static char wb[1024], rels[2048];
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	struct { const char *name, *text; } p[6];
	int i, n = 0;

	snprintf(wb, sizeof(wb), "<workbook " NS " " RNS ">%s<sheets><sheet "
	    "name=\"a\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>",
	    wbpr ? wbpr : "");
	snprintf(rels, sizeof(rels), "<Relationships " RELS_NS ">"
	    "<Relationship Id=\"rId7\" Type=\"" RT "worksheet\" Target=\"worksheets/data.xml\"/>"
	    "%s%s</Relationships>",
	    styles ? "<Relationship Id=\"rId8\" Type=\"" RT "styles\" Target=\"styles.xml\"/>" : "",
	    sst ? "<Relationship Id=\"rId9\" Type=\"" RT "sharedStrings\" Target=\"/xl/strings.xml\"/>" : "");
	p[n].name = "_rels/.rels";
	p[n++].text = "<Relationships " RELS_NS "><Relationship Id=\"rId1\" Type=\""
	    RT "officeDocument\" Target=\"xl/book.xml\"/></Relationships>";
	p[n].name = "xl/book.xml", p[n++].text = wb;
	p[n].name = "xl/_rels/book.xml.rels", p[n++].text = rels;
	p[n].name = "xl/worksheets/data.xml", p[n++].text = sheet;
	if (styles)
		p[n].name = "xl/styles.xml", p[n++].text = styles;
	if (sst)
		p[n].name = "xl/strings.xml", p[n++].text = sst;
	src = zip_source_buffer_create(NULL, 0, 0, NULL);
	za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
	zip_source_keep(src);
	for (i = 0; i < n; i++)
		zip_file_add(za, p[i].name, zip_source_buffer(za, p[i].text,
		    strlen(p[i].text), 0), 0);
	zip_close(za);
	zip_source_stat(src, &st);
	buf_reset(out);
	buf_reserve(out, st.size);
	zip_source_open(src);
	out->len = (size_t)zip_source_read(src, out->data, st.size);
	zip_source_close(src);
	zip_source_free(src);
}

#define SHEET(rows) "<worksheet " NS "><sheetData>" rows "</sheetData></worksheet>"
#define STYLES(fmts, xfs) "<styleSheet " NS "><numFmts>" fmts "</numFmts>" \
	"<cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>" xfs "</cellXfs></styleSheet>"

static int
conv(const char *wbpr, const char *styles, const char *sst, const char *sheet,
    struct buf *out, struct err *e)
{
	struct buf x = BUF_INIT;
	int rc;

	make_xlsx(wbpr, styles, sst, sheet, &x);
	err_clear(e);
	rc = roster_xlsx_to_csv(x.data, x.len, out, e);
	buf_free(&x);
	return rc;
}

static void
test_dates(void)
{
	/* xf 0 General, 1 built-in 14, 2 yyyy/m/d, 3 [h]:mm, 4 mm:ss,
	 * 5 scientific, 6 Chinese long date, 7 m月d日, 8 built-in 31 (zh),
	 * 9 "0" (cellStyleXfs' 14 must not count) */
	const char *st = STYLES(
	    "<numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/>"
	    "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm\"/>"
	    "<numFmt numFmtId=\"166\" formatCode=\"mm:ss\"/>"
	    "<numFmt numFmtId=\"167\" formatCode=\"0.00E+00\"/>"
	    "<numFmt numFmtId=\"168\" formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	    "<numFmt numFmtId=\"169\" formatCode=\"m&quot;月&quot;d&quot;日&quot;\"/>",
	    "<xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	    "<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"167\"/>"
	    "<xf numFmtId=\"168\"/><xf numFmtId=\"169\"/><xf numFmtId=\"31\"/>"
	    "<xf numFmtId=\"1\"/>");
	struct buf out = BUF_INIT;
	struct err e;

	CHECK_EQ_INT(conv(NULL, st, NULL, SHEET(
	    "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c><c r=\"B1\" s=\"1\"><v>59</v></c>"
	    "<c r=\"C1\" s=\"1\"><v>60</v></c><c r=\"D1\" s=\"1\"><v>61</v></c>"
	    "<c r=\"E1\" s=\"2\"><v>45366.75</v></c><c r=\"F1\" s=\"3\"><v>1.5</v></c>"
	    "<c r=\"G1\" s=\"4\"><v>0.25</v></c><c r=\"H1\" s=\"5\"><v>12345</v></c>"
	    "<c r=\"I1\" s=\"6\"><v>45366</v></c><c r=\"J1\" s=\"7\"><v>45366</v></c>"
	    "<c r=\"K1\" s=\"8\"><v>45366</v></c><c r=\"L1\" s=\"0\"><v>45366</v></c>"
	    "<c r=\"M1\" s=\"9\"><v>360102198503121231</v></c><c r=\"N1\"><v>2958465</v></c></row>"),
	    &out, &e), ERR_OK);
	CHECK(same_csv(&out, "\"1900-01-01\",\"1900-02-28\",\"1900-02-29\","
	    "\"1900-03-01\",\"2024-03-15\",\"1.5\",\"0.25\",\"12345\","
	    "\"2024-03-15\",\"2024-03-15\",\"2024-03-15\",\"45366\","
	    "\"360102198503121000\",\"2958465\"\n"));
	/* 1904: day 0 is 1904-01-01 */
	CHECK_EQ_INT(conv("<workbookPr date1904=\"true\"/>", st, NULL, SHEET(
	    "<row r=\"1\"><c r=\"A1\" s=\"1\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>43904</v></c></row>"),
	    &out, &e), ERR_OK);
	CHECK(same_csv(&out, "\"1904-01-01\",\"2024-03-15\"\n"));
	CHECK_EQ_INT(conv(NULL, st, NULL, SHEET(
	    "<row r=\"7\"><c r=\"C7\" s=\"1\"><v>-3</v></c></row>"), &out, &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "xl/worksheets/data.xml cell C7: ") != NULL);
	CHECK_EQ_INT(conv(NULL, st, NULL, SHEET(
	    "<row r=\"2\"><c r=\"AB2\"><v>1x</v></c></row>"), &out, &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "cell AB2: holds a number") != NULL);
	buf_free(&out);
}

static void
test_cells(void)
{
	const char *sst = "<sst " NS "><si><t xml:space=\"preserve\"> a_x000D__x000A_b_x005F_x0041_ </t></si>"
	    "<si><r><t>富</t></r><r><rPr><i/></rPr><t>文本</t></r><rPh><t>ふ</t></rPh></si><si/></sst>";
	struct buf out = BUF_INIT;
	struct err e;

	/* gaps by reference, rows and cells without r, every type */
	CHECK_EQ_INT(conv(NULL, NULL, sst, SHEET(
	    "<row r=\"1\"><c r=\"B1\" t=\"s\"><v>0</v></c><c r=\"D1\" t=\"s\"><v>1</v></c>"
	    "<c r=\"E1\" t=\"s\"><v>2</v></c></row>"
	    "<row><c t=\"inlineStr\"><is><t>x,y</t></is></c><c t=\"b\"><v>0</v></c>"
	    "<c t=\"str\"><f>A1</f><v>公式</v></c><c t=\"e\"><v>#N/A</v></c><c/>"
	    "<c t=\"d\"><v>2024-03-15T00:00:00</v></c><c t=\"s\"/></row>"
	    "<row r=\"5\"><c r=\"A5\"/></row>"), &out, &e), ERR_OK);
	CHECK(same_csv(&out, ",\" a b_x0041_ \",,\"富文本\"\n"
	    "\"x,y\",\"FALSE\",\"公式\",\"#N/A\",,\"2024-03-15\"\n"));
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET(
	    "<row r=\"3\"><c r=\"B3\"><v>1</v></c><c r=\"A3\"><v>2</v></c></row>"),
	    &out, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "cell A3: out of order") != NULL);
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET(
	    "<row r=\"3\"/><row r=\"2\"/>"), &out, &e), ERR_INVALID);
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET(
	    "<row r=\"3\"><c r=\"A4\"><v>1</v></c></row>"), &out, &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "row 3: cell reference 'A4'") != NULL);
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET("<row r=\"1\"><c r=\"A1\">"),
	    &out, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "not well-formed XML") != NULL);
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET(
	    "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>"), &out, &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "cell A1: shared string index") != NULL);
	/* the column cap: a cell at XFD1048576 is fine, beyond is not */
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET(
	    "<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"), &out, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(roster_xlsx_sniff((const uint8_t *)"PK\3\4", 4), 1);
	CHECK_EQ_INT(roster_xlsx_sniff((const uint8_t *)"姓名,", 4), 0);
	buf_free(&out);
}

/* Small files that would expand past the caps when converted. */
static void
test_caps(void)
{
	struct buf sst = BUF_INIT, sheet = BUF_INIT, out = BUF_INIT;
	struct err e;
	int c, r;

	/* one 30 KB shared string in 2,500 cells: 75 MB of CSV */
	buf_append_str(&sst, "<sst " NS "><si><t>");
	for (c = 0; c < 30000; c++)
		buf_append_byte(&sst, 'x');
	buf_append_str(&sst, "</t></si></sst>");
	buf_cstr(&sst);
	buf_append_str(&sheet, "<worksheet " NS "><sheetData>");
	for (r = 1; r <= 50; r++) {
		buf_printf(&sheet, "<row r=\"%d\">", r);
		for (c = 0; c < 50; c++)
			buf_append_str(&sheet, "<c t=\"s\"><v>0</v></c>");
		buf_append_str(&sheet, "</row>");
	}
	buf_append_str(&sheet, "</sheetData></worksheet>");
	CHECK_EQ_INT(conv(NULL, NULL, (char *)sst.data, buf_cstr(&sheet), &out,
	    &e), ERR_INVALID);
	CHECK(strstr(e.msg, "more CSV than a roster may hold") != NULL);
	CHECK(out.len == 0);
	/* a cell's text is capped */
	buf_reset(&sheet);
	buf_append_str(&sheet, "<worksheet " NS "><sheetData><row r=\"2\"><c "
	    "r=\"B2\" t=\"inlineStr\"><is><t>");
	for (c = 0; c < 40000; c++)
		buf_append_byte(&sheet, 'y');
	buf_append_str(&sheet, "</t></is></c></row></sheetData></worksheet>");
	CHECK_EQ_INT(conv(NULL, NULL, NULL, buf_cstr(&sheet), &out, &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "xl/worksheets/data.xml cell B2: text longer") !=
	    NULL);
	/* a row a million rows down is fine; its line number is kept */
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET("<row r=\"1048576\"><c "
	    "r=\"XFD1048576\"><v>7</v></c></row>"), &out, &e), ERR_OK);
	CHECK_EQ_INT(out.len, 1048575 + 16383 + 4);
	CHECK_EQ_INT(conv(NULL, NULL, NULL, SHEET("<row r=\"1048577\"/>"),
	    &out, &e), ERR_INVALID);
	buf_free(&sst);
	buf_free(&sheet);
	buf_free(&out);
}

/* The same roster as libxlsxwriter writes it: shared strings by
 * default, inline strings in constant-memory mode. This libxlsxwriter
 * does not escape a literal "_x0041_" (Excel writes _x005F_x0041_), so
 * Excel itself shows that cell as "A": so do we. */
static void
write_lxw(const char *path, int constant_memory)
{
	lxw_workbook_options o = { 0 };
	lxw_datetime dt = { 2024, 3, 15, 0, 0, 0 };
	lxw_workbook *wb;
	lxw_worksheet *ws, *other;
	lxw_format *df;
	static const char *const hdr[] = { "姓名", "证件类型", "证件号码",
	    "职业", "等级", "评价方式", "考核日期", "工作单位" };
	int c;

	o.constant_memory = (uint8_t)constant_memory;
	o.tmpdir = dir;
	wb = workbook_new_opt(path, &o);
	ws = workbook_add_worksheet(wb, "名单");
	other = workbook_add_worksheet(wb, "另一张");
	df = workbook_add_format(wb);
	format_set_num_format(df, "yyyy\"年\"m\"月\"d\"日\"");
	for (c = 0; c < 8; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, hdr[c], NULL);
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	worksheet_write_string(ws, 1, 1, "居民身份证", NULL);
	worksheet_write_string(ws, 1, 2, "11010519491231002X", NULL);
	worksheet_write_string(ws, 1, 3, "养老护理员", NULL);
	worksheet_write_number(ws, 1, 4, 4, NULL);
	worksheet_write_string(ws, 1, 5, "过程化考核", NULL);
	worksheet_write_datetime(ws, 1, 6, &dt, df);
	worksheet_write_string(ws, 1, 7, "<i>A&B \"C\"</i>,_x0041_", NULL);
	worksheet_write_string(ws, 3, 0, "李四", NULL);
	worksheet_write_boolean(ws, 3, 2, 1, NULL);
	worksheet_write_number(ws, 3, 4, 2.5, NULL);
	worksheet_write_string(other, 0, 0, "不该读到", NULL);
	CHECK_EQ_INT(workbook_close(wb), LXW_NO_ERROR);
}

static void
test_libxlsxwriter(void)
{
	static const char want[] =
	    "\"姓名\",\"证件类型\",\"证件号码\",\"职业\",\"等级\",\"评价方式\",\"考核日期\",\"工作单位\"\n"
	    "\"张三\",\"居民身份证\",\"11010519491231002X\",\"养老护理员\",\"4\",\"过程化考核\",\"2024-03-15\",\"<i>A&B \"\"C\"\"</i>,A\"\n"
	    "\n"
	    "\"李四\",,\"TRUE\",,\"2.5\"\n";
	struct buf out = BUF_INIT;
	struct err e;
	char path[128];
	int cm;

	for (cm = 0; cm <= 1; cm++) {
		snprintf(path, sizeof(path), "%s/lxw%d.xlsx", dir, cm);
		write_lxw(path, cm);
		CHECK_EQ_INT(convert_file(path + strlen(dir) + 1, &out, &e),
		    ERR_OK);
		CHECK(same_csv(&out, want));
	}
	buf_free(&out);
}

int
main(void)
{
	const char *src = getenv("SKILLCERT_SRC");
	char cmd[512];

	snprintf(dir, sizeof(dir), "/tmp/test_xlsx.XXXXXX");
	if (src == NULL || mkdtemp(dir) == NULL) {
		fprintf(stderr, "SKILLCERT_SRC unset or no temp dir\n");
		return 1;
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/tool/mk_xlsx.py %s",
	    src, dir);
	CHECK_EQ_INT(system(cmd), 0);
	test_openpyxl();
	test_hostile();
	test_dates();
	test_cells();
	test_libxlsxwriter();
	test_caps();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	TEST_END();
}
