/* page_auth.c - the login steps: name and password, the TOTP code, TOTP
 * enrolment (QR of the otpauth URI and the secret as text), a password
 * change, logout. The decisions are the account service's. */
#include <stdio.h>
#include <string.h>
#include "pages.h"

/* Sends the visitor to what the session still owes, or the dashboard. */
static int
page_next_step(struct page *g)
{
	struct err e;
	int step = -1;

	err_clear(&e);
	if (acct_session_pending(g->p->acct, g->sid, &step, &e) != 0) {
		resp_redirect(g->resp, "/login");
		return 0;
	}
	resp_redirect(g->resp, step == ACCT_LOGIN_NEED_TOTP ? "/login/totp" :
	    step == ACCT_LOGIN_NEED_ENROL ? "/totp/enrol" :
	    step == ACCT_LOGIN_NEED_CHANGE ? "/password" : "/dashboard");
	return 0;
}

static void
page_login_form(struct page *g, int status, const char *msg)
{
	g->resp->status = status;
	page_begin(g, "登录");
	if (msg) {
		page_raw(g, "<p class=\"error\">");
		page_text(g, msg);
		page_raw(g, "</p>");
	}
	page_raw(g, "<form method=\"post\" action=\"/login\" class=\"card\">"
	    "<label>账号<input name=\"name\" autocomplete=\"username\" required "
	    "maxlength=\"64\" autofocus></label>"
	    "<label>密码<input name=\"password\" type=\"password\" "
	    "autocomplete=\"current-password\" required maxlength=\"256\"></label>"
	    "<button type=\"submit\">登录</button></form>");
	page_end(g);
	resp_html(g->resp, status);
}

int
page_login(struct page *g, const char *arg)
{
	if (g->authed) {
		resp_redirect(g->resp, "/dashboard");
		return 0;
	}
	page_login_form(g, 200, NULL);
	return 0;
}

int
page_login_post(struct page *g, const char *arg)
{
	int64_t retry = 0;
	int step = 0, rc;
	char msg[160];

	rc = acct_login(g->p->acct, form_get(&g->f, "name"),
	    form_get(&g->f, "password"), g->rq->client, g->sid, &step, &retry,
	    &g->e);
	if (rc == ERR_FULL) {
		snprintf(msg, sizeof(msg), "尝试过于频繁，请 %lld 秒后再试。",
		    (long long)(retry > 0 ? retry : 1));
		page_login_form(g, 429, msg);
		return 0;
	}
	if (rc != 0) {
		page_login_form(g, 401, ACCT_LOGIN_FAIL_TEXT);
		return 0;
	}
	page_set_cookie(g, g->sid);
	resp_redirect(g->resp, step == ACCT_LOGIN_NEED_TOTP ? "/login/totp" :
	    step == ACCT_LOGIN_NEED_ENROL ? "/totp/enrol" :
	    step == ACCT_LOGIN_NEED_CHANGE ? "/password" : "/dashboard");
	return 0;
}

/* The steps after the password share the address's attempt budget with
 * it: a refusal for that (ERR_FULL) is 429 and says so, not "wrong code". */
#define PAGE_THROTTLED_TEXT "尝试过于频繁，请稍后再试。"
static int
page_step_refused(const struct page *g, int status)
{
	return g->e.code == ERR_FULL ? 429 : status;
}

static void
page_code_form(struct page *g, const char *action, const char *label)
{
	page_printf(g, "<form method=\"post\" action=\"%s\" class=\"card\">",
	    action);
	if (g->authed)
		page_csrf(g);
	page_raw(g, "<label>");
	page_text(g, label);
	page_raw(g, "<input name=\"code\" inputmode=\"numeric\" pattern=\"[0-9]{6}\" "
	    "maxlength=\"6\" autocomplete=\"one-time-code\" required autofocus>"
	    "</label><button type=\"submit\">确认</button></form>");
}

int
page_totp(struct page *g, const char *arg)
{
	if (g->pending_step != ACCT_LOGIN_NEED_TOTP)
		return page_next_step(g);
	page_begin(g, "动态验证码");
	page_raw(g, "<p>请输入身份验证器应用中显示的 6 位验证码。</p>");
	page_code_form(g, "/login/totp", "验证码");
	page_end(g);
	return 0;
}

int
page_totp_post(struct page *g, const char *arg)
{
	int status;

	if (acct_login_totp(g->p->acct, g->sid, form_get(&g->f, "code"),
	    g->rq->client, &g->e) != 0) {
		status = page_step_refused(g, 401);
		g->resp->status = status;
		page_begin(g, "动态验证码");
		page_raw(g, status == 429 ? "<p class=\"error\">" PAGE_THROTTLED_TEXT
		    "</p>" : "<p class=\"error\">验证码不正确或已使用，请等待下一个"
		    "验证码。</p>");
		page_code_form(g, "/login/totp", "验证码");
		page_end(g);
		resp_html(g->resp, status);
		return 0;
	}
	return page_next_step(g);
}

/* The secret= parameter of an otpauth URI, for typing in by hand. */
static void
page_uri_secret(const char *uri, char *out, size_t cap)
{
	const char *s = strstr(uri, "secret=");
	size_t n;

	out[0] = '\0';
	if (s == NULL)
		return;
	s += 7;
	n = strcspn(s, "&");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

int
page_enrol(struct page *g, const char *arg)
{
	char uri[512], secret[128];

	if (!g->authed && g->pending_step != ACCT_LOGIN_NEED_ENROL)
		return page_next_step(g);
	if (acct_totp_begin(g->p->acct, g->sid, uri, sizeof(uri), &g->e) != 0) {
		page_message(g, resp_status_of(g->e.code), "无法开始绑定",
		    g->e.msg, "/login");
		return 0;
	}
	page_uri_secret(uri, secret, sizeof(secret));
	page_begin(g, "绑定身份验证器");
	page_raw(g, "<p>用身份验证器应用（如 FreeOTP、Google Authenticator）扫描"
	    "二维码，或手动输入密钥，然后输入显示的验证码。</p><div class=\"qr\">");
	if (page_qr_svg(g->b, uri) != 0)
		page_raw(g, "<p class=\"error\">二维码无法生成，请手动输入密钥。</p>");
	page_raw(g, "</div><p>密钥：<code class=\"secret\">");
	page_text(g, secret);
	page_raw(g, "</code></p>");
	page_code_form(g, "/totp/enrol", "验证码");
	page_end(g);
	explicit_bzero(uri, sizeof(uri));
	explicit_bzero(secret, sizeof(secret));
	return 0;
}

int
page_enrol_post(struct page *g, const char *arg)
{
	if (acct_totp_confirm(g->p->acct, g->sid, form_get(&g->f, "code"),
	    g->rq->client, &g->e) != 0) {
		if (page_step_refused(g, 400) == 429)
			page_message(g, 429, "绑定失败", PAGE_THROTTLED_TEXT,
			    "/totp/enrol");
		else
			page_message(g, 400, "绑定失败", "验证码不正确，请重新扫描后"
			    "再试。", "/totp/enrol");
		return 0;
	}
	return page_next_step(g);
}

static void
page_password_form(struct page *g, int status, const char *msg)
{
	g->resp->status = status;
	page_begin(g, "修改密码");
	if (msg) {
		page_raw(g, "<p class=\"error\">");
		page_text(g, msg);
		page_raw(g, "</p>");
	}
	page_raw(g, "<form method=\"post\" action=\"/password\" class=\"card\">");
	if (g->authed)
		page_csrf(g);
	page_raw(g, "<label>当前密码<input name=\"old\" type=\"password\" "
	    "autocomplete=\"current-password\" required></label>"
	    "<label>新密码（至少 12 个字符，不含账号名）<input name=\"new\" "
	    "type=\"password\" autocomplete=\"new-password\" minlength=\"12\" "
	    "required></label><label>再次输入新密码<input name=\"new2\" "
	    "type=\"password\" autocomplete=\"new-password\" required></label>"
	    "<button type=\"submit\">保存</button></form>");
	page_end(g);
	resp_html(g->resp, status);
}

int
page_password(struct page *g, const char *arg)
{
	if (!g->authed && g->pending_step != ACCT_LOGIN_NEED_CHANGE)
		return page_next_step(g);
	page_password_form(g, 200, NULL);
	return 0;
}

int
page_password_post(struct page *g, const char *arg)
{
	if (strcmp(form_get(&g->f, "new"), form_get(&g->f, "new2")) != 0) {
		page_password_form(g, 400, "两次输入的新密码不一致。");
		return 0;
	}
	if (acct_password_change(g->p->acct, g->sid, form_get(&g->f, "old"),
	    form_get(&g->f, "new"), g->rq->client, &g->e) != 0) {
		if (page_step_refused(g, 400) == 429)
			page_password_form(g, 429, PAGE_THROTTLED_TEXT);
		else
			page_password_form(g, 400, g->e.msg);
		return 0;
	}
	return page_next_step(g);
}

int
page_logout_post(struct page *g, const char *arg)
{
	acct_logout(g->p->acct, g->sid, g->rq->client, &g->e);
	page_set_cookie(g, NULL);
	resp_redirect(g->resp, "/login");
	return 0;
}
