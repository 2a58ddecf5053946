/* page_signals.c - the authority's 信号 page: the supervision rules of
 * `skillcert signals` (src/supervise) over the registry, filtered by a GET
 * form (since, organization, lowest severity), each hit with its evidence
 * numbers linked to the certificate pages, and the same hits as CSV.
 * People appear only masked (mask_id, mask_name): never a full ID number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/date.h"
#include "skillcert/base/mask.h"
#include "skillcert/supervise/signals.h"

#define SIGNALS_EVIDENCE 10            /* certificate numbers per hit */

struct sig_view {
	struct registry *r;
	MDB_txn *txn;
	const struct sig_data *d;
	struct sig_rules rules;
	struct sig_data data;
	struct sig_hits hits;
	struct sig_query q;
	int minsev;
};

/* Masked ID number and name of certificate i, read back from the registry
 * (the arrays hold hashes only). */
static void
page_signals_person(void *arg, size_t i, char *id, size_t idcap, char *name,
    size_t namecap)
{
	const struct sig_view *v = arg;
	struct sig_person_src src = { v->r, v->txn, v->d };

	sig_person_masked(&src, i, id, idcap, name, namecap);
}

/* The form's filters into v->q; ERR_INVALID naming the field. */
static int
page_signals_query(struct page *g, struct sig_view *v)
{
	const char *since = form_get(&g->q, "since"), *org = form_get(&g->q, "org");
	const char *sev = form_get(&g->q, "severity");

	memset(&v->q, 0, sizeof(v->q));
	v->q.org = -1;
	if (since[0] && date_parse(since, &v->q.since) != 0)
		return err_set(&g->e, ERR_INVALID, "起始日期: YYYY-MM-DD");
	if (org[0] && (v->q.org = sig_data_find_org(&v->data, org)) < 0)
		return err_set(&g->e, ERR_INVALID, "机构: %s 未备案", org);
	if (sev[0] && (v->minsev = sig_severity_parse(sev)) == 0)
		return err_set(&g->e, ERR_INVALID, "级别: low、medium 或 high");
	return 0;
}

/* Loads rules and certificates and runs them inside v->txn. */
static int
page_signals_run(struct page *g, struct sig_view *v)
{
	int rc;

	if ((rc = sig_rules_load_registry(v->r, &v->rules, &g->e)) != 0)
		return rc;
	if ((rc = sig_data_load(&v->data, v->r, v->txn, &g->e)) != 0 ||
	    (rc = page_signals_query(g, v)) != 0)
		return rc;
	if ((rc = sig_run(&v->rules, &v->data, &v->q, &v->hits, &g->e)) != 0)
		return rc;
	/* the lowest severity asked for: drop the milder hits (the run sorts
	 * by severity, high first, so they are the tail) */
	while (v->minsev && v->hits.n > 0 &&
	    v->hits.v[v->hits.n - 1].rule->severity < v->minsev) {
		v->hits.n--;
		free(v->hits.v[v->hits.n].certs);
	}
	return 0;
}

static void
page_signals_form(struct page *g)
{
	static const char *const sev[] = { "", "low", "medium", "high" };
	static const char *const cn[] = { "全部", "低及以上", "中及以上", "高" };
	const char *cur = form_get(&g->q, "severity");

	page_raw(g, "<form method=\"get\" action=\"/signals\" class=\"card "
	    "filters\"><label>起始日期（签发）<input name=\"since\" type=\"date\" "
	    "value=\"");
	page_text(g, form_get(&g->q, "since"));
	page_raw(g, "\"></label><label>机构代码<input name=\"org\" maxlength=\"18\" "
	    "value=\"");
	page_text(g, form_get(&g->q, "org"));
	page_raw(g, "\"></label><label>级别<select name=\"severity\">");
	for (int i = 0; i < 4; i++)
		page_printf(g, "<option value=\"%s\"%s>%s</option>", sev[i],
		    strcmp(cur, sev[i]) == 0 ? " selected" : "", cn[i]);
	page_raw(g, "</select></label><button type=\"submit\">筛选</button>"
	    "</form>");
}

/* The CSV link carries the same filters. */
static void
page_signals_csv_link(struct page *g)
{
	struct buf *b = g->b;

	page_raw(g, "<p class=\"row downloads\"><a class=\"button\" "
	    "href=\"/signals.csv?since=");
	url_encode(b, form_get(&g->q, "since"));
	page_raw(g, "&amp;org=");
	url_encode(b, form_get(&g->q, "org"));
	page_raw(g, "&amp;severity=");
	url_encode(b, form_get(&g->q, "severity"));
	page_raw(g, "\">下载 CSV</a></p>");
}

static const char *
page_signals_sev_cn(int s)
{
	return s == SIG_HIGH ? "高" : s == SIG_MEDIUM ? "中" : "低";
}

/* Who the hit is about: the organization, the masked person, or both. */
static void
page_signals_who(struct page *g, struct sig_view *v, const struct sig_hit *h)
{
	char id[64], name[64];

	if (h->org >= 0) {
		const struct sig_org *o = &v->data.org[h->org];
		page_raw(g, "<a href=\"/org/");
		page_text(g, o->code);
		page_raw(g, "\">");
		page_text(g, o->code);
		page_raw(g, "</a> ");
		page_text(g, o->name);
	}
	if (h->person >= 0) {
		page_signals_person(v, (size_t)h->person, id, sizeof(id), name,
		    sizeof(name));
		page_raw(g, h->org >= 0 ? "<br>证件 " : "证件 ");
		page_text(g, id);
		page_raw(g, " ");
		page_text(g, name);
	}
}

static void
page_signals_row(struct page *g, struct sig_view *v, const struct sig_hit *h)
{
	char from[11] = "", to[11] = "";

	if (h->from)
		date_format_iso(h->from, from);
	if (h->to)
		date_format_iso(h->to, to);
	page_printf(g, "<tr><td data-label=\"级别\">"
	    "<span class=\"sev sev-%s\">%s</span></td><td data-label=\"规则\">",
	    sig_severity_name(h->rule->severity),
	    page_signals_sev_cn(h->rule->severity));
	page_text(g, sig_rule_id(h->rule));
	page_raw(g, "</td><td data-label=\"对象\">");
	page_signals_who(g, v, h);
	page_raw(g, "</td><td data-label=\"说明\" class=\"wrap\">");
	page_text(g, h->desc);
	if (h->extra[0]) {
		page_raw(g, "<br><small>");
		page_text(g, h->extra);
		page_raw(g, "</small>");
	}
	page_printf(g, "</td><td data-label=\"期间\">%s – %s</td>"
	    "<td data-label=\"证书\" class=\"wrap\">%llu 张：", from, to,
	    (unsigned long long)h->count);
	for (size_t i = 0; i < h->ncerts; i++) {
		const char *no = v->data.no[h->certs[i]];
		page_raw(g, " <a href=\"/cert/");
		page_text(g, no);
		page_raw(g, "\">");
		page_text(g, no);
		page_raw(g, "</a>");
	}
	if (h->count > h->ncerts)
		page_printf(g, " 等（另 %llu 张）",
		    (unsigned long long)(h->count - h->ncerts));
	page_raw(g, "</td></tr>");
}

static void
page_signals_table(struct page *g, struct sig_view *v)
{
	page_printf(g, "<p>%zu 条信号。信号是需要核查的线索，不是结论。</p>", v->hits.n);
	page_raw(g, "<div class=\"tablewrap\"><table class=\"stack signals\"><tr>"
	    "<th>级别</th><th>规则</th><th>机构或人员</th><th>说明</th><th>期间</th>"
	    "<th>证据证书</th></tr>");
	for (size_t i = 0; i < v->hits.n; i++)
		page_signals_row(g, v, &v->hits.v[i]);
	page_raw(g, "</table></div>");
}

static void
page_signals_csv(struct page *g, struct sig_view *v)
{
	struct buf out = BUF_INIT;

	if (sig_write(&v->hits, &v->data, SIG_FMT_CSV, page_signals_person, v,
	    &out) != 0) {
		page_message(g, 500, "信号", "out of memory", "/signals");
	} else {
		resp_bytes(g->resp, 200, "text/csv; charset=utf-8", out.data,
		    out.len, NULL);
		resp_attachment(g->resp, "skillcert-signals.csv", "预警信号.csv");
	}
	buf_free(&out);
}

/* GET /signals (the page) and /signals.csv. */
int
page_signals(struct page *g, const char *unused)
{
	struct sig_view v;
	int csv = strcmp(g->rq->path, "/signals.csv") == 0, rc;

	memset(&v, 0, sizeof(v));
	v.r = g->p->reg;
	v.d = &v.data;
	sig_data_init(&v.data);
	sig_hits_init(&v.hits, SIGNALS_EVIDENCE);
	if ((rc = registry_txn_begin_reader(v.r, &v.txn, &g->e)) == 0) {
		if ((rc = page_signals_run(g, &v)) != 0)
			page_message(g, resp_status_of(rc), "预警信号", g->e.msg,
			    "/signals");
		else if (csv)
			page_signals_csv(g, &v);
		else {
			page_begin(g, "预警信号");
			page_signals_form(g);
			page_signals_csv_link(g);
			page_signals_table(g, &v);
			page_end(g);
		}
		mdb_txn_abort(v.txn);
	} else {
		page_message(g, resp_status_of(rc), "预警信号", g->e.msg, "/dashboard");
	}
	sig_hits_free(&v.hits);
	sig_data_free(&v.data);
	sig_rules_free(&v.rules);
	return 0;
}
