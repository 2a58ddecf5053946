/* test_portal_form.c - the portal's request parsers: urlencoded forms and
 * queries (+, %XX, bad escapes, bounds), multipart/form-data (quoted and
 * bare boundaries, name vs filename, binary file parts, malformed bodies),
 * cookies, percent-encoding, and the response setters' header guard. */
#include "test.h"
#include "../../src/portal/portal_int.h"

static void
test_urlencoded(void)
{
	struct form f;
	struct err e;
	const char *s = "name=op1&password=a%20b+c%21&empty=&flag&csrf=00ff";

	form_init(&f);
	CHECK_EQ_INT(form_parse_urlencoded(&f, (const uint8_t *)s, strlen(s), &e), 0);
	CHECK_STR(form_get(&f, "name"), "op1");
	CHECK_STR(form_get(&f, "password"), "a b c!");
	CHECK_STR(form_get(&f, "empty"), "");
	CHECK(form_find(&f, "flag") != NULL);
	CHECK_STR(form_get(&f, "absent"), "");
	CHECK(form_find(&f, "absent") == NULL);
	form_free(&f);
	form_init(&f);
	CHECK_EQ_INT(form_parse_urlencoded(&f, (const uint8_t *)"a=%zz", 5, &e), ERR_INVALID);
	form_free(&f);
	form_init(&f);
	CHECK_EQ_INT(form_parse_urlencoded(&f, (const uint8_t *)"a=%4", 4, &e), ERR_INVALID);
	form_free(&f);
	/* more than FORM_MAX_FIELDS fields is refused, not truncated */
	struct buf b = BUF_INIT;
	for (int i = 0; i < FORM_MAX_FIELDS + 1; i++)
		buf_printf(&b, "f%d=1&", i);
	form_init(&f);
	CHECK_EQ_INT(form_parse_urlencoded(&f, b.data, b.len, &e), ERR_INVALID);
	form_free(&f);
	buf_free(&b);
}

static void
test_multipart(void)
{
	static const char body[] =
	    "--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=\"roster\"; "
	    "filename=\"名册.csv\"\r\nContent-Type: text/csv\r\n\r\n"
	    "a,b\r\n\0\1,--XyZ-not\r\n--XyZ--\r\n";
	struct form f;
	struct err e;
	const struct form_field *x;

	form_init(&f);
	CHECK_EQ_INT(form_parse_multipart(&f, "multipart/form-data; boundary=XyZ",
	    (const uint8_t *)body, sizeof(body) - 1, &e), 0);
	CHECK_STR(form_get(&f, "csrf"), "abc");
	x = form_find(&f, "roster");
	CHECK(x != NULL);
	if (x) {
		CHECK_STR(x->filename, "名册.csv");
		CHECK_STR(x->ctype, "text/csv");
		CHECK_EQ_INT(x->len, 17);            /* binary, NUL inside */
		CHECK(memcmp(x->value, "a,b\r\n\0\1,--XyZ-not", 17) == 0);
	}
	form_free(&f);
	form_init(&f);
	CHECK_EQ_INT(form_parse_multipart(&f, "multipart/form-data; boundary=\"XyZ\"",
	    (const uint8_t *)body, sizeof(body) - 1, &e), 0);
	CHECK_EQ_INT(f.n, 2);
	form_free(&f);
	/* no closing boundary, no boundary, a part without a name */
	form_init(&f);
	CHECK_EQ_INT(form_parse_multipart(&f, "multipart/form-data; boundary=XyZ",
	    (const uint8_t *)body, 60, &e), ERR_INVALID);
	form_free(&f);
	form_init(&f);
	CHECK_EQ_INT(form_parse_multipart(&f, "multipart/form-data",
	    (const uint8_t *)body, sizeof(body) - 1, &e), ERR_INVALID);
	form_free(&f);
	static const char noname[] = "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--";
	form_init(&f);
	CHECK_EQ_INT(form_parse_multipart(&f, "multipart/form-data; boundary=B",
	    (const uint8_t *)noname, sizeof(noname) - 1, &e), ERR_INVALID);
	form_free(&f);
}

static void
test_cookie_url(void)
{
	char v[80];
	struct buf b = BUF_INIT;

	CHECK_EQ_INT(cookie_get("a=1; __Host-skillcert=abcd; b=2", "__Host-skillcert",
	    v, sizeof(v)), 0);
	CHECK_STR(v, "abcd");
	CHECK_EQ_INT(cookie_get("x__Host-skillcert=evil", "__Host-skillcert", v,
	    sizeof(v)), -1);
	CHECK_EQ_INT(cookie_get("__Host-skillcert=0123456789", "__Host-skillcert", v,
	    5), -1);
	CHECK_EQ_INT(cookie_get(NULL, "a", v, sizeof(v)), -1);
	CHECK_EQ_INT(url_decode("%E5%A7%93+a", 11, v, sizeof(v), 1), 5);
	CHECK_STR(v, "姓 a");
	CHECK_EQ_INT(url_decode("a+b", 3, v, sizeof(v), 0), 3);
	CHECK_STR(v, "a+b");
	url_encode(&b, "姓 a/b");
	CHECK_STR(buf_cstr(&b), "%E5%A7%93%20a%2Fb");
	buf_free(&b);
}

static void
test_resp(void)
{
	struct portal_resp r;

	memset(&r, 0, sizeof(r));
	CHECK_EQ_INT(resp_header(&r, "Location", "/x\r\nSet-Cookie: a=b"), -1);
	CHECK_EQ_INT(resp_header(&r, "Location", "/ok"), 0);
	CHECK_EQ_INT(r.nhdr, 1);
	resp_redirect(&r, "//evil.example/");
	CHECK_STR(r.hdr_value[1], "/");                 /* no open redirect */
	CHECK_EQ_INT(r.status, 303);
	CHECK_EQ_INT(resp_status_of(ERR_NOTFOUND), 404);
	CHECK_EQ_INT(resp_status_of(ERR_DENIED), 403);
	buf_free(&r.body);
}

int
main(void)
{
	test_urlencoded();
	test_multipart();
	test_cookie_url();
	test_resp();
	TEST_END();
}
