/* report.h - the statistics reports of `skillcert stats` (and later the
 * portal): tables of cells built from the issuance counters (never from
 * the certificates) and the targets, written as an aligned table, CSV
 * (UTF-8 BOM), JSON, XLSX, HTML (inline SVG charts) or PDF (A4). */
#ifndef SKILLCERT_REPORT_REPORT_H
#define SKILLCERT_REPORT_REPORT_H

#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/model/targets.h"
#include "skillcert/store/counters.h"

#define REPORT_COLS_MAX 96
#define REPORT_CELL_MAX 128
#define REPORT_SECTIONS_MAX 3

enum report_by { BY_NONE, BY_REGION, BY_ORG, BY_OCCUPATION, BY_LEVEL,
	BY_METHOD, BY_MONTH, BY_HOME };

/* A cell: text (kind 0), a count (kind 1) or a percentage (kind 2, the
 * text is its one-decimal figure, pct its value; empty without target). */
struct report_cell {
	int kind;
	uint64_t n;
	double pct;
	char s[REPORT_CELL_MAX];
};

/* One table: columns named "group sub" (grp/sub apart for the writers
 * that merge a group's header cells; grp "" for a column alone). */
struct report_table {
	char title[REPORT_CELL_MAX];
	int ncols;
	char cols[REPORT_COLS_MAX][REPORT_CELL_MAX];
	char grp[REPORT_COLS_MAX][REPORT_CELL_MAX];
	char sub[REPORT_COLS_MAX][REPORT_CELL_MAX];
	struct report_cell *cells;     /* nrows * ncols */
	size_t nrows, cap;
	int oom;
};

/* The quarterly report: sec[0] the regions against the targets (its
 * last row the total; group g's target in column 2 + 5g, its year to date
 * in 3 + 5g... see report_quarterly), sec[1] the level breakdown, sec[2]
 * issuance by month. A --by report has one section and quarterly 0.
 * Big (about 110 KB): allocate it. */
struct report {
	char title[256];
	int quarterly;
	int ngroups;
	size_t nsec;
	struct report_table sec[REPORT_SECTIONS_MAX];
};

#define REPORT_GROUP_COLS 5            /* 目标 本季度 累计 完成率% 预计期末 */
#define REPORT_NOTE "证书数为发证张数（一人一证计一次，吊销另计）；培训目标按人次计，" \
	"参训未取证者不在其内，二者不可直接等同。完成率 = 累计有效证书 / 目标；" \
	"预计期末按至今的日均进度外推。"

/* What a report covers: months from..to (YYYYMM) inside region scope. */
struct report_query {
	int scope;                     /* six-digit region */
	int year, quarter;             /* the quarterly report's */
	int from, to;                  /* YYYYMM, inclusive */
	int32_t today;
	int by;
};

struct report_data {
	struct counter *c;
	size_t n, cap;
	struct batch_stats *b;
	size_t nb, capb;
	int32_t *bregion;              /* each batch's org region then */
	struct targets t;
	int oom;
};

enum report_format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_XLSX, FMT_HTML,
	FMT_PDF };

/* The counters (rollup: the roll-up by region, occupation, level and
 * month, all the quarterly report needs; else every counter, as --by
 * needs), the batches' figures and the targets. */
int report_load(struct registry *r, MDB_txn *txn, struct report_data *d,
    int rollup, struct err *e);
void report_data_free(struct report_data *d);
/* Builds rp (zeroed here); -1 when out of memory. */
int report_quarterly(const struct catalog *cat, const struct report_data *d,
    const struct report_query *q, struct report *rp);
int report_by(struct registry *r, MDB_txn *txn, const struct report_data *d,
    const struct report_query *q, struct report *rp);
void report_free(struct report *rp);
/* The quarterly report's query as `skillcert stats` makes it: year 0 =
 * this year, quarter 0 = the current one this year, else the fourth. */
void report_query_quarterly(struct report_query *q, int scope, int year,
    int quarter, int32_t today);
/* Loads what q needs and builds rp (zeroed, caller frees with
 * report_free); ERR_NOTFOUND when the registry has no counters yet. */
int report_make(struct registry *r, MDB_txn *txn,
    const struct report_query *q, struct report *rp, struct err *e);

/* Table (FMT_TABLE), CSV or JSON into out; -1 when out of memory. */
int report_write(const struct report *rp, int format, struct buf *out);
/* One self-contained page (standalone: a whole document with inline
 * CSS, else a <section> the portal embeds, with no <style> and no style=
 * attribute, styled by report_css() served as a stylesheet): inline SVG
 * charts, no scripts, every text escaped. */
int report_write_html(const struct report *rp, struct buf *out,
    int standalone);
/* The CSS of the report's HTML (classes under .skc-report). */
const char *report_css(void);
/* A workbook: a sheet per section, group headers merged, numbers as
 * numbers, percentages formatted, header frozen. */
int report_write_xlsx(const struct report *rp, struct buf *out,
    struct err *e);
/* A4 landscape: the tables (header repeated on each page) and the two
 * charts, in the TrueType fonts `fonts` (paths separated by ':'; NULL
 * for the default chain). */
int report_write_pdf(const struct report *rp, const char *fonts,
    struct buf *out, struct err *e);

#endif
