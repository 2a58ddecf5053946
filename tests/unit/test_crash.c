/* test_crash.c - the issuer killed with SIGKILL at random moments during a
 * run of batches, re-run each time: afterwards every candidate is issued
 * exactly once, every sequence is contiguous, every signature verifies and
 * the log matches. A reader process running beside the issuer only ever
 * sees whole batches. Half the trials issue groups of batches in one
 * transaction (issue_rosters), as the portal does. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/registry.h"
#include "skillcert/store/counters.h"

#define ORG GEN_ORG
#define NBATCH 12
#define PER_BATCH 400
#define TRIALS 20

static char dir[64];
static int32_t today;

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/sccrashXXXXXX");
	if (mkdtemp(dir) == NULL)
		exit(2);
	strcat(dir, "/reg");
	date_from_ymd(2024, 6, 1, &today);
	registry_close(gen_registry(dir));
}

/* The issuer: every batch in order, one at a time (group 1) or `group`
 * batches per issue_rosters call (one transaction and commit each);
 * re-running a batch is harmless. */
static int
issue_all(int group)
{
	struct registry *r;
	struct err e, errs[NBATCH], ge;
	struct buf b[NBATCH];
	struct issue_opts o[NBATCH];
	struct issue_result res[NBATCH];
	int rcs[NBATCH], rc = 0;
	char batch[NBATCH][16];

	if (registry_open(&r, dir, gen_opts(0), &e) != 0)
		return 3;
	for (int i = 0; i < NBATCH; i++) {
		buf_init(&b[i]);
		memset(&o[i], 0, sizeof(o[i]));
		gen_roster(&b[i], (unsigned)i * PER_BATCH, PER_BATCH);
		snprintf(batch[i], sizeof(batch[i]), "B%02d", i);
		o[i].org = ORG;
		o[i].roster_data = (const char *)b[i].data;
		o[i].roster_len = b[i].len;
		o[i].batch = batch[i];
		o[i].today = today;
	}
	for (int i = 0; i < NBATCH && rc == 0; i += group) {
		int n = i + group <= NBATCH ? group : NBATCH - i;
		(void)issue_rosters(r, &o[i], (size_t)n, &res[i], &rcs[i],
		    &errs[i], &ge);
		for (int j = i; j < i + n; j++) {
			if (rcs[j] != 0) {
				fprintf(stderr, "issue %s: %s\n", batch[j], errs[j].msg);
				rc = 4;
			} else if (res[j].issued + res[j].existing != PER_BATCH) {
				fprintf(stderr, "batch %s: %zu + %zu\n", batch[j],
				    res[j].issued, res[j].existing);
				rc = 5;
			}
			issue_result_free(&res[j]);
		}
	}
	for (int i = 0; i < NBATCH; i++)
		buf_free(&b[i]);
	registry_close(r);
	return rc;
}

/* The reader: counts in one snapshot must be whole batches, and the log
 * must hold exactly one leaf per certificate. */
static int
read_loop(double seconds)
{
	struct registry *r;
	struct err e;
	MDB_txn *txn;
	int bad = 0;
	long reads = 0;
	struct timespec t0, t;

	if (registry_open(&r, dir, gen_opts(REG_RDONLY), &e) != 0)
		return 100;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		uint64_t n;
		if (registry_txn_begin(r, 1, &txn, &e) != 0)
			return 101;
		registry_count(r, txn, &n, NULL, NULL);
		if (n % PER_BATCH != 0 || tlog_size(&r->log, txn) != n) {
			fprintf(stderr, "reader saw %llu certificates, log %llu\n",
			    (unsigned long long)n,
			    (unsigned long long)tlog_size(&r->log, txn));
			bad++;
		}
		mdb_txn_abort(txn);
		reads++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < seconds);
	registry_close(r);
	printf("reader: %ld snapshots, %d torn\n", reads, bad);
	fflush(stdout);
	return bad > 99 ? 99 : bad;
}

struct check {
	struct registry *r;
	MDB_txn *txn;
	int seen[5][NBATCH * PER_BATCH + 1]; /* per level: sequence seen */
	char *ids;                           /* issued ID numbers */
	size_t n;
	int badsig;
};

static int
check_cb(const struct cert_record *c, void *arg)
{
	struct check *k = arg;
	struct certno no;
	struct org_key ok;
	struct key pub;
	struct err e;

	certno_parse(c->cert.no, &no, &e);
	if (no.seq <= NBATCH * PER_BATCH)
		k->seen[no.level - 1][no.seq]++;
	memcpy(k->ids + k->n * 19, c->cert.id_number, 19);
	k->n++;
	if (registry_get_orgkey(k->r, k->txn, c->cert.org, c->cert.kid, &ok, &e) ||
	    key_from_public(ok.alg, ok.pub, (size_t)ok.publen, &pub, &e) ||
	    cert_verify(c->enc, c->enc_len, c->sig, &pub, &e))
		k->badsig++;
	key_free(&pub);
	return 0;
}

static int
cmp19(const void *a, const void *b)
{
	return memcmp(a, b, 19);
}

int
main(void)
{
	struct registry *r;
	struct err e;
	struct check *k = calloc(1, sizeof(*k));
	int status, killed_mid = 0;
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	printf("seed %u\n", seed);
	srand(seed);
	setup();
	for (int t = 0; t < TRIALS; t++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(issue_all(t % 2 ? 3 : 1)); /* odd trials: groups */
		/* A random moment within the time a full run takes (~1 s). */
		usleep((useconds_t)(rand() % 900000));
		if (kill(pid, SIGKILL) == 0)
			killed_mid++;
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
			CHECK_EQ_INT(WEXITSTATUS(status), 0);
	}
	printf("%d of %d trials killed before finishing\n", killed_mid, TRIALS);
	/* Finish, with a reader watching. */
	pid_t reader = fork();
	if (reader == 0)
		_exit(read_loop(1.5));
	pid_t issuer = fork();
	if (issuer == 0)
		_exit(issue_all(4));
	waitpid(issuer, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	waitpid(reader, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* Every candidate exactly once, contiguous sequences, valid signatures. */
	CHECK_EQ_INT(registry_open(&r, dir, gen_opts(REG_RDONLY), &e), 0);
	k->r = r;
	k->ids = malloc((size_t)NBATCH * PER_BATCH * 2 * 19);
	CHECK_EQ_INT(registry_txn_begin(r, 1, &k->txn, &e), 0);
	CHECK_EQ_INT(registry_each_cert(r, k->txn, "", check_cb, k, &e), 0);
	CHECK_EQ_INT(k->n, NBATCH * PER_BATCH);
	CHECK_EQ_INT(k->badsig, 0);
	qsort(k->ids, k->n, 19, cmp19);
	int dups = 0;
	for (size_t i = 1; i < k->n; i++)
		if (memcmp(k->ids + (i - 1) * 19, k->ids + i * 19, 19) == 0)
			dups++;
	CHECK_EQ_INT(dups, 0);
	for (int l = 0; l < 5; l++) {
		int per = NBATCH * PER_BATCH / 5, gaps = 0;
		for (int s = 1; s <= per; s++)
			if (k->seen[l][s] != 1)
				gaps++;
		CHECK_EQ_INT(gaps, 0);
		CHECK_EQ_INT(k->seen[l][per + 1], 0);
	}
	CHECK_EQ_INT(tlog_size(&r->log, k->txn), NBATCH * PER_BATCH);
	CHECK_EQ_INT(tlog_audit_tree(&r->log, k->txn, &e), 0);
	/* The counters moved with the certificates, kill or no kill. */
	CHECK(counters_ready(r, k->txn));
	CHECK_EQ_INT(counters_check(r, k->txn, &e), 0);
	mdb_txn_abort(k->txn);
	registry_close(r);
	free(k->ids);
	free(k);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 4), dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup failed\n");
	}
	TEST_END();
}
