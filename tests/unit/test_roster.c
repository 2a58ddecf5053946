/* test_roster.c - roster CSV parsing, ID numbers, names and photos. */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/base/err.h"
#include "skillcert/roster/roster.h"
#include "skillcert/base/utf8.h"
#include "skillcert/model/person.h"
#include "test.h"

#define HDR "姓名,证件类型,证件号码,职业,等级,评价方式,考核日期"
#define ROW "张三丰,居民身份证,11010519491231002X,养老护理员,四级,过程化考核,2021-03-15"

static int
parse(const char *s, struct roster *r, struct err *e)
{
	err_clear(e);
	return roster_parse(s, strlen(s), r, e);
}

/* Parses s expecting failure; checks the message holds want (and want2). */
static void
expect_error(int line, const char *s, size_t n, const char *want,
    const char *want2)
{
	struct roster r;
	struct err e;
	int rc;

	err_clear(&e);
	rc = roster_parse(s, n, &r, &e);
	if (rc != ERR_INVALID || strstr(e.msg, want) == NULL ||
	    (want2 && strstr(e.msg, want2) == NULL))
		fprintf(stderr, "test line %d: rc %d, message \"%s\"\n", line,
		    rc, e.msg);
	CHECK_EQ_INT(rc, ERR_INVALID);
	CHECK(strstr(e.msg, want) != NULL);
	CHECK(want2 == NULL || strstr(e.msg, want2) != NULL);
	CHECK(r.rows == NULL && r.arena == NULL && r.nrows == 0);
	roster_free(&r);
}
#define EXPECT_ERROR(s, w, w2) expect_error(__LINE__, s, strlen(s), w, w2)

static void
test_excel_utf8(void)
{
	/* BOM, CRLF, a quoted field with "" and an embedded line break,
	 * spaces and U+3000 around fields, blank and all-comma lines, an
	 * unknown column, a katakana middle dot. */
	const char *csv =
	    "\xef\xbb\xbf序号,姓名,证件类型,证件号码,职业,等级,评价方式,"
	    "考核日期,工作单位\r\n"
	    "1,张三丰,居民身份证,11010519491231002X,养老护理员,四级,"
	    "过程化考核,2021-03-15,\"南昌\"\"幸福\"\"养老院\r\n第二分院\"\r\n"
	    "2,　李四 ,居民身份证, 34052419800101001x ,养老护理员,五级,"
	    "直接认定,2021/3/15,\r\n"
	    "\r\n"
	    ",,,,,,,,\r\n"
	    "3,阿依古丽\xe3\x83\xbb买买提,居民身份证,11010519491231002X,"
	    "养老护理员,三级,业绩评审,2021年3月15日,\"\"\r\n"
	    "4,,,,,,,,\r\n";
	struct roster r;
	struct err e;

	CHECK_EQ_INT(parse(csv, &r, &e), 0);
	CHECK_EQ_INT(r.nrows, 3);
	CHECK_EQ_INT(r.encoding, 0);
	CHECK(r.has_col[RC_NAME] && r.has_col[RC_EMPLOYER]);
	CHECK(!r.has_col[RC_TRADE] && !r.has_col[RC_PHOTO]);
	if (r.nrows != 3) {
		roster_free(&r);
		return;
	}
	CHECK_EQ_INT(r.rows[0].line, 2);
	CHECK_STR(r.rows[0].f[RC_NAME], "张三丰");
	CHECK_STR(r.rows[0].f[RC_ID_NUMBER], "11010519491231002X");
	CHECK_STR(r.rows[0].f[RC_ASSESSED_ON], "2021-03-15");
	CHECK_STR(r.rows[0].f[RC_EMPLOYER], "南昌\"幸福\"养老院\r\n第二分院");
	CHECK_STR(r.rows[0].f[RC_TRADE], "");
	CHECK_STR(r.rows[0].f[RC_PHOTO], "");
	/* The quoted line break moves the next row to line 4. */
	CHECK_EQ_INT(r.rows[1].line, 4);
	CHECK_STR(r.rows[1].f[RC_NAME], "李四");
	CHECK_STR(r.rows[1].f[RC_ID_NUMBER], "34052419800101001x");
	CHECK_STR(r.rows[1].f[RC_LEVEL], "五级");
	CHECK_STR(r.rows[1].f[RC_EMPLOYER], "");
	CHECK_EQ_INT(r.rows[2].line, 7);
	CHECK_STR(r.rows[2].f[RC_NAME], "阿依古丽·买买提");
	CHECK_STR(r.rows[2].f[RC_ASSESSED_ON], "2021年3月15日");
	CHECK_STR(r.rows[2].f[RC_METHOD], "业绩评审");
	roster_free(&r);
	CHECK(r.rows == NULL && r.arena == NULL);
	roster_free(&r); /* twice is harmless */
}

static void
test_english_lf(void)
{
	const char *csv =
	    "Name,ID_Type,id number,Occupation,trade,LEVEL,Method,assessed-on,"
	    "Photo,Remarks\n"
	    "Maria Lopez,护照,E12345678,家政服务员,母婴护理员,4,2,20210315,"
	    "p/001.jpg,\"note, with comma\"\n"
	    "王五,居民身份证,11010519491231002X,育婴员\n";
	struct roster r;
	struct err e;

	CHECK_EQ_INT(parse(csv, &r, &e), 0);
	CHECK_EQ_INT(r.nrows, 2);
	CHECK(r.has_col[RC_PHOTO] && r.has_col[RC_TRADE]);
	if (r.nrows == 2) {
		CHECK_STR(r.rows[0].f[RC_NAME], "Maria Lopez");
		CHECK_STR(r.rows[0].f[RC_TRADE], "母婴护理员");
		CHECK_STR(r.rows[0].f[RC_PHOTO], "p/001.jpg");
		CHECK_STR(r.rows[0].f[RC_ASSESSED_ON], "20210315");
		/* Too few fields: the rest are "". */
		CHECK_EQ_INT(r.rows[1].line, 3);
		CHECK_STR(r.rows[1].f[RC_OCCUPATION], "育婴员");
		CHECK_STR(r.rows[1].f[RC_LEVEL], "");
		CHECK_STR(r.rows[1].f[RC_PHOTO], "");
	}
	roster_free(&r);

	/* Chinese alias headers, required-column stars, lone CR endings. */
	CHECK_EQ_INT(parse("*姓名,证件类型*,证件号码,职业名称,工种/职业方向,"
	    "职业技能等级,评价方式,考核日期\r"
	    "赵六,居民身份证,11010519491231002X,养老护理员,--,二级,"
	    "模块化考核,2021.3.15\r"
	    "钱七,居民身份证,11010519491231002X,养老护理员,,一级,"
	    "模块化考核,2021.3.15", &r, &e), 0);
	CHECK_EQ_INT(r.nrows, 2);
	if (r.nrows == 2) {
		CHECK_STR(r.rows[0].f[RC_OCCUPATION], "养老护理员");
		CHECK_STR(r.rows[0].f[RC_TRADE], "--");
		CHECK_STR(r.rows[0].f[RC_LEVEL], "二级");
		CHECK_EQ_INT(r.rows[1].line, 3);
		CHECK_STR(r.rows[1].f[RC_ASSESSED_ON], "2021.3.15");
	}
	roster_free(&r);
}

/* UTF-8 -> GB18030 with iconv, as Excel "CSV (逗号分隔)" writes it. */
static char *
to_gb18030(const char *s, size_t *outlen)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inleft = strlen(s), oleft = inleft * 2 + 8;
	char *out = malloc(oleft), *o = out, *in = (char *)s;

	if (cd == (iconv_t)-1 || out == NULL ||
	    iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		free(out);
		return NULL;
	}
	iconv_close(cd);
	*outlen = (size_t)(o - out);
	return out;
}

static void
test_gb18030(void)
{
	const char *utf8 =
	    HDR ",工作单位\r\n"
	    ROW ",\"江西表嫂家政\r\n服务中心\"\r\n"
	    "王𠮷,居民身份证,34052419800101001X,养老护理员,五级,直接认定,"
	    "2021年3月15日,䶮记\r\n";
	struct roster r;
	struct err e;
	char *gb, *bad;
	size_t n;

	gb = to_gb18030(utf8, &n);
	CHECK(gb != NULL);
	if (gb == NULL)
		return;
	CHECK(utf8_check((const uint8_t *)gb, n) != 0); /* really not UTF-8 */
	err_clear(&e);
	CHECK_EQ_INT(roster_parse(gb, n, &r, &e), 0);
	CHECK_EQ_INT(r.encoding, 1);
	CHECK_EQ_INT(r.nrows, 2);
	if (r.nrows == 2) {
		CHECK_STR(r.rows[0].f[RC_NAME], "张三丰");
		CHECK_STR(r.rows[0].f[RC_EMPLOYER], "江西表嫂家政\r\n服务中心");
		CHECK_EQ_INT(r.rows[1].line, 4);
		CHECK_STR(r.rows[1].f[RC_NAME], "王𠮷"); /* 4-byte GB18030 */
		CHECK_STR(r.rows[1].f[RC_EMPLOYER], "䶮记");
		CHECK_STR(r.rows[1].f[RC_ASSESSED_ON], "2021年3月15日");
	}
	roster_free(&r);

	/* Neither UTF-8 nor GB18030: 0x81 0x20 at the start of line 3. */
	bad = malloc(n);
	CHECK(bad != NULL);
	if (bad != NULL) {
		char want[32];
		size_t off, lf = 0;

		memcpy(bad, gb, n);
		for (off = 0; off < n && lf < 2; off++)
			if (bad[off] == '\n')
				lf++;
		bad[off] = (char)0x81;
		bad[off + 1] = ' ';
		err_clear(&e);
		CHECK_EQ_INT(roster_parse(bad, n, &r, &e), ERR_INVALID);
		snprintf(want, sizeof(want), "byte %zu (line 3)", off);
		if (strstr(e.msg, want) == NULL)
			fprintf(stderr, "GB18030 error \"%s\", wanted \"%s\"\n",
			    e.msg, want);
		CHECK(strstr(e.msg, want) != NULL);
		CHECK(strstr(e.msg, "GB18030") != NULL);
		CHECK(r.rows == NULL && r.arena == NULL);
		free(bad);
	}
	free(gb);
}

static void
test_shape_errors(void)
{
	char *big;
	size_t i;

	EXPECT_ERROR("姓名,证件类型,证件号码,职业,等级\n" "张三,1,2,3,4\n",
	    "评价方式", "考核日期");
	EXPECT_ERROR("\n\n姓名,证件类型,证件号码,职业,等级\n", "line 3",
	    "required");
	EXPECT_ERROR("", "empty", NULL);
	EXPECT_ERROR("\r\n ,　\r\n", "empty", NULL);
	EXPECT_ERROR(HDR "\n" ROW "\n" "李四,居民身份证,\"3405241980\n",
	    "line 3, column 3 (证件号码): unterminated quote", NULL);
	EXPECT_ERROR(HDR "\n" ROW "\n" "李四,居民身份证,\"34\"05,a,b,c,d\n",
	    "line 3, column 3 (证件号码)", "closing quote");
	EXPECT_ERROR(HDR "\n" ROW ",extra\n", "line 2", "8 fields");
	EXPECT_ERROR(HDR ",姓名\n", "line 1, column 8 (姓名)", "twice");
	EXPECT_ERROR("\xff\xfe" "A\0B\0", "UTF-16", NULL);
	expect_error(__LINE__, HDR "\n张\0三", strlen(HDR) + 6, "NUL",
	    "line 2");
	/* Invalid UTF-8 after a BOM is not retried as GB18030. */
	EXPECT_ERROR("\xef\xbb\xbf" HDR "\n" "\xe5\xbc,x\n", "line 2",
	    "UTF-8");

	/* A 300-byte occupation on line 3. */
	big = malloc(4096);
	CHECK(big != NULL);
	if (big == NULL)
		return;
	snprintf(big, 4096, "%s\n%s\n张三,居民身份证,1,", HDR, ROW);
	for (i = 0; i < 300; i++)
		strcat(big, "a");
	strcat(big, ",四级,过程化考核,2021-03-15\n");
	EXPECT_ERROR(big, "line 3, column 4 (职业)", "300 bytes");
	/* Exactly ROSTER_FIELD_MAX bytes is fine, after trimming. */
	snprintf(big, 4096, "%s\n张三,居民身份证,1,  ", HDR);
	for (i = 0; i < ROSTER_FIELD_MAX; i++)
		strcat(big, "b");
	strcat(big, "　,四级,过程化考核,2021-03-15\n");
	{
		struct roster r;
		struct err e;

		CHECK_EQ_INT(parse(big, &r, &e), 0);
		CHECK_EQ_INT(r.nrows, 1);
		if (r.nrows == 1)
			CHECK_EQ_INT(strlen(r.rows[0].f[RC_OCCUPATION]),
			    ROSTER_FIELD_MAX);
		roster_free(&r);
	}
	free(big);
}

static void
test_extra_fields(void)
{
	struct roster r;
	struct err e;

	/* Empty trailing fields beyond the header (Excel formatting) pass. */
	CHECK_EQ_INT(parse(HDR "\n" ROW ",,,\n", &r, &e), 0);
	CHECK_EQ_INT(r.nrows, 1);
	roster_free(&r);
	/* A row of only an unknown column (pre-numbered template) is no row. */
	CHECK_EQ_INT(parse("序号," HDR "\n1," ROW "\n2,,,,,,,\n3\n", &r, &e), 0);
	CHECK_EQ_INT(r.nrows, 1);
	roster_free(&r);
}

static void
test_limits(void)
{
	struct roster r;
	struct err e;
	char *p;
	size_t n, i, rowlen = strlen("a,b,c,d,e,f,g\n");

	/* Over the byte limit: refused before looking at the bytes. */
	p = calloc(1, (size_t)ROSTER_MAX_BYTES + 1);
	CHECK(p != NULL);
	if (p != NULL) {
		err_clear(&e);
		CHECK_EQ_INT(roster_parse(p, (size_t)ROSTER_MAX_BYTES + 1, &r, &e),
		    ERR_INVALID);
		CHECK(strstr(e.msg, "limit") != NULL);
		free(p);
	}

	/* ROSTER_MAX_ROWS + 1 rows: the error names the first row too many. */
	n = strlen(HDR) + 1 + rowlen * (ROSTER_MAX_ROWS + 1);
	p = malloc(n + 1);
	CHECK(p != NULL);
	if (p == NULL)
		return;
	memcpy(p, HDR "\n", strlen(HDR) + 1);
	for (i = 0; i <= ROSTER_MAX_ROWS; i++)
		memcpy(p + strlen(HDR) + 1 + i * rowlen, "a,b,c,d,e,f,g\n", rowlen);
	p[n] = '\0';
	err_clear(&e);
	CHECK_EQ_INT(roster_parse(p, n, &r, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "line 200002") != NULL);
	/* Exactly the limit is accepted. */
	CHECK_EQ_INT(roster_parse(p, n - rowlen, &r, &e), 0);
	CHECK_EQ_INT(r.nrows, ROSTER_MAX_ROWS);
	if (r.nrows == ROSTER_MAX_ROWS) {
		CHECK_EQ_INT(r.rows[ROSTER_MAX_ROWS - 1].line, ROSTER_MAX_ROWS + 1);
		CHECK_STR(r.rows[ROSTER_MAX_ROWS - 1].f[RC_ASSESSED_ON], "g");
	}
	roster_free(&r);
	free(p);
}

static void
test_load(void)
{
	char path[] = "/tmp/test_roster_XXXXXX";
	struct roster r;
	struct err e;
	int fd;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, HDR "\n" ROW "\n", strlen(HDR "\n" ROW "\n")) > 0);
	close(fd);
	err_clear(&e);
	CHECK_EQ_INT(roster_load(path, &r, &e), 0);
	CHECK_EQ_INT(r.nrows, 1);
	roster_free(&r);
	unlink(path);
	CHECK_EQ_INT(roster_load(path, &r, &e), ERR_NOTFOUND);
	CHECK(strstr(e.msg, path) != NULL);
}

/* The MOD 11-2 check character, computed independently of roster.c. */
static char
id_check_char(const char *id17)
{
	int i, sum = 0, w = 1;
	int wts[17];

	for (i = 16; i >= 0; i--) {
		w = w * 2 % 11;
		wts[i] = w;
	}
	for (i = 0; i < 17; i++)
		sum += (id17[i] - '0') * wts[i];
	return "10X98765432"[sum % 11];
}

static void
test_idcard(void)
{
	struct err e;
	char id[64];
	int i;

	strcpy(id, "11010519491231002X");
	CHECK_EQ_INT(person_check_idcard(id, &e), 0);
	strcpy(id, "34052419800101001X");
	CHECK_EQ_INT(person_check_idcard(id, &e), 0);
	strcpy(id, "34052419800101001x");
	CHECK_EQ_INT(person_check_idcard(id, &e), 0);
	CHECK_STR(id, "34052419800101001X");
	CHECK_EQ_INT(id_check_char("11010519491231002"), 'X');
	/* Full-width digits and Ｘ become ASCII, only when valid. */
	strcpy(id, "１１０１０５１９４９１２３１００２ｘ");
	CHECK_EQ_INT(person_check_idcard(id, &e), 0);
	CHECK_STR(id, "11010519491231002X");
	strcpy(id, "１１０１０５１９４９１２３１００２３");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK_STR(id, "１１０１０５１９４９１２３１００２３");
	strcpy(id, "1101一519491231002X");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "character 5 is not a digit") != NULL);

	/* Every single changed digit in the first 17 is caught. */
	for (i = 0; i < 17; i++) {
		strcpy(id, "11010519491231002X");
		id[i] = id[i] == '9' ? '0' : (char)(id[i] + 1);
		err_clear(&e);
		if (person_check_idcard(id, &e) != ERR_INVALID)
			fprintf(stderr, "accepted %s\n", id);
		CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	}
	strcpy(id, "110105194912310023");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "should be X, not 3") != NULL);
	strcpy(id, "110105194912310021");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK_STR(id, "110105194912310021"); /* untouched when invalid */

	strcpy(id, "11010519491231002");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "17 characters") != NULL);
	strcpy(id, "");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	strcpy(id, "1101051949123A002X");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "character 14") != NULL);
	strcpy(id, "11010519491231002Y");
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);

	/* Birth dates: not real, before 1900, in the future. The check
	 * character is right each time, so only the date can fail. */
	strcpy(id, "34052419800230001");
	id[17] = id_check_char(id);
	id[18] = '\0';
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "19800230") != NULL && strstr(e.msg, "real date"));
	strcpy(id, "34052418991231001");
	id[17] = id_check_char(id);
	id[18] = '\0';
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "1900") != NULL);
	strcpy(id, "34052420991231001");
	id[17] = id_check_char(id);
	id[18] = '\0';
	CHECK_EQ_INT(person_check_idcard(id, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "future") != NULL);
	strcpy(id, "34052420000229001");
	id[17] = id_check_char(id);
	id[18] = '\0';
	CHECK_EQ_INT(person_check_idcard(id, &e), 0); /* 2000 is a leap year */
}

static void
test_name(void)
{
	static const char *const good[] = { "张三丰", "李四", "𠮷", "王䶮",
	    "阿依古丽·买买提", "阿依古丽\xe3\x83\xbb买买提", "John Smith", "Zoë",
	    "李〇", "Mary Ann Lee", "张" };
	static const struct {
		const char *name, *want;
	} bad[] = {
		{ "", "empty" },
		{ "张三3", "character 3 (U+0033 '3') is a digit" },
		{ "张三３", "character 3 (U+FF13" },
		{ "张 三", "character 2 (U+0020" },
		{ " John", "character 1" },
		{ "John ", "character 5" },
		{ "John  Smith", "character 5" },
		{ "张@三", "character 2 (U+0040 '@')" },
		{ "·张三", "character 1" },
		{ "张三·", "character 3" },
		{ "张··三", "character 2" },
		{ "张\x01三", "control" },
		{ "张\xe3\x80\x80三", "full-width" },
		{ "张\xe5\xbc", "not valid UTF-8" },
		{ "张.三", "character 2" },
		{ "张三丰張三丰张三丰張三丰张三丰張三丰张三丰", "bytes" },
	};
	struct err e;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err_clear(&e);
		if (person_check_name(good[i], &e) != 0)
			fprintf(stderr, "rejected %s: %s\n", good[i], e.msg);
		CHECK_EQ_INT(person_check_name(good[i], &e), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		CHECK_EQ_INT(person_check_name(bad[i].name, &e), ERR_INVALID);
		if (strstr(e.msg, bad[i].want) == NULL)
			fprintf(stderr, "name %zu: \"%s\", wanted \"%s\"\n", i,
			    e.msg, bad[i].want);
		CHECK(strstr(e.msg, bad[i].want) != NULL);
	}
	/* 20 CJK characters (60 bytes) is the most. */
	CHECK_EQ_INT(person_check_name("张三丰張三丰张三丰張三丰张三丰張三丰张三", &e), 0);
}

/* One bad byte in a UTF-8 file is reported by line; the file is not
 * re-read as GB18030 (which used to succeed and sign garbled names). */
static void
test_damaged_utf8(void)
{
	const char *ok = "name,id_type,id_number,occupation,level,method,"
	    "assessed_on\n"
	    "张晓华,居民身份证,11010519491231002X,养老护理员,5,直接认定,2024-04-01\n"
	    "李\xff秀英,居民身份证,34052419800101001X,养老护理员,5,直接认定,"
	    "2024-04-01\n"
	    "王芳,居民身份证,34052419800101001X,养老护理员,4,直接认定,2024-04-01\n";
	struct roster r;
	struct err e;
	size_t bad;
	char *gb;
	size_t n;

	err_clear(&e);
	CHECK(roster_parse(ok, strlen(ok), &r, &e) != 0);
	CHECK(strstr(e.msg, "UTF-8 except for bytes on line 3") != NULL);
	CHECK_EQ_INT(roster_detect_encoding(ok, strlen(ok), &bad),
	    ROSTER_ENC_UTF8_DAMAGED);
	CHECK_EQ_INT(bad, (size_t)(strchr(ok, '\xff') - ok) + 1);
	/* Valid UTF-8 and real GB18030 are told apart from the whole file. */
	const char *u8 = "姓名,证件类型\n张三,护照\n";
	CHECK_EQ_INT(roster_detect_encoding(u8, strlen(u8), &bad), ROSTER_ENC_UTF8);
	gb = to_gb18030("姓名,证件类型\n张三,护照\n王𠮷,护照\n", &n);
	CHECK(gb != NULL);
	if (gb) {
		CHECK_EQ_INT(roster_detect_encoding(gb, n, &bad),
		    ROSTER_ENC_GB18030);
		free(gb);
	}
}

int
main(void)
{
	test_excel_utf8();
	test_english_lf();
	test_gb18030();
	test_damaged_utf8();
	test_shape_errors();
	test_extra_fields();
	test_limits();
	test_load();
	test_idcard();
	test_name();
	TEST_END();
}
