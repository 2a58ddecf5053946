/* bench_export.c - a department's signed export of 100,000 rows (every
 * field of the 民政 profile) as CSV and as XLSX: rows/s each, next to
 * peers measured in the same run on the same rows: sqlite3's CLI writing
 * them as CSV from a table, and openpyxl (write-only mode) writing them
 * as a workbook.
 *   bench_export [ROWS]   (default 100000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/export.h"

static void
fail(const char *what, const char *msg)
{
	fprintf(stderr, "bench_export: %s: %s\n", what, msg);
	exit(2);
}

static void
issue_all(struct registry *r, unsigned total)
{
	struct buf b = BUF_INIT;
	struct issue_result res;
	struct issue_opts o;
	struct err e;

	for (unsigned i = 0; i < total; i += 1000) {
		gen_roster(&b, i, total - i < 1000 ? total - i : 1000);
		memset(&o, 0, sizeof(o));
		o.org = GEN_ORG;
		o.roster_data = (const char *)b.data;
		o.roster_len = b.len;
		if (issue_roster(r, &o, &res, &e) != 0)
			fail("issue", e.msg);
		issue_result_free(&res);
	}
	buf_free(&b);
}

/* One export (the transaction aborted after: the position is untouched);
 * returns the seconds, the file in res. */
static double
export_one(struct registry *r, const struct export_profile *p, int format,
    const char *dir, struct export_result *res)
{
	MDB_txn *txn;
	struct err e;
	double t0 = gen_now(), t;

	if (registry_txn_begin(r, 0, &txn, &e) != 0 ||
	    export_department(r, txn, p, 0, format, dir, res, &e) != 0)
		fail("export", e.msg);
	t = gen_now() - t0;
	mdb_txn_abort(txn);
	return t;
}

/* Seconds a shell command takes (its own timing printed on stdout as
 * the last number when it measures itself, else the wall clock). */
static double
timed(const char *cmd, int self)
{
	double t0 = gen_now(), v = -1;
	char line[256];
	FILE *p;

	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (self)
			v = atof(line);
	if (pclose(p) != 0)
		return -1;
	return self ? v : gen_now() - t0;
}

static const char PY_XLSX[] =
    "import csv,sys,time,openpyxl\n"
    "rows=list(csv.reader(open(sys.argv[1],encoding='utf-8-sig',newline='')))\n"
    "t=time.monotonic();wb=openpyxl.Workbook(write_only=True);ws=wb.create_sheet()\n"
    "for r in rows: ws.append(r)\n"
    "wb.save(sys.argv[2]);print(time.monotonic()-t)\n";

static void
peers(const char *dir, const char *csv, unsigned n, double ours_csv,
    double ours_xlsx)
{
	char cmd[2048];
	double tc, tx;

	snprintf(cmd, sizeof(cmd), "sqlite3 '%s/p.sqlite' '.mode csv' "
	    "\".import '%s' t\" >/dev/null 2>&1", dir, csv);
	if (system(cmd) != 0)
		fail("sqlite3", "import failed");
	snprintf(cmd, sizeof(cmd), "sqlite3 -csv -header '%s/p.sqlite' "
	    "'SELECT * FROM t' >'%s/peer.csv'", dir, dir);
	tc = timed(cmd, 0);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 -c \"%s\" '%s' '%s/peer.xlsx'",
	    PY_XLSX, csv, dir);
	tx = timed(cmd, 1);
	printf("peer sqlite3 -csv SELECT * (same rows): %.0f rows/s -> ours "
	    "%.2fx\n", tc > 0 ? n / tc : 0, tc > 0 ? tc / ours_csv : 0);
	printf("peer openpyxl write-only workbook (same rows): %.0f rows/s -> "
	    "ours %.2fx\n", tx > 0 ? n / tx : 0, tx > 0 ? tx / ours_xlsx : 0);
}

int
main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	char dir[] = "/tmp/bench_export.XXXXXX", reg[600], out[600], cmd[700];
	struct export_profiles ps;
	const struct export_profile *p;
	struct export_result rc, rx;
	struct registry *r;
	struct err e;
	double tc, tx, t0;

	if (mkdtemp(dir) == NULL)
		fail("mkdtemp", "failed");
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	if (mkdir(out, 0700) != 0)
		fail(out, "mkdir");
	r = gen_registry(reg);
	t0 = gen_now();
	issue_all(r, n);
	printf("issued %u certificates in %.1f s\n", n, gen_now() - t0);
	if (export_profiles_load(r, NULL, &ps, &e) != 0 ||
	    (p = export_profile_find(&ps, "民政")) == NULL)
		fail("profiles", "民政 not found");
	tc = export_one(r, p, EXPORT_CSV, out, &rc);
	tx = export_one(r, p, EXPORT_XLSX, out, &rx);
	printf("export CSV:  %llu rows in %.3f s = %.0f rows/s (%s)\n",
	    (unsigned long long)rc.rows, tc, (double)rc.rows / tc, rc.file);
	printf("export XLSX: %llu rows in %.3f s = %.0f rows/s (%s)\n",
	    (unsigned long long)rx.rows, tx, (double)rx.rows / tx, rx.file);
	peers(dir, rc.file, n, tc, tx);
	registry_close(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
