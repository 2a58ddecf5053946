/* r_share.c - the share of high levels (一级/二级) an organization issues in
 * an occupation, against the province's other organizations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"

static int
sig_share_hit(const struct sig_rule *r, struct sig_ctx *x, size_t o,
    size_t g, uint32_t hi, uint32_t n, double sp)
{
	struct sig_hit *h = sig_hit_new(x, r, (int)o, -1);

	if (h == NULL)
		return -1;
	snprintf(h->desc, sizeof(h->desc), "%s: 一级/二级占 %.1f%% (%u/%u)，全省其他"
	    "机构 %.1f%% / levels 1-2 are %.1f%% (%u of %u) against %.1f%% at the "
	    "province's other organizations", x->d->occ[g].label, 100.0 * hi / n, hi, n,
	    100 * sp, 100.0 * hi / n, hi, n, 100 * sp);
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
		const struct sig_cert *c = &x->d->c[x->by_org[k]];
		if (c->occ == g && c->level <= 2)
			sig_hit_cert(x, h, x->by_org[k]);
	}
	return 0;
}

/* Per occupation: certificates and high-level ones, of org o or all. */
static void
sig_share_count(const struct sig_ctx *x, long o, uint32_t *n, uint32_t *hi)
{
	memset(n, 0, x->d->nocc * sizeof(*n));
	memset(hi, 0, x->d->nocc * sizeof(*hi));
	if (o < 0) {
		for (size_t i = 0; i < x->d->n; i++)
			if (sig_in_window(x, &x->d->c[i])) {
				n[x->d->c[i].occ]++;
				hi[x->d->c[i].occ] += x->d->c[i].level <= 2;
			}
		return;
	}
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
		const struct sig_cert *c = &x->d->c[x->by_org[k]];
		n[c->occ]++;
		hi[c->occ] += c->level <= 2;
	}
}

int
sig_rule_high_share(const struct sig_rule *r, struct sig_ctx *x)
{
	size_t m = x->d->nocc ? x->d->nocc : 1;
	uint32_t *all = malloc(4 * m * sizeof(*all));
	uint32_t *hall = all + m, *on = all + 2 * m, *oh = all + 3 * m;
	int rc = 0;

	if (all == NULL)
		return -1;
	sig_share_count(x, -1, all, hall);
	for (size_t o = 0; rc == 0 && o < x->d->norg; o++) {
		if (x->org_start[o] == x->org_start[o + 1])
			continue;
		sig_share_count(x, (long)o, on, oh);
		for (size_t g = 0; rc == 0 && g < x->d->nocc; g++) {
			uint32_t pn = all[g] - on[g];
			double so, sp;
			if (on[g] == 0 || on[g] < sig_param(r, "min_certs") ||
			    pn == 0 || pn < sig_param(r, "min_peer"))
				continue;
			so = (double)oh[g] / on[g];
			sp = (double)(hall[g] - oh[g]) / pn;
			if (so >= sig_param(r, "factor") * sp &&
			    so - sp >= sig_param(r, "margin"))
				rc = sig_share_hit(r, x, o, g, oh[g], on[g], sp);
		}
	}
	free(all);
	return rc;
}
