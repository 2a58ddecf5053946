/* users.c - account management as `skillcert user` and the portal's pages
 * do it: who may touch whom, one-time passwords, enable/disable, reset. */
#include <stdio.h>
#include <string.h>

#include "svc.h"
#include "skillcert/model/org.h"

#define OTP_LEN 20   /* one-time passwords: 20 of 32 symbols, 100 bits */

/* May `by` manage an account of role/org? An admin asking about another
 * organization's account gets ERR_NOTFOUND, as if it did not exist. */
static int
acct_may_manage(const struct acct_actor *by, const char *name, int role,
    const char *org, struct err *e)
{
	if (by->api)
		return err_set(e, ERR_DENIED, "API tokens cannot manage accounts");
	if (by->role == ACCT_AUTHORITY)
		return 0;
	if (by->role != ACCT_ADMIN)
		return err_set(e, ERR_DENIED, "only an organization's admin or "
		    "the authority manages accounts");
	if (role == ACCT_AUTHORITY || strcmp(org, by->org) != 0)
		return err_set(e, ERR_NOTFOUND, "no account %s", name);
	return 0;
}

/* The target account, if `by` may manage it. */
static int
acct_target_get(struct acct_service *s, MDB_txn *txn,
    const struct acct_actor *by, const char *name, struct account *a,
    struct err *e)
{
	int rc;

	if (by->api)
		return err_set(e, ERR_DENIED, "API tokens cannot manage accounts");
	if ((rc = account_name_check(name, e)) != 0 ||
	    (rc = account_get(s->r, txn, name, a, e)) != 0)
		return rc;
	return acct_may_manage(by, name, a->role, a->org, e);
}

static int
acct_otp_new(char *out, size_t cap, struct err *e)
{
	static const char sym[] = "abcdefghjkmnpqrstuvwxyz23456789A";  /* 32 */
	uint8_t r[OTP_LEN];
	int rc;

	if (cap < OTP_LEN + 1)
		return err_set(e, ERR_FULL, "password buffer smaller than %d",
		    OTP_LEN + 1);
	if ((rc = auth_random(r, sizeof(r), e)) != 0)
		return rc;
	for (int i = 0; i < OTP_LEN; i++)
		out[i] = sym[r[i] & 31];
	out[OTP_LEN] = '\0';
	explicit_bzero(r, sizeof(r));
	return 0;
}

/* Checks what an add names: role, organization (filed, for operators and
 * admins; none for authority users), and that `by` may add it. */
static int
acct_add_check(struct acct_service *s, const struct acct_actor *by,
    const char *name, int role, const char *org, struct err *e)
{
	struct org o;
	MDB_txn *txn;
	int rc;

	if ((rc = account_name_check(name, e)) != 0)
		return rc;
	if (role < ACCT_OPERATOR || role > ACCT_AUTHORITY)
		return err_set(e, ERR_USAGE, "role must be operator, admin or "
		    "authority");
	if (role == ACCT_AUTHORITY && org && *org)
		return err_set(e, ERR_USAGE, "authority users belong to no "
		    "organization");
	if (role != ACCT_AUTHORITY && (org == NULL || !*org))
		return err_set(e, ERR_USAGE, "operators and admins need an "
		    "organization (--org)");
	if (by->role == ACCT_ADMIN && role == ACCT_AUTHORITY && !by->api)
		return err_set(e, ERR_DENIED, "only the authority adds "
		    "authority users");
	if ((rc = acct_may_manage(by, name, role, org ? org : "", e)) != 0)
		return rc == ERR_NOTFOUND ? err_set(e, ERR_NOTFOUND, "no "
		    "organization %s", org) : rc;
	if (role == ACCT_AUTHORITY)
		return 0;
	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = registry_get_org(s->r, txn, org, &o, e);
	mdb_txn_abort(txn);
	return rc;
}

static int
acct_add_write(struct acct_service *s, const struct acct_actor *by,
    const char *name, int role, const char *org, const char *hash,
    int must_change, struct err *e)
{
	struct account a;
	MDB_txn *txn;
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if (account_get(s->r, txn, name, &a, NULL) == 0)
		return acct_write_end(txn, err_set(e, ERR_EXISTS, "account %s "
		    "already exists", name), e);
	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "%s", name);
	a.role = role;
	snprintf(a.org, sizeof(a.org), "%s", role == ACCT_AUTHORITY ? "" : org);
	snprintf(a.pwhash, sizeof(a.pwhash), "%s", hash);
	a.must_change = must_change;
	a.created = a.changed = acct_now(s);
	if ((rc = account_put(s->r, txn, &a, e)) == 0)
		rc = acct_audit(s, txn, by, "user_add", name, "ok", e);
	explicit_bzero(&a, sizeof(a));
	return acct_write_end(txn, rc, e);
}

/* A refused change is recorded too (in its own transaction). */
static int
acct_refused(struct acct_service *s, const struct acct_actor *by,
    const char *action, const char *object, int rc)
{
	if (rc != 0)
		acct_audit(s, NULL, by, action, object, acct_outcome_of(rc), NULL);
	return rc;
}

int
acct_user_add_pw(struct acct_service *s, const struct acct_actor *by,
    const char *name, int role, const char *org, const char *pw,
    int must_change, struct err *e)
{
	char h[AUTH_HASH_MAX];
	int rc;

	if ((rc = acct_add_check(s, by, name, role, org, e)) != 0 ||
	    (rc = auth_password_check(pw, name, e)) != 0 ||
	    (rc = acct_hash(s, pw, h, e)) != 0)
		return acct_refused(s, by, "user_add", name, rc);
	rc = acct_add_write(s, by, name, role, org, h, must_change, e);
	explicit_bzero(h, sizeof(h));
	return acct_refused(s, by, "user_add", name, rc);
}

int
acct_user_add(struct acct_service *s, const struct acct_actor *by,
    const char *name, int role, const char *org, char *pw_out, size_t cap,
    struct err *e)
{
	int rc;

	if ((rc = acct_otp_new(pw_out, cap, e)) != 0)
		return rc;
	if ((rc = acct_user_add_pw(s, by, name, role, org, pw_out, 1, e)) != 0)
		explicit_bzero(pw_out, cap);
	return rc;
}

/* A reset: the new hash, password owed, TOTP and lock cleared, sessions
 * ended. */
static int
acct_reset_write(struct acct_service *s, const struct acct_actor *by,
    const char *name, const char *hash, struct err *e)
{
	struct account a;
	MDB_txn *txn;
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = acct_target_get(s, txn, by, name, &a, e)) == 0) {
		snprintf(a.pwhash, sizeof(a.pwhash), "%s", hash);
		a.must_change = 1;
		a.totp_on = 0;
		explicit_bzero(a.totp, sizeof(a.totp));
		a.totp_last_step = 0;
		a.failures = 0;
		a.locked_until = 0;
		a.changed = acct_now(s);
		if ((rc = account_put(s->r, txn, &a, e)) == 0 &&
		    (rc = session_sweep(s->r, txn, 0, 0, name, NULL, e)) == 0)
			rc = acct_audit(s, txn, by, "user_reset", name, "ok", e);
	}
	explicit_bzero(&a, sizeof(a));
	return acct_write_end(txn, rc, e);
}

int
acct_user_reset(struct acct_service *s, const struct acct_actor *by,
    const char *name, char *pw_out, size_t cap, struct err *e)
{
	char h[AUTH_HASH_MAX];
	struct account a;
	MDB_txn *txn;
	int rc;

	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = acct_target_get(s, txn, by, name, &a, e);
	mdb_txn_abort(txn);
	explicit_bzero(&a, sizeof(a));
	if (rc == 0 && (rc = acct_otp_new(pw_out, cap, e)) == 0 &&
	    (rc = acct_hash(s, pw_out, h, e)) == 0)
		rc = acct_reset_write(s, by, name, h, e);
	explicit_bzero(h, sizeof(h));
	if (rc != 0 && cap)
		explicit_bzero(pw_out, cap);
	return acct_refused(s, by, "user_reset", name, rc);
}

int
acct_user_disable(struct acct_service *s, const struct acct_actor *by,
    const char *name, int disabled, struct err *e)
{
	const char *act = disabled ? "user_disable" : "user_enable";
	struct account a;
	MDB_txn *txn;
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = acct_target_get(s, txn, by, name, &a, e)) == 0 && disabled &&
	    strcmp(by->name, name) == 0)
		rc = err_set(e, ERR_DENIED, "you cannot disable your own account");
	if (rc == 0) {
		a.disabled = !!disabled;
		a.changed = acct_now(s);
		if ((rc = account_put(s->r, txn, &a, e)) == 0 && disabled)
			rc = session_sweep(s->r, txn, 0, 0, name, NULL, e);
		if (rc == 0)
			rc = acct_audit(s, txn, by, act, name, "ok", e);
	}
	explicit_bzero(&a, sizeof(a));
	return acct_refused(s, by, act, name, acct_write_end(txn, rc, e));
}

int
acct_user_totp_set(struct acct_service *s, const struct acct_actor *by,
    const char *name, const uint8_t *sec, size_t n, struct err *e)
{
	struct account a;
	MDB_txn *txn;
	int rc;

	if (by->role != ACCT_AUTHORITY || by->api)
		return acct_refused(s, by, "user_totp", name, err_set(e,
		    ERR_DENIED, "only the authority sets a TOTP secret"));
	if (n != AUTH_TOTP_SECRET)
		return err_set(e, ERR_INVALID, "TOTP secret is %zu bytes; %d "
		    "(32 base32 characters) needed", n, AUTH_TOTP_SECRET);
	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = acct_target_get(s, txn, by, name, &a, e)) == 0) {
		memcpy(a.totp, sec, n);
		a.totp_on = 1;
		a.totp_last_step = 0;
		a.changed = acct_now(s);
		if ((rc = account_put(s->r, txn, &a, e)) == 0)
			rc = acct_audit(s, txn, by, "user_totp", name, "ok", e);
	}
	explicit_bzero(&a, sizeof(a));
	return acct_refused(s, by, "user_totp", name, acct_write_end(txn, rc, e));
}

struct each_arg {
	const struct acct_actor *by;
	const char *org;
	int (*fn)(const struct account *, void *);
	void *arg;
};

static int
acct_each_cb(const struct account *a, void *arg)
{
	struct each_arg *x = arg;

	if (x->by->role == ACCT_ADMIN && (a->role == ACCT_AUTHORITY ||
	    strcmp(a->org, x->by->org) != 0))
		return 0;
	if (x->org && strcmp(a->org, x->org) != 0)
		return 0;
	return x->fn(a, x->arg);
}

int
acct_user_each(struct acct_service *s, const struct acct_actor *by,
    const char *org, int (*fn)(const struct account *a, void *arg),
    void *arg, struct err *e)
{
	struct each_arg x = { by, org, fn, arg };
	MDB_txn *txn;
	int rc;

	if (by->api || (by->role != ACCT_AUTHORITY && by->role != ACCT_ADMIN))
		return err_set(e, ERR_DENIED, "only an organization's admin or "
		    "the authority lists accounts");
	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = account_each(s->r, txn, acct_each_cb, &x, e);
	mdb_txn_abort(txn);
	return rc;
}

int
acct_user_get(struct acct_service *s, const struct acct_actor *by,
    const char *name, struct account *a, struct err *e)
{
	MDB_txn *txn;
	int rc;

	memset(a, 0, sizeof(*a));
	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = acct_target_get(s, txn, by, name, a, e);
	mdb_txn_abort(txn);
	explicit_bzero(a->pwhash, sizeof(a->pwhash));
	explicit_bzero(a->totp, sizeof(a->totp));
	if (rc != 0)
		memset(a, 0, sizeof(*a));
	return rc;
}
