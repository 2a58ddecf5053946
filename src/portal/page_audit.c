/* page_audit.c - the authority's supervision pages: the audit trail
 * (browse with filters, newest first; CSV export), the trace-back of a
 * person across organizations (itself audited). The statistics, signals
 * and exports pages are page_report.c, page_signals.c, page_exports.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pages.h"
#include "skillcert/base/csv.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"
#include "skillcert/store/counters.h"

#define AUDIT_PAGE 500

struct audit_view {
	const char *action, *who, *org;
	struct audit_event *ev;        /* ring of the newest AUDIT_PAGE matches */
	size_t n, head;
	struct buf *csv;               /* CSV export: every match */
};

static int
page_audit_match(const struct audit_view *v, const struct audit_event *ev)
{
	return (!v->action[0] || strcmp(ev->action, v->action) == 0) &&
	    (!v->who[0] || strcmp(ev->who, v->who) == 0) &&
	    (!v->org[0] || strcmp(ev->org, v->org) == 0);
}

static void
page_audit_csv_row(struct buf *b, const struct audit_event *ev)
{
	char t[40];
	time_t tt = (time_t)(ev->time_us / 1000000);
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_printf(b, "%llu,", (unsigned long long)ev->seq);
	const char *cells[] = { t, ev->who, ev->role, ev->org, ev->client,
	    ev->action, ev->object, ev->outcome };
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		csv_append_cell(b, cells[i]);
		buf_append_byte(b, i + 1 < sizeof(cells) / sizeof(cells[0]) ? ',' : '\n');
	}
}

static int
page_audit_cb(const struct audit_event *ev, void *arg)
{
	struct audit_view *v = arg;

	if (!page_audit_match(v, ev))
		return 0;
	if (v->csv) {
		page_audit_csv_row(v->csv, ev);
		return v->csv->oom ? 1 : 0;
	}
	v->ev[v->head] = *ev;
	v->head = (v->head + 1) % AUDIT_PAGE;
	if (v->n < AUDIT_PAGE)
		v->n++;
	return 0;
}

static void
page_audit_row(struct page *g, const struct audit_event *ev)
{
	char t[40];
	time_t tt = (time_t)(ev->time_us / 1000000);
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	page_printf(g, "<tr><td data-label=\"序号\">%llu</td><td data-label=\"时间\">"
	    "%s</td>", (unsigned long long)ev->seq, t);
	const char *cells[] = { ev->who, ev->role, ev->org, ev->client, ev->action,
	    ev->object, ev->outcome };
	static const char *const labels[] = { "账号", "角色", "机构", "地址", "动作",
	    "对象", "结果" };
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		page_printf(g, "<td data-label=\"%s\">", labels[i]);
		page_text(g, cells[i]);
		page_raw(g, "</td>");
	}
	page_raw(g, "</tr>");
}

static void
page_audit_form(struct page *g, const struct audit_view *v)
{
	page_raw(g, "<form method=\"get\" action=\"/audit\" class=\"row\">"
	    "<label>动作<input name=\"action\" maxlength=\"32\" value=\"");
	page_text(g, v->action);
	page_raw(g, "\"></label><label>账号<input name=\"who\" maxlength=\"64\" "
	    "value=\"");
	page_text(g, v->who);
	page_raw(g, "\"></label><label>机构<input name=\"org\" maxlength=\"13\" "
	    "value=\"");
	page_text(g, v->org);
	page_raw(g, "\"></label><button type=\"submit\">筛选</button></form>");
}

int
page_audit(struct page *g, const char *arg)
{
	struct audit_view v = { form_get(&g->q, "action"), form_get(&g->q, "who"),
	    form_get(&g->q, "org"), NULL, 0, 0, NULL };
	int csv = strcmp(g->rq->path, "/audit.csv") == 0;
	struct buf out = BUF_INIT;
	MDB_txn *txn = NULL;

	if (csv) {
		v.csv = &out;
		buf_append_str(&out, "seq,time,who,role,org,client,action,object,"
		    "outcome\n");
	} else if ((v.ev = calloc(AUDIT_PAGE, sizeof(*v.ev))) == NULL) {
		return page_message(g, 500, "错误", "内存不足", "/"), 0;
	}
	if (registry_txn_begin_reader(g->p->reg, &txn, &g->e) == 0) {
		audit_each(g->p->reg, txn, 0, page_audit_cb, &v, &g->e);
		mdb_txn_abort(txn);
	}
	portal_audit(g->p, &g->who, csv ? "audit_export" : "audit_view", "-", "ok");
	if (csv) {
		resp_bytes(g->resp, 200, "text/csv; charset=utf-8", out.data, out.len,
		    "audit.csv");
		buf_free(&out);
		return 0;
	}
	page_begin(g, "审计记录");
	page_audit_form(g, &v);
	page_raw(g, "<p><a href=\"/audit.csv\">导出全部（CSV）</a></p>"
	    "<div class=\"tablewrap\"><table class=\"stack\"><tr><th>序号</th>"
	    "<th>时间 (UTC)</th>"
	    "<th>账号</th><th>角色</th><th>机构</th><th>地址</th><th>动作</th>"
	    "<th>对象</th><th>结果</th></tr>");
	for (size_t i = 0; i < v.n; i++)   /* newest first */
		page_audit_row(g, &v.ev[(v.head + AUDIT_PAGE - 1 - i) % AUDIT_PAGE]);
	page_raw(g, "</table></div>");
	page_end(g);
	free(v.ev);
	return 0;
}

int
page_trace(struct page *g, const char *arg)
{
	const char *q = g->rq->method == PM_POST ? form_get(&g->f, "q") : "";

	page_begin(g, "人员追溯");
	page_raw(g, "<p>按证件号码（或姓名）查询一个人在所有机构的证书。每次查询都记入"
	    "审计。</p><form method=\"post\" action=\"/trace\" class=\"card\">");
	page_csrf(g);
	page_raw(g, "<label>证件号码或姓名<input name=\"q\" maxlength=\"64\" "
	    "autocomplete=\"off\" required></label><button type=\"submit\">查询"
	    "</button></form>");
	page_search_results(g, q, "");
	page_end(g);
	return 0;
}
