/* bench_verify.c - offline verifications per second (token decode, bundle
 * lookups, credential check, certificate signature, scope, validity,
 * revocation search) next to `openssl speed`'s verify rate for the same
 * algorithm, measured in the same run. Target ratio >= 0.8.
 *   bench_verify [SECONDS]   (default 3 per algorithm) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/publish/bundle.h"
#include "skillcert/trust/trust.h"
#include "skillcert/trust/verify.h"

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
	r = gen_registry(path);
	if (registry_txn_begin(r, 0, &txn, &e) ||
	    gen_org(r, txn, orgs[1], "养老护理员:5-1", KEY_SM2, &e) ||
	    mdb_txn_commit(txn))
		goto fail;
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
	if (bundle_build(r, txn, &b, &e) || trust_parse(b.data, b.len, &t, &e))
		goto fail;
	mdb_txn_commit(txn);
	registry_close(r);

	printf("trust bundle: %zu organizations, %zu revocations, %zu bytes\n",
	    t.norgs, t.nrevs, b.len);
	for (int i = 0; i < 2; i++) {
		struct verify_result res;
		long n = 0;
		double t0 = gen_now(), el;
		do {
			for (int k = 0; k < 64; k++, n++) {
				verify_token(&t, (char *)tok[i].data, tok[i].len, &res);
				if (res.verdict != VERDICT_VALID) {
					fprintf(stderr, "bench: verdict %d\n", res.verdict);
					return 1;
				}
			}
			el = gen_now() - t0;
		} while (el < secs);
		double rate = (double)n / el, ossl = gen_openssl_speed(algs[i], 1);
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
