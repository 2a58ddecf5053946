/* fuzz_tlog.c - the log's decoders and proof verifiers on arbitrary bytes.
 *
 * The first byte picks a target:
 *   0 leaf decode      must not crash; what decodes re-encodes to the input
 *   1 head decode      the same
 *   2 inclusion        index, size, leaf hash, root and path from the input
 *   3 consistency      sizes, roots and path from the input
 *   4 self-check       a small tree from the input: the RFC proof verifies,
 *                      the same proof with one bit flipped does not */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/store/tlog.h"

#define HL MERKLE_HASH_LEN

static uint64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Sizes near the edges matter most: most inputs get small ones. */
static uint64_t
pick_size(const uint8_t *p, uint8_t mode)
{
	uint64_t v = be64(p);

	switch (mode & 3) {
	case 0: return v & 0xff;
	case 1: return v & 0xffff;
	case 2: return v >> (v & 63);
	default: return v;
	}
}

static void
fuzz_leaf(const uint8_t *p, size_t n)
{
	uint8_t enc[LOGLEAF_LEN];
	struct logleaf l;
	struct err e;

	if (logleaf_decode(p, n, &l, &e) != 0)
		return;
	logleaf_encode(&l, enc);
	if (n != LOGLEAF_LEN || memcmp(enc, p, n) != 0)
		abort();
}

static void
fuzz_head(const uint8_t *p, size_t n)
{
	uint8_t enc[STH_LEN];
	struct sth h;
	struct err e;

	if (sth_decode(p, n, &h, &e) != 0)
		return;
	sth_encode(&h, enc);
	if (n != STH_LEN || memcmp(enc, p, n) != 0)
		abort();
}

static int
valid_code(int rc)
{
	return rc == 0 || rc == ERR_INVALID || rc == ERR_CRYPTO;
}

static void
fuzz_inclusion(const uint8_t *p, size_t n)
{
	uint64_t index, size;
	struct err e;
	size_t np;

	if (n < 1 + 16 + 2 * HL)
		return;
	index = pick_size(p + 1, p[0]);
	size = pick_size(p + 9, p[0] >> 2);
	np = (n - 17 - 2 * HL) / HL;
	if (!valid_code(merkle_verify_inclusion(p + 17, index, size,
	    np ? (const uint8_t (*)[HL])(p + 17 + 2 * HL) : NULL, np,
	    p + 17 + HL, &e)))
		abort();
}

static void
fuzz_consistency(const uint8_t *p, size_t n)
{
	uint64_t m, size;
	struct err e;
	size_t np;

	if (n < 1 + 16 + 2 * HL)
		return;
	m = pick_size(p + 1, p[0]);
	size = pick_size(p + 9, p[0] >> 2);
	np = (n - 17 - 2 * HL) / HL;
	if (!valid_code(merkle_verify_consistency(m, size, p + 17, p + 17 + HL,
	    np ? (const uint8_t (*)[HL])(p + 17 + 2 * HL) : NULL, np, &e)))
		abort();
}

/* ---- self-check against the RFC 9162 recursive definitions ---- */

static uint64_t
split_of(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static void
ref_path(const uint8_t (*lh)[HL], uint64_t n, uint64_t m, uint8_t (*out)[HL],
    size_t *np)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split_of(n);
	if (m < k) {
		ref_path(lh, k, m, out, np);
		merkle_root_of(lh + k, n - k, out[(*np)++]);
	} else {
		ref_path(lh + k, n - k, m - k, out, np);
		merkle_root_of(lh, k, out[(*np)++]);
	}
}

static void
ref_subproof(const uint8_t (*lh)[HL], uint64_t n, uint64_t m, int b,
    uint8_t (*out)[HL], size_t *np)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			merkle_root_of(lh, m, out[(*np)++]);
		return;
	}
	k = split_of(n);
	if (m <= k) {
		ref_subproof(lh, k, m, b, out, np);
		merkle_root_of(lh + k, n - k, out[(*np)++]);
	} else {
		ref_subproof(lh + k, n - k, m - k, 0, out, np);
		merkle_root_of(lh, k, out[(*np)++]);
	}
}

static void
fuzz_selfcheck(const uint8_t *p, size_t n)
{
	uint8_t lh[64][HL], path[MERKLE_PROOF_MAX][HL], r1[HL], r2[HL];
	uint64_t size, a, i;
	unsigned bit;
	struct err e;
	size_t np = 0, chunk;

	if (n < 4)
		return;
	size = 1 + p[0] % 64;
	a = p[1] % (size + 1);
	bit = p[2] | (unsigned)p[3] << 8;
	p += 4;
	n -= 4;
	/* Leaves: consecutive slices of the rest, some empty. */
	chunk = n / size;
	for (i = 0; i < size; i++)
		merkle_hash_leaf(p + i * chunk, chunk, lh[i]);
	merkle_root_of((const uint8_t (*)[HL])lh, size, r2);

	if (a < size) {
		ref_path((const uint8_t (*)[HL])lh, size, a, path, &np);
		if (merkle_verify_inclusion(lh[a], a, size,
		    (const uint8_t (*)[HL])path, np, r2, &e) != 0)
			abort();
		if (np > 0) {
			bit %= (unsigned)(np * HL * 8);
			path[bit / (HL * 8)][bit / 8 % HL] ^=
			    (uint8_t)(1 << (bit % 8));
			if (merkle_verify_inclusion(lh[a], a, size,
			    (const uint8_t (*)[HL])path, np, r2, &e) !=
			    ERR_CRYPTO)
				abort();
		}
	}
	np = 0;
	merkle_root_of((const uint8_t (*)[HL])lh, a, r1);
	if (a > 0)
		ref_subproof((const uint8_t (*)[HL])lh, size, a, 1, path, &np);
	if (merkle_verify_consistency(a, size, r1, r2,
	    (const uint8_t (*)[HL])path, np, &e) != 0)
		abort();
	if (np > 0) {
		bit %= (unsigned)(np * HL * 8);
		path[bit / (HL * 8)][bit / 8 % HL] ^= (uint8_t)(1 << (bit % 8));
		if (merkle_verify_consistency(a, size, r1, r2,
		    (const uint8_t (*)[HL])path, np, &e) != ERR_CRYPTO)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: fuzz_leaf(data + 1, size - 1); break;
	case 1: fuzz_head(data + 1, size - 1); break;
	case 2: fuzz_inclusion(data + 1, size - 1); break;
	case 3: fuzz_consistency(data + 1, size - 1); break;
	default: fuzz_selfcheck(data + 1, size - 1); break;
	}
	return 0;
}
