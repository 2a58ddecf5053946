/* fuzz_trust.c - the trust bundle parser (without its signature check, so
 * the fuzzer reaches the structure) and the server proof parser that
 * `verify --online` reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/trust.h"
#include "skillcert/verify.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust t;
	struct tlog_head h;
	uint8_t leaf[TLOG_LEAF_LEN], path[TLOG_MAX_PROOF][TLOG_HASH_LEN];
	uint64_t index;
	size_t np;
	char why[128];

	if (trust_parse_unverified(data, size, &t, NULL) == 0) {
		/* lookups over whatever parsed */
		for (size_t i = 0; i < t.norgs; i++)
			if (trust_find_org(&t, t.orgs[i].org.code) == NULL)
				abort();
		trust_find_revoked(&t, "S000036000001245000001", NULL, NULL);
		trust_free(&t);
	}
	if (verify_parse_proof((const char *)data, size, &h, leaf, &index, path,
	    &np, why, sizeof(why)) == 0 && np > TLOG_MAX_PROOF)
		abort();
	return 0;
}
