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

#include "skillcert/base/endian.h"
#include "skillcert/model/sha256.h"
#include "skillcert/store/tlog.h"

#define NODE_KEY_LEN 9

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
	be_put64(k + 1, index);
}

static int
node_get(const struct tlog *t, MDB_txn *txn, unsigned level, uint64_t index,
    uint8_t out[MERKLE_HASH_LEN], struct err *e)
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
	if (v.mv_size != MERKLE_HASH_LEN)
		return err_set(e, ERR_DB,
		    "transparency log: node level %u index %llu is %zu bytes",
		    level, (unsigned long long)index, v.mv_size);
	memcpy(out, v.mv_data, MERKLE_HASH_LEN);
	return 0;
}

static int
node_put(const struct tlog *t, MDB_txn *txn, unsigned level, uint64_t index,
    const uint8_t h[MERKLE_HASH_LEN], struct err *e)
{
	uint8_t kb[NODE_KEY_LEN];
	MDB_val k, v;
	int rc;

	node_key(kb, level, index);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)h;
	v.mv_size = MERKLE_HASH_LEN;
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
    uint8_t out[MERKLE_HASH_LEN], struct err *e)
{
	uint8_t part[MERKLE_HASH_LEN];
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
			merkle_hash_node(part, out, out);
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
	*size = be_get64(k.mv_data) + 1;
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
	uint8_t kb[8], h[MERKLE_HASH_LEN], sib[MERKLE_HASH_LEN];
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
	be_put64(kb, size);
	k.mv_data = kb;
	k.mv_size = sizeof(kb);
	v.mv_data = (void *)leaf;
	v.mv_size = n;
	/* Big-endian keys sort numerically: MDB_APPEND packs the pages and
	 * refuses (KEYEXIST) anything but a new last key. */
	if ((rc = mdb_put(txn, t->leaves, &k, &v, MDB_APPEND)) != 0)
		return db_fail(e, rc, "appending a leaf");

	merkle_hash_leaf(leaf, n, h);
	if ((rc = node_put(t, txn, 0, size, h, e)) != 0)
		return rc;
	/* Each trailing 1 bit of the index completes one more subtree:
	 * its left half is stored, its right half is what we just built. */
	for (level = 0, i = size; i & 1; level++, i >>= 1) {
		if ((rc = node_get(t, txn, level, i - 1, sib, e)) != 0)
			return rc;
		merkle_hash_node(sib, h, h);
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

	be_put64(kb, index);
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
    uint8_t out[MERKLE_HASH_LEN], struct err *e)
{
	int rc;

	if ((rc = size_check(t, txn, size, e)) != 0)
		return rc;
	if (size == 0) {
		memcpy(out, merkle_empty_root, MERKLE_HASH_LEN);
		return 0;
	}
	return range_hash(t, txn, 0, size, out, e);
}

/* The recursions of RFC 9162 2.1.3.1 and 2.1.4.1 append each level's
 * sibling after the deeper ones, so walking down from the root yields the
 * path in reverse. Only the first turn left can meet an incomplete right
 * sibling; below it every range is one stored node, so O(log n) gets. */
static void
path_reverse(uint8_t (*path)[MERKLE_HASH_LEN], size_t n)
{
	uint8_t tmp[MERKLE_HASH_LEN];
	size_t i;

	for (i = 0; i < n / 2; i++) {
		memcpy(tmp, path[i], MERKLE_HASH_LEN);
		memcpy(path[i], path[n - 1 - i], MERKLE_HASH_LEN);
		memcpy(path[n - 1 - i], tmp, MERKLE_HASH_LEN);
	}
}

int
tlog_prove_inclusion(const struct tlog *t, MDB_txn *txn, uint64_t index,
    uint64_t size, uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath,
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
		if (np == MERKLE_PROOF_MAX)
			return err_set(e, ERR_INTERNAL,
			    "inclusion proof: too long");
		k = merkle_split(hi - lo);
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
    uint64_t n, uint8_t (*path)[MERKLE_HASH_LEN], size_t *npath, struct err *e)
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
		if (np >= MERKLE_PROOF_MAX - 1)
			return err_set(e, ERR_INTERNAL,
			    "consistency proof: too long");
		k = merkle_split(hi - lo);
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
tlog_put_head(const struct tlog *t, MDB_txn *txn, const struct sth *h,
    struct err *e)
{
	uint8_t kb[8], enc[STH_LEN], root[MERKLE_HASH_LEN];
	MDB_val k, v;
	int rc;

	/* A head whose root is not this log's would be a fork: refuse it. */
	if ((rc = tlog_root(t, txn, h->size, root, e)) != 0)
		return rc;
	if (CRYPTO_memcmp(root, h->root, MERKLE_HASH_LEN) != 0)
		return err_set(e, ERR_INVALID,
		    "tree head: root differs from the log at size %llu",
		    (unsigned long long)h->size);
	sth_encode(h, enc);
	be_put64(kb, h->size);
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
tlog_latest_head(const struct tlog *t, MDB_txn *txn, struct sth *h,
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
	if ((rc = sth_decode(v.mv_data, v.mv_size, h, e)) != 0)
		return err_prefix(e, "stored ");
	if (k.mv_size != 8 || be_get64(k.mv_data) != h->size)
		return err_set(e, ERR_DB,
		    "transparency log: tree head stored under the wrong size");
	return 0;
}

/* ---- audit ---- */

struct audit_ent {
	unsigned level;
	uint8_t h[MERKLE_HASH_LEN];
};

static int
audit_node(const struct tlog *t, MDB_txn *txn, unsigned level, uint64_t index,
    const uint8_t h[MERKLE_HASH_LEN], struct err *e)
{
	uint8_t stored[MERKLE_HASH_LEN];
	int rc;

	if ((rc = node_get(t, txn, level, index, stored, e)) != 0)
		return err_prefix(e, "log audit: ");
	if (CRYPTO_memcmp(stored, h, MERKLE_HASH_LEN) != 0) {
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
audit_root(const struct audit_ent *st, int sp, uint8_t out[MERKLE_HASH_LEN])
{
	if (sp == 0) {
		memcpy(out, merkle_empty_root, MERKLE_HASH_LEN);
		return;
	}
	memcpy(out, st[sp - 1].h, MERKLE_HASH_LEN);
	while (--sp > 0)
		merkle_hash_node(st[sp - 1].h, out, out);
}

/* Next stored head, or hs = UINT64_MAX at the end. */
static int
audit_next_head(MDB_cursor *hc, MDB_cursor_op op, uint64_t *hs,
    uint8_t root[MERKLE_HASH_LEN], struct err *e)
{
	struct sth h;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_get(hc, &k, &v, op)) == MDB_NOTFOUND) {
		*hs = UINT64_MAX;
		return 0;
	}
	if (rc != 0)
		return db_fail(e, rc, "reading tree heads");
	if (sth_decode(v.mv_data, v.mv_size, &h, e) != 0)
		return err_prefix(e, "log audit: ");
	if (k.mv_size != 8 || be_get64(k.mv_data) != h.size)
		return err_set(e, ERR_DB,
		    "log audit: tree head for size %llu stored under another "
		    "key", (unsigned long long)h.size);
	*hs = h.size;
	memcpy(root, h.root, MERKLE_HASH_LEN);
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
		idx = be_get64((const uint8_t *)k.mv_data + 1);
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

/* The audit's state: a stack of complete subtrees over the leaves read so
 * far, and the next stored head to compare. */
struct audit {
	const struct tlog *t;
	MDB_txn *txn;
	struct audit_ent st[65];
	int sp;
	uint64_t hs;                   /* size of the next head, UINT64_MAX none */
	uint8_t hroot[MERKLE_HASH_LEN];
};

/* Compares every head of size i with the root of the leaves before i. */
static int
audit_heads_at(struct audit *a, MDB_cursor *hc, uint64_t i, struct err *e)
{
	uint8_t root[MERKLE_HASH_LEN];
	int rc;

	while (a->hs == i) {
		audit_root(a->st, a->sp, root);
		if (CRYPTO_memcmp(root, a->hroot, MERKLE_HASH_LEN) != 0)
			return err_set(e, ERR_CRYPTO, "log audit: tree head for size "
			    "%llu has a root the leaves do not give",
			    (unsigned long long)a->hs);
		if ((rc = audit_next_head(hc, MDB_NEXT, &a->hs, a->hroot, e)) != 0)
			return rc;
	}
	return 0;
}

/* Folds leaf i in, checking each stored node it completes. */
static int
audit_leaf(struct audit *a, uint64_t i, const MDB_val *v, struct err *e)
{
	struct audit_ent *st = a->st;
	unsigned level;
	int rc;

	st[a->sp].level = 0;
	merkle_hash_leaf(v->mv_data, v->mv_size, st[a->sp].h);
	if ((rc = audit_node(a->t, a->txn, 0, i, st[a->sp].h, e)) != 0)
		return rc;
	a->sp++;
	/* Equal neighbours on the stack make one complete subtree ending at
	 * leaf i: its index at level L+1 is i >> (L+1). */
	while (a->sp >= 2 && st[a->sp - 1].level == st[a->sp - 2].level) {
		level = st[a->sp - 1].level + 1;
		merkle_hash_node(st[a->sp - 2].h, st[a->sp - 1].h, st[a->sp - 2].h);
		st[a->sp - 2].level = level;
		a->sp--;
		if ((rc = audit_node(a->t, a->txn, level, i >> level,
		    st[a->sp - 1].h, e)) != 0)
			return rc;
	}
	return 0;
}

/* After the last leaf: no head beyond it, no node nobody needs. */
static int
audit_finish(struct audit *a, uint64_t size, struct err *e)
{
	MDB_stat ms;
	uint64_t want = 0;
	int rc;

	if (a->hs != UINT64_MAX)
		return err_set(e, ERR_DB, "log audit: tree head for size %llu "
		    "beyond log size %llu", (unsigned long long)a->hs,
		    (unsigned long long)size);
	if ((rc = mdb_stat(a->txn, a->t->nodes, &ms)) != 0)
		return db_fail(e, rc, "counting nodes");
	for (unsigned level = 0; level < 64; level++)
		want += size >> level;
	return ms.ms_entries != want ? audit_stray(a->t, a->txn, size, e) : 0;
}

int
tlog_audit_tree(const struct tlog *t, MDB_txn *txn, struct err *e)
{
	struct audit a = { .t = t, .txn = txn };
	MDB_cursor *lc = NULL, *hc = NULL;
	MDB_val k, v;
	uint64_t i = 0;
	int rc, lrc;

	if ((rc = mdb_cursor_open(txn, t->leaves, &lc)) != 0)
		return db_fail(e, rc, "opening the leaves");
	if ((rc = mdb_cursor_open(txn, t->heads, &hc)) != 0) {
		rc = db_fail(e, rc, "opening the tree heads");
		goto out;
	}
	if ((rc = audit_next_head(hc, MDB_FIRST, &a.hs, a.hroot, e)) != 0)
		goto out;
	for (lrc = mdb_cursor_get(lc, &k, &v, MDB_FIRST);; i++,
	    lrc = mdb_cursor_get(lc, &k, &v, MDB_NEXT)) {
		/* Heads at size i are due before leaf i is folded in. */
		if ((rc = audit_heads_at(&a, hc, i, e)) != 0)
			goto out;
		if (lrc == MDB_NOTFOUND)
			break;
		if (lrc != 0) {
			rc = db_fail(e, lrc, "reading leaves");
			goto out;
		}
		if (k.mv_size != 8 || be_get64(k.mv_data) != i) {
			rc = err_set(e, ERR_DB, "log audit: leaf %llu missing",
			    (unsigned long long)i);
			goto out;
		}
		if ((rc = audit_leaf(&a, i, &v, e)) != 0)
			goto out;
	}
	rc = audit_finish(&a, i, e);
out:
	if (hc != NULL)
		mdb_cursor_close(hc);
	mdb_cursor_close(lc);
	return rc;
}
