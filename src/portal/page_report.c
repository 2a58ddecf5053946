/* page_report.c - the authority's 统计报表: the quarterly report of
 * `skillcert stats` (src/report: report_make) for a year, quarter and
 * region chosen by a GET form, its SVG charts styled by /static/report.css
 * (no inline style under the CSP), and the same report as CSV, XLSX and
 * PDF downloads made by the writers the CLI uses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/date.h"
#include "skillcert/model/catalog.h"
#include "skillcert/report/report.h"

/* The query from ?year=&quarter=&region= (each optional); ERR_INVALID
 * naming the field. */
static int
page_report_query(struct page *g, struct report_query *q)
{
	const char *ys = form_get(&g->q, "year"), *qs = form_get(&g->q, "quarter");
	const char *rs = form_get(&g->q, "region");
	int year = 0, quarter = 0, scope = g->p->reg->province * 10000;

	if (ys[0] && ((year = atoi(ys)) < 2000 || year > 2099 || strlen(ys) != 4))
		return err_set(&g->e, ERR_INVALID, "年份: YYYY（2000–2099）");
	if (qs[0] && ((quarter = atoi(qs)) < 1 || quarter > 4 || qs[1]))
		return err_set(&g->e, ERR_INVALID, "季度: 1–4");
	if (rs[0] && (strlen(rs) != 6 ||
	    (scope = catalog_region_code_parse(rs)) < 0 ||
	    catalog_region_by_code(&g->p->reg->cat, scope) == NULL ||
	    !catalog_region_within(&g->p->reg->cat, scope,
	    g->p->reg->province * 10000)))
		return err_set(&g->e, ERR_INVALID, "地区: 本省的六位行政区划代码");
	report_query_quarterly(q, scope, year, quarter, date_today());
	return 0;
}

/* The province and its prefectures as region choices. */
static void
page_report_regions(struct page *g, int scope)
{
	const struct catalog *cat = &g->p->reg->cat;
	int prov = g->p->reg->province * 10000;

	page_raw(g, "<label>地区<select name=\"region\">");
	for (size_t i = 0; i < cat->nregions; i++) {
		const struct region *r = &cat->regions[i];
		if (r->code != prov && r->parent != prov)
			continue;
		page_printf(g, "<option value=\"%06d\"%s>", r->code,
		    r->code == scope ? " selected" : "");
		page_text(g, r->name);
		page_raw(g, "</option>");
	}
	page_raw(g, "</select></label>");
}

static void
page_report_form(struct page *g, const struct report_query *q)
{
	int y, m, d;

	date_to_ymd(date_today(), &y, &m, &d);
	page_raw(g, "<form method=\"get\" action=\"/stats\" class=\"card filters\">"
	    "<label>年份<select name=\"year\">");
	for (int v = y; v >= y - 6; v--)
		page_printf(g, "<option%s>%d</option>", v == q->year ?
		    " selected" : "", v);
	page_raw(g, "</select></label><label>季度<select name=\"quarter\">");
	for (int v = 1; v <= 4; v++)
		page_printf(g, "<option value=\"%d\"%s>第%d季度</option>", v,
		    v == q->quarter ? " selected" : "", v);
	page_raw(g, "</select></label>");
	page_report_regions(g, q->scope);
	page_raw(g, "<button type=\"submit\">查看</button></form>");
}

/* Links to this report in the three file formats. */
static void
page_report_links(struct page *g, const struct report_query *q)
{
	static const char *const ext[] = { "csv", "xlsx", "pdf" };
	static const char *const name[] = { "CSV", "Excel（XLSX）", "PDF" };

	page_raw(g, "<p class=\"row downloads\">下载本报表：");
	for (int i = 0; i < 3; i++) {
		page_printf(g, "<a class=\"button\" href=\"/stats.%s?year=%d&amp;"
		    "quarter=%d&amp;region=%06d\">%s</a>", ext[i], q->year,
		    q->quarter, q->scope, name[i]);
	}
	page_raw(g, "</p>");
}

/* The report in a file format as an attachment. */
static int
page_report_file(struct page *g, const struct report *rp,
    const struct report_query *q, const char *ext)
{
	struct buf out = BUF_INIT;
	char ascii[96], utf8[160];
	const char *ctype;
	int rc = 0;

	if (strcmp(ext, "xlsx") == 0) {
		ctype = "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet";
		rc = report_write_xlsx(rp, &out, &g->e);
	} else if (strcmp(ext, "pdf") == 0) {
		ctype = "application/pdf";
		rc = report_write_pdf(rp, g->p->cfg.fonts, &out, &g->e);
	} else {
		ctype = "text/csv; charset=utf-8";
		if (report_write(rp, FMT_CSV, &out) != 0)
			rc = err_set(&g->e, ERR_NOMEM, "out of memory");
	}
	if (rc == 0) {
		snprintf(ascii, sizeof(ascii), "skillcert-stats-%06d-%dQ%d.%s",
		    q->scope, q->year, q->quarter, ext);
		snprintf(utf8, sizeof(utf8), "统计报表-%06d-%d年第%d季度.%s",
		    q->scope, q->year, q->quarter, ext);
		resp_bytes(g->resp, 200, ctype, out.data, out.len, NULL);
		resp_attachment(g->resp, ascii, utf8);
	} else {
		page_message(g, resp_status_of(rc), "报表生成失败", g->e.msg, "/stats");
	}
	buf_free(&out);
	return 0;
}

/* GET /stats (the page) and /stats.csv|.xlsx|.pdf (by the path). */
int
page_stats(struct page *g, const char *unused)
{
	const char *dot = strchr(g->rq->path, '.');
	const char *arg = dot ? dot + 1 : "";
	struct report_query q;
	struct report *rp = NULL;
	MDB_txn *txn = NULL;
	int rc;

	if (page_report_query(g, &q) != 0) {
		page_message(g, 400, "统计报表", g->e.msg, "/stats");
		return 0;
	}
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		rc = err_set(&g->e, ERR_NOMEM, "out of memory");
	else if ((rc = registry_txn_begin_reader(g->p->reg, &txn, &g->e)) == 0) {
		rc = report_make(g->p->reg, txn, &q, rp, &g->e);
		mdb_txn_abort(txn);
	}
	if (rc == 0 && arg[0]) {
		page_report_file(g, rp, &q, arg);
	} else if (rc == 0) {
		struct buf html = BUF_INIT;
		g->css2 = "/static/report.css";
		page_begin(g, "统计报表");
		page_report_form(g, &q);
		page_report_links(g, &q);
		if (report_write_html(rp, &html, 0) == 0 && buf_cstr(&html))
			page_raw(g, (const char *)html.data);
		buf_free(&html);
		page_end(g);
	} else {
		page_message(g, resp_status_of(rc), "统计报表", g->e.msg, "/dashboard");
	}
	if (rp)
		report_free(rp);
	free(rp);
	return 0;
}
