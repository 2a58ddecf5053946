/* counters.c - issuance counters kept beside the certificates in the
 * meta database (see counters.h): their keys, increments and listing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/date.h"
#include "skillcert/store/counters.h"
#include "meta.h"

#define CTR_PREFIX "ctr/"
#define CTR_PLEN 4
#define CTR_KLEN COUNTERS_KEY_LEN
#define CTR_VLEN 16
/* v2: with the roll-up; a registry marked "ctr.v" has none until rebuilt */
#define CTR_READY "ctr.v2"
#define CTQ_PREFIX "ctq/"
#define CTQ_KLEN COUNTERS_ROLLUP_KEY_LEN

static void
put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

int32_t
counters_region_at(const struct org *o, int32_t day)
{
	char iso[11];
	int32_t region = o->region, d;
	const char *end = o->history + strlen(o->history), *p;
	int old, new;

	/* Newest line last: walk backwards, undoing changes dated >= day. */
	while (end > o->history) {
		p = end;
		while (p > o->history && p[-1] != '\n')
			p--;
		if (end - p > 10 && sscanf(p, "%10s %d->%d", iso, &old, &new) == 3 &&
		    date_parse(iso, &d) == 0 && d >= day && new == region)
			region = old;
		end = p > o->history ? p - 1 : p;
	}
	return region;
}

void
counters_key_encode(const struct counter *c, uint8_t k[CTR_KLEN])
{
	uint8_t *p = k;

	memcpy(p, CTR_PREFIX, CTR_PLEN);
	p += CTR_PLEN;
	memcpy(p, c->org, ORGCODE_LEN);
	p += ORGCODE_LEN;
	put_be32(p, (uint32_t)c->region);
	put_be32(p + 4, (uint32_t)c->home);
	cert_occ_pack(c->occ, p + 8);
	p[12] = (uint8_t)c->level;
	p[13] = (uint8_t)c->method;
	put_be32(p + 14, (uint32_t)c->month);
}

void
counters_rollup_key_encode(const struct counter *c,
    uint8_t k[COUNTERS_ROLLUP_KEY_LEN])
{
	memcpy(k, CTQ_PREFIX, CTR_PLEN);
	put_be32(k + 4, (uint32_t)c->region);
	cert_occ_pack(c->occ, k + 8);
	k[12] = (uint8_t)c->level;
	put_be32(k + 13, (uint32_t)c->month);
}

static void
ctq_decode_key(const uint8_t *k, struct counter *c)
{
	memset(c, 0, sizeof(*c));
	c->region = (int32_t)get_be32(k + 4);
	cert_occ_unpack(k + 8, c->occ);
	c->level = k[12];
	c->month = (int)get_be32(k + 13);
}

static void
ctr_decode_key(const uint8_t k[CTR_KLEN], struct counter *c)
{
	const uint8_t *p = k + CTR_PLEN;

	memset(c, 0, sizeof(*c));
	memcpy(c->org, p, ORGCODE_LEN);
	p += ORGCODE_LEN;
	c->region = (int32_t)get_be32(p);
	c->home = (int32_t)get_be32(p + 4);
	cert_occ_unpack(p + 8, c->occ);
	c->level = p[12];
	c->method = p[13];
	c->month = (int)get_be32(p + 14);
}

static int
ctr_add(struct registry *r, MDB_txn *txn, const uint8_t *k, size_t klen,
    int64_t dvalid, int64_t drevoked, struct err *e)
{
	MDB_val v;
	uint64_t valid = 0, revoked = 0;
	struct buf b = BUF_INIT;
	int rc;

	rc = registry_meta_get(r, txn, k, klen, &v);
	if (rc == 0 && v.mv_size == CTR_VLEN) {
		valid = get_be64(v.mv_data);
		revoked = get_be64((const uint8_t *)v.mv_data + 8);
	} else if (rc == 0 || rc != MDB_NOTFOUND)
		return rc ? registry_db_error(e, rc, "counters") :
		    err_set(e, ERR_DB, "a counter is corrupt");
	if ((dvalid < 0 && valid < (uint64_t)-dvalid) ||
	    (drevoked < 0 && revoked < (uint64_t)-drevoked))
		return err_set(e, ERR_DB, "a counter would fall below zero");
	valid += (uint64_t)dvalid;
	revoked += (uint64_t)drevoked;
	buf_append_u64(&b, valid);
	buf_append_u64(&b, revoked);
	if (b.oom) {
		buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = registry_meta_put(r, txn, k, klen, b.data, b.len, e);
	buf_free(&b);
	return rc;
}

int
counters_add(struct registry *r, MDB_txn *txn, const struct counter *c,
    int64_t dvalid, int64_t drevoked, struct err *e)
{
	uint8_t k[COUNTERS_KEY_LEN], q[COUNTERS_ROLLUP_KEY_LEN];
	int rc;

	counters_key_encode(c, k);
	counters_rollup_key_encode(c, q);
	if ((rc = ctr_add(r, txn, k, CTR_KLEN, dvalid, drevoked, e)) != 0)
		return rc;
	return ctr_add(r, txn, q, CTQ_KLEN, dvalid, drevoked, e);
}

/* Calls fn(key, valid, revoked) for every stored counter. */
static int
ctr_each_raw(struct registry *r, MDB_txn *txn, const char *prefix,
    size_t klen, int (*fn)(const uint8_t *, uint64_t, uint64_t, void *),
    void *arg, struct err *e)
{
	MDB_cursor *cur;
	MDB_val k = { CTR_PLEN, (void *)prefix }, v;
	int rc, stop = 0;

	if ((rc = mdb_cursor_open(txn, r->meta, &cur)) != 0)
		return registry_db_error(e, rc, "counters");
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && !stop) {
		if (k.mv_size < CTR_PLEN || memcmp(k.mv_data, prefix,
		    CTR_PLEN) != 0)
			break;
		if (k.mv_size != klen || v.mv_size != CTR_VLEN) {
			mdb_cursor_close(cur);
			return err_set(e, ERR_DB, "a counter is corrupt");
		}
		stop = fn(k.mv_data, get_be64(v.mv_data),
		    get_be64((const uint8_t *)v.mv_data + 8), arg);
		if (!stop)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return registry_db_error(e, rc, "counters");
	return stop < 0 ? -stop : 0;
}

struct each_arg {
	int (*fn)(const struct counter *, void *);
	void *arg;
	int rollup;
};

static int
each_cb(const uint8_t *k, uint64_t valid, uint64_t revoked, void *arg)
{
	struct each_arg *a = arg;
	struct counter c;

	if (a->rollup)
		ctq_decode_key(k, &c);
	else
		ctr_decode_key(k, &c);
	c.valid = valid;
	c.revoked = revoked;
	return a->fn(&c, a->arg);
}

int
counters_each(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct counter *, void *), void *arg, struct err *e)
{
	struct each_arg a = { fn, arg, 0 };

	return ctr_each_raw(r, txn, CTR_PREFIX, CTR_KLEN, each_cb, &a, e);
}

int
counters_each_rollup(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct counter *, void *), void *arg, struct err *e)
{
	struct each_arg a = { fn, arg, 1 };

	return ctr_each_raw(r, txn, CTQ_PREFIX, CTQ_KLEN, each_cb, &a, e);
}

int
counters_ready(struct registry *r, MDB_txn *txn)
{
	MDB_val v;

	return registry_meta_get(r, txn, CTR_READY, strlen(CTR_READY), &v) == 0;
}

int
counters_mark_ready(struct registry *r, MDB_txn *txn, struct err *e)
{
	return registry_meta_put(r, txn, CTR_READY, strlen(CTR_READY), "1", 1,
	    e);
}

static int
ctr_clear_prefix(struct registry *r, MDB_txn *txn, const char *prefix,
    struct err *e)
{
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(txn, r->meta, &cur)) != 0)
		return registry_db_error(e, rc, "counters");
	for (;;) {
		k.mv_size = CTR_PLEN;
		k.mv_data = (void *)prefix;
		rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
		if (rc != 0 || k.mv_size < CTR_PLEN ||
		    memcmp(k.mv_data, prefix, CTR_PLEN) != 0)
			break;
		if ((rc = mdb_cursor_del(cur, 0)) != 0)
			break;
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return registry_db_error(e, rc, "counters");
	return 0;
}

int
counters_clear(struct registry *r, MDB_txn *txn, struct err *e)
{
	int rc = ctr_clear_prefix(r, txn, CTR_PREFIX, e);

	return rc ? rc : ctr_clear_prefix(r, txn, CTQ_PREFIX, e);
}
