/* rtable.h - building a report's tables, shared by the report sources
 * (not public: the writers and builders of src/report alone). */
#ifndef SKILLCERT_REPORT_RTABLE_H
#define SKILLCERT_REPORT_RTABLE_H

#include "skillcert/report/report.h"

void report_col(struct report_table *t, const char *grp, const char *sub);
/* A new row's first cell (zeroed); NULL when out of memory. */
struct report_cell *report_row(struct report_table *t);
void cell_str(struct report_cell *c, const char *s);
void cell_int(struct report_cell *c, uint64_t n);
/* Cell (row, col) of t. */
static inline const struct report_cell *
report_cell_at(const struct report_table *t, size_t row, int col)
{
	return &t->cells[row * (size_t)t->ncols + (size_t)col];
}

#endif
