/* ctx.c - a thread's request context: buffers reserved once, the rate
 * limit, and one LMDB read transaction renewed per request so each sees
 * the latest commit without paying for a new transaction. */
#include <string.h>

#include "ctx.h"

int
srv_ctx_init(struct srv_ctx *x, const struct srv_shared *sh, struct err *e)
{
	memset(x, 0, sizeof(*x));
	x->sh = sh;
	x->reg = sh->reg;
	buf_init(&x->body);
	buf_init(&x->tmp);
	buf_init(&x->enc);
	/* Reserve once so the hot path does not grow the buffers. */
	if (buf_reserve(&x->body, 16384) != 0 || buf_reserve(&x->tmp, 4096) != 0 ||
	    buf_reserve(&x->enc, 512) != 0) {
		srv_ctx_free(x);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	/* One read transaction per thread, begun here and reset at once:
	 * each request renews it (LMDB's cheapest way to see new commits). */
	if (registry_txn_begin(x->reg, 1, &x->txn, e) != 0) {
		srv_ctx_free(x);
		return e->code;
	}
	mdb_txn_reset(x->txn);
	return 0;
}

/* The rate limit all threads share, from the configuration. */
int
srv_ratelimit_open(struct ratelimit *rl, const struct server_config *c,
    struct err *e)
{
	double burst = c->burst > 0 ? c->burst : (c->rate * 2 > 10 ?
	    c->rate * 2 : 10);

	if (ratelimit_init(rl, c->rl_entries, c->rate, burst) != 0)
		return err_set(e, ERR_NOMEM, "cannot allocate the rate-limit "
		    "table");
	return 0;
}

void
srv_ctx_free(struct srv_ctx *x)
{
	if (x->txn != NULL)
		mdb_txn_abort(x->txn);
	x->txn = NULL;
	buf_free(&x->body);
	buf_free(&x->tmp);
	buf_free(&x->enc);
}

int
srv_txn(struct srv_ctx *x)
{
	struct err e;

	if (x->txn_live)
		return 0;
	if (registry_txn_renew(x->reg, x->txn, &e) != 0) {
		srv_count(&x->m.db_errors, 1);
		return -1;
	}
	x->txn_live = 1;
	return 0;
}

void
srv_done(struct srv_ctx *x)
{
	if (x->txn_live) {
		mdb_txn_reset(x->txn);
		x->txn_live = 0;
	}
	x->ext = NULL;
	x->ext_len = 0;
}
