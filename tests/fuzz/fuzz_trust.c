/* fuzz_trust.c - the trust bundle parser (without its signature check, so
 * the fuzzer reaches the structure) and the server proof parser that
 * `verify --online` reads. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/trust/trust.h"
#include "skillcert/trust/verify.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust t;
	struct sth h;
	uint8_t leaf[LOGLEAF_LEN], path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
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
	    &np, why, sizeof(why)) == 0 && np > MERKLE_PROOF_MAX)
		abort();
	return 0;
}
