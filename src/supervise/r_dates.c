/* r_dates.c - the assessment dates: long before the issue date (papers
 * issued for assessments nobody can check any more), or in bulk on a day
 * nobody assesses (a holiday) or more candidates in a day than is credible. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "rule.h"

int
sig_rule_assess_gap(const struct sig_rule *r, struct sig_ctx *x)
{
	double max = sig_param(r, "max_days");

	for (size_t o = 0; o < x->d->norg; o++) {
		uint32_t n = 0, worst = 0;
		struct sig_hit *h;
		for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
			const struct sig_cert *c = &x->d->c[x->by_org[k]];
			uint32_t gap = c->issued > c->assessed ?
			    (uint32_t)(c->issued - c->assessed) : 0;
			n += gap > max;
			worst = gap > worst ? gap : worst;
		}
		if (n == 0 || n < sig_param(r, "min_count"))
			continue;
		if ((h = sig_hit_new(x, r, (int)o, -1)) == NULL)
			return -1;
		snprintf(h->desc, sizeof(h->desc), "%u 本证书考核日期早于发证日期 %g "
		    "天以上（最长 %u 天）/ %u certificates assessed more than %g "
		    "days before issue (longest %u days)", n, max, worst, n, max,
		    worst);
		for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++) {
			const struct sig_cert *c = &x->d->c[x->by_org[k]];
			if (c->issued - c->assessed > max)
				sig_hit_cert(x, h, x->by_org[k]);
		}
	}
	return 0;
}

/* Whether day is one of the rule's holidays ("MM-DD|..."). */
static int
sig_is_holiday(const struct sig_rule *r, int32_t day)
{
	char md[6];
	int y, m, d;

	date_to_ymd(day, &y, &m, &d);
	snprintf(md, sizeof(md), "%02d-%02d", m % 100, d % 100);
	for (const char *p = r->text; *p; p += p[5] ? 6 : 5)
		if (strncmp(p, md, 5) == 0)
			return 1;
	return 0;
}

static int
sig_day_hit(const struct sig_rule *r, struct sig_ctx *x, size_t o,
    int32_t day, uint32_t n, int holiday)
{
	struct sig_hit *h = sig_hit_new(x, r, (int)o, -1);
	char d[11];

	if (h == NULL)
		return -1;
	date_format_iso(day, d);
	snprintf(h->desc, sizeof(h->desc), holiday ?
	    "%s（节假日）考核 %u 人 / %s (a holiday): %u candidates assessed" :
	    "%s 一天考核 %u 人 / %s: %u candidates assessed in one day", d, n, d, n);
	for (size_t k = x->org_start[o]; k < x->org_start[o + 1]; k++)
		if (x->d->c[x->by_org[k]].assessed == day)
			sig_hit_cert(x, h, x->by_org[k]);
	return 0;
}

static int
sig_cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

int
sig_rule_assess_day(const struct sig_rule *r, struct sig_ctx *x)
{
	int32_t *days = malloc((x->nsel ? x->nsel : 1) * sizeof(*days));
	int rc = 0;

	if (days == NULL)
		return -1;
	for (size_t o = 0; rc == 0 && o < x->d->norg; o++) {
		size_t a = x->org_start[o], n = x->org_start[o + 1] - a;
		for (size_t k = 0; k < n; k++)
			days[k] = x->d->c[x->by_org[a + k]].assessed;
		qsort(days, n, sizeof(*days), sig_cmp_i32);
		for (size_t i = 0, j; rc == 0 && i < n; i = j) {
			int hol;
			for (j = i; j < n && days[j] == days[i]; j++)
				;
			hol = sig_is_holiday(r, days[i]);
			if ((hol && j - i >= sig_param(r, "min_holiday")) ||
			    j - i > sig_param(r, "max_per_day"))
				rc = sig_day_hit(r, x, o, days[i], (uint32_t)(j - i), hol);
		}
	}
	free(days);
	return rc;
}
