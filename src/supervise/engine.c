/* engine.c - runs the enabled rules over the arrays: the certificates the
 * query selects are grouped by organization once (and by holder when a
 * person rule asks, hit.c), and each rule reads those orders. */
#include <stdlib.h>
#include <string.h>

#include "rule.h"

static int
sig_ctx_selected(const struct sig_ctx *x, const struct sig_cert *c)
{
	return sig_in_window(x, c) &&
	    (x->q->org < 0 || c->org == (uint16_t)x->q->org);
}

/* A counting sort of the selected certificates by organization. */
static int
sig_ctx_orgs(struct sig_ctx *x)
{
	const struct sig_data *d = x->d;
	size_t *at;

	x->org_start = calloc(d->norg + 2, sizeof(*x->org_start));
	x->by_org = malloc((d->n ? d->n : 1) * sizeof(*x->by_org));
	if (!x->org_start || !x->by_org)
		return ERR_NOMEM;
	for (size_t i = 0; i < d->n; i++)
		if (sig_ctx_selected(x, &d->c[i]))
			x->org_start[d->c[i].org + 2]++;
	for (size_t o = 2; o < d->norg + 2; o++)
		x->org_start[o] += x->org_start[o - 1];
	at = x->org_start + 1;
	for (size_t i = 0; i < d->n; i++)
		if (sig_ctx_selected(x, &d->c[i]))
			x->by_org[at[d->c[i].org]++] = (uint32_t)i;
	x->nsel = x->org_start[d->norg];
	return 0;
}

/* High first, then rule order, organization, person. */
static int
sig_cmp_hit(const void *a, const void *b)
{
	const struct sig_hit *x = a, *y = b;

	if (x->rule->severity != y->rule->severity)
		return y->rule->severity - x->rule->severity;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->org != y->org)
		return x->org - y->org;
	return x->from < y->from ? -1 : x->from > y->from;
}

int
sig_run(const struct sig_rules *rules, const struct sig_data *d,
    const struct sig_query *q, struct sig_hits *out, struct err *e)
{
	struct sig_ctx x;
	int rc = 0;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.q = q;
	x.h = out;
	if (q->rule && sig_rules_find(rules, q->rule) == NULL)
		return err_set(e, ERR_USAGE, "--rule %s: no such rule in the "
		    "rules file", q->rule);
	if (sig_ctx_orgs(&x) != 0)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < rules->n; i++) {
		const struct sig_rule *r = &rules->v[i];
		if (q->rule ? strcmp(q->rule, r->def->id) != 0 : !r->enabled)
			continue;
		if (r->def->run(r, &x) != 0 || x.oom)
			rc = err_set(e, ERR_NOMEM, "out of memory (rule %s)",
			    r->def->id);
	}
	free(x.by_org);
	free(x.org_start);
	free(x.by_person);
	if (rc == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), sig_cmp_hit);
	return rc;
}
