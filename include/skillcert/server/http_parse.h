/* http_parse.h - the lookup server's request parsers: path routing,
 * query-string decoding and token extraction. Pure functions over bytes
 * (no libevent, no allocation) so they can be unit-tested and fuzzed. */
#ifndef SKILLCERT_HTTP_PARSE_H
#define SKILLCERT_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Request-target limits: longer URIs get 414 (a QR token URL is at most
 * CERT_TOKEN_URL_MAX = 300 characters). */
#define HTTP_URI_MAX 1024
#define HTTP_QUERY_MAX 1024     /* raw query bytes */
#define HTTP_QUERY_PAIRS 8      /* key=value pairs */
#define HTTP_QUERY_KEY_MAX 16   /* decoded key bytes */
#define HTTP_TOKEN_MIN 16       /* base32 characters */
#define HTTP_TOKEN_MAX 560      /* base32 of CERT_ENC_MAX + signature */

enum http_route {
	ROUTE_OTHER = 0,        /* no route: 404 */
	ROUTE_INDEX,            /* /            search form */
	ROUTE_SEARCH,           /* /search      result page */
	ROUTE_PAGE_V,           /* /v/{token}, /V/{token} verdict page */
	ROUTE_PAGE_V_PHOTO,     /* /v/{token}/photo */
	ROUTE_API_CERT,         /* /v1/certificates/{no} */
	ROUTE_API_VERIFY,       /* /v1/verify */
	ROUTE_API_ORG,          /* /v1/orgs/{code} */
	ROUTE_HEALTHZ,          /* /healthz */
	ROUTE_METRICS,          /* /metrics */
	ROUTE_LOG_HEAD,         /* /v1/log/head */
	ROUTE_LOG_PROOF,        /* /v1/log/proof/{no} */
	ROUTE_LOG_CONSISTENCY,  /* /v1/log/consistency?from=&to= */
	ROUTE_LOG_LEAVES,       /* /v1/log/leaves?start=&end= */
	ROUTE_TRUST,            /* /v1/trust */
	ROUTE_CHECKPOINT,       /* /checkpoint  C2SP tlog-checkpoint */
	ROUTE_STATUS,           /* /v1/status/{no} revocation status list */
	ROUTE_N
};

/* The pattern a route is logged and counted under (never the values). */
const char *http_route_pattern(int route);
/* Short label for metrics ("certificate", "verify" ...). */
const char *http_route_label(int route);
/* Routes that read personal data or cost a lookup: rate limited. */
int http_route_limited(int route);

struct http_target {
	int route;
	const char *param;      /* {no}, {code} or {token}: points into the path */
	size_t param_len;
	const char *query;      /* after '?', NULL if none; not decoded */
	size_t query_len;
};

/* Splits a request-target (origin form "/path?query") and routes the
 * path. Path parameters must already be plain (certificate numbers, org
 * codes and tokens never need percent-encoding); a parameter of the wrong
 * shape routes to ROUTE_OTHER. Returns 0, or -1 if the target is not in
 * origin form or holds bytes outside printable ASCII. */
int http_target_parse(const char *uri, size_t n, struct http_target *t);

enum http_qerr {
	HTTPQ_OK = 0,
	HTTPQ_TOO_LONG = 1,     /* raw query or a decoded value too long */
	HTTPQ_TOO_MANY = 2,     /* more than HTTP_QUERY_PAIRS pairs */
	HTTPQ_BAD_PCT = 3,      /* '%' not followed by two hex digits */
	HTTPQ_BAD_UTF8 = 4,     /* decoded bytes not valid UTF-8, or a NUL or
	                           control character */
	HTTPQ_DUP = 5           /* the same key twice: ambiguous, refused */
};

struct http_query {
	int n;
	const char *key[HTTP_QUERY_PAIRS];
	const char *val[HTTP_QUERY_PAIRS];
	char store[HTTP_QUERY_MAX + 2 * HTTP_QUERY_PAIRS]; /* NUL-terminated copies */
};

/* Decodes application/x-www-form-urlencoded text ('+' is a space, %XX a
 * byte) into NUL-terminated keys and values in q->store. Empty pairs
 * ("a=1&&b=2") are skipped, a key without '=' has the value "". */
int http_query_parse(const char *s, size_t n, struct http_query *q);
/* Value of key, or NULL. */
const char *http_query_get(const struct http_query *q, const char *key);
const char *http_qerr_message(int err);

/* Validates a base32 token (A-Z a-z 2-7, HTTP_TOKEN_MIN..HTTP_TOKEN_MAX
 * characters) and writes it upper-cased and NUL-terminated to out
 * (cap > len). Returns its length, or -1. */
long http_token_extract(const char *s, size_t n, char *out, size_t cap);

/* ^[SY][0-9]{15}[1-5][0-9]{6}$ : 1 if s[0..n) is shaped like a number. */
int http_certno_shape(const char *s, size_t n);
/* ^[SY][0-9]{12}$ */
int http_orgcode_shape(const char *s, size_t n);

/* Copies a name typed into a form, trimmed of ASCII white space and
 * ideographic spaces (U+3000) at both ends, with middle-dot look-alikes
 * (U+00B7, U+2022, U+2027, U+30FB, U+FF0E, U+FF65, U+2219, '.') folded to
 * U+00B7 so 阿依古丽.买买提 matches 阿依古丽·买买提. Returns the length or
 * -1 if it does not fit or is not valid UTF-8. */
long http_name_normalize(const char *s, char *out, size_t cap);
/* 1 if the typed name equals the registered one after normalizing both. */
int http_name_match(const char *typed, const char *registered);

/* Client address for rate limiting: the textual address (IPv4 or IPv6)
 * to a 16-byte key; IPv4 as ::ffff:a.b.c.d, IPv6 truncated to its /64
 * (one subscriber usually holds a whole /64). 0 ok, -1 unparseable. */
int http_client_key(const char *addr, uint8_t key[16]);

/* A network for --trust-proxy: "10.0.0.0/8", "::1/128", or one address. */
struct http_cidr {
	uint8_t net[16];        /* IPv4 as ::ffff:a.b.c.d */
	int bits;               /* prefix length over the 16 bytes */
};
/* 0 ok, -1 malformed. */
int http_cidr_parse(const char *s, struct http_cidr *c);
/* 1 if the textual address addr (no port) lies in c. */
int http_cidr_match(const struct http_cidr *c, const char *addr);
/* The client behind trusted proxies, from an X-Forwarded-For value: the
 * rightmost element that is an address outside c (the proxies in c
 * append; anything left of the first untrusted hop could be forged).
 * Copies it to out (cap >= 46) and returns 0, or -1 if there is none. */
int http_xff_client(const char *v, size_t n, const struct http_cidr *c,
    char *out, size_t cap);

#endif
