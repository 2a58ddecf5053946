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
#include "skillcert/err.h"
#include "skillcert/buf.h"
#include "skillcert/keys.h"

#define TLOG_HASH_LEN 32
#define TLOG_MAX_PROOF 64

enum tlog_event { TLOG_ISSUE = 1, TLOG_REVOKE = 2 };

/* A leaf holds no personal data. Encoding: u8 version(1) u8 event
 * char certno[22] u8 occ[4] u8 level i32 assessed_on i32 issued_on
 * i64 time (unix seconds) u8 reason cert_hash[32]  (fixed 78 bytes). */
#define TLOG_LEAF_LEN 78
struct tlog_leaf {
	int event;
	char certno[23];
	uint8_t occ[4];
	int level;
	int32_t assessed_on, issued_on;  /* days since 1970-01-01 */
	int64_t time;
	int reason;                      /* revocation reason, 0 for issue */
	uint8_t cert_hash[TLOG_HASH_LEN]; /* SHA-256(enc || sig) */
};
void tlog_leaf_encode(const struct tlog_leaf *l, uint8_t out[TLOG_LEAF_LEN]);
int tlog_leaf_decode(const uint8_t *p, size_t n, struct tlog_leaf *l, struct err *e);

/* Signed tree head. Encoding: "SCTH" u8 version(1) u8 alg kid[8]
 * u64 size i64 time root[32] sig[64] (126 bytes); the signature covers
 * context "skillcert/sth/v1" and the bytes before sig. */
#define TLOG_HEAD_LEN 126
struct tlog_head {
	uint64_t size;
	int64_t time;
	uint8_t root[TLOG_HASH_LEN];
	int alg;
	uint8_t kid[KEY_ID_LEN];
	uint8_t sig[KEY_SIG_LEN];
};
void tlog_head_encode(const struct tlog_head *h, uint8_t out[TLOG_HEAD_LEN]);
int tlog_head_decode(const uint8_t *p, size_t n, struct tlog_head *h, struct err *e);
int tlog_head_sign(struct tlog_head *h, const struct key *k, struct err *e);
int tlog_head_verify(const struct tlog_head *h, const struct key *k, struct err *e);

/* Pure hashing and proof checking (no LMDB), as RFC 9162 2.1. */
void tlog_hash_leaf(const uint8_t *data, size_t n, uint8_t out[TLOG_HASH_LEN]);
void tlog_hash_node(const uint8_t l[TLOG_HASH_LEN], const uint8_t r[TLOG_HASH_LEN],
    uint8_t out[TLOG_HASH_LEN]);
/* Root of leaf hashes lh[0..n) by the straightforward recursive definition
 * (the reference the stored tree is checked against). n = 0 gives SHA-256(""). */
void tlog_root_of(const uint8_t (*lh)[TLOG_HASH_LEN], uint64_t n,
    uint8_t out[TLOG_HASH_LEN]);
/* 0 if the proof is valid, ERR_CRYPTO if not, ERR_INVALID if malformed. */
int tlog_verify_inclusion(const uint8_t leaf_hash[TLOG_HASH_LEN], uint64_t index,
    uint64_t size, const uint8_t (*path)[TLOG_HASH_LEN], size_t npath,
    const uint8_t root[TLOG_HASH_LEN], struct err *e);
int tlog_verify_consistency(uint64_t m, uint64_t n,
    const uint8_t old_root[TLOG_HASH_LEN], const uint8_t new_root[TLOG_HASH_LEN],
    const uint8_t (*path)[TLOG_HASH_LEN], size_t npath, struct err *e);

/* The stored log. */
struct tlog {
	MDB_dbi leaves, nodes, heads;
};
/* Opens (creating when create != 0, in a write txn) the three databases. */
int tlog_open(MDB_txn *txn, struct tlog *t, int create, struct err *e);
uint64_t tlog_size(const struct tlog *t, MDB_txn *txn);
/* Appends one leaf (any bytes; the registry passes a tlog_leaf encoding)
 * and the complete-subtree hashes it completes. */
int tlog_append(const struct tlog *t, MDB_txn *txn, const uint8_t *leaf,
    size_t n, uint64_t *index, struct err *e);
int tlog_get_leaf(const struct tlog *t, MDB_txn *txn, uint64_t index,
    const uint8_t **p, size_t *n, struct err *e);
/* Root of the first `size` leaves from stored subtree hashes. */
int tlog_root(const struct tlog *t, MDB_txn *txn, uint64_t size,
    uint8_t out[TLOG_HASH_LEN], struct err *e);
int tlog_prove_inclusion(const struct tlog *t, MDB_txn *txn, uint64_t index,
    uint64_t size, uint8_t (*path)[TLOG_HASH_LEN], size_t *npath, struct err *e);
int tlog_prove_consistency(const struct tlog *t, MDB_txn *txn, uint64_t m,
    uint64_t n, uint8_t (*path)[TLOG_HASH_LEN], size_t *npath, struct err *e);
/* Stores a signed head (key = size). */
int tlog_put_head(const struct tlog *t, MDB_txn *txn, const struct tlog_head *h,
    struct err *e);
/* Latest stored head; ERR_NOTFOUND if none. */
int tlog_latest_head(const struct tlog *t, MDB_txn *txn, struct tlog_head *h,
    struct err *e);
/* Recomputes every stored subtree hash and the root from the leaves alone;
 * reports the first mismatch (index or node) in e. */
int tlog_audit_tree(const struct tlog *t, MDB_txn *txn, struct err *e);

#endif
