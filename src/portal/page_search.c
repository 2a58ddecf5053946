/* page_search.c - one certificate (details, PDF, revoke with a reason)
 * and the search of the actor's certificates by number, name or ID
 * number; a search by ID number is a look-up of a person and is audited
 * ("lookup_person", the masked number). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/date.h"
#include "skillcert/base/mask.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/level.h"
#include "skillcert/render/batch.h"


static const char *
page_reason_cn(int r)
{
	switch (r) {
	case REV_ISSUED_IN_ERROR: return "误发";
	case REV_FRAUD: return "弄虚作假";
	case REV_REISSUED: return "已换发";
	case REV_HOLDER_REQUEST: return "持证人申请";
	case REV_ORG_SUSPENDED: return "机构暂停";
	default: return "—";
	}
}

static void
page_dl(struct page *g, const char *k, const char *v)
{
	page_raw(g, "<tr><th>");
	page_text(g, k);
	page_raw(g, "</th><td class=\"wrap\">");
	page_text(g, v);
	page_raw(g, "</td></tr>");
}

static void
page_revoke_form(struct page *g, const struct cert_record *c)
{
	page_raw(g, "<h2>撤销证书</h2><form method=\"post\" class=\"card\" "
	    "action=\"/cert/");
	page_text(g, c->cert.no);
	page_raw(g, "/revoke\">");
	page_csrf(g);
	page_raw(g, "<label>原因<select name=\"reason\" required>"
	    "<option value=\"issued-in-error\">误发</option>"
	    "<option value=\"fraud\">弄虚作假</option>"
	    "<option value=\"holder-request\">持证人申请</option>"
	    "<option value=\"reissued\">已换发</option></select></label>"
	    "<label>说明<input name=\"note\" maxlength=\"200\" required></label>"
	    "<button type=\"submit\" class=\"danger\">撤销（不可恢复）</button></form>");
}

static void
page_cert_view(struct page *g, const struct cert_record *c)
{
	char day[11];

	page_begin(g, "证书");
	page_raw(g, "<div class=\"tablewrap\"><table>");
	page_dl(g, "证书编号", c->cert.no);
	page_dl(g, "姓名", c->cert.name);
	page_dl(g, "证件号码", c->cert.id_masked);
	page_dl(g, "职业", page_occ_name(g, c->cert.occ_code));
	page_dl(g, "工种", c->cert.trade[0] ? c->cert.trade : "--");
	page_dl(g, "等级", level_full(c->cert.level));
	date_format_iso(c->cert.issued_on, day);
	page_dl(g, "发证日期", day);
	page_dl(g, "批次", c->batch);
	page_dl(g, "状态", c->status == CERT_VALID ? "有效" : "已撤销");
	if (c->status != CERT_VALID) {
		page_dl(g, "撤销原因", page_reason_cn(c->reason));
		page_dl(g, "撤销说明", c->revoke_note);
	}
	page_raw(g, "</table></div><p class=\"row\"><a href=\"/cert/");
	page_text(g, c->cert.no);
	page_raw(g, ".pdf\">下载 PDF</a><a href=\"/batch/");
	page_text(g, c->batch);
	page_raw(g, "\">所在批次</a></p>");
	if (c->status == CERT_VALID)
		page_revoke_form(g, c);
	page_end(g);
}

int
page_cert(struct page *g, const char *arg)
{
	struct cert_record c;
	struct buf pdf = BUF_INIT;
	char no[CERTNO_LEN + 1], name[CERTNO_LEN + 8];
	MDB_txn *txn = NULL;
	size_t al = strlen(arg);
	int want_pdf = al == CERTNO_LEN + 4 && strcmp(arg + CERTNO_LEN, ".pdf") == 0;
	int rc = -1;

	if (al != CERTNO_LEN && !want_pdf)
		return -1;
	memcpy(no, arg, CERTNO_LEN);
	no[CERTNO_LEN] = '\0';
	if (registry_txn_begin_reader(g->p->reg, &txn, &g->e) != 0)
		return -1;
	if (portal_cert_get(g->p, txn, &g->who, no, &c, &g->e) == 0) {
		rc = 0;
		if (!want_pdf)
			page_cert_view(g, &c);
		else if (render_record_pdf(g->p->fonts, g->p->reg, txn, no, &pdf,
		    &g->e) == 0) {
			snprintf(name, sizeof(name), "%s.pdf", no);
			resp_bytes(g->resp, 200, "application/pdf", pdf.data, pdf.len,
			    name);
		} else
			page_message(g, 500, "无法生成 PDF", g->e.msg, "/batches");
	}
	mdb_txn_abort(txn);
	buf_free(&pdf);
	return rc;
}

int
page_cert_revoke_post(struct page *g, const char *arg)
{
	char no[CERTNO_LEN + 1], loc[64];
	int reason, rc;

	if (strlen(arg) != CERTNO_LEN + 7 || strcmp(arg + CERTNO_LEN, "/revoke") != 0)
		return -1;
	memcpy(no, arg, CERTNO_LEN);
	no[CERTNO_LEN] = '\0';
	if ((reason = cert_reason_parse(form_get(&g->f, "reason"))) == 0) {
		page_message(g, 400, "无法撤销", "请选择撤销原因。", "/batches");
		return 0;
	}
	if ((rc = portal_revoke(g->p, &g->who, no, reason,
	    form_get(&g->f, "note"), &g->e)) == ERR_NOTFOUND)
		return -1;
	if (rc != 0) {
		page_message(g, resp_status_of(rc), "无法撤销", g->e.msg, "/batches");
		return 0;
	}
	snprintf(loc, sizeof(loc), "/cert/%s", no);
	resp_redirect(g->resp, loc);
	return 0;
}

struct search_ctx {
	struct page *g;
	const char *name;              /* NULL: every record (person look-up) */
	const char *org;               /* "" = any */
	int n;
};

static int
page_search_cb(const struct cert_record *c, void *arg)
{
	struct search_ctx *x = arg;

	if (x->org[0] && strcmp(c->cert.org, x->org) != 0)
		return 0;
	if (x->name && strcmp(c->cert.name, x->name) != 0)
		return 0;
	page_cert_row(x->g, c);
	return ++x->n >= PAGE_SEARCH_MAX;
}

/* A certificate number (22 characters, type S or Y): never a person. */
static int
page_looks_certno(const char *q)
{
	return strlen(q) == CERTNO_LEN && (q[0] == 'S' || q[0] == 'Y');
}

/* An ID number rather than a name: ASCII letters and digits only. */
static int
page_looks_id(const char *q)
{
	size_t n = strlen(q), digits = 0;

	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)q[i]))
			return 0;
		digits += isdigit((unsigned char)q[i]) != 0;
	}
	return n >= 6 && digits >= 6;
}

/* A search by ID number is a look-up of a person: audited (masked), before
 * the search's read transaction opens (no write in a reading thread). */
static void
page_search_audit(struct page *g, const char *q)
{
	char m[64];

	if (!page_looks_certno(q) && page_looks_id(q)) {
		mask_id(q, m, sizeof(m));
		portal_audit(g->p, &g->who, "lookup_person", m, "ok");
	}
}

/* Runs the search for q inside txn, writing rows; *n receives the count. */
static int
page_search_run(struct page *g, MDB_txn *txn, const char *q, const char *org,
    int *n)
{
	struct search_ctx x = { g, NULL, org, 0 };
	struct cert_record c;
	int rc = 0;

	if (page_looks_certno(q)) {
		if (portal_cert_get(g->p, txn, &g->who, q, &c, NULL) == 0 &&
		    (!org[0] || strcmp(c.cert.org, org) == 0)) {
			page_cert_row(g, &c);
			x.n = 1;
		}
	} else if (page_looks_id(q)) {
		rc = registry_each_cert_of_person(g->p->reg, txn, q, page_search_cb,
		    &x, &g->e);
	} else {
		x.name = q;
		rc = registry_each_cert(g->p->reg, txn, org, page_search_cb, &x, &g->e);
	}
	*n = x.n;
	return rc;
}

/* The results of q (audited first when it names a person), within org
 * ("" = every organization: the authority's trace-back). */
void
page_search_results(struct page *g, const char *q, const char *org)
{
	MDB_txn *txn = NULL;
	int n = 0;

	if (!q[0])
		return;
	page_search_audit(g, q);
	if (registry_txn_begin_reader(g->p->reg, &txn, &g->e) != 0)
		return;
	page_raw(g, "<h2>结果</h2>");
	page_raw(g, page_cert_head);
	page_search_run(g, txn, q, org, &n);
	page_raw(g, "</table></div>");
	page_printf(g, "<p>%d 条%s。</p>", n, n >= PAGE_SEARCH_MAX ?
	    "（仅显示前 200 条）" : "");
	mdb_txn_abort(txn);
}

int
page_search(struct page *g, const char *arg)
{
	/* POST, so that an ID number never appears in a URL or a log */
	const char *q = g->rq->method == PM_POST ? form_get(&g->f, "q") : "";

	page_begin(g, "查询证书");
	page_raw(g, "<form method=\"post\" action=\"/search\" class=\"card\">");
	page_csrf(g);
	/* the query is not echoed: it may be a full ID number */
	page_raw(g, "<label>证书编号、姓名或证件号码<input name=\"q\" maxlength=\"64\" "
	    "autocomplete=\"off\" required></label><button type=\"submit\">查询"
	    "</button></form>");
	page_search_results(g, q, g->who.org);
	page_end(g);
	return 0;
}
