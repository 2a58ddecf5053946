/* page_cert.c - batches and certificates of the actor's organization (the
 * authority: every organization): the batch list, a batch with its PDF,
 * ZIP and print PDF, one certificate with its PDF and the revoke form,
 * and the search by number, name or ID number (audited as a look-up). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pages.h"
#include "skillcert/base/date.h"
#include "skillcert/base/mask.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/level.h"
#include "skillcert/render/batch.h"

#define PAGE_BATCHES_MAX 200

struct batch_list {
	const char *org;
	struct batch_stats *s;
	int n, cap;
};

static int
page_batches_cb(const struct batch_stats *s, void *arg)
{
	struct batch_list *l = arg;

	if (l->org[0] && strcmp(s->org, l->org) != 0)
		return 0;
	if (l->n < l->cap)
		l->s[l->n++] = *s;
	else {
		int old = 0;          /* keep the newest: replace the oldest */
		for (int i = 1; i < l->n; i++)
			if (l->s[i].time < l->s[old].time)
				old = i;
		if (l->s[old].time < s->time)
			l->s[old] = *s;
	}
	return 0;
}

static int
page_cmp_time(const void *a, const void *b)
{
	const struct batch_stats *x = a, *y = b;

	return x->time < y->time ? 1 : x->time > y->time ? -1 : 0;
}

int
page_batches(struct page *g, const char *arg)
{
	struct batch_list l = { g->who.org, NULL, 0, PAGE_BATCHES_MAX };
	MDB_txn *txn = NULL;

	if ((l.s = calloc(PAGE_BATCHES_MAX, sizeof(*l.s))) == NULL)
		return page_message(g, 500, "错误", "内存不足", "/"), 0;
	if (registry_txn_begin_reader(g->p->reg, &txn, &g->e) == 0) {
		registry_each_batch_stats(g->p->reg, txn, page_batches_cb, &l, &g->e);
		mdb_txn_abort(txn);
	}
	qsort(l.s, (size_t)l.n, sizeof(*l.s), page_cmp_time);
	page_begin(g, "批次");
	page_batch_table(g, l.s, l.n);
	page_end(g);
	free(l.s);
	return 0;
}

/* A certificate's row in a list (number, masked ID, name, level, status). */
void
page_cert_row(struct page *g, const struct cert_record *c)
{
	page_raw(g, "<tr><td data-label=\"证书编号\"><a href=\"/cert/");
	page_text(g, c->cert.no);
	page_raw(g, "\">");
	page_text(g, c->cert.no);
	page_raw(g, "</a></td><td data-label=\"证件号码\">");
	page_text(g, c->cert.id_masked);
	page_raw(g, "</td><td data-label=\"姓名\">");
	page_text(g, c->cert.name);
	page_raw(g, "</td><td data-label=\"职业/等级\">");
	page_text(g, page_occ_name(g, c->cert.occ_code));
	page_raw(g, " ");
	page_text(g, level_full(c->cert.level));
	page_printf(g, "</td><td data-label=\"状态\" class=\"%s\">%s</td>"
	    "<td data-label=\"文件\"><a href=\"/cert/",
	    c->status == CERT_VALID ? "st-valid" : "st-revoked",
	    c->status == CERT_VALID ? "有效" : "已撤销");
	page_text(g, c->cert.no);
	page_raw(g, ".pdf\">PDF</a></td></tr>");
}

const char page_cert_head[] = "<div class=\"tablewrap\"><table class=\"stack\"><tr>"
    "<th>证书编号</th><th>证件号码</th><th>姓名</th><th>职业/等级</th>"
    "<th>状态</th><th>文件</th></tr>";

/* A batch id as issued ("R" + hex, or the caller's): letters, digits, -_. */
static int
page_id_ok(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
			return 0;
	}
	return 1;
}

static void
page_batch_list(struct page *g, MDB_txn *txn, const char *batch,
    const char *nos, size_t n)
{
	struct cert_record rec;

	page_begin(g, "批次");
	page_raw(g, "<p>批次 <code>");
	page_text(g, batch);
	page_printf(g, "</code>，%zu 张证书。</p><div class=\"row\"><a href=\"/batch/",
	    n);
	page_text(g, batch);
	page_raw(g, ".zip\">下载全部 PDF（ZIP）</a><a href=\"/batch/");
	page_text(g, batch);
	page_raw(g, ".pdf\">打印用合并 PDF</a></div>");
	page_raw(g, page_cert_head);
	for (size_t i = 0; i < n; i++)
		if (registry_get_cert(g->p->reg, txn, nos + i * (CERTNO_LEN + 1), &rec,
		    NULL) == 0)
			page_cert_row(g, &rec);
	page_raw(g, "</table></div>");
	page_end(g);
}

/* The whole batch as one file (ZIP of PDFs, or one multi-page PDF). */
static int
page_batch_file(struct page *g, MDB_txn *txn, const char *batch,
    const char *nos, size_t n, int zip)
{
	const char **v = calloc(n ? n : 1, sizeof(*v));
	struct buf out = BUF_INIT;
	char name[96];
	int rc;

	if (v == NULL)
		return err_set(&g->e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		v[i] = nos + i * (CERTNO_LEN + 1);
	rc = zip ? render_records_zip(g->p->fonts, g->p->reg, txn, v, n, &out, &g->e)
	    : render_records_pdf(g->p->fonts, g->p->reg, txn, v, n, &out, &g->e);
	if (rc == 0) {
		snprintf(name, sizeof(name), "%s.%s", batch, zip ? "zip" : "pdf");
		resp_bytes(g->resp, 200, zip ? "application/zip" : "application/pdf",
		    out.data, out.len, name);
	} else {
		page_message(g, resp_status_of(rc), "无法生成文件", g->e.msg, "/batches");
	}
	free(v);
	buf_free(&out);
	return 0;
}

int
page_batch(struct page *g, const char *arg)
{
	char batch[72];
	struct buf nos = BUF_INIT;
	MDB_txn *txn = NULL;
	size_t n = 0, al = strlen(arg);
	int kind = 0, rc = -1;      /* 0 page, 1 zip, 2 pdf */

	if (al > 4 && strcmp(arg + al - 4, ".zip") == 0)
		kind = 1;
	else if (al > 4 && strcmp(arg + al - 4, ".pdf") == 0)
		kind = 2;
	snprintf(batch, sizeof(batch), "%.*s", (int)(kind ? al - 4 : al), arg);
	if (!page_id_ok(batch, 64) ||
	    registry_txn_begin_reader(g->p->reg, &txn, &g->e) != 0)
		return -1;
	if (portal_batch_nos(g->p, txn, g->who.org, batch, &nos, &n, &g->e) == 0) {
		rc = 0;
		if (kind == 0)
			page_batch_list(g, txn, batch, (const char *)nos.data, n);
		else
			page_batch_file(g, txn, batch, (const char *)nos.data, n,
			    kind == 1);
	}
	mdb_txn_abort(txn);
	buf_free(&nos);
	return rc;
}
