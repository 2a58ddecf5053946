/* page_exports.c - the authority's 数据共享 page: for each department of
 * the export profiles, the log position it last received; a POST that
 * cuts its next incremental export with export_run (what `skillcert
 * export --since LAST` calls), audited as "export"; the past exports with
 * their manifests' figures, and the files for download. The files are
 * kept under the registry, DIR/exports/ (mode 0700, files 0600 as
 * export_department makes them), so a portal restart loses none and the
 * CLI's `export verify` can check them in place. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "pages.h"
#include "skillcert/store/export.h"

#define EXPORTS_LISTED 200

static void
page_exports_dir(const struct page *g, char *out, size_t cap)
{
	snprintf(out, cap, "%s/exports", g->p->reg->dir);
}

/* The department's row: its position and the form that exports it. */
static void
page_exports_dept(struct page *g, MDB_txn *txn, const struct export_profile *p)
{
	uint64_t pos = 0;
	struct err e;

	err_clear(&e);
	exportpos_get(g->p->reg, txn, p->dept, &pos, &e);
	page_raw(g, "<tr><td data-label=\"部门\">");
	page_text(g, p->dept);
	page_printf(g, "</td><td data-label=\"已导出至\">日志 %" PRIu64 "</td>"
	    "<td data-label=\"导出\"><form method=\"post\" action=\"/exports\" "
	    "class=\"inline exportform\">", pos);
	page_csrf(g);
	page_raw(g, "<input type=\"hidden\" name=\"dept\" value=\"");
	page_text(g, p->dept);
	page_raw(g, "\"><select name=\"format\" aria-label=\"格式\">"
	    "<option value=\"csv\">CSV</option><option value=\"xlsx\">XLSX"
	    "</option><option value=\"jsonl\">JSONL</option></select>"
	    "<button type=\"submit\">导出新增</button></form></td></tr>");
}

static void
page_exports_file_link(struct page *g, const char *file, const char *label,
    int button)
{
	page_raw(g, button ? "<a class=\"button\" href=\"/exports/file/" :
	    "<a href=\"/exports/file/");
	url_encode(g->b, file);
	page_raw(g, "\">");
	page_text(g, label);
	page_raw(g, "</a>");
}

/* The past exports, newest first, from their manifests. */
static void
page_exports_list(struct page *g)
{
	struct export_info *x = calloc(EXPORTS_LISTED, sizeof(*x));
	char dir[PATH_MAX + 16], when[32], man[300];
	size_t n = 0;
	struct tm tm;

	page_exports_dir(g, dir, sizeof(dir));
	if (x == NULL || export_list(dir, x, EXPORTS_LISTED, &n, &g->e) != 0) {
		page_raw(g, "<p class=\"error\">无法读取导出记录。</p>");
		free(x);
		return;
	}
	page_printf(g, "<h2>导出记录</h2><p>%zu 份，每份附签名清单（manifest），"
	    "接收方可用 <code>skillcert export verify</code> 校验。</p>", n);
	page_raw(g, "<div class=\"tablewrap\"><table class=\"stack exports\"><tr>"
	    "<th>时间</th><th>部门</th><th>日志范围</th><th>行数</th><th>格式</th>"
	    "<th>SHA-256</th><th>文件</th></tr>");
	for (size_t i = 0; i < n; i++) {
		time_t t = (time_t)x[i].created;
		localtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
		page_printf(g, "<tr><td data-label=\"时间\">%s</td><td data-label=\""
		    "部门\">", when);
		page_text(g, x[i].dept);
		page_printf(g, "</td><td data-label=\"日志范围\">(%" PRIu64 ", %" PRIu64
		    "]</td><td data-label=\"行数\">%" PRIu64 "</td><td data-label=\""
		    "格式\">", x[i].from, x[i].to, x[i].rows);
		page_text(g, x[i].format);
		page_raw(g, "</td><td data-label=\"SHA-256\" class=\"hash\"><code>");
		page_text(g, x[i].sha256);
		page_raw(g, "</code></td><td data-label=\"文件\">");
		page_exports_file_link(g, x[i].file, x[i].file, 0);
		snprintf(man, sizeof(man), "%s.manifest", x[i].file);
		page_raw(g, "<br>");
		page_exports_file_link(g, man, "签名清单", 0);
		page_raw(g, "</td></tr>");
	}
	page_raw(g, "</table></div>");
	free(x);
}

/* GET /exports */
int
page_exports(struct page *g, const char *unused)
{
	struct export_profiles *ps = calloc(1, sizeof(*ps));
	MDB_txn *txn = NULL;
	struct sth h;
	struct err he;

	if (ps == NULL || export_profiles_load(g->p->reg, NULL, ps, &g->e) != 0 ||
	    registry_txn_begin_reader(g->p->reg, &txn, &g->e) != 0) {
		page_message(g, 500, "数据共享", ps ? g->e.msg : "out of memory",
		    "/dashboard");
		free(ps);
		return 0;
	}
	page_begin(g, "数据共享");
	page_raw(g, "<p>按各部门的共享配置（export_profiles.csv）导出自上次以来新增的"
	    "签发与撤销，每份由人社部门密钥签名。");
	err_clear(&he);
	/* an export reaches up to the latest signed tree head */
	if (tlog_latest_head(&g->p->reg->log, txn, &h, &he) == 0)
		page_printf(g, "最新签名树头：日志 %" PRIu64 "。", (uint64_t)h.size);
	page_raw(g, "</p><div class=\"tablewrap\">"
	    "<table class=\"stack depts\"><tr><th>部门</th><th>已导出至</th>"
	    "<th>导出</th></tr>");
	for (size_t i = 0; i < ps->n; i++)
		page_exports_dept(g, txn, &ps->p[i]);
	page_raw(g, "</table></div>");
	mdb_txn_abort(txn);
	page_exports_list(g);
	page_end(g);
	free(ps);
	return 0;
}

/* One export of dept in a write transaction under the writer lock; the
 * files removed again when the position cannot be committed. */
static int
page_exports_cut(struct page *g, const struct export_profiles *ps,
    const char *dept, int format, struct export_result *x, size_t *nx)
{
	char dir[PATH_MAX + 16];
	MDB_txn *txn = NULL;
	int rc, mrc;

	page_exports_dir(g, dir, sizeof(dir));
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(&g->e, ERR_IO, "%s: %s", dir, strerror(errno));
	pthread_mutex_lock(&g->p->wlock);
	if ((rc = registry_txn_begin(g->p->reg, 0, &txn, &g->e)) == 0 &&
	    (rc = export_run(g->p->reg, txn, ps, dept, UINT64_MAX, format, dir,
	    x, nx, &g->e)) == 0) {
		mrc = mdb_txn_commit(txn);
		txn = NULL;
		if (mrc != 0)
			rc = err_set(&g->e, ERR_DB, "commit: %s", mdb_strerror(mrc));
	}
	if (txn)
		mdb_txn_abort(txn);
	if (rc != 0)
		export_unlink(x, *nx);
	pthread_mutex_unlock(&g->p->wlock);
	return rc;
}

static int
page_exports_format(const char *s)
{
	return strcmp(s, "xlsx") == 0 ? EXPORT_XLSX : strcmp(s, "jsonl") == 0 ?
	    EXPORT_JSONL : strcmp(s, "csv") == 0 || !s[0] ? EXPORT_CSV : 0;
}

static void
page_exports_done(struct page *g, const char *dept,
    const struct export_result *x)
{
	const char *base = strrchr(x->file, '/');
	char man[300];

	page_begin(g, "数据共享");
	page_raw(g, "<h2>");
	page_text(g, dept);
	page_raw(g, "</h2>");
	if (x->file[0] == '\0') {
		page_printf(g, "<p class=\"notice\">没有新增内容：日志 %" PRIu64
		    " 之前的已全部导出，未生成文件（0 行）。</p>", x->to);
	} else {
		base = base ? base + 1 : x->file;
		page_printf(g, "<p class=\"notice\">已导出日志 (%" PRIu64 ", %" PRIu64
		    "]，%" PRIu64 " 行。</p><p class=\"row downloads\">", x->from,
		    x->to, x->rows);
		page_exports_file_link(g, base, "下载文件", 1);
		snprintf(man, sizeof(man), "%s.manifest", base);
		page_raw(g, " ");
		page_exports_file_link(g, man, "下载签名清单", 1);
		page_raw(g, "</p>");
	}
	page_raw(g, "<p><a href=\"/exports\">返回数据共享</a></p>");
	page_end(g);
}

/* POST /exports: dept, format (csv|xlsx|jsonl). */
int
page_exports_post(struct page *g, const char *unused)
{
	const char *dept = form_get(&g->f, "dept");
	int format = page_exports_format(form_get(&g->f, "format")), rc;
	struct export_profiles *ps = calloc(1, sizeof(*ps));
	struct export_result *x = calloc(EXPORT_DEPTS_MAX, sizeof(*x));
	size_t nx = 0;

	if (ps == NULL || x == NULL)
		rc = err_set(&g->e, ERR_NOMEM, "out of memory");
	else if (format == 0 || !dept[0] || strcmp(dept, "all") == 0)
		rc = err_set(&g->e, ERR_INVALID, "部门与格式（csv、xlsx、jsonl）");
	else if ((rc = export_profiles_load(g->p->reg, NULL, ps, &g->e)) == 0)
		rc = page_exports_cut(g, ps, dept, format, x, &nx);
	portal_audit(g->p, &g->who, "export", dept, rc != 0 ? "error" :
	    nx == 1 && x[0].file[0] ? "ok" : "empty");
	if (rc == 0 && nx == 1)
		page_exports_done(g, dept, &x[0]);
	else
		page_message(g, resp_status_of(rc ? rc : ERR_INVALID), "导出失败",
		    g->e.msg, "/exports");
	free(ps);
	free(x);
	return 0;
}

/* A file name of the exports directory: what export_department names
 * (DEPT-FROM-TO.ext[.manifest]), never a path. */
static int
page_exports_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 250 && s[0] != '.' && strchr(s, '/') == NULL &&
	    strchr(s, '\\') == NULL && strstr(s, "..") == NULL;
}

static const char *
page_exports_ctype(const char *name)
{
	size_t n = strlen(name);

	if (n > 9 && strcmp(name + n - 9, ".manifest") == 0)
		return "text/plain; charset=utf-8";
	if (n > 5 && strcmp(name + n - 5, ".xlsx") == 0)
		return "application/vnd.openxmlformats-officedocument."
		    "spreadsheetml.sheet";
	if (n > 6 && strcmp(name + n - 6, ".jsonl") == 0)
		return "application/jsonl; charset=utf-8";
	return "text/csv; charset=utf-8";
}

/* GET /exports/file/NAME: an export or its manifest, as an attachment
 * (the ASCII name replaces the department's Chinese with "export"). */
int
page_exports_file(struct page *g, const char *arg)
{
	char name[256], dir[PATH_MAX + 16], path[PATH_MAX + 300], ascii[256];
	struct buf b = BUF_INIT;
	const char *dash;

	/* the router's path is already percent-decoded */
	if ((size_t)snprintf(name, sizeof(name), "%s", arg) >= sizeof(name) ||
	    !page_exports_name_ok(name))
		return -1;
	page_exports_dir(g, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (buf_read_file(&b, path, (size_t)1 << 30) != 0) {
		buf_free(&b);
		return -1;
	}
	/* the files hold personal data (民政 and 卫健 receive ID numbers):
	 * who took one is accountable */
	portal_audit(g->p, &g->who, "export_download", name, "ok");
	dash = strchr(name, '-');
	snprintf(ascii, sizeof(ascii), "export%s", dash ? dash : "");
	resp_bytes(g->resp, 200, page_exports_ctype(name), b.data, b.len, NULL);
	resp_attachment(g->resp, ascii, name);
	buf_free(&b);
	return 0;
}
