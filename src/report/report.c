/* report.c - building the statistics reports (report.h) from the
 * counters, the batches' figures and the targets: O(counters x groups),
 * never a scan of the certificates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/date.h"
#include "skillcert/base/json.h"
#include "skillcert/base/utf8.h"
#include "skillcert/model/level.h"
#include "skillcert/model/person.h"
#include "skillcert/store/targetstore.h"
#include "skillcert/report/report.h"
#include "rtable.h"

static int
load_counter_cb(const struct counter *c, void *arg)
{
	struct report_data *d = arg;
	struct counter *nv;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		if ((nv = reallocarray(d->c, d->cap, sizeof(*nv))) == NULL)
			return -ERR_NOMEM;
		d->c = nv;
	}
	d->c[d->n++] = *c;
	return 0;
}

static int
load_batch_cb(const struct batch_stats *s, void *arg)
{
	struct report_data *d = arg;
	struct batch_stats *nv;

	if (d->nb == d->capb) {
		d->capb = d->capb ? d->capb * 2 : 64;
		if ((nv = reallocarray(d->b, d->capb, sizeof(*nv))) == NULL) {
			d->oom = 1;
			return 1;
		}
		d->b = nv;
	}
	d->b[d->nb++] = *s;
	return 0;
}

/* Each batch's organization region on its day, as the counters file it. */
static int
load_batch_regions(struct registry *r, MDB_txn *txn, struct report_data *d,
    struct err *e)
{
	struct org o;
	int rc;

	if (d->nb && (d->bregion = calloc(d->nb, sizeof(int32_t))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < d->nb; i++) {
		rc = registry_get_org(r, txn, d->b[i].org, &o, e);
		if (rc != 0 && rc != ERR_NOTFOUND)
			return rc;
		d->bregion[i] = rc == 0 ? counters_region_at(&o, d->b[i].day) :
		    orgcode_province(d->b[i].org) * 10000;
	}
	return 0;
}

int
report_load(struct registry *r, MDB_txn *txn, struct report_data *d,
    int rollup, struct err *e)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if ((rc = rollup ? counters_each_rollup(r, txn, load_counter_cb, d, e) :
	    counters_each(r, txn, load_counter_cb, d, e)) != 0)
		return rc;
	if ((rc = registry_each_batch_stats(r, txn, load_batch_cb, d, e)) != 0)
		return rc;
	if (d->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = load_batch_regions(r, txn, d, e)) != 0)
		return rc;
	return registry_get_targets(r, txn, &d->t, e);
}

void
report_data_free(struct report_data *d)
{
	free(d->c);
	free(d->b);
	free(d->bregion);
	targets_free(&d->t);
	memset(d, 0, sizeof(*d));
}

void
report_free(struct report *rp)
{
	for (size_t i = 0; i < REPORT_SECTIONS_MAX; i++) {
		free(rp->sec[i].cells);
		rp->sec[i].cells = NULL;
		rp->sec[i].nrows = rp->sec[i].cap = 0;
	}
	rp->nsec = 0;
}

void
report_col(struct report_table *rp, const char *a, const char *b)
{
	if (rp->ncols >= REPORT_COLS_MAX) {
		rp->oom = 1;
		return;
	}
	snprintf(rp->grp[rp->ncols], REPORT_CELL_MAX, "%s", b[0] ? a : "");
	snprintf(rp->sub[rp->ncols], REPORT_CELL_MAX, "%s", b[0] ? b : a);
	snprintf(rp->cols[rp->ncols++], REPORT_CELL_MAX, "%s%s%s", a,
	    b[0] ? " " : "", b);
}

/* A new row's first cell; NULL when out of memory. */
struct report_cell *
report_row(struct report_table *rp)
{
	struct report_cell *nv;

	if (rp->nrows == rp->cap) {
		size_t cap = rp->cap ? rp->cap * 2 : 32;
		nv = reallocarray(rp->cells, cap * (size_t)rp->ncols,
		    sizeof(*nv));
		if (nv == NULL) {
			rp->oom = 1;
			return NULL;
		}
		rp->cells = nv;
		rp->cap = cap;
	}
	nv = rp->cells + rp->nrows++ * (size_t)rp->ncols;
	memset(nv, 0, (size_t)rp->ncols * sizeof(*nv));
	return nv;
}

void
cell_str(struct report_cell *c, const char *s)
{
	c->kind = 0;
	snprintf(c->s, sizeof(c->s), "%s", s);
}

void
cell_int(struct report_cell *c, uint64_t n)
{
	c->kind = 1;
	c->n = n;
	snprintf(c->s, sizeof(c->s), "%llu", (unsigned long long)n);
}

/* The quarterly report's groups and rows, and its sums. */
struct qgroup {
	const struct target *t;        /* first of the group */
	int from, to;                  /* YYYYMM the group counts */
};

struct qstate {
	const struct catalog *cat;
	const struct report_data *d;
	const struct report_query *q;
	int32_t *rows;                 /* child regions of scope, by code */
	size_t nrows;                  /* children + 1 (the scope itself) */
	struct qgroup *g;
	size_t ng;
	uint64_t *tgt, *qtr, *ytd;     /* [row * ng + group] */
	uint64_t *valid, *revoked, *assessed, *passed;  /* [row] */
	uint64_t *lvl;                 /* [row * Q_LEVELS + level] valid */
	uint64_t mvalid[13], mrevoked[13];  /* by month of the year */
	/* Lookups a counter needs, remembered: a report reads thousands of
	 * counters over a few regions and occupations. */
	int32_t rkey[64];
	long rrow[64];
	char okey[32][CERT_OCC_MAX + 1];
	uint64_t omask[32];            /* bit g: group g counts it */
	int nocc;
};

#define Q_LEVELS 6                     /* 0 (no level) and 1..5 */

static int
cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

static int
q_rows(struct qstate *s)
{
	const struct catalog *cat = s->cat;
	size_t n = 0;

	if ((s->rows = calloc(cat->nregions + 1, sizeof(int32_t))) == NULL)
		return -1;
	for (size_t i = 0; i < cat->nregions; i++)
		if (cat->regions[i].parent == s->q->scope)
			s->rows[n++] = cat->regions[i].code;
	if (n)
		qsort(s->rows, n, sizeof(int32_t), cmp_i32);
	s->rows[n++] = s->q->scope;     /* 本级: within scope, no child */
	s->nrows = n;
	return 0;
}

/* The row a region falls in, -1 outside the scope. */
static long
q_row_of(const struct qstate *s, int32_t region)
{
	if (region == 0 || !catalog_region_within(s->cat, region, s->q->scope))
		return -1;
	for (size_t i = 0; i + 1 < s->nrows; i++)
		if (catalog_region_within(s->cat, region, s->rows[i]))
			return (long)i;
	return (long)s->nrows - 1;
}

static int
q_same_group(const struct target *a, const struct target *b)
{
	return strcmp(a->occs, b->occs) == 0 && a->year_from == b->year_from &&
	    a->year_to == b->year_to;
}

static long
q_group_of(const struct qstate *s, const struct target *t)
{
	for (size_t i = 0; i < s->ng; i++)
		if (q_same_group(s->g[i].t, t))
			return (long)i;
	return -1;
}

static int
q_groups(struct qstate *s)
{
	const struct targets *ts = &s->d->t;
	const struct target *t;
	int y = s->q->year;

	if (ts->n && (s->g = calloc(ts->n, sizeof(*s->g))) == NULL)
		return -1;
	for (size_t i = 0; i < ts->n; i++) {
		t = &ts->v[i];
		if (t->year_from > y || t->year_to < y || q_row_of(s, t->region) < 0 ||
		    q_group_of(s, t) >= 0)
			continue;
		s->g[s->ng].t = t;
		s->g[s->ng].from = t->year_from * 100 + 1;
		s->g[s->ng].to = y * 100 + s->q->quarter * 3;
		s->ng++;
	}
	return 0;
}

static int
q_alloc(struct qstate *s)
{
	size_t cells = s->nrows * (s->ng ? s->ng : 1);

	s->tgt = calloc(cells, sizeof(uint64_t));
	s->qtr = calloc(cells, sizeof(uint64_t));
	s->ytd = calloc(cells, sizeof(uint64_t));
	s->valid = calloc(s->nrows, sizeof(uint64_t));
	s->revoked = calloc(s->nrows, sizeof(uint64_t));
	s->assessed = calloc(s->nrows, sizeof(uint64_t));
	s->passed = calloc(s->nrows, sizeof(uint64_t));
	s->lvl = calloc(s->nrows * Q_LEVELS, sizeof(uint64_t));
	return s->tgt && s->qtr && s->ytd && s->valid && s->revoked &&
	    s->assessed && s->passed && s->lvl ? 0 : -1;
}

static void
q_free(struct qstate *s)
{
	free(s->rows);
	free(s->g);
	free(s->tgt);
	free(s->qtr);
	free(s->ytd);
	free(s->valid);
	free(s->revoked);
	free(s->assessed);
	free(s->passed);
	free(s->lvl);
}

static long
q_row_cached(struct qstate *s, int32_t region)
{
	unsigned h = (unsigned)region % 64;

	if (region != 0 && s->rkey[h] == region)
		return s->rrow[h];
	s->rkey[h] = region;
	return s->rrow[h] = q_row_of(s, region);
}

/* The groups (bit g) that count occupation code occ; groups past 64 are
 * looked up each time. */
static uint64_t
q_groups_of(struct qstate *s, const char *occ)
{
	const struct occupation *o = catalog_occ_by_code(s->cat, occ);
	uint64_t m = 0;

	for (int i = 0; i < s->nocc; i++)
		if (strcmp(s->okey[i], occ) == 0)
			return s->omask[i];
	for (size_t g = 0; o != NULL && g < s->ng && g < 64; g++)
		if (targets_has_occ(s->cat, s->g[g].t, o->name))
			m |= (uint64_t)1 << g;
	if (s->nocc < 32) {
		snprintf(s->okey[s->nocc], sizeof(s->okey[0]), "%s", occ);
		s->omask[s->nocc++] = m;
	}
	return m;
}

static void
q_add_counter(struct qstate *s, const struct counter *c)
{
	const struct occupation *occ;
	int y = s->q->year, qf = y * 100 + s->q->quarter * 3 - 2,
	    qt = y * 100 + s->q->quarter * 3;
	long row = q_row_cached(s, c->region);
	uint64_t mask;
	size_t k;

	if (row < 0)
		return;
	if (c->month >= y * 100 + 1 && c->month <= qt) {
		s->valid[row] += c->valid;
		s->revoked[row] += c->revoked;
		if (c->level >= 0 && c->level < Q_LEVELS)
			s->lvl[(size_t)row * Q_LEVELS + (size_t)c->level] +=
			    c->valid;
		s->mvalid[c->month % 100] += c->valid;
		s->mrevoked[c->month % 100] += c->revoked;
	}
	mask = q_groups_of(s, c->occ);
	occ = s->ng > 64 ? catalog_occ_by_code(s->cat, c->occ) : NULL;
	for (size_t g = 0; g < s->ng; g++) {
		if (g < 64 ? !(mask >> g & 1) : occ == NULL ||
		    !targets_has_occ(s->cat, s->g[g].t, occ->name))
			continue;
		k = (size_t)row * s->ng + g;
		if (c->month >= qf && c->month <= qt)
			s->qtr[k] += c->valid;
		if (c->month >= s->g[g].from && c->month <= s->g[g].to)
			s->ytd[k] += c->valid;
	}
}

static void
q_sum(struct qstate *s)
{
	const struct report_data *d = s->d;
	int y, m, dd;
	long row, g;

	for (size_t i = 0; i < d->t.n; i++) {
		row = q_row_of(s, d->t.v[i].region);
		if (row >= 0 && (g = q_group_of(s, &d->t.v[i])) >= 0 &&
		    d->t.v[i].year_from <= s->q->year &&
		    d->t.v[i].year_to >= s->q->year)
			s->tgt[(size_t)row * s->ng + (size_t)g] += d->t.v[i].target;
	}
	for (size_t i = 0; i < d->n; i++)
		q_add_counter(s, &d->c[i]);
	for (size_t i = 0; i < d->nb; i++) {
		date_to_ymd(d->b[i].day, &y, &m, &dd);
		if (y != s->q->year || m > s->q->quarter * 3 ||
		    (row = q_row_of(s, d->bregion[i])) < 0)
			continue;
		s->assessed[row] += d->b[i].assessed;
		s->passed[row] += d->b[i].passed;
	}
}

/* The group's count at year end (or range end) at the pace so far. */
static uint64_t
q_projected(const struct qstate *s, const struct qgroup *g, uint64_t done)
{
	int32_t start, end, qend, upto;
	int y = s->q->year, qm = s->q->quarter * 3;

	if (date_from_ymd(g->t->year_from, 1, 1, &start) != 0 ||
	    date_from_ymd(g->t->year_to, 12, 31, &end) != 0 ||
	    date_from_ymd(qm == 12 ? y + 1 : y, qm == 12 ? 1 : qm + 1, 1,
	    &qend) != 0)
		return done;
	qend--;
	upto = s->q->today < qend ? s->q->today : qend;
	if (upto < start)
		return done;
	return (done * (uint64_t)(end - start + 1) * 2 +
	    (uint64_t)(upto - start + 1)) / (2 * (uint64_t)(upto - start + 1));
}

static void
q_group_label(const struct qgroup *g, char *out, size_t cap)
{
	const char *occs = strcmp(g->t->occs, "*") == 0 ? "全部康养职业" :
	    g->t->occs;

	if (g->t->year_from != g->t->year_to)
		snprintf(out, cap, "%s(%d-%d)", occs, g->t->year_from,
		    g->t->year_to);
	else
		snprintf(out, cap, "%s", occs);
}

static void
q_columns(const struct qstate *s, struct report_table *rp)
{
	char label[REPORT_CELL_MAX - 16];

	rp->ncols = 0;
	report_col(rp, "地区代码", "");
	report_col(rp, "地区", "");
	for (size_t g = 0; g < s->ng; g++) {
		q_group_label(&s->g[g], label, sizeof(label));
		report_col(rp, label, "目标");
		report_col(rp, label, "本季度");
		report_col(rp, label, "累计");
		report_col(rp, label, "完成率%");
		report_col(rp, label, "预计期末");
	}
	report_col(rp, "有效证书(年累计)", "");
	report_col(rp, "吊销(年累计)", "");
	report_col(rp, "参评(年累计)", "");
	report_col(rp, "合格(年累计)", "");
}

struct qline {
	const uint64_t *tgt, *qtr, *ytd;
	uint64_t valid, revoked, assessed, passed;
};

static void
q_emit(const struct qstate *s, struct report_table *rp, int32_t code,
    const char *name, const struct qline *l)
{
	struct report_cell *c;
	char buf[16];
	size_t i = 0;

	if ((c = report_row(rp)) == NULL)
		return;
	snprintf(buf, sizeof(buf), "%06d", (int)code);
	cell_str(&c[i++], buf);
	cell_str(&c[i++], name);
	for (size_t g = 0; g < s->ng; g++) {
		cell_int(&c[i++], l->tgt[g]);
		cell_int(&c[i++], l->qtr[g]);
		cell_int(&c[i++], l->ytd[g]);
		c[i].kind = 2;
		if (l->tgt[g]) {
			c[i].pct = (double)l->ytd[g] * 100.0 / (double)l->tgt[g];
			snprintf(c[i].s, sizeof(c[i].s), "%.1f", c[i].pct);
		}
		i++;
		cell_int(&c[i++], q_projected(s, &s->g[g], l->ytd[g]));
	}
	cell_int(&c[i++], l->valid);
	cell_int(&c[i++], l->revoked);
	cell_int(&c[i++], l->assessed);
	cell_int(&c[i++], l->passed);
}

static int
q_any(const struct qstate *s, size_t row)
{
	for (size_t g = 0; g < s->ng; g++)
		if (s->tgt[row * s->ng + g] || s->ytd[row * s->ng + g])
			return 1;
	return s->valid[row] || s->revoked[row] || s->assessed[row];
}

/* Row r's name; 0 for the scope's own row when nothing falls in it. */
static int
q_row_name(const struct qstate *s, size_t r, char *name, size_t cap)
{
	const char *nm = catalog_region_name(s->cat, s->rows[r]);

	if (r + 1 == s->nrows) {
		if (!q_any(s, r))
			return 0;
		snprintf(name, cap, "%s（本级）", nm ? nm : "");
	} else
		snprintf(name, cap, "%s", nm ? nm : "");
	return 1;
}

static void
q_emit_rows(const struct qstate *s, struct report_table *rp, uint64_t *sum)
{
	struct qline l, t;
	char name[REPORT_CELL_MAX];
	size_t ng = s->ng;

	memset(&t, 0, sizeof(t));
	for (size_t r = 0; r < s->nrows; r++) {
		l.tgt = s->tgt + r * ng;
		l.qtr = s->qtr + r * ng;
		l.ytd = s->ytd + r * ng;
		l.valid = s->valid[r];
		l.revoked = s->revoked[r];
		l.assessed = s->assessed[r];
		l.passed = s->passed[r];
		for (size_t g = 0; g < ng; g++) {
			sum[g] += l.tgt[g];
			sum[ng + g] += l.qtr[g];
			sum[2 * ng + g] += l.ytd[g];
		}
		t.valid += l.valid;
		t.revoked += l.revoked;
		t.assessed += l.assessed;
		t.passed += l.passed;
		if (q_row_name(s, r, name, sizeof(name)))
			q_emit(s, rp, s->rows[r], name, &l);
	}
	t.tgt = sum;
	t.qtr = sum + ng;
	t.ytd = sum + 2 * ng;
	q_emit(s, rp, s->q->scope, "合计", &t);
}

/* The level breakdown: valid certificates of the year so far per row and
 * level (0 = a special ability, no level). */
static void
q_levels(const struct qstate *s, struct report_table *t)
{
	static const int order[Q_LEVELS] = { 5, 4, 3, 2, 1, 0 };
	uint64_t sum[Q_LEVELS + 1] = { 0 }, all;
	struct report_cell *c;
	char name[REPORT_CELL_MAX], code[16];

	snprintf(t->title, sizeof(t->title), "等级分布（有效证书，年累计）");
	report_col(t, "地区代码", "");
	report_col(t, "地区", "");
	for (int i = 0; i < Q_LEVELS; i++)
		report_col(t, order[i] ? level_full(order[i]) : "专项能力", "");
	report_col(t, "合计", "");
	for (size_t r = 0; r <= s->nrows; r++) {
		const uint64_t *v = r < s->nrows ? s->lvl + r * Q_LEVELS : NULL;
		if (v && !q_row_name(s, r, name, sizeof(name)))
			continue;
		if ((c = report_row(t)) == NULL)
			return;
		snprintf(code, sizeof(code), "%06d", (int)(v ? s->rows[r] :
		    s->q->scope));
		cell_str(&c[0], code);
		cell_str(&c[1], v ? name : "合计");
		all = 0;
		for (int i = 0; i < Q_LEVELS; i++) {
			uint64_t n = v ? v[order[i]] : sum[i];
			cell_int(&c[2 + i], n);
			all += n;
			if (v)
				sum[i] += n;
		}
		cell_int(&c[2 + Q_LEVELS], all);
	}
}

/* Issuance by month of the year up to the quarter's end, cumulated. */
static void
q_months(const struct qstate *s, struct report_table *t)
{
	struct report_cell *c;
	uint64_t cum = 0;
	char m[16];

	snprintf(t->title, sizeof(t->title), "按月发证（%d年）", s->q->year);
	report_col(t, "月份", "");
	report_col(t, "有效证书", "");
	report_col(t, "吊销", "");
	report_col(t, "累计有效证书", "");
	for (int i = 1; i <= s->q->quarter * 3; i++) {
		if ((c = report_row(t)) == NULL)
			return;
		cum += s->mvalid[i];
		snprintf(m, sizeof(m), "%04d-%02d", s->q->year, i);
		cell_str(&c[0], m);
		cell_int(&c[1], s->mvalid[i]);
		cell_int(&c[2], s->mrevoked[i]);
		cell_int(&c[3], cum);
	}
}

int
report_quarterly(const struct catalog *cat, const struct report_data *d,
    const struct report_query *q, struct report *rp)
{
	struct qstate s;
	uint64_t *sum = NULL;
	const char *nm = catalog_region_name(cat, q->scope);
	int rc = -1;

	memset(&s, 0, sizeof(s));
	s.cat = cat;
	s.d = d;
	s.q = q;
	memset(rp, 0, sizeof(*rp));
	snprintf(rp->title, sizeof(rp->title), "%s %d年第%d季度 康养职业技能"
	    "等级证书统计", nm ? nm : "", q->year, q->quarter);
	if (q_rows(&s) == 0 && q_groups(&s) == 0 && q_alloc(&s) == 0 &&
	    (sum = calloc(3 * (s.ng ? s.ng : 1), sizeof(uint64_t))) != NULL) {
		q_sum(&s);
		q_columns(&s, &rp->sec[0]);
		snprintf(rp->sec[0].title, sizeof(rp->sec[0].title), "季度统计");
		q_emit_rows(&s, &rp->sec[0], sum);
		q_levels(&s, &rp->sec[1]);
		q_months(&s, &rp->sec[2]);
		rp->quarterly = 1;
		rp->ngroups = (int)s.ng;
		rp->nsec = 3;
		rc = rp->sec[0].oom || rp->sec[1].oom || rp->sec[2].oom ? -1 : 0;
	}
	free(sum);
	q_free(&s);
	return rc;
}

struct byrow {
	char key[32];
	uint64_t valid, revoked;
};

static int
by_cmp(const void *a, const void *b)
{
	return strcmp(((const struct byrow *)a)->key,
	    ((const struct byrow *)b)->key);
}

static void
by_key(const struct counter *c, int by, char *k, size_t cap)
{
	switch (by) {
	case BY_REGION: snprintf(k, cap, "%06d", (int)c->region); break;
	case BY_ORG: snprintf(k, cap, "%s", c->org); break;
	case BY_OCCUPATION: snprintf(k, cap, "%s", c->occ); break;
	case BY_LEVEL: snprintf(k, cap, "%d", c->level); break;
	case BY_METHOD: snprintf(k, cap, "%d", c->method); break;
	case BY_MONTH: snprintf(k, cap, "%04d-%02d", c->month / 100,
	    c->month % 100); break;
	default: snprintf(k, cap, "%06d", (int)c->home); break;
	}
}

static void
by_name(struct registry *r, MDB_txn *txn, int by, const char *k, char *out,
    size_t cap)
{
	const struct occupation *o;
	const struct named *m;
	const char *s = NULL;
	struct org org;
	int home;

	out[0] = '\0';
	if (by == BY_REGION)
		s = catalog_region_name(&r->cat, atoi(k));
	else if (by == BY_HOME && person_home_region(&r->cat, k, &home,
	    &s) != 0)
		s = NULL; /* the key is six digits: named as the ID's region is,
		           * an unlisted (older) code by its prefecture */
	else if (by == BY_ORG && registry_get_org(r, txn, k, &org, NULL) == 0)
		s = org.name;
	else if (by == BY_OCCUPATION && (o = catalog_occ_by_code(&r->cat,
	    k)) != NULL)
		s = o->name;
	else if (by == BY_LEVEL)
		s = level_full(atoi(k));
	else if (by == BY_METHOD && (m = catalog_method_by_code(&r->cat,
	    atoi(k))) != NULL)
		s = m->name;
	snprintf(out, cap, "%s", s ? s : "");
}

static size_t
by_collect(const struct catalog *cat, const struct report_data *d,
    const struct report_query *q, struct byrow *v)
{
	size_t n = 0, o = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct counter *c = &d->c[i];
		if (c->month < q->from || c->month > q->to ||
		    !catalog_region_within(cat, c->region, q->scope))
			continue;
		by_key(c, q->by, v[n].key, sizeof(v[n].key));
		v[n].valid = c->valid;
		v[n].revoked = c->revoked;
		n++;
	}
	if (n)
		qsort(v, n, sizeof(*v), by_cmp);
	for (size_t i = 0; i < n; i++) {
		if (o && strcmp(v[o - 1].key, v[i].key) == 0) {
			v[o - 1].valid += v[i].valid;
			v[o - 1].revoked += v[i].revoked;
		} else
			v[o++] = v[i];
	}
	return o;
}

int
report_by(struct registry *r, MDB_txn *txn, const struct report_data *d,
    const struct report_query *q, struct report *rp)
{
	struct byrow *v;
	struct report_cell *c;
	uint64_t tv = 0, tr = 0;
	size_t n;
	struct report_table *t = &rp->sec[0];

	memset(rp, 0, sizeof(*rp));
	rp->nsec = 1;
	snprintf(rp->title, sizeof(rp->title), "%04d-%02d..%04d-%02d",
	    q->from / 100, q->from % 100, q->to / 100, q->to % 100);
	snprintf(t->title, sizeof(t->title), "%s", rp->title);
	if ((v = calloc(d->n ? d->n : 1, sizeof(*v))) == NULL)
		return -1;
	n = by_collect(&r->cat, d, q, v);
	report_col(t, "key", "");
	report_col(t, "name", "");
	report_col(t, "valid", "");
	report_col(t, "revoked", "");
	report_col(t, "issued", "");
	for (size_t i = 0; i <= n; i++) {
		if ((c = report_row(t)) == NULL)
			break;
		if (i == n) {
			cell_str(&c[0], "total");
			cell_int(&c[2], tv);
			cell_int(&c[3], tr);
			cell_int(&c[4], tv + tr);
			break;
		}
		cell_str(&c[0], v[i].key);
		by_name(r, txn, q->by, v[i].key, c[1].s, sizeof(c[1].s));
		cell_int(&c[2], v[i].valid);
		cell_int(&c[3], v[i].revoked);
		cell_int(&c[4], v[i].valid + v[i].revoked);
		tv += v[i].valid;
		tr += v[i].revoked;
	}
	free(v);
	return t->oom ? -1 : 0;
}

