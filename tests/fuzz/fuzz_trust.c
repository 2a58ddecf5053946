/* fuzz_trust.c - the trust bundle parser (without its signature check, so
 * the fuzzer reaches the structure). The server answers `verify --online`
 * reads are fuzzed by fuzz_online.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/trust/trust.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trust t;

	if (trust_parse_unverified(data, size, &t, NULL) == 0) {
		/* lookups over whatever parsed */
		for (size_t i = 0; i < t.norgs; i++)
			if (trust_find_org(&t, t.orgs[i].org.code) == NULL)
				abort();
		trust_find_revoked(&t, "S000036000001245000001", NULL, NULL);
		trust_free(&t);
	}
	return 0;
}
