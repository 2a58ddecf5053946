/* test_http.c - the lookup server's parsers (routing, query strings,
 * tokens, names, client keys), its rate limiter, and its responses
 * through the in-process handler: masking, one 404 for a wrong name and
 * an unknown number, escaping, the CSP hash of the pages' stylesheet. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "test.h"
#include "gen.h"
#include "skillcert/server/http_parse.h"
#include "skillcert/issue/issue.h"
#include "skillcert/server/ratelimit.h"
#include "skillcert/store/registry.h"
#include "skillcert/server/server.h"
#include "skillcert/base/siphash.h"

#define ORG "S000036000001"

static int
route_of(const char *uri)
{
	struct http_target t;

	if (http_target_parse(uri, strlen(uri), &t) != 0)
		return -1;
	return t.route;
}

static void
test_routes(void)
{
	struct http_target t;
	const char *u;

	CHECK_EQ_INT(route_of("/"), ROUTE_INDEX);
	CHECK_EQ_INT(route_of("/?x=1"), ROUTE_INDEX);
	CHECK_EQ_INT(route_of("/search?no=1&name=2"), ROUTE_SEARCH);
	CHECK_EQ_INT(route_of("/healthz"), ROUTE_HEALTHZ);
	CHECK_EQ_INT(route_of("/metrics"), ROUTE_METRICS);
	CHECK_EQ_INT(route_of("/v1/verify?token=x"), ROUTE_API_VERIFY);
	CHECK_EQ_INT(route_of("/v1/certificates/S000036000001213000001"), ROUTE_API_CERT);
	CHECK_EQ_INT(route_of("/v1/certificates/Y000036000001215000001?name=a"), ROUTE_API_CERT);
	CHECK_EQ_INT(route_of("/v1/certificates/S000036000001216000001"), ROUTE_OTHER); /* level 6 */
	CHECK_EQ_INT(route_of("/v1/certificates/X000036000001213000001"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/v1/certificates/S00003600000121300000"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/v1/certificates/S0000360000012130000011"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/v1/certificates/"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/v1/orgs/S000036000001"), ROUTE_API_ORG);
	CHECK_EQ_INT(route_of("/v1/orgs/S00003600000"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/v1/orgs/S000036000001/x"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/v/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), ROUTE_PAGE_V);
	CHECK_EQ_INT(route_of("/V/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), ROUTE_PAGE_V);
	CHECK_EQ_INT(route_of("/v/abcdefghijklmnopqrstuvwxyz234567"), ROUTE_PAGE_V);
	CHECK_EQ_INT(route_of("/V/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567/"), ROUTE_PAGE_V);
	CHECK_EQ_INT(route_of("/v/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567/photo"), ROUTE_PAGE_V_PHOTO);
	CHECK_EQ_INT(route_of("/v/ABCDEFGHIJKLMNOPQRSTUVWXYZ2345678"), ROUTE_OTHER); /* 8 */
	CHECK_EQ_INT(route_of("/v/ABC"), ROUTE_OTHER);                            /* short */
	CHECK_EQ_INT(route_of("/v/ABCDEFGHIJKLMNOP%41RSTUVWXYZ"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/x/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/healthz/"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/HEALTHZ"), ROUTE_OTHER);
	CHECK_EQ_INT(route_of("/healthz#frag"), ROUTE_HEALTHZ);
	CHECK_EQ_INT(route_of("healthz"), -1);
	CHECK_EQ_INT(route_of(""), -1);
	CHECK_EQ_INT(route_of("/a b"), -1);
	CHECK_EQ_INT(route_of("/\x7f"), -1);
	CHECK_EQ_INT(route_of("/\xe5\xbc\xa0"), -1);
	CHECK_EQ_INT(route_of("http://host/"), -1);

	u = "/v1/certificates/S000036000001213000001?name=%E5%BC%A0&x=1";
	CHECK(http_target_parse(u, strlen(u), &t) == 0);
	CHECK(t.param_len == 22 && memcmp(t.param, "S000036000001213000001", 22) == 0);
	CHECK(t.query_len == strlen("name=%E5%BC%A0&x=1") &&
	    memcmp(t.query, "name=%E5%BC%A0&x=1", t.query_len) == 0);
	u = "/v/abcdefghijklmnopqrstuvwxyz234567/photo";
	CHECK(http_target_parse(u, strlen(u), &t) == 0);
	CHECK_EQ_INT(t.param_len, 32);
	/* The length is what counts, not a NUL. */
	CHECK(http_target_parse("/healthzXYZ", 8, &t) == 0 && t.route == ROUTE_HEALTHZ);

	CHECK_STR(http_route_pattern(ROUTE_API_CERT), "/v1/certificates/{no}");
	CHECK_STR(http_route_pattern(ROUTE_PAGE_V), "/v/{token}");
	CHECK_STR(http_route_pattern(99), "(other)");
	CHECK(http_route_limited(ROUTE_API_CERT) && http_route_limited(ROUTE_API_VERIFY) &&
	    http_route_limited(ROUTE_SEARCH) && http_route_limited(ROUTE_PAGE_V) &&
	    http_route_limited(ROUTE_PAGE_V_PHOTO));
	CHECK(!http_route_limited(ROUTE_HEALTHZ) && !http_route_limited(ROUTE_METRICS) &&
	    !http_route_limited(ROUTE_INDEX) && !http_route_limited(ROUTE_OTHER));
}

static int
qparse(const char *s, struct http_query *q)
{
	return http_query_parse(s, strlen(s), q);
}

static void
test_query(void)
{
	struct http_query q;
	char big[HTTP_QUERY_MAX + 8];

	CHECK_EQ_INT(qparse("", &q), HTTPQ_OK);
	CHECK_EQ_INT(q.n, 0);
	CHECK_EQ_INT(http_query_parse(NULL, 0, &q), HTTPQ_OK);
	CHECK_EQ_INT(qparse("no=S1&name=%E5%BC%A0%E4%B8%89", &q), HTTPQ_OK);
	CHECK_EQ_INT(q.n, 2);
	CHECK_STR(http_query_get(&q, "no"), "S1");
	CHECK_STR(http_query_get(&q, "name"), "张三");
	CHECK(http_query_get(&q, "x") == NULL);
	CHECK_EQ_INT(qparse("name=a+b%20c", &q), HTTPQ_OK);
	CHECK_STR(http_query_get(&q, "name"), "a b c");
	CHECK_EQ_INT(qparse("a&b=&&c=1=2", &q), HTTPQ_OK);
	CHECK_EQ_INT(q.n, 3);
	CHECK_STR(http_query_get(&q, "a"), "");
	CHECK_STR(http_query_get(&q, "b"), "");
	CHECK_STR(http_query_get(&q, "c"), "1=2");
	CHECK_EQ_INT(qparse("%6E%61me=x", &q), HTTPQ_OK);   /* key decoded too */
	CHECK_STR(http_query_get(&q, "name"), "x");
	CHECK_EQ_INT(qparse("name=a&name=b", &q), HTTPQ_DUP);
	CHECK_EQ_INT(qparse("name=a&%6Eame=b", &q), HTTPQ_DUP);
	CHECK_EQ_INT(qparse("a=%", &q), HTTPQ_BAD_PCT);
	CHECK_EQ_INT(qparse("a=%4", &q), HTTPQ_BAD_PCT);
	CHECK_EQ_INT(qparse("a=%4g", &q), HTTPQ_BAD_PCT);
	CHECK_EQ_INT(qparse("a=%G1", &q), HTTPQ_BAD_PCT);
	CHECK_EQ_INT(qparse("a=%41", &q), HTTPQ_OK);
	CHECK_STR(http_query_get(&q, "a"), "A");
	CHECK_EQ_INT(qparse("a=%00", &q), HTTPQ_BAD_UTF8);
	CHECK_EQ_INT(qparse("a=%0A", &q), HTTPQ_BAD_UTF8);
	CHECK_EQ_INT(qparse("a=%7F", &q), HTTPQ_BAD_UTF8);
	CHECK_EQ_INT(qparse("a=%FF", &q), HTTPQ_BAD_UTF8);
	CHECK_EQ_INT(qparse("a=%E5%BC", &q), HTTPQ_BAD_UTF8);         /* truncated */
	CHECK_EQ_INT(qparse("a=%C0%AF", &q), HTTPQ_BAD_UTF8);         /* overlong */
	CHECK_EQ_INT(qparse("a=%ED%A0%80", &q), HTTPQ_BAD_UTF8);      /* surrogate */
	CHECK_EQ_INT(qparse("a=%F0%A0%AE%B7", &q), HTTPQ_OK);         /* 𠮷 */
	CHECK_STR(http_query_get(&q, "a"), "𠮷");
	CHECK_EQ_INT(qparse("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8", &q), HTTPQ_OK);
	CHECK_EQ_INT(qparse("a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", &q), HTTPQ_TOO_MANY);
	CHECK_EQ_INT(qparse("abcdefghijklmnopq=1", &q), HTTPQ_TOO_LONG);  /* key > 16 */
	memset(big, 'a', sizeof(big));
	big[0] = 'k';
	big[1] = '=';
	CHECK_EQ_INT(http_query_parse(big, HTTP_QUERY_MAX, &q), HTTPQ_OK);
	CHECK_EQ_INT(strlen(http_query_get(&q, "k")), HTTP_QUERY_MAX - 2);
	CHECK_EQ_INT(http_query_parse(big, HTTP_QUERY_MAX + 1, &q), HTTPQ_TOO_LONG);
	CHECK(strcmp(http_qerr_message(HTTPQ_DUP), "ok") != 0);
}

static void
test_token(void)
{
	char out[HTTP_TOKEN_MAX + 1];
	char big[HTTP_TOKEN_MAX + 2];

	CHECK_EQ_INT(http_token_extract("abcdefghijklmnop234567", 22, out, sizeof(out)), 22);
	CHECK_STR(out, "ABCDEFGHIJKLMNOP234567");
	CHECK_EQ_INT(http_token_extract("ABCDEFGHIJKLMNOP", 16, out, sizeof(out)), 16);
	CHECK_EQ_INT(http_token_extract("ABCDEFGHIJKLMNO", 15, out, sizeof(out)), -1);
	CHECK_EQ_INT(http_token_extract("ABCDEFGHIJKLMNO1", 16, out, sizeof(out)), -1);
	CHECK_EQ_INT(http_token_extract("ABCDEFGHIJKLMNO8", 16, out, sizeof(out)), -1);
	CHECK_EQ_INT(http_token_extract("ABCDEFGHIJKLMNO=", 16, out, sizeof(out)), -1);
	CHECK_EQ_INT(http_token_extract("ABCDEFGHIJKLMNOP", 16, out, 16), -1); /* no room */
	CHECK_EQ_INT(http_token_extract(NULL, 16, out, sizeof(out)), -1);
	memset(big, 'A', sizeof(big));
	CHECK_EQ_INT(http_token_extract(big, HTTP_TOKEN_MAX, out, sizeof(out)), HTTP_TOKEN_MAX);
	CHECK_EQ_INT(http_token_extract(big, HTTP_TOKEN_MAX + 1, out, sizeof(out)), -1);

	CHECK(http_certno_shape("S000036000001213000001", 22));
	CHECK(!http_certno_shape("S000036000001200000001", 22));
	CHECK(!http_certno_shape("s000036000001213000001", 22));
	CHECK(http_orgcode_shape("Y000036000001", 13));
	CHECK(!http_orgcode_shape("Y00003600000A", 13));
}

static void
test_names(void)
{
	char out[64];

	CHECK_EQ_INT(http_name_normalize("  张三华\xe3\x80\x80 ", out, sizeof(out)), 9);
	CHECK_STR(out, "张三华");
	CHECK(http_name_normalize("阿依古丽.买买提", out, sizeof(out)) > 0);
	CHECK_STR(out, "阿依古丽·买买提");
	CHECK(http_name_normalize("阿依古丽・买买提", out, sizeof(out)) > 0);
	CHECK_STR(out, "阿依古丽·买买提");
	CHECK(http_name_normalize("Li Ming", out, sizeof(out)) > 0);
	CHECK_STR(out, "Li Ming");   /* inner spaces kept */
	CHECK_EQ_INT(http_name_normalize("\xff", out, sizeof(out)), -1);
	CHECK_EQ_INT(http_name_normalize("张三华", out, 9), -1);   /* no room for NUL */
	CHECK_EQ_INT(http_name_normalize("   ", out, sizeof(out)), 0);
	CHECK(http_name_match("张三华", "张三华"));
	CHECK(http_name_match(" 张三华 ", "张三华"));
	CHECK(http_name_match("阿依古丽•买买提", "阿依古丽·买买提"));
	CHECK(!http_name_match("张三", "张三华"));
	CHECK(!http_name_match("张三华", "张三"));
	CHECK(!http_name_match("", ""));
	CHECK(!http_name_match("  ", "张三华"));
	CHECK(!http_name_match("张*华", "张三华"));
	CHECK(http_name_match("𠮷祥", "𠮷祥"));
}

static void
test_client_key(void)
{
	uint8_t k[16], k2[16];

	CHECK(http_client_key("127.0.0.1", k) == 0);
	CHECK(memcmp(k, "\0\0\0\0\0\0\0\0\0\0\xff\xff\x7f\0\0\x01", 16) == 0);
	CHECK(http_client_key("2001:db8:1:2:3:4:5:6", k) == 0);
	CHECK(http_client_key("2001:db8:1:2:ffff:4:5:7", k2) == 0);
	CHECK(memcmp(k, k2, 16) == 0);           /* one /64 */
	CHECK(http_client_key("2001:db8:1:3::1", k2) == 0);
	CHECK(memcmp(k, k2, 16) != 0);
	CHECK(http_client_key("fe80::1%eth0", k) == 0);
	CHECK(http_client_key("::ffff:10.0.0.1", k) == 0);
	CHECK(http_client_key("10.0.0.1", k2) == 0);
	CHECK(memcmp(k, k2, 16) == 0);
	CHECK(http_client_key("host", k) == -1);
	CHECK(http_client_key(NULL, k) == -1);
	CHECK(http_client_key("", k) == -1);
}

static void
test_ratelimit(void)
{
	static const uint8_t key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
	uint8_t msg[15], a[16] = { 1 }, b[16] = { 2 };
	struct ratelimit rl;
	uint32_t ra = 0;
	uint64_t t = 1000000;
	int i, allowed;

	/* SipHash-2-4 reference vectors (the paper's Appendix A). */
	for (i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	CHECK(siphash_24(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, msg, 15) ==
	    0xa129ca6149be45e5ULL);
	CHECK(siphash_24(0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, msg, 0) ==
	    0x726fdb47dd0e0e31ULL);
	(void)key;

	CHECK(ratelimit_init(&rl, 64, 2.0, 3.0) == 0);
	for (i = 0, allowed = 0; i < 10; i++)
		allowed += ratelimit_take(&rl, a, t, &ra);
	CHECK_EQ_INT(allowed, 3);                 /* the burst */
	CHECK_EQ_INT(ra, 1);
	CHECK(ratelimit_take(&rl, b, t, &ra) == 1); /* another client unaffected */
	CHECK(ratelimit_take(&rl, a, t + 499000, &ra) == 0);
	CHECK(ratelimit_take(&rl, a, t + 500000, &ra) == 1); /* 2/s: one per 0.5 s */
	CHECK(ratelimit_take(&rl, a, t + 500001, &ra) == 0);
	for (i = 0, allowed = 0; i < 10; i++)
		allowed += ratelimit_take(&rl, a, t + 100000000, &ra);
	CHECK_EQ_INT(allowed, 3);                 /* refill caps at the burst */
	/* Many clients: the table never grows, a new client always gets in. */
	for (i = 0; i < 10000; i++) {
		uint8_t k[16] = { 0 };
		memcpy(k, &i, sizeof(i));
		CHECK(ratelimit_take(&rl, k, t + 200000000, NULL) == 1);
	}
	ratelimit_free(&rl);

	CHECK(ratelimit_init(&rl, 64, 0.01, 1.0) == 0);
	CHECK(ratelimit_take(&rl, a, t, &ra) == 1);
	CHECK(ratelimit_take(&rl, a, t, &ra) == 0);
	CHECK_EQ_INT(ra, 100);                    /* whole seconds, rounded up */
	ratelimit_free(&rl);

	CHECK(ratelimit_init(&rl, 64, 0, 0) == 0); /* off */
	for (i = 0, allowed = 0; i < 1000; i++)
		allowed += ratelimit_take(&rl, a, t, &ra);
	CHECK_EQ_INT(allowed, 1000);
	ratelimit_free(&rl);
}

/* ---- responses through the in-process handler ---- */

static char dir[64];
static char certno[3][CERTNO_LEN + 1];
static char token[3][600];

static int
make_registry(void)
{
	struct registry *r;
	struct err e;
	MDB_txn *txn;
	struct org o;
	struct buf b = BUF_INIT;
	struct issue_opts io;
	struct issue_result res;
	struct cert_record rec;
	int32_t today;
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/schttpXXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	strcat(dir, "/reg");
	date_from_ymd(2024, 6, 1, &today);
	if (registry_init(dir, gen_opts(0), 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(&r, dir, gen_opts(0), &e) ||
	    registry_load_secrets(r, NULL, &e) ||
	    registry_txn_begin(r, 0, &txn, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	memset(&o, 0, sizeof(o));
	strcpy(o.code, ORG);
	o.type = 'S';
	strcpy(o.name, "江西省<康养>职业技能评价中心");   /* escaped on pages */
	o.status = ORG_ACTIVE;
	date_from_ymd(2020, 1, 1, &o.valid_from);
	date_from_ymd(2030, 12, 31, &o.valid_to);
	if (org_scope_parse(&r->cat, "养老护理员:5-1", &o, &e) ||
	    registry_org_new_key(r, txn, &o, KEY_ED25519, o.valid_from, NULL, &e) ||
	    registry_put_org(r, txn, &o, &e) || mdb_txn_commit(txn)) {
		fprintf(stderr, "setup org: %s\n", e.msg);
		return -1;
	}
	gen_roster(&b, 0, 3);
	memset(&io, 0, sizeof(io));
	io.org = ORG;
	io.roster_data = (const char *)b.data;
	io.roster_len = b.len;
	io.today = today;
	if (issue_roster(r, &io, &res, &e) != 0 || res.issued != 3) {
		fprintf(stderr, "issue: %s\n", e.msg);
		return -1;
	}
	for (i = 0; i < 3; i++)
		strcpy(certno[i], res.rows[i].certno);
	issue_result_free(&res);
	if (registry_txn_begin(r, 0, &txn, &e) ||
	    registry_revoke(r, txn, certno[1], REV_FRAUD, "test", o.kid, &e) ||
	    mdb_txn_commit(txn)) {
		fprintf(stderr, "revoke: %s\n", e.msg);
		return -1;
	}
	if (registry_txn_begin(r, 1, &txn, &e) != 0)
		return -1;
	for (i = 0; i < 3; i++) {
		if (registry_get_cert(r, txn, certno[i], &rec, &e) != 0 ||
		    cert_token(rec.enc, rec.enc_len, rec.sig, &b, &e) != 0) {
			fprintf(stderr, "token: %s\n", e.msg);
			return -1;
		}
		snprintf(token[i], sizeof(token[i]), "%.*s", (int)b.len, b.data);
	}
	mdb_txn_abort(txn);
	buf_free(&b);
	registry_close(r);
	return 0;
}

/* Percent-encodes s (every non-alphanumeric byte) into a static buffer. */
static const char *
pct(const char *s)
{
	static char out[8][256];
	static int slot;
	char *o = out[slot++ % 8], *p = o;

	for (; *s && p < o + 250; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			*p++ = (char)c;
		else
			p += sprintf(p, "%%%02X", c);
	}
	*p = '\0';
	return o;
}

static int
body_has(const struct server_response *r, const char *s)
{
	return memmem(r->body, r->body_len, s, strlen(s)) != NULL;
}

static void
test_responses(void)
{
	struct server_handler *h, *hl;
	struct server_config c;
	struct server_response r;
	struct err e;
	char uri[1200], name[32], id[19], masked[32], body404[512];
	size_t n404;
	int i;

	if (make_registry() != 0) {
		CHECK(!"registry for the handler");
		return;
	}
	server_config_defaults(&c);
	c.db_dir = dir;
	c.rate = 0;
	CHECK(server_handler_open(&h, &c, &e) == 0);
	if (h == NULL) {
		fprintf(stderr, "%s\n", e.msg);
		return;
	}
	gen_name(0, name, sizeof(name));
	gen_id(0, id);

	/* JSON lookup: masked name and ID only. */
	snprintf(uri, sizeof(uri), "/v1/certificates/%s?name=%s", certno[0], pct(name));
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	CHECK_STR(r.content_type, "application/json; charset=utf-8");
	CHECK_EQ_INT(r.cache, SRV_CACHE_NO_STORE);
	CHECK(!body_has(&r, name));
	CHECK(!body_has(&r, id));
	snprintf(masked, sizeof(masked), "%.4s**********%.4s", id, id + 14);
	CHECK(body_has(&r, masked));
	CHECK(body_has(&r, "\"name\":\"王*英\"") || body_has(&r, "\"name\":\"王*\""));
	CHECK(body_has(&r, "\"status\":\"valid\""));
	CHECK(body_has(&r, "\"level_name\":\"五级/初级工\""));

	/* Wrong name and unknown number: one answer. */
	snprintf(uri, sizeof(uri), "/v1/certificates/%s?name=%s", certno[0], pct("李四"));
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 404);
	n404 = r.body_len < sizeof(body404) ? r.body_len : sizeof(body404);
	memcpy(body404, r.body, n404);
	snprintf(uri, sizeof(uri), "/v1/certificates/%.16s999999?name=%s", certno[0], pct(name));
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 404);
	CHECK(r.body_len == n404 && memcmp(r.body, body404, n404) == 0);

	/* Revoked. */
	gen_name(1, name, sizeof(name));
	snprintf(uri, sizeof(uri), "/v1/certificates/%s?name=%s", certno[1], pct(name));
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	CHECK(body_has(&r, "\"status\":\"revoked\""));
	CHECK(body_has(&r, "\"reason\":\"fraud\""));

	/* Search page: masked, escaped organization name, no-store. */
	gen_name(0, name, sizeof(name));
	snprintf(uri, sizeof(uri), "/search?no=%s&name=%s", certno[0], pct(name));
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	CHECK_STR(r.content_type, "text/html; charset=utf-8");
	CHECK(!body_has(&r, name) || strlen(name) <= 3);
	CHECK(!body_has(&r, id));
	CHECK(body_has(&r, "&lt;康养&gt;"));
	CHECK(!body_has(&r, "<康养>"));
	CHECK(body_has(&r, "有效"));
	/* Lower case and spaces in the typed number are forgiven. */
	snprintf(uri, sizeof(uri), "/search?no=s%%20%s&name=%s", certno[0] + 1, pct(name));
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	/* Reflected input is escaped. */
	CHECK_EQ_INT(server_handler_request(h, "GET",
	    "/search?no=%22%3E%3Cscript%3E&name=x", "127.0.0.1", &r), 400);
	CHECK(!body_has(&r, "<script>"));
	CHECK(body_has(&r, "&quot;&gt;&lt;script&gt;"));

	/* Token page: full name here, the verdict, the photo not (none). */
	snprintf(uri, sizeof(uri), "/V/%s", token[0]);
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	CHECK(body_has(&r, "有效"));
	CHECK(body_has(&r, name));
	CHECK(!body_has(&r, id));
	CHECK(!body_has(&r, "<script"));
	snprintf(uri, sizeof(uri), "/V/%s", token[1]);
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	CHECK(body_has(&r, "已撤销"));
	snprintf(uri, sizeof(uri), "/v1/verify?token=%s", token[2]);
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 200);
	CHECK(body_has(&r, "\"verdict\":\"valid\""));
	/* Every single-character change of a token is refused. */
	for (i = 0; token[2][i] != '\0'; i += 7) {
		char t[600];

		strcpy(t, token[2]);
		t[i] = t[i] == 'A' ? 'B' : 'A';
		snprintf(uri, sizeof(uri), "/v1/verify?token=%s", t);
		server_handler_request(h, "GET", uri, "127.0.0.1", &r);
		CHECK(!body_has(&r, "\"verdict\":\"valid\""));
		CHECK(!body_has(&r, "\"certificate\""));
		snprintf(uri, sizeof(uri), "/v/%s", t);
		server_handler_request(h, "GET", uri, "127.0.0.1", &r);
		CHECK(body_has(&r, "无法验证"));
	}
	snprintf(uri, sizeof(uri), "/v/%s/photo", token[0]);
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 404);

	/* The CSP allows exactly the stylesheet the pages carry. */
	CHECK_EQ_INT(server_handler_request(h, "GET", "/", "127.0.0.1", &r), 200);
	{
		const char *s = memmem(r.body, r.body_len, "<style>", 7);
		const char *t = s ? memmem(s, r.body_len - (size_t)(s - (const char *)r.body),
		    "</style>", 8) : NULL;
		unsigned char md[32], b64[64];
		char want[128];

		CHECK(s != NULL && t != NULL);
		if (s != NULL && t != NULL) {
			EVP_Digest(s + 7, (size_t)(t - s - 7), md, NULL, EVP_sha256(), NULL);
			EVP_EncodeBlock(b64, md, 32);
			snprintf(want, sizeof(want), "style-src 'sha256-%s'", b64);
			CHECK(strstr(server_handler_csp(h), want) != NULL);
		}
		CHECK(strstr(server_handler_csp(h), "default-src 'none'") != NULL);
		CHECK(strstr(server_handler_csp(h), "frame-ancestors 'none'") != NULL);
		CHECK(strstr(server_handler_csp(h), "img-src 'self' data:") != NULL);
	}

	/* Methods and limits. */
	CHECK_EQ_INT(server_handler_request(h, "POST", "/", "127.0.0.1", &r), 405);
	CHECK_EQ_INT(server_handler_request(h, "HEAD", "/healthz", "127.0.0.1", &r), 200);
	memset(uri, 'a', sizeof(uri));
	uri[0] = '/';
	uri[sizeof(uri) - 1] = '\0';
	CHECK_EQ_INT(server_handler_request(h, "GET", uri, "127.0.0.1", &r), 414);
	CHECK_EQ_INT(server_handler_request(h, "GET", "/nope", "127.0.0.1", &r), 404);
	CHECK_EQ_INT(server_handler_request(h, "GET", "/v1/orgs/" ORG, "127.0.0.1", &r), 200);
	CHECK(body_has(&r, "\"region\":\"江西省\""));
	CHECK_EQ_INT(server_handler_request(h, "GET", "/metrics", "127.0.0.1", &r), 200);
	CHECK(body_has(&r, "skillcert_certificates 3\n"));
	CHECK(body_has(&r, "skillcert_revocations 1\n"));
	CHECK(body_has(&r, "skillcert_http_requests_total{route=\"certificate\",code=\"404\"} 2\n"));
	server_handler_close(h);

	/* Rate limit: burst 2 at 1/s, per client. */
	c.rate = 1;
	c.burst = 2;
	CHECK(server_handler_open(&hl, &c, &e) == 0);
	if (hl != NULL) {
		snprintf(uri, sizeof(uri), "/v1/verify?token=%s", token[0]);
		CHECK_EQ_INT(server_handler_request(hl, "GET", uri, "10.0.0.1", &r), 200);
		CHECK_EQ_INT(server_handler_request(hl, "GET", uri, "10.0.0.1", &r), 200);
		CHECK_EQ_INT(server_handler_request(hl, "GET", uri, "10.0.0.1", &r), 429);
		CHECK(r.retry_after >= 1);
		CHECK(body_has(&r, "rate_limited"));
		CHECK_EQ_INT(server_handler_request(hl, "GET", uri, "10.0.0.2", &r), 200);
		CHECK_EQ_INT(server_handler_request(hl, "GET", "/healthz", "10.0.0.1", &r), 200);
		server_handler_close(hl);
	}
}

int
main(void)
{
	char cmd[128];

	test_routes();
	test_query();
	test_token();
	test_names();
	test_client_key();
	test_ratelimit();
	test_responses();
	if (dir[0] != '\0') {
		char *slash = strrchr(dir, '/');
		if (slash != NULL)
			*slash = '\0';
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", dir);
	}
	TEST_END();
}
