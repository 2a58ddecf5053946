/* logleaf.h - a transparency log leaf: one issuance or revocation. */
#ifndef SKILLCERT_LOGLEAF_H
#define SKILLCERT_LOGLEAF_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/model/merkle.h"

enum logleaf_event { LOGLEAF_ISSUE = 1, LOGLEAF_REVOKE = 2 };

/* A leaf holds no personal data. Encoding: u8 version(1) u8 event
 * char certno[22] u8 occ[4] u8 level i32 assessed_on i32 issued_on
 * i64 time (unix seconds) u8 reason cert_hash[32]  (fixed 78 bytes). */
#define LOGLEAF_LEN 78
struct logleaf {
	int event;
	char certno[23];
	uint8_t occ[4];
	int level;
	int32_t assessed_on, issued_on;  /* days since 1970-01-01 */
	int64_t time;
	int reason;                      /* revocation reason, 0 for issue */
	uint8_t cert_hash[MERKLE_HASH_LEN]; /* SHA-256(enc || sig) */
};
void logleaf_encode(const struct logleaf *l, uint8_t out[LOGLEAF_LEN]);
int logleaf_decode(const uint8_t *p, size_t n, struct logleaf *l, struct err *e);

#endif
