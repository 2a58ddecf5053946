/* logleaf.c - the transparency log's leaf: one issuance or revocation,
 * without personal data, in a fixed 78-byte layout. */
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/endian.h"
#include "skillcert/model/logleaf.h"

#define LEAF_VERSION 1

/* The offsets below are the header's field list; keep them in step. */
_Static_assert(46 + MERKLE_HASH_LEN == LOGLEAF_LEN, "leaf layout");

void
logleaf_encode(const struct logleaf *l, uint8_t out[LOGLEAF_LEN])
{
	size_t n;

	memset(out, 0, LOGLEAF_LEN);
	out[0] = LEAF_VERSION;
	out[1] = (uint8_t)l->event;
	n = strnlen(l->certno, sizeof(l->certno) - 1);
	memcpy(out + 2, l->certno, n);
	memcpy(out + 24, l->occ, 4);
	out[28] = (uint8_t)l->level;
	be_put32(out + 29, (uint32_t)l->assessed_on);
	be_put32(out + 33, (uint32_t)l->issued_on);
	be_put64(out + 37, (uint64_t)l->time);
	out[45] = (uint8_t)l->reason;
	memcpy(out + 46, l->cert_hash, MERKLE_HASH_LEN);
}

int
logleaf_decode(const uint8_t *p, size_t n, struct logleaf *l,
    struct err *e)
{
	struct rd r;
	uint8_t version, event, level, reason;
	uint32_t a, b;
	uint64_t t;
	int i;

	if (p == NULL || n != LOGLEAF_LEN)
		return err_set(e, ERR_INVALID, "log leaf: %zu bytes, expected %d",
		    p == NULL ? 0 : n, LOGLEAF_LEN);
	memset(l, 0, sizeof(*l));
	r.p = p;
	r.end = p + n;
	if (rd_u8(&r, &version) != 0 || rd_u8(&r, &event) != 0 ||
	    rd_bytes(&r, l->certno, sizeof(l->certno) - 1) != 0 ||
	    rd_bytes(&r, l->occ, 4) != 0 || rd_u8(&r, &level) != 0 ||
	    rd_u32(&r, &a) != 0 || rd_u32(&r, &b) != 0 ||
	    rd_u64(&r, &t) != 0 || rd_u8(&r, &reason) != 0 ||
	    rd_bytes(&r, l->cert_hash, MERKLE_HASH_LEN) != 0)
		return err_set(e, ERR_INTERNAL, "log leaf: layout mismatch");
	l->certno[sizeof(l->certno) - 1] = '\0';

	if (version != LEAF_VERSION)
		return err_set(e, ERR_INVALID, "log leaf: version %u unknown",
		    version);
	if (event != LOGLEAF_ISSUE && event != LOGLEAF_REVOKE)
		return err_set(e, ERR_INVALID, "log leaf: event %u unknown",
		    event);
	/* Shape only ([SY] and 21 digits); certno_parse owns the meaning. */
	if (l->certno[0] != 'S' && l->certno[0] != 'Y')
		return err_set(e, ERR_INVALID,
		    "log leaf: certificate number byte 0 is not S or Y");
	for (i = 1; i < (int)sizeof(l->certno) - 1; i++)
		if (l->certno[i] < '0' || l->certno[i] > '9')
			return err_set(e, ERR_INVALID,
			    "log leaf: certificate number byte %d is not a "
			    "digit", i);
	if (level < 1 || level > 5)
		return err_set(e, ERR_INVALID, "log leaf: level %u not 1..5",
		    level);
	if (event == LOGLEAF_ISSUE && reason != 0)
		return err_set(e, ERR_INVALID,
		    "log leaf: issuance with revocation reason %u", reason);
	l->event = event;
	l->level = level;
	l->assessed_on = (int32_t)a;
	l->issued_on = (int32_t)b;
	l->time = (int64_t)t;
	l->reason = reason;
	return 0;
}

