/* account/account.h - the portal's account policy over the store: logins
 * (throttled per account and per client address, one error text whether
 * the account exists or not), second factors, sessions (idle 30 min,
 * absolute 12 h), CSRF tokens, API tokens, and the audit record of every
 * state change. No HTTP here: the portal passes what it read from the
 * request and gets back decisions. Password hashing runs on a bounded
 * pool of threads so a login flood queues behind itself, not behind
 * issuance. */
#ifndef SKILLCERT_ACCOUNT_H
#define SKILLCERT_ACCOUNT_H
#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/store/account.h"

#define ACCT_IDLE_S     (30 * 60)
#define ACCT_ABSOLUTE_S (12 * 3600)
#define ACCT_FAIL_FREE  5     /* failures before backoff starts */
#define ACCT_LOGIN_FAIL_TEXT "账号或密码错误，或账号已停用"  /* the one text */

struct acct_service;           /* one per portal process; thread-safe */
/* Each call below opens its own transactions (LMDB allows one write txn
 * at a time): never call one while this thread holds a write txn, except
 * acct_audit with that txn. */

struct acct_config {
	int hash_threads;          /* password-hashing pool size (>= 1) */
	int hash_queue;            /* waiting logins beyond which ERR_FULL */
	double per_addr_rate;      /* login attempts/s per client address */
	double per_addr_burst;
	const char *issuer;        /* TOTP issuer label, e.g. "skillcert" */
	uint32_t hash_m_kib;       /* Argon2id memory, KiB: 0 = 19456 (OWASP) */
	uint32_t hash_t;           /* Argon2id passes: 0 = 2. Only the unit tests
	                              set these lower (to hash in ~1 ms). */
};
void acct_config_defaults(struct acct_config *c);   /* 1 thread, queue 64,
                                                       0.5/s burst 10 */
int acct_service_open(struct acct_service **s, struct registry *r,
    const struct acct_config *c, struct err *e);
void acct_service_close(struct acct_service *s);
/* on != 0: no password hash starts until acct_service_hold_hashing(s, 0)
 * (one running finishes); logins meanwhile wait or, beyond the hash
 * queue, are refused (ERR_FULL, 429) before any hashing. Issuance holds
 * it so that a login flood's hashing does not take the CPUs it signs on. */
void acct_service_hold_hashing(struct acct_service *s, int on);

/* Who is acting, for permission checks and the audit trail. */
struct acct_actor {
	char name[ACCT_NAME_MAX + 1];  /* account, or "token:ID" for the API */
	int role;                      /* enum acct_role */
	char org[ORGCODE_LEN + 1];     /* "" = authority */
	char client[48];
	int api;                       /* acting through an API token */
};

enum acct_login_step { ACCT_LOGIN_OK = 0, ACCT_LOGIN_NEED_TOTP = 1,
	ACCT_LOGIN_NEED_ENROL = 2, ACCT_LOGIN_NEED_CHANGE = 3 };

/* Step one: name + password. On success a session is created (mfa_done
 * 0 if a second factor is owed), *step says what the user must do next
 * and sid receives the 32 random bytes for the cookie. Failures return
 * ERR_DENIED with ACCT_LOGIN_FAIL_TEXT (unknown account, wrong password,
 * disabled, locked) or ERR_FULL (throttled: retry_after set). Blocks on
 * the hashing pool. Every attempt is audited. */
int acct_login(struct acct_service *s, const char *name, const char *pw,
    const char *client, uint8_t sid[AUTH_ID_LEN], int *step,
    int64_t *retry_after, struct err *e);
/* Step two: the TOTP code for a session that owes one. */
int acct_login_totp(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *code, const char *client, struct err *e);
/* Enrolment: a new secret for the session's account (not yet active);
 * uri receives the otpauth:// URI for the QR. Confirmed by a code. */
int acct_totp_begin(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    char *uri, size_t cap, struct err *e);
int acct_totp_confirm(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *code, const char *client, struct err *e);
int acct_password_change(struct acct_service *s,
    const uint8_t sid[AUTH_ID_LEN], const char *old_pw, const char *new_pw,
    const char *client, struct err *e);
int acct_logout(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *client, struct err *e);

/* A request's session: 0 and the actor when the session is live, fully
 * logged in (mfa done, password not owed) and its account enabled;
 * refreshes the idle clock. ERR_DENIED otherwise (expired, unknown,
 * disabled). csrf (may be NULL) receives the session's form token. */
int acct_session_check(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *client, struct acct_actor *who, uint8_t csrf[32],
    struct err *e);
/* Like acct_session_check but also accepts a half-logged-in session;
 * *step says what it still owes. */
int acct_session_pending(struct acct_service *s,
    const uint8_t sid[AUTH_ID_LEN], int *step, struct err *e);
/* An API bearer token (the 43-character base64url text): 0 and the actor
 * (role ACCT_OPERATOR of the token's organization, api = 1) if the token
 * exists, is not revoked and not expired. */
int acct_token_check(struct acct_service *s, const char *token,
    const char *client, struct acct_actor *who, struct err *e);

/* Account management, as `skillcert user` and the portal's pages do it.
 * The actor must be allowed (authority: any; admin: own org's users,
 * never an authority user); refused as ERR_NOTFOUND when the target is in
 * another organization, so it cannot be told from one that is absent.
 * add and reset generate a one-time password into pw_out (must change at
 * next login) and clear the TOTP enrolment. */
int acct_user_add(struct acct_service *s, const struct acct_actor *by,
    const char *name, int role, const char *org, char *pw_out, size_t cap,
    struct err *e);
int acct_user_reset(struct acct_service *s, const struct acct_actor *by,
    const char *name, char *pw_out, size_t cap, struct err *e);
int acct_user_disable(struct acct_service *s, const struct acct_actor *by,
    const char *name, int disabled, struct err *e);
/* Token shown once (43 base64url characters); stored hashed. */
int acct_token_create(struct acct_service *s, const struct acct_actor *by,
    const char *label, int64_t expires, char token[64], char id[17],
    struct err *e);
int acct_token_revoke(struct acct_service *s, const struct acct_actor *by,
    const char *id, struct err *e);

/* Like acct_user_add with a password chosen by the caller (the CLI's
 * --password-file, demos): policy-checked; must_change as given. */
int acct_user_add_pw(struct acct_service *s, const struct acct_actor *by,
    const char *name, int role, const char *org, const char *pw,
    int must_change, struct err *e);
/* Sets a known TOTP secret and marks it enrolled (authority only: the
 * CLI's `user totp --secret`, for demos and tests). */
int acct_user_totp_set(struct acct_service *s, const struct acct_actor *by,
    const char *name, const uint8_t *sec, size_t n, struct err *e);
/* One account the actor may manage (as acct_user_each); another
 * organization's is ERR_NOTFOUND. a->pwhash and a->totp are wiped. */
int acct_user_get(struct acct_service *s, const struct acct_actor *by,
    const char *name, struct account *a, struct err *e);
/* The accounts the actor may manage (authority: all, or those of org when
 * not NULL; admin: its own organization's), in name order. */
int acct_user_each(struct acct_service *s, const struct acct_actor *by,
    const char *org, int (*fn)(const struct account *a, void *arg),
    void *arg, struct err *e);
/* acct_token_create for organization org (authority: any filed org;
 * admin: only its own). acct_token_create uses by->org. */
int acct_token_create_org(struct acct_service *s, const struct acct_actor *by,
    const char *org, const char *label, int64_t expires, char token[64],
    char id[17], struct err *e);
/* The tokens the actor may see (authority: all; admin: its org's). */
int acct_token_each(struct acct_service *s, const struct acct_actor *by,
    int (*fn)(const struct apitoken *t, void *arg), void *arg,
    struct err *e);
/* Deletes expired sessions (idle or absolute); *removed may be NULL. */
int acct_session_sweep(struct acct_service *s, size_t *removed,
    struct err *e);
/* The service's clock (unix seconds). */
int64_t acct_now(struct acct_service *s);

/* Records one event in its own write transaction (or inside txn when not
 * NULL, so an issuance and its record commit together). */
int acct_audit(struct acct_service *s, MDB_txn *txn,
    const struct acct_actor *who, const char *action, const char *object,
    const char *outcome, struct err *e);

/* Fixed by a test clock: 0 = time(NULL). */
void acct_service_set_clock(struct acct_service *s, int64_t (*now)(void *),
    void *arg);
#endif
