/* test_report.c - the report writers on a quarterly report built here
 * with many regions (more than a PDF page holds) and markup in a name:
 * the PDF runs over pages with the header repeated and every region's
 * name as text, the HTML escapes and draws a bar per region, the XLSX
 * is a ZIP with a sheet per section. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/base/buf.h"
#include "skillcert/report/report.h"
#include "test.h"

#define NREG 90

static void
col(struct report_table *t, const char *g, const char *s)
{
	snprintf(t->grp[t->ncols], REPORT_CELL_MAX, "%s", g);
	snprintf(t->sub[t->ncols], REPORT_CELL_MAX, "%s", s);
	snprintf(t->cols[t->ncols], REPORT_CELL_MAX, "%s%s%s", g, g[0] ? " " : "",
	    s);
	t->ncols++;
}

static void
num(struct report_cell *c, uint64_t n)
{
	c->kind = 1;
	c->n = n;
	snprintf(c->s, sizeof(c->s), "%llu", (unsigned long long)n);
}

static void
build(struct report *rp)
{
	static const char *sub[] = { "目标", "本季度", "累计", "完成率%", "预计期末" };
	struct report_table *t = &rp->sec[0];

	memset(rp, 0, sizeof(*rp));
	snprintf(rp->title, sizeof(rp->title), "测试省 2026年第3季度 统计");
	rp->quarterly = 1;
	rp->ngroups = 1;
	rp->nsec = 3;
	col(t, "", "地区代码");
	col(t, "", "地区");
	for (int i = 0; i < 5; i++)
		col(t, "养老护理员", sub[i]);
	t->nrows = NREG + 1;
	t->cells = calloc(t->nrows * (size_t)t->ncols, sizeof(*t->cells));
	for (size_t r = 0; r < t->nrows; r++) {
		struct report_cell *c = t->cells + r * (size_t)t->ncols;
		snprintf(c[0].s, sizeof(c[0].s), "%06zu", 360100 + r * 100);
		if (r == 7)
			snprintf(c[1].s, sizeof(c[1].s), "<b>县&区</b>");
		else
			snprintf(c[1].s, sizeof(c[1].s), r == NREG ? "合计" :
			    "第%zu区", r + 1);
		num(&c[2], 1000 + r);
		num(&c[3], r);
		num(&c[4], 10 * r);
		c[5].kind = 2;
		c[5].pct = 100.0 * (double)(10 * r) / (double)(1000 + r);
		snprintf(c[5].s, sizeof(c[5].s), "%.1f", c[5].pct);
		num(&c[6], 20 * r);
	}
	for (int s = 1; s < 3; s++) {
		struct report_table *u = &rp->sec[s];
		snprintf(u->title, sizeof(u->title), s == 1 ? "等级分布" : "按月发证");
		col(u, "", "月份");
		col(u, "", "有效证书");
		col(u, "", "吊销");
		col(u, "", "累计有效证书");
		u->nrows = 12;
		u->cells = calloc(12 * 4, sizeof(*u->cells));
		for (int m = 0; m < 12; m++) {
			snprintf(u->cells[m * 4].s, REPORT_CELL_MAX, "2026-%02d", m + 1);
			num(&u->cells[m * 4 + 1], (uint64_t)m);
			num(&u->cells[m * 4 + 2], 0);
			num(&u->cells[m * 4 + 3], (uint64_t)(m * (m + 1) / 2));
		}
	}
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_pdf(const struct report *rp)
{
	struct buf out = BUF_INIT, txt = BUF_INIT;
	struct err e;
	char dir[] = "/tmp/test_report.XXXXXX", pdf[64], tx[64], cmd[256];
	char line[128];
	int pages = 0;
	FILE *p, *f;

	CHECK_EQ_INT(report_write_pdf(rp, NULL, &out, &e), 0);
	CHECK(out.len > 1000 && memcmp(out.data, "%PDF-", 5) == 0);
	/* A private folder: the normal and the sanitizer builds' tests may
	 * run at the same time. */
	CHECK(mkdtemp(dir) != NULL);
	snprintf(pdf, sizeof(pdf), "%s/r.pdf", dir);
	snprintf(tx, sizeof(tx), "%s/r.txt", dir);
	CHECK((f = fopen(pdf, "wb")) != NULL);
	if (f == NULL)
		return;
	CHECK(fwrite(out.data, 1, out.len, f) == out.len);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "pdfinfo %s 2>/dev/null", pdf);
	if ((p = popen(cmd, "r")) != NULL) {
		while (fgets(line, sizeof(line), p))
			if (strncmp(line, "Pages:", 6) == 0)
				pages = atoi(line + 6);
		pclose(p);
	}
	CHECK(pages >= 4);     /* 91 rows over pages, the sections, charts */
	snprintf(cmd, sizeof(cmd), "pdftotext %s %s 2>/dev/null", pdf, tx);
	CHECK_EQ_INT(system(cmd), 0);
	CHECK_EQ_INT(buf_read_file(&txt, tx, 1 << 20), 0);
	buf_cstr(&txt);
	CHECK(txt.data != NULL && count((char *)txt.data, "预计期末") >= 2);
	CHECK(txt.data != NULL && strstr((char *)txt.data, "第90区") != NULL);
	/* 90 regions: each group's bars go on in two more charts, so titled */
	CHECK(txt.data != NULL && count((char *)txt.data, "（续）") >= 2);
	CHECK(txt.data != NULL && strstr((char *)txt.data, "<b>县&区</b>") != NULL);
	if (getenv("TEST_REPORT_KEEP") == NULL) {  /* to look at the pages */
		remove(pdf);
		remove(tx);
		rmdir(dir);
	}
	buf_free(&out);
	buf_free(&txt);
}

static void
test_html(const struct report *rp)
{
	struct buf out = BUF_INIT;
	const char *s;

	CHECK_EQ_INT(report_write_html(rp, &out, 0), 0);
	buf_cstr(&out);
	s = (const char *)out.data;
	/* the fragment: no <style>, no style= (the portal's CSP refuses
	 * inline styles); its CSS is report_css() */
	CHECK(strncmp(s, "<section", 8) == 0 && strstr(s, "<html") == NULL);
	CHECK(strstr(s, "<style") == NULL && strstr(s, "style=") == NULL);
	CHECK(strstr(report_css(), ".skc-report .sw.bar") != NULL);
	CHECK(strstr(s, "&lt;b&gt;县&amp;区&lt;/b&gt;") != NULL);
	CHECK(strstr(s, "<b>") == NULL && strstr(s, "<script") == NULL);
	CHECK_EQ_INT(count(s, "class=\"bar\""), NREG);
	CHECK_EQ_INT(count(s, "<svg"), 2);
	buf_free(&out);
}

static void
test_xlsx(const struct report *rp)
{
	struct buf out = BUF_INIT;
	struct err e;

	CHECK_EQ_INT(report_write_xlsx(rp, &out, &e), 0);
	CHECK(out.len > 1000 && memcmp(out.data, "PK\3\4", 4) == 0);
	CHECK(memmem(out.data, out.len, "xl/worksheets/sheet3.xml", 24) != NULL);
	buf_free(&out);
}

int
main(void)
{
	struct report *rp = calloc(1, sizeof(*rp));

	if (rp == NULL)
		return 2;
	build(rp);
	test_pdf(rp);
	test_html(rp);
	test_xlsx(rp);
	report_free(rp);
	free(rp);
	TEST_END();
}
