/* bench_issue.c - issuance throughput: 100,000 synthetic certificates in
 * rosters of 1,000 (parse, validate, number, sign on every core, store,
 * log, tree head, commit), next to `openssl speed ed25519` sign/s x cores
 * measured in the same run; registry bytes per certificate; and the share
 * of the time the transparency log's appends take.
 * The log's cost is measured by issuing the same rosters once more into a
 * registry with log appends switched off. Then the QR URL length of
 * every certificate issued (min, median, p99, max; the limit is 300).
 *   bench_issue [TOTAL [ROSTER]]  (defaults 100000 1000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/registry.h"

#define ORG GEN_ORG

/* Issues TOTAL synthetic certificates in rosters of PER into r; returns
 * the seconds spent issuing (roster generation excluded), < 0 on failure. */
static double
issue_all(struct registry *r, unsigned total, unsigned per, int32_t today)
{
	struct buf b = BUF_INIT;
	struct err e;
	double spent = 0;

	for (unsigned i = 0; i < total; i += per) {
		struct issue_opts o;
		struct issue_result res;
		double t0;
		gen_roster(&b, i, per);
		memset(&o, 0, sizeof(o));
		o.org = ORG;
		o.roster_data = (const char *)b.data;
		o.roster_len = b.len;
		o.today = today;
		t0 = gen_now();
		if (issue_roster(r, &o, &res, &e) != 0 || res.issued != per) {
			fprintf(stderr, "bench: roster at %u: %s\n", i, e.msg);
			buf_free(&b);
			return -1;
		}
		spent += gen_now() - t0;
		issue_result_free(&res);
	}
	buf_free(&b);
	return spent;
}

#define URL_LEN_CAP 1024

struct url_stats {
	const char *public_url;
	unsigned long hist[URL_LEN_CAP + 1];
	unsigned long n, over;
	struct buf tok, url;
	int failed;
};

static int
url_len_of(const struct cert_record *rec, void *arg)
{
	struct url_stats *u = arg;
	struct err e;
	size_t len;

	if (cert_token(rec->enc, rec->enc_len, rec->sig, &u->tok, &e) != 0 ||
	    buf_cstr(&u->tok) == NULL) {
		u->failed = 1;
		return 1;
	}
	/* ERR_FULL still leaves the URL built: count it as over. */
	if (cert_token_url(u->public_url, (char *)u->tok.data, &u->url, &e) != 0)
		u->over++;
	len = u->url.len < URL_LEN_CAP ? u->url.len : URL_LEN_CAP;
	u->hist[len]++;
	u->n++;
	return 0;
}

/* The length at fraction q of the sorted lengths. */
static size_t
url_quantile(const struct url_stats *u, double q)
{
	unsigned long want = (unsigned long)(q * (double)(u->n - 1)), seen = 0;

	for (size_t l = 0; l <= URL_LEN_CAP; l++) {
		seen += u->hist[l];
		if (seen > want)
			return l;
	}
	return URL_LEN_CAP;
}

static int
url_report(struct registry *r)
{
	static struct url_stats u;
	struct err e;
	MDB_txn *txn;
	int rc;

	memset(&u, 0, sizeof(u));
	u.public_url = r->public_url;
	if (registry_txn_begin(r, 1, &txn, &e) != 0)
		return -1;
	rc = registry_each_cert(r, txn, "", url_len_of, &u, &e);
	mdb_txn_abort(txn);
	buf_free(&u.tok);
	buf_free(&u.url);
	if (rc != 0 || u.failed || u.n == 0)
		return -1;
	printf("QR URL length: min %zu, median %zu, p99 %zu, max %zu characters "
	    "over %lu certificates (token v2; %lu over the %d limit)\n",
	    url_quantile(&u, 0), url_quantile(&u, 0.5), url_quantile(&u, 0.99),
	    url_quantile(&u, 1), u.n, u.over, CERT_TOKEN_URL_MAX);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned total = argc > 1 ? (unsigned)atoi(argv[1]) : 100000;
	unsigned per = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
	char dir[] = "/tmp/scbenchXXXXXX", path[64], cmd[96];
	struct registry *r;
	double t_issue, t_log;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	MDB_envinfo info;
	MDB_stat st;
	int32_t today;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/reg", dir);
	r = gen_registry(path);
	date_from_ymd(2024, 6, 1, &today);
	printf("issuing %u certificates in rosters of %u on %ld cores...\n", total, per,
	    cores);
	if ((t_issue = issue_all(r, total, per, today)) < 0)
		return 1;
	mdb_env_info(r->env, &info);
	mdb_env_stat(r->env, &st);
	if (url_report(r) != 0) {
		fprintf(stderr, "bench: cannot measure the QR URL lengths\n");
		return 1;
	}

	/* The log's cost: the same issuance into a registry that skips the
	 * log appends (a benchmark-only switch). */
	{
		char p2[64];
		struct registry *r2;
		snprintf(p2, sizeof(p2), "%s/reg2", dir);
		r2 = gen_registry_flags(p2, REG_NO_LOG);
		if ((t_log = issue_all(r2, total, per, today)) < 0)
			return 1;
		registry_close(r2);
	}
	registry_close(r);

	double rate = total / t_issue;
	double ossl = getenv("BENCH_NO_OPENSSL") ? 0 : gen_openssl_speed("ed25519", 0);
	double bytes = (double)(info.me_last_pgno + 1) * st.ms_psize / total;
	printf("issuance:      %.0f certificates/s (%.2f s for %u)\n", rate, t_issue, total);
	printf("openssl speed: %.0f Ed25519 sign/s per core x %ld cores = %.0f/s\n",
	    ossl, cores, ossl * (double)cores);
	printf("ratio:         %.2f (target >= 0.70)\n", ossl > 0 ? rate / (ossl * (double)cores) : 0);
	printf("registry:      %.0f bytes per certificate without photo (target <= 1536)\n",
	    bytes);
	printf("without log:   %.0f certificates/s; the log costs %.1f%% of "
	    "throughput (target < 10%%)\n", total / t_log,
	    100.0 * (1.0 - t_log / t_issue));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return 0;
}
