/* session.c - what a logged-in session does: TOTP enrolment, password
 * change, logout, the per-request check, and sweeping expired sessions. */
#include <stdio.h>
#include <string.h>

#include "svc.h"

#define SEEN_REFRESH_S 60   /* the idle clock is written at most once a
                               minute per session, not on every request */

/* Enrolment may start before the second factor only for an account that
 * has none yet; replacing an enrolled factor needs that factor first. */
static int
acct_enrol_allowed(const struct account *a, const struct session *ss,
    struct err *e)
{
	if (!ss->mfa_done && a->totp_on)
		return err_set(e, ERR_DENIED, "enter the current TOTP code "
		    "before enrolling a new one");
	return 0;
}

int
acct_totp_begin(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    char *uri, size_t cap, struct err *e)
{
	struct session ss;
	struct account a;
	MDB_txn *txn;
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = acct_session_load(s, txn, sid, &ss, &a, e)) == 0 &&
	    (rc = acct_enrol_allowed(&a, &ss, e)) == 0 &&
	    (rc = auth_totp_secret_new(ss.totp_new, e)) == 0) {
		ss.totp_pending = 1;
		if (auth_totp_uri(s->issuer, a.name, ss.totp_new,
		    sizeof(ss.totp_new), uri, cap) != 0)
			rc = err_set(e, ERR_FULL, "enrolment URI longer than %zu "
			    "bytes", cap);
		else
			rc = session_put(s->r, txn, &ss, e);
	}
	explicit_bzero(&ss, sizeof(ss));
	explicit_bzero(&a, sizeof(a));
	return acct_write_end(txn, rc, e);
}

static int
acct_confirm_apply(struct acct_service *s, MDB_txn *txn, struct session *ss,
    struct account *a, const char *code, int64_t *last, struct err *e)
{
	int rc;

	if (!ss->totp_pending)
		return err_set(e, ERR_INVALID, "no TOTP enrolment begun in "
		    "this session");
	if ((rc = acct_enrol_allowed(a, ss, e)) != 0)
		return rc;
	*last = 0;
	if (auth_totp_check(ss->totp_new, sizeof(ss->totp_new), code,
	    acct_now(s), last) != 0)
		return err_set(e, ERR_DENIED, "wrong code: check the phone's "
		    "clock and enter the code shown now");
	memcpy(a->totp, ss->totp_new, sizeof(a->totp));
	a->totp_on = 1;
	a->totp_last_step = *last;
	a->changed = acct_now(s);
	ss->mfa_done = 1;
	ss->totp_pending = 0;
	explicit_bzero(ss->totp_new, sizeof(ss->totp_new));
	if ((rc = account_put(s->r, txn, a, e)) != 0)
		return rc;
	return session_put(s->r, txn, ss, e);
}

int
acct_totp_confirm(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *code, const char *client, struct err *e)
{
	struct session ss;
	struct account a;
	struct acct_actor who;
	MDB_txn *txn;
	int64_t last;
	int rc, rc2;

	if ((rc = acct_step_begin(s, sid, client, &txn, &ss, &a, e)) != 0)
		return rc;
	acct_actor_of(&a, client, &who);
	rc = acct_confirm_apply(s, txn, &ss, &a, code, &last, e);
	explicit_bzero(&ss, sizeof(ss));
	explicit_bzero(&a, sizeof(a));
	if (rc != 0 && rc != ERR_DENIED && rc != ERR_INVALID)
		return acct_write_end(txn, rc, e);
	rc2 = acct_audit(s, txn, &who, "totp_enrol", who.name,
	    acct_outcome_of(rc), NULL);
	if ((rc2 = acct_write_end(txn, rc2, e)) != 0)
		return rc2;
	return rc;
}

/* The session's account and its current hash, read for a password change. */
static int
acct_change_read(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    struct account *a, struct err *e)
{
	struct session ss;
	MDB_txn *txn;
	int rc;

	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = acct_session_load(s, txn, sid, &ss, a, e);
	mdb_txn_abort(txn);
	if (rc == 0 && !ss.mfa_done)
		rc = err_set(e, ERR_DENIED, "complete the second factor first");
	explicit_bzero(&ss, sizeof(ss));
	return rc;
}

/* Stores the new hash, ends every other session of the account. */
static int
acct_change_write(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *hash, int ok, const char *client, struct err *e)
{
	struct session ss;
	struct account a;
	struct acct_actor who;
	MDB_txn *txn;
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = acct_session_load(s, txn, sid, &ss, &a, e)) != 0)
		return acct_write_end(txn, rc, e);
	acct_actor_of(&a, client, &who);
	if (ok) {
		snprintf(a.pwhash, sizeof(a.pwhash), "%s", hash);
		a.must_change = 0;
		a.failures = 0;
		a.changed = acct_now(s);
		ss.seen = acct_now(s);
		if ((rc = session_sweep(s->r, txn, 0, 0, a.name, NULL, e)) == 0)
			rc = session_put(s->r, txn, &ss, e);
	} else {
		acct_fail(s, &a);
	}
	if (rc == 0 && (rc = account_put(s->r, txn, &a, e)) == 0)
		rc = acct_audit(s, txn, &who, "password_change", a.name, ok ? "ok" :
		    "denied", e);
	explicit_bzero(&a, sizeof(a));
	explicit_bzero(&ss, sizeof(ss));
	return acct_write_end(txn, rc, e);
}

int
acct_password_change(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *old_pw, const char *new_pw, const char *client, struct err *e)
{
	struct account a;
	char h[AUTH_HASH_MAX];
	int64_t ra;
	int rc;

	if (addrlimit_take(s->lim, client, (double)acct_now(s), &ra, NULL))
		return err_set(e, ERR_FULL, "too many attempts from this address: "
		    "retry in %lld s", (long long)ra);
	if ((rc = acct_change_read(s, sid, &a, e)) != 0)
		return rc;
	if ((rc = auth_password_check(new_pw, a.name, e)) != 0 ||
	    (strcmp(old_pw, new_pw) == 0 && (rc = err_set(e, ERR_INVALID,
	    "the new password must differ from the current one")) != 0)) {
		explicit_bzero(&a, sizeof(a));
		return rc;
	}
	if (a.locked_until > acct_now(s)) {
		/* The user is logged in: the lock may be told, and is not
		 * lengthened by more tries. */
		rc = err_set(e, ERR_DENIED, "too many wrong passwords: try again "
		    "in %lld s", (long long)(a.locked_until - acct_now(s)));
		explicit_bzero(&a, sizeof(a));
		return rc;
	}
	if ((rc = acct_verify(s, a.pwhash, old_pw, e)) == ERR_DENIED)
		err_set(e, ERR_DENIED, "current password is wrong");
	explicit_bzero(&a, sizeof(a));
	if (rc == ERR_DENIED) {
		struct err e2;
		if (acct_change_write(s, sid, NULL, 0, client, &e2) != 0)
			*e = e2;
		return ERR_DENIED;
	}
	if (rc != 0 || (rc = acct_hash(s, new_pw, h, e)) != 0)
		return rc;
	rc = acct_change_write(s, sid, h, 1, client, e);
	explicit_bzero(h, sizeof(h));
	return rc;
}

int
acct_logout(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *client, struct err *e)
{
	struct session ss;
	struct account a;
	struct acct_actor who;
	MDB_txn *txn;
	uint8_t h[32];
	int rc;

	auth_id_hash(sid, AUTH_ID_LEN, h);
	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if (session_get(s->r, txn, h, &ss, NULL) != 0)
		return acct_write_end(txn, 0, e);  /* already gone: done */
	memset(&a, 0, sizeof(a));
	if (account_get(s->r, txn, ss.account, &a, NULL) != 0)
		snprintf(a.name, sizeof(a.name), "%s", ss.account);
	acct_actor_of(&a, client, &who);
	if ((rc = session_del(s->r, txn, h, e)) == 0)
		rc = acct_audit(s, txn, &who, "logout", a.name, "ok", e);
	explicit_bzero(&a, sizeof(a));
	explicit_bzero(&ss, sizeof(ss));
	return acct_write_end(txn, rc, e);
}

/* Moves the idle clock (at most once a minute) and drops an expired
 * session, each in its own short write. */
static void
acct_session_touch(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    int expired)
{
	struct session ss;
	MDB_txn *txn;
	uint8_t h[32];
	int rc;

	auth_id_hash(sid, AUTH_ID_LEN, h);
	if (acct_write_begin(s, &txn, NULL) != 0)
		return;
	if ((rc = session_get(s->r, txn, h, &ss, NULL)) == 0) {
		if (expired && acct_expired(s, &ss))
			rc = session_del(s->r, txn, h, NULL);
		else if (!expired) {
			ss.seen = acct_now(s);
			rc = session_put(s->r, txn, &ss, NULL);
		}
	}
	explicit_bzero(&ss, sizeof(ss));
	acct_write_end(txn, rc, NULL);
}

static int
acct_session_read(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    struct session *ss, struct account *a, struct err *e)
{
	MDB_txn *txn;
	int rc;

	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = acct_session_load(s, txn, sid, ss, a, e);
	mdb_txn_abort(txn);
	if (rc == ERR_DENIED && ss->created != 0 && acct_expired(s, ss))
		acct_session_touch(s, sid, 1);
	return rc;
}

int
acct_session_check(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *client, struct acct_actor *who, uint8_t csrf[32],
    struct err *e)
{
	struct session ss;
	struct account a;
	int rc;

	memset(who, 0, sizeof(*who));
	memset(&ss, 0, sizeof(ss));
	if ((rc = acct_session_read(s, sid, &ss, &a, e)) != 0)
		return rc;
	if (acct_step_of(&a, &ss) != ACCT_LOGIN_OK)
		rc = err_set(e, ERR_DENIED, "login not complete");
	else {
		acct_actor_of(&a, client, who);
		if (csrf)
			memcpy(csrf, ss.csrf, sizeof(ss.csrf));
		if (acct_now(s) - ss.seen >= SEEN_REFRESH_S)
			acct_session_touch(s, sid, 0);
	}
	explicit_bzero(&a, sizeof(a));
	explicit_bzero(&ss, sizeof(ss));
	return rc;
}

int
acct_session_pending(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    int *step, struct err *e)
{
	struct session ss;
	struct account a;
	int rc;

	memset(&ss, 0, sizeof(ss));
	if ((rc = acct_session_read(s, sid, &ss, &a, e)) == 0)
		*step = acct_step_of(&a, &ss);
	explicit_bzero(&a, sizeof(a));
	explicit_bzero(&ss, sizeof(ss));
	return rc;
}

int
acct_session_sweep(struct acct_service *s, size_t *removed, struct err *e)
{
	int64_t now = acct_now(s);
	MDB_txn *txn;
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	rc = session_sweep(s->r, txn, now - ACCT_IDLE_S, now - ACCT_ABSOLUTE_S,
	    NULL, removed, e);
	return acct_write_end(txn, rc, e);
}
