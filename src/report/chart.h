/* chart.h - what the report's two charts show, taken from its sections
 * once for the HTML and the PDF writers (not public). */
#ifndef SKILLCERT_REPORT_CHART_H
#define SKILLCERT_REPORT_CHART_H

#include "rtable.h"

/* Bars for target group g: per region row (not the total) its label,
 * its target and its count so far. */
struct chart_bars {
	const char *group;
	size_t n;
	const char *label[512];
	uint64_t target[512], done[512];
	uint64_t max;
	int cont;                      /* PDF: continues the chart before */
};

/* Cumulative issuance per month. */
struct chart_line {
	size_t n;
	int month[12];
	uint64_t cum[12];
	uint64_t max;
};

void chart_bars_of(const struct report *rp, int g, struct chart_bars *b);
void chart_line_of(const struct report *rp, struct chart_line *l);
/* A round axis maximum at or above max, and its tick step (4-5 ticks). */
uint64_t chart_axis(uint64_t max, uint64_t *step);

#endif
