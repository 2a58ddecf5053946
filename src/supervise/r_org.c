/* r_org.c - rules on an organization's standing: certificates issued just
 * before its suspension, a type-Y (用人单位) body certifying other
 * employers' staff, and how many of its certificates had to be revoked. */
#include <stdio.h>

#include "skillcert/base/date.h"
#include "rule.h"

int
sig_rule_pre_suspension(const struct sig_rule *r, struct sig_ctx *x)
{
	double days = sig_param(r, "days");

	for (size_t o = 0; o < x->d->norg; o++) {
		int32_t s = x->d->org[o].suspended_on;
		uint32_t n = 0, before = 0;
		struct sig_hit *h;
		char d[11];
		for (size_t k = x->org_start[o]; s && k < x->org_start[o + 1]; k++) {
			int32_t t = x->d->c[x->by_org[k]].issued;
			n += t >= s - days;
			before += t < s - days && t >= s - 2 * days;
		}
		if (!s || n == 0 || n < sig_param(r, "min_count"))
			continue;
		if ((h = sig_hit_new(x, r, (int)o, -1)) == NULL)
			return -1;
		date_format_iso(s, d);
		snprintf(h->desc, sizeof(h->desc), "暂停（%s）前 %g 天内发证 %u 本，"
		    "再往前 %g 天 %u 本 / %u certificates in the %g days before its "
		    "suspension on %s (%u in the %g days before those)", d, days, n,
		    days, before, n, days, d, before, days);
		for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++)
			if (x->d->c[x->by_org[k]].issued >= s - days)
				sig_hit_cert(x, h, x->by_org[k]);
	}
	return 0;
}

int
sig_rule_employer(const struct sig_rule *r, struct sig_ctx *x)
{
	for (size_t o = 0; o < x->d->norg; o++) {
		size_t a = x->org_start[o], b = x->org_start[o + 1];
		uint32_t n = 0;
		struct sig_hit *h;
		if (x->d->org[o].type != 'Y' || a == b)
			continue;
		for (size_t k = a; k < b; k++)
			n += (x->d->c[x->by_org[k]].flags & SIG_F_EMPLOYER_OTHER) != 0;
		if (n == 0 || n < sig_param(r, "min_count") ||
		    (double)n / (double)(b - a) < sig_param(r, "min_share"))
			continue;
		if ((h = sig_hit_new(x, r, (int)o, -1)) == NULL)
			return -1;
		snprintf(h->desc, sizeof(h->desc), "用人单位评价机构: %u/%zu 名持证人的"
		    "工作单位是别的单位 (%.1f%%) / type-Y organization: %u of %zu "
		    "holders work for another employer (%.1f%%)", n, b - a,
		    100.0 * n / (double)(b - a), n, b - a, 100.0 * n / (double)(b - a));
		for (size_t k = a; k < b; k++)
			if (x->d->c[x->by_org[k]].flags & SIG_F_EMPLOYER_OTHER)
				sig_hit_cert(x, h, x->by_org[k]);
	}
	return 0;
}

/* Revocations that say the issuance was wrong: in error, or fraud (not a
 * reissue, a holder's request or the body's suspension). */
static int
sig_bad_revocation(const struct sig_cert *c)
{
	return c->status == CERT_REVOKED && (c->reason == REV_ISSUED_IN_ERROR ||
	    c->reason == REV_FRAUD);
}

int
sig_rule_revocations(const struct sig_rule *r, struct sig_ctx *x)
{
	for (size_t o = 0; o < x->d->norg; o++) {
		size_t a = x->org_start[o], b = x->org_start[o + 1];
		uint32_t err = 0, fraud = 0;
		struct sig_hit *h;
		for (size_t k = a; k < b; k++) {
			const struct sig_cert *c = &x->d->c[x->by_org[k]];
			err += sig_bad_revocation(c) && c->reason == REV_ISSUED_IN_ERROR;
			fraud += sig_bad_revocation(c) && c->reason == REV_FRAUD;
		}
		if (err + fraud == 0 || b - a < sig_param(r, "min_certs") ||
		    (double)(err + fraud) / (double)(b - a) < sig_param(r, "max_rate"))
			continue;
		if ((h = sig_hit_new(x, r, (int)o, -1)) == NULL)
			return -1;
		snprintf(h->desc, sizeof(h->desc), "%u/%zu 本证书被撤销 (%.1f%%: 误发 %u, "
		    "舞弊 %u) / %u of %zu certificates revoked (%.1f%%: %u issued in "
		    "error, %u fraud)", err + fraud, b - a, 100.0 * (err + fraud) /
		    (double)(b - a), err, fraud, err + fraud, b - a, 100.0 * (err +
		    fraud) / (double)(b - a), err, fraud);
		for (size_t k = a; k < b; k++)
			if (sig_bad_revocation(&x->d->c[x->by_org[k]]))
				sig_hit_cert(x, h, x->by_org[k]);
	}
	return 0;
}
