/* test_text.c - UTF-8, base32, hex, escaping, masking and dates. */
#include <stdint.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/utf8.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/html.h"
#include "skillcert/base/mask.h"
#include "skillcert/base/date.h"
#include "skillcert/base/json.h"
#include "test.h"

static int
decode_len(const char *s, size_t n)
{
	uint32_t cp = 0xdeadbeef;

	return utf8_decode((const uint8_t *)s, n, &cp);
}

static void
test_utf8(void)
{
	uint32_t cp;
	char enc[4];
	static const uint32_t cps[] = { 0, 0x41, 0x7f, 0x80, 0xb7, 0x7ff, 0x800,
	    0x4e09, 0xfffd, 0xffff, 0x10000, 0x20bb7, 0x10ffff };
	size_t i;

	CHECK_EQ_INT(utf8_decode((const uint8_t *)"A", 1, &cp), 1);
	CHECK_EQ_INT(cp, 0x41);
	CHECK_EQ_INT(utf8_decode((const uint8_t *)"\xc2\xb7", 2, &cp), 2);
	CHECK_EQ_INT(cp, 0xb7);
	CHECK_EQ_INT(utf8_decode((const uint8_t *)"张", 3, &cp), 3);
	CHECK_EQ_INT(cp, 0x5f20);
	CHECK_EQ_INT(utf8_decode((const uint8_t *)"𠮷", 4, &cp), 4);
	CHECK_EQ_INT(cp, 0x20bb7);
	CHECK_EQ_INT(utf8_decode((const uint8_t *)"", 0, &cp), 0);

	/* Overlong forms of '/' and of U+0000. */
	CHECK_EQ_INT(decode_len("\xc0\xaf", 2), 0);
	CHECK_EQ_INT(decode_len("\xc1\xbf", 2), 0);
	CHECK_EQ_INT(decode_len("\xe0\x80\xaf", 3), 0);
	CHECK_EQ_INT(decode_len("\xe0\x9f\xbf", 3), 0);
	CHECK_EQ_INT(decode_len("\xf0\x80\x80\xaf", 4), 0);
	CHECK_EQ_INT(decode_len("\xf0\x8f\xbf\xbf", 4), 0);
	/* Surrogates, and past U+10FFFF. */
	CHECK_EQ_INT(decode_len("\xed\xa0\x80", 3), 0);
	CHECK_EQ_INT(decode_len("\xed\xbf\xbf", 3), 0);
	CHECK_EQ_INT(decode_len("\xed\x9f\xbf", 3), 3); /* U+D7FF is fine */
	CHECK_EQ_INT(decode_len("\xf4\x90\x80\x80", 4), 0);
	CHECK_EQ_INT(decode_len("\xf5\x80\x80\x80", 4), 0);
	CHECK_EQ_INT(decode_len("\xff", 1), 0);
	/* Truncated, and a lone or missing continuation byte. */
	CHECK_EQ_INT(decode_len("\xe5\xbc", 2), 0);
	CHECK_EQ_INT(decode_len("\xe5\xbc\xa0", 2), 0); /* n limits it */
	CHECK_EQ_INT(decode_len("\xf0\xa0\xae", 3), 0);
	CHECK_EQ_INT(decode_len("\x80", 1), 0);
	CHECK_EQ_INT(decode_len("\xe5\x41\x41", 3), 0);

	CHECK_EQ_INT(utf8_check((const uint8_t *)"张三丰", strlen("张三丰")), 0);
	CHECK_EQ_INT(utf8_check((const uint8_t *)"", 0), 0);
	CHECK_EQ_INT(utf8_check((const uint8_t *)"ab\xe5\xbc", 4), 3);
	CHECK_EQ_INT(utf8_check((const uint8_t *)"\xed\xa0\x80", 3), 1);
	CHECK_EQ_INT(utf8_check((const uint8_t *)"张\xc0\xaf", 5), 4);

	CHECK_EQ_INT(utf8_count("张三丰"), 3);
	CHECK_EQ_INT(utf8_count("𠮷a·"), 3);
	CHECK_EQ_INT(utf8_count(""), 0);

	for (i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		int l = utf8_encode(cps[i], enc);

		CHECK(l >= 1 && l <= 4);
		CHECK_EQ_INT(utf8_decode((const uint8_t *)enc, (size_t)l, &cp), l);
		CHECK_EQ_INT(cp, cps[i]);
	}
	CHECK_EQ_INT(utf8_encode(0xd800, enc), 0);
	CHECK_EQ_INT(utf8_encode(0x110000, enc), 0);
	CHECK_EQ_INT(utf8_encode(0x20bb7, enc), 4);
	CHECK(memcmp(enc, "𠮷", 4) == 0);
}

static void
test_base32(void)
{
	/* RFC 4648 section 10, padding removed. */
	static const char *const plain[] = { "", "f", "fo", "foo", "foob",
	    "fooba", "foobar" };
	static const char *const coded[] = { "", "MY", "MZXQ", "MZXW6",
	    "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI" };
	char out[256];
	uint8_t in[150], back[150];
	uint32_t seed = 12345;
	size_t i, n, bad;
	long r;

	for (i = 0; i < 7; i++) {
		base32_encode((const uint8_t *)plain[i], strlen(plain[i]), out);
		CHECK_STR(out, coded[i]);
		CHECK_EQ_INT(base32_encoded_len(strlen(plain[i])),
		    strlen(coded[i]));
		r = base32_decode(coded[i], strlen(coded[i]), back, sizeof(back),
		    NULL);
		CHECK_EQ_INT(r, (long)strlen(plain[i]));
		CHECK(r >= 0 && memcmp(back, plain[i], (size_t)r) == 0);
	}
	/* Lower case is accepted. */
	CHECK_EQ_INT(base32_decode("mzxw6ytboi", 10, back, sizeof(back), NULL), 6);
	CHECK(memcmp(back, "foobar", 6) == 0);

	/* Round trips of every length 0..150 with all byte values. */
	for (n = 0; n <= sizeof(in); n++) {
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (uint8_t)(seed >> 16);
		}
		base32_encode(in, n, out);
		CHECK_EQ_INT(strlen(out), base32_encoded_len(n));
		r = base32_decode(out, strlen(out), back, sizeof(back), NULL);
		CHECK_EQ_INT(r, (long)n);
		CHECK(r >= 0 && memcmp(back, in, n) == 0);
	}

	/* A bad character is located. */
	bad = 99;
	CHECK_EQ_INT(base32_decode("MZX1W6", 6, back, sizeof(back), &bad), -1);
	CHECK_EQ_INT(bad, 3);
	bad = 99;
	CHECK_EQ_INT(base32_decode("MZXW6YQ=", 8, back, sizeof(back), &bad), -1);
	CHECK_EQ_INT(bad, 7);
	CHECK_EQ_INT(base32_decode("MZ XQ", 5, back, sizeof(back), NULL), -1);
	/* Impossible lengths (1, 3, 6 mod 8) and non-zero unused bits. */
	CHECK_EQ_INT(base32_decode("M", 1, back, sizeof(back), NULL), -1);
	CHECK_EQ_INT(base32_decode("MZX", 3, back, sizeof(back), NULL), -1);
	CHECK_EQ_INT(base32_decode("MZXW6Y", 6, back, sizeof(back), NULL), -1);
	CHECK_EQ_INT(base32_decode("MZ", 2, back, sizeof(back), NULL), -1);
	CHECK_EQ_INT(base32_decode("MZXR", 4, back, sizeof(back), NULL), -1);
	CHECK_EQ_INT(base32_decode("MZXW7", 5, back, sizeof(back), NULL), -1);
	/* Output capacity is respected. */
	memset(back, 0xaa, sizeof(back));
	CHECK_EQ_INT(base32_decode("MZXW6YTBOI", 10, back, 5, NULL), -1);
	CHECK_EQ_INT(back[5], 0xaa);
	CHECK_EQ_INT(base32_decode("MZXW6YTBOI", 10, back, 6, NULL), 6);
}

static void
test_hex(void)
{
	uint8_t b[4] = { 0x00, 0x9f, 0xab, 0xff }, back[4];
	char out[9];

	hex_encode(b, 4, out);
	CHECK_STR(out, "009fabff");
	CHECK_EQ_INT(hex_decode("009FABff", 8, back, 4), 4);
	CHECK(memcmp(back, b, 4) == 0);
	CHECK_EQ_INT(hex_decode("009", 3, back, 4), -1);
	CHECK_EQ_INT(hex_decode("0g", 2, back, 4), -1);
	CHECK_EQ_INT(hex_decode("0011223344", 10, back, 4), -1);
	CHECK_EQ_INT(hex_decode("", 0, back, 4), 0);
}

static void
test_escape(void)
{
	struct buf b = BUF_INIT;

	CHECK_EQ_INT(html_escape(&b, "<a href=\"x\">'张&三'</a>"), 0);
	CHECK_STR(buf_cstr(&b),
	    "&lt;a href=&quot;x&quot;&gt;&#39;张&amp;三&#39;&lt;/a&gt;");
	buf_reset(&b);
	CHECK_EQ_INT(html_escape(&b, "plain 文本"), 0);
	CHECK_STR(buf_cstr(&b), "plain 文本");

	buf_reset(&b);
	CHECK_EQ_INT(json_escape(&b, "a\"b\\c\nd\x01\x7f张"), 0);
	CHECK_STR(buf_cstr(&b), "a\\\"b\\\\c\\u000ad\\u0001\\u007f张");
	buf_reset(&b);
	CHECK_EQ_INT(json_escape(&b, "x\xe2\x80\xa8y\xffz"), 0);
	CHECK_STR(buf_cstr(&b), "x\\u2028y\\ufffdz");
	buf_free(&b);
}

static void
test_mask(void)
{
	char out[64];
	char small[4];

	mask_name("张三丰", out, sizeof(out));
	CHECK_STR(out, "张*丰");
	mask_name("张三", out, sizeof(out));
	CHECK_STR(out, "张*");
	mask_name("张", out, sizeof(out));
	CHECK_STR(out, "*");
	mask_name("𠮷", out, sizeof(out));
	CHECK_STR(out, "*");
	mask_name("𠮷一", out, sizeof(out));
	CHECK_STR(out, "𠮷*");
	mask_name("王𠮷华", out, sizeof(out));
	CHECK_STR(out, "王*华");
	mask_name("欧阳𠮷华", out, sizeof(out));
	CHECK_STR(out, "欧**华");
	mask_name("阿依古丽·买买提", out, sizeof(out));
	CHECK_STR(out, "阿***·**提");
	mask_name("John Smith", out, sizeof(out));
	CHECK_STR(out, "J*** ****h");
	mask_name("", out, sizeof(out));
	CHECK_STR(out, "");
	/* Invalid bytes are never copied out, even in first place. */
	mask_name("\xff张三", out, sizeof(out));
	CHECK_STR(out, "**三");
	mask_name("张\xe5\xbc", out, sizeof(out));
	CHECK_STR(out, "张**");
	/* cap = strlen + 1 is enough; less truncates on a character. */
	mask_name("张三丰", out, strlen("张三丰") + 1);
	CHECK_STR(out, "张*丰");
	memset(small, 'Z', sizeof(small));
	mask_name("张三丰", small, sizeof(small));
	CHECK_STR(small, "张");
	mask_name("张三丰", small, 3);
	CHECK_STR(small, "");

	mask_id("11010519491231002X", out, sizeof(out));
	CHECK_STR(out, "1101**********002X");
	mask_id("360102199001011234", out, sizeof(out));
	CHECK_STR(out, "3601**********1234");
	mask_id("E12345678", out, sizeof(out));
	CHECK_STR(out, "E1*****78");
	mask_id("H1234", out, sizeof(out));
	CHECK_STR(out, "****4");
	mask_id("7", out, sizeof(out));
	CHECK_STR(out, "*");
	mask_id("", out, sizeof(out));
	CHECK_STR(out, "");
	mask_id("11010519491231002X", small, sizeof(small));
	CHECK_STR(small, "110");
}

static void
test_dates(void)
{
	int32_t d = 12345;
	int y, m, dd;
	char iso[11], cn[32];
	int32_t i;
	static const char *const good[] = { "2021-03-15", "2021/3/15",
	    "2021.3.15", "2021年3月15日", "20210315", "2021-3-15", " 2021-03-15 ",
	    "2021年03月15日", "2021/03/15" };
	static const char *const badv[] = { "2021-02-29", "2021-13-01",
	    "2021-00-10", "2021-04-31", "2021-3/15", "21-3-15", "2021年3月15",
	    "202103150", "2021031", "", "2021-03-15x", "2021-003-15",
	    "2021--3-15", "0000-01-01", "2021年3月32日", "x2021-03-15",
	    "2021-03-1 5" };
	size_t k;

	CHECK_EQ_INT(date_from_ymd(1970, 1, 1, &d), 0);
	CHECK_EQ_INT(d, 0);
	CHECK_EQ_INT(date_from_ymd(2021, 3, 15, &d), 0);
	CHECK_EQ_INT(d, 18701);
	CHECK_EQ_INT(date_from_ymd(2000, 3, 1, &d), 0);
	CHECK_EQ_INT(d, 11017);
	CHECK_EQ_INT(date_from_ymd(1900, 1, 1, &d), 0);
	CHECK_EQ_INT(d, -25567);
	/* Leap years: 2000 and 2020 yes, 1900 and 2021 no. */
	CHECK_EQ_INT(date_from_ymd(2000, 2, 29, &d), 0);
	CHECK_EQ_INT(d, 11016);
	CHECK_EQ_INT(date_from_ymd(2020, 2, 29, &d), 0);
	CHECK_EQ_INT(date_from_ymd(1900, 2, 29, &d), -1);
	CHECK_EQ_INT(date_from_ymd(2021, 2, 29, &d), -1);
	CHECK_EQ_INT(date_from_ymd(2021, 2, 28, &d), 0);
	CHECK_EQ_INT(date_from_ymd(2021, 6, 31, &d), -1);
	CHECK_EQ_INT(date_from_ymd(2021, 0, 1, &d), -1);
	CHECK_EQ_INT(date_from_ymd(2021, 1, 0, &d), -1);

	/* Every day of 1899..2101 survives days -> ymd -> days. */
	for (i = -25932; i <= 48213; i++) {
		int32_t back = 0;

		date_to_ymd(i, &y, &m, &dd);
		if (date_from_ymd(y, m, dd, &back) != 0 || back != i)
			break;
	}
	CHECK_EQ_INT(i, 48214);
	date_to_ymd(11016, &y, &m, &dd);
	CHECK(y == 2000 && m == 2 && dd == 29);
	date_to_ymd(-1, &y, &m, &dd);
	CHECK(y == 1969 && m == 12 && dd == 31);

	date_format_iso(18701, iso);
	CHECK_STR(iso, "2021-03-15");
	date_format_cn(18701, cn);
	CHECK_STR(cn, "2021年3月15日");
	date_format_iso(-25567, iso);
	CHECK_STR(iso, "1900-01-01");

	for (k = 0; k < sizeof(good) / sizeof(good[0]); k++) {
		d = 0;
		CHECK_EQ_INT(date_parse(good[k], &d), 0);
		if (d != 18701)
			fprintf(stderr, "date_parse(\"%s\")\n", good[k]);
		CHECK_EQ_INT(d, 18701);
	}
	CHECK_EQ_INT(date_parse("2020-02-29", &d), 0);
	CHECK_EQ_INT(date_parse("2020年2月29日", &d), 0);
	CHECK_EQ_INT(d, 18321);
	for (k = 0; k < sizeof(badv) / sizeof(badv[0]); k++) {
		if (date_parse(badv[k], &d) != -1)
			fprintf(stderr, "date_parse(\"%s\") accepted\n", badv[k]);
		CHECK_EQ_INT(date_parse(badv[k], &d), -1);
	}

	/* Today is after this code was written and before 2100. */
	CHECK(date_today() > 19723 && date_today() < 47482);
}

int
main(void)
{
	test_utf8();
	test_base32();
	test_hex();
	test_escape();
	test_mask();
	test_dates();
	TEST_END();
}
