/* page_org.c - an organization's work: the dashboard (this year's
 * certificates by occupation and level, recent batches), roster upload,
 * the validation table with every problem marked at its cell, issuing
 * all or only the good rows, and the progress page of an issuance. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pages.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"
#include "skillcert/roster/roster.h"
#include "skillcert/store/counters.h"

#define DASH_CELLS 128
#define DASH_BATCHES 10

struct dash {
	const char *org;               /* "" = every organization */
	int year;
	struct { char occ[CERT_OCC_MAX + 1]; int level; uint64_t valid, revoked; }
	    cell[DASH_CELLS];
	int n;
	struct batch_stats recent[DASH_BATCHES];
	int nrecent;
};

static int
page_dash_counter(const struct counter *c, void *arg)
{
	struct dash *d = arg;
	int i;

	if ((d->org[0] && strcmp(c->org, d->org) != 0) || c->month / 100 != d->year)
		return 0;
	for (i = 0; i < d->n; i++)
		if (d->cell[i].level == c->level && strcmp(d->cell[i].occ, c->occ) == 0)
			break;
	if (i == d->n) {
		if (d->n == DASH_CELLS)
			return 0;
		snprintf(d->cell[i].occ, sizeof(d->cell[i].occ), "%s", c->occ);
		d->cell[i].level = c->level;
		d->n++;
	}
	d->cell[i].valid += c->valid;
	d->cell[i].revoked += c->revoked;
	return 0;
}

/* Keeps the DASH_BATCHES most recent batches of the org. */
static int
page_dash_batch(const struct batch_stats *s, void *arg)
{
	struct dash *d = arg;
	int at = d->nrecent;

	if (d->org[0] && strcmp(s->org, d->org) != 0)
		return 0;
	if (at == DASH_BATCHES) {
		at = 0;
		for (int i = 1; i < DASH_BATCHES; i++)
			if (d->recent[i].time < d->recent[at].time)
				at = i;
		if (d->recent[at].time > s->time)
			return 0;
	} else {
		d->nrecent++;
	}
	d->recent[at] = *s;
	return 0;
}

static int
page_cmp_batch(const void *a, const void *b)
{
	const struct batch_stats *x = a, *y = b;

	return x->time < y->time ? 1 : x->time > y->time ? -1 : 0;
}

/* Writes the recent batches table (shared with the batches page). */
void
page_batch_table(struct page *g, const struct batch_stats *s, int n)
{
	char day[11];

	if (n == 0) {
		page_raw(g, "<p>还没有批次。</p>");
		return;
	}
	page_raw(g, "<div class=\"tablewrap\"><table class=\"stack\"><tr><th>批次</th><th>机构</th>"
	    "<th>签发日期</th><th>参评</th><th>合格</th></tr>");
	for (int i = 0; i < n; i++) {
		date_format_iso(s[i].day, day);
		page_raw(g, "<tr><td data-label=\"批次\"><a href=\"/batch/");
		page_text(g, s[i].batch);
		page_raw(g, "\">");
		page_text(g, s[i].batch);
		page_raw(g, "</a></td><td data-label=\"机构\">");
		page_text(g, s[i].org);
		page_printf(g, "</td><td data-label=\"签发日期\">%s</td><td data-label="
		    "\"参评\">%u</td><td data-label=\"合格\">%u</td></tr>", day,
		    s[i].assessed, s[i].passed);
	}
	page_raw(g, "</table></div>");
}

static void
page_dash_table(struct page *g, const struct dash *d)
{
	uint64_t tv = 0, tr = 0;

	page_printf(g, "<h2>%d 年证书（按职业和等级）</h2>", d->year);
	if (d->n == 0) {
		page_raw(g, "<p>本年度尚无证书。</p>");
		return;
	}
	page_raw(g, "<div class=\"tablewrap\"><table><tr><th>职业</th><th>等级</th>"
	    "<th>有效</th><th>已撤销</th></tr>");
	for (int i = 0; i < d->n; i++) {
		page_raw(g, "<tr><td>");
		page_text(g, page_occ_name(g, d->cell[i].occ));
		page_raw(g, "</td><td>");
		page_text(g, level_full(d->cell[i].level));
		page_printf(g, "</td><td>%llu</td><td>%llu</td></tr>",
		    (unsigned long long)d->cell[i].valid,
		    (unsigned long long)d->cell[i].revoked);
		tv += d->cell[i].valid;
		tr += d->cell[i].revoked;
	}
	page_printf(g, "<tr><th>合计</th><th></th><th>%llu</th><th>%llu</th></tr>"
	    "</table></div>", (unsigned long long)tv, (unsigned long long)tr);
}

int
page_dashboard(struct page *g, const char *arg)
{
	struct dash *d = calloc(1, sizeof(*d));
	MDB_txn *txn = NULL;
	int y, m, dd;

	if (d == NULL)
		return page_message(g, 500, "错误", "内存不足", "/"), 0;
	date_to_ymd(date_today(), &y, &m, &dd);
	d->org = g->who.org;
	d->year = y;
	if (registry_txn_begin_reader(g->p->reg, &txn, &g->e) == 0) {
		counters_each(g->p->reg, txn, page_dash_counter, d, &g->e);
		registry_each_batch_stats(g->p->reg, txn, page_dash_batch, d, &g->e);
		mdb_txn_abort(txn);
	}
	qsort(d->recent, (size_t)d->nrecent, sizeof(d->recent[0]), page_cmp_batch);
	page_begin(g, g->who.org[0] ? "机构首页" : "监管首页");
	if (g->who.role != ACCT_AUTHORITY)
		page_raw(g, "<p class=\"row\"><a href=\"/upload\"><button type=\"button\">"
		    "上传名册并签发</button></a></p>");
	page_dash_table(g, d);
	page_raw(g, "<h2>最近批次</h2>");
	page_batch_table(g, d->recent, d->nrecent);
	page_end(g);
	free(d);
	return 0;
}

int
page_upload(struct page *g, const char *arg)
{
	page_begin(g, "上传名册");
	page_raw(g, "<form method=\"post\" action=\"/upload\" enctype=\"multipart/"
	    "form-data\" class=\"card\">");
	page_csrf(g);
	page_raw(g, "<p>CSV（UTF-8 或 GB18030）或 Excel 的 XLSX 文件，第一行为表头：姓名、"
	    "证件类型、证件号码、职业、工种、等级、评价方式、考核日期（可选：结果、"
	    "工作单位）。</p><label>名册文件<input type=\"file\" name=\"roster\" "
	    "accept=\".csv,.xlsx,text/csv,application/vnd.openxmlformats-"
	    "officedocument.spreadsheetml.sheet\" required></label>"
	    "<button type=\"submit\">上传并检查</button></form>");
	page_end(g);
	return 0;
}

int
page_upload_post(struct page *g, const char *arg)
{
	const struct form_field *f = form_find(&g->f, "roster");
	struct buf csv = BUF_INIT;
	char id[PORTAL_ID_HEX + 1], loc[64];

	if (f == NULL || f->len == 0) {
		page_message(g, 400, "上传失败", "没有收到名册文件。", "/upload");
		return 0;
	}
	if (portal_roster_csv((const uint8_t *)f->value, f->len, &csv, &g->e) != 0 ||
	    portal_roster_put(g->p, g->who.org, g->who.name, f->filename, &csv, id,
	    &g->e) != 0) {
		buf_free(&csv);
		page_message(g, 400, "名册无法读取", g->e.msg, "/upload");
		return 0;
	}
	snprintf(loc, sizeof(loc), "/roster/%s", id);
	resp_redirect(g->resp, loc);
	return 0;
}
