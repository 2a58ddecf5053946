/* report.h - the statistics reports of `skillcert stats`: a table of
 * cells built from the issuance counters (never from the certificates)
 * and the targets, written as an aligned table, CSV (UTF-8 BOM) or JSON. */
#ifndef SKILLCERT_CLI_REPORT_H
#define SKILLCERT_CLI_REPORT_H

#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/model/targets.h"
#include "skillcert/store/counters.h"

#define REPORT_COLS_MAX 96
#define REPORT_CELL_MAX 128

enum report_by { BY_NONE, BY_REGION, BY_ORG, BY_OCCUPATION, BY_LEVEL,
	BY_METHOD, BY_MONTH, BY_HOME };

/* A cell: text, or a count (kind 1). */
struct report_cell {
	int kind;
	uint64_t n;
	char s[REPORT_CELL_MAX];
};

struct report {
	char title[256];
	int ncols;
	char cols[REPORT_COLS_MAX][REPORT_CELL_MAX];
	struct report_cell *cells;     /* nrows * ncols */
	size_t nrows, cap;
	int oom;
};

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

enum report_format { FMT_TABLE, FMT_CSV, FMT_JSON };

int report_load(struct registry *r, MDB_txn *txn, struct report_data *d,
    struct err *e);
void report_data_free(struct report_data *d);
int report_quarterly(const struct catalog *cat, const struct report_data *d,
    const struct report_query *q, struct report *out);
int report_by(struct registry *r, MDB_txn *txn, const struct report_data *d,
    const struct report_query *q, struct report *out);
void report_free(struct report *rp);
int report_write(const struct report *rp, int format, struct buf *out);

#endif
