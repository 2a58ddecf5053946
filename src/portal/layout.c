/* layout.c - the pages' frame (head, navigation by role, footer), the
 * escaping writers, the cookie and the shared message pages. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/html.h"
#include "skillcert/base/mask.h"
#include "skillcert/model/catalog.h"

void
page_text(struct page *g, const char *s)
{
	html_escape(g->b, s ? s : "");
}

void
page_raw(struct page *g, const char *s)
{
	buf_append_str(g->b, s);
}

void
page_printf(struct page *g, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	buf_append_str(g->b, tmp);
}

void
page_csrf(struct page *g)
{
	page_printf(g, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	    g->csrf_hex);
}

static const char *
page_role_name(int role)
{
	switch (role) {
	case ACCT_OPERATOR: return "经办人";
	case ACCT_ADMIN: return "机构管理员";
	case ACCT_AUTHORITY: return "人社部门";
	default: return "";
	}
}

/* The navigation links this actor's role may follow. */
static void
page_nav(struct page *g)
{
	int r = g->who.role;

	page_raw(g, "<nav><a href=\"/dashboard\">首页</a>");
	if (r == ACCT_OPERATOR || r == ACCT_ADMIN)
		page_raw(g, "<a href=\"/upload\">上传名册</a>");
	page_raw(g, "<a href=\"/batches\">批次</a><a href=\"/search\">查询</a>");
	if (r == ACCT_ADMIN || r == ACCT_AUTHORITY)
		page_raw(g, "<a href=\"/users\">用户</a>");
	if (r == ACCT_ADMIN)
		page_raw(g, "<a href=\"/tokens\">API 令牌</a>");
	if (r == ACCT_AUTHORITY)
		page_raw(g, "<a href=\"/orgs\">机构</a><a href=\"/trace\">人员追溯</a>"
		    "<a href=\"/stats\">统计报表</a><a href=\"/signals\">预警信号</a>"
		    "<a href=\"/exports\">数据共享</a><a href=\"/audit\">审计</a>");
	page_raw(g, "</nav>");
}

void
page_begin(struct page *g, const char *title)
{
	resp_html(g->resp, g->resp->status ? g->resp->status : 200);
	buf_reset(g->b);
	page_raw(g, "<!doctype html>\n<html lang=\"zh-CN\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">");
	if (g->refresh_s > 0)
		page_printf(g, "<meta http-equiv=\"refresh\" content=\"%d\">",
		    g->refresh_s);
	page_raw(g, "<title>");
	page_text(g, title);
	page_raw(g, " - 证书签发平台</title><link rel=\"stylesheet\" "
	    "href=\"/static/portal.css\">");
	if (g->css2) {
		page_raw(g, "<link rel=\"stylesheet\" href=\"");
		page_text(g, g->css2);
		page_raw(g, "\">");
	}
	page_raw(g, "</head><body><header>"
	    "<span class=\"brand\">职业技能等级证书 · 签发平台</span>");
	if (g->authed) {
		page_raw(g, "<span class=\"who\">");
		page_text(g, g->who.name);
		page_raw(g, " · ");
		page_text(g, page_role_name(g->who.role));
		if (g->who.org[0]) {
			page_raw(g, " · ");
			page_text(g, g->who.org);
		}
		page_raw(g, "<form method=\"post\" action=\"/logout\" class=\"inline\">");
		page_csrf(g);
		page_raw(g, "<button type=\"submit\" class=\"link\">退出</button>"
		    "</form></span></header>");
		page_nav(g);
	} else {
		page_raw(g, "</header>");
	}
	page_raw(g, "<main><h1>");
	page_text(g, title);
	page_raw(g, "</h1>\n");
}

void
page_end(struct page *g)
{
	page_raw(g, "</main><footer>康养职业技能等级证书 · 评价机构签发与人社部门"
	    "监管</footer></body></html>\n");
}

void
page_message(struct page *g, int status, const char *title, const char *msg,
    const char *back)
{
	g->resp->status = status;
	page_begin(g, title);
	page_raw(g, "<p class=\"msg\">");
	page_text(g, msg);
	page_raw(g, "</p><p><a href=\"");
	page_text(g, back);
	page_raw(g, "\">返回</a></p>");
	page_end(g);
	resp_html(g->resp, status);
}

void
page_not_found(struct page *g)
{
	/* the same bytes whether the object is absent or another's */
	g->resp->nhdr = 0;
	page_message(g, 404, "未找到", "没有这个页面或对象。", "/dashboard");
}

void
page_set_cookie(struct page *g, const uint8_t *sid)
{
	char v[300], hex[2 * AUTH_ID_LEN + 1];

	if (sid) {
		hex_encode(sid, AUTH_ID_LEN, hex);
		snprintf(v, sizeof(v), "%s=%s; Path=/; Secure; HttpOnly; "
		    "SameSite=Strict", PAGE_COOKIE_SECURE, hex);
		explicit_bzero(hex, sizeof(hex));
	} else {
		snprintf(v, sizeof(v), "%s=; Path=/; Secure; HttpOnly; "
		    "SameSite=Strict; Max-Age=0", PAGE_COOKIE_SECURE);
	}
	resp_header(g->resp, "Set-Cookie", v);
	explicit_bzero(v, sizeof(v));
}

void
page_masked_id(struct page *g, const char *id)
{
	char m[64];

	mask_id(id, m, sizeof(m));
	page_text(g, m);
}

const char *
page_occ_name(struct page *g, const char *code)
{
	const struct occupation *o = catalog_occ_by_code(&g->p->reg->cat, code);

	return o ? o->name : code;
}
