/* batchstat.c - how many candidates a batch assessed and how many passed,
 * kept in the meta database under "batchstat/" ORG "/" BATCH, so pass
 * rates exist although failed candidates get no certificate. */
#include <stdio.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "meta.h"

#define BATCHSTAT_VERSION 1
#define BATCHSTAT_LEN (1 + 4 + 4 + 4 + 8)

static int
batchstat_key(const char *org, const char *batch, char *k, size_t cap)
{
	int n = snprintf(k, cap, "batchstat/%s/%s", org, batch);

	return n < 0 || (size_t)n >= cap ? -1 : n;
}

int
registry_put_batch_stats(struct registry *r, MDB_txn *txn,
    const struct batch_stats *s, struct err *e)
{
	char k[128];
	struct buf b = BUF_INIT;
	int kn, rc;

	if ((kn = batchstat_key(s->org, s->batch, k, sizeof(k))) < 0)
		return err_set(e, ERR_INVALID, "batch id too long");
	buf_append_byte(&b, BATCHSTAT_VERSION);
	buf_append_u32(&b, s->assessed);
	buf_append_u32(&b, s->passed);
	buf_append_u32(&b, (uint32_t)s->day);
	buf_append_u64(&b, (uint64_t)s->time);
	if (b.oom) {
		buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = registry_meta_put(r, txn, k, (size_t)kn, b.data, b.len, e);
	buf_free(&b);
	return rc;
}

int
registry_get_batch_stats(struct registry *r, MDB_txn *txn, const char *org,
    const char *batch, struct batch_stats *s, struct err *e)
{
	char k[128];
	MDB_val v;
	struct rd rd;
	uint8_t ver;
	uint32_t day;
	uint64_t t;
	int kn, rc;

	memset(s, 0, sizeof(*s));
	if ((kn = batchstat_key(org, batch, k, sizeof(k))) < 0)
		return err_set(e, ERR_INVALID, "batch id too long");
	if ((rc = registry_meta_get(r, txn, k, (size_t)kn, &v)) != 0)
		return registry_db_error(e, rc, "batch statistics");
	rd.p = v.mv_data;
	rd.end = rd.p + v.mv_size;
	if (v.mv_size != BATCHSTAT_LEN || rd_u8(&rd, &ver) != 0 ||
	    ver != BATCHSTAT_VERSION || rd_u32(&rd, &s->assessed) != 0 ||
	    rd_u32(&rd, &s->passed) != 0 || rd_u32(&rd, &day) != 0 ||
	    rd_u64(&rd, &t) != 0 || s->passed > s->assessed)
		return err_set(e, ERR_DB, "batch statistics of %s are corrupt",
		    batch);
	snprintf(s->org, sizeof(s->org), "%s", org);
	snprintf(s->batch, sizeof(s->batch), "%s", batch);
	s->day = (int32_t)day;
	s->time = (int64_t)t;
	return 0;
}

int
registry_each_batch_stats(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct batch_stats *, void *), void *arg, struct err *e)
{
	static const char pre[] = "batchstat/";
	MDB_cursor *cur;
	MDB_val k = { sizeof(pre) - 1, (void *)pre }, v;
	struct batch_stats s;
	char org[ORGCODE_LEN + 1], batch[65];
	const char *p;
	int rc, stop = 0, err = 0;

	if ((rc = mdb_cursor_open(txn, r->meta, &cur)) != 0)
		return registry_db_error(e, rc, "batch statistics");
	rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
	while (rc == 0 && !stop && k.mv_size > sizeof(pre) - 1 + ORGCODE_LEN &&
	    memcmp(k.mv_data, pre, sizeof(pre) - 1) == 0) {
		p = (const char *)k.mv_data + sizeof(pre) - 1;
		memcpy(org, p, ORGCODE_LEN);
		org[ORGCODE_LEN] = '\0';
		snprintf(batch, sizeof(batch), "%.*s", (int)(k.mv_size -
		    (sizeof(pre) - 1 + ORGCODE_LEN + 1)), p + ORGCODE_LEN + 1);
		if ((err = registry_get_batch_stats(r, txn, org, batch, &s,
		    e)) != 0)
			break;
		if ((stop = fn(&s, arg)) == 0)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (err)
		return err;
	if (stop)
		return 0;
	if (rc != 0 && rc != MDB_NOTFOUND)
		return registry_db_error(e, rc, "batch statistics");
	return 0;
}
