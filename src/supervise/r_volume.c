/* r_volume.c - how many certificates an organization issues: a week far
 * above its own median week, a year above the capacity in its filing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "rule.h"

#define SIG_WEEK(day) (((day) + 3) / 7)

/* Hit for org o's week w (count n against median m). */
static int
sig_spike_hit(const struct sig_rule *r, struct sig_ctx *x, size_t o,
    int32_t w, uint32_t n, uint32_t m)
{
	struct sig_hit *h = sig_hit_new(x, r, (int)o, -1);
	char wk[16];

	if (h == NULL)
		return -1;
	sig_week_label(w, wk);
	snprintf(h->desc, sizeof(h->desc), "%s 周发证 %u 本，为周中位数 %u 的 "
	    "%.1f 倍 / week %s: %u certificates, %.1fx median week %u", wk, n, m,
	    (double)n / m, wk, n, (double)n / m, m);
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++)
		if (SIG_WEEK(x->d->c[x->by_org[k]].issued) == w)
			sig_hit_cert(x, h, x->by_org[k]);
	return 0;
}

/* Certificates per week of org o over [w0, w1], and the median of the
 * weeks that issued any; 0 weeks: nothing to compare. */
static int
sig_spike_org(const struct sig_rule *r, struct sig_ctx *x, size_t o)
{
	size_t a = x->org_start[o], b = x->org_start[o + 1], nw = 0;
	int32_t w0 = INT32_MAX, w1 = INT32_MIN;
	uint32_t *cnt, *nz, med;
	int rc = 0;

	for (size_t k = a; k < b; k++) {
		int32_t w = SIG_WEEK(x->d->c[x->by_org[k]].issued);
		w0 = w < w0 ? w : w0;
		w1 = w > w1 ? w : w1;
	}
	if (a == b)
		return 0;
	cnt = calloc((size_t)(w1 - w0 + 1), sizeof(*cnt));
	nz = malloc((size_t)(w1 - w0 + 1) * sizeof(*nz));
	if (!cnt || !nz) {
		free(cnt);
		free(nz);
		return -1;
	}
	for (size_t k = a; k < b; k++)
		cnt[SIG_WEEK(x->d->c[x->by_org[k]].issued) - w0]++;
	for (int32_t w = 0; w <= w1 - w0; w++)
		if (cnt[w])
			nz[nw++] = cnt[w];
	med = sig_median(nz, nw);
	for (int32_t w = 0; rc == 0 && nw >= sig_param(r, "min_weeks") &&
	    w <= w1 - w0; w++)
		if (cnt[w] >= sig_param(r, "min_count") &&
		    cnt[w] > sig_param(r, "factor") * med)
			rc = sig_spike_hit(r, x, o, w0 + w, cnt[w], med);
	free(cnt);
	free(nz);
	return rc;
}

int
sig_rule_weekly_spike(const struct sig_rule *r, struct sig_ctx *x)
{
	for (size_t o = 0; o < x->d->norg; o++)
		if (sig_spike_org(r, x, o) != 0)
			return -1;
	return 0;
}

static int
sig_year_of(int32_t day)
{
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	return y;
}

/* Year y of org o: its certificates, above the stated capacity. */
static int
sig_capacity_hit(const struct sig_rule *r, struct sig_ctx *x, size_t o,
    int y, uint32_t n)
{
	struct sig_hit *h = sig_hit_new(x, r, (int)o, -1);
	uint32_t cap = x->d->org[o].capacity;

	if (h == NULL)
		return -1;
	snprintf(h->desc, sizeof(h->desc), "%d 年发证 %u 本，超过备案年评价能力 "
	    "%u 本 / %d: %u certificates, above the %u a year its filing "
	    "states", y, n, cap, y, n, cap);
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++)
		if (sig_year_of(x->d->c[x->by_org[k]].issued) == y)
			sig_hit_cert(x, h, x->by_org[k]);
	return 0;
}

int
sig_rule_capacity(const struct sig_rule *r, struct sig_ctx *x)
{
	uint32_t per[200];             /* 2000 .. 2199 */

	for (size_t o = 0; o < x->d->norg; o++) {
		if (x->d->org[o].capacity == 0)
			continue;
		memset(per, 0, sizeof(per));
		for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
			int y = sig_year_of(x->d->c[x->by_org[k]].issued) - 2000;
			if (y >= 0 && y < 200)
				per[y]++;
		}
		for (int y = 0; y < 200; y++)
			if (per[y] > sig_param(r, "factor") * x->d->org[o].capacity &&
			    sig_capacity_hit(r, x, o, 2000 + y, per[y]) != 0)
				return -1;
	}
	return 0;
}
