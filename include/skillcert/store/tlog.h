/* tlog.h - the append-only transparency log: RFC 6962 / RFC 9162 Merkle
 * tree (SHA-256, leaf prefix 0x00, node prefix 0x01, split at the largest
 * power of two below n) stored in LMDB beside the records it logs, so an
 * append happens in the same write transaction as the issuance.
 *
 * Storage (named databases inside the registry's environment):
 *   log_leaves  u64 index (BE)          -> leaf bytes
 *   log_nodes   u8 level || u64 index   -> 32-byte hash of the complete
 *               subtree covering leaves [index<<level, (index+1)<<level)
 *   log_heads   u64 size (BE)           -> signed tree head encoding
 * With every complete subtree stored, roots and proofs cost O(log n) gets. */
#ifndef SKILLCERT_TLOG_H
#define SKILLCERT_TLOG_H

#include <stddef.h>
#include <stdint.h>
#include <lmdb.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/logleaf.h"
#include "skillcert/model/merkle.h"
#include "skillcert/model/sth.h"

/* The stored log. */
struct tlog {
	MDB_dbi leaves, nodes, heads;
};
/* Opens (creating when create != 0, in a write txn) the three databases. */
int tlog_open(MDB_txn *txn, struct tlog *t, int create, struct err *e);
uint64_t tlog_size(const struct tlog *t, MDB_txn *txn);
/* Appends one leaf (any bytes; the registry passes a logleaf encoding)
 * and the complete-subtree hashes it completes. */
int tlog_append(const struct tlog *t, MDB_txn *txn, const uint8_t *leaf,
    size_t n, uint64_t *index, struct err *e);
int tlog_get_leaf(const struct tlog *t, MDB_txn *txn, uint64_t index,
    const uint8_t **p, size_t *n, struct err *e);
/* Root of the first `size` leaves from stored subtree hashes. */
int tlog_root(const struct tlog *t, MDB_txn *txn, uint64_t size,
    uint8_t out[MERKLE_HASH_LEN], struct err *e);
int tlog_prove_inclusion(const struct tlog *t, MDB_txn *txn, uint64_t index,
    uint64_t size, uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath, struct err *e);
int tlog_prove_consistency(const struct tlog *t, MDB_txn *txn, uint64_t m,
    uint64_t n, uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath, struct err *e);
/* Stores a signed head (key = size). */
int tlog_put_head(const struct tlog *t, MDB_txn *txn, const struct sth *h,
    struct err *e);
/* Latest stored head; ERR_NOTFOUND if none. */
int tlog_latest_head(const struct tlog *t, MDB_txn *txn, struct sth *h,
    struct err *e);
/* Recomputes every stored subtree hash and the root from the leaves alone;
 * reports the first mismatch (index or node) in e. */
int tlog_audit_tree(const struct tlog *t, MDB_txn *txn, struct err *e);

#endif
