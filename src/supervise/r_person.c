/* r_person.c - rules about one holder (by the hash of the ID number): a
 * climb through the levels faster than the standards allow, the same
 * occupation from several organizations in a short span, one ID number
 * under different names. */
#include <stdio.h>
#include <string.h>

#include "rule.h"

/* End of the run of p[a..n) with the same holder (and occupation). */
static size_t
sig_run_end(const struct sig_ctx *x, size_t a, int same_occ)
{
	const struct sig_cert *c = x->d->c, *first = &c[x->by_person[a]];
	size_t b = a + 1;

	while (b < x->nsel && c[x->by_person[b]].holder == first->holder &&
	    (!same_occ || c[x->by_person[b]].occ == first->occ))
		b++;
	return b;
}

static int
sig_jump_hit(const struct sig_rule *r, struct sig_ctx *x, uint32_t lo,
    uint32_t hi)
{
	const struct sig_cert *a = &x->d->c[lo], *b = &x->d->c[hi];
	struct sig_hit *h = sig_hit_new(x, r, b->org, hi);

	if (h == NULL)
		return -1;
	snprintf(h->desc, sizeof(h->desc), "%s: %d 天内从%s升到%s（升 %d 级）"
	    " / %s: level %d to level %d (%d levels) in %d days",
	    x->d->occ[a->occ].label, (int)(b->issued - a->issued),
	    sig_level_cn(a->level), sig_level_cn(b->level),
	    a->level - b->level, x->d->occ[a->occ].label, a->level, b->level,
	    a->level - b->level, (int)(b->issued - a->issued));
	sig_hit_cert(x, h, lo);
	sig_hit_cert(x, h, hi);
	return 0;
}

int
sig_rule_level_jump(const struct sig_rule *r, struct sig_ctx *x)
{
	double rise = sig_param(r, "min_rise"), days = sig_param(r, "days");

	if (sig_ctx_persons(x) != 0)
		return -1;
	for (size_t a = 0, b; a < x->nsel; a = b) {
		int best = 0;
		uint32_t lo = 0, hi = 0;
		b = sig_run_end(x, a, 1);
		for (size_t i = a; i < b; i++)
			for (size_t j = i + 1; j < b; j++) {
				const struct sig_cert *ci = &x->d->c[x->by_person[i]];
				const struct sig_cert *cj = &x->d->c[x->by_person[j]];
				int up = ci->level - cj->level;
				if (cj->issued - ci->issued <= days && up >= rise &&
				    up > best) {
					best = up;
					lo = x->by_person[i];
					hi = x->by_person[j];
				}
			}
		if (best && sig_jump_hit(r, x, lo, hi) != 0)
			return -1;
	}
	return 0;
}

/* Distinct organizations among p[i..j]. */
static int
sig_distinct_orgs(const struct sig_ctx *x, size_t i, size_t j)
{
	int n = 0;

	for (size_t k = i; k <= j; k++) {
		size_t m = i;
		while (m < k && x->d->c[x->by_person[m]].org !=
		    x->d->c[x->by_person[k]].org)
			m++;
		n += m == k;
	}
	return n;
}

static int
sig_multi_hit(const struct sig_rule *r, struct sig_ctx *x, size_t i,
    size_t j, int n)
{
	const struct sig_cert *a = &x->d->c[x->by_person[i]];
	const struct sig_cert *b = &x->d->c[x->by_person[j]];
	struct sig_hit *h = sig_hit_new(x, r, -1, x->by_person[j]);

	if (h == NULL)
		return -1;
	snprintf(h->desc, sizeof(h->desc), "%s: %d 天内由 %d 个机构发证 / %s: "
	    "certified by %d organizations within %d days", x->d->occ[a->occ].label,
	    (int)(b->issued - a->issued), n, x->d->occ[a->occ].label, n,
	    (int)(b->issued - a->issued));
	for (size_t k = i; k <= j; k++)
		sig_hit_cert(x, h, x->by_person[k]);
	return 0;
}

int
sig_rule_multi_org(const struct sig_rule *r, struct sig_ctx *x)
{
	double days = sig_param(r, "days"), need = sig_param(r, "min_orgs");

	if (sig_ctx_persons(x) != 0)
		return -1;
	for (size_t a = 0, b; a < x->nsel; a = b) {
		b = sig_run_end(x, a, 1);
		for (size_t i = a, j = a; b - a > 1 && j < b; j++) {
			int n;
			while (x->d->c[x->by_person[j]].issued -
			    x->d->c[x->by_person[i]].issued > days)
				i++;
			if ((n = sig_distinct_orgs(x, i, j)) >= need && n > 1) {
				if (sig_multi_hit(r, x, i, j, n) != 0)
					return -1;
				break;          /* one hit per person and occupation */
			}
		}
	}
	return 0;
}

int
sig_rule_id_names(const struct sig_rule *r, struct sig_ctx *x)
{
	if (sig_ctx_persons(x) != 0)
		return -1;
	for (size_t a = 0, b; a < x->nsel; a = b) {
		uint32_t names[16];
		int n = 0;
		b = sig_run_end(x, a, 0);
		for (size_t k = a; k < b && n < 16; k++) {
			uint32_t nm = x->d->c[x->by_person[k]].name;
			int m = 0;
			while (m < n && names[m] != nm)
				m++;
			if (m == n)
				names[n++] = nm;
		}
		if (n > 1 && n >= sig_param(r, "min_names")) {
			struct sig_hit *h = sig_hit_new(x, r, -1, x->by_person[a]);
			if (h == NULL)
				return -1;
			snprintf(h->desc, sizeof(h->desc), "同一证件号码用了 %d 个姓名 / "
			    "one ID number under %d different names", n, n);
			for (size_t k = a; k < b; k++)
				sig_hit_cert(x, h, x->by_person[k]);
		}
	}
	return 0;
}
