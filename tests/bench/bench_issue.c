/* bench_issue.c - issuance throughput: 100,000 synthetic certificates in
 * rosters of 1,000 (parse, validate, number, sign on every core, store,
 * log, tree head, commit), next to `openssl speed ed25519` sign/s x cores
 * measured in the same run; registry bytes per certificate; and the share
 * of the time the transparency log's appends take.
 *   bench_issue [TOTAL [ROSTER]]  (defaults 100000 1000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gen.h"
#include "skillcert/issue.h"
#include "skillcert/registry.h"

#define ORG "S000036000001"

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* sign/s for Ed25519 from `openssl speed`, one core. */
static double
openssl_sign_rate(const char *alg)
{
	char cmd[128], line[512];
	double rate = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "openssl speed -seconds 3 %s 2>/dev/null", alg);
	if ((p = popen(cmd, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		double a, b, s, v;
		char *q = strchr(line, ')');
		if (q && sscanf(q + 1, " %lfs %lfs %lf %lf", &a, &b, &s, &v) == 4)
			rate = s;
	}
	pclose(p);
	return rate;
}

static int
make_registry(const char *dir, struct registry **r)
{
	struct err e;
	MDB_txn *txn;
	struct org o;

	if (registry_init(dir, NULL, 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(r, dir, NULL, 0, &e) || registry_load_secrets(*r, NULL, &e) ||
	    registry_txn_begin(*r, 0, &txn, &e))
		goto fail;
	memset(&o, 0, sizeof(o));
	strcpy(o.code, ORG);
	o.type = 'S';
	strcpy(o.name, "江西省康养职业技能评价中心");
	o.status = ORG_ACTIVE;
	date_from_ymd(2020, 1, 1, &o.valid_from);
	date_from_ymd(2030, 12, 31, &o.valid_to);
	if (org_scope_parse(&(*r)->cat, "养老护理员:5-1", &o, &e) ||
	    registry_org_new_key(*r, txn, &o, KEY_ED25519, o.valid_from, NULL, &e) ||
	    registry_put_org(*r, txn, &o, &e) || mdb_txn_commit(txn))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "bench: %s\n", e.msg);
	return -1;
}

int
main(int argc, char **argv)
{
	unsigned total = argc > 1 ? (unsigned)atoi(argv[1]) : 100000;
	unsigned per = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
	char dir[] = "/tmp/scbenchXXXXXX", path[64], cmd[96];
	struct registry *r;
	struct buf b = BUF_INIT;
	struct err e;
	double t0, t_issue, t_log, gen = 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	MDB_envinfo info;
	MDB_stat st;
	MDB_txn *txn;
	int32_t today;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/reg", dir);
	if (make_registry(path, &r) != 0)
		return 1;
	date_from_ymd(2024, 6, 1, &today);
	printf("issuing %u certificates in rosters of %u on %ld cores...\n", total, per,
	    cores);
	t0 = now();
	for (unsigned i = 0; i < total; i += per) {
		struct issue_opts o;
		struct issue_result res;
		double g = now();
		gen_roster(&b, i, per);
		gen += now() - g;
		memset(&o, 0, sizeof(o));
		o.org = ORG;
		o.roster_data = (const char *)b.data;
		o.roster_len = b.len;
		o.today = today;
		if (issue_roster(r, &o, &res, &e) != 0 || res.issued != per) {
			fprintf(stderr, "bench: roster at %u: %s\n", i, e.msg);
			return 1;
		}
		issue_result_free(&res);
	}
	t_issue = now() - t0 - gen;
	mdb_env_info(r->env, &info);
	mdb_env_stat(r->env, &st);

	/* The log's share: the same number of appends alone, same batching. */
	{
		struct tlog t;
		uint8_t leaf[TLOG_LEAF_LEN];
		uint64_t idx;
		memset(leaf, 7, sizeof(leaf));
		registry_txn_begin(r, 0, &txn, &e);
		tlog_open(txn, &t, 0, &e);
		mdb_txn_abort(txn);
		/* append into a scratch copy of the log dbis: a new registry */
		char p2[64];
		struct registry *r2;
		snprintf(p2, sizeof(p2), "%s/reg2", dir);
		if (make_registry(p2, &r2) != 0)
			return 1;
		t0 = now();
		for (unsigned i = 0; i < total; i += per) {
			registry_txn_begin(r2, 0, &txn, &e);
			for (unsigned j = 0; j < per; j++) {
				leaf[0] = (uint8_t)j;
				tlog_append(&r2->log, txn, leaf, sizeof(leaf), &idx, &e);
			}
			mdb_txn_commit(txn);
		}
		t_log = now() - t0;
		registry_close(r2);
	}
	registry_close(r);

	double rate = total / t_issue;
	double ossl = getenv("BENCH_NO_OPENSSL") ? 0 : openssl_sign_rate("ed25519");
	double bytes = (double)(info.me_last_pgno + 1) * st.ms_psize / total;
	printf("issuance:      %.0f certificates/s (%.2f s for %u)\n", rate, t_issue, total);
	printf("openssl speed: %.0f Ed25519 sign/s per core x %ld cores = %.0f/s\n",
	    ossl, cores, ossl * (double)cores);
	printf("ratio:         %.2f (target >= 0.70)\n", ossl > 0 ? rate / (ossl * (double)cores) : 0);
	printf("registry:      %.0f bytes per certificate without photo (target <= 1536)\n",
	    bytes);
	printf("log appends:   %.2f s of commits with appends alone = %.1f%% of issuance "
	    "(target: log costs < 10%%)\n", t_log, 100.0 * t_log / t_issue);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	buf_free(&b);
	return 0;
}
