/* acctlog.c - API tokens (stored by the SHA-256 of the token) and the
 * append-only audit trail in the registry environment (account.h). */
#include <stdio.h>
#include <string.h>

#include "skillcert/store/account.h"
#include "meta.h"
#include "acctenc.h"

#define APITOKEN_V 1
#define AUDIT_V 1

static size_t
apitoken_encode(const struct apitoken *t, uint8_t *buf, size_t cap)
{
	struct enc w = { buf, 0, cap, 0 };

	enc_u8(&w, APITOKEN_V);
	enc_str(&w, t->id, sizeof(t->id));
	enc_str(&w, t->org, sizeof(t->org));
	enc_str(&w, t->label, sizeof(t->label));
	enc_str(&w, t->created_by, sizeof(t->created_by));
	enc_i64(&w, t->created);
	enc_i64(&w, t->expires);
	enc_i64(&w, t->revoked);
	return w.bad ? 0 : w.n;
}

static int
apitoken_decode(const uint8_t *hash, const uint8_t *p, size_t n,
    struct apitoken *t, struct err *e)
{
	struct dec d = { p, n, 0, 0 };

	memset(t, 0, sizeof(*t));
	memcpy(t->hash, hash, 32);
	if (dec_u8(&d) != APITOKEN_V)
		return err_set(e, ERR_DB, "API token: unknown record version");
	dec_str(&d, t->id, sizeof(t->id));
	dec_str(&d, t->org, sizeof(t->org));
	dec_str(&d, t->label, sizeof(t->label));
	dec_str(&d, t->created_by, sizeof(t->created_by));
	t->created = dec_i64(&d);
	t->expires = dec_i64(&d);
	t->revoked = dec_i64(&d);
	if (d.bad || d.at != n)
		return err_set(e, ERR_DB, "API token: damaged record");
	return 0;
}

int
apitoken_put(struct registry *r, MDB_txn *txn, const struct apitoken *t,
    struct err *e)
{
	uint8_t buf[512];
	size_t n = apitoken_encode(t, buf, sizeof(buf));
	MDB_val k = { 32, (void *)t->hash }, v = { n, buf };
	int rc;

	if (!r->has_accounts)
		return err_set(e, ERR_DB, "this registry has no account databases");
	if (n == 0)
		return err_set(e, ERR_INTERNAL, "API token: record too large");
	rc = mdb_put(txn, r->apitokens, &k, &v, 0);
	return rc ? registry_db_error(e, rc, "apitokens") : 0;
}

int
apitoken_get(struct registry *r, MDB_txn *txn, const uint8_t hash[32],
    struct apitoken *t, struct err *e)
{
	MDB_val k = { 32, (void *)hash }, v;
	int rc;

	if (!r->has_accounts ||
	    (rc = mdb_get(txn, r->apitokens, &k, &v)) == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no such API token");
	if (rc != 0)
		return registry_db_error(e, rc, "apitokens");
	return apitoken_decode(hash, v.mv_data, v.mv_size, t, e);
}

int
apitoken_each(struct registry *r, MDB_txn *txn, const char *org,
    int (*fn)(const struct apitoken *t, void *arg), void *arg, struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct apitoken t;
	int rc, op = MDB_FIRST;

	if (!r->has_accounts)
		return 0;
	if ((rc = mdb_cursor_open(txn, r->apitokens, &c)) != 0)
		return registry_db_error(e, rc, "apitokens");
	while ((rc = mdb_cursor_get(c, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		if (k.mv_size != 32) {
			rc = err_set(e, ERR_DB, "API token: damaged key");
			break;
		}
		if ((rc = apitoken_decode(k.mv_data, v.mv_data, v.mv_size, &t,
		    e)) != 0)
			break;
		if (org && strcmp(org, t.org) != 0)
			continue;
		if ((rc = fn(&t, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

static size_t
audit_encode(const struct audit_event *ev, uint8_t *buf, size_t cap)
{
	struct enc w = { buf, 0, cap, 0 };

	enc_u8(&w, AUDIT_V);
	enc_i64(&w, ev->time_us);
	enc_str(&w, ev->who, sizeof(ev->who));
	enc_str(&w, ev->role, sizeof(ev->role));
	enc_str(&w, ev->org, sizeof(ev->org));
	enc_str(&w, ev->client, sizeof(ev->client));
	enc_str(&w, ev->action, sizeof(ev->action));
	enc_str(&w, ev->object, sizeof(ev->object));
	enc_str(&w, ev->outcome, sizeof(ev->outcome));
	return w.bad ? 0 : w.n;
}

static int
audit_decode(uint64_t seq, const uint8_t *p, size_t n, struct audit_event *ev,
    struct err *e)
{
	struct dec d = { p, n, 0, 0 };

	memset(ev, 0, sizeof(*ev));
	ev->seq = seq;
	if (dec_u8(&d) != AUDIT_V)
		return err_set(e, ERR_DB, "audit %llu: unknown record version",
		    (unsigned long long)seq);
	ev->time_us = dec_i64(&d);
	dec_str(&d, ev->who, sizeof(ev->who));
	dec_str(&d, ev->role, sizeof(ev->role));
	dec_str(&d, ev->org, sizeof(ev->org));
	dec_str(&d, ev->client, sizeof(ev->client));
	dec_str(&d, ev->action, sizeof(ev->action));
	dec_str(&d, ev->object, sizeof(ev->object));
	dec_str(&d, ev->outcome, sizeof(ev->outcome));
	if (d.bad || d.at != n)
		return err_set(e, ERR_DB, "audit %llu: damaged record",
		    (unsigned long long)seq);
	return 0;
}

int
audit_append(struct registry *r, MDB_txn *txn, struct audit_event *ev,
    struct err *e)
{
	uint8_t buf[512], kb[8];
	size_t n = audit_encode(ev, buf, sizeof(buf));
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t seq = 1;
	int rc;

	if (!r->has_accounts)
		return err_set(e, ERR_DB, "this registry has no audit database");
	if (n == 0)
		return err_set(e, ERR_INTERNAL, "audit: record too large");
	if ((rc = mdb_cursor_open(txn, r->audit, &c)) != 0)
		return registry_db_error(e, rc, "audit");
	rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
	if (rc == 0 && k.mv_size == 8)
		seq = be_get64(k.mv_data) + 1;
	else if (rc != MDB_NOTFOUND && rc != 0) {
		mdb_cursor_close(c);
		return registry_db_error(e, rc, "audit");
	}
	be_put64(kb, seq);
	k.mv_size = 8;
	k.mv_data = kb;
	v.mv_size = n;
	v.mv_data = buf;
	rc = mdb_cursor_put(c, &k, &v, MDB_APPEND);
	mdb_cursor_close(c);
	if (rc != 0)
		return registry_db_error(e, rc, "audit");
	ev->seq = seq;
	return 0;
}

int
audit_each(struct registry *r, MDB_txn *txn, uint64_t from,
    int (*fn)(const struct audit_event *ev, void *arg), void *arg,
    struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct audit_event ev;
	uint8_t kb[8];
	int rc;

	if (!r->has_accounts)
		return 0;
	if ((rc = mdb_cursor_open(txn, r->audit, &c)) != 0)
		return registry_db_error(e, rc, "audit");
	be_put64(kb, from);
	k.mv_size = 8;
	k.mv_data = kb;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
	    rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 8) {
			rc = err_set(e, ERR_DB, "audit: damaged key");
			break;
		}
		if ((rc = audit_decode(be_get64(k.mv_data), v.mv_data, v.mv_size,
		    &ev, e)) != 0 || (rc = fn(&ev, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}
