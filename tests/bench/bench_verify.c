/* bench_verify.c - offline verifications per second (token decode, bundle
 * lookups, credential check, certificate signature, scope, validity,
 * revocation search) next to `openssl speed`'s verify rate for the same
 * algorithm, measured in the same run. Target ratio >= 0.8.
 *   bench_verify [SECONDS]   (default 3 per algorithm) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "skillcert/issue.h"
#include "skillcert/trust.h"
#include "skillcert/verify.h"

static double
now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double
openssl_verify_rate(const char *alg)
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
			rate = v;
	}
	pclose(p);
	return rate;
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3;
	char dir[] = "/tmp/scbvXXXXXX", path[64], cmd[96];
	const char *orgs[2] = { "S000036000001", "S000036000002" };
	const char *algs[2] = { "ed25519", "sm2" };
	struct registry *r;
	struct err e;
	MDB_txn *txn;
	struct buf b = BUF_INIT, tok[2] = { BUF_INIT, BUF_INIT };
	struct trust t;
	int32_t today;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/reg", dir);
	date_from_ymd(2024, 6, 1, &today);
	if (registry_init(path, NULL, 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(&r, path, NULL, 0, &e) || registry_load_secrets(r, NULL, &e) ||
	    registry_txn_begin(r, 0, &txn, &e))
		goto fail;
	for (int i = 0; i < 2; i++) {
		struct org o;
		memset(&o, 0, sizeof(o));
		strcpy(o.code, orgs[i]);
		o.type = 'S';
		strcpy(o.name, "评价机构");
		o.status = ORG_ACTIVE;
		date_from_ymd(2020, 1, 1, &o.valid_from);
		date_from_ymd(2030, 12, 31, &o.valid_to);
		if (org_scope_parse(&r->cat, "养老护理员:5-1", &o, &e) ||
		    registry_org_new_key(r, txn, &o, i ? KEY_SM2 : KEY_ED25519,
		    o.valid_from, NULL, &e) || registry_put_org(r, txn, &o, &e))
			goto fail;
	}
	if (mdb_txn_commit(txn))
		return 1;
	/* 2,000 issued and 200 revoked, so the revocation search is real. */
	for (int i = 0; i < 2; i++) {
		struct issue_opts o;
		struct issue_result res;
		memset(&o, 0, sizeof(o));
		gen_roster(&b, (unsigned)i * 1000, 1000);
		o.org = orgs[i];
		o.roster_data = (const char *)b.data;
		o.roster_len = b.len;
		o.today = today;
		if (issue_roster(r, &o, &res, &e))
			goto fail;
		issue_result_free(&res);
	}
	if (registry_txn_begin(r, 0, &txn, &e))
		goto fail;
	for (int s = 2; s <= 200; s += 2) {
		char no[CERTNO_LEN + 1];
		snprintf(no, sizeof(no), "%s245%06d", orgs[0], s);
		registry_revoke(r, txn, no, REV_ISSUED_IN_ERROR, NULL, r->authority.kid, &e);
	}
	for (int i = 0; i < 2; i++) {
		struct cert_record rec;
		char no[CERTNO_LEN + 1];
		snprintf(no, sizeof(no), "%s245%06d", orgs[i], 199);
		if (registry_get_cert(r, txn, no, &rec, &e) ||
		    cert_token(rec.enc, rec.enc_len, rec.sig, &tok[i], &e))
			goto fail;
		buf_cstr(&tok[i]);
	}
	if (trust_build(r, txn, &b, &e) || trust_parse(b.data, b.len, &t, &e))
		goto fail;
	mdb_txn_commit(txn);
	registry_close(r);

	printf("trust bundle: %zu organizations, %zu revocations, %zu bytes\n",
	    t.norgs, t.nrevs, b.len);
	for (int i = 0; i < 2; i++) {
		struct verify_result res;
		long n = 0;
		double t0 = now(), el;
		do {
			for (int k = 0; k < 64; k++, n++) {
				verify_token(&t, (char *)tok[i].data, tok[i].len, &res);
				if (res.verdict != VERDICT_VALID) {
					fprintf(stderr, "bench: verdict %d\n", res.verdict);
					return 1;
				}
			}
			el = now() - t0;
		} while (el < secs);
		double rate = (double)n / el, ossl = openssl_verify_rate(algs[i]);
		printf("%-8s offline verify: %.0f/s   openssl speed verify: %.0f/s   "
		    "ratio %.2f (target >= 0.80)\n", algs[i], rate, ossl,
		    ossl > 0 ? rate / ossl : 0);
	}
	trust_free(&t);
	buf_free(&b);
	buf_free(&tok[0]);
	buf_free(&tok[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
fail:
	fprintf(stderr, "bench: %s\n", e.msg);
	return 1;
}
