/* r_pass.c - pass rates from the batches' figures (rows assessed and
 * passed): everyone passing large batches, or an organization passing far
 * more than the province's others for the same occupation and level. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "rule.h"

static int
sig_batch_selected(const struct sig_ctx *x, const struct sig_batch *b)
{
	const struct sig_query *q = x->q;

	return (!q->since || b->day >= q->since) &&
	    (!q->until || b->day <= q->until) &&
	    (q->org < 0 || b->org == (uint32_t)q->org);
}

/* Lists batch b in h->extra while it has room. */
static void
sig_extra_batch(struct sig_hit *h, const struct sig_batch *b)
{
	size_t n = strlen(h->extra);
	char d[11];

	date_format_iso(b->day, d);
	if (n + 100 < sizeof(h->extra))
		snprintf(h->extra + n, sizeof(h->extra) - n, "%s%s %s %u/%u",
		    n ? "; " : "batches: ", b->id, d, b->passed, b->assessed);
}

/* Org o's batches marked in `mark`: the hit and its certificates. */
static int
sig_pass_all_hit(const struct sig_rule *r, struct sig_ctx *x, size_t o,
    const uint8_t *mark, uint32_t nb, uint64_t pass)
{
	struct sig_hit *h = sig_hit_new(x, r, (int)o, -1);

	if (h == NULL)
		return -1;
	snprintf(h->desc, sizeof(h->desc), "%u 个批次（每批 ≥%g 人）全部合格，共 "
	    "%llu 人 / %u batches of %g or more candidates all passed, %llu in "
	    "all", nb, sig_param(r, "min_assessed"), (unsigned long long)pass, nb,
	    sig_param(r, "min_assessed"), (unsigned long long)pass);
	for (size_t i = 0; i < x->d->nb; i++)
		if (mark[i])
			sig_extra_batch(h, &x->d->b[i]);
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
		uint32_t b = x->d->c[x->by_org[k]].batch;
		if (b < x->d->nb && mark[b])
			sig_hit_cert(x, h, x->by_org[k]);
	}
	return 0;
}

int
sig_rule_pass_all(const struct sig_rule *r, struct sig_ctx *x)
{
	const struct sig_data *d = x->d;
	uint8_t *mark = malloc(d->nb ? d->nb : 1);
	int rc = 0;

	if (mark == NULL)
		return -1;
	for (size_t o = 0; rc == 0 && o < d->norg; o++) {
		uint32_t nb = 0;
		uint64_t pass = 0;
		memset(mark, 0, d->nb);
		for (size_t i = 0; i < d->nb; i++) {
			const struct sig_batch *b = &d->b[i];
			if (b->org != o || !sig_batch_selected(x, b) ||
			    b->assessed < sig_param(r, "min_assessed") ||
			    b->passed != b->assessed)
				continue;
			mark[i] = 1;
			nb++;
			pass += b->passed;
		}
		if (nb > 0 && nb >= sig_param(r, "min_batches"))
			rc = sig_pass_all_hit(r, x, o, mark, nb, pass);
	}
	free(mark);
	return rc;
}

/* Group of a batch: occupation x level, or -1 for a mixed batch. */
static long
sig_pass_group(const struct sig_batch *b)
{
	return b->occ >= UINT16_MAX - 1 || b->level < 1 || b->level > 5 ? -1 :
	    (long)b->occ * 6 + b->level;
}

static int
sig_pass_above_hit(const struct sig_rule *r, struct sig_ctx *x, size_t o,
    long g, const uint64_t *oa, const uint64_t *all)
{
	struct sig_hit *h = sig_hit_new(x, r, (int)o, -1);
	double ro = (double)oa[2 * g + 1] / oa[2 * g];
	double rp = (double)(all[2 * g + 1] - oa[2 * g + 1]) /
	    (all[2 * g] - oa[2 * g]);

	if (h == NULL)
		return -1;
	snprintf(h->desc, sizeof(h->desc), "%s %s: 合格率 %.1f%% (%llu/%llu)，"
	    "全省其他机构 %.1f%% / level %ld: pass rate %.1f%% (%llu of %llu) "
	    "against %.1f%% at the province's other organizations",
	    x->d->occ[g / 6].label, sig_level_cn((int)(g % 6)), 100 * ro, (unsigned long long)oa[2 * g + 1],
	    (unsigned long long)oa[2 * g], 100 * rp, g % 6, 100 * ro,
	    (unsigned long long)oa[2 * g + 1], (unsigned long long)oa[2 * g],
	    100 * rp);
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
		uint32_t b = x->d->c[x->by_org[k]].batch;
		if (b < x->d->nb && sig_pass_group(&x->d->b[b]) == g)
			sig_hit_cert(x, h, x->by_org[k]);
	}
	return 0;
}

/* Sums assessed/passed per group over the selected batches of org (or
 * every org when org < 0) into v (2 per group). */
static void
sig_pass_sum(const struct sig_ctx *x, long org, uint64_t *v, size_t ng)
{
	memset(v, 0, 2 * ng * sizeof(*v));
	for (size_t i = 0; i < x->d->nb; i++) {
		const struct sig_batch *b = &x->d->b[i];
		long g = sig_pass_group(b);
		if (g < 0 || (org >= 0 && b->org != (uint32_t)org) ||
		    (!x->q->since || b->day >= x->q->since) == 0 ||
		    (!x->q->until || b->day <= x->q->until) == 0)
			continue;
		v[2 * g] += b->assessed;
		v[2 * g + 1] += b->passed;
	}
}

int
sig_rule_pass_above(const struct sig_rule *r, struct sig_ctx *x)
{
	size_t ng = x->d->nocc * 6 + 6;
	uint64_t *all = malloc(2 * ng * sizeof(*all)), *oa = malloc(2 * ng *
	    sizeof(*oa));
	int rc = 0;

	if (!all || !oa) {
		free(all);
		free(oa);
		return -1;
	}
	sig_pass_sum(x, -1, all, ng);
	for (size_t o = 0; rc == 0 && o < x->d->norg; o++) {
		if (x->q->org >= 0 && o != (size_t)x->q->org)
			continue;
		sig_pass_sum(x, (long)o, oa, ng);
		for (long g = 0; rc == 0 && g < (long)ng; g++) {
			uint64_t pa = all[2 * g] - oa[2 * g];
			if (oa[2 * g] == 0 || oa[2 * g] < sig_param(r, "min_assessed") ||
			    pa == 0 || pa < sig_param(r, "min_peer"))
				continue;
			if ((double)oa[2 * g + 1] / oa[2 * g] - (double)(all[2 * g + 1] -
			    oa[2 * g + 1]) / pa >= sig_param(r, "margin"))
				rc = sig_pass_above_hit(r, x, o, g, oa, all);
		}
	}
	free(all);
	free(oa);
	return rc;
}
