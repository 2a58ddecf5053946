/* test_group.c - several rosters of two organizations issued as one group
 * (issue_rosters: one write transaction, one tree head, one commit):
 * numbers gapless and unique per organization and level across the
 * group, each batch whole or absent, a bad batch leaving the others be,
 * the log and the counters consistent, a preloaded key used (and a wrong
 * one refused). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/registry.h"
#include "skillcert/store/counters.h"

#define ORG2 "S000036000002"
#define NB 6

static char dir[64];
static int32_t today;

/* Per organization and level: how often each sequence was seen. */
struct seqs {
	const char *org;
	int seen[6][2001];
	size_t n;
	int badsig;
	struct registry *r;
	MDB_txn *txn;
};

static int
seqs_cb(const struct cert_record *c, void *arg)
{
	struct seqs *s = arg;
	struct certno no;
	struct org_key ok;
	struct key pub;
	struct err e;

	if (strcmp(c->cert.org, s->org) != 0)
		return 0;
	certno_parse(c->cert.no, &no, &e);
	if (no.seq <= 2000)
		s->seen[no.level][no.seq]++;
	s->n++;
	memset(&pub, 0, sizeof(pub));
	if (registry_get_orgkey(s->r, s->txn, c->cert.org, c->cert.kid, &ok, &e) ||
	    key_from_public(ok.alg, ok.pub, (size_t)ok.publen, &pub, &e) ||
	    cert_verify(c->enc, c->enc_len, c->sig, &pub, &e))
		s->badsig++;
	key_free(&pub);
	return 0;
}

/* Every level's numbers of org are 1..k, each once; returns the total. */
static size_t
check_gapless(struct registry *r, const char *org)
{
	struct seqs *s = calloc(1, sizeof(*s));
	struct err e;
	size_t n;

	s->org = org;
	s->r = r;
	CHECK_EQ_INT(registry_txn_begin(r, 1, &s->txn, &e), 0);
	CHECK_EQ_INT(registry_each_cert(r, s->txn, org, seqs_cb, s, &e), 0);
	for (int lv = 1; lv <= 5; lv++) {
		int top = 0, bad = 0;
		for (int q = 1; q <= 2000; q++)
			if (s->seen[lv][q])
				top = q;
		for (int q = 1; q <= top; q++)
			if (s->seen[lv][q] != 1)
				bad++;
		CHECK_EQ_INT(bad, 0);
	}
	CHECK_EQ_INT(s->badsig, 0);
	mdb_txn_abort(s->txn);
	n = s->n;
	free(s);
	return n;
}

/* Every row the batch reports issued is stored, under its batch. */
static void
check_batch_stored(struct registry *r, const struct issue_result *res)
{
	struct cert_record rec;
	struct err e;
	MDB_txn *txn;
	size_t found = 0;

	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	for (size_t i = 0; i < res->nrows; i++) {
		if (res->rows[i].status != ROW_ISSUED)
			continue;
		if (registry_get_cert(r, txn, res->rows[i].certno, &rec, &e) == 0 &&
		    strcmp(rec.batch, res->batch) == 0)
			found++;
	}
	CHECK_EQ_INT(found, res->issued);
	mdb_txn_abort(txn);
}

static void
set_opts(struct issue_opts *o, const char *org, const struct buf *b,
    const char *batch)
{
	memset(o, 0, sizeof(*o));
	o->org = org;
	o->roster_data = (const char *)b->data;
	o->roster_len = b->len;
	o->batch = batch;
	o->today = today;
	o->threads = 2;
}

/* The key of org as the portal keeps it: loaded once. */
static void
load_key(struct registry *r, const char *org, struct key *k)
{
	char path[PATH_MAX];
	struct org o;
	struct err e;
	MDB_txn *txn;

	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(registry_get_org(r, txn, org, &o, &e), 0);
	mdb_txn_abort(txn);
	registry_org_key_path(r, org, o.kid, path);
	memset(k, 0, sizeof(*k));
	CHECK_EQ_INT(key_load_secret(path, NULL, k, &e), 0);
}

static void
check_log(struct registry *r, uint64_t want)
{
	struct err e;
	MDB_txn *txn;

	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(tlog_size(&r->log, txn), want);
	CHECK_EQ_INT(tlog_audit_tree(&r->log, txn, &e), 0);
	CHECK(counters_ready(r, txn));
	CHECK_EQ_INT(counters_check(r, txn, &e), 0);
	mdb_txn_abort(txn);
}

int
main(void)
{
	struct registry *r;
	struct err e, errs[NB], ge;
	struct buf b[NB];
	struct issue_opts o[NB];
	struct issue_result res[NB];
	int rcs[NB];
	struct key k1, k2;
	MDB_txn *txn;

	snprintf(dir, sizeof(dir), "/tmp/scgroupXXXXXX");
	if (mkdtemp(dir) == NULL)
		return 2;
	strcat(dir, "/reg");
	date_from_ymd(2024, 6, 1, &today);
	r = gen_registry(dir);
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(gen_org(r, txn, ORG2, "养老护理员:5-1", KEY_ED25519, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	load_key(r, GEN_ORG, &k1);
	load_key(r, ORG2, &k2);
	for (int i = 0; i < NB; i++)
		buf_init(&b[i]);

	/* Group 1: org1 x2, org2 x2, a bad org2 batch, org1 partial. */
	gen_roster(&b[0], 0, 300);
	gen_roster(&b[1], 1000, 200);
	gen_roster(&b[2], 300, 200);
	gen_roster(&b[3], 1200, 50);
	buf_append_str(&b[3], "张三,居民身份证,123,养老护理员,,5,过程化考核,2024-03-15\r\n");
	gen_roster(&b[4], 1300, 200);
	gen_roster(&b[5], 500, 50);
	buf_append_str(&b[5], "李四,居民身份证,12345,养老护理员,,4,过程化考核,2024-03-15\r\n");
	set_opts(&o[0], GEN_ORG, &b[0], "A1");
	set_opts(&o[1], ORG2, &b[1], "B1");
	set_opts(&o[2], GEN_ORG, &b[2], "A2");
	set_opts(&o[3], ORG2, &b[3], "BAD");
	set_opts(&o[4], ORG2, &b[4], "B2");
	set_opts(&o[5], GEN_ORG, &b[5], "AP");
	o[5].partial = 1;
	o[1].key = &k2;                /* preloaded: no key file read */
	o[4].key = &k2;
	o[0].key = &k1;
	CHECK_EQ_INT(issue_rosters(r, o, NB, res, rcs, errs, &ge), 0);
	CHECK_EQ_INT(rcs[0], 0);
	CHECK_EQ_INT(rcs[1], 0);
	CHECK_EQ_INT(rcs[2], 0);
	CHECK_EQ_INT(rcs[3], ERR_INVALID);
	CHECK_EQ_INT(rcs[4], 0);
	CHECK_EQ_INT(rcs[5], 0);
	CHECK_EQ_INT(res[0].issued, 300);
	CHECK_EQ_INT(res[1].issued, 200);
	CHECK_EQ_INT(res[2].issued, 200);
	CHECK_EQ_INT(res[3].issued, 0);
	CHECK_EQ_INT(res[3].committed, 0);
	CHECK_EQ_INT(res[3].rejected, 1);
	CHECK_EQ_INT(res[4].issued, 200);
	CHECK_EQ_INT(res[5].issued, 50);
	CHECK_EQ_INT(res[5].rejected, 1);
	for (int i = 0; i < NB; i++)
		if (i != 3) {
			CHECK_EQ_INT(res[i].committed, 1);
			/* one tree head for the whole group */
			CHECK_EQ_INT(res[i].head.size, 950);
			check_batch_stored(r, &res[i]);
		}
	for (size_t i = 0; i < res[3].nrows; i++)
		CHECK_STR(res[3].rows[i].certno, "");
	CHECK_EQ_INT(check_gapless(r, GEN_ORG), 550);
	CHECK_EQ_INT(check_gapless(r, ORG2), 400);
	check_log(r, 950);
	for (int i = 0; i < NB; i++)
		issue_result_free(&res[i]);

	/* Group 2: the bad batch's good rows, a re-run of A1 (all existing),
	 * a dry run, and org1 signed with org2's key (refused). */
	gen_roster(&b[3], 1200, 50);
	set_opts(&o[0], ORG2, &b[3], "BAD2");
	set_opts(&o[1], GEN_ORG, &b[0], "A1");
	set_opts(&o[2], GEN_ORG, &b[2], NULL);
	gen_roster(&b[2], 2000, 100);
	o[2].roster_data = (const char *)b[2].data;
	o[2].roster_len = b[2].len;
	o[2].dry_run = 1;
	gen_roster(&b[4], 3000, 20);
	set_opts(&o[3], GEN_ORG, &b[4], "WRONGKEY");
	o[3].key = &k2;
	CHECK_EQ_INT(issue_rosters(r, o, 4, res, rcs, errs, &ge), 0);
	CHECK_EQ_INT(rcs[0], 0);
	CHECK_EQ_INT(res[0].issued, 50);
	CHECK_EQ_INT(rcs[1], 0);
	CHECK_EQ_INT(res[1].issued, 0);
	CHECK_EQ_INT(res[1].existing, 300);
	CHECK_EQ_INT(rcs[2], 0);
	CHECK_EQ_INT(res[2].committed, 0);
	CHECK_EQ_INT(res[2].issued, 100);  /* as a real run would report */
	CHECK_EQ_INT(rcs[3], ERR_DENIED);
	CHECK_EQ_INT(res[3].issued, 0);
	CHECK_EQ_INT(res[0].head.size, 1000);
	check_batch_stored(r, &res[0]);
	CHECK_EQ_INT(check_gapless(r, GEN_ORG), 550);
	CHECK_EQ_INT(check_gapless(r, ORG2), 450);
	check_log(r, 1000);
	for (int i = 0; i < 4; i++)
		issue_result_free(&res[i]);

	/* Dry runs alone: a read transaction; numbers as a commit would give
	 * them now, nothing stored. */
	set_opts(&o[0], ORG2, &b[2], "DRY1");
	o[0].dry_run = 1;
	set_opts(&o[1], ORG2, &b[3], "BAD2");
	o[1].dry_run = 1;
	CHECK_EQ_INT(issue_rosters(r, o, 2, res, rcs, errs, &ge), 0);
	CHECK_EQ_INT(rcs[0], 0);
	CHECK_EQ_INT(res[0].issued, 100);
	CHECK_EQ_INT(res[0].committed, 0);
	{
		/* ORG2 issued 450 so far, a fifth per level: the next is 91 */
		int lv5 = 0;
		for (size_t i = 0; i < res[0].nrows; i++)
			if (strncmp(res[0].rows[i].certno + 16, "000091", 6) == 0)
				lv5++;
		CHECK(lv5 >= 1);
	}
	CHECK_EQ_INT(rcs[1], 0);
	CHECK_EQ_INT(res[1].existing, 50);  /* BAD2 is issued already */
	for (int i = 0; i < 2; i++)
		issue_result_free(&res[i]);
	check_log(r, 1000);

	/* A group of nothing but failures commits nothing. */
	set_opts(&o[0], GEN_ORG, &b[4], "WRONGKEY");
	o[0].key = &k2;
	CHECK_EQ_INT(issue_rosters(r, o, 1, res, rcs, errs, &ge), 0);
	CHECK_EQ_INT(rcs[0], ERR_DENIED);
	issue_result_free(&res[0]);
	check_log(r, 1000);

	key_free(&k1);
	key_free(&k2);
	for (int i = 0; i < NB; i++)
		buf_free(&b[i]);
	registry_close(r);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 4), dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup failed\n");
	}
	TEST_END();
}
