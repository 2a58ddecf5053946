/* chart.c - the figures the report's charts draw, read from the built
 * tables so the charts can never disagree with them. */
#include <string.h>

#include "chart.h"

void
chart_bars_of(const struct report *rp, int g, struct chart_bars *b)
{
	const struct report_table *t = &rp->sec[0];
	int ct = 2 + REPORT_GROUP_COLS * g, cd = ct + 2;

	memset(b, 0, sizeof(*b));
	b->group = t->grp[ct];
	for (size_t r = 0; r + 1 < t->nrows && b->n < 512; r++) {
		b->label[b->n] = report_cell_at(t, r, 1)->s;
		b->target[b->n] = report_cell_at(t, r, ct)->n;
		b->done[b->n] = report_cell_at(t, r, cd)->n;
		if (b->target[b->n] > b->max)
			b->max = b->target[b->n];
		if (b->done[b->n] > b->max)
			b->max = b->done[b->n];
		b->n++;
	}
}

void
chart_line_of(const struct report *rp, struct chart_line *l)
{
	const struct report_table *t = &rp->sec[2];

	memset(l, 0, sizeof(*l));
	for (size_t r = 0; r < t->nrows && r < 12; r++) {
		l->month[l->n] = (int)r + 1;
		l->cum[l->n] = report_cell_at(t, r, 3)->n;
		if (l->cum[l->n] > l->max)
			l->max = l->cum[l->n];
		l->n++;
	}
}

uint64_t
chart_axis(uint64_t max, uint64_t *step)
{
	uint64_t p = 1, s;

	if (max < 4)
		max = 4;
	while (p * 10 <= max)
		p *= 10;
	/* max / p is 1..9: steps of p/2, p or 2p give 3 to 5 ticks */
	if (max / p < 2)
		s = p / 2 ? p / 2 : 1;
	else if (max / p < 5)
		s = p;
	else
		s = 2 * p;
	*step = s;
	return (max + s - 1) / s * s;
}
