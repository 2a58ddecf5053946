/* test_counters.c - the issuance counters after random issuance and
 * revocation agree with a recomputation from the certificates; a region
 * change splits them by date; a tampered counter is named; a rebuild. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/issue/issue.h"
#include "skillcert/store/counters.h"
#include "gen.h"
#include "test.h"

struct tally {
	uint64_t valid, revoked;
	size_t groups;
	int32_t region_a, region_b;
	uint64_t in_a, in_b;
};

static int
tally_cb(const struct counter *c, void *arg)
{
	struct tally *t = arg;

	t->valid += c->valid;
	t->revoked += c->revoked;
	t->groups++;
	if (c->region == t->region_a)
		t->in_a += c->valid + c->revoked;
	if (c->region == t->region_b)
		t->in_b += c->valid + c->revoked;
	return 0;
}

static void
issue_random(struct registry *r, unsigned first, unsigned n, int32_t today,
    unsigned *seed)
{
	struct issue_opts o;
	struct issue_result res;
	struct buf b = BUF_INIT;
	char id[19], name[32];
	struct err e;

	buf_append_str(&b, "姓名,证件类型,证件号码,职业,等级,评价方式,考核日期\r\n");
	for (unsigned i = first; i < first + n; i++) {
		gen_id(i, id);
		gen_name(i, name, sizeof(name));
		buf_printf(&b, "%s,居民身份证,%s,养老护理员,%d,%s,2024-01-15\r\n",
		    name, id, 1 + rand_r(seed) % 5,
		    rand_r(seed) % 2 ? "过程化考核" : "模块化考核");
	}
	memset(&o, 0, sizeof(o));
	o.org = GEN_ORG;
	o.roster_data = (const char *)b.data;
	o.roster_len = b.len;
	o.today = today;
	o.threads = 1;
	err_clear(&e);
	CHECK_EQ_INT(issue_roster(r, &o, &res, &e), 0);
	CHECK_EQ_INT(res.issued, n);
	for (size_t i = 0; i < res.nrows; i++)
		if (rand_r(seed) % 4 == 0) {
			MDB_txn *txn;
			uint8_t kid[KEY_ID_LEN] = { 1 };
			CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
			CHECK_EQ_INT(registry_revoke(r, txn, res.rows[i].certno,
			    1 + rand_r(seed) % 4, "test", kid, &e), 0);
			CHECK_EQ_INT(mdb_txn_commit(txn), 0);
		}
	issue_result_free(&res);
	buf_free(&b);
}

static void
set_region(struct registry *r, int region, const char *reason, int32_t day)
{
	MDB_txn *txn;
	struct org o;
	struct err e;

	err_clear(&e);
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(registry_get_org(r, txn, GEN_ORG, &o, &e), 0);
	CHECK_EQ_INT(org_set_region(&r->cat, &o, region, reason, day, &e), 0);
	CHECK_EQ_INT(registry_put_org(r, txn, &o, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
}

static int
check_now(struct registry *r, struct tally *t, char *msg, size_t cap)
{
	MDB_txn *txn;
	struct err e;
	int rc;

	err_clear(&e);
	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	rc = counters_check(r, txn, &e);
	snprintf(msg, cap, "%s", e.msg);
	if (t) {
		memset(t, 0, sizeof(*t));
		t->region_a = 360100;
		t->region_b = 360400;
		CHECK_EQ_INT(counters_each(r, txn, tally_cb, t, &e), 0);
	}
	mdb_txn_abort(txn);
	return rc;
}

static int
sum_cb(const struct counter *c, void *arg)
{
	((uint64_t *)arg)[0] += c->valid;
	((uint64_t *)arg)[1] += c->revoked;
	return 0;
}

/* The roll-up sums to the counters; one entry changed behind
 * counters_add (as a torn write or an edit would) is found by the check
 * and put right by a rebuild. */
static void
test_tamper_rollup(struct registry *r, struct counter *c)
{
	uint8_t k[COUNTERS_ROLLUP_KEY_LEN], v[16] = { 0 };
	uint64_t all[2] = { 0 }, up[2] = { 0 };
	MDB_val mk = { sizeof(k), k }, mv = { sizeof(v), v };
	MDB_txn *txn;
	struct err e;
	char msg[512];

	err_clear(&e);
	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(counters_each(r, txn, sum_cb, all, &e), 0);
	CHECK_EQ_INT(counters_each_rollup(r, txn, sum_cb, up, &e), 0);
	mdb_txn_abort(txn);
	CHECK(all[0] > 0 && all[0] == up[0] && all[1] == up[1]);
	c->month = 202403;
	counters_rollup_key_encode(c, k);
	v[7] = 5;                      /* valid 5, big-endian */
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(mdb_put(txn, r->meta, &mk, &mv, 0), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(check_now(r, NULL, msg, sizeof(msg)), ERR_INVALID);
	CHECK(strstr(msg, "roll-up") != NULL && strstr(msg, "month 202403"));
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(counters_rebuild(r, txn, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(check_now(r, NULL, msg, sizeof(msg)), 0);
}

static void
test_tamper(struct registry *r)
{
	struct counter c;
	MDB_txn *txn;
	struct err e;
	char msg[512];

	memset(&c, 0, sizeof(c));
	snprintf(c.org, sizeof(c.org), "%s", GEN_ORG);
	snprintf(c.occ, sizeof(c.occ), "4-10-01-05");
	c.region = 360100;
	c.level = 3;
	c.month = 202402;
	err_clear(&e);
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(counters_add(r, txn, &c, 1, 0, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(check_now(r, NULL, msg, sizeof(msg)), ERR_INVALID);
	CHECK(strstr(msg, "month 202402") != NULL);
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(counters_clear(r, txn, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(check_now(r, NULL, msg, sizeof(msg)), ERR_INVALID);
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(counters_rebuild(r, txn, &e), 0);
	CHECK(counters_ready(r, txn));
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(check_now(r, NULL, msg, sizeof(msg)), 0);
	test_tamper_rollup(r, &c);
}

static void
test_random(void)
{
	char dir[64] = "/tmp/scctrXXXXXX", cmd[128], msg[512];
	struct registry *r;
	struct tally t;
	unsigned seed = 12;
	int32_t d1, d2, d3;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	strcat(dir, "/reg");
	r = gen_registry(dir);
	date_from_ymd(2024, 2, 10, &d1);
	date_from_ymd(2024, 5, 1, &d2);
	date_from_ymd(2024, 6, 3, &d3);
	set_region(r, 360100, NULL, d1);
	issue_random(r, 0, 40, d1, &seed);
	CHECK_EQ_INT(check_now(r, NULL, msg, sizeof(msg)), 0);
	/* Changed on d2: what was issued before stays in 360100. */
	set_region(r, 360400, "moved", d2);
	issue_random(r, 40, 30, d3, &seed);
	CHECK_EQ_INT(check_now(r, &t, msg, sizeof(msg)), 0);
	if (t.valid + t.revoked != 70)
		fprintf(stderr, "check: %s\n", msg);
	CHECK_EQ_INT(t.valid + t.revoked, 70);
	CHECK(t.revoked > 0);
	CHECK_EQ_INT(t.in_a, 40);
	CHECK_EQ_INT(t.in_b, 30);
	test_tamper(r);
	registry_close(r);
	CHECK_EQ_INT(system(cmd), 0);
}

static void
test_region_at(void)
{
	struct org o;
	int32_t d;

	memset(&o, 0, sizeof(o));
	o.region = 360900;
	snprintf(o.history, sizeof(o.history), "2024-05-01 360100->360400 a\n"
	    "2024-08-01 360400->360900 b");
	date_from_ymd(2024, 4, 30, &d);
	CHECK_EQ_INT(counters_region_at(&o, d), 360100);
	CHECK_EQ_INT(counters_region_at(&o, d + 1), 360100);
	CHECK_EQ_INT(counters_region_at(&o, d + 2), 360400);
	date_from_ymd(2024, 9, 1, &d);
	CHECK_EQ_INT(counters_region_at(&o, d), 360900);
}

int
main(void)
{
	test_region_at();
	test_random();
	TEST_END();
}
