/* server_int.h - the lookup server's internals shared by its modules:
 *   server.c          threads, listeners, evhttp, TLS, signals, access log
 *   server_core.c     per-thread context, request dispatch, errors
 *   server_api.c      JSON endpoints
 *   server_page.c     HTML pages
 *   server_verify.c   the token verdict
 *   server_metrics.c  counters and the Prometheus text
 *   server_main.c     command line */
#ifndef SKILLCERT_SERVER_INT_H
#define SKILLCERT_SERVER_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include "skillcert/server/server.h"
#include "skillcert/server/http_parse.h"
#include "skillcert/server/ratelimit.h"
#include "skillcert/store/registry.h"

#define SRV_CSP_MAX 512

/* ---- metrics: per thread, written by the owner only, read on scrape --- */

enum srv_status_idx {
	ST_200, ST_304, ST_400, ST_404, ST_405, ST_413, ST_414, ST_429,
	ST_500, ST_503, ST_OTHER, ST_N
};
#define SRV_NBUCKETS 12   /* latency upper bounds, microseconds (+Inf extra) */

struct srv_metrics {
	_Atomic uint64_t req[ROUTE_N][ST_N];
	_Atomic uint64_t lat[ROUTE_N][SRV_NBUCKETS + 1];
	_Atomic uint64_t lat_sum_us[ROUTE_N];
	_Atomic uint64_t bytes_out;
	_Atomic uint64_t rate_limited;
	_Atomic uint64_t conns_open;      /* gauge */
	_Atomic uint64_t conns_total;
	_Atomic uint64_t conns_paused;    /* times the listener hit the cap */
	_Atomic uint64_t accept_errors;
	_Atomic uint64_t db_errors;
	_Atomic uint64_t sig_verifies;    /* signature checks actually run */
	_Atomic uint64_t sig_cache_hits;
};

extern const uint32_t srv_buckets_us[SRV_NBUCKETS];

/* Single-writer counter bump: a plain load and store (no locked RMW). */
static inline void
srv_count(_Atomic uint64_t *c, uint64_t d)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed)
	    + d, memory_order_relaxed);
}

static inline uint64_t
srv_read(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void srv_metrics_record(struct srv_metrics *m, int route, int status,
    uint64_t us, size_t bytes);

/* ---- state shared read-only by every thread ---- */

struct srv_ctx;

struct srv_shared {
	struct registry *reg;
	const struct server_config *cfg;
	char csp[SRV_CSP_MAX];
	int tls;
	int64_t started;                  /* unix seconds */
	struct srv_ctx **ctxs;            /* every thread's context (metrics) */
	int nctx;
};

/* ---- per-thread request context ---- */

#define SRV_VCACHE 4096   /* remembered good signatures, per thread (128 KB) */

struct srv_ctx {
	const struct srv_shared *sh;
	struct registry *reg;
	MDB_txn *txn;                     /* reset between requests */
	int txn_live;
	struct ratelimit rl;
	struct srv_metrics m;
	struct buf body;                  /* response body, reused */
	struct buf tmp;                   /* scratch, reused */
	struct buf enc;                   /* token encoding, reused */
	uint8_t vcache[SRV_VCACHE][32];   /* SHA-256 of verified inputs */
	struct cert_record rec;           /* scratch records: off the stack */
	struct org org;
	struct org_key okey;
	const uint8_t *ext;               /* body outside `body` (photo) */
	size_t ext_len;
};

int srv_ctx_init(struct srv_ctx *x, const struct srv_shared *sh,
    struct err *e);
void srv_ctx_free(struct srv_ctx *x);

struct srv_req {
	const char *method;
	const char *uri;
	size_t uri_len;
	int is_get, is_head;
	uint8_t client[16];
	int client_ok;
	uint64_t now_us;                  /* monotonic */
	const char *if_none_match;        /* request header, NULL if absent */
};

/* Fills out; body valid until srv_done (photo bytes point into the map). */
void srv_dispatch(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *out);
/* Ends the request: resets the read transaction. */
void srv_done(struct srv_ctx *x);

/* Opens the request's read view; 0 or -1 (then a 503 is owed). */
int srv_txn(struct srv_ctx *x);

/* Response helpers (server_core.c). */
#define CT_JSON "application/json; charset=utf-8"
#define CT_HTML "text/html; charset=utf-8"
#define CT_TEXT "text/plain; charset=utf-8"
#define CT_PROM "text/plain; version=0.0.4; charset=utf-8"
void srv_json_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *code, const char *msg);
void srv_finish(struct srv_ctx *x, struct server_response *r, int status,
    const char *ctype, int cache);
const char *srv_reason(int status);

/* ---- endpoints ---- */

void srv_api_cert(struct srv_ctx *x, const struct http_target *t,
    const struct http_query *q, struct server_response *r);
void srv_api_verify(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_api_org(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_api_healthz(struct srv_ctx *x, struct server_response *r);
/* The transparency log and the trust bundle (server_log.c). */
void srv_log_head(struct srv_ctx *x, struct server_response *r);
void srv_log_proof(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_log_consistency(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_log_leaves(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_trust(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *r);
void srv_metrics_text(struct srv_ctx *x, struct server_response *r);

void srv_page_index(struct srv_ctx *x, struct server_response *r);
void srv_page_search(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_page_verify(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_page_photo(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_page_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *title, const char *detail);
/* The pages' stylesheet (its hash goes into the CSP). */
extern const char srv_page_css[];
int srv_csp_build(char out[SRV_CSP_MAX], int tls);

/* ---- the lookup both the JSON API and the search page use ---- */

/* Finds number + name; 0 found (x->rec, x->org filled; org_ok says
 * whether the org record was found), ERR_NOTFOUND (either wrong: one
 * answer), ERR_DB. */
int srv_lookup(struct srv_ctx *x, const char *no, const char *name,
    int *org_ok);

/* Display fields of a record, public-safe unless noted. */
struct srv_view {
	char no[CERTNO_LEN + 1];
	const char *status;               /* "valid" / "revoked" */
	const char *reason;               /* cert_reason_name, NULL if valid */
	const char *reason_cn;            /* 误发 ... */
	char revoked_on[11];              /* ISO date, "" if valid */
	char revoked_on_cn[32];
	const char *occ_name;             /* catalog name or the code */
	const char *occ_code;
	const char *trade;                /* "--" when none */
	int level;
	const char *level_name;           /* 三级/高级工 */
	const char *org_code;
	const char *org_name;             /* "" if the org is missing */
	char issued[11], issued_cn[32];
	char assessed[11];
	const char *brand;                /* "" none */
	char name_masked[4 * CERT_NAME_MAX + 8];
	char id_masked[CERT_ID_MAX + 1];
	const char *id_type;              /* 居民身份证 ... */
	const char *name_full;            /* only for the token page */
};
void srv_view_fill(struct srv_ctx *x, const struct cert_record *rec,
    const struct org *org, struct srv_view *v);

/* ---- verdict for a token ---- */

enum srv_verdict { V_VALID = 1, V_REVOKED, V_INVALID, V_UNKNOWN };

struct srv_check {
	const char *code;                 /* stable, English */
	const char *cn;                   /* for the page */
	char detail[200];                 /* English detail, no personal data */
};

struct srv_verdict_result {
	int verdict;
	const char *verdict_name;         /* "valid" ... */
	int nreasons;
	struct srv_check reasons[4];
	int have_cert;                    /* token decoded: claimed fields */
	struct cert claimed;
	int have_rec, have_org, have_key;
	int credential_ok, signature_ok, key_ok, registry_ok;
};
const char *srv_verdict_name(int v);
/* Decides a token; fills x->rec/x->org/x->okey along the way. */
int srv_verify_token(struct srv_ctx *x, const char *tok, size_t n,
    struct srv_verdict_result *v);
/* 1 if the token is exactly a stored record (photo access), x->rec set. */
int srv_token_is_record(struct srv_ctx *x, const char *tok, size_t n);

/* Chinese names for revocation reasons. */
const char *srv_reason_cn(int reason);
/* Days since 1970 in China Standard Time for a unix time. */
int32_t srv_day_of(int64_t unix_s);

#endif
