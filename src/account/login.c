/* login.c - logins (password, then the second factor), enrolment,
 * password changes, logout and the per-request session check. */
#include <stdio.h>
#include <string.h>

#include "svc.h"

int
acct_mfa_required(const struct account *a)
{
	return a->role >= ACCT_ADMIN || a->totp_on;
}

int
acct_step_of(const struct account *a, const struct session *ss)
{
	if (!ss->mfa_done)
		return a->totp_on ? ACCT_LOGIN_NEED_TOTP : ACCT_LOGIN_NEED_ENROL;
	return a->must_change ? ACCT_LOGIN_NEED_CHANGE : ACCT_LOGIN_OK;
}

int
acct_expired(struct acct_service *s, const struct session *ss)
{
	int64_t now = acct_now(s);
	return now - ss->seen > ACCT_IDLE_S || now - ss->created > ACCT_ABSOLUTE_S;
}

/* The live session of sid and its enabled account: ERR_DENIED if none. */
int
acct_session_load(struct acct_service *s, MDB_txn *txn,
    const uint8_t sid[AUTH_ID_LEN], struct session *ss, struct account *a,
    struct err *e)
{
	uint8_t h[32];
	int rc;

	auth_id_hash(sid, AUTH_ID_LEN, h);
	if ((rc = session_get(s->r, txn, h, ss, e)) != 0)
		return rc == ERR_NOTFOUND ? err_set(e, ERR_DENIED, "not logged "
		    "in (unknown or expired session)") : rc;
	if (acct_expired(s, ss))
		return err_set(e, ERR_DENIED, "session expired: log in again");
	if ((rc = account_get(s->r, txn, ss->account, a, e)) != 0)
		return rc == ERR_NOTFOUND ? err_set(e, ERR_DENIED, "not logged "
		    "in (account removed)") : rc;
	if (a->disabled)
		return err_set(e, ERR_DENIED, "account disabled");
	return 0;
}

/* The start of a step a half-logged-in session takes (its TOTP code, the
 * enrolment's confirmation): the address's budget, then a write
 * transaction holding the session and its account. On failure nothing is
 * left open. */
int
acct_step_begin(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *client, MDB_txn **txn, struct session *ss, struct account *a,
    struct err *e)
{
	int64_t ra;
	int rc;

	if (addrlimit_take(s->lim, client, (double)acct_now(s), &ra, NULL))
		return err_set(e, ERR_FULL, "too many attempts from this address: "
		    "retry in %lld s", (long long)ra);
	if ((rc = acct_write_begin(s, txn, e)) != 0)
		return rc;
	if ((rc = acct_session_load(s, *txn, sid, ss, a, e)) != 0)
		return acct_write_end(*txn, rc, e);
	return 0;
}

/* Counts a failed factor; locks with the backoff once past the free ones. */
void
acct_fail(struct acct_service *s, struct account *a)
{
	int64_t lock;

	if (a->failures < UINT32_MAX)
		a->failures++;
	if ((lock = acct_backoff(a->failures)) > 0)
		a->locked_until = acct_now(s) + lock;
}

static int
acct_session_new(struct acct_service *s, MDB_txn *txn, const struct account *a,
    uint8_t sid[AUTH_ID_LEN], int *step, struct err *e)
{
	struct session ss;
	int rc;

	memset(&ss, 0, sizeof(ss));
	if ((rc = auth_random(sid, AUTH_ID_LEN, e)) != 0 ||
	    (rc = auth_random(ss.csrf, sizeof(ss.csrf), e)) != 0)
		return rc;
	auth_id_hash(sid, AUTH_ID_LEN, ss.idhash);
	snprintf(ss.account, sizeof(ss.account), "%s", a->name);
	ss.created = ss.seen = acct_now(s);
	ss.mfa_done = !acct_mfa_required(a);
	*step = acct_step_of(a, &ss);
	rc = session_put(s->r, txn, &ss, e);
	explicit_bzero(&ss, sizeof(ss));
	return rc;
}

/* What the password step found, for the write that records it. */
enum { L_OK, L_UNKNOWN, L_DISABLED, L_LOCKED, L_WRONG, L_ERROR };
static const char *const l_why[] = { "", "unknown account", "disabled",
	"locked", "wrong password", "password check failed" };

static int
acct_login_record(struct acct_service *s, const char *name, int why,
    const char *client, uint8_t sid[AUTH_ID_LEN], int *step, struct err *e)
{
	struct account a;
	struct acct_actor who;
	MDB_txn *txn;
	char obj[64];
	int rc;

	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if (why == L_UNKNOWN || (rc = account_get(s->r, txn, name, &a, e)) != 0) {
		rc = acct_audit_raw(s, txn, account_name_check(name, NULL) ? "-" :
		    name, "-", "", client, "login_failed", l_why[L_UNKNOWN],
		    "denied", e);
		rc = acct_write_end(txn, rc, e);
		return rc ? rc : ERR_DENIED;
	}
	acct_actor_of(&a, client, &who);
	/* Disabled or locked since the password was read: still refused. */
	if (why == L_OK && (a.disabled || a.locked_until > acct_now(s)))
		why = a.disabled ? L_DISABLED : L_LOCKED;
	if (why == L_OK) {
		a.failures = 0;
		a.locked_until = 0;
		a.last_login = acct_now(s);
		if ((rc = account_put(s->r, txn, &a, e)) != 0 ||
		    (rc = acct_session_new(s, txn, &a, sid, step, e)) != 0 ||
		    (rc = acct_audit(s, txn, &who, "login", "password", "ok", e)) != 0)
			return acct_write_end(txn, rc, e);
		return acct_write_end(txn, 0, e);
	}
	if (why == L_WRONG)
		acct_fail(s, &a);
	snprintf(obj, sizeof(obj), "%s%s", l_why[why], a.locked_until >
	    acct_now(s) && why == L_WRONG ? ", locked" : "");
	if ((why == L_WRONG && (rc = account_put(s->r, txn, &a, e)) != 0) ||
	    (rc = acct_audit(s, txn, &who, "login_failed", obj, why == L_ERROR ?
	    "error" : "denied", e)) != 0)
		return acct_write_end(txn, rc, e);
	rc = acct_write_end(txn, 0, e);
	return rc ? rc : ERR_DENIED;
}

/* Reads the account and runs the password check (against the dummy hash
 * when there is nothing real to check, so every path costs one hash). */
static int
acct_login_check(struct acct_service *s, const char *name, const char *pw,
    int *why, struct err *e)
{
	struct account a;
	MDB_txn *txn;
	struct err e2;
	int rc, found;

	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	found = account_name_check(name, NULL) == 0 &&
	    account_get(s->r, txn, name, &a, NULL) == 0;
	mdb_txn_abort(txn);
	rc = acct_verify(s, found ? a.pwhash : s->dummy, pw, &e2);
	if (!found)
		*why = L_UNKNOWN;
	else if (a.disabled)
		*why = L_DISABLED;
	else if (a.locked_until > acct_now(s))
		*why = L_LOCKED;
	else
		*why = rc == 0 ? L_OK : rc == ERR_DENIED ? L_WRONG : L_ERROR;
	explicit_bzero(&a, sizeof(a));
	if (rc == ERR_FULL)
		return err_set(e, ERR_FULL, "%s", e2.msg);
	return 0;
}

int
acct_login(struct acct_service *s, const char *name, const char *pw,
    const char *client, uint8_t sid[AUTH_ID_LEN], int *step,
    int64_t *retry_after, struct err *e)
{
	const char *who = account_name_check(name, NULL) ? "-" : name;
	int why = L_ERROR, rc, first;

	*step = ACCT_LOGIN_OK;
	*retry_after = 0;
	memset(sid, 0, AUTH_ID_LEN);
	if (addrlimit_take(s->lim, client, (double)acct_now(s), retry_after,
	    &first)) {
		/* One record per flood, not a write per refused attempt. */
		if (first)
			acct_audit_raw(s, NULL, who, "-", "", client, "login_failed",
			    "throttled (address); repeats not recorded", "denied",
			    NULL);
		return err_set(e, ERR_FULL, "too many login attempts from this "
		    "address: retry in %lld s", (long long)*retry_after);
	}
	if ((rc = acct_login_check(s, name, pw, &why, e)) != 0) {
		if (rc == ERR_FULL)
			*retry_after = 1;
		if (rc != ERR_FULL || acct_full_note(s))
			acct_audit_raw(s, NULL, who, "-", "", client, "login_failed",
			    rc == ERR_FULL ? "throttled (hash queue full); repeats "
			    "this second not recorded" : "error", rc == ERR_FULL ?
			    "denied" : "error", NULL);
		return rc;
	}
	rc = acct_login_record(s, name, why, client, sid, step, e);
	if (rc == ERR_DENIED)
		return err_set(e, ERR_DENIED, "%s", ACCT_LOGIN_FAIL_TEXT);
	return rc;
}

int
acct_login_totp(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *code, const char *client, struct err *e)
{
	struct session ss;
	struct account a;
	struct acct_actor who;
	MDB_txn *txn;
	int rc, ok;

	if ((rc = acct_step_begin(s, sid, client, &txn, &ss, &a, e)) != 0)
		return rc;
	if (ss.mfa_done || !a.totp_on)
		return acct_write_end(txn, err_set(e, ERR_INVALID, "this session "
		    "owes no TOTP code"), e);
	acct_actor_of(&a, client, &who);
	ok = a.locked_until <= acct_now(s) && auth_totp_check(a.totp,
	    sizeof(a.totp), code, acct_now(s), &a.totp_last_step) == 0;
	if (ok) {
		a.failures = 0;
		ss.mfa_done = 1;
		ss.seen = acct_now(s);
	} else if (a.locked_until <= acct_now(s)) {
		acct_fail(s, &a);
	}
	if ((rc = account_put(s->r, txn, &a, e)) == 0 &&
	    (rc = session_put(s->r, txn, &ss, e)) == 0)
		rc = acct_audit(s, txn, &who, ok ? "login_totp" : "login_failed",
		    ok ? "totp" : "wrong, reused or locked totp code", ok ? "ok" :
		    "denied", e);
	explicit_bzero(&a, sizeof(a));
	if ((rc = acct_write_end(txn, rc, e)) != 0)
		return rc;
	return ok ? 0 : err_set(e, ERR_DENIED, "wrong or already used code");
}
