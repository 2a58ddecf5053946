/* page_users.c - account management (an organization admin: its own
 * organization's users; the authority: everyone) and an organization
 * admin's API tokens (created and shown once, listed, revoked). The
 * account service decides who may change whom. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pages.h"
#include "skillcert/base/date.h"

static const char *
page_role_label(int role)
{
	return role == ACCT_OPERATOR ? "经办人" : role == ACCT_ADMIN ?
	    "机构管理员" : role == ACCT_AUTHORITY ? "人社部门" : "?";
}

static void
page_time(struct page *g, int64_t t)
{
	char s[32];
	struct tm tm;
	time_t tt = (time_t)t;

	if (t <= 0) {
		page_raw(g, "—");
		return;
	}
	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M UTC", &tm);
	page_text(g, s);
}

/* A small POST form with one button acting on one user. */
static void
page_user_button(struct page *g, const char *op, const char *name,
    const char *label)
{
	page_raw(g, "<form method=\"post\" action=\"/users\" class=\"inline\">");
	page_csrf(g);
	page_printf(g, "<input type=\"hidden\" name=\"op\" value=\"%s\">", op);
	page_raw(g, "<input type=\"hidden\" name=\"name\" value=\"");
	page_text(g, name);
	page_printf(g, "\"><button type=\"submit\" class=\"second\">%s</button>"
	    "</form> ", label);
}

static int
page_user_row(const struct account *a, void *arg)
{
	struct page *g = arg;

	page_raw(g, "<tr><td>");
	page_text(g, a->name);
	page_raw(g, "</td><td>");
	page_text(g, page_role_label(a->role));
	page_raw(g, "</td><td>");
	page_text(g, a->org[0] ? a->org : "—");
	page_printf(g, "</td><td>%s</td><td>%s</td><td>", a->disabled ? "已停用" :
	    "正常", a->totp_on ? "已绑定" : "未绑定");
	page_time(g, a->last_login);
	page_raw(g, "</td><td>");
	if (strcmp(a->name, g->who.name) != 0) {
		page_user_button(g, a->disabled ? "enable" : "disable", a->name,
		    a->disabled ? "启用" : "停用");
		page_user_button(g, "reset", a->name, "重置密码");
	}
	page_raw(g, "</td></tr>");
	return 0;
}

static void
page_user_add_form(struct page *g)
{
	page_raw(g, "<h2>添加用户</h2><form method=\"post\" action=\"/users\" "
	    "class=\"card\">");
	page_csrf(g);
	page_raw(g, "<input type=\"hidden\" name=\"op\" value=\"add\"><label>账号"
	    "（小写字母、数字、._-，3–64 个字符）<input name=\"name\" required "
	    "pattern=\"[a-z0-9._-]{3,64}\" maxlength=\"64\"></label><label>角色"
	    "<select name=\"role\"><option value=\"operator\">经办人</option>"
	    "<option value=\"admin\">机构管理员</option>");
	if (g->who.role == ACCT_AUTHORITY)
		page_raw(g, "<option value=\"authority\">人社部门</option></select>"
		    "</label><label>机构代码（人社部门用户留空）<input name=\"org\" "
		    "maxlength=\"13\"></label>");
	else
		page_raw(g, "</select></label>");
	page_raw(g, "<button type=\"submit\">添加</button></form>");
}

static void
page_users_list(struct page *g, const char *notice)
{
	page_begin(g, "用户管理");
	if (notice) {
		page_raw(g, "<p class=\"notice\">");
		page_text(g, notice);
		page_raw(g, "</p>");
	}
	page_raw(g, "<div class=\"tablewrap\"><table><tr><th>账号</th><th>角色</th>"
	    "<th>机构</th><th>状态</th><th>动态码</th><th>上次登录</th><th>操作</th>"
	    "</tr>");
	acct_user_each(g->p->acct, &g->who, NULL, page_user_row, g, &g->e);
	page_raw(g, "</table></div>");
	page_user_add_form(g);
	page_end(g);
}

int
page_users(struct page *g, const char *arg)
{
	page_users_list(g, NULL);
	return 0;
}

/* add / reset: the one-time password, shown once. */
static int
page_users_pw(struct page *g, const char *op, const char *name)
{
	char pw[128], msg[256];
	const char *r = form_get(&g->f, "role");
	int role = strcmp(r, "admin") == 0 ? ACCT_ADMIN :
	    strcmp(r, "authority") == 0 ? ACCT_AUTHORITY : ACCT_OPERATOR;
	const char *org = g->who.role == ACCT_AUTHORITY ? form_get(&g->f, "org") :
	    g->who.org;
	int rc;

	rc = op[0] == 'a' ? acct_user_add(g->p->acct, &g->who, name, role,
	    role == ACCT_AUTHORITY ? "" : org, pw, sizeof(pw), &g->e) :
	    acct_user_reset(g->p->acct, &g->who, name, pw, sizeof(pw), &g->e);
	if (rc == ERR_NOTFOUND)
		return -1;
	if (rc != 0) {
		page_message(g, resp_status_of(rc), "操作失败", g->e.msg, "/users");
		return 0;
	}
	snprintf(msg, sizeof(msg), "账号 %s 的一次性密码：%s（只显示这一次；"
	    "首次登录须修改）", name, pw);
	page_users_list(g, msg);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(msg, sizeof(msg));
	return 0;
}

int
page_users_post(struct page *g, const char *arg)
{
	const char *op = form_get(&g->f, "op"), *name = form_get(&g->f, "name");
	int rc;

	if (strcmp(op, "add") == 0 || strcmp(op, "reset") == 0)
		return page_users_pw(g, op, name);
	if (strcmp(op, "disable") != 0 && strcmp(op, "enable") != 0)
		return -1;
	rc = acct_user_disable(g->p->acct, &g->who, name, op[0] == 'd', &g->e);
	if (rc == ERR_NOTFOUND)
		return -1;
	if (rc != 0) {
		page_message(g, resp_status_of(rc), "操作失败", g->e.msg, "/users");
		return 0;
	}
	resp_redirect(g->resp, "/users");
	return 0;
}

static int
page_token_row(const struct apitoken *t, void *arg)
{
	struct page *g = arg;

	page_raw(g, "<tr><td><code>");
	page_text(g, t->id);
	page_raw(g, "</code></td><td>");
	page_text(g, t->label);
	page_raw(g, "</td><td>");
	page_text(g, t->created_by);
	page_raw(g, "</td><td>");
	page_time(g, t->created);
	page_raw(g, "</td><td>");
	page_time(g, t->expires);
	page_raw(g, "</td><td>");
	if (t->revoked) {
		page_raw(g, "已撤销 ");
		page_time(g, t->revoked);
	} else {
		page_raw(g, "<form method=\"post\" action=\"/tokens\" class=\"inline\">");
		page_csrf(g);
		page_raw(g, "<input type=\"hidden\" name=\"op\" value=\"revoke\">"
		    "<input type=\"hidden\" name=\"id\" value=\"");
		page_text(g, t->id);
		page_raw(g, "\"><button type=\"submit\" class=\"danger\">撤销</button>"
		    "</form>");
	}
	page_raw(g, "</td></tr>");
	return 0;
}

static void
page_tokens_list(struct page *g, const char *token)
{
	page_begin(g, "API 令牌");
	if (token) {
		page_raw(g, "<p class=\"notice\">新令牌（只显示这一次，请立即保存）："
		    "</p><p><code class=\"secret\">");
		page_text(g, token);
		page_raw(g, "</code></p>");
	}
	page_raw(g, "<div class=\"tablewrap\"><table><tr><th>编号</th><th>名称</th>"
	    "<th>创建人</th><th>创建</th><th>到期</th><th>状态</th></tr>");
	acct_token_each(g->p->acct, &g->who, page_token_row, g, &g->e);
	page_raw(g, "</table></div><h2>创建令牌</h2><form method=\"post\" "
	    "action=\"/tokens\" class=\"card\">");
	page_csrf(g);
	page_raw(g, "<input type=\"hidden\" name=\"op\" value=\"create\"><label>名称"
	    "<input name=\"label\" maxlength=\"60\" required></label><label>有效天数"
	    "<input name=\"days\" type=\"number\" min=\"1\" max=\"730\" value=\"90\" "
	    "required></label><button type=\"submit\">创建</button></form>");
	page_end(g);
}

int
page_tokens(struct page *g, const char *arg)
{
	page_tokens_list(g, NULL);
	return 0;
}

int
page_tokens_post(struct page *g, const char *arg)
{
	const char *op = form_get(&g->f, "op");
	char token[64], id[17];
	long days = strtol(form_get(&g->f, "days"), NULL, 10);
	int rc;

	if (strcmp(op, "revoke") == 0) {
		rc = acct_token_revoke(g->p->acct, &g->who, form_get(&g->f, "id"), &g->e);
		if (rc == ERR_NOTFOUND)
			return -1;
		if (rc != 0)
			page_message(g, resp_status_of(rc), "操作失败", g->e.msg, "/tokens");
		else
			resp_redirect(g->resp, "/tokens");
		return 0;
	}
	if (strcmp(op, "create") != 0)
		return -1;
	if (days < 1 || days > 730)
		days = 90;
	if ((rc = acct_token_create(g->p->acct, &g->who, form_get(&g->f, "label"),
	    portal_now(g->p) + days * 86400, token, id, &g->e)) != 0) {
		page_message(g, resp_status_of(rc), "操作失败", g->e.msg, "/tokens");
		return 0;
	}
	page_tokens_list(g, token);
	explicit_bzero(token, sizeof(token));
	return 0;
}
