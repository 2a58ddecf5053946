/* log.c - the transparency log for monitors and verifiers, and the
 * trust bundle, as the CLI shows them (logview.c). Nothing here holds
 * personal data: leaves carry numbers, codes, dates and hashes only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "respond.h"
#include "skillcert/base/json.h"
#include "skillcert/store/ckpt.h"
#include "skillcert/store/logview.h"
#include "skillcert/model/sha256.h"
#include "skillcert/base/hex.h"

#define CT_BUNDLE "application/octet-stream"
#define SRV_LEAVES_MAX 1000   /* leaves per /v1/log/leaves request */

/* Renders a logview into the body; errors keep the API's shape. */
static void
log_answer(struct srv_ctx *x, struct server_response *r, int rc,
    const struct err *e, int cache)
{
	if (rc == 0) {
		buf_append_byte(&x->body, '\n');
		srv_finish(x, r, 200, CT_JSON, cache);
	} else if (rc == ERR_NOTFOUND) {
		srv_json_error(x, r, 404, "not_found", e->msg);
	} else if (rc == ERR_INVALID || rc == ERR_USAGE) {
		srv_json_error(x, r, 400, "bad_query", e->msg);
	} else {
		srv_count(&x->m.db_errors, 1);
		srv_json_error(x, r, 503, "unavailable", "the log cannot be read");
	}
}

static int
begin(struct srv_ctx *x, struct server_response *r, struct json *j)
{
	buf_reset(&x->body);
	if (srv_txn(x) != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot be read");
		return -1;
	}
	json_init(j, &x->body);
	return 0;
}

void
srv_log_head(struct srv_ctx *x, struct server_response *r)
{
	struct json j;
	struct err e;

	if (begin(x, r, &j) == 0)
		log_answer(x, r, logview_head(x->reg, x->txn, &j, &e), &e,
		    SRV_CACHE_NO_STORE);
}

/* The route's number, upper-cased. */
static void
log_certno(const struct http_target *t, char no[CERTNO_LEN + 1])
{
	memcpy(no, t->param, CERTNO_LEN);
	no[CERTNO_LEN] = '\0';
	for (int i = 0; i < CERTNO_LEN; i++)
		if (no[i] == 's' || no[i] == 'y')
			no[i] -= 32;
}

/* The routes that answer for one certificate number. */
static void
log_per_cert(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r, int (*view)(struct registry *, MDB_txn *,
    const char *, struct json *, struct err *))
{
	char no[CERTNO_LEN + 1];
	struct json j;
	struct err e;

	log_certno(t, no);
	if (begin(x, r, &j) == 0)
		log_answer(x, r, view(x->reg, x->txn, no, &j, &e), &e,
		    SRV_CACHE_NO_STORE);
}

void
srv_log_proof(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r)
{
	log_per_cert(x, t, r, logview_proof);
}

void
srv_log_status(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r)
{
	log_per_cert(x, t, r, logview_status);
}

/* A decimal u64 query value, or -1. */
static int
query_u64(const struct http_query *q, const char *k, uint64_t *v)
{
	const char *s = http_query_get(q, k);
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*v = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

void
srv_log_consistency(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r)
{
	uint64_t from, to;
	struct json j;
	struct err e;

	if (query_u64(q, "from", &from) != 0 || query_u64(q, "to", &to) != 0) {
		srv_json_error(x, r, 400, "bad_query", "need from= and to= tree sizes");
		return;
	}
	if (begin(x, r, &j) == 0)
		log_answer(x, r, logview_consistency(x->reg, x->txn, from, to, &j,
		    &e), &e, SRV_CACHE_PUBLIC);
}

void
srv_log_leaves(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r)
{
	uint64_t start, end;
	struct json j;
	struct err e;

	if (query_u64(q, "start", &start) != 0 || query_u64(q, "end", &end) != 0) {
		srv_json_error(x, r, 400, "bad_query", "need start= and end= leaf "
		    "indices (at most 1000 leaves a request)");
		return;
	}
	/* The server's own bound, whatever the log view allows. */
	if (end > start && end - start > SRV_LEAVES_MAX)
		end = start + SRV_LEAVES_MAX;
	if (begin(x, r, &j) == 0)
		log_answer(x, r, logview_leaves(x->reg, x->txn, start, end, &j, &e),
		    &e, SRV_CACHE_NO_STORE);
}

void
srv_log_checkpoint(struct srv_ctx *x, struct server_response *r)
{
	const char *p;
	size_t n;
	struct err e;
	int rc;

	buf_reset(&x->body);
	if (srv_txn(x) != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot be read");
		return;
	}
	if ((rc = ckpt_get(x->reg, x->txn, &p, &n, &e)) != 0) {
		if (rc == ERR_NOTFOUND) {
			srv_json_error(x, r, 404, "not_found", e.msg);
		} else {
			srv_count(&x->m.db_errors, 1);
			srv_json_error(x, r, 503, "unavailable", "the log cannot be read");
		}
		return;
	}
	if (buf_append(&x->body, p, n) != 0) {
		srv_json_error(x, r, 503, "unavailable", "out of memory");
		return;
	}
	srv_finish(x, r, 200, CT_TEXT, SRV_CACHE_NO_STORE);
}

/* The latest bundle `skillcert trust export` stored, served with an ETag
 * so verifiers that poll download it only when it changed. */
void
srv_trust(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *r)
{
	const uint8_t *bp;
	size_t bn;
	uint8_t md[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	buf_reset(&x->body);
	if (srv_txn(x) != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot be read");
		return;
	}
	if (registry_get_bundle(x->reg, x->txn, &bp, &bn) != 0) {
		srv_json_error(x, r, 404, "not_found", "no trust bundle exported yet "
		    "(skillcert trust export)");
		return;
	}
	/* Hashed once a bundle and snapshot: the same committed
	 * transaction, address and length are the same bytes. (The address
	 * alone is not enough: pages freed by one commit may hold another
	 * bundle of the same length a few commits later.) */
	if (bp != x->etag_of || bn != x->etag_len ||
	    mdb_txn_id(x->txn) != x->etag_txn) {
		sha256_bytes(bp, bn, md);
		hex_encode(md, 16, x->etag_hex);
		x->etag_of = bp;
		x->etag_len = bn;
		x->etag_txn = mdb_txn_id(x->txn);
	}
	memcpy(hex, x->etag_hex, sizeof(x->etag_hex));
	snprintf(r->etag, sizeof(r->etag), "\"%s\"", hex);
	if (rq->if_none_match != NULL && strstr(rq->if_none_match, hex) != NULL) {
		srv_finish(x, r, 304, CT_BUNDLE, SRV_CACHE_PUBLIC);
		return;
	}
	x->ext = bp;            /* points into the map: valid until srv_done */
	x->ext_len = bn;
	srv_finish(x, r, 200, CT_BUNDLE, SRV_CACHE_PUBLIC);
}
