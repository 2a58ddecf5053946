/* stlist.h - the revocation status lists (model/status.h) in the
 * registry, rebuilt and signed with each tree head.
 *
 * meta "status_head"     the latest commitment (status_encode)
 * meta "status_groups"   its groups, sorted: ngroups x 16 bytes
 * meta "status_leaves"   their leaf hashes in that order: ngroups x 32
 * meta "status/" GROUP   u32 bits || bitstring, as of that head */
#ifndef SKILLCERT_STLIST_H
#define SKILLCERT_STLIST_H

#include "skillcert/model/status.h"
#include "skillcert/store/registry.h"

/* Rebuilds every group's bitstring from the sequences and the revocation
 * list, and signs their tree with h (the log key, loaded). */
int stlist_sign_put(struct registry *r, MDB_txn *txn, const struct sth *h,
    struct err *e);

/* The group of certno as of the latest commitment, into the map (valid
 * while txn). ERR_NOTFOUND if none covers it. */
struct stlist_entry {
	struct status_head head;
	uint32_t index;                /* of the group among head.ngroups */
	const uint8_t (*leaves)[MERKLE_HASH_LEN];
	uint32_t bits;
	const uint8_t *bitstring;      /* STATUS_BYTES(bits) bytes */
};
int stlist_get(struct registry *r, MDB_txn *txn, const char *certno,
    struct stlist_entry *out, struct err *e);

#endif
