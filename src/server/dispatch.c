/* dispatch.c - one thread's request handling, independent of sockets:
 * the limits every request passes, then its route's handler. Handlers
 * never call back here; both front ends (server.c, handler.c) do. */
#include <string.h>

#include "dispatch.h"
#include "api.h"
#include "log.h"
#include "metrics.h"
#include "page.h"
#include "respond.h"

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

/* The checks before any route runs: length, target, method, route, rate
 * limit, query. 0 to go on with t and q filled; -1 when r holds the
 * refusal. */
static int
check_request(struct srv_ctx *x, const struct srv_req *rq,
    struct http_target *t, struct http_query *q, struct server_response *r)
{
	int json, qerr;

	json = rq->uri != NULL && strncmp(rq->uri, "/v1/", 4) == 0;
	if (rq->uri_len > HTTP_URI_MAX) {
		error_out(x, r, json, 414, "uri_too_long", "request URI too long",
		    "地址过长", "请求地址超过长度限制。");
		return -1;
	}
	if (http_target_parse(rq->uri, rq->uri_len, t) != 0) {
		error_out(x, r, json, 400, "bad_request", "malformed request "
		    "target", "请求无效", "请求地址格式不正确。");
		return -1;
	}
	r->route = t->route;
	json = wants_json(t->route, rq->uri);
	if (!rq->is_get && !rq->is_head) {
		error_out(x, r, json, 405, "method_not_allowed",
		    "only GET and HEAD are allowed", "不支持的请求方法",
		    "本站只接受 GET 与 HEAD 请求。");
		return -1;
	}
	if (t->route == ROUTE_OTHER) {
		error_out(x, r, json, 404, "not_found", "no such resource",
		    "页面不存在", "请检查地址，或从首页查询证书。");
		return -1;
	}
	if (http_route_limited(t->route) && rq->client_ok &&
	    !ratelimit_take(x->sh->rl, rq->client, rq->now_us, &r->retry_after)) {
		srv_count(&x->m.rate_limited, 1);
		error_out(x, r, json, 429, "rate_limited", "too many lookups "
		    "from this address; retry later", "查询过于频繁",
		    "请稍后再试。");
		return -1;
	}
	if ((qerr = http_query_parse(t->query, t->query_len, q)) != HTTPQ_OK) {
		error_out(x, r, json, 400, "bad_query", http_qerr_message(qerr),
		    "请求无效", "查询参数格式不正确。");
		return -1;
	}
	return 0;
}

static void
call_route(struct srv_ctx *x, const struct srv_req *rq,
    const struct http_target *t, const struct http_query *q,
    struct server_response *r)
{
	switch (t->route) {
	case ROUTE_INDEX:
		srv_page_index(x, r);
		break;
	case ROUTE_SEARCH:
		srv_page_search(x, q, r);
		break;
	case ROUTE_PAGE_V:
		srv_page_verify(x, t, r);
		break;
	case ROUTE_PAGE_V_PHOTO:
		srv_page_photo(x, t, r);
		break;
	case ROUTE_API_CERT:
		srv_api_cert(x, t, q, r);
		break;
	case ROUTE_API_VERIFY:
		srv_api_verify(x, q, r);
		break;
	case ROUTE_API_ORG:
		srv_api_org(x, t, r);
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
		srv_log_proof(x, t, r);
		break;
	case ROUTE_LOG_CONSISTENCY:
		srv_log_consistency(x, q, r);
		break;
	case ROUTE_LOG_LEAVES:
		srv_log_leaves(x, q, r);
		break;
	case ROUTE_TRUST:
		srv_trust(x, rq, r);
		break;
	case ROUTE_CHECKPOINT:
		srv_log_checkpoint(x, r);
		break;
	case ROUTE_STATUS:
		srv_log_status(x, t, r);
		break;
	}
}

void
srv_dispatch(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *r)
{
	struct http_target t;
	struct http_query q;

	memset(r, 0, sizeof(*r));
	x->ext = NULL;
	r->route = ROUTE_OTHER;
	if (check_request(x, rq, &t, &q, r) != 0)
		return;
	call_route(x, rq, &t, &q, r);
	r->route = t.route;
}

static const struct {
	int status;
	const char *code, *msg, *title_cn, *detail_cn;
} refusals[] = {
	{ 400, "bad_request", "malformed request", "请求无效",
	    "请求格式不正确。" },
	{ 405, "method_not_allowed", "only GET and HEAD are allowed",
	    "不支持的请求方法", "本站只接受 GET 与 HEAD 请求。" },
	{ 408, "request_timeout", "the request took too long to arrive",
	    "请求超时", "请求未能及时到达。" },
	{ 414, "uri_too_long", "request URI too long", "地址过长",
	    "请求地址超过长度限制。" },
	{ 431, "headers_too_large", "request header fields too large",
	    "请求头过大", "请求头超过长度限制。" },
	{ 501, "not_implemented", "only GET and HEAD are implemented",
	    "不支持的请求方法", "本站只接受 GET 与 HEAD 请求。" },
	{ 505, "version_not_supported", "only HTTP/1.0 and HTTP/1.1",
	    "协议版本不支持", "本站只接受 HTTP/1.0 与 HTTP/1.1。" },
};

/* A request the connection refused before any route (its head was
 * malformed, too large, or asked for what is never served): the same
 * error shapes as the routes' own, JSON under /v1/, HTML elsewhere. */
void
srv_dispatch_refuse(struct srv_ctx *x, int status, const char *uri,
    size_t uri_len, struct server_response *r)
{
	size_t i;
	int json = uri != NULL && uri_len >= 4 && strncmp(uri, "/v1/", 4) == 0;

	memset(r, 0, sizeof(*r));
	x->ext = NULL;
	r->route = ROUTE_OTHER;
	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]) - 1; i++)
		if (refusals[i].status == status)
			break;
	if (refusals[i].status != status)
		i = 0;
	error_out(x, r, json, refusals[i].status, refusals[i].code,
	    refusals[i].msg, refusals[i].title_cn, refusals[i].detail_cn);
}
