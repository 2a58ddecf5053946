/* sth.h - the signed tree head of the transparency log. */
#ifndef SKILLCERT_STH_H
#define SKILLCERT_STH_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/merkle.h"

/* Signed tree head. Encoding: "SCTH" u8 version(1) u8 alg kid[8]
 * u64 size i64 time root[32] sig[64] (126 bytes); the signature covers
 * context "skillcert/sth/v1" and the bytes before sig. */
#define STH_LEN 126
struct sth {
	uint64_t size;
	int64_t time;
	uint8_t root[MERKLE_HASH_LEN];
	int alg;
	uint8_t kid[KEY_ID_LEN];
	uint8_t sig[KEY_SIG_LEN];
};
void sth_encode(const struct sth *h, uint8_t out[STH_LEN]);
int sth_decode(const uint8_t *p, size_t n, struct sth *h, struct err *e);
int sth_sign(struct sth *h, const struct key *k, struct err *e);
int sth_verify(const struct sth *h, const struct key *k, struct err *e);

#endif
