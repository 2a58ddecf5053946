/* account.c - portal accounts and sessions in the registry environment
 * (account.h): their databases, names, roles and stored encodings. */
#include <stdio.h>
#include <string.h>

#include "skillcert/store/account.h"
#include "meta.h"
#include "acctenc.h"

#define ACCOUNT_V 1
#define SESSION_V 1
#define F_DISABLED 1
#define F_TOTP 2
#define F_CHANGE 4

/* Opening without MDB_CREATE in a read-only txn: an older registry has
 * none of the four, and that is an empty set of accounts, not an error. */
int
account_dbs_open(struct registry *r, MDB_txn *txn, struct err *e)
{
	struct { const char *name; MDB_dbi *dbi; } t[] = {
		{ "accounts", &r->accounts }, { "sessions", &r->sessions },
		{ "apitokens", &r->apitokens }, { "audit", &r->audit },
	};
	unsigned flags = (r->flags & REG_RDONLY) ? 0 : MDB_CREATE;
	int rc;

	r->has_accounts = 0;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = mdb_dbi_open(txn, t[i].name, flags, t[i].dbi);
		if (rc == MDB_NOTFOUND && flags == 0)
			return 0;
		if (rc != 0)
			return registry_db_error(e, rc, t[i].name);
	}
	r->has_accounts = 1;
	return 0;
}

int
account_name_check(const char *name, struct err *e)
{
	size_t n = strlen(name);

	if (n < 3 || n > ACCT_NAME_MAX)
		return err_set(e, ERR_INVALID, "account name must be 3 to %d "
		    "characters, not %zu", ACCT_NAME_MAX, n);
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '.' ||
		    name[i] == '_' || name[i] == '-'))
			return err_set(e, ERR_INVALID, "account name: byte %zu "
			    "is not one of a-z 0-9 . _ -", i + 1);
	return 0;
}

const char *
account_role_name(int role)
{
	switch (role) {
	case ACCT_OPERATOR: return "operator";
	case ACCT_ADMIN: return "admin";
	case ACCT_AUTHORITY: return "authority";
	default: return "-";
	}
}

int
account_role_parse(const char *s)
{
	for (int r = ACCT_OPERATOR; r <= ACCT_AUTHORITY; r++)
		if (strcmp(s, account_role_name(r)) == 0)
			return r;
	return 0;
}

/* Writes need the databases; reads treat their absence as empty. */
static int
account_dbs_need(struct registry *r, struct err *e)
{
	return r->has_accounts ? 0 : err_set(e, ERR_DB, "this registry has "
	    "no account databases (opened read-only before any writer made "
	    "them)");
}

static size_t
account_encode(const struct account *a, uint8_t *buf, size_t cap)
{
	struct enc w = { buf, 0, cap, 0 };

	enc_u8(&w, ACCOUNT_V);
	enc_u8(&w, (unsigned)a->role);
	enc_u8(&w, (a->disabled ? F_DISABLED : 0) | (a->totp_on ? F_TOTP : 0) |
	    (a->must_change ? F_CHANGE : 0));
	enc_str(&w, a->org, sizeof(a->org));
	enc_str(&w, a->pwhash, sizeof(a->pwhash));
	enc_bytes(&w, a->totp, sizeof(a->totp));
	enc_i64(&w, a->totp_last_step);
	enc_u32(&w, a->failures);
	enc_i64(&w, a->locked_until);
	enc_i64(&w, a->created);
	enc_i64(&w, a->changed);
	enc_i64(&w, a->last_login);
	return w.bad ? 0 : w.n;
}

static int
account_decode(const char *name, const uint8_t *p, size_t n,
    struct account *a, struct err *e)
{
	struct dec d = { p, n, 0, 0 };
	unsigned f;

	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", name);
	if (dec_u8(&d) != ACCOUNT_V)
		return err_set(e, ERR_DB, "account %s: unknown record version",
		    name);
	a->role = (int)dec_u8(&d);
	f = dec_u8(&d);
	a->disabled = !!(f & F_DISABLED);
	a->totp_on = !!(f & F_TOTP);
	a->must_change = !!(f & F_CHANGE);
	dec_str(&d, a->org, sizeof(a->org));
	dec_str(&d, a->pwhash, sizeof(a->pwhash));
	dec_copy(&d, a->totp, sizeof(a->totp));
	a->totp_last_step = dec_i64(&d);
	a->failures = dec_u32(&d);
	a->locked_until = dec_i64(&d);
	a->created = dec_i64(&d);
	a->changed = dec_i64(&d);
	a->last_login = dec_i64(&d);
	if (d.bad || d.at != n || a->role < ACCT_OPERATOR ||
	    a->role > ACCT_AUTHORITY)
		return err_set(e, ERR_DB, "account %s: damaged record", name);
	return 0;
}

int
account_put(struct registry *r, MDB_txn *txn, const struct account *a,
    struct err *e)
{
	uint8_t buf[512];
	size_t n = account_encode(a, buf, sizeof(buf));
	MDB_val k = { strlen(a->name), (void *)a->name }, v = { n, buf };
	int rc;

	if ((rc = account_dbs_need(r, e)) != 0 || (rc = account_name_check(a->name,
	    e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_INTERNAL, "account %s: record too large",
		    a->name);
	rc = mdb_put(txn, r->accounts, &k, &v, 0);
	explicit_bzero(buf, sizeof(buf));
	return rc ? registry_db_error(e, rc, "accounts") : 0;
}

int
account_get(struct registry *r, MDB_txn *txn, const char *name,
    struct account *a, struct err *e)
{
	MDB_val k = { strlen(name), (void *)name }, v;
	int rc;

	if (!r->has_accounts || k.mv_size == 0 || k.mv_size > ACCT_NAME_MAX)
		return err_set(e, ERR_NOTFOUND, "no account %s", name);
	if ((rc = mdb_get(txn, r->accounts, &k, &v)) == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no account %s", name);
	if (rc != 0)
		return registry_db_error(e, rc, "accounts");
	return account_decode(name, v.mv_data, v.mv_size, a, e);
}

int
account_each(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct account *a, void *arg), void *arg, struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct account a;
	char name[ACCT_NAME_MAX + 1];
	int rc, op = MDB_FIRST;

	if (!r->has_accounts)
		return 0;
	if ((rc = mdb_cursor_open(txn, r->accounts, &c)) != 0)
		return registry_db_error(e, rc, "accounts");
	while ((rc = mdb_cursor_get(c, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		snprintf(name, sizeof(name), "%.*s", (int)(k.mv_size >
		    ACCT_NAME_MAX ? ACCT_NAME_MAX : k.mv_size), (char *)k.mv_data);
		if ((rc = account_decode(name, v.mv_data, v.mv_size, &a, e)) != 0 ||
		    (rc = fn(&a, arg)) != 0)
			break;
	}
	mdb_cursor_close(c);
	explicit_bzero(&a, sizeof(a));
	if (rc == MDB_NOTFOUND)
		return 0;
	return rc;
}

static size_t
session_encode(const struct session *s, uint8_t *buf, size_t cap)
{
	struct enc w = { buf, 0, cap, 0 };

	enc_u8(&w, SESSION_V);
	enc_str(&w, s->account, sizeof(s->account));
	enc_i64(&w, s->created);
	enc_i64(&w, s->seen);
	enc_bytes(&w, s->csrf, sizeof(s->csrf));
	enc_u8(&w, (s->mfa_done ? 1 : 0) | (s->totp_pending ? 2 : 0));
	enc_bytes(&w, s->totp_new, sizeof(s->totp_new));
	return w.bad ? 0 : w.n;
}

static int
session_decode(const uint8_t *p, size_t n, struct session *s, struct err *e)
{
	struct dec d = { p, n, 0, 0 };
	unsigned f;

	if (dec_u8(&d) != SESSION_V)
		return err_set(e, ERR_DB, "session: unknown record version");
	dec_str(&d, s->account, sizeof(s->account));
	s->created = dec_i64(&d);
	s->seen = dec_i64(&d);
	dec_copy(&d, s->csrf, sizeof(s->csrf));
	f = dec_u8(&d);
	s->mfa_done = !!(f & 1);
	s->totp_pending = !!(f & 2);
	dec_copy(&d, s->totp_new, sizeof(s->totp_new));
	if (d.bad || d.at != n)
		return err_set(e, ERR_DB, "session: damaged record");
	return 0;
}

int
session_put(struct registry *r, MDB_txn *txn, const struct session *s,
    struct err *e)
{
	uint8_t buf[256];
	size_t n = session_encode(s, buf, sizeof(buf));
	MDB_val k = { 32, (void *)s->idhash }, v = { n, buf };
	int rc;

	if ((rc = account_dbs_need(r, e)) != 0)
		return rc;
	if (n == 0)
		return err_set(e, ERR_INTERNAL, "session: record too large");
	rc = mdb_put(txn, r->sessions, &k, &v, 0);
	explicit_bzero(buf, sizeof(buf));
	return rc ? registry_db_error(e, rc, "sessions") : 0;
}

int
session_get(struct registry *r, MDB_txn *txn, const uint8_t idhash[32],
    struct session *s, struct err *e)
{
	MDB_val k = { 32, (void *)idhash }, v;
	int rc;

	memset(s, 0, sizeof(*s));
	if (!r->has_accounts ||
	    (rc = mdb_get(txn, r->sessions, &k, &v)) == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no such session");
	if (rc != 0)
		return registry_db_error(e, rc, "sessions");
	memcpy(s->idhash, idhash, 32);
	return session_decode(v.mv_data, v.mv_size, s, e);
}

int
session_del(struct registry *r, MDB_txn *txn, const uint8_t idhash[32],
    struct err *e)
{
	MDB_val k = { 32, (void *)idhash };
	int rc;

	if ((rc = account_dbs_need(r, e)) != 0)
		return rc;
	rc = mdb_del(txn, r->sessions, &k, NULL);
	if (rc == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no such session");
	return rc ? registry_db_error(e, rc, "sessions") : 0;
}

int
session_sweep(struct registry *r, MDB_txn *txn, int64_t idle_before,
    int64_t created_before, const char *account, size_t *removed,
    struct err *e)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct session s;
	int rc, op = MDB_FIRST;

	if (removed)
		*removed = 0;
	if (!r->has_accounts)
		return 0;
	if ((rc = mdb_cursor_open(txn, r->sessions, &c)) != 0)
		return registry_db_error(e, rc, "sessions");
	while ((rc = mdb_cursor_get(c, &k, &v, op)) == 0) {
		op = MDB_NEXT;
		memset(&s, 0, sizeof(s));
		/* A damaged session is swept too: it can never be used. */
		if (session_decode(v.mv_data, v.mv_size, &s, NULL) == 0 &&
		    s.seen >= idle_before && s.created >= created_before &&
		    (account == NULL || strcmp(account, s.account) != 0))
			continue;
		if ((rc = mdb_cursor_del(c, 0)) != 0)
			break;
		if (removed)
			(*removed)++;
	}
	mdb_cursor_close(c);
	explicit_bzero(&s, sizeof(s));
	return rc == MDB_NOTFOUND ? 0 : registry_db_error(e, rc, "sessions");
}
