/* make.c - a report from a registry in one call, with the period rules of
 * `skillcert stats` (the current quarter by default, the last quarter of
 * a past year), so the CLI and the portal build the same report. */
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "skillcert/report/report.h"

void
report_query_quarterly(struct report_query *q, int scope, int year,
    int quarter, int32_t today)
{
	int y, m, d;

	memset(q, 0, sizeof(*q));
	q->today = today;
	date_to_ymd(today, &y, &m, &d);
	q->scope = scope;
	q->year = year ? year : y;
	q->quarter = quarter ? quarter : q->year == y ? (m + 2) / 3 : 4;
	q->from = quarter ? q->year * 100 + quarter * 3 - 2 : q->year * 100 + 1;
	q->to = quarter ? q->year * 100 + quarter * 3 : q->year * 100 + 12;
}

int
report_make(struct registry *r, MDB_txn *txn, const struct report_query *q,
    struct report *rp, struct err *e)
{
	struct report_data d;
	int rc;

	if (!counters_ready(r, txn))
		return err_set(e, ERR_NOTFOUND, "this registry predates the "
		    "issuance counters: run `skillcert stats --check --repair` "
		    "once to build them");
	if ((rc = report_load(r, txn, &d, q->by == BY_NONE, e)) == 0 &&
	    (q->by ? report_by(r, txn, &d, q, rp) :
	    report_quarterly(&r->cat, &d, q, rp)) != 0)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	report_data_free(&d);
	return rc;
}
