/* handler.c - the in-process handle: one thread's request handling
 * without sockets, for tests, benchmarks and fuzzing. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "dispatch.h"
#include "metrics.h"
#include "style.h"

struct server_handler {
	struct server_config cfg;
	struct srv_shared sh;
	struct srv_ctx *ctx;
	struct srv_ctx *ctxs[1];
	struct ratelimit rl;
};

int
server_handler_open(struct server_handler **out, const struct server_config *c,
    struct err *e)
{
	struct server_handler *h;
	int rc;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->ctx = calloc(1, sizeof(*h->ctx))) == NULL) {
		free(h);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	h->cfg = *c;
	h->sh.cfg = &h->cfg;
	h->sh.started = time(NULL);
	if ((rc = registry_open(&h->sh.reg, c->db_dir ? c->db_dir :
	    REG_DIR_DEFAULT, &(struct registry_opts){ c->keys_dir, REG_RDONLY,
	    0 }, e)) != 0) {
		free(h->ctx);
		free(h);
		return rc;
	}
	if (srv_csp_build(h->sh.csp, 0) != 0) {
		registry_close(h->sh.reg);
		free(h->ctx);
		free(h);
		return err_set(e, ERR_INTERNAL, "cannot hash the stylesheet");
	}
	h->ctxs[0] = h->ctx;
	h->sh.ctxs = h->ctxs;
	h->sh.nctx = 1;
	h->sh.rl = &h->rl;
	if ((rc = srv_ratelimit_open(&h->rl, &h->cfg, e)) != 0) {
		registry_close(h->sh.reg);
		free(h->ctx);
		free(h);
		return rc;
	}
	if ((rc = srv_ctx_init(h->ctx, &h->sh, e)) != 0) {
		ratelimit_free(&h->rl);
		registry_close(h->sh.reg);
		free(h->ctx);
		free(h);
		return rc;
	}
	*out = h;
	return 0;
}

int
server_handler_request(struct server_handler *h, const char *method,
    const char *uri, const char *client, struct server_response *out)
{
	struct srv_req rq;
	struct timespec ts;

	memset(&rq, 0, sizeof(rq));
	srv_done(h->ctx);    /* the previous response's view ends now */
	rq.method = method;
	rq.uri = uri;
	rq.uri_len = strlen(uri);
	rq.is_get = strcmp(method, "GET") == 0;
	rq.is_head = strcmp(method, "HEAD") == 0;
	rq.client_ok = http_client_key(client, rq.client) == 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rq.now_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
	srv_dispatch(h->ctx, &rq, out);
	srv_metrics_record(&h->ctx->m, out->route, out->status, 0, out->body_len);
	return out->status;
}

void
server_handler_close(struct server_handler *h)
{
	if (h == NULL)
		return;
	srv_done(h->ctx);
	srv_ctx_free(h->ctx);
	ratelimit_free(&h->rl);
	registry_close(h->sh.reg);
	free(h->ctx);
	free(h);
}

const char *
server_handler_csp(const struct server_handler *h)
{
	return h->sh.csp;
}
