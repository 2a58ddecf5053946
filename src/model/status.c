/* status.c - the per-head revocation status commitment (status.h). */
#include <string.h>

#include "skillcert/base/endian.h"
#include "skillcert/model/sha256.h"
#include "skillcert/model/status.h"

#define STATUS_CONTEXT "skillcert/status/v1"
#define STATUS_MSG_LEN (STH_LEN + 4 + MERKLE_HASH_LEN)

void
status_leaf_hash(const char group[STATUS_GROUP_LEN], uint32_t bits,
    const uint8_t *bitstring, uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t leaf[STATUS_LEAF_LEN];

	memcpy(leaf, group, STATUS_GROUP_LEN);
	be_put32(leaf + STATUS_GROUP_LEN, bits);
	sha256_bytes(bitstring, STATUS_BYTES(bits), leaf + STATUS_GROUP_LEN + 4);
	merkle_hash_leaf(leaf, sizeof(leaf), out);
}

int
status_bit(const uint8_t *bitstring, uint32_t s)
{
	return (bitstring[s / 8] >> (7 - s % 8)) & 1;
}

void
status_set_bit(uint8_t *bitstring, uint32_t s)
{
	bitstring[s / 8] |= (uint8_t)(0x80 >> (s % 8));
}

void
status_encode(const struct status_head *s, uint8_t out[STATUS_LEN])
{
	be_put64(out, s->size);
	be_put32(out + 8, s->ngroups);
	memcpy(out + 12, s->root, MERKLE_HASH_LEN);
	memcpy(out + 12 + MERKLE_HASH_LEN, s->sig, KEY_SIG_LEN);
}

int
status_decode(const uint8_t *p, size_t n, struct status_head *s,
    struct err *e)
{
	if (n != STATUS_LEN)
		return err_set(e, ERR_INVALID, "status commitment: %zu bytes, want %d",
		    n, STATUS_LEN);
	s->size = be_get64(p);
	s->ngroups = be_get32(p + 8);
	memcpy(s->root, p + 12, MERKLE_HASH_LEN);
	memcpy(s->sig, p + 12 + MERKLE_HASH_LEN, KEY_SIG_LEN);
	return 0;
}

static void
status_message(const struct status_head *s, const struct sth *h,
    uint8_t msg[STATUS_MSG_LEN])
{
	sth_encode(h, msg);
	be_put32(msg + STH_LEN, s->ngroups);
	memcpy(msg + STH_LEN + 4, s->root, MERKLE_HASH_LEN);
}

int
status_sign(struct status_head *s, const struct sth *h, const struct key *k,
    struct err *e)
{
	uint8_t msg[STATUS_MSG_LEN];

	if (s->size != h->size)
		return err_set(e, ERR_INVALID, "status list of size %llu for a head "
		    "of %llu", (unsigned long long)s->size, (unsigned long long)h->size);
	status_message(s, h, msg);
	return key_sign(k, STATUS_CONTEXT, msg, sizeof(msg), s->sig, e);
}

int
status_verify(const struct status_head *s, const struct sth *h,
    const struct key *k, struct err *e)
{
	uint8_t msg[STATUS_MSG_LEN];

	if (s->size != h->size)
		return err_set(e, ERR_CRYPTO, "the status list is of another tree head");
	status_message(s, h, msg);
	return key_verify(k, STATUS_CONTEXT, msg, sizeof(msg), s->sig, e);
}
