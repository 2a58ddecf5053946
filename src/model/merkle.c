/* merkle.c - RFC 6962 / RFC 9162 Merkle tree hashing and the checking of
 * inclusion and consistency proofs: pure functions, no storage, so the
 * offline verifier and the stored log share one definition. */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>

#include "skillcert/model/merkle.h"
#include "skillcert/model/sha256.h"

const uint8_t merkle_empty_root[MERKLE_HASH_LEN] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55
};

/* Largest power of two strictly below n (n >= 2): the RFC's split k. */
uint64_t
merkle_split(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* ---- hashing ---- */

/* SHA-256(prefix || a || b). */
static void
sha256_prefixed(uint8_t prefix, const uint8_t *a, size_t an, const uint8_t *b,
    size_t bn, uint8_t out[MERKLE_HASH_LEN])
{
	const void *p[3] = { &prefix, a, b };
	size_t n[3] = { 1, an, bn };

	sha256_parts(out, 3, p, n);
}

void
merkle_hash_leaf(const uint8_t *data, size_t n, uint8_t out[MERKLE_HASH_LEN])
{
	sha256_prefixed(0x00, data, n, NULL, 0, out);
}

void
merkle_hash_node(const uint8_t l[MERKLE_HASH_LEN], const uint8_t r[MERKLE_HASH_LEN],
    uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t buf[2 * MERKLE_HASH_LEN];

	/* Copy first: out may alias l or r (h = H(sibling, h)). */
	memcpy(buf, l, MERKLE_HASH_LEN);
	memcpy(buf + MERKLE_HASH_LEN, r, MERKLE_HASH_LEN);
	sha256_prefixed(0x01, buf, sizeof(buf), NULL, 0, out);
}

void
merkle_root_of(const uint8_t (*lh)[MERKLE_HASH_LEN], uint64_t n,
    uint8_t out[MERKLE_HASH_LEN])
{
	uint8_t l[MERKLE_HASH_LEN], r[MERKLE_HASH_LEN];
	uint64_t k;

	if (n == 0) {
		memcpy(out, merkle_empty_root, MERKLE_HASH_LEN);
		return;
	}
	if (n == 1) {
		memcpy(out, lh[0], MERKLE_HASH_LEN);
		return;
	}
	k = merkle_split(n);
	merkle_root_of(lh, k, l);
	merkle_root_of(lh + k, n - k, r);
	merkle_hash_node(l, r, out);
}

int
merkle_path_of(const uint8_t (*lh)[MERKLE_HASH_LEN], uint64_t n,
    uint64_t index, uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath)
{
	uint64_t lo = 0, hi = n, k;
	size_t len, i;

	if (index >= n)
		return -1;
	/* Walk down from the root; siblings come out root first, and the
	 * path lists them leaf first. */
	len = merkle_inclusion_len(index, n);
	if (len > MERKLE_PROOF_MAX)
		return -1;
	for (i = len; hi - lo > 1; i--) {
		k = merkle_split(hi - lo);
		if (index < lo + k) {
			merkle_root_of(lh + lo + k, hi - lo - k, path[i - 1]);
			hi = lo + k;
		} else {
			merkle_root_of(lh + lo, k, path[i - 1]);
			lo += k;
		}
	}
	*npath = len;
	return 0;
}

/* ---- proof shapes, shared by generation and verification ---- */

/* Number of hashes in PATH(index, D[0:size]) (RFC 9162 2.1.3.1). */
size_t
merkle_inclusion_len(uint64_t index, uint64_t size)
{
	uint64_t lo = 0, hi = size, k;
	size_t c = 0;

	while (hi - lo > 1) {
		k = merkle_split(hi - lo);
		if (index < lo + k)
			hi = lo + k;
		else
			lo += k;
		c++;
	}
	return c;
}

/* Number of hashes in PROOF(m, D[0:n]), 0 < m < n (RFC 9162 2.1.4.1). */
size_t
merkle_consistency_len(uint64_t m, uint64_t n)
{
	uint64_t lo = 0, hi = n, k;
	size_t c = 0;
	int have_root = 1;

	while (m != hi) {
		k = merkle_split(hi - lo);
		if (m <= lo + k)
			hi = lo + k;
		else {
			lo += k;
			have_root = 0;
		}
		c++;
	}
	return c + !have_root;
}

/* ---- verification (RFC 9162 2.1.3.2 and 2.1.4.2) ---- */

int
merkle_verify_inclusion(const uint8_t leaf_hash[MERKLE_HASH_LEN], uint64_t index,
    uint64_t size, const uint8_t (*path)[MERKLE_HASH_LEN], size_t npath,
    const uint8_t root[MERKLE_HASH_LEN], struct err *e)
{
	uint8_t r[MERKLE_HASH_LEN];
	uint64_t fn, sn;
	size_t i, want;

	if (leaf_hash == NULL || root == NULL || (path == NULL && npath > 0))
		return err_set(e, ERR_INVALID, "inclusion proof: missing argument");
	if (index >= size)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: index %llu not below tree size %llu",
		    (unsigned long long)index, (unsigned long long)size);
	if (npath > MERKLE_PROOF_MAX)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: %zu hashes, at most %d", npath,
		    MERKLE_PROOF_MAX);
	/* The shape is fixed by (index, size): any other length is malformed. */
	if ((want = merkle_inclusion_len(index, size)) != npath)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: %zu hashes, leaf %llu of %llu needs %zu",
		    npath, (unsigned long long)index,
		    (unsigned long long)size, want);

	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, MERKLE_HASH_LEN);
	for (i = 0; i < npath; i++) {
		if (sn == 0)
			return err_set(e, ERR_CRYPTO,
			    "inclusion proof: too long for the tree");
		if ((fn & 1) || fn == sn) {
			merkle_hash_node(path[i], r, r);
			/* Skip levels where this node is a lone right edge. */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			merkle_hash_node(r, path[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || CRYPTO_memcmp(r, root, MERKLE_HASH_LEN) != 0)
		return err_set(e, ERR_CRYPTO,
		    "inclusion proof: leaf %llu does not lead to the root of "
		    "tree size %llu", (unsigned long long)index,
		    (unsigned long long)size);
	return 0;
}

int
merkle_verify_consistency(uint64_t m, uint64_t n,
    const uint8_t old_root[MERKLE_HASH_LEN], const uint8_t new_root[MERKLE_HASH_LEN],
    const uint8_t (*path)[MERKLE_HASH_LEN], size_t npath, struct err *e)
{
	uint8_t fr[MERKLE_HASH_LEN], sr[MERKLE_HASH_LEN];
	const uint8_t *c;
	uint64_t fn, sn;
	size_t i, want;
	int seeded;

	if (old_root == NULL || new_root == NULL || (path == NULL && npath > 0))
		return err_set(e, ERR_INVALID,
		    "consistency proof: missing argument");
	if (m > n)
		return err_set(e, ERR_INVALID,
		    "consistency proof: old size %llu above new size %llu",
		    (unsigned long long)m, (unsigned long long)n);
	if (npath > MERKLE_PROOF_MAX)
		return err_set(e, ERR_INVALID,
		    "consistency proof: %zu hashes, at most %d", npath,
		    MERKLE_PROOF_MAX);
	if (m == 0 || m == n) {
		/* Nothing to prove, but the old root must still be right. */
		if (npath != 0)
			return err_set(e, ERR_INVALID,
			    "consistency proof: must be empty for sizes "
			    "%llu and %llu", (unsigned long long)m,
			    (unsigned long long)n);
		if (CRYPTO_memcmp(old_root, m == 0 ? merkle_empty_root : new_root,
		    MERKLE_HASH_LEN) != 0)
			return err_set(e, ERR_CRYPTO,
			    "consistency proof: roots for size %llu differ",
			    (unsigned long long)m);
		return 0;
	}
	if ((want = merkle_consistency_len(m, n)) != npath)
		return err_set(e, ERR_INVALID,
		    "consistency proof: %zu hashes, sizes %llu to %llu need %zu",
		    npath, (unsigned long long)m, (unsigned long long)n, want);

	/* A power-of-two old tree is itself a node of the new one: the
	 * proof omits it and the old root stands in as its first element. */
	seeded = (m & (m - 1)) == 0;
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, seeded ? old_root : path[0], MERKLE_HASH_LEN);
	memcpy(sr, fr, MERKLE_HASH_LEN);
	for (i = seeded ? 0 : 1; i < npath; i++) {
		c = path[i];
		if (sn == 0)
			return err_set(e, ERR_CRYPTO,
			    "consistency proof: too long for the trees");
		if ((fn & 1) || fn == sn) {
			merkle_hash_node(c, fr, fr);
			merkle_hash_node(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			merkle_hash_node(sr, c, sr);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || CRYPTO_memcmp(fr, old_root, MERKLE_HASH_LEN) != 0 ||
	    CRYPTO_memcmp(sr, new_root, MERKLE_HASH_LEN) != 0)
		return err_set(e, ERR_CRYPTO,
		    "consistency proof: tree size %llu is not a prefix of "
		    "tree size %llu", (unsigned long long)m,
		    (unsigned long long)n);
	return 0;
}
