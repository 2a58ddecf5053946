/* pages.c - the browser side's router: finds the route, reads the session
 * cookie, refuses what the actor's role may not reach (as "not found"),
 * and checks every POST's origin and CSRF token before any handler runs. */
#include <stdio.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/hex.h"
#include "skillcert/report/report.h"

struct route {
	int method;
	const char *path;
	int prefix;                    /* path is a prefix; the rest is arg */
	int mask;                      /* RM_* */
	int (*fn)(struct page *g, const char *arg);
};

static const struct route routes[] = {
	{ PM_GET, "/login", 0, RM_NONE, page_login },
	{ PM_POST, "/login", 0, RM_NONE, page_login_post },
	{ PM_GET, "/login/totp", 0, RM_PENDING, page_totp },
	{ PM_POST, "/login/totp", 0, RM_PENDING, page_totp_post },
	{ PM_GET, "/totp/enrol", 0, RM_PENDING | RM_ANY, page_enrol },
	{ PM_POST, "/totp/enrol", 0, RM_PENDING | RM_ANY, page_enrol_post },
	{ PM_GET, "/password", 0, RM_PENDING | RM_ANY, page_password },
	{ PM_POST, "/password", 0, RM_PENDING | RM_ANY, page_password_post },
	{ PM_POST, "/logout", 0, RM_PENDING | RM_ANY, page_logout_post },
	{ PM_GET, "/dashboard", 0, RM_ANY, page_dashboard },
	{ PM_GET, "/upload", 0, RM_ORG, page_upload },
	{ PM_POST, "/upload", 0, RM_ORG, page_upload_post },
	{ PM_GET, "/roster/", 1, RM_ORG, page_roster },
	{ PM_POST, "/roster/", 1, RM_ORG, page_roster_post },
	{ PM_GET, "/job/", 1, RM_ORG, page_job },
	{ PM_GET, "/batches", 0, RM_ANY, page_batches },
	{ PM_GET, "/batch/", 1, RM_ANY, page_batch },
	{ PM_GET, "/cert/", 1, RM_ANY, page_cert },
	{ PM_POST, "/cert/", 1, RM_ANY, page_cert_revoke_post },
	{ PM_GET, "/search", 0, RM_ANY, page_search },
	{ PM_POST, "/search", 0, RM_ANY, page_search },
	{ PM_GET, "/users", 0, RM_ADM | RM_AUTH, page_users },
	{ PM_POST, "/users", 0, RM_ADM | RM_AUTH, page_users_post },
	{ PM_GET, "/tokens", 0, RM_ADM, page_tokens },
	{ PM_POST, "/tokens", 0, RM_ADM, page_tokens_post },
	{ PM_GET, "/audit", 0, RM_AUTH, page_audit },
	{ PM_GET, "/audit.csv", 0, RM_AUTH, page_audit },
	{ PM_GET, "/orgs", 0, RM_AUTH, page_orgs },
	{ PM_GET, "/org/", 1, RM_AUTH, page_org },
	{ PM_POST, "/org/", 1, RM_AUTH, page_org_post },
	{ PM_GET, "/trace", 0, RM_AUTH, page_trace },
	{ PM_POST, "/trace", 0, RM_AUTH, page_trace },
	{ PM_GET, "/stats", 0, RM_AUTH, page_stats },
	{ PM_GET, "/stats.csv", 0, RM_AUTH, page_stats },
	{ PM_GET, "/stats.xlsx", 0, RM_AUTH, page_stats },
	{ PM_GET, "/stats.pdf", 0, RM_AUTH, page_stats },
	{ PM_GET, "/signals", 0, RM_AUTH, page_signals },
	{ PM_GET, "/signals.csv", 0, RM_AUTH, page_signals },
	{ PM_GET, "/exports", 0, RM_AUTH, page_exports },
	{ PM_POST, "/exports", 0, RM_AUTH, page_exports_post },
	{ PM_GET, "/exports/file/", 1, RM_AUTH, page_exports_file },
};

static const struct route *
page_route(const struct portal_req *rq, const char **arg)
{
	int m = rq->method == PM_HEAD ? PM_GET : rq->method;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		const struct route *r = &routes[i];
		size_t n = strlen(r->path);
		if (r->method != m)
			continue;
		if (r->prefix ? strncmp(rq->path, r->path, n) == 0 && rq->path[n] :
		    strcmp(rq->path, r->path) == 0) {
			*arg = rq->path + (r->prefix ? n : strlen(rq->path));
			return r;
		}
	}
	return NULL;
}

/* The session named by the cookie: a full one (g->authed) or a half one
 * (g->pending_step). */
static void
page_session(struct page *g)
{
	char v[2 * AUTH_ID_LEN + 2];
	const char *name = PAGE_COOKIE_SECURE;
	struct err e;

	if (cookie_get(g->rq->cookie, name, v, sizeof(v)) != 0 ||
	    strlen(v) != 2 * AUTH_ID_LEN ||
	    hex_decode(v, strlen(v), g->sid, sizeof(g->sid)) != AUTH_ID_LEN)
		return;
	g->has_sid = 1;
	err_clear(&e);
	if (acct_session_check(g->p->acct, g->sid, g->rq->client, &g->who,
	    g->csrf, &e) == 0) {
		g->authed = 1;
		hex_encode(g->csrf, sizeof(g->csrf), g->csrf_hex);
		return;
	}
	err_clear(&e);
	if (acct_session_pending(g->p->acct, g->sid, &g->pending_step, &e) != 0)
		g->has_sid = 0;
}

/* Origin (or, where a browser sends "null" under no-referrer or nothing,
 * Sec-Fetch-Site) says the form was posted from this portal's pages. */
static int
page_same_origin(struct page *g)
{
	const char *o = g->rq->origin, *sfs = g->rq->sec_fetch_site;
	const char *mine = g->p->cfg.public_origin ? g->p->cfg.public_origin :
	    g->p->origin;

	if (o && strcmp(o, "null") != 0)
		return mine && strcmp(o, mine) == 0;
	return sfs && strcmp(sfs, "same-origin") == 0;
}

/* The POST guard: same origin always, and the session's CSRF token on
 * every form of a logged-in session. */
static int
page_post_ok(struct page *g, const struct route *r)
{
	if (!page_same_origin(g))
		return 0;
	if (!g->authed)
		return 1;                  /* login steps: no token exists yet */
	const char *t = form_get(&g->f, "csrf");
	return strlen(t) == 64 && auth_equal(t, g->csrf_hex, 64);
}

/* Where a visitor without the right session is sent. */
static int
page_gate(struct page *g, const struct route *r)
{
	int role_bit = g->authed ? (1 << g->who.role) : 0;

	if (r->mask == RM_NONE || (r->mask & role_bit))
		return 0;
	if (!g->authed && g->has_sid && (r->mask & RM_PENDING))
		return 0;
	if (g->authed && r->mask == RM_PENDING) {
		resp_redirect(g->resp, "/dashboard");   /* a login step already done */
		return 1;
	}
	if (g->authed) {
		page_not_found(g);         /* a role's absent page looks absent */
		return 1;
	}
	if (g->has_sid && g->pending_step == ACCT_LOGIN_NEED_TOTP)
		resp_redirect(g->resp, "/login/totp");
	else if (g->has_sid && g->pending_step == ACCT_LOGIN_NEED_ENROL)
		resp_redirect(g->resp, "/totp/enrol");
	else if (g->has_sid && g->pending_step == ACCT_LOGIN_NEED_CHANGE)
		resp_redirect(g->resp, "/password");
	else
		resp_redirect(g->resp, "/login");
	return 1;
}

static int
page_static(struct page *g)
{
	if (strcmp(g->rq->path, "/static/portal.css") == 0) {
		resp_bytes(g->resp, 200, "text/css; charset=utf-8", page_css,
		    strlen(page_css), NULL);
		return 1;
	}
	if (strcmp(g->rq->path, "/static/report.css") == 0) {
		/* the report library's own CSS: its HTML fragment has none
		 * inline, which the CSP (style-src 'self') would refuse */
		resp_bytes(g->resp, 200, "text/css; charset=utf-8", report_css(),
		    strlen(report_css()), NULL);
		return 1;
	}
	if (strcmp(g->rq->path, "/") == 0 && g->rq->method == PM_GET) {
		resp_redirect(g->resp, g->authed ? "/dashboard" : "/login");
		return 1;
	}
	return 0;
}

static int
page_dispatch(struct page *g)
{
	const struct route *r;
	const char *arg = "";

	page_session(g);
	if (page_static(g))
		return 0;
	if ((r = page_route(g->rq, &arg)) == NULL) {
		if (g->rq->method != PM_GET && g->rq->method != PM_HEAD &&
		    g->rq->method != PM_POST) {
			page_message(g, 405, "不支持的请求", "此方法不可用。", "/");
			return 0;
		}
		page_not_found(g);
		return 0;
	}
	if (g->rq->method == PM_POST) {
		int rc = form_parse_body(&g->f, g->rq, &g->e);
		if (!page_post_ok(g, r)) {
			page_message(g, 403, "请求被拒绝", "表单来源或令牌无效，请返回"
			    "页面重新提交。", "/");
			return 0;
		}
		if (rc != 0) {
			page_message(g, 400, "表单有误", g->e.msg, "/");
			return 0;
		}
	}
	if (page_gate(g, r))
		return 0;
	if (r->fn(g, arg) != 0)
		page_not_found(g);
	return 0;
}

int
portal_pages_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp)
{
	struct page g;

	memset(&g, 0, sizeof(g));
	g.p = p;
	g.rq = rq;
	g.resp = resp;
	g.b = &resp->body;
	form_init(&g.q);
	form_init(&g.f);
	err_clear(&g.e);
	if (form_parse_query(&g.q, rq, &g.e) != 0) {
		page_message(&g, 400, "请求有误", g.e.msg, "/");
	} else {
		page_dispatch(&g);
	}
	form_free(&g.q);
	form_free(&g.f);
	explicit_bzero(g.sid, sizeof(g.sid));
	explicit_bzero(g.csrf, sizeof(g.csrf));
	explicit_bzero(g.csrf_hex, sizeof(g.csrf_hex));
	return 0;
}
