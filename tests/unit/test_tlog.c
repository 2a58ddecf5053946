/* test_tlog.c - the transparency log against the published RFC 6962 test
 * vectors, against the recursive definitions on random trees, proofs
 * tampered with, signed heads, and the audit catching edited records.
 *
 * TLOG_TEST_SEED fixes the random trees; TLOG_TEST_MAX caps their size
 * (default 3000; lower it under valgrind). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skillcert/store/tlog.h"
#include "test.h"

#define HL MERKLE_HASH_LEN

/* ---- test vectors ----
 * From the RFC 6962 reference tests of Google's certificate-transparency:
 *   github.com/google/certificate-transparency cpp/merkletree/merkle_tree_test.cc
 *   (kInputs, kSHA256Roots, kSHA256Paths, kSHA256Proofs; its leaf numbers
 *   are 1-based, converted to 0-based indices here)
 * and the same data in github.com/transparency-dev/merkle
 *   testonly/constants.go (LeafInputs, NodeHashes, RootHashes) and
 *   testonly/reference_test.go (TestRefInclusionProof, TestRefConsistencyProof). */
static const char *const kv_inputs[8] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f"
};

/* Roots for sizes 0..8; size 0 is SHA-256 of nothing. */
static const char *const kv_roots[9] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* Every complete subtree of the 8-leaf tree (NodeHashes): level, index. */
static const struct {
	unsigned level, index;
	const char *hash;
} kv_nodes[15] = {
	{ 0, 0, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d" },
	{ 0, 1, "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7" },
	{ 0, 2, "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7" },
	{ 0, 3, "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7" },
	{ 0, 4, "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" },
	{ 0, 5, "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658" },
	{ 0, 6, "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f" },
	{ 0, 7, "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1" },
	{ 1, 0, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" },
	{ 1, 1, "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e" },
	{ 1, 2, "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a" },
	{ 1, 3, "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0" },
	{ 2, 0, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" },
	{ 2, 1, "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" },
	{ 3, 0, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" },
};

struct kv_proof {
	uint64_t a, b; /* index and size, or old and new size */
	size_t n;
	const char *p[3];
};

/* kSHA256Paths (leaf 1-based there) and TestRefInclusionProof. */
static const struct kv_proof kv_incl[] = {
	{ 0, 1, 0, { NULL } },
	{ 0, 2, 1, { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7" } },
	{ 1, 2, 1, { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d" } },
	{ 0, 8, 3, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 5, 8, 3, {
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 3, 1, {
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" } },
	{ 1, 5, 3, {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

/* kSHA256Proofs and TestRefConsistencyProof. */
static const struct kv_proof kv_cons[] = {
	{ 1, 1, 0, { NULL } },
	{ 1, 8, 3, {
	    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4" } },
	{ 6, 8, 3, {
	    "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
	    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7" } },
	{ 2, 5, 2, {
	    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b" } },
};

/* ---- helpers ---- */

static size_t
unhex(const char *s, uint8_t *out)
{
	size_t i, n = strlen(s) / 2;
	unsigned v;

	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			abort();
		out[i] = (uint8_t)v;
	}
	return n;
}

static int
hash_eq_hex(const uint8_t h[HL], const char *hex)
{
	uint8_t want[HL];

	return unhex(hex, want) == HL && memcmp(h, want, HL) == 0;
}

static uint64_t rng_state;

static uint64_t
rnd(void)
{
	/* splitmix64: reproducible from the printed seed. */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

struct tenv {
	char dir[64];
	MDB_env *env;
	struct tlog log;
};

static int
tenv_open(struct tenv *te)
{
	struct err e;
	MDB_txn *txn;
	int rc;

	strcpy(te->dir, "/tmp/test_tlog.XXXXXX");
	if (mkdtemp(te->dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	if ((rc = mdb_env_create(&te->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(te->env, 8)) != 0 ||
	    (rc = mdb_env_set_mapsize(te->env, (size_t)1 << 30)) != 0 ||
	    (rc = mdb_env_open(te->env, te->dir, MDB_NOSYNC, 0600)) != 0) {
		fprintf(stderr, "lmdb: %s\n", mdb_strerror(rc));
		return -1;
	}
	/* Before creation the log is reported missing. */
	if ((rc = mdb_txn_begin(te->env, NULL, MDB_RDONLY, &txn)) != 0)
		return -1;
	CHECK_EQ_INT(tlog_open(txn, &te->log, 0, &e), ERR_NOTFOUND);
	mdb_txn_abort(txn);
	if ((rc = mdb_txn_begin(te->env, NULL, 0, &txn)) != 0)
		return -1;
	if (tlog_open(txn, &te->log, 1, &e) != 0) {
		fprintf(stderr, "tlog_open: %s\n", e.msg);
		mdb_txn_abort(txn);
		return -1;
	}
	return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

static void
tenv_close(struct tenv *te)
{
	char p[128];

	mdb_env_close(te->env);
	snprintf(p, sizeof(p), "%s/data.mdb", te->dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", te->dir);
	unlink(p);
	if (rmdir(te->dir) != 0)
		perror(te->dir);
}

static uint64_t
split_of(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

/* The recursive definitions of RFC 9162 2.1.3.1 / 2.1.4.1, on leaf hashes. */
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

static int
put_raw(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, const void *v,
    size_t vn)
{
	MDB_val key = { kn, (void *)k }, val = { vn, (void *)v };

	return mdb_put(txn, dbi, &key, &val, 0);
}

static void
node_key(uint8_t k[9], unsigned level, uint64_t index)
{
	int i;

	k[0] = (uint8_t)level;
	for (i = 0; i < 8; i++)
		k[1 + i] = (uint8_t)(index >> (56 - 8 * i));
}

/* ---- the published vectors ---- */

static void
test_vectors(void)
{
	uint8_t lh[8][HL], h[HL], path[MERKLE_PROOF_MAX][HL], in[16], k9[9];
	uint8_t kpath[3][HL];
	struct tenv te;
	struct err e;
	MDB_txn *txn;
	MDB_val key, val;
	uint64_t idx;
	size_t i, j, n, np;

	for (i = 0; i < 8; i++) {
		n = unhex(kv_inputs[i], in);
		merkle_hash_leaf(in, n, lh[i]);
		CHECK(hash_eq_hex(lh[i], kv_nodes[i].hash));
	}
	for (i = 0; i <= 8; i++) {
		merkle_root_of((const uint8_t (*)[HL])lh, i, h);
		CHECK(hash_eq_hex(h, kv_roots[i]));
	}

	if (tenv_open(&te) != 0) {
		CHECK(0);
		return;
	}
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	CHECK_EQ_INT(tlog_size(&te.log, txn), 0);
	CHECK_EQ_INT(tlog_root(&te.log, txn, 0, h, &e), 0);
	CHECK(hash_eq_hex(h, kv_roots[0]));
	for (i = 0; i < 8; i++) {
		n = unhex(kv_inputs[i], in);
		CHECK_EQ_INT(tlog_append(&te.log, txn, in, n, &idx, &e), 0);
		CHECK_EQ_INT(idx, i);
		CHECK_EQ_INT(tlog_size(&te.log, txn), i + 1);
		/* Every earlier size still answers with its own root. */
		for (j = 0; j <= i + 1; j++) {
			CHECK_EQ_INT(tlog_root(&te.log, txn, j, h, &e), 0);
			CHECK(hash_eq_hex(h, kv_roots[j]));
		}
		CHECK_EQ_INT(tlog_root(&te.log, txn, i + 2, h, &e), ERR_INVALID);
	}
	/* The stored nodes are exactly NodeHashes, under level || index. */
	for (i = 0; i < 15; i++) {
		node_key(k9, kv_nodes[i].level, kv_nodes[i].index);
		key.mv_data = k9;
		key.mv_size = 9;
		CHECK(mdb_get(txn, te.log.nodes, &key, &val) == 0 &&
		    val.mv_size == HL && hash_eq_hex(val.mv_data, kv_nodes[i].hash));
	}

	for (i = 0; i < sizeof(kv_incl) / sizeof(kv_incl[0]); i++) {
		const struct kv_proof *v = &kv_incl[i];

		for (j = 0; j < v->n; j++)
			unhex(v->p[j], kpath[j]);
		CHECK_EQ_INT(tlog_prove_inclusion(&te.log, txn, v->a, v->b, path,
		    &np, &e), 0);
		CHECK_EQ_INT(np, v->n);
		CHECK(np == v->n && memcmp(path, kpath, np * HL) == 0);
		unhex(kv_roots[v->b], h);
		CHECK_EQ_INT(merkle_verify_inclusion(lh[v->a], v->a, v->b,
		    (const uint8_t (*)[HL])kpath, v->n, h, &e), 0);
	}
	for (i = 0; i < sizeof(kv_cons) / sizeof(kv_cons[0]); i++) {
		const struct kv_proof *v = &kv_cons[i];
		uint8_t r1[HL], r2[HL];

		for (j = 0; j < v->n; j++)
			unhex(v->p[j], kpath[j]);
		CHECK_EQ_INT(tlog_prove_consistency(&te.log, txn, v->a, v->b,
		    path, &np, &e), 0);
		CHECK_EQ_INT(np, v->n);
		CHECK(np == v->n && memcmp(path, kpath, np * HL) == 0);
		unhex(kv_roots[v->a], r1);
		unhex(kv_roots[v->b], r2);
		CHECK_EQ_INT(merkle_verify_consistency(v->a, v->b, r1, r2,
		    (const uint8_t (*)[HL])kpath, v->n, &e), 0);
	}
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), 0);
	CHECK(mdb_txn_commit(txn) == 0);
	tenv_close(&te);

	/* Verifier corner cases (merkle_tree_test.cc VerifyConsistencyProof). */
	unhex(kv_roots[0], h);
	CHECK_EQ_INT(merkle_verify_consistency(0, 0, h, h, NULL, 0, &e), 0);
	CHECK_EQ_INT(merkle_verify_consistency(0, 1, h, lh[0], NULL, 0, &e), 0);
	CHECK_EQ_INT(merkle_verify_consistency(1, 1, lh[0], lh[0], NULL, 0, &e), 0);
	CHECK_EQ_INT(merkle_verify_consistency(1, 1, lh[0], lh[1], NULL, 0, &e),
	    ERR_CRYPTO);
	CHECK_EQ_INT(merkle_verify_consistency(1, 0, h, h, NULL, 0, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(merkle_verify_consistency(1, 2, lh[0], lh[1], NULL, 0, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(merkle_verify_consistency(1, 1, lh[0], lh[0],
	    (const uint8_t (*)[HL])lh, 1, &e), ERR_INVALID);
	CHECK_EQ_INT(merkle_verify_consistency(0, 1, lh[0], lh[0], NULL, 0, &e),
	    ERR_CRYPTO);
	CHECK_EQ_INT(merkle_verify_inclusion(lh[0], 0, 0, NULL, 0, h, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(merkle_verify_inclusion(lh[0], 2, 1, NULL, 0, h, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(merkle_verify_inclusion(lh[0], 0, 1, NULL, 0, lh[0], &e), 0);
	CHECK_EQ_INT(merkle_verify_inclusion(lh[1], 0, 1, NULL, 0, lh[0], &e),
	    ERR_CRYPTO);
	CHECK_EQ_INT(merkle_verify_inclusion(lh[0], 0, 2, NULL, 65, lh[0], &e),
	    ERR_INVALID);
}

/* ---- random trees ---- */

/* An inclusion proof, then the same proof with one thing wrong. */
static void
check_inclusion_tampered(const uint8_t (*lh)[HL], uint64_t total,
    uint64_t idx, uint64_t size, const uint8_t (*path)[HL], size_t np,
    const uint8_t root[HL])
{
	uint8_t bad[MERKLE_PROOF_MAX + 1][HL], other[HL];
	struct err e;
	size_t j;
	int bit;

	CHECK_EQ_INT(merkle_verify_inclusion(lh[idx], idx, size, path, np, root,
	    &e), 0);
	if (np > 0) {
		memcpy(bad, path, np * HL);
		j = rnd_below(np);
		bit = (int)rnd_below(8 * HL);
		bad[j][bit / 8] ^= (uint8_t)(1 << (bit % 8));
		CHECK_EQ_INT(merkle_verify_inclusion(lh[idx], idx, size,
		    (const uint8_t (*)[HL])bad, np, root, &e), ERR_CRYPTO);
		/* One hash short, one too many. */
		CHECK_EQ_INT(merkle_verify_inclusion(lh[idx], idx, size, path,
		    np - 1, root, &e), ERR_INVALID);
	}
	memcpy(bad, path, np * HL);
	memcpy(bad[np], root, HL);
	CHECK(merkle_verify_inclusion(lh[idx], idx, size,
	    (const uint8_t (*)[HL])bad, np + 1, root, &e) != 0);
	/* Wrong leaf, wrong root. */
	memcpy(other, lh[idx], HL);
	other[0] ^= 1;
	CHECK_EQ_INT(merkle_verify_inclusion(other, idx, size, path, np, root, &e),
	    ERR_CRYPTO);
	CHECK_EQ_INT(merkle_verify_inclusion(lh[idx], idx, size, path, np, other,
	    &e), ERR_CRYPTO);
	/* Wrong index (merkle_tree_test.cc: leaf-1, leaf+1, leaf^2), where
	 * that index holds a different leaf: random leaves include equal
	 * (empty) neighbours, and then the claim is true. */
	if (idx > 0 && memcmp(lh[idx - 1], lh[idx], HL) != 0)
		CHECK(merkle_verify_inclusion(lh[idx], idx - 1, size, path, np,
		    root, &e) != 0);
	if (idx + 1 < size && memcmp(lh[idx + 1], lh[idx], HL) != 0)
		CHECK(merkle_verify_inclusion(lh[idx], idx + 1, size, path, np,
		    root, &e) != 0);
	if ((idx ^ 2) < size && memcmp(lh[idx ^ 2], lh[idx], HL) != 0)
		CHECK(merkle_verify_inclusion(lh[idx], idx ^ 2, size, path, np,
		    root, &e) != 0);
	/* Wrong size: the tree height changes. */
	CHECK(merkle_verify_inclusion(lh[idx], idx, size * 2, path, np, root,
	    &e) != 0);
	if (size > 1)
		CHECK(merkle_verify_inclusion(lh[idx], idx, size / 2, path, np,
		    root, &e) != 0);
	/* Wrong size against that size's own root. */
	if (size + 1 <= total) {
		merkle_root_of(lh, size + 1, other);
		CHECK(merkle_verify_inclusion(lh[idx], idx, size + 1, path, np,
		    other, &e) != 0);
	}
	if (size - 1 > idx) {
		merkle_root_of(lh, size - 1, other);
		CHECK(merkle_verify_inclusion(lh[idx], idx, size - 1, path, np,
		    other, &e) != 0);
	}
}

static void
check_consistency_tampered(uint64_t m, uint64_t n,
    const uint8_t (*path)[HL], size_t np, const uint8_t r1[HL],
    const uint8_t r2[HL])
{
	uint8_t bad[MERKLE_PROOF_MAX + 1][HL];
	struct err e;
	size_t j;
	int bit;

	CHECK_EQ_INT(merkle_verify_consistency(m, n, r1, r2, path, np, &e), 0);
	if (np == 0)
		return;
	memcpy(bad, path, np * HL);
	j = rnd_below(np);
	bit = (int)rnd_below(8 * HL);
	bad[j][bit / 8] ^= (uint8_t)(1 << (bit % 8));
	CHECK_EQ_INT(merkle_verify_consistency(m, n, r1, r2,
	    (const uint8_t (*)[HL])bad, np, &e), ERR_CRYPTO);
	CHECK_EQ_INT(merkle_verify_consistency(m, n, r1, r2, path, np - 1, &e),
	    ERR_INVALID);
	memcpy(bad, path, np * HL);
	memcpy(bad[np], path[np - 1], HL);
	CHECK(merkle_verify_consistency(m, n, r1, r2,
	    (const uint8_t (*)[HL])bad, np + 1, &e) != 0);
	/* Wrong sizes, swapped and wrong roots. */
	CHECK(merkle_verify_consistency(m - 1, n, r1, r2, path, np, &e) != 0);
	CHECK(merkle_verify_consistency(m + 1, n, r1, r2, path, np, &e) != 0);
	CHECK(merkle_verify_consistency(m ^ 2, n, r1, r2, path, np, &e) != 0);
	CHECK(merkle_verify_consistency(m, n * 2, r1, r2, path, np, &e) != 0);
	CHECK(merkle_verify_consistency(m, n / 2, r1, r2, path, np, &e) != 0);
	CHECK(merkle_verify_consistency(m, n, r2, r1, path, np, &e) != 0);
	memcpy(bad[0], r1, HL);
	bad[0][HL - 1] ^= 4;
	CHECK_EQ_INT(merkle_verify_consistency(m, n, bad[0], r2, path, np, &e),
	    ERR_CRYPTO);
	memcpy(bad[0], r2, HL);
	bad[0][0] ^= 4;
	CHECK_EQ_INT(merkle_verify_consistency(m, n, r1, bad[0], path, np, &e),
	    ERR_CRYPTO);
}

static void
test_random_tree(uint64_t total)
{
	uint8_t (*lh)[HL], (*roots)[HL], leaf[128], h[HL];
	uint8_t path[MERKLE_PROOF_MAX][HL], ref[MERKLE_PROOF_MAX][HL];
	struct tenv te;
	struct err e;
	MDB_txn *txn;
	uint64_t i, s, idx, m, batch;
	size_t n, np, nref;
	int k, bad = 0;

	lh = malloc((total + 1) * HL);
	roots = malloc((total + 1) * HL);
	if (lh == NULL || roots == NULL || tenv_open(&te) != 0) {
		CHECK(0);
		free(lh);
		free(roots);
		return;
	}
	/* Appended over several transactions of random length. */
	for (i = 0; i < total;) {
		CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
		batch = 1 + rnd_below(64);
		for (; batch > 0 && i < total; batch--, i++) {
			n = rnd_below(sizeof(leaf) + 1);
			for (k = 0; k < (int)n; k++)
				leaf[k] = (uint8_t)rnd();
			merkle_hash_leaf(leaf, n, lh[i]);
			if (tlog_append(&te.log, txn, leaf, n, &idx, &e) != 0 ||
			    idx != i) {
				fprintf(stderr, "append %llu: %s\n",
				    (unsigned long long)i, e.msg);
				bad++;
			}
		}
		CHECK(mdb_txn_commit(txn) == 0);
	}
	CHECK_EQ_INT(bad, 0);

	CHECK(mdb_txn_begin(te.env, NULL, MDB_RDONLY, &txn) == 0);
	CHECK_EQ_INT(tlog_size(&te.log, txn), total);
	/* Every prefix's root against the recursive definition. */
	for (s = 0, bad = 0; s <= total; s++) {
		merkle_root_of((const uint8_t (*)[HL])lh, s, roots[s]);
		if (tlog_root(&te.log, txn, s, h, &e) != 0 ||
		    memcmp(h, roots[s], HL) != 0) {
			if (bad++ < 5)
				fprintf(stderr, "root of size %llu wrong\n",
				    (unsigned long long)s);
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(tlog_root(&te.log, txn, total + 1, h, &e), ERR_INVALID);

	/* Every leaf's proof at the full size, and at a few smaller sizes;
	 * a sample compared with the reference path and tampered with. */
	for (k = 0, bad = 0; k < 8; k++) {
		s = k == 0 ? total : 1 + rnd_below(total);
		for (idx = 0; idx < s; idx++) {
			if (tlog_prove_inclusion(&te.log, txn, idx, s, path, &np,
			    &e) != 0 ||
			    merkle_verify_inclusion(lh[idx], idx, s,
			    (const uint8_t (*)[HL])path, np, roots[s], &e) != 0) {
				if (bad++ < 5)
					fprintf(stderr, "inclusion %llu/%llu: "
					    "%s\n", (unsigned long long)idx,
					    (unsigned long long)s, e.msg);
				continue;
			}
			if (rnd_below(s) < 40 || idx == 0 || idx == s - 1) {
				nref = 0;
				ref_path((const uint8_t (*)[HL])lh, s, idx, ref,
				    &nref);
				CHECK(nref == np &&
				    memcmp(ref, path, np * HL) == 0);
				check_inclusion_tampered(
				    (const uint8_t (*)[HL])lh, total, idx, s,
				    (const uint8_t (*)[HL])path, np, roots[s]);
			}
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(tlog_prove_inclusion(&te.log, txn, total, total, path, &np,
	    &e), ERR_INVALID);
	CHECK_EQ_INT(tlog_prove_inclusion(&te.log, txn, 0, total + 1, path, &np,
	    &e), ERR_INVALID);

	/* Consistency: every old size into the full tree, and random pairs. */
	for (k = 0, bad = 0; k < (int)total + 300; k++) {
		if (k <= (int)total) {
			s = total;
			m = (uint64_t)k;
		} else {
			s = rnd_below(total + 1);
			m = rnd_below(s + 1);
		}
		if (tlog_prove_consistency(&te.log, txn, m, s, path, &np,
		    &e) != 0 ||
		    merkle_verify_consistency(m, s, roots[m], roots[s],
		    (const uint8_t (*)[HL])path, np, &e) != 0) {
			if (bad++ < 5)
				fprintf(stderr, "consistency %llu->%llu: %s\n",
				    (unsigned long long)m,
				    (unsigned long long)s, e.msg);
			continue;
		}
		if (m > 0 && (k % 7 == 0 || m == s - 1)) {
			nref = 0;
			ref_subproof((const uint8_t (*)[HL])lh, s, m, 1, ref,
			    &nref);
			CHECK(nref == np && memcmp(ref, path, np * HL) == 0);
			check_consistency_tampered(m, s,
			    (const uint8_t (*)[HL])path, np, roots[m],
			    roots[s]);
		}
	}
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(tlog_prove_consistency(&te.log, txn, 2, 1, path, &np, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(tlog_prove_consistency(&te.log, txn, 1, total + 1, path,
	    &np, &e), ERR_INVALID);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), 0);
	mdb_txn_abort(txn);
	tenv_close(&te);
	free(lh);
	free(roots);
}

/* ---- leaves and heads ---- */

static void
test_leaf(void)
{
	struct logleaf l, d;
	uint8_t enc[LOGLEAF_LEN], bad[LOGLEAF_LEN];
	struct err e;
	int i;

	memset(&l, 0, sizeof(l));
	l.event = LOGLEAF_REVOKE;
	strcpy(l.certno, "S000036000001241000123");
	memcpy(l.occ, "\x04\x0a\x01\x05", 4);
	l.level = 4;
	l.assessed_on = 19800;
	l.issued_on = -5;
	l.time = 1717000000;
	l.reason = 3;
	for (i = 0; i < HL; i++)
		l.cert_hash[i] = (uint8_t)(i * 7);
	logleaf_encode(&l, enc);
	CHECK_EQ_INT(enc[0], 1);
	CHECK_EQ_INT(logleaf_decode(enc, sizeof(enc), &d, &e), 0);
	CHECK_EQ_INT(d.event, LOGLEAF_REVOKE);
	CHECK_STR(d.certno, l.certno);
	CHECK(memcmp(d.occ, l.occ, 4) == 0);
	CHECK_EQ_INT(d.level, 4);
	CHECK_EQ_INT(d.assessed_on, 19800);
	CHECK_EQ_INT(d.issued_on, -5);
	CHECK_EQ_INT(d.time, 1717000000);
	CHECK_EQ_INT(d.reason, 3);
	CHECK(memcmp(d.cert_hash, l.cert_hash, HL) == 0);

	CHECK_EQ_INT(logleaf_decode(enc, sizeof(enc) - 1, &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[0] = 2;
	CHECK_EQ_INT(logleaf_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[1] = 3;
	CHECK_EQ_INT(logleaf_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[2 + 5] = 0;
	CHECK_EQ_INT(logleaf_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[28] = 6;
	CHECK_EQ_INT(logleaf_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	l.event = LOGLEAF_ISSUE;
	logleaf_encode(&l, bad);
	CHECK_EQ_INT(logleaf_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	l.reason = 0;
	logleaf_encode(&l, bad);
	CHECK_EQ_INT(logleaf_decode(bad, sizeof(bad), &d, &e), 0);
}

static void
test_head(void)
{
	uint8_t enc[STH_LEN], bad[STH_LEN], leaf[LOGLEAF_LEN];
	struct sth h, d, w;
	struct logleaf l;
	struct key k, k2, ks;
	struct tenv te;
	struct err e;
	MDB_txn *txn;
	int i, have_k2 = 0, have_ks = 0;

	memset(&l, 0, sizeof(l));
	l.event = LOGLEAF_ISSUE;
	strcpy(l.certno, "Y000011000001243000001");
	l.level = 3;
	if (key_generate(KEY_ED25519, &k, &e) != 0) {
		fprintf(stderr, "key_generate: %s\n", e.msg);
		CHECK(0);
		return;
	}
	have_k2 = key_generate(KEY_ED25519, &k2, &e) == 0;
	CHECK(have_k2);
	if (tenv_open(&te) != 0) {
		CHECK(0);
		key_free(&k);
		return;
	}
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	CHECK_EQ_INT(tlog_latest_head(&te.log, txn, &h, &e), ERR_NOTFOUND);
	for (i = 0; i < 5; i++) {
		l.time = 1700000000 + i;
		logleaf_encode(&l, leaf);
		CHECK_EQ_INT(tlog_append(&te.log, txn, leaf, sizeof(leaf), NULL,
		    &e), 0);
	}
	memset(&h, 0, sizeof(h));
	h.size = 5;
	h.time = 1700000100;
	CHECK_EQ_INT(tlog_root(&te.log, txn, h.size, h.root, &e), 0);
	CHECK_EQ_INT(sth_sign(&h, &k, &e), 0);
	CHECK_EQ_INT(h.alg, KEY_ED25519);
	CHECK(memcmp(h.kid, k.kid, KEY_ID_LEN) == 0);
	CHECK_EQ_INT(sth_verify(&h, &k, &e), 0);

	sth_encode(&h, enc);
	CHECK(memcmp(enc, "SCTH\x01\x01", 6) == 0);
	CHECK_EQ_INT(sth_decode(enc, sizeof(enc), &d, &e), 0);
	CHECK_EQ_INT(d.size, 5);
	CHECK_EQ_INT(d.time, 1700000100);
	CHECK_EQ_INT(d.alg, KEY_ED25519);
	CHECK(memcmp(d.root, h.root, HL) == 0);
	CHECK(memcmp(d.kid, h.kid, KEY_ID_LEN) == 0);
	CHECK(memcmp(d.sig, h.sig, KEY_SIG_LEN) == 0);
	CHECK_EQ_INT(sth_verify(&d, &k, &e), 0);

	/* Anything changed breaks the signature; another key is refused. */
	w = d;
	w.size = 4;
	CHECK_EQ_INT(sth_verify(&w, &k, &e), ERR_CRYPTO);
	w = d;
	w.time++;
	CHECK_EQ_INT(sth_verify(&w, &k, &e), ERR_CRYPTO);
	w = d;
	w.root[31] ^= 0x80;
	CHECK_EQ_INT(sth_verify(&w, &k, &e), ERR_CRYPTO);
	w = d;
	w.sig[0] ^= 1;
	CHECK_EQ_INT(sth_verify(&w, &k, &e), ERR_CRYPTO);
	if (have_k2) {
		CHECK_EQ_INT(sth_verify(&d, &k2, &e), ERR_CRYPTO);
		w = d;
		memcpy(w.kid, k2.kid, KEY_ID_LEN);
		CHECK_EQ_INT(sth_verify(&w, &k2, &e), ERR_CRYPTO);
	}

	CHECK_EQ_INT(sth_decode(enc, sizeof(enc) - 1, &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[0] = 'X';
	CHECK_EQ_INT(sth_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[4] = 2;
	CHECK_EQ_INT(sth_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);
	memcpy(bad, enc, sizeof(bad));
	bad[5] = 9;
	CHECK_EQ_INT(sth_decode(bad, sizeof(bad), &d, &e), ERR_INVALID);

	/* Stored heads: the root must be the log's at that size. */
	CHECK_EQ_INT(tlog_put_head(&te.log, txn, &h, &e), 0);
	CHECK_EQ_INT(tlog_latest_head(&te.log, txn, &d, &e), 0);
	CHECK_EQ_INT(d.size, 5);
	CHECK(memcmp(d.sig, h.sig, KEY_SIG_LEN) == 0);
	w = h;
	w.size = 3;
	CHECK_EQ_INT(tlog_put_head(&te.log, txn, &w, &e), ERR_INVALID);
	w.size = 6;
	CHECK_EQ_INT(tlog_put_head(&te.log, txn, &w, &e), ERR_INVALID);
	w = h;
	w.size = 3;
	CHECK_EQ_INT(tlog_root(&te.log, txn, 3, w.root, &e), 0);
	CHECK_EQ_INT(sth_sign(&w, &k, &e), 0);
	CHECK_EQ_INT(tlog_put_head(&te.log, txn, &w, &e), 0);
	CHECK_EQ_INT(tlog_latest_head(&te.log, txn, &d, &e), 0);
	CHECK_EQ_INT(d.size, 5);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), 0);

	/* SM2 signs heads too. */
	have_ks = key_generate(KEY_SM2, &ks, &e) == 0;
	CHECK(have_ks);
	if (have_ks) {
		w = h;
		CHECK_EQ_INT(sth_sign(&w, &ks, &e), 0);
		CHECK_EQ_INT(w.alg, KEY_SM2);
		sth_encode(&w, enc);
		CHECK_EQ_INT(enc[5], KEY_SM2);
		CHECK_EQ_INT(sth_decode(enc, sizeof(enc), &d, &e), 0);
		CHECK_EQ_INT(sth_verify(&d, &ks, &e), 0);
		d.size++;
		CHECK_EQ_INT(sth_verify(&d, &ks, &e), ERR_CRYPTO);
		CHECK_EQ_INT(sth_verify(&w, &k, &e), ERR_CRYPTO);
		key_free(&ks);
	}
	CHECK(mdb_txn_commit(txn) == 0);
	tenv_close(&te);
	key_free(&k);
	if (have_k2)
		key_free(&k2);
}

/* ---- audit ---- */

static int
msg_has(const struct err *e, const char *s)
{
	if (strstr(e->msg, s) != NULL)
		return 1;
	fprintf(stderr, "message \"%s\" lacks \"%s\"\n", e->msg, s);
	return 0;
}

static void
test_audit(void)
{
	uint8_t leaf[16], k9[9], k8[8], h[HL];
	const uint8_t *lp;
	struct sth head;
	struct tenv te;
	struct err e;
	MDB_txn *txn;
	MDB_val key, val;
	size_t ln;
	int i;

	if (tenv_open(&te) != 0) {
		CHECK(0);
		return;
	}
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	for (i = 0; i < 21; i++) {
		memset(leaf, i, sizeof(leaf));
		CHECK_EQ_INT(tlog_append(&te.log, txn, leaf, sizeof(leaf), NULL,
		    &e), 0);
	}
	memset(&head, 0, sizeof(head));
	head.size = 13;
	head.alg = KEY_ED25519;
	CHECK_EQ_INT(tlog_root(&te.log, txn, 13, head.root, &e), 0);
	CHECK_EQ_INT(tlog_put_head(&te.log, txn, &head, &e), 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), 0);
	CHECK(mdb_txn_commit(txn) == 0);

	/* Each damage in its own transaction, aborted afterwards. */
	/* 1. An interior node rewritten. */
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	node_key(k9, 2, 1);
	key.mv_data = k9;
	key.mv_size = 9;
	CHECK(mdb_get(txn, te.log.nodes, &key, &val) == 0);
	memcpy(h, val.mv_data, HL);
	h[7] ^= 0x10;
	CHECK(put_raw(txn, te.log.nodes, k9, 9, h, HL) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_CRYPTO);
	CHECK(msg_has(&e, "level 2 index 1"));
	mdb_txn_abort(txn);

	/* 2. A leaf's bytes rewritten. */
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	CHECK_EQ_INT(tlog_get_leaf(&te.log, txn, 7, &lp, &ln, &e), 0);
	CHECK_EQ_INT(ln, sizeof(leaf));
	memcpy(leaf, lp, sizeof(leaf));
	leaf[3] ^= 1;
	memset(k8, 0, 8);
	k8[7] = 7;
	CHECK(put_raw(txn, te.log.leaves, k8, 8, leaf, sizeof(leaf)) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_CRYPTO);
	CHECK(msg_has(&e, "leaf 7 "));
	mdb_txn_abort(txn);

	/* 3. A leaf-level node rewritten: named the same way. */
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	node_key(k9, 0, 20);
	memset(h, 0xaa, HL);
	CHECK(put_raw(txn, te.log.nodes, k9, 9, h, HL) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_CRYPTO);
	CHECK(msg_has(&e, "level 0 index 20"));
	mdb_txn_abort(txn);

	/* 4. The top node rewritten, consistently with nothing. */
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	node_key(k9, 4, 0);
	CHECK(put_raw(txn, te.log.nodes, k9, 9, h, HL) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_CRYPTO);
	CHECK(msg_has(&e, "level 4 index 0"));
	mdb_txn_abort(txn);

	/* 5. A node deleted, a stray node added, a leaf deleted. */
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	node_key(k9, 1, 3);
	key.mv_data = k9;
	key.mv_size = 9;
	CHECK(mdb_del(txn, te.log.nodes, &key, NULL) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_DB);
	CHECK(msg_has(&e, "level 1 index 3"));
	mdb_txn_abort(txn);
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	node_key(k9, 1, 10);
	CHECK(put_raw(txn, te.log.nodes, k9, 9, h, HL) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_DB);
	CHECK(msg_has(&e, "stray node level 1 index 10"));
	/* and the appender refuses to write over it */
	CHECK_EQ_INT(tlog_append(&te.log, txn, leaf, 1, NULL, &e), ERR_DB);
	mdb_txn_abort(txn);
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	k8[7] = 9;
	key.mv_data = k8;
	key.mv_size = 8;
	CHECK(mdb_del(txn, te.log.leaves, &key, NULL) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_DB);
	CHECK(msg_has(&e, "leaf 9 missing"));
	mdb_txn_abort(txn);

	/* 6. A stored head whose root the leaves don't give. */
	CHECK(mdb_txn_begin(te.env, NULL, 0, &txn) == 0);
	head.root[0] ^= 1;
	{
		uint8_t enc[STH_LEN];

		sth_encode(&head, enc);
		memset(k8, 0, 8);
		k8[7] = 13;
		CHECK(put_raw(txn, te.log.heads, k8, 8, enc, sizeof(enc)) == 0);
	}
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), ERR_CRYPTO);
	CHECK(msg_has(&e, "size 13"));
	mdb_txn_abort(txn);

	/* Untouched, it still audits clean. */
	CHECK(mdb_txn_begin(te.env, NULL, MDB_RDONLY, &txn) == 0);
	CHECK_EQ_INT(tlog_audit_tree(&te.log, txn, &e), 0);
	CHECK_EQ_INT(tlog_get_leaf(&te.log, txn, 21, &lp, &ln, &e),
	    ERR_NOTFOUND);
	mdb_txn_abort(txn);
	tenv_close(&te);
}

int
main(void)
{
	const char *s;
	uint64_t seed, max = 3000;

	if ((s = getenv("TLOG_TEST_SEED")) != NULL)
		seed = strtoull(s, NULL, 0);
	else
		seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	if ((s = getenv("TLOG_TEST_MAX")) != NULL && strtoull(s, NULL, 0) > 0)
		max = strtoull(s, NULL, 0);
	rng_state = seed;
	printf("TLOG_TEST_SEED=%llu\n", (unsigned long long)seed);

	test_vectors();
	test_leaf();
	test_head();
	test_audit();
	test_random_tree(1);
	test_random_tree(64);
	test_random_tree(1 + rnd_below(max / 10 + 1));
	test_random_tree(1 + rnd_below(max));
	test_random_tree(max);
	TEST_END();
}
