/* bench_stats.c - the quarterly report's time on 1,000,000 synthetic
 * certificates (60 organizations in the 11 prefectures of 江西, six
 * occupations, five levels, four methods, 36 months; one in fifty
 * revoked) against sqlite3 answering the same GROUP BY over the same
 * rows in an indexed table, measured in the same run.
 * The counters are written through store/counters.h as the issuing
 * transaction writes them (one counters_add per certificate), not by
 * issuing, which bench_issue measures.
 *   bench_stats [CERTS [RUNS]]   (defaults 1000000 20) */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "skillcert/report/report.h"
#include "skillcert/store/counters.h"
#include "skillcert/store/targetstore.h"

#define YEAR 2026
#define QUARTER 3

static const char *const OCCS[] = { "养老护理员", "家政服务员", "育婴员",
	"保育员", "健康照护师", "保健按摩师" };

/* Certificate i: its counter key and whether it was revoked. */
static void
synth(const struct registry *r, const int32_t *pref, unsigned i,
    struct counter *c, int *revoked)
{
	unsigned org = i % 60, h = i * 2654435761u;
	const struct occupation *o = catalog_occ_by_name(&r->cat,
	    OCCS[(h >> 8) % 6 < 3 ? 0 : (h >> 8) % 6]);

	memset(c, 0, sizeof(*c));
	snprintf(c->org, sizeof(c->org), "S0000360001%02u", org);
	c->region = pref[org % 11];
	c->home = pref[(h >> 4) % 11];
	snprintf(c->occ, sizeof(c->occ), "%s", o ? o->code : "4-10-01-05");
	c->level = 1 + (int)((h >> 12) % 5);
	c->method = 1 + (int)((h >> 16) % 4);
	c->month = (YEAR - 2 + (int)(i % 36) / 12) * 100 + (int)(i % 12) + 1;
	*revoked = (h >> 20) % 50 == 0;
}

static void
fail(const char *what, const char *msg)
{
	fprintf(stderr, "bench_stats: %s: %s\n", what, msg);
	exit(2);
}

/* Targets for every prefecture this year: two occupation groups. */
static void
load_targets(struct registry *r, MDB_txn *txn, const int32_t *pref,
    const char *dir)
{
	char path[512];
	size_t rows;
	struct err e;
	FILE *f;

	snprintf(path, sizeof(path), "%s/targets.csv", dir);
	if ((f = fopen(path, "w")) == NULL)
		fail(path, "cannot write");
	fprintf(f, "region_code,region_name,year,occupations,target\n");
	for (int i = 0; i < 11; i++)
		fprintf(f, "%06d,%s,%d,养老护理员,%d\n%06d,%s,%d,育婴员|保育员,%d\n",
		    (int)pref[i], catalog_region_name(&r->cat, pref[i]), YEAR,
		    3000 + 500 * i, (int)pref[i],
		    catalog_region_name(&r->cat, pref[i]), YEAR, 1500);
	fclose(f);
	if (registry_load_targets(r, txn, path, &rows, &e) != 0)
		fail("targets", e.msg);
}

static void
exec_sql(sqlite3 *db, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail(sql, msg ? msg : "?");
}

/* The counters and the sqlite3 table of the same n certificates. */
static void
populate(struct registry *r, sqlite3 *db, const int32_t *pref, unsigned n,
    const char *dir)
{
	struct counter c;
	sqlite3_stmt *st;
	MDB_txn *txn;
	struct err e;
	int rev;

	exec_sql(db, "CREATE TABLE cert (org TEXT, region INT, home INT, occ TEXT,"
	    " level INT, method INT, month INT, status INT); BEGIN");
	if (sqlite3_prepare_v2(db, "INSERT INTO cert VALUES (?,?,?,?,?,?,?,?)",
	    -1, &st, NULL) != SQLITE_OK || registry_txn_begin(r, 0, &txn, &e))
		fail("populate", "cannot start");
	for (unsigned i = 0; i < n; i++) {
		synth(r, pref, i, &c, &rev);
		if (counters_add(r, txn, &c, rev ? 0 : 1, rev ? 1 : 0, &e) != 0)
			fail("counters_add", e.msg);
		sqlite3_bind_text(st, 1, c.org, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, c.region);
		sqlite3_bind_int(st, 3, c.home);
		sqlite3_bind_text(st, 4, c.occ, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, c.level);
		sqlite3_bind_int(st, 6, c.method);
		sqlite3_bind_int(st, 7, c.month);
		sqlite3_bind_int(st, 8, rev);
		if (sqlite3_step(st) != SQLITE_DONE)
			fail("insert", sqlite3_errmsg(db));
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	exec_sql(db, "COMMIT; CREATE INDEX cert_q ON cert (month, region, occ,"
	    " level, status); ANALYZE");
	load_targets(r, txn, pref, dir);
	if (counters_mark_ready(r, txn, &e) != 0 || mdb_txn_commit(txn) != 0)
		fail("commit", e.msg);
}

/* Ours: load the counters and targets, build the quarterly report, write
 * it as CSV. Returns the seconds; *bytes the CSV's size. */
static double
run_ours(struct registry *r, size_t *bytes)
{
	struct report_query q;
	struct report_data d;
	struct report *rp = calloc(1, sizeof(*rp));
	struct buf out = BUF_INIT;
	MDB_txn *txn;
	struct err e;
	double t0 = gen_now(), t;

	memset(&q, 0, sizeof(q));
	q.scope = 360000;
	q.year = YEAR;
	q.quarter = QUARTER;
	date_from_ymd(YEAR, 9, 30, &q.today);
	if (rp == NULL || registry_txn_begin(r, 1, &txn, &e) != 0 ||
	    report_load(r, txn, &d, 1, &e) != 0)
		fail("report", e.msg);
	if (report_quarterly(&r->cat, &d, &q, rp) != 0 ||
	    report_write(rp, FMT_CSV, &out) != 0)
		fail("report", "out of memory");
	t = gen_now() - t0;
	*bytes = out.len;
	mdb_txn_abort(txn);
	report_data_free(&d);
	report_free(rp);
	free(rp);
	buf_free(&out);
	return t;
}

/* The peer: the same grouping (region, occupation, level; valid this
 * quarter and this year to date) as one indexed GROUP BY. */
static double
run_sqlite(sqlite3 *db, unsigned *groups, long long *total)
{
	static const char sql[] = "SELECT region, occ, level, "
	    "sum(month >= ?1), count(*) FROM cert WHERE month BETWEEN ?2 AND ?3 "
	    "AND status = 0 GROUP BY region, occ, level";
	sqlite3_stmt *st;
	double t0 = gen_now();

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail("select", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, YEAR * 100 + QUARTER * 3 - 2);
	sqlite3_bind_int(st, 2, YEAR * 100 + 1);
	sqlite3_bind_int(st, 3, YEAR * 100 + QUARTER * 3);
	*groups = 0;
	*total = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		(*groups)++;
		*total += sqlite3_column_int64(st, 4);
	}
	sqlite3_finalize(st);
	return gen_now() - t0;
}

int
main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000000;
	int runs = argc > 2 ? atoi(argv[2]) : 20, k = 0;
	char dir[] = "/tmp/bench_stats.XXXXXX", reg[600], sq[600], cmd[700];
	int32_t pref[11];
	double ours = 1e9, peer = 1e9, t0;
	unsigned groups = 0;
	long long total = 0;
	size_t bytes = 0;
	struct registry *r;
	sqlite3 *db;

	if (mkdtemp(dir) == NULL)
		fail("mkdtemp", "failed");
	snprintf(reg, sizeof(reg), "%s/reg", dir);
	snprintf(sq, sizeof(sq), "%s/certs.sqlite", dir);
	r = gen_registry(reg);
	for (size_t i = 0; i < r->cat.nregions && k < 11; i++)
		if (r->cat.regions[i].parent == 360000)
			pref[k++] = r->cat.regions[i].code;
	if (k < 11 || sqlite3_open(sq, &db) != SQLITE_OK)
		fail("setup", "prefectures or sqlite3");
	exec_sql(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF");
	t0 = gen_now();
	populate(r, db, pref, n, dir);
	printf("populated %u certificates in %.1f s (counters and sqlite3)\n", n,
	    gen_now() - t0);
	for (int i = 0; i < runs; i++) {
		double a = run_ours(r, &bytes), b = run_sqlite(db, &groups, &total);
		ours = a < ours ? a : ours;
		peer = b < peer ? b : peer;
	}
	printf("quarterly report (load counters + build + CSV, %zu bytes): "
	    "%.3f ms (best of %d)\n", bytes, ours * 1e3, runs);
	printf("sqlite3 %s GROUP BY region, occ, level over %u rows (%u groups, "
	    "%lld certificates): %.3f ms (best of %d)\n", sqlite3_libversion(), n,
	    groups, total, peer * 1e3, runs);
	printf("ratio: %.1fx faster (target >= 10x)\n", peer / ours);
	sqlite3_close(db);
	registry_close(r);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
