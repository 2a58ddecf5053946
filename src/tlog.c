/* tlog.c - the transparency log: an RFC 6962 / RFC 9162 Merkle tree kept
 * in LMDB with the hash of every complete subtree stored, so the root of
 * any prefix, and inclusion and consistency proofs against it, cost
 * O(log n) gets instead of rehashing the log.
 *
 * A tree of size n is the right fold of its complete subtrees, one per set
 * bit of n, largest (leftmost) first: for n = 13 = 8+4+1 the root is
 * H(N3[0], H(N2[2], N0[12])). Every range the RFC's recursion produces
 * starts at a multiple of a power of two at least as large as itself, so
 * it too is such a fold of stored nodes (range_hash below). */
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "skillcert/sha256.h"
#include "skillcert/tlog.h"

#define LEAF_VERSION 1
#define HEAD_VERSION 1
#define NODE_KEY_LEN 9
/* The head's signature covers everything before it. */
#define HEAD_SIGNED_LEN (TLOG_HEAD_LEN - KEY_SIG_LEN)
#define STH_CONTEXT "skillcert/sth/v1"

/* The offsets below are the header's field lists; keep them in step. */
_Static_assert(46 + TLOG_HASH_LEN == TLOG_LEAF_LEN, "leaf layout");
_Static_assert(30 + TLOG_HASH_LEN + KEY_SIG_LEN == TLOG_HEAD_LEN,
    "head layout");

static const uint8_t empty_root[TLOG_HASH_LEN] = {
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
	0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
	0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55
};

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static uint64_t
get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Largest power of two strictly below n (n >= 2): the RFC's split k. */
static uint64_t
split_of(uint64_t n)
{
	return (uint64_t)1 << (63 - __builtin_clzll(n - 1));
}

/* ---- hashing ---- */

/* SHA-256(prefix || a || b). */
static void
sha256_prefixed(uint8_t prefix, const uint8_t *a, size_t an, const uint8_t *b,
    size_t bn, uint8_t out[TLOG_HASH_LEN])
{
	const void *p[3] = { &prefix, a, b };
	size_t n[3] = { 1, an, bn };

	sha256_parts(out, 3, p, n);
}

void
tlog_hash_leaf(const uint8_t *data, size_t n, uint8_t out[TLOG_HASH_LEN])
{
	sha256_prefixed(0x00, data, n, NULL, 0, out);
}

void
tlog_hash_node(const uint8_t l[TLOG_HASH_LEN], const uint8_t r[TLOG_HASH_LEN],
    uint8_t out[TLOG_HASH_LEN])
{
	uint8_t buf[2 * TLOG_HASH_LEN];

	/* Copy first: out may alias l or r (h = H(sibling, h)). */
	memcpy(buf, l, TLOG_HASH_LEN);
	memcpy(buf + TLOG_HASH_LEN, r, TLOG_HASH_LEN);
	sha256_prefixed(0x01, buf, sizeof(buf), NULL, 0, out);
}

void
tlog_root_of(const uint8_t (*lh)[TLOG_HASH_LEN], uint64_t n,
    uint8_t out[TLOG_HASH_LEN])
{
	uint8_t l[TLOG_HASH_LEN], r[TLOG_HASH_LEN];
	uint64_t k;

	if (n == 0) {
		memcpy(out, empty_root, TLOG_HASH_LEN);
		return;
	}
	if (n == 1) {
		memcpy(out, lh[0], TLOG_HASH_LEN);
		return;
	}
	k = split_of(n);
	tlog_root_of(lh, k, l);
	tlog_root_of(lh + k, n - k, r);
	tlog_hash_node(l, r, out);
}

/* ---- proof shapes, shared by generation and verification ---- */

/* Number of hashes in PATH(index, D[0:size]) (RFC 9162 2.1.3.1). */
static size_t
inclusion_len(uint64_t index, uint64_t size)
{
	uint64_t lo = 0, hi = size, k;
	size_t c = 0;

	while (hi - lo > 1) {
		k = split_of(hi - lo);
		if (index < lo + k)
			hi = lo + k;
		else
			lo += k;
		c++;
	}
	return c;
}

/* Number of hashes in PROOF(m, D[0:n]), 0 < m < n (RFC 9162 2.1.4.1). */
static size_t
consistency_len(uint64_t m, uint64_t n)
{
	uint64_t lo = 0, hi = n, k;
	size_t c = 0;
	int have_root = 1;

	while (m != hi) {
		k = split_of(hi - lo);
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
tlog_verify_inclusion(const uint8_t leaf_hash[TLOG_HASH_LEN], uint64_t index,
    uint64_t size, const uint8_t (*path)[TLOG_HASH_LEN], size_t npath,
    const uint8_t root[TLOG_HASH_LEN], struct err *e)
{
	uint8_t r[TLOG_HASH_LEN];
	uint64_t fn, sn;
	size_t i, want;

	if (leaf_hash == NULL || root == NULL || (path == NULL && npath > 0))
		return err_set(e, ERR_INVALID, "inclusion proof: missing argument");
	if (index >= size)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: index %llu not below tree size %llu",
		    (unsigned long long)index, (unsigned long long)size);
	if (npath > TLOG_MAX_PROOF)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: %zu hashes, at most %d", npath,
		    TLOG_MAX_PROOF);
	/* The shape is fixed by (index, size): any other length is malformed. */
	if ((want = inclusion_len(index, size)) != npath)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: %zu hashes, leaf %llu of %llu needs %zu",
		    npath, (unsigned long long)index,
		    (unsigned long long)size, want);

	fn = index;
	sn = size - 1;
	memcpy(r, leaf_hash, TLOG_HASH_LEN);
	for (i = 0; i < npath; i++) {
		if (sn == 0)
			return err_set(e, ERR_CRYPTO,
			    "inclusion proof: too long for the tree");
		if ((fn & 1) || fn == sn) {
			tlog_hash_node(path[i], r, r);
			/* Skip levels where this node is a lone right edge. */
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			tlog_hash_node(r, path[i], r);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || CRYPTO_memcmp(r, root, TLOG_HASH_LEN) != 0)
		return err_set(e, ERR_CRYPTO,
		    "inclusion proof: leaf %llu does not lead to the root of "
		    "tree size %llu", (unsigned long long)index,
		    (unsigned long long)size);
	return 0;
}

int
tlog_verify_consistency(uint64_t m, uint64_t n,
    const uint8_t old_root[TLOG_HASH_LEN], const uint8_t new_root[TLOG_HASH_LEN],
    const uint8_t (*path)[TLOG_HASH_LEN], size_t npath, struct err *e)
{
	uint8_t fr[TLOG_HASH_LEN], sr[TLOG_HASH_LEN];
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
	if (npath > TLOG_MAX_PROOF)
		return err_set(e, ERR_INVALID,
		    "consistency proof: %zu hashes, at most %d", npath,
		    TLOG_MAX_PROOF);
	if (m == 0 || m == n) {
		/* Nothing to prove, but the old root must still be right. */
		if (npath != 0)
			return err_set(e, ERR_INVALID,
			    "consistency proof: must be empty for sizes "
			    "%llu and %llu", (unsigned long long)m,
			    (unsigned long long)n);
		if (CRYPTO_memcmp(old_root, m == 0 ? empty_root : new_root,
		    TLOG_HASH_LEN) != 0)
			return err_set(e, ERR_CRYPTO,
			    "consistency proof: roots for size %llu differ",
			    (unsigned long long)m);
		return 0;
	}
	if ((want = consistency_len(m, n)) != npath)
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
	memcpy(fr, seeded ? old_root : path[0], TLOG_HASH_LEN);
	memcpy(sr, fr, TLOG_HASH_LEN);
	for (i = seeded ? 0 : 1; i < npath; i++) {
		c = path[i];
		if (sn == 0)
			return err_set(e, ERR_CRYPTO,
			    "consistency proof: too long for the trees");
		if ((fn & 1) || fn == sn) {
			tlog_hash_node(c, fr, fr);
			tlog_hash_node(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else
			tlog_hash_node(sr, c, sr);
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0 || CRYPTO_memcmp(fr, old_root, TLOG_HASH_LEN) != 0 ||
	    CRYPTO_memcmp(sr, new_root, TLOG_HASH_LEN) != 0)
		return err_set(e, ERR_CRYPTO,
		    "consistency proof: tree size %llu is not a prefix of "
		    "tree size %llu", (unsigned long long)m,
		    (unsigned long long)n);
	return 0;
}

/* ---- leaf and head encodings ---- */

void
tlog_leaf_encode(const struct tlog_leaf *l, uint8_t out[TLOG_LEAF_LEN])
{
	size_t n;

	memset(out, 0, TLOG_LEAF_LEN);
	out[0] = LEAF_VERSION;
	out[1] = (uint8_t)l->event;
	n = strnlen(l->certno, sizeof(l->certno) - 1);
	memcpy(out + 2, l->certno, n);
	memcpy(out + 24, l->occ, 4);
	out[28] = (uint8_t)l->level;
	put_be32(out + 29, (uint32_t)l->assessed_on);
	put_be32(out + 33, (uint32_t)l->issued_on);
	put_be64(out + 37, (uint64_t)l->time);
	out[45] = (uint8_t)l->reason;
	memcpy(out + 46, l->cert_hash, TLOG_HASH_LEN);
}

int
tlog_leaf_decode(const uint8_t *p, size_t n, struct tlog_leaf *l,
    struct err *e)
{
	struct rd r;
	uint8_t version, event, level, reason;
	uint32_t a, b;
	uint64_t t;
	int i;

	if (p == NULL || n != TLOG_LEAF_LEN)
		return err_set(e, ERR_INVALID, "log leaf: %zu bytes, expected %d",
		    p == NULL ? 0 : n, TLOG_LEAF_LEN);
	memset(l, 0, sizeof(*l));
	r.p = p;
	r.end = p + n;
	if (rd_u8(&r, &version) != 0 || rd_u8(&r, &event) != 0 ||
	    rd_bytes(&r, l->certno, sizeof(l->certno) - 1) != 0 ||
	    rd_bytes(&r, l->occ, 4) != 0 || rd_u8(&r, &level) != 0 ||
	    rd_u32(&r, &a) != 0 || rd_u32(&r, &b) != 0 ||
	    rd_u64(&r, &t) != 0 || rd_u8(&r, &reason) != 0 ||
	    rd_bytes(&r, l->cert_hash, TLOG_HASH_LEN) != 0)
		return err_set(e, ERR_INTERNAL, "log leaf: layout mismatch");
	l->certno[sizeof(l->certno) - 1] = '\0';

	if (version != LEAF_VERSION)
		return err_set(e, ERR_INVALID, "log leaf: version %u unknown",
		    version);
	if (event != TLOG_ISSUE && event != TLOG_REVOKE)
		return err_set(e, ERR_INVALID, "log leaf: event %u unknown",
		    event);
	/* Shape only ([SY] and 21 digits); certno_parse owns the meaning. */
	if (l->certno[0] != 'S' && l->certno[0] != 'Y')
		return err_set(e, ERR_INVALID,
		    "log leaf: certificate number byte 0 is not S or Y");
	for (i = 1; i < (int)sizeof(l->certno) - 1; i++)
		if (l->certno[i] < '0' || l->certno[i] > '9')
			return err_set(e, ERR_INVALID,
			    "log leaf: certificate number byte %d is not a "
			    "digit", i);
	if (level < 1 || level > 5)
		return err_set(e, ERR_INVALID, "log leaf: level %u not 1..5",
		    level);
	if (event == TLOG_ISSUE && reason != 0)
		return err_set(e, ERR_INVALID,
		    "log leaf: issuance with revocation reason %u", reason);
	l->event = event;
	l->level = level;
	l->assessed_on = (int32_t)a;
	l->issued_on = (int32_t)b;
	l->time = (int64_t)t;
	l->reason = reason;
	return 0;
}

void
tlog_head_encode(const struct tlog_head *h, uint8_t out[TLOG_HEAD_LEN])
{
	memcpy(out, "SCTH", 4);
	out[4] = HEAD_VERSION;
	out[5] = (uint8_t)h->alg;
	memcpy(out + 6, h->kid, KEY_ID_LEN);
	put_be64(out + 14, h->size);
	put_be64(out + 22, (uint64_t)h->time);
	memcpy(out + 30, h->root, TLOG_HASH_LEN);
	memcpy(out + HEAD_SIGNED_LEN, h->sig, KEY_SIG_LEN);
}

int
tlog_head_decode(const uint8_t *p, size_t n, struct tlog_head *h,
    struct err *e)
{
	struct rd r;
	uint8_t magic[4], version, alg;
	uint64_t t;

	if (p == NULL || n != TLOG_HEAD_LEN)
		return err_set(e, ERR_INVALID,
		    "tree head: %zu bytes, expected %d", p == NULL ? 0 : n,
		    TLOG_HEAD_LEN);
	memset(h, 0, sizeof(*h));
	r.p = p;
	r.end = p + n;
	if (rd_bytes(&r, magic, 4) != 0 || rd_u8(&r, &version) != 0 ||
	    rd_u8(&r, &alg) != 0 || rd_bytes(&r, h->kid, KEY_ID_LEN) != 0 ||
	    rd_u64(&r, &h->size) != 0 || rd_u64(&r, &t) != 0 ||
	    rd_bytes(&r, h->root, TLOG_HASH_LEN) != 0 ||
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
tlog_head_sign(struct tlog_head *h, const struct key *k, struct err *e)
{
	uint8_t enc[TLOG_HEAD_LEN];

	if (k == NULL || !k->has_secret)
		return err_set(e, ERR_CRYPTO, "tree head: no secret key to sign");
	/* The head names its signer, so set them before encoding. */
	h->alg = k->alg;
	memcpy(h->kid, k->kid, KEY_ID_LEN);
	memset(h->sig, 0, KEY_SIG_LEN);
	tlog_head_encode(h, enc);
	return key_sign(k, STH_CONTEXT, enc, HEAD_SIGNED_LEN, h->sig, e);
}

int
tlog_head_verify(const struct tlog_head *h, const struct key *k, struct err *e)
{
	uint8_t enc[TLOG_HEAD_LEN];
	char want[2 * KEY_ID_LEN + 1], got[2 * KEY_ID_LEN + 1];

	if (k == NULL)
		return err_set(e, ERR_CRYPTO, "tree head: no key to verify");
	if (h->alg != k->alg || memcmp(h->kid, k->kid, KEY_ID_LEN) != 0) {
		key_id_hex(h->kid, got);
		key_id_hex(k->kid, want);
		return err_set(e, ERR_CRYPTO,
		    "tree head: signed by key %s, not %s", got, want);
	}
	tlog_head_encode(h, enc);
	return key_verify(k, STH_CONTEXT, enc, HEAD_SIGNED_LEN, h->sig, e);
}

/* ---- storage ---- */

static int
db_fail(struct err *e, int rc, const char *what)
{
	return err_set(e, rc == MDB_MAP_FULL ? ERR_FULL : ERR_DB,
	    "transparency log: %s: %s", what, mdb_strerror(rc));
}

static void
node_key(uint8_t k[NODE_KEY_LEN], unsigned level, uint64_t index)
{
	k[0] = (uint8_t)level;
	put_be64(k + 1, index);
}

static int
node_get(const struct tlog *t, MDB_txn *txn, unsigned level, uint64_t index,
    uint8_t out[TLOG_HASH_LEN], struct err *e)
{
	uint8_t kb[NODE_KEY_LEN];
	MDB_val k, v;
	int rc;

	node_key(kb, level, index);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	if ((rc = mdb_get(txn, t->nodes, &k, &v)) != 0) {
		if (rc == MDB_NOTFOUND)
			return err_set(e, ERR_DB,
			    "transparency log: node level %u index %llu "
			    "missing (database damaged)", level,
			    (unsigned long long)index);
		return db_fail(e, rc, "reading a node");
	}
	if (v.mv_size != TLOG_HASH_LEN)
		return err_set(e, ERR_DB,
		    "transparency log: node level %u index %llu is %zu bytes",
		    level, (unsigned long long)index, v.mv_size);
	memcpy(out, v.mv_data, TLOG_HASH_LEN);
	return 0;
}

static int
node_put(const struct tlog *t, MDB_txn *txn, unsigned level, uint64_t index,
    const uint8_t h[TLOG_HASH_LEN], struct err *e)
{
	uint8_t kb[NODE_KEY_LEN];
	MDB_val k, v;
	int rc;

	node_key(kb, level, index);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)h;
	v.mv_size = TLOG_HASH_LEN;
	/* A node already there for a subtree just completed means the
	 * nodes and leaves disagree: refuse rather than paper over it. */
	if ((rc = mdb_put(txn, t->nodes, &k, &v, MDB_NOOVERWRITE)) != 0) {
		if (rc == MDB_KEYEXIST)
			return err_set(e, ERR_DB,
			    "transparency log: node level %u index %llu "
			    "already stored (database damaged)", level,
			    (unsigned long long)index);
		return db_fail(e, rc, "storing a node");
	}
	return 0;
}

/* Hash of the RFC subtree over leaves [lo, hi), lo < hi <= size, where lo
 * is a multiple of a power of two >= hi - lo: the right fold of the stored
 * complete subtrees given by the bits of hi - lo, taken from the right. */
static int
range_hash(const struct tlog *t, MDB_txn *txn, uint64_t lo, uint64_t hi,
    uint8_t out[TLOG_HASH_LEN], struct err *e)
{
	uint8_t part[TLOG_HASH_LEN];
	uint64_t end = hi, rem = hi - lo, w;
	unsigned level;
	int first = 1, rc;

	if (lo >= hi)
		return err_set(e, ERR_INTERNAL, "tlog: empty range %llu..%llu",
		    (unsigned long long)lo, (unsigned long long)hi);
	while (rem > 0) {
		level = (unsigned)__builtin_ctzll(rem);
		w = (uint64_t)1 << level;
		end -= w;
		if (end & (w - 1))
			return err_set(e, ERR_INTERNAL,
			    "tlog: range %llu..%llu is not a subtree",
			    (unsigned long long)lo, (unsigned long long)hi);
		if ((rc = node_get(t, txn, level, end >> level,
		    first ? out : part, e)) != 0)
			return rc;
		if (!first)
			tlog_hash_node(part, out, out);
		first = 0;
		rem -= w;
	}
	return 0;
}

static int
size_get(const struct tlog *t, MDB_txn *txn, uint64_t *size, struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, t->leaves, &c)) != 0)
		return db_fail(e, rc, "opening the leaves");
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND) {
		*size = 0;
		return 0;
	}
	if (rc != 0)
		return db_fail(e, rc, "reading the last leaf");
	if (k.mv_size != 8)
		return err_set(e, ERR_DB,
		    "transparency log: leaf key of %zu bytes", k.mv_size);
	/* Leaves are dense from 0 (audit checks), so size = last + 1. */
	*size = get_be64(k.mv_data) + 1;
	return 0;
}

static int
size_check(const struct tlog *t, MDB_txn *txn, uint64_t size, struct err *e)
{
	uint64_t cur;
	int rc;

	if ((rc = size_get(t, txn, &cur, e)) != 0)
		return rc;
	if (size > cur)
		return err_set(e, ERR_INVALID,
		    "transparency log: size %llu beyond the log's %llu",
		    (unsigned long long)size, (unsigned long long)cur);
	return 0;
}

int
tlog_open(MDB_txn *txn, struct tlog *t, int create, struct err *e)
{
	static const char *const names[3] = {
		"log_leaves", "log_nodes", "log_heads"
	};
	MDB_dbi *dbi[3];
	unsigned int flags = create ? MDB_CREATE : 0;
	int i, rc;

	dbi[0] = &t->leaves;
	dbi[1] = &t->nodes;
	dbi[2] = &t->heads;
	for (i = 0; i < 3; i++) {
		if ((rc = mdb_dbi_open(txn, names[i], flags, dbi[i])) != 0) {
			if (rc == MDB_NOTFOUND)
				return err_set(e, ERR_NOTFOUND,
				    "transparency log: database %s missing",
				    names[i]);
			if (rc == MDB_DBS_FULL)
				return err_set(e, ERR_DB,
				    "transparency log: opening %s: environment "
				    "maxdbs too small", names[i]);
			return db_fail(e, rc, names[i]);
		}
	}
	return 0;
}

uint64_t
tlog_size(const struct tlog *t, MDB_txn *txn)
{
	uint64_t n;

	/* The API has no error channel; a log that can't be read is empty
	 * here, and every call that could act on that rechecks with errors. */
	if (size_get(t, txn, &n, NULL) != 0)
		return 0;
	return n;
}

int
tlog_append(const struct tlog *t, MDB_txn *txn, const uint8_t *leaf,
    size_t n, uint64_t *index, struct err *e)
{
	uint8_t kb[8], h[TLOG_HASH_LEN], sib[TLOG_HASH_LEN];
	uint64_t size, i;
	unsigned level;
	MDB_val k, v;
	int rc;

	if (leaf == NULL && n > 0)
		return err_set(e, ERR_INVALID, "transparency log: no leaf");
	if ((rc = size_get(t, txn, &size, e)) != 0)
		return rc;
	if (size == UINT64_MAX)
		return err_set(e, ERR_FULL, "transparency log: full");
	put_be64(kb, size);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)leaf;
	v.mv_size = n;
	/* Big-endian keys sort numerically: MDB_APPEND packs the pages and
	 * refuses (KEYEXIST) anything but a new last key. */
	if ((rc = mdb_put(txn, t->leaves, &k, &v, MDB_APPEND)) != 0)
		return db_fail(e, rc, "appending a leaf");

	tlog_hash_leaf(leaf, n, h);
	if ((rc = node_put(t, txn, 0, size, h, e)) != 0)
		return rc;
	/* Each trailing 1 bit of the index completes one more subtree:
	 * its left half is stored, its right half is what we just built. */
	for (level = 0, i = size; i & 1; level++, i >>= 1) {
		if ((rc = node_get(t, txn, level, i - 1, sib, e)) != 0)
			return rc;
		tlog_hash_node(sib, h, h);
		if ((rc = node_put(t, txn, level + 1, i >> 1, h, e)) != 0)
			return rc;
	}
	if (index != NULL)
		*index = size;
	return 0;
}

int
tlog_get_leaf(const struct tlog *t, MDB_txn *txn, uint64_t index,
    const uint8_t **p, size_t *n, struct err *e)
{
	uint8_t kb[8];
	MDB_val k, v;
	int rc;

	put_be64(kb, index);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	if ((rc = mdb_get(txn, t->leaves, &k, &v)) != 0) {
		if (rc == MDB_NOTFOUND)
			return err_set(e, ERR_NOTFOUND,
			    "transparency log: no leaf %llu",
			    (unsigned long long)index);
		return db_fail(e, rc, "reading a leaf");
	}
	/* Points into the map: valid until the transaction ends. */
	*p = v.mv_data;
	*n = v.mv_size;
	return 0;
}

int
tlog_root(const struct tlog *t, MDB_txn *txn, uint64_t size,
    uint8_t out[TLOG_HASH_LEN], struct err *e)
{
	int rc;

	if ((rc = size_check(t, txn, size, e)) != 0)
		return rc;
	if (size == 0) {
		memcpy(out, empty_root, TLOG_HASH_LEN);
		return 0;
	}
	return range_hash(t, txn, 0, size, out, e);
}

/* The recursions of RFC 9162 2.1.3.1 and 2.1.4.1 append each level's
 * sibling after the deeper ones, so walking down from the root yields the
 * path in reverse. Only the first turn left can meet an incomplete right
 * sibling; below it every range is one stored node, so O(log n) gets. */
static void
path_reverse(uint8_t (*path)[TLOG_HASH_LEN], size_t n)
{
	uint8_t tmp[TLOG_HASH_LEN];
	size_t i;

	for (i = 0; i < n / 2; i++) {
		memcpy(tmp, path[i], TLOG_HASH_LEN);
		memcpy(path[i], path[n - 1 - i], TLOG_HASH_LEN);
		memcpy(path[n - 1 - i], tmp, TLOG_HASH_LEN);
	}
}

int
tlog_prove_inclusion(const struct tlog *t, MDB_txn *txn, uint64_t index,
    uint64_t size, uint8_t (*path)[TLOG_HASH_LEN], size_t *npath,
    struct err *e)
{
	uint64_t lo = 0, hi = size, k;
	size_t np = 0;
	int rc;

	if (path == NULL || npath == NULL)
		return err_set(e, ERR_INVALID, "inclusion proof: no output");
	*npath = 0;
	if (index >= size)
		return err_set(e, ERR_INVALID,
		    "inclusion proof: index %llu not below tree size %llu",
		    (unsigned long long)index, (unsigned long long)size);
	if ((rc = size_check(t, txn, size, e)) != 0)
		return rc;
	while (hi - lo > 1) {
		/* At most 64 halvings of a 64-bit size. */
		if (np == TLOG_MAX_PROOF)
			return err_set(e, ERR_INTERNAL,
			    "inclusion proof: too long");
		k = split_of(hi - lo);
		if (index < lo + k) {
			rc = range_hash(t, txn, lo + k, hi, path[np], e);
			hi = lo + k;
		} else {
			rc = range_hash(t, txn, lo, lo + k, path[np], e);
			lo += k;
		}
		if (rc != 0)
			return rc;
		np++;
	}
	path_reverse(path, np);
	*npath = np;
	return 0;
}

int
tlog_prove_consistency(const struct tlog *t, MDB_txn *txn, uint64_t m,
    uint64_t n, uint8_t (*path)[TLOG_HASH_LEN], size_t *npath, struct err *e)
{
	uint64_t lo = 0, hi = n, k;
	size_t np = 0;
	int have_root = 1, rc;

	if (path == NULL || npath == NULL)
		return err_set(e, ERR_INVALID, "consistency proof: no output");
	*npath = 0;
	if (m > n)
		return err_set(e, ERR_INVALID,
		    "consistency proof: old size %llu above new size %llu",
		    (unsigned long long)m, (unsigned long long)n);
	if ((rc = size_check(t, txn, n, e)) != 0)
		return rc;
	if (m == 0 || m == n)
		return 0;
	while (m != hi) {
		/* Leaves room for the final old-subtree hash below. */
		if (np >= TLOG_MAX_PROOF - 1)
			return err_set(e, ERR_INTERNAL,
			    "consistency proof: too long");
		k = split_of(hi - lo);
		if (m <= lo + k) {
			rc = range_hash(t, txn, lo + k, hi, path[np], e);
			hi = lo + k;
		} else {
			rc = range_hash(t, txn, lo, lo + k, path[np], e);
			lo += k;
			have_root = 0;
		}
		if (rc != 0)
			return rc;
		np++;
	}
	/* Unless the old tree is a single node of the new one (the old
	 * root the verifier holds), include that node. */
	if (!have_root) {
		if ((rc = range_hash(t, txn, lo, hi, path[np], e)) != 0)
			return rc;
		np++;
	}
	path_reverse(path, np);
	*npath = np;
	return 0;
}

int
tlog_put_head(const struct tlog *t, MDB_txn *txn, const struct tlog_head *h,
    struct err *e)
{
	uint8_t kb[8], enc[TLOG_HEAD_LEN], root[TLOG_HASH_LEN];
	MDB_val k, v;
	int rc;

	/* A head whose root is not this log's would be a fork: refuse it. */
	if ((rc = tlog_root(t, txn, h->size, root, e)) != 0)
		return rc;
	if (CRYPTO_memcmp(root, h->root, TLOG_HASH_LEN) != 0)
		return err_set(e, ERR_INVALID,
		    "tree head: root differs from the log at size %llu",
		    (unsigned long long)h->size);
	tlog_head_encode(h, enc);
	put_be64(kb, h->size);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = enc;
	v.mv_size = sizeof(enc);
	/* Re-signing at an unchanged size replaces the head; the root, the
	 * only thing a later head could contradict, was checked above. */
	if ((rc = mdb_put(txn, t->heads, &k, &v, 0)) != 0)
		return db_fail(e, rc, "storing a tree head");
	return 0;
}

int
tlog_latest_head(const struct tlog *t, MDB_txn *txn, struct tlog_head *h,
    struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, t->heads, &c)) != 0)
		return db_fail(e, rc, "opening the tree heads");
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "transparency log: no tree head");
	if (rc != 0)
		return db_fail(e, rc, "reading the latest tree head");
	if ((rc = tlog_head_decode(v.mv_data, v.mv_size, h, e)) != 0)
		return err_prefix(e, "stored ");
	if (k.mv_size != 8 || get_be64(k.mv_data) != h->size)
		return err_set(e, ERR_DB,
		    "transparency log: tree head stored under the wrong size");
	return 0;
}

/* ---- audit ---- */

struct audit_ent {
	unsigned level;
	uint8_t h[TLOG_HASH_LEN];
};

static int
audit_node(const struct tlog *t, MDB_txn *txn, unsigned level, uint64_t index,
    const uint8_t h[TLOG_HASH_LEN], struct err *e)
{
	uint8_t stored[TLOG_HASH_LEN];
	int rc;

	if ((rc = node_get(t, txn, level, index, stored, e)) != 0)
		return err_prefix(e, "log audit: ");
	if (CRYPTO_memcmp(stored, h, TLOG_HASH_LEN) != 0) {
		if (level == 0)
			return err_set(e, ERR_CRYPTO,
			    "log audit: leaf %llu does not hash to its stored "
			    "node (level 0 index %llu): leaf or node modified",
			    (unsigned long long)index,
			    (unsigned long long)index);
		return err_set(e, ERR_CRYPTO,
		    "log audit: node level %u index %llu differs from the "
		    "hash of its leaves", level, (unsigned long long)index);
	}
	return 0;
}

/* Root of the leaves seen so far: right fold of the subtree stack. */
static void
audit_root(const struct audit_ent *st, int sp, uint8_t out[TLOG_HASH_LEN])
{
	if (sp == 0) {
		memcpy(out, empty_root, TLOG_HASH_LEN);
		return;
	}
	memcpy(out, st[sp - 1].h, TLOG_HASH_LEN);
	while (--sp > 0)
		tlog_hash_node(st[sp - 1].h, out, out);
}

/* Next stored head, or hs = UINT64_MAX at the end. */
static int
audit_next_head(MDB_cursor *hc, MDB_cursor_op op, uint64_t *hs,
    uint8_t root[TLOG_HASH_LEN], struct err *e)
{
	struct tlog_head h;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_get(hc, &k, &v, op)) == MDB_NOTFOUND) {
		*hs = UINT64_MAX;
		return 0;
	}
	if (rc != 0)
		return db_fail(e, rc, "reading tree heads");
	if (tlog_head_decode(v.mv_data, v.mv_size, &h, e) != 0)
		return err_prefix(e, "log audit: ");
	if (k.mv_size != 8 || get_be64(k.mv_data) != h.size)
		return err_set(e, ERR_DB,
		    "log audit: tree head for size %llu stored under another "
		    "key", (unsigned long long)h.size);
	*hs = h.size;
	memcpy(root, h.root, TLOG_HASH_LEN);
	return 0;
}

/* Stored nodes must be exactly the complete subtrees of the leaves;
 * called when the count is off, to name the stray one. */
static int
audit_stray(const struct tlog *t, MDB_txn *txn, uint64_t size, struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t idx;
	unsigned level;
	int rc;

	if ((rc = mdb_cursor_open(txn, t->nodes, &c)) != 0)
		return db_fail(e, rc, "opening the nodes");
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != NODE_KEY_LEN) {
			mdb_cursor_close(c);
			return err_set(e, ERR_DB,
			    "log audit: node key of %zu bytes", k.mv_size);
		}
		level = ((const uint8_t *)k.mv_data)[0];
		idx = get_be64((const uint8_t *)k.mv_data + 1);
		if (level > 63 || idx >= (size >> level)) {
			mdb_cursor_close(c);
			return err_set(e, ERR_DB,
			    "log audit: stray node level %u index %llu beyond "
			    "log size %llu", level, (unsigned long long)idx,
			    (unsigned long long)size);
		}
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return db_fail(e, rc, "reading the nodes");
	return err_set(e, ERR_DB, "log audit: node count off, no stray found");
}

int
tlog_audit_tree(const struct tlog *t, MDB_txn *txn, struct err *e)
{
	struct audit_ent st[65];
	uint8_t hroot[TLOG_HASH_LEN], root[TLOG_HASH_LEN];
	MDB_cursor *lc = NULL, *hc = NULL;
	MDB_val k, v;
	MDB_stat ms;
	uint64_t i = 0, hs, want;
	unsigned level;
	int sp = 0, rc, lrc;

	if ((rc = mdb_cursor_open(txn, t->leaves, &lc)) != 0)
		return db_fail(e, rc, "opening the leaves");
	if ((rc = mdb_cursor_open(txn, t->heads, &hc)) != 0) {
		rc = db_fail(e, rc, "opening the tree heads");
		goto out;
	}
	if ((rc = audit_next_head(hc, MDB_FIRST, &hs, hroot, e)) != 0)
		goto out;
	for (lrc = mdb_cursor_get(lc, &k, &v, MDB_FIRST);; i++,
	    lrc = mdb_cursor_get(lc, &k, &v, MDB_NEXT)) {
		/* Heads at size i are due before leaf i is folded in. */
		while (hs == i) {
			audit_root(st, sp, root);
			if (CRYPTO_memcmp(root, hroot, TLOG_HASH_LEN) != 0) {
				rc = err_set(e, ERR_CRYPTO,
				    "log audit: tree head for size %llu has a "
				    "root the leaves do not give",
				    (unsigned long long)hs);
				goto out;
			}
			if ((rc = audit_next_head(hc, MDB_NEXT, &hs, hroot,
			    e)) != 0)
				goto out;
		}
		if (lrc == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			rc = db_fail(e, lrc, "reading leaves");
			goto out;
		}
		if (k.mv_size != 8 || get_be64(k.mv_data) != i) {
			rc = err_set(e, ERR_DB, "log audit: leaf %llu missing",
			    (unsigned long long)i);
			goto out;
		}
		st[sp].level = 0;
		tlog_hash_leaf(v.mv_data, v.mv_size, st[sp].h);
		if ((rc = audit_node(t, txn, 0, i, st[sp].h, e)) != 0)
			goto out;
		sp++;
		/* Equal neighbours on the stack make one complete subtree
		 * ending at leaf i: its index at level L+1 is i >> (L+1). */
		while (sp >= 2 && st[sp - 1].level == st[sp - 2].level) {
			level = st[sp - 1].level + 1;
			tlog_hash_node(st[sp - 2].h, st[sp - 1].h,
			    st[sp - 2].h);
			st[sp - 2].level = level;
			sp--;
			if ((rc = audit_node(t, txn, level, i >> level,
			    st[sp - 1].h, e)) != 0)
				goto out;
		}
	}
	if (hs != UINT64_MAX) {
		rc = err_set(e, ERR_DB,
		    "log audit: tree head for size %llu beyond log size %llu",
		    (unsigned long long)hs, (unsigned long long)i);
		goto out;
	}
	/* Every node checked above exists; now make sure none is extra. */
	if ((rc = mdb_stat(txn, t->nodes, &ms)) != 0) {
		rc = db_fail(e, rc, "counting nodes");
		goto out;
	}
	for (want = 0, level = 0; level < 64; level++)
		want += i >> level;
	if (ms.ms_entries != want)
		rc = audit_stray(t, txn, i, e);
out:
	if (hc != NULL)
		mdb_cursor_close(hc);
	mdb_cursor_close(lc);
	return rc;
}
