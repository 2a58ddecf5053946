/* merkle.h - RFC 6962 / RFC 9162 Merkle tree hashing (SHA-256, leaf prefix
 * 0x00, node prefix 0x01, split at the largest power of two below n) and
 * proof checking, without storage. */
#ifndef SKILLCERT_MERKLE_H
#define SKILLCERT_MERKLE_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

#define MERKLE_HASH_LEN 32
#define MERKLE_PROOF_MAX 64


/* Pure hashing and proof checking (no LMDB), as RFC 9162 2.1. */
void merkle_hash_leaf(const uint8_t *data, size_t n, uint8_t out[MERKLE_HASH_LEN]);
void merkle_hash_node(const uint8_t l[MERKLE_HASH_LEN], const uint8_t r[MERKLE_HASH_LEN],
    uint8_t out[MERKLE_HASH_LEN]);
/* Root of leaf hashes lh[0..n) by the straightforward recursive definition
 * (the reference the stored tree is checked against). n = 0 gives SHA-256(""). */
void merkle_root_of(const uint8_t (*lh)[MERKLE_HASH_LEN], uint64_t n,
    uint8_t out[MERKLE_HASH_LEN]);
/* PATH(index, lh[0..n)) by the recursive definition (RFC 9162 2.1.3.1),
 * for trees held in memory: 0, or -1 if index >= n. */
int merkle_path_of(const uint8_t (*lh)[MERKLE_HASH_LEN], uint64_t n,
    uint64_t index, uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath);
/* 0 if the proof is valid, ERR_CRYPTO if not, ERR_INVALID if malformed. */
int merkle_verify_inclusion(const uint8_t leaf_hash[MERKLE_HASH_LEN], uint64_t index,
    uint64_t size, const uint8_t (*path)[MERKLE_HASH_LEN], size_t npath,
    const uint8_t root[MERKLE_HASH_LEN], struct err *e);
int merkle_verify_consistency(uint64_t m, uint64_t n,
    const uint8_t old_root[MERKLE_HASH_LEN], const uint8_t new_root[MERKLE_HASH_LEN],
    const uint8_t (*path)[MERKLE_HASH_LEN], size_t npath, struct err *e);

/* SHA-256(""), the root of the empty tree. */
extern const uint8_t merkle_empty_root[MERKLE_HASH_LEN];
/* Largest power of two strictly below n (n >= 2): the RFC's split k. */
uint64_t merkle_split(uint64_t n);
/* Lengths of well-formed proofs, shared by generation and verification. */
size_t merkle_inclusion_len(uint64_t index, uint64_t size);
size_t merkle_consistency_len(uint64_t m, uint64_t n);

#endif
