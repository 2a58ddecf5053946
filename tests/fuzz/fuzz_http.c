/* fuzz_http.c - libFuzzer target for the lookup server's parsers: request
 * heads (http_req.c), request targets (routing), query strings, tokens,
 * names, client addresses and X-Forwarded-For. Seeds: tests/fuzz/seeds/http
 * (first byte '5': request heads, the smuggling shapes among them).
 * Build: CC=clang cmake -DSKILLCERT_FUZZ=ON ...; run: ./fuzz_http -max_len=2048
 * The first byte picks the parser so one corpus reaches all of them; the
 * invariants checked here abort on violation (a crash to libFuzzer). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/server/http_parse.h"
#include "skillcert/server/http_req.h"
#include "skillcert/base/utf8.h"

static void
check_target(const char *s, size_t n)
{
	struct http_target t;
	struct http_query q;
	char tok[HTTP_TOKEN_MAX + 1];
	int i;

	if (http_target_parse(s, n, &t) != 0)
		return;
	if (t.route < 0 || t.route >= ROUTE_N)
		abort();
	if (t.param != NULL) {
		/* Parameters lie inside the input, before any query. */
		if (t.param < s || t.param + t.param_len > s + n)
			abort();
		if (t.route == ROUTE_API_CERT && !http_certno_shape(t.param, t.param_len))
			abort();
		if (t.route == ROUTE_API_ORG && !http_orgcode_shape(t.param, t.param_len))
			abort();
		if ((t.route == ROUTE_PAGE_V || t.route == ROUTE_PAGE_V_PHOTO) &&
		    http_token_extract(t.param, t.param_len, tok, sizeof(tok)) < 0)
			abort();
	}
	if (t.query != NULL && (t.query < s || t.query + t.query_len > s + n))
		abort();
	if (http_query_parse(t.query, t.query_len, &q) == HTTPQ_OK) {
		if (q.n < 0 || q.n > HTTP_QUERY_PAIRS)
			abort();
		for (i = 0; i < q.n; i++) {
			/* Every decoded key and value is NUL-terminated inside
			 * the store and valid UTF-8 without control bytes. */
			const char *k = q.key[i], *v = q.val[i];
			if (k < q.store || v < q.store ||
			    k >= q.store + sizeof(q.store) || v >= q.store + sizeof(q.store))
				abort();
			if (memchr(k, 0, sizeof(q.store) - (size_t)(k - q.store)) == NULL ||
			    memchr(v, 0, sizeof(q.store) - (size_t)(v - q.store)) == NULL)
				abort();
			if (utf8_check((const uint8_t *)v, strlen(v)) != 0 ||
			    utf8_check((const uint8_t *)k, strlen(k)) != 0)
				abort();
			if (strlen(k) > HTTP_QUERY_KEY_MAX)
				abort();
			if (http_query_get(&q, k) != v)
				abort();   /* keys are unique */
		}
	}
}

/* A head: pointers stay inside the input, an accepted head is well
 * framed (no Transfer-Encoding on GET, no body kept alive), a refusal has
 * one of the statuses the server sends; then the rest as pipelined. */
static void
check_head(const char *s, size_t n)
{
	struct http_req r;
	size_t off = 0;
	int rc, k;

	for (k = 0; k < 8 && off < n; k++) {
		rc = http_req_parse(s + off, n - off, 2048, 512, &r);
		if (rc == HTTP_REQ_MORE)
			return;
		if (rc == HTTP_REQ_ERR) {
			if (r.status != 400 && r.status != 414 && r.status != 431 &&
			    r.status != 501 && r.status != 505)
				abort();
			return;
		}
		if (rc != HTTP_REQ_OK || r.head_len == 0 || r.head_len > n - off ||
		    r.head_len > 2048 || r.target_len > 512)
			abort();
		if (r.target < s + off || r.target + r.target_len > s + off + r.head_len)
			abort();
		if (memchr(r.target, ' ', r.target_len) != NULL)
			abort();
		if (r.method < HTTP_M_OTHER || r.method > HTTP_M_CONNECT)
			abort();
		if (r.has_body && r.keep_alive)
			abort();
		if (r.if_none_match != NULL && (r.if_none_match < s + off ||
		    r.if_none_match + r.if_none_match_len > s + off + r.head_len))
			abort();
		if (memcmp(s + off + r.head_len - 2, "\r\n", 2) != 0)
			abort();
		if (r.xff != NULL) {
			struct http_cidr c;
			char out[64];

			if (http_cidr_parse("10.0.0.0/8", &c) != 0)
				abort();
			if (http_xff_client(r.xff, r.xff_len, &c, out, sizeof(out)) == 0 &&
			    http_cidr_match(&c, out))
				abort();
		}
		off += r.head_len;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, out[HTTP_TOKEN_MAX + 1], name[300];
	uint8_t key[16];
	long n;

	if (size < 1 || size > 4096)
		return 0;
	/* A copy exactly `size - 1` bytes long, so ASan sees any overread. */
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	switch (data[0] % 6) {
	case 0:
		check_target(s, size - 1);
		break;
	case 1: {
		struct http_query q;
		http_query_parse(s, size - 1, &q);
		break;
	}
	case 2:
		n = http_token_extract(s, size - 1, out, sizeof(out));
		if (n >= 0 && ((size_t)n != size - 1 || strlen(out) != (size_t)n))
			abort();
		break;
	case 3: {
		char *z = malloc(size);   /* NUL-terminated for the name API */
		if (z == NULL)
			break;
		memcpy(z, data + 1, size - 1);
		z[size - 1] = '\0';
		n = http_name_normalize(z, name, sizeof(name));
		if (n >= 0 && (strlen(name) != (size_t)n ||
		    utf8_check((const uint8_t *)name, (size_t)n) != 0))
			abort();
		if (n > 0 && !http_name_match(z, name) && strlen(z) < 120)
			abort();   /* normalizing is idempotent */
		free(z);
		break;
	}
	case 4: {
		char a[80];
		size_t l = size - 1 < sizeof(a) - 1 ? size - 1 : sizeof(a) - 1;
		memcpy(a, data + 1, l);
		a[l] = '\0';
		http_client_key(a, key);
		break;
	}
	case 5:
		check_head(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
