/* test_http_req.c - the strict HTTP/1.1 request-head parser: every
 * smuggling shape refused, the limits (431, 414), methods (501), versions,
 * keep-alive rules, pipelining, and the X-Forwarded-For / CIDR helpers. */
#include <stdio.h>
#include <string.h>

#include "test.h"
#include "skillcert/server/http_req.h"
#include "skillcert/server/http_parse.h"

static int
parse(const char *s, struct http_req *r)
{
	return http_req_parse(s, strlen(s), 8192, HTTP_URI_MAX, r);
}

/* The request must be refused with status. */
static void
refused(const char *s, int status)
{
	struct http_req r;
	int rc = parse(s, &r);

	CHECK_EQ_INT(rc, HTTP_REQ_ERR);
	if (rc == HTTP_REQ_ERR)
		CHECK_EQ_INT(r.status, status);
	else
		fprintf(stderr, "  accepted: %.60s\n", s);
}

static void
test_smuggling(void)
{
	/* Two Content-Lengths, equal or not; signs, lists, spaces. */
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Content-Length: 30\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: "
	    "99999999999999999999\r\n\r\n", 400);
	/* Whitespace before the colon. */
	refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n"
	    "\r\n", 400);
	refused("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n", 400);
	/* obs-fold, and whitespace before the first field. */
	refused("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\n Host: x\r\n\r\n", 400);
	/* Transfer-Encoding on GET/HEAD, with Content-Length, on 1.0. */
	refused("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n", 400);
	refused("HEAD / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "\r\n", 400);
	refused("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	    "Content-Length: 3\r\n\r\n", 400);
	refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
	/* Bare CR and bare LF, in every place. */
	refused("GET / HTTP/1.1\rHost: x\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\nHost: x\r\n\rX\r\n", 400);
	refused("GET / HTTP/1.1\nHost: x\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\nHost: x\nX: y\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\nHost: x\r\n\n", 400);
	/* Controls in values, NUL, bad names, two Hosts, no Host. */
	refused("GET / HTTP/1.1\r\nHost: x\r\nX: a\001b\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\nHo(st: x\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\n: x\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400);
	refused("GET / HTTP/1.1\r\n\r\n", 400);
	/* Request line: two spaces, tabs, junk after the version. */
	refused("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	refused("GET /  HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	refused("GET\t/ HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	refused("GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400);
	refused("GET / HTTP/1.1x\r\nHost: x\r\n\r\n", 400);
	refused("GET /\x80 HTTP/1.1\r\nHost: x\r\n\r\n", 400);
	refused("GET / http/1.1\r\nHost: x\r\n\r\n", 400);
	refused("GARBAGE\r\n\r\n", 400);
	refused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505);
}

static void
test_limits(void)
{
	static char big[20000];
	struct http_req r;
	int n, i;

	/* A target past HTTP_URI_MAX: 414, even before the line ends. */
	n = snprintf(big, sizeof(big), "GET /");
	memset(big + n, 'a', 1500);
	big[n + 1500] = '\0';
	refused(big, 414);
	strcat(big, " HTTP/1.1\r\nHost: x\r\n\r\n");
	refused(big, 414);
	/* Headers past the head limit: 431, complete or not. */
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
	memset(big + n, 'a', 10000);
	big[n + 10000] = '\0';
	refused(big, 431);
	strcat(big, "\r\n\r\n");
	refused(big, 431);
	/* Too many fields. */
	n = snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: x\r\n");
	for (i = 0; i < HTTP_REQ_FIELDS_MAX + 1; i++)
		n += snprintf(big + n, sizeof(big) - (size_t)n, "X-%d: y\r\n", i);
	snprintf(big + n, sizeof(big) - (size_t)n, "\r\n");
	refused(big, 431);
	/* An incomplete head below the limit waits for more. */
	CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nHost: x\r\n", &r), HTTP_REQ_MORE);
	CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nHost: x\r\n\r", &r), HTTP_REQ_MORE);
	CHECK_EQ_INT(parse("GET / HT", &r), HTTP_REQ_MORE);
	CHECK_EQ_INT(parse("GE", &r), HTTP_REQ_MORE);
	CHECK_EQ_INT(parse("", &r), HTTP_REQ_MORE);
	/* Methods: unknown (even lower-case get) parse, the caller says
	 * 501; an over-long token is 501 at once. */
	CHECK_EQ_INT(parse("BREW / HTTP/1.1\r\nHost: x\r\n\r\n", &r), HTTP_REQ_OK);
	CHECK_EQ_INT(r.method, HTTP_M_OTHER);
	CHECK_EQ_INT(parse("get / HTTP/1.1\r\nHost: x\r\n\r\n", &r), HTTP_REQ_OK);
	CHECK_EQ_INT(r.method, HTTP_M_OTHER);
	refused("ABCDEFGHIJKLMNOPQRSTUVWXYZ / HTTP/1.1\r\nHost: x\r\n\r\n", 501);
	CHECK_EQ_INT(parse("CONNECT example.com:443 HTTP/1.1\r\nHost: x\r\n\r\n",
	    &r), HTTP_REQ_OK);
	CHECK_EQ_INT(r.method, HTTP_M_CONNECT);
	CHECK(!r.keep_alive);
}

static void
test_accepted(void)
{
	const char *pipe = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	    "HEAD /v1/orgs/S000036000001 HTTP/1.1\r\nHost: x\r\n\r\n"
	    "GET /v1/verify?token=A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
	    "\r\n";
	struct http_req r;
	size_t off = 0;
	int i;

	CHECK_EQ_INT(parse("GET /a?b=c HTTP/1.1\r\nHost: x\r\nIf-None-Match: "
	    "\"ab\"  \r\nX-Forwarded-For: 1.2.3.4\r\n\r\nrest", &r), HTTP_REQ_OK);
	CHECK_EQ_INT(r.method, HTTP_M_GET);
	CHECK(r.target_len == 6 && memcmp(r.target, "/a?b=c", 6) == 0);
	CHECK(r.if_none_match_len == 4 && memcmp(r.if_none_match, "\"ab\"", 4) == 0);
	CHECK(r.xff_len == 7);
	CHECK(r.keep_alive && r.minor == 1 && !r.has_body);
	CHECK_EQ_INT(r.head_len, strlen("GET /a?b=c HTTP/1.1\r\nHost: x\r\n"
	    "If-None-Match: \"ab\"  \r\nX-Forwarded-For: 1.2.3.4\r\n\r\n"));
	/* Pipelined: three heads one after another, the last closing. */
	for (i = 0; i < 3; i++) {
		CHECK_EQ_INT(http_req_parse(pipe + off, strlen(pipe) - off, 8192,
		    HTTP_URI_MAX, &r), HTTP_REQ_OK);
		off += r.head_len;
		CHECK_EQ_INT(r.method, i == 1 ? HTTP_M_HEAD : HTTP_M_GET);
		CHECK_EQ_INT(r.keep_alive, i < 2);
	}
	CHECK_EQ_INT(off, strlen(pipe));
	/* HTTP/1.0: no Host needed, closes unless keep-alive is asked. */
	CHECK_EQ_INT(parse("GET /healthz HTTP/1.0\r\n\r\n", &r), HTTP_REQ_OK);
	CHECK(r.minor == 0 && !r.keep_alive);
	CHECK_EQ_INT(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r),
	    HTTP_REQ_OK);
	CHECK(r.keep_alive);
	CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo, close"
	    "\r\n\r\n", &r), HTTP_REQ_OK);
	CHECK(!r.keep_alive);
	/* Leading empty lines are skipped; a body closes the connection. */
	CHECK_EQ_INT(parse("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", &r),
	    HTTP_REQ_OK);
	CHECK_EQ_INT(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
	    "\r\nabc", &r), HTTP_REQ_OK);
	CHECK(r.has_body && !r.keep_alive && r.content_length == 3);
	CHECK_EQ_INT(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
	    "\r\n", &r), HTTP_REQ_OK);
	CHECK(!r.has_body && r.keep_alive);
	CHECK_EQ_INT(parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n", &r), HTTP_REQ_OK);
	CHECK_EQ_INT(r.minor, 1);
}

static void
test_proxy(void)
{
	struct http_cidr c;
	char out[64];
	const char *x;

	CHECK(http_cidr_parse("10.0.0.0/8", &c) == 0);
	CHECK(http_cidr_match(&c, "10.1.2.3") && !http_cidr_match(&c, "11.0.0.1"));
	CHECK(http_cidr_parse("127.0.0.1", &c) == 0);
	CHECK(http_cidr_match(&c, "127.0.0.1") && !http_cidr_match(&c, "127.0.0.2"));
	CHECK(http_cidr_parse("2001:db8::/32", &c) == 0);
	CHECK(http_cidr_match(&c, "2001:db8:5::1") && !http_cidr_match(&c, "::1"));
	CHECK(http_cidr_parse("10.0.0.0/33", &c) == -1);
	CHECK(http_cidr_parse("10.0.0.0/", &c) == -1);
	CHECK(http_cidr_parse("nope", &c) == -1);
	CHECK(http_cidr_parse("10.0.0.0/8", &c) == 0);
	x = "1.1.1.1, 203.0.113.7, 10.0.0.2";
	CHECK(http_xff_client(x, strlen(x), &c, out, sizeof(out)) == 0);
	CHECK_STR(out, "203.0.113.7");
	x = "10.0.0.9";
	CHECK(http_xff_client(x, strlen(x), &c, out, sizeof(out)) == -1);
	x = "garbage, 10.0.0.2";
	CHECK(http_xff_client(x, strlen(x), &c, out, sizeof(out)) == -1);
	x = "2001:db8::1";
	CHECK(http_xff_client(x, strlen(x), &c, out, sizeof(out)) == 0);
	CHECK_STR(out, "2001:db8::1");
}

int
main(void)
{
	test_smuggling();
	test_limits();
	test_accepted();
	test_proxy();
	TEST_END();
}
