/* test_batchstat.c - a roster's 结果 column through issue_roster: failed
 * candidates get no number, the batch's assessed and passed are stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/issue/issue.h"
#include "skillcert/roster/roster.h"
#include "gen.h"
#include "test.h"

static void
test_result_parse(void)
{
	CHECK_EQ_INT(roster_result_parse(""), 1);
	CHECK_EQ_INT(roster_result_parse("合格"), 1);
	CHECK_EQ_INT(roster_result_parse("PASS"), 1);
	CHECK_EQ_INT(roster_result_parse("不合格"), 0);
	CHECK_EQ_INT(roster_result_parse("fail"), 0);
	CHECK_EQ_INT(roster_result_parse("优秀"), -1);
	CHECK_STR(roster_col_name(RC_RESULT), "结果");
}

/* Rows 0..n-1, every third one 不合格. */
static void
roster_with_results(struct buf *b, unsigned n, const char *header)
{
	char id[19], name[32];

	buf_reset(b);
	buf_printf(b, "姓名,证件类型,证件号码,职业,等级,评价方式,考核日期,%s\r\n",
	    header);
	for (unsigned i = 0; i < n; i++) {
		gen_id(i, id);
		gen_name(i, name, sizeof(name));
		buf_printf(b, "%s,居民身份证,%s,养老护理员,5,过程化考核,2024-03-15,"
		    "%s\r\n", name, id, i % 3 == 1 ? "不合格" : "合格");
	}
}

static int
run_batch(struct registry *r, const struct buf *b, const char *batch,
    int32_t today, struct issue_result *res)
{
	struct issue_opts o;
	struct err e;

	memset(&o, 0, sizeof(o));
	o.org = GEN_ORG;
	o.roster_data = (const char *)b->data;
	o.roster_len = b->len;
	o.batch = batch;
	o.today = today;
	o.threads = 1;
	err_clear(&e);
	return issue_roster(r, &o, res, &e);
}

static void
remove_tree(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
}

static void
test_issue(void)
{
	char dir[64] = "/tmp/scbatchXXXXXX";
	struct registry *r;
	struct issue_result res;
	struct batch_stats bs;
	struct buf b = BUF_INIT;
	struct err e;
	MDB_txn *txn;
	int32_t today;
	size_t failed = 0, last = 0;

	CHECK(mkdtemp(dir) != NULL);
	strcat(dir, "/reg");
	date_from_ymd(2024, 6, 1, &today);
	r = gen_registry(dir);
	roster_with_results(&b, 9, "考核结果");
	CHECK_EQ_INT(run_batch(r, &b, "B1", today, &res), 0);
	CHECK_EQ_INT(res.issued, 6);
	CHECK_EQ_INT(res.rejected, 0);
	CHECK_EQ_INT(res.assessed, 9);
	CHECK_EQ_INT(res.passed, 6);
	for (size_t i = 0; i < res.nrows; i++) {
		if (res.rows[i].status == ROW_FAILED) {
			failed++;
			CHECK_EQ_INT(res.rows[i].certno[0], '\0');
		} else {
			/* Numbers run on without gaps: 000001 .. 000006. */
			CHECK_EQ_INT(strtoul(res.rows[i].certno + 16, NULL, 10),
			    last + 1);
			last++;
		}
	}
	CHECK_EQ_INT(failed, 3);
	issue_result_free(&res);
	err_clear(&e);
	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(registry_get_batch_stats(r, txn, GEN_ORG, "B1", &bs, &e), 0);
	CHECK_EQ_INT(bs.assessed, 9);
	CHECK_EQ_INT(bs.passed, 6);
	CHECK_EQ_INT(bs.day, today);
	CHECK_EQ_INT(registry_get_batch_stats(r, txn, GEN_ORG, "B2", &bs, &e),
	    ERR_NOTFOUND);
	mdb_txn_abort(txn);
	/* A re-run of the batch reports the same figures, issues nothing. */
	CHECK_EQ_INT(run_batch(r, &b, "B1", today, &res), 0);
	CHECK_EQ_INT(res.issued, 0);
	CHECK_EQ_INT(res.existing, 6);
	CHECK_EQ_INT(res.passed, 6);
	CHECK_EQ_INT(res.assessed, 9);
	issue_result_free(&res);
	registry_close(r);
	buf_free(&b);
	dir[strlen(dir) - 4] = '\0';
	remove_tree(dir);
}

int
main(void)
{
	test_result_parse();
	test_issue();
	TEST_END();
}
