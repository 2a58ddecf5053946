/* http_req.h - the lookup server's HTTP/1.1 request-head parser (RFC 9112),
 * strict: one contiguous buffer in, a verdict and pointers into it out.
 * Pure (no libevent, no allocation) so it is unit-tested and fuzzed.
 *
 * Why written here rather than Debian's libhttp-parser-dev (joyent
 * http-parser 2.9.4): that library is no longer developed upstream
 * (superseded by llhttp, which Debian ships only as sources inside
 * node-llhttp); its leniencies are chosen at compile time
 * (HTTP_PARSER_STRICT) by Debian's build, not by us; and it is
 * callback-driven, handing out header names and values in pieces that we
 * would have to copy and reassemble anyway. What the server needs is
 * small: the request line, eight header names and the framing rules that
 * stop request smuggling, over a head that is already contiguous (the
 * connection buffers it, bounded). Each rule below cites RFC 9112/9110 and
 * refuses rather than repairs; tests/unit/test_http_req.c and
 * tests/fuzz/fuzz_http.c hold it to that. */
#ifndef SKILLCERT_HTTP_REQ_H
#define SKILLCERT_HTTP_REQ_H

#include <stddef.h>
#include <stdint.h>

#define HTTP_REQ_FIELDS_MAX 64      /* header lines; more is 431 */
#define HTTP_REQ_METHOD_MAX 16      /* longer methods are 501 */

enum http_method {
	HTTP_M_OTHER = 0,           /* a well-formed token we do not know: 501 */
	HTTP_M_GET, HTTP_M_HEAD, HTTP_M_POST, HTTP_M_PUT, HTTP_M_DELETE,
	HTTP_M_OPTIONS, HTTP_M_TRACE, HTTP_M_PATCH, HTTP_M_CONNECT
};

enum http_req_rc {
	HTTP_REQ_OK = 0,            /* a whole head: see head_len */
	HTTP_REQ_MORE = 1,          /* incomplete: read more (if room) */
	HTTP_REQ_ERR = 2            /* refuse with status, then close */
};

struct http_req {
	int method;                 /* enum http_method */
	const char *method_s;       /* as received */
	size_t method_len;
	const char *target;         /* request-target, as received */
	size_t target_len;
	int minor;                  /* HTTP/1.<minor>: 0 or 1 */
	int keep_alive;             /* after this request, per version and
	                               Connection */
	int has_body;               /* Content-Length > 0 or Transfer-Encoding */
	uint64_t content_length;
	const char *if_none_match;  /* NULL if absent; not NUL-terminated */
	size_t if_none_match_len;
	const char *xff;            /* last X-Forwarded-For line's value */
	size_t xff_len;
	size_t head_len;            /* bytes of the head, final CRLF included */
	int status;                 /* with HTTP_REQ_ERR: 400, 414, 431, 501, 505 */
	const char *why;            /* with HTTP_REQ_ERR: a short reason */
};

/* Parses the head at the start of buf[0..n). max_head bounds the head
 * (431 past it, 414 when the request line alone does not fit) and
 * max_target the request-target (414). Leading empty lines are skipped
 * (RFC 9112 §2.2). Returns enum http_req_rc. */
int http_req_parse(const char *buf, size_t n, size_t max_head,
    size_t max_target, struct http_req *r);

/* The method's name for logs ("GET" ... "OTHER"). */
const char *http_req_method_name(int method);

#endif
