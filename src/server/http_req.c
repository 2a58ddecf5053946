/* http_req.c - the strict HTTP/1.1 request-head parser (RFC 9112); why it
 * is written here rather than taken from libhttp-parser-dev: http_req.h. */
#include <string.h>

#include "skillcert/server/http_req.h"

/* tchar (RFC 9110 §5.6.2): the bytes of methods and field names. */
static int
req_is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
req_fail(struct http_req *r, int status, const char *why)
{
	r->status = status;
	r->why = why;
	return HTTP_REQ_ERR;
}

static int
req_name_is(const char *s, size_t n, const char *lower)
{
	size_t i;

	if (strlen(lower) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != lower[i])
			return 0;
	}
	return 1;
}

static const char *const req_methods[] = {
	[HTTP_M_OTHER] = "OTHER", [HTTP_M_GET] = "GET", [HTTP_M_HEAD] = "HEAD",
	[HTTP_M_POST] = "POST", [HTTP_M_PUT] = "PUT", [HTTP_M_DELETE] = "DELETE",
	[HTTP_M_OPTIONS] = "OPTIONS", [HTTP_M_TRACE] = "TRACE",
	[HTTP_M_PATCH] = "PATCH", [HTTP_M_CONNECT] = "CONNECT"
};

const char *
http_req_method_name(int m)
{
	if (m < 0 || m > HTTP_M_CONNECT)
		m = HTTP_M_OTHER;
	return req_methods[m];
}

/* Methods are case-sensitive (RFC 9110 §9.1): "get" is unknown. */
static int
req_method_lookup(const char *s, size_t n)
{
	int m;

	for (m = HTTP_M_GET; m <= HTTP_M_CONNECT; m++)
		if (strlen(req_methods[m]) == n && memcmp(req_methods[m], s, n) == 0)
			return m;
	return HTTP_M_OTHER;
}

/* Content-Length = 1*DIGIT (RFC 9112 §6.3): no sign, no list, no
 * spaces inside; 18 digits at most so it cannot overflow. */
static int
req_content_length(const char *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* Connection: a comma-separated list of tokens; close and keep-alive. */
static void
req_connection(const char *v, size_t n, int *close, int *ka)
{
	size_t i = 0, s, e;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (req_name_is(v + s, e - s, "close"))
			*close = 1;
		else if (req_name_is(v + s, e - s, "keep-alive"))
			*ka = 1;
	}
}

struct req_state {
	int seen_cl, seen_te, hosts, close, ka, fields;
};

/* One field line, name and trimmed value, into r and st. */
static int
req_field(struct http_req *r, struct req_state *st, const char *name,
    size_t nl, const char *v, size_t vl)
{
	if (++st->fields > HTTP_REQ_FIELDS_MAX)
		return req_fail(r, 431, "too many header fields");
	if (req_name_is(name, nl, "content-length")) {
		/* Two, even equal, are refused: RFC 9112 §6.3 lets a
		 * recipient reject them, and smuggling lives there. */
		if (st->seen_cl++)
			return req_fail(r, 400, "duplicate Content-Length");
		if (req_content_length(v, vl, &r->content_length) != 0)
			return req_fail(r, 400, "malformed Content-Length");
	} else if (req_name_is(name, nl, "transfer-encoding")) {
		st->seen_te = 1;
	} else if (req_name_is(name, nl, "host")) {
		if (st->hosts++)
			return req_fail(r, 400, "more than one Host");
	} else if (req_name_is(name, nl, "connection")) {
		req_connection(v, vl, &st->close, &st->ka);
	} else if (req_name_is(name, nl, "if-none-match")) {
		r->if_none_match = v;
		r->if_none_match_len = vl;
	} else if (req_name_is(name, nl, "x-forwarded-for")) {
		r->xff = v;
		r->xff_len = vl;
	}
	return HTTP_REQ_OK;
}

/* The request line from buf[*pp]; *pp moves past its CRLF. */
static int
req_line(const char *buf, size_t n, size_t max_target, size_t *pp,
    struct http_req *r)
{
	size_t p = *pp, s = p;
	const char *v;

	while (p < n && req_is_tchar((unsigned char)buf[p]))
		p++;
	if (p - s > HTTP_REQ_METHOD_MAX)
		return req_fail(r, 501, "method not implemented");
	if (p == n)
		return HTTP_REQ_MORE;
	if (p == s || buf[p] != ' ')
		return req_fail(r, 400, "malformed request line");
	r->method_s = buf + s;
	r->method_len = p - s;
	r->method = req_method_lookup(buf + s, p - s);
	s = ++p;
	/* request-target: visible ASCII only (RFC 9112 §3.2). */
	while (p < n && buf[p] > 0x20 && buf[p] < 0x7f) {
		if (++p - s > max_target)
			return req_fail(r, 414, "request-target too long");
	}
	if (p == n)
		return HTTP_REQ_MORE;
	if (p == s || buf[p] != ' ')
		return req_fail(r, 400, "malformed request-target");
	r->target = buf + s;
	r->target_len = p - s;
	p++;
	if (n - p < 10)
		return memcmp(buf + p, "HTTP/", n - p < 5 ? n - p : 5) == 0 ?
		    HTTP_REQ_MORE : req_fail(r, 400, "malformed HTTP version");
	v = buf + p;
	if (memcmp(v, "HTTP/", 5) != 0 || v[5] < '0' || v[5] > '9' ||
	    v[6] != '.' || v[7] < '0' || v[7] > '9')
		return req_fail(r, 400, "malformed HTTP version");
	if (v[5] != '1')
		return req_fail(r, 505, "HTTP version not supported");
	if (v[8] != '\r' || v[9] != '\n')
		return req_fail(r, 400, "request line not ended by CRLF");
	r->minor = v[7] == '0' ? 0 : 1;   /* 1.2+ is answered as 1.1 */
	*pp = p + 10;
	return HTTP_REQ_OK;
}

/* One field line at buf[*pp] (not the empty line); *pp moves past it. */
static int
req_field_line(const char *buf, size_t n, size_t *pp, struct http_req *r,
    struct req_state *st)
{
	size_t p = *pp, ns = p, nl, vs, ve;
	unsigned char c;

	if (buf[p] == ' ' || buf[p] == '\t')   /* obs-fold, RFC 9112 §5.2 */
		return req_fail(r, 400, "obsolete line folding");
	while (p < n && req_is_tchar((unsigned char)buf[p]))
		p++;
	if (p == n)
		return HTTP_REQ_MORE;
	/* No whitespace between name and colon (RFC 9112 §5.1). */
	if (p == ns || buf[p] != ':')
		return req_fail(r, 400, "malformed header field name");
	nl = p - ns;
	p++;
	while (p < n && (buf[p] == ' ' || buf[p] == '\t'))
		p++;
	vs = ve = p;
	for (; p < n && buf[p] != '\r'; p++) {
		c = (unsigned char)buf[p];
		if (c == '\n')
			return req_fail(r, 400, "bare LF");
		if (c == 0x7f || (c < 0x20 && c != '\t'))
			return req_fail(r, 400, "control character in a field");
		if (c != ' ' && c != '\t')
			ve = p + 1;
	}
	if (p + 1 >= n)
		return HTTP_REQ_MORE;
	if (buf[p + 1] != '\n')
		return req_fail(r, 400, "bare CR");
	*pp = p + 2;
	return req_field(r, st, buf + ns, nl, buf + vs, ve - vs);
}

/* Framing rules once the whole head is known (RFC 9112 §6, §3.2). */
static int
req_framing(struct http_req *r, const struct req_state *st)
{
	if (st->seen_te && st->seen_cl)
		return req_fail(r, 400, "Transfer-Encoding with Content-Length");
	if (st->seen_te && (r->method == HTTP_M_GET ||
	    r->method == HTTP_M_HEAD || r->minor == 0))
		return req_fail(r, 400, "Transfer-Encoding not allowed here");
	if (r->minor == 1 && st->hosts == 0)
		return req_fail(r, 400, "missing Host");
	r->has_body = st->seen_te || r->content_length > 0;
	r->keep_alive = r->minor == 1 ? !st->close : st->ka && !st->close;
	/* Bodies are never read: answer, then close (no framing to trust). */
	if (r->has_body || r->method == HTTP_M_CONNECT)
		r->keep_alive = 0;
	return HTTP_REQ_OK;
}

static int
req_more(struct http_req *r, size_t n, size_t max_head, int in_line)
{
	if (n < max_head)
		return HTTP_REQ_MORE;
	return in_line ? req_fail(r, 414, "request line too long") :
	    req_fail(r, 431, "request head too large");
}

int
http_req_parse(const char *buf, size_t n, size_t max_head, size_t max_target,
    struct http_req *r)
{
	struct req_state st;
	size_t p = 0;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&st, 0, sizeof(st));
	while (p + 1 < n && buf[p] == '\r' && buf[p + 1] == '\n')
		p += 2;
	if (p < n && buf[p] == '\n')
		return req_fail(r, 400, "bare LF");
	if (p == n || (p + 1 == n && buf[p] == '\r'))
		return req_more(r, n, max_head, 1);
	if ((rc = req_line(buf, n, max_target, &p, r)) != HTTP_REQ_OK)
		return rc == HTTP_REQ_MORE ? req_more(r, n, max_head, 1) : rc;
	for (;;) {
		if (p >= max_head)
			return req_fail(r, 431, "request head too large");
		if (p >= n)
			return req_more(r, n, max_head, 0);
		if (buf[p] == '\r') {
			if (p + 1 >= n)
				return req_more(r, n, max_head, 0);
			if (buf[p + 1] != '\n')
				return req_fail(r, 400, "bare CR");
			p += 2;
			break;
		}
		if (buf[p] == '\n')
			return req_fail(r, 400, "bare LF");
		if ((rc = req_field_line(buf, n, &p, r, &st)) != HTTP_REQ_OK)
			return rc == HTTP_REQ_MORE ? req_more(r, n, max_head, 0) :
			    rc;
	}
	if (p > max_head)
		return req_fail(r, 431, "request head too large");
	r->head_len = p;
	return req_framing(r, &st);
}
