/* ctx.h - a thread's request context, and the state all threads share. */
#ifndef SKILLCERT_SRV_CTX_H
#define SKILLCERT_SRV_CTX_H

#include <stdint.h>

#include "skillcert/server/server.h"
#include "skillcert/server/http_parse.h"
#include "skillcert/server/ratelimit.h"
#include "skillcert/store/registry.h"
#include "metrics.h"

#define SRV_CSP_MAX 512

/* ---- state shared read-only by every thread ---- */

struct srv_shared {
	struct registry *reg;
	const struct server_config *cfg;
	char csp[SRV_CSP_MAX];
	int tls;
	int64_t started;                  /* unix seconds */
	struct srv_ctx **ctxs;            /* every thread's context (metrics) */
	int nctx;
	struct ratelimit *rl;             /* one for all threads (locks inside) */
};

/* ---- per-thread request context ---- */

#define SRV_VCACHE 4096   /* remembered good signatures, per thread (128 KB) */

struct srv_ctx {
	const struct srv_shared *sh;
	struct registry *reg;
	MDB_txn *txn;                     /* reset between requests */
	int txn_live;
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
	const uint8_t *etag_of;           /* the trust bundle last hashed */
	size_t etag_len;
	size_t etag_txn;                  /* the snapshot it was read in */
	char etag_hex[33];                /* its ETag, computed once a bundle */
};

int srv_ctx_init(struct srv_ctx *x, const struct srv_shared *sh,
    struct err *e);
void srv_ctx_free(struct srv_ctx *x);
/* The shared rate limit (sh->rl) from c: rate, burst, table size. */
int srv_ratelimit_open(struct ratelimit *rl, const struct server_config *c,
    struct err *e);

/* Opens the request's read view; 0 or -1 (then a 503 is owed). */
int srv_txn(struct srv_ctx *x);
/* Ends the request: resets the read transaction. */
void srv_done(struct srv_ctx *x);

/* ---- one request, as the socket or the in-process handle saw it ---- */

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

#endif
