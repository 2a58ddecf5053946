/* http_parse.c - routing, query decoding and token checks for the lookup
 * server. Everything here reads bounded input and writes into caller
 * storage: no allocation, so the fuzzer and the hot path share it. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/server/http_parse.h"
#include "skillcert/base/utf8.h"
#include "skillcert/base/hex.h"

static const struct {
	const char *pattern, *label;
	int limited;
} routes[ROUTE_N] = {
	[ROUTE_OTHER] =        { "(other)", "other", 0 },
	[ROUTE_INDEX] =        { "/", "index", 0 },
	[ROUTE_SEARCH] =       { "/search", "search", 1 },
	[ROUTE_PAGE_V] =       { "/v/{token}", "page_verify", 1 },
	[ROUTE_PAGE_V_PHOTO] = { "/v/{token}/photo", "page_photo", 1 },
	[ROUTE_API_CERT] =     { "/v1/certificates/{no}", "certificate", 1 },
	[ROUTE_API_VERIFY] =   { "/v1/verify", "verify", 1 },
	[ROUTE_API_ORG] =      { "/v1/orgs/{code}", "org", 1 },
	[ROUTE_HEALTHZ] =      { "/healthz", "healthz", 0 },
	[ROUTE_METRICS] =      { "/metrics", "metrics", 0 },
	[ROUTE_LOG_HEAD] =     { "/v1/log/head", "log_head", 1 },
	[ROUTE_LOG_PROOF] =    { "/v1/log/proof/{no}", "log_proof", 1 },
	[ROUTE_LOG_CONSISTENCY] = { "/v1/log/consistency", "log_consistency", 1 },
	[ROUTE_LOG_LEAVES] =   { "/v1/log/leaves", "log_leaves", 1 },
	[ROUTE_TRUST] =        { "/v1/trust", "trust", 1 },
	[ROUTE_CHECKPOINT] =   { "/checkpoint", "checkpoint", 1 },
	[ROUTE_STATUS] =       { "/v1/status/{no}", "status", 1 },
};

const char *
http_route_pattern(int route)
{
	return route >= 0 && route < ROUTE_N ? routes[route].pattern :
	    routes[ROUTE_OTHER].pattern;
}

const char *
http_route_label(int route)
{
	return route >= 0 && route < ROUTE_N ? routes[route].label :
	    routes[ROUTE_OTHER].label;
}

int
http_route_limited(int route)
{
	return route > 0 && route < ROUTE_N && routes[route].limited;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_b32(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '2' && c <= '7');
}

int
http_certno_shape(const char *s, size_t n)
{
	size_t i;

	if (n != 22 || (s[0] != 'S' && s[0] != 'Y'))
		return 0;
	for (i = 1; i < 22; i++)
		if (!is_digit(s[i]))
			return 0;
	return s[15] >= '1' && s[15] <= '5';
}

int
http_orgcode_shape(const char *s, size_t n)
{
	size_t i;

	if (n != 13 || (s[0] != 'S' && s[0] != 'Y'))
		return 0;
	for (i = 1; i < 13; i++)
		if (!is_digit(s[i]))
			return 0;
	return 1;
}

static int
token_shape(const char *s, size_t n)
{
	size_t i;

	if (n < HTTP_TOKEN_MIN || n > HTTP_TOKEN_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!is_b32(s[i]))
			return 0;
	return 1;
}

long
http_token_extract(const char *s, size_t n, char *out, size_t cap)
{
	size_t i;

	if (s == NULL || !token_shape(s, n) || cap <= n)
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	out[n] = '\0';
	return (long)n;
}

/* 1 if path[0..n) starts with the literal prefix p. */
static int
has_prefix(const char *path, size_t n, const char *p, size_t pn)
{
	return n >= pn && memcmp(path, p, pn) == 0;
}

static int
is_path(const char *path, size_t n, const char *lit)
{
	size_t ln = strlen(lit);

	return n == ln && memcmp(path, lit, ln) == 0;
}

static void
route_path(const char *p, size_t n, struct http_target *t)
{
	t->route = ROUTE_OTHER;
	t->param = NULL;
	t->param_len = 0;

	if (is_path(p, n, "/") || is_path(p, n, "/index.html"))
		t->route = ROUTE_INDEX;
	else if (is_path(p, n, "/search"))
		t->route = ROUTE_SEARCH;
	else if (is_path(p, n, "/healthz"))
		t->route = ROUTE_HEALTHZ;
	else if (is_path(p, n, "/metrics"))
		t->route = ROUTE_METRICS;
	else if (is_path(p, n, "/v1/verify"))
		t->route = ROUTE_API_VERIFY;
	else if (is_path(p, n, "/v1/log/head"))
		t->route = ROUTE_LOG_HEAD;
	else if (is_path(p, n, "/checkpoint"))
		t->route = ROUTE_CHECKPOINT;
	else if (is_path(p, n, "/v1/log/consistency"))
		t->route = ROUTE_LOG_CONSISTENCY;
	else if (is_path(p, n, "/v1/log/leaves"))
		t->route = ROUTE_LOG_LEAVES;
	else if (is_path(p, n, "/v1/trust"))
		t->route = ROUTE_TRUST;
	else if (has_prefix(p, n, "/v1/log/proof/", 14)) {
		if (http_certno_shape(p + 14, n - 14)) {
			t->route = ROUTE_LOG_PROOF;
			t->param = p + 14;
			t->param_len = n - 14;
		}
	}
	else if (has_prefix(p, n, "/v1/status/", 11)) {
		if (http_certno_shape(p + 11, n - 11)) {
			t->route = ROUTE_STATUS;
			t->param = p + 11;
			t->param_len = n - 11;
		}
	}
	else if (has_prefix(p, n, "/v1/certificates/", 17)) {
		if (http_certno_shape(p + 17, n - 17)) {
			t->route = ROUTE_API_CERT;
			t->param = p + 17;
			t->param_len = n - 17;
		}
	} else if (has_prefix(p, n, "/v1/orgs/", 9)) {
		if (http_orgcode_shape(p + 9, n - 9)) {
			t->route = ROUTE_API_ORG;
			t->param = p + 9;
			t->param_len = n - 9;
		}
	} else if (has_prefix(p, n, "/v/", 3) || has_prefix(p, n, "/V/", 3)) {
		/* QR codes upper-case the whole URL; the token is base32, so
		 * both spellings of the prefix and of the token are one page. */
		const char *tok = p + 3;
		size_t tn = n - 3;
		int route = ROUTE_PAGE_V;

		if (tn > 6 && memcmp(tok + tn - 6, "/photo", 6) == 0) {
			tn -= 6;
			route = ROUTE_PAGE_V_PHOTO;
		} else if (tn > 1 && tok[tn - 1] == '/')
			tn--;   /* a trailing slash some scanners add */
		if (token_shape(tok, tn)) {
			t->route = route;
			t->param = tok;
			t->param_len = tn;
		}
	}
}

int
http_target_parse(const char *uri, size_t n, struct http_target *t)
{
	size_t i, plen = n;

	memset(t, 0, sizeof(*t));
	if (uri == NULL || n == 0 || uri[0] != '/')
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)uri[i];

		if (c <= 0x20 || c >= 0x7f)
			return -1;
		if (c == '?' && plen == n) {
			plen = i;
			t->query = uri + i + 1;
			t->query_len = n - i - 1;
		} else if (c == '#' && t->query == NULL) {
			plen = i;   /* a fragment never names a resource */
			break;
		}
	}
	route_path(uri, plen, t);
	return 0;
}

/* ---- query strings ------------------------------------------------- */

/* Decodes s[0..n) to out (room for n + 1) and checks the result. */
static int
form_decode(const char *s, size_t n, char *out, size_t *outlen)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '+')
			out[o++] = ' ';
		else if (s[i] == '%') {
			int hi, lo;

			if (i + 2 >= n || (hi = hex_digit(s[i + 1])) < 0 ||
			    (lo = hex_digit(s[i + 2])) < 0)
				return HTTPQ_BAD_PCT;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
	for (i = 0; i < o; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f)
			return HTTPQ_BAD_UTF8;
	}
	if (utf8_check((const uint8_t *)out, o) != 0)
		return HTTPQ_BAD_UTF8;
	*outlen = o;
	return HTTPQ_OK;
}

int
http_query_parse(const char *s, size_t n, struct http_query *q)
{
	size_t i = 0, o = 0, klen, vlen;
	int err, j;

	q->n = 0;
	if (s == NULL || n == 0)
		return HTTPQ_OK;
	if (n > HTTP_QUERY_MAX)
		return HTTPQ_TOO_LONG;
	while (i < n) {
		size_t start = i, eq = (size_t)-1, end;

		while (i < n && s[i] != '&') {
			if (s[i] == '=' && eq == (size_t)-1)
				eq = i;
			i++;
		}
		end = i++;
		if (end == start)
			continue;    /* "&&" */
		if (q->n == HTTP_QUERY_PAIRS)
			return HTTPQ_TOO_MANY;
		if (eq == (size_t)-1)
			eq = end;
		/* Room: decoded text never outgrows its source, plus NULs. */
		if (o + (end - start) + 2 > sizeof(q->store))
			return HTTPQ_TOO_LONG;
		q->key[q->n] = q->store + o;
		if ((err = form_decode(s + start, eq - start, q->store + o,
		    &klen)) != HTTPQ_OK)
			return err;
		if (klen > HTTP_QUERY_KEY_MAX)
			return HTTPQ_TOO_LONG;
		o += klen + 1;
		q->val[q->n] = q->store + o;
		if (eq < end) {
			if ((err = form_decode(s + eq + 1, end - eq - 1,
			    q->store + o, &vlen)) != HTTPQ_OK)
				return err;
		} else {
			q->store[o] = '\0';
			vlen = 0;
		}
		o += vlen + 1;
		for (j = 0; j < q->n; j++)
			if (strcmp(q->key[j], q->key[q->n]) == 0)
				return HTTPQ_DUP;
		q->n++;
	}
	return HTTPQ_OK;
}

const char *
http_query_get(const struct http_query *q, const char *key)
{
	int i;

	for (i = 0; i < q->n; i++)
		if (strcmp(q->key[i], key) == 0)
			return q->val[i];
	return NULL;
}

const char *
http_qerr_message(int err)
{
	switch (err) {
	case HTTPQ_OK: return "ok";
	case HTTPQ_TOO_LONG: return "query string too long";
	case HTTPQ_TOO_MANY: return "too many query parameters";
	case HTTPQ_BAD_PCT: return "bad percent-encoding in query string";
	case HTTPQ_BAD_UTF8: return "query string is not valid UTF-8 text";
	case HTTPQ_DUP: return "a query parameter is repeated";
	default: return "bad query string";
	}
}

/* ---- names --------------------------------------------------------- */

static int
is_space_cp(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0xa0;
}

static int
is_dot_cp(uint32_t cp)
{
	return cp == '.' || cp == 0xb7 || cp == 0x2022 || cp == 0x2027 ||
	    cp == 0x30fb || cp == 0xff0e || cp == 0xff65 || cp == 0x2219 ||
	    cp == 0x22c5;
}

long
http_name_normalize(const char *s, char *out, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i = 0, o = 0, end = 0;
	uint32_t cp;
	int l;

	if (cap == 0)
		return -1;
	while (i < n) {
		if ((l = utf8_decode(p + i, n - i, &cp)) == 0)
			return -1;
		if (o == 0 && is_space_cp(cp)) {
			i += (size_t)l;
			continue;   /* leading space */
		}
		if (is_dot_cp(cp)) {
			if (o + 2 >= cap)
				return -1;
			out[o++] = (char)0xc2;
			out[o++] = (char)0xb7;
		} else {
			if (o + (size_t)l >= cap)
				return -1;
			memcpy(out + o, p + i, (size_t)l);
			o += (size_t)l;
		}
		if (!is_space_cp(cp))
			end = o;    /* trailing space is cut back to here */
		i += (size_t)l;
	}
	out[end] = '\0';
	return (long)end;
}

int
http_name_match(const char *typed, const char *registered)
{
	char a[256], b[256];
	long la, lb;

	if ((la = http_name_normalize(typed, a, sizeof(a))) <= 0 ||
	    (lb = http_name_normalize(registered, b, sizeof(b))) <= 0)
		return 0;
	return la == lb && memcmp(a, b, (size_t)la) == 0;
}

/* ---- client addresses ---------------------------------------------- */

int
http_client_key(const char *addr, uint8_t key[16])
{
	char tmp[64];
	size_t n;
	const char *pct;

	memset(key, 0, 16);
	if (addr == NULL)
		return -1;
	if (inet_pton(AF_INET, addr, key + 12) == 1) {
		key[10] = key[11] = 0xff;
		return 0;
	}
	/* Drop a zone ("fe80::1%eth0"). */
	n = (pct = strchr(addr, '%')) != NULL ? (size_t)(pct - addr) :
	    strlen(addr);
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, addr, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, key) != 1)
		return -1;
	if (!(memcmp(key, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0))
		memset(key + 8, 0, 8);   /* native IPv6: the /64 */
	return 0;
}

/* A textual address as 16 bytes (IPv4 mapped); 0 or -1. */
static int
addr16(const char *a, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, a, out + 12) == 1) {
		out[10] = out[11] = 0xff;
		return 0;
	}
	return inet_pton(AF_INET6, a, out) == 1 ? 0 : -1;
}

int
http_cidr_parse(const char *s, struct http_cidr *c)
{
	char tmp[64];
	const char *slash = strchr(s, '/');
	size_t n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	long bits;
	char *end;
	int v4;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (addr16(tmp, c->net) != 0)
		return -1;
	v4 = strchr(tmp, ':') == NULL;
	bits = v4 ? 32 : 128;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || bits < 0 ||
		    bits > (v4 ? 32 : 128))
			return -1;
	}
	c->bits = (int)bits + (v4 ? 96 : 0);
	return 0;
}

int
http_cidr_match(const struct http_cidr *c, const char *addr)
{
	uint8_t a[16];
	int full = c->bits / 8, rest = c->bits % 8;

	if (addr == NULL || addr16(addr, a) != 0)
		return 0;
	if (memcmp(a, c->net, (size_t)full) != 0)
		return 0;
	return rest == 0 || ((a[full] ^ c->net[full]) &
	    (uint8_t)(0xff << (8 - rest))) == 0;
}

int
http_xff_client(const char *v, size_t n, const struct http_cidr *c,
    char *out, size_t cap)
{
	size_t e = n, s;
	uint8_t a[16];

	while (e > 0) {
		s = e;
		while (s > 0 && v[s - 1] != ',')
			s--;
		{
			size_t b = s, f = e;

			while (b < f && (v[b] == ' ' || v[b] == '\t'))
				b++;
			while (f > b && (v[f - 1] == ' ' || v[f - 1] == '\t'))
				f--;
			if (f - b == 0 || f - b >= cap)
				return -1;
			memcpy(out, v + b, f - b);
			out[f - b] = '\0';
		}
		if (addr16(out, a) != 0)
			return -1;   /* a hop we cannot read: trust nothing left */
		if (!http_cidr_match(c, out))
			return 0;
		e = s > 0 ? s - 1 : 0;
	}
	return -1;
}
