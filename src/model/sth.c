/* sth.c - the signed tree head: the log's size, time and root, signed by
 * the log key, in a fixed 126-byte layout. */
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/endian.h"
#include "skillcert/model/sth.h"

#define HEAD_VERSION 1
/* The head's signature covers everything before it. */
#define HEAD_SIGNED_LEN (STH_LEN - KEY_SIG_LEN)
#define STH_CONTEXT "skillcert/sth/v1"

_Static_assert(30 + MERKLE_HASH_LEN + KEY_SIG_LEN == STH_LEN,
    "head layout");

void
sth_encode(const struct sth *h, uint8_t out[STH_LEN])
{
	memcpy(out, "SCTH", 4);
	out[4] = HEAD_VERSION;
	out[5] = (uint8_t)h->alg;
	memcpy(out + 6, h->kid, KEY_ID_LEN);
	be_put64(out + 14, h->size);
	be_put64(out + 22, (uint64_t)h->time);
	memcpy(out + 30, h->root, MERKLE_HASH_LEN);
	memcpy(out + HEAD_SIGNED_LEN, h->sig, KEY_SIG_LEN);
}

int
sth_decode(const uint8_t *p, size_t n, struct sth *h,
    struct err *e)
{
	struct rd r;
	uint8_t magic[4], version, alg;
	uint64_t t;

	if (p == NULL || n != STH_LEN)
		return err_set(e, ERR_INVALID,
		    "tree head: %zu bytes, expected %d", p == NULL ? 0 : n,
		    STH_LEN);
	memset(h, 0, sizeof(*h));
	r.p = p;
	r.end = p + n;
	if (rd_bytes(&r, magic, 4) != 0 || rd_u8(&r, &version) != 0 ||
	    rd_u8(&r, &alg) != 0 || rd_bytes(&r, h->kid, KEY_ID_LEN) != 0 ||
	    rd_u64(&r, &h->size) != 0 || rd_u64(&r, &t) != 0 ||
	    rd_bytes(&r, h->root, MERKLE_HASH_LEN) != 0 ||
	    rd_bytes(&r, h->sig, KEY_SIG_LEN) != 0)
		return err_set(e, ERR_INTERNAL, "tree head: layout mismatch");
	if (memcmp(magic, "SCTH", 4) != 0)
		return err_set(e, ERR_INVALID, "tree head: bad magic");
	if (version != HEAD_VERSION)
		return err_set(e, ERR_INVALID, "tree head: version %u unknown",
		    version);
	if (alg != KEY_ED25519 && alg != KEY_SM2)
		return err_set(e, ERR_INVALID,
		    "tree head: signature algorithm %u unknown", alg);
	h->alg = alg;
	h->time = (int64_t)t;
	return 0;
}

int
sth_sign(struct sth *h, const struct key *k, struct err *e)
{
	uint8_t enc[STH_LEN];

	if (k == NULL || !k->has_secret)
		return err_set(e, ERR_CRYPTO, "tree head: no secret key to sign");
	/* The head names its signer, so set them before encoding. */
	h->alg = k->alg;
	memcpy(h->kid, k->kid, KEY_ID_LEN);
	memset(h->sig, 0, KEY_SIG_LEN);
	sth_encode(h, enc);
	return key_sign(k, STH_CONTEXT, enc, HEAD_SIGNED_LEN, h->sig, e);
}

int
sth_verify(const struct sth *h, const struct key *k, struct err *e)
{
	uint8_t enc[STH_LEN];
	char want[2 * KEY_ID_LEN + 1], got[2 * KEY_ID_LEN + 1];

	if (k == NULL)
		return err_set(e, ERR_CRYPTO, "tree head: no key to verify");
	if (h->alg != k->alg || memcmp(h->kid, k->kid, KEY_ID_LEN) != 0) {
		key_id_hex(h->kid, got);
		key_id_hex(k->kid, want);
		return err_set(e, ERR_CRYPTO,
		    "tree head: signed by key %s, not %s", got, want);
	}
	sth_encode(h, enc);
	return key_verify(k, STH_CONTEXT, enc, HEAD_SIGNED_LEN, h->sig, e);
}
