/* server_core.c - one thread's request handling, independent of sockets:
 * limits, routing, the rate limit, the read transaction, error bodies. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server_int.h"
#include "skillcert/base/json.h"

int
srv_ctx_init(struct srv_ctx *x, const struct srv_shared *sh, struct err *e)
{
	const struct server_config *c = sh->cfg;
	double burst = c->burst > 0 ? c->burst : (c->rate * 2 > 10 ?
	    c->rate * 2 : 10);

	memset(x, 0, sizeof(*x));
	x->sh = sh;
	x->reg = sh->reg;
	buf_init(&x->body);
	buf_init(&x->tmp);
	buf_init(&x->enc);
	if (ratelimit_init(&x->rl, c->rl_entries, c->rate, burst) != 0)
		return err_set(e, ERR_NOMEM, "cannot allocate the rate-limit "
		    "table");
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

void
srv_ctx_free(struct srv_ctx *x)
{
	if (x->txn != NULL)
		mdb_txn_abort(x->txn);
	x->txn = NULL;
	ratelimit_free(&x->rl);
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

const char *
srv_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void
srv_finish(struct srv_ctx *x, struct server_response *r, int status,
    const char *ctype, int cache)
{
	r->status = status;
	r->content_type = ctype;
	r->cache = cache;
	if (x->ext != NULL) {
		r->body = x->ext;
		r->body_len = x->ext_len;
	} else if (x->body.oom) {
		/* A body cut short is worse than none. */
		r->status = 500;
		r->content_type = CT_TEXT;
		r->cache = SRV_CACHE_NO_STORE;
		r->body = (const uint8_t *)"out of memory\n";
		r->body_len = 14;
	} else {
		r->body = x->body.data;
		r->body_len = x->body.len;
	}
}

void
srv_json_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *code, const char *msg)
{
	struct json j;

	buf_reset(&x->body);
	x->ext = NULL;
	json_init(&j, &x->body);
	json_obj_begin(&j);
	json_key(&j, "error");
	json_obj_begin(&j);
	json_kstr(&j, "code", code);
	json_kstr(&j, "message", msg);
	json_obj_end(&j);
	json_obj_end(&j);
	buf_append_byte(&x->body, '\n');
	srv_finish(x, r, status, CT_JSON, SRV_CACHE_NO_STORE);
}

/* API routes answer errors in JSON, pages in HTML. */
static int
wants_json(int route, const char *uri)
{
	switch (route) {
	case ROUTE_API_CERT:
	case ROUTE_API_VERIFY:
	case ROUTE_API_ORG:
	case ROUTE_HEALTHZ:
	case ROUTE_METRICS:
		return 1;
	default:
		return strncmp(uri, "/v1/", 4) == 0;
	}
}

static void
error_out(struct srv_ctx *x, struct server_response *r, int json, int status,
    const char *code, const char *msg, const char *title_cn,
    const char *detail_cn)
{
	if (json)
		srv_json_error(x, r, status, code, msg);
	else
		srv_page_error(x, r, status, title_cn, detail_cn);
}

void
srv_dispatch(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *r)
{
	struct http_target t;
	struct http_query q;
	int json, qerr;

	memset(r, 0, sizeof(*r));
	x->ext = NULL;
	r->route = ROUTE_OTHER;
	json = rq->uri != NULL && strncmp(rq->uri, "/v1/", 4) == 0;

	if (rq->uri_len > HTTP_URI_MAX) {
		error_out(x, r, json, 414, "uri_too_long", "request URI too long",
		    "地址过长", "请求地址超过长度限制。");
		return;
	}
	if (http_target_parse(rq->uri, rq->uri_len, &t) != 0) {
		error_out(x, r, json, 400, "bad_request", "malformed request "
		    "target", "请求无效", "请求地址格式不正确。");
		return;
	}
	r->route = t.route;
	json = wants_json(t.route, rq->uri);
	if (!rq->is_get && !rq->is_head) {
		error_out(x, r, json, 405, "method_not_allowed",
		    "only GET and HEAD are allowed", "不支持的请求方法",
		    "本站只接受 GET 与 HEAD 请求。");
		return;
	}
	if (t.route == ROUTE_OTHER) {
		error_out(x, r, json, 404, "not_found", "no such resource",
		    "页面不存在", "请检查地址，或从首页查询证书。");
		return;
	}
	if (http_route_limited(t.route) && rq->client_ok &&
	    !ratelimit_take(&x->rl, rq->client, rq->now_us, &r->retry_after)) {
		srv_count(&x->m.rate_limited, 1);
		error_out(x, r, json, 429, "rate_limited", "too many lookups "
		    "from this address; retry later", "查询过于频繁",
		    "请稍后再试。");
		return;
	}
	if ((qerr = http_query_parse(t.query, t.query_len, &q)) != HTTPQ_OK) {
		error_out(x, r, json, 400, "bad_query", http_qerr_message(qerr),
		    "请求无效", "查询参数格式不正确。");
		return;
	}
	switch (t.route) {
	case ROUTE_INDEX:
		srv_page_index(x, r);
		break;
	case ROUTE_SEARCH:
		srv_page_search(x, &q, r);
		break;
	case ROUTE_PAGE_V:
		srv_page_verify(x, &t, r);
		break;
	case ROUTE_PAGE_V_PHOTO:
		srv_page_photo(x, &t, r);
		break;
	case ROUTE_API_CERT:
		srv_api_cert(x, &t, &q, r);
		break;
	case ROUTE_API_VERIFY:
		srv_api_verify(x, &q, r);
		break;
	case ROUTE_API_ORG:
		srv_api_org(x, &t, r);
		break;
	case ROUTE_HEALTHZ:
		srv_api_healthz(x, r);
		break;
	case ROUTE_METRICS:
		srv_metrics_text(x, r);
		break;
	case ROUTE_LOG_HEAD:
		srv_log_head(x, r);
		break;
	case ROUTE_LOG_PROOF:
		srv_log_proof(x, &t, r);
		break;
	case ROUTE_LOG_CONSISTENCY:
		srv_log_consistency(x, &q, r);
		break;
	case ROUTE_LOG_LEAVES:
		srv_log_leaves(x, &q, r);
		break;
	case ROUTE_TRUST:
		srv_trust(x, rq, r);
		break;
	}
	r->route = t.route;
}

/* ---- the in-process handle ---- */

struct server_handler {
	struct server_config cfg;
	struct srv_shared sh;
	struct srv_ctx *ctx;
	struct srv_ctx *ctxs[1];
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
	if ((rc = srv_ctx_init(h->ctx, &h->sh, e)) != 0) {
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
	registry_close(h->sh.reg);
	free(h->ctx);
	free(h);
}

const char *
server_handler_csp(const struct server_handler *h)
{
	return h->sh.csp;
}
