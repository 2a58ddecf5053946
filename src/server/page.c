/* page.c - the Chinese web pages: the search form, its result, and the
 * page a phone opens from a certificate's QR code. Mobile first, one
 * inline stylesheet (allowed by hash in the CSP), no scripts, no external
 * assets. Every value goes through html_escape. */
#include <string.h>

#include "page.h"
#include "respond.h"
#include "style.h"
#include "verdict.h"
#include "view.h"
#include "skillcert/base/html.h"

/* ---- building blocks ---- */

static void
esc(struct srv_ctx *x, const char *s)
{
	html_escape(&x->body, s != NULL ? s : "");
}

static void
lit(struct srv_ctx *x, const char *s)
{
	buf_append_str(&x->body, s);
}

static void
page_begin(struct srv_ctx *x, const char *title)
{
	buf_reset(&x->body);
	x->ext = NULL;
	lit(x, "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"no-referrer\">"
	    "<meta name=\"robots\" content=\"noindex\"><title>");
	esc(x, title);
	lit(x, " - 职业技能等级证书查询</title><style>");
	lit(x, srv_page_css);
	lit(x, "</style></head><body><header><a href=\"/\">职业技能等级证书查询"
	    "</a></header><main>");
}

static void
page_end(struct srv_ctx *x)
{
	lit(x, "</main><footer>证书信息以登记系统实时记录为准 · 依据人社部职业技能"
	    "等级认定有关规定公开查询</footer></body></html>\n");
}

static void
row(struct srv_ctx *x, const char *label, const char *value, int mono)
{
	lit(x, "<dt>");
	esc(x, label);
	lit(x, mono ? "</dt><dd class=\"mono\">" : "</dt><dd>");
	esc(x, value);
	lit(x, "</dd>");
}

/* The certificate's fields (no holder line: callers decide that). */
static void
cert_rows(struct srv_ctx *x, const struct srv_view *v)
{
	lit(x, "<dl>");
	row(x, "证书编号", v->no, 1);
	lit(x, "<dt>状态</dt><dd>");
	if (v->reason != NULL) {
		lit(x, "<span class=\"tag bad\">已撤销</span><span class=\"c\">");
		esc(x, v->revoked_on_cn);
		lit(x, " · ");
		esc(x, v->reason_cn);
		lit(x, "</span>");
	} else
		lit(x, "<span class=\"tag\">有效</span>");
	lit(x, "</dd>");
	lit(x, "<dt>职业名称</dt><dd>");
	esc(x, v->occ_name);
	lit(x, "<span class=\"c\">职业编码 ");
	esc(x, v->occ_code);
	lit(x, "</span></dd>");
	row(x, "工种/方向", v->trade, 0);
	row(x, "技能等级", v->level_name, 0);
	row(x, "发证日期", v->issued_cn, 0);
	row(x, "评价机构", v->org_name[0] ? v->org_name : v->org_code, 0);
	row(x, "机构代码", v->org_code, 1);
	if (v->brand[0])
		row(x, "品牌标识", v->brand, 0);
	lit(x, "</dl>");
}

void
srv_page_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *title, const char *detail)
{
	page_begin(x, title);
	lit(x, "<section class=\"card\"><h2>");
	esc(x, title);
	lit(x, "</h2><p>");
	esc(x, detail);
	lit(x, "</p><p><a href=\"/\">返回查询首页</a></p></section>");
	page_end(x);
	srv_finish(x, r, status, CT_HTML, SRV_CACHE_NO_STORE);
}

static void
search_form(struct srv_ctx *x, const char *no, const char *name)
{
	lit(x, "<section class=\"card\"><h2>证书查询</h2>"
	    "<form method=\"get\" action=\"/search\" autocomplete=\"off\">"
	    "<label for=\"no\">证书编号</label>"
	    "<input id=\"no\" name=\"no\" required maxlength=\"22\" "
	    "pattern=\"[SYsy][0-9]{15}[1-5][0-9]{6}\" inputmode=\"text\" "
	    "autocapitalize=\"characters\" spellcheck=\"false\" "
	    "placeholder=\"22 位，S 或 Y 开头\" value=\"");
	esc(x, no);
	lit(x, "\"><label for=\"name\">姓名</label>"
	    "<input id=\"name\" name=\"name\" required maxlength=\"40\" "
	    "placeholder=\"持证人姓名\" value=\"");
	esc(x, name);
	lit(x, "\"><button type=\"submit\">查询</button></form></section>");
}

void
srv_page_index(struct srv_ctx *x, struct server_response *r)
{
	page_begin(x, "查询");
	search_form(x, "", "");
	lit(x, "<p class=\"note\">输入证书编号与持证人姓名，两者一致方可查到。"
	    "查询结果仅显示部分姓名与证件号码。持有纸质或电子证书者，扫描证书上"
	    "的二维码即可核验真伪。</p>");
	page_end(x);
	srv_finish(x, r, 200, CT_HTML, SRV_CACHE_PUBLIC);
}

void
srv_page_search(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r)
{
	const char *no = http_query_get(q, "no"), *name = http_query_get(q, "name");
	char num[CERTNO_LEN + 1];
	struct srv_view v;
	size_t i, n;
	int rc, org_ok;

	if (no == NULL || name == NULL || no[0] == '\0' || name[0] == '\0') {
		page_begin(x, "查询");
		search_form(x, no, name);
		lit(x, "<p class=\"note\">请同时填写证书编号与姓名。</p>");
		page_end(x);
		srv_finish(x, r, 400, CT_HTML, SRV_CACHE_NO_STORE);
		return;
	}
	/* People type numbers with spaces and lower case: tolerate both. */
	for (i = 0, n = 0; no[i] != '\0' && n < sizeof(num) - 1; i++) {
		if (no[i] == ' ' || no[i] == '-')
			continue;
		num[n++] = (no[i] == 's' || no[i] == 'y') ? (char)(no[i] - 32) :
		    no[i];
	}
	num[n] = '\0';
	if (no[i] != '\0' || !http_certno_shape(num, n)) {
		page_begin(x, "查询");
		search_form(x, no, name);
		lit(x, "<p class=\"note\">证书编号应为 22 位：S 或 Y 开头，"
		    "其后 21 位数字。</p>");
		page_end(x);
		srv_finish(x, r, 400, CT_HTML, SRV_CACHE_NO_STORE);
		return;
	}
	rc = srv_lookup(x, num, name, &org_ok);
	if (rc == ERR_DB) {
		srv_page_error(x, r, 503, "暂时无法查询", "登记系统暂时不可用，"
		    "请稍后再试。");
		return;
	}
	page_begin(x, rc == 0 ? "查询结果" : "未查到");
	if (rc != 0) {
		lit(x, "<section class=\"v unk\"><div class=\"i\">?</div>"
		    "<h1>未查到</h1><p>证书编号与姓名不匹配，或证书不存在</p>"
		    "</section>");
		search_form(x, num, name);
		page_end(x);
		srv_finish(x, r, 404, CT_HTML, SRV_CACHE_NO_STORE);
		return;
	}
	srv_view_fill(x, &x->rec, org_ok ? &x->org : NULL, &v);
	if (v.reason != NULL) {
		lit(x, "<section class=\"v bad\"><div class=\"i\">✕</div>"
		    "<h1>已撤销</h1><p>");
		esc(x, v.revoked_on_cn);
		lit(x, " 撤销：");
		esc(x, v.reason_cn);
		lit(x, "</p></section>");
	} else
		lit(x, "<section class=\"v ok\"><div class=\"i\">✓</div>"
		    "<h1>有效</h1><p>证书已在登记系统中查到</p></section>");
	lit(x, "<section class=\"card\"><div class=\"who\"><div><div class=\"n\">");
	esc(x, v.name_masked);
	lit(x, "</div><div class=\"s\">");
	esc(x, v.id_type);
	lit(x, " <span class=\"mono\">");
	esc(x, v.id_masked);
	lit(x, "</span></div></div></div>");
	cert_rows(x, &v);
	lit(x, "</section><p class=\"note\">为保护个人信息，姓名与证件号码仅显示"
	    "部分。</p><p class=\"note\"><a href=\"/\">再查一张</a></p>");
	page_end(x);
	srv_finish(x, r, 200, CT_HTML, SRV_CACHE_NO_STORE);
}

void
srv_page_verify(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r)
{
	char tok[HTTP_TOKEN_MAX + 1];
	struct srv_verdict_result vr;
	struct srv_view v;
	long n;
	int i;

	if ((n = http_token_extract(t->param, t->param_len, tok,
	    sizeof(tok))) < 0) {
		srv_page_error(x, r, 404, "页面不存在", "二维码地址不完整。");
		return;
	}
	if (srv_verify_token(x, tok, (size_t)n, &vr) != 0) {
		srv_page_error(x, r, 503, "暂时无法核验", "登记系统暂时不可用，"
		    "请稍后再试。");
		return;
	}
	if (vr.verdict != V_VALID && vr.verdict != V_REVOKED) {
		/* Nothing from an unverified token is shown: a forger must not
		 * get a page that displays his fields. */
		page_begin(x, "无法验证");
		lit(x, "<section class=\"v unk\"><div class=\"i\">?</div>"
		    "<h1>无法验证</h1><p>不能确认这是一张真实有效的证书</p>"
		    "</section><section class=\"card\"><h2>原因</h2>"
		    "<ul class=\"why\">");
		for (i = 0; i < vr.nreasons; i++) {
			lit(x, "<li>");
			esc(x, vr.reasons[i].cn);
			lit(x, "</li>");
		}
		lit(x, "</ul></section><p class=\"note\">请确认扫描的是证书原件上的"
		    "二维码，或在<a href=\"/\">查询首页</a>用证书编号和姓名查询。"
		    "</p>");
		page_end(x);
		srv_finish(x, r, 200, CT_HTML, SRV_CACHE_NO_STORE);
		return;
	}
	srv_view_fill(x, &x->rec, vr.have_org ? &x->org : NULL, &v);
	if (vr.verdict == V_REVOKED) {
		page_begin(x, "已撤销");
		lit(x, "<section class=\"v bad\"><div class=\"i\">✕</div>"
		    "<h1>已撤销</h1><p>");
		esc(x, v.revoked_on_cn);
		lit(x, " 撤销，原因：");
		esc(x, v.reason_cn);
		lit(x, "</p></section>");
	} else {
		page_begin(x, "有效");
		lit(x, "<section class=\"v ok\"><div class=\"i\">✓</div>"
		    "<h1>有效</h1><p>证书真实有效，签名与登记记录一致</p></section>");
	}
	/* The scanner holds the certificate: the full name (it is in the
	 * signed token anyway) and the photo to compare with the person;
	 * the ID number masked, as the token v2 carries it. */
	lit(x, "<section class=\"card\"><div class=\"who\">");
	if (x->rec.has_photo) {
		lit(x, "<img src=\"/v/");
		esc(x, tok);
		lit(x, "/photo\" alt=\"持证人照片\" width=\"84\" height=\"112\">");
	}
	lit(x, "<div><div class=\"n\">");
	esc(x, v.name_full);
	lit(x, "</div><div class=\"s\">");
	esc(x, v.id_type);
	lit(x, " <span class=\"mono\">");
	esc(x, v.id_masked);
	lit(x, "</span></div></div></div>");
	cert_rows(x, &v);
	lit(x, "</section><p class=\"note\">请核对照片与姓名是否与持证人本人一致。"
	    "为保护个人信息，证件号码仅显示部分。</p>");
	page_end(x);
	srv_finish(x, r, 200, CT_HTML, SRV_CACHE_NO_STORE);
}

void
srv_page_photo(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r)
{
	char tok[HTTP_TOKEN_MAX + 1];
	const uint8_t *p;
	const char *ct;
	size_t n;
	long tn;

	if ((tn = http_token_extract(t->param, t->param_len, tok,
	    sizeof(tok))) < 0 || !srv_token_is_record(x, tok, (size_t)tn) ||
	    registry_get_photo(x->reg, x->txn, x->rec.cert.no, &p, &n) != 0) {
		srv_page_error(x, r, 404, "没有照片", "没有这张证书的照片。");
		return;
	}
	/* Only real images, labelled by their magic bytes (and nosniff). */
	if (n > 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		ct = "image/jpeg";
	else if (n > 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		ct = "image/png";
	else {
		srv_page_error(x, r, 404, "没有照片", "照片格式无法显示。");
		return;
	}
	x->ext = p;        /* copied to the socket before the txn resets */
	x->ext_len = n;
	srv_finish(x, r, 200, ct, SRV_CACHE_NO_STORE);
}
