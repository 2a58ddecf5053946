/* stlist.c - revocation status lists per organization, year and level,
 * committed to with each signed tree head (stlist.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/endian.h"
#include "skillcert/model/certno.h"
#include "skillcert/store/stlist.h"
#include "meta.h"


/* Sets the bits of the group's revoked numbers in bs; *maxseq is the
 * highest one seen. */
static int
stlist_scan_revoked(struct registry *r, MDB_txn *txn, const char *group,
    uint8_t *bs, uint32_t *maxseq, struct err *e)
{
	MDB_cursor *cur;
	MDB_val k = { STATUS_GROUP_LEN, (void *)group }, v;
	uint32_t s;
	int rc;

	if ((rc = mdb_cursor_open(txn, r->revoked, &cur)) != 0)
		return registry_db_error(e, rc, "revocation list");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const char *no = k.mv_data;
		if (k.mv_size != CERTNO_LEN ||
		    memcmp(no, group, STATUS_GROUP_LEN) != 0)
			break;
		s = 0;
		for (int i = STATUS_GROUP_LEN; i < CERTNO_LEN; i++)
			s = s * 10 + (uint32_t)(no[i] - '0');
		if (s >= STATUS_BITS_MAX)
			continue;
		status_set_bit(bs, s);
		if (s > *maxseq)
			*maxseq = s;
	}
	mdb_cursor_close(cur);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 :
	    registry_db_error(e, rc, "revocation list");
}

/* One group: its bitstring (bs, zeroed again on return), stored if it
 * changed, and its leaf hash. */
static int
stlist_group(struct registry *r, MDB_txn *txn, const char *group,
    uint32_t last, uint8_t *bs, uint8_t lh[MERKLE_HASH_LEN], struct err *e)
{
	char key[7 + STATUS_GROUP_LEN];
	MDB_val k = { sizeof(key), key }, old;
	uint32_t bits, maxseq = last < STATUS_BITS_MAX ? last : STATUS_BITS_MAX - 1;
	size_t nb;
	int rc;

	if ((rc = stlist_scan_revoked(r, txn, group, bs + 4, &maxseq, e)) != 0)
		return rc;
	bits = maxseq + 1;
	nb = STATUS_BYTES(bits);
	be_put32(bs, bits);
	status_leaf_hash(group, bits, bs + 4, lh);
	memcpy(key, "status/", 7);
	memcpy(key + 7, group, STATUS_GROUP_LEN);
	rc = mdb_get(txn, r->meta, &k, &old);
	if (rc != 0 || old.mv_size != nb + 4 || memcmp(old.mv_data, bs, nb + 4) != 0)
		rc = registry_meta_put(r, txn, key, sizeof(key), bs, nb + 4, e);
	else
		rc = 0;
	memset(bs, 0, nb + 4);
	return rc;
}

static int
stlist_each_group(struct registry *r, MDB_txn *txn, struct buf *groups,
    struct buf *leaves, struct err *e)
{
	MDB_cursor *cur;
	MDB_val k, v;
	uint8_t *bs, lh[MERKLE_HASH_LEN];
	int rc, mrc;

	if ((bs = calloc(1, 4 + STATUS_BYTES(STATUS_BITS_MAX))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((mrc = mdb_cursor_open(txn, r->seqs, &cur)) != 0) {
		free(bs);
		return registry_db_error(e, mrc, "sequences");
	}
	rc = 0;
	for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == 0 && rc == 0;
	    mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		if (k.mv_size != STATUS_GROUP_LEN || v.mv_size != 4)
			continue;
		if ((rc = stlist_group(r, txn, k.mv_data, be_get32(v.mv_data), bs,
		    lh, e)) != 0)
			break;
		if (buf_append(groups, k.mv_data, STATUS_GROUP_LEN) != 0 ||
		    buf_append(leaves, lh, sizeof(lh)) != 0)
			rc = err_set(e, ERR_NOMEM, "out of memory");
	}
	if (rc == 0 && mrc != 0 && mrc != MDB_NOTFOUND)
		rc = registry_db_error(e, mrc, "sequences");
	mdb_cursor_close(cur);
	free(bs);
	return rc;
}

int
stlist_sign_put(struct registry *r, MDB_txn *txn, const struct sth *h,
    struct err *e)
{
	struct buf groups = BUF_INIT, leaves = BUF_INIT;
	struct status_head s;
	uint8_t enc[STATUS_LEN];
	int rc;

	memset(&s, 0, sizeof(s));
	if ((rc = stlist_each_group(r, txn, &groups, &leaves, e)) != 0)
		goto out;
	s.size = h->size;
	s.ngroups = (uint32_t)(groups.len / STATUS_GROUP_LEN);
	merkle_root_of((const uint8_t (*)[MERKLE_HASH_LEN])leaves.data,
	    s.ngroups, s.root);
	if ((rc = status_sign(&s, h, &r->logkey, e)) != 0)
		goto out;
	status_encode(&s, enc);
	if ((rc = registry_meta_put(r, txn, "status_head", 11, enc, sizeof(enc), e)) != 0 ||
	    (rc = registry_meta_put(r, txn, "status_groups", 13, groups.data, groups.len,
	    e)) != 0 ||
	    (rc = registry_meta_put(r, txn, "status_leaves", 13, leaves.data, leaves.len,
	    e)) != 0)
		goto out;
out:
	buf_free(&groups);
	buf_free(&leaves);
	return rc;
}

static int
stlist_get_meta(struct registry *r, MDB_txn *txn, const char *k, size_t kn,
    MDB_val *v, struct err *e)
{
	int rc = registry_meta_get(r, txn, k, kn, v);

	if (rc == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no status list signed yet (it is "
		    "signed with the next tree head)");
	return rc ? registry_db_error(e, rc, "status list") : 0;
}

/* Binary search of the sorted group table. */
static int
stlist_find(const uint8_t *groups, uint32_t n, const char *group, uint32_t *at)
{
	uint32_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = memcmp(groups + (size_t)mid * STATUS_GROUP_LEN, group,
		    STATUS_GROUP_LEN);
		if (c == 0) {
			*at = mid;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int
stlist_get(struct registry *r, MDB_txn *txn, const char *certno,
    struct stlist_entry *out, struct err *e)
{
	char key[7 + STATUS_GROUP_LEN];
	MDB_val hv, gv, lv, bv;
	int rc;

	if ((rc = stlist_get_meta(r, txn, "status_head", 11, &hv, e)) != 0 ||
	    (rc = status_decode(hv.mv_data, hv.mv_size, &out->head, e)) != 0 ||
	    (rc = stlist_get_meta(r, txn, "status_groups", 13, &gv, e)) != 0 ||
	    (rc = stlist_get_meta(r, txn, "status_leaves", 13, &lv, e)) != 0)
		return rc;
	if (gv.mv_size != (size_t)out->head.ngroups * STATUS_GROUP_LEN ||
	    lv.mv_size != (size_t)out->head.ngroups * MERKLE_HASH_LEN)
		return err_set(e, ERR_DB, "the status list is corrupt");
	if (strlen(certno) != CERTNO_LEN ||
	    stlist_find(gv.mv_data, out->head.ngroups, certno, &out->index) != 0)
		return err_set(e, ERR_NOTFOUND, "no status list covers %.22s", certno);
	memcpy(key, "status/", 7);
	memcpy(key + 7, certno, STATUS_GROUP_LEN);
	if ((rc = stlist_get_meta(r, txn, key, sizeof(key), &bv, e)) != 0)
		return rc;
	if (bv.mv_size < 4 ||
	    bv.mv_size != 4 + STATUS_BYTES(be_get32(bv.mv_data)))
		return err_set(e, ERR_DB, "the status list is corrupt");
	out->leaves = (const uint8_t (*)[MERKLE_HASH_LEN])lv.mv_data;
	out->bits = be_get32(bv.mv_data);
	out->bitstring = (const uint8_t *)bv.mv_data + 4;
	return 0;
}
