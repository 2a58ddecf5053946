/* embed_verify.c - the smallest program an employer's app would write to
 * check a certificate offline: it links the trust library alone (with
 * model and base under it, and OpenSSL), no LMDB, libharu, libevent or
 * HarfBuzz, which tests/cli/embed_verify.sh checks with ldd and nm.
 *   embed_verify BUNDLE TOKEN      exit: 0 valid, 1 invalid, 2 revoked,
 *                                  3 cannot tell, 64 usage, 66 no bundle */
#include <stdio.h>
#include <string.h>

#include "skillcert/trust/trust.h"
#include "skillcert/trust/verify.h"

int
main(int argc, char **argv)
{
	struct trust t;
	struct verify_result res;
	struct err e;

	if (argc != 3) {
		fprintf(stderr, "usage: embed_verify BUNDLE TOKEN\n");
		return 64;
	}
	if (trust_load(argv[1], &t, &e) != 0) {
		fprintf(stderr, "embed_verify: %s\n", e.msg);
		return 66;
	}
	verify_token(&t, argv[2], strlen(argv[2]), &res);
	printf("%s %s\n", verify_verdict_name(res.verdict),
	    res.have_cert ? res.cert.no : "-");
	for (int i = 0; i < res.nchecks; i++)
		printf("  %s: %s\n", res.checks[i].name, res.checks[i].ok == 1 ?
		    "ok" : res.checks[i].ok == 0 ? "failed" : "cannot tell");
	trust_free(&t);
	return res.verdict;
}
