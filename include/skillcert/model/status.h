/* status.h - the revocation status list signed with each tree head.
 *
 * Certificate numbers are contiguous within a group: organization code,
 * two-digit year and level (the first 16 characters of the number). Each
 * group has a bitstring, bit s (most significant bit of byte 0 is bit 0)
 * set when the certificate with sequence number s is revoked; bits =
 * highest sequence issued + 1. A group's leaf is
 *   group[16] || u32 bits || SHA-256(bitstring)          (52 bytes)
 * and the leaves, sorted by group, form an RFC 9162 Merkle tree. The log
 * key signs, under context "skillcert/status/v1",
 *   sth_encode(head) || u32 ngroups || root[32]
 * so one signature a head commits to every group's status as of it.
 * Encoding of the commitment: u64 tree size || u32 ngroups || root[32] ||
 * sig[64] (108 bytes). */
#ifndef SKILLCERT_STATUS_H
#define SKILLCERT_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/sth.h"

#define STATUS_GROUP_LEN 16
#define STATUS_LEAF_LEN (STATUS_GROUP_LEN + 4 + 32)
#define STATUS_LEN 108
#define STATUS_BITS_MAX 1000000u          /* sequence numbers 1..999999 */
#define STATUS_BYTES(bits) (((size_t)(bits) + 7) / 8)

struct status_head {
	uint64_t size;                 /* the tree head it was signed with */
	uint32_t ngroups;
	uint8_t root[MERKLE_HASH_LEN];
	uint8_t sig[KEY_SIG_LEN];
};

/* The Merkle leaf hash of one group's bitstring (STATUS_BYTES(bits) bytes). */
void status_leaf_hash(const char group[STATUS_GROUP_LEN], uint32_t bits,
    const uint8_t *bitstring, uint8_t out[MERKLE_HASH_LEN]);
/* 1 if bit s is set. s must be below bits. */
int status_bit(const uint8_t *bitstring, uint32_t s);
void status_set_bit(uint8_t *bitstring, uint32_t s);
void status_encode(const struct status_head *s, uint8_t out[STATUS_LEN]);
int status_decode(const uint8_t *p, size_t n, struct status_head *s,
    struct err *e);
/* Signs (s->size, ngroups, root) together with h, which must be of the
 * same size. */
int status_sign(struct status_head *s, const struct sth *h,
    const struct key *k, struct err *e);
/* 0 if s is signed by k together with exactly h; ERR_CRYPTO if not. */
int status_verify(const struct status_head *s, const struct sth *h,
    const struct key *k, struct err *e);

#endif
