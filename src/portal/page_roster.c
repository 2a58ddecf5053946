/* page_roster.c - the validation table of a kept roster (a dry run of the
 * issuer over it: every row with its problem marked at the cell the
 * message names), the "issue all" / "issue only the good rows" forms and
 * the progress page of the issuance they start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/mask.h"
#include "skillcert/roster/roster.h"

/* The roster column a message names ("等级: ..."), or -1. */
static int
page_msg_col(const char *msg)
{
	const char *colon = strstr(msg, ": ");
	size_t n = colon ? (size_t)(colon - msg) : 0;

	for (int c = 0; c < RC_NCOLS && n; c++) {
		const char *name = roster_col_name(c);
		if (strlen(name) == n && strncmp(msg, name, n) == 0)
			return c;
	}
	return -1;
}

static const struct issue_row *
page_row_at(const struct issue_result *res, int line)
{
	for (size_t i = 0; i < res->nrows; i++)
		if (res->rows[i].line == line)
			return &res->rows[i];
	return NULL;
}

static const char *
page_row_status(const struct issue_row *r)
{
	if (r == NULL)
		return "—";
	switch (r->status) {
	case ROW_REJECTED: return "有误";
	case ROW_FAILED: return "不合格（不发证）";
	case ROW_EXISTING: return "已签发过";
	default: return "可签发";
	}
}

/* One roster row: its cells (ID numbers masked), the bad one marked. */
static void
page_roster_row(struct page *g, const struct roster *ro, size_t i,
    const struct issue_row *ir)
{
	int bad = ir && ir->status == ROW_REJECTED;
	int badcol = bad ? page_msg_col(ir->msg) : -1;
	char m[64];

	page_printf(g, "<tr%s><td data-label=\"行\">%d</td><td data-label=\"状态\">",
	    bad ? " class=\"bad\"" : "", ro->rows[i].line);
	page_text(g, page_row_status(ir));
	page_raw(g, "</td>");
	for (int c = 0; c < RC_NCOLS; c++) {
		if (!ro->has_col[c] || c == RC_PHOTO)
			continue;
		page_printf(g, "<td data-label=\"%s\"%s>", roster_col_name(c),
		    c == badcol ? " class=\"badcell\"" : "");
		if (c == RC_ID_NUMBER) {
			mask_id(ro->rows[i].f[c], m, sizeof(m));
			page_text(g, m);
		} else {
			page_text(g, ro->rows[i].f[c]);
		}
		page_raw(g, "</td>");
	}
	page_raw(g, "<td data-label=\"问题\" class=\"wrap\">");
	if (bad)
		page_text(g, ir->msg);
	page_raw(g, "</td></tr>");
}

static void
page_roster_table(struct page *g, const struct roster *ro,
    const struct issue_result *res)
{
	page_raw(g, "<div class=\"tablewrap\"><table class=\"stack\"><tr><th>行</th>"
	    "<th>状态</th>");
	for (int c = 0; c < RC_NCOLS; c++)
		if (ro->has_col[c] && c != RC_PHOTO) {
			page_raw(g, "<th>");
			page_text(g, roster_col_name(c));
			page_raw(g, "</th>");
		}
	page_raw(g, "<th>问题</th></tr>");
	for (size_t i = 0; i < ro->nrows; i++)
		page_roster_row(g, ro, i, page_row_at(res, ro->rows[i].line));
	page_raw(g, "</table></div>");
}

/* The issue buttons: all (only when nothing is wrong) or the good rows. */
static void
page_roster_actions(struct page *g, const char *id, size_t good, size_t bad)
{
	if (good == 0) {
		page_raw(g, "<p class=\"error\">没有可签发的行，请修改名册后重新上传。"
		    "</p><p><a href=\"/upload\">重新上传</a></p>");
		return;
	}
	page_raw(g, "<div class=\"row\">");
	for (int partial = 0; partial <= 1; partial++) {
		if ((partial == 0 && bad) || (partial == 1 && !bad))
			continue;
		page_raw(g, "<form method=\"post\" class=\"inline\" action=\"/roster/");
		page_text(g, id);
		page_raw(g, "/issue\">");
		page_csrf(g);
		page_printf(g, "<input type=\"hidden\" name=\"partial\" value=\"%d\">"
		    "<button type=\"submit\">%s</button></form>", partial,
		    partial ? "仅签发无误的行" : "全部签发");
	}
	page_raw(g, "<a href=\"/upload\">重新上传</a></div>");
}

static void
page_roster_body(struct page *g, const char *id, const char *fname,
    const struct roster *ro, const struct issue_result *res)
{
	size_t bad = 0, good = 0;

	for (size_t i = 0; i < res->nrows; i++) {
		if (res->rows[i].status == ROW_REJECTED)
			bad++;
		else if (res->rows[i].status == ROW_PENDING ||
		    res->rows[i].status == ROW_ISSUED)
			good++;
	}
	page_begin(g, "名册检查");
	page_raw(g, "<p>文件：");
	page_text(g, fname);
	page_printf(g, "，共 %zu 行：可签发 %zu 行，有误 %zu 行。</p>", res->nrows,
	    good, bad);
	if (bad)
		page_raw(g, "<p class=\"error\">有误的行已标红，问题所在的单元格加框"
		    "显示。</p>");
	page_roster_actions(g, id, good, bad);
	page_roster_table(g, ro, res);
	page_end(g);
}

int
page_roster(struct page *g, const char *id)
{
	struct buf csv = BUF_INIT;
	struct issue_result res;
	struct roster ro;
	char fname[128];
	int rc;

	memset(&ro, 0, sizeof(ro));
	if (portal_roster_get(g->p, g->who.org, id, &csv, fname, sizeof(fname),
	    &g->e) != 0)
		return -1;
	rc = portal_issue(g->p, &g->who, g->who.org, &csv, 1, 0, NULL, NULL, &res,
	    &g->e);
	if (rc != 0 && rc != ERR_INVALID)
		page_message(g, resp_status_of(rc), "名册无法检查", g->e.msg, "/upload");
	else if (roster_parse((const char *)csv.data, csv.len, &ro, &g->e) != 0)
		page_message(g, 400, "名册无法读取", g->e.msg, "/upload");
	else
		page_roster_body(g, id, fname, &ro, &res);
	roster_free(&ro);
	issue_result_free(&res);
	buf_free_wipe(&csv);
	return 0;
}

int
page_roster_post(struct page *g, const char *arg)
{
	char id[PORTAL_ID_HEX + 1], job[PORTAL_ID_HEX + 1], loc[64];
	const char *slash = strchr(arg, '/');
	struct buf probe = BUF_INIT;
	int rc;

	if (slash == NULL || strcmp(slash, "/issue") != 0 ||
	    (size_t)(slash - arg) != PORTAL_ID_HEX)
		return -1;
	memcpy(id, arg, PORTAL_ID_HEX);
	id[PORTAL_ID_HEX] = '\0';
	rc = portal_roster_get(g->p, g->who.org, id, &probe, NULL, 0, &g->e);
	buf_free_wipe(&probe);
	if (rc != 0)
		return -1;
	if (portal_job_start(g->p, &g->who, id,
	    strcmp(form_get(&g->f, "partial"), "1") == 0, job, &g->e) != 0) {
		page_message(g, resp_status_of(g->e.code), "无法签发", g->e.msg, "/");
		return 0;
	}
	snprintf(loc, sizeof(loc), "/job/%s", job);
	resp_redirect(g->resp, loc);
	return 0;
}

static void
page_job_done(struct page *g, const struct portal_job *j)
{
	if (j->rc == 0) {
		page_printf(g, "<p class=\"notice\">签发完成：新签发 %zu 张，已存在 %zu "
		    "张，跳过 %zu 行。</p><p><a href=\"/batch/", j->issued, j->existing,
		    j->rejected);
		page_text(g, j->batch);
		page_raw(g, "\">查看批次 ");
		page_text(g, j->batch);
		page_raw(g, "</a></p>");
		return;
	}
	page_raw(g, "<p class=\"error\">签发失败，未签发任何证书：");
	page_text(g, j->e.msg);
	page_raw(g, "</p><p><a href=\"/upload\">重新上传</a></p>");
}

int
page_job(struct page *g, const char *id)
{
	struct portal_job j;

	if (portal_job_get(g->p, g->who.org, id, &j, &g->e) != 0)
		return -1;
	if (j.state != JOB_DONE)
		g->refresh_s = 2;          /* no script: the page reloads itself */
	page_begin(g, "签发进度");
	if (j.state != JOB_DONE) {
		page_raw(g, "<p>正在签发，本页每 2 秒刷新。</p><p>阶段：");
		page_text(g, j.phase);
		page_printf(g, " %zu / %zu</p><progress max=\"%zu\" value=\"%zu\">"
		    "</progress>", j.done, j.total, j.total ? j.total : 1, j.done);
	} else {
		page_job_done(g, &j);
	}
	page_end(g);
	return 0;
}
