/* fuzz_online.c - the server answers `verify --online` parses with
 * jansson (proof, status list, consistency), then the proof checks run
 * over whatever parsed: nothing may read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/online/answer.h"

static void
fuzz_online_status(const uint8_t *data, size_t size)
{
	struct answer_status s;
	uint8_t lh[MERKLE_HASH_LEN];

	if (answer_parse_status((const char *)data, size, &s, (char[128]){ 0 },
	    128) != 0)
		return;
	if (s.npath > MERKLE_PROOF_MAX || s.bits == 0 || s.bits > STATUS_BITS_MAX)
		abort();
	status_leaf_hash(s.group, s.bits, s.bitstring, lh);
	(void)status_bit(s.bitstring, s.bits - 1);
	(void)merkle_verify_inclusion(lh, s.index, s.st.ngroups,
	    (const uint8_t (*)[MERKLE_HASH_LEN])s.path, s.npath, s.st.root, NULL);
	answer_status_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct answer_proof p;
	struct answer_consistency c;
	uint8_t lh[MERKLE_HASH_LEN];
	char why[128];

	if (answer_parse_proof((const char *)data, size, &p, why,
	    sizeof(why)) == 0) {
		if (p.issued.npath > MERKLE_PROOF_MAX ||
		    p.revoked.npath > MERKLE_PROOF_MAX)
			abort();
		merkle_hash_leaf(p.issued.leaf, LOGLEAF_LEN, lh);
		(void)merkle_verify_inclusion(lh, p.issued.index, p.head.size,
		    (const uint8_t (*)[MERKLE_HASH_LEN])p.issued.path, p.issued.npath,
		    p.head.root, NULL);
	}
	fuzz_online_status(data, size);
	if (answer_parse_consistency((const char *)data, size, &c, why,
	    sizeof(why)) == 0 && c.npath > MERKLE_PROOF_MAX)
		abort();
	return 0;
}
