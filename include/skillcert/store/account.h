/* account.h - portal accounts, sessions, API tokens and the audit trail,
 * stored in the registry's environment (so a backup carries them):
 *
 *   accounts   name -> account_encode
 *   sessions   SHA-256(session id) (32) -> session_encode
 *   apitokens  SHA-256(token) (32) -> apitoken_encode
 *   audit      u64 sequence (big-endian, append-only) -> audit_encode
 *
 * Each call works inside the caller's transaction, as the rest of the
 * registry does. Nothing here decides policy: the account service
 * (account/account.h) does. */
#ifndef SKILLCERT_STORE_ACCOUNT_H
#define SKILLCERT_STORE_ACCOUNT_H
#include <stdint.h>
#include <lmdb.h>
#include "skillcert/base/err.h"
#include "skillcert/auth/auth.h"
#include "skillcert/model/certno.h"
#include "skillcert/store/registry.h"

#define ACCT_NAME_MAX 64
enum acct_role { ACCT_OPERATOR = 1, ACCT_ADMIN = 2, ACCT_AUTHORITY = 3 };

struct account {
	char name[ACCT_NAME_MAX + 1];  /* [a-z0-9._-], 3..64 */
	int role;                      /* enum acct_role */
	char org[ORGCODE_LEN + 1];     /* "" for authority users */
	int disabled;
	char pwhash[AUTH_HASH_MAX];
	uint8_t totp[AUTH_TOTP_SECRET];
	int totp_on;                   /* enrolled (required for admin/authority) */
	int64_t totp_last_step;
	uint32_t failures;             /* consecutive failed logins */
	int64_t locked_until;          /* unix seconds; backoff after 5 failures */
	int must_change;               /* set by add/reset: change at next login */
	int64_t created, changed, last_login;
};

struct session {
	uint8_t idhash[32];
	char account[ACCT_NAME_MAX + 1];
	int64_t created, seen;         /* unix seconds: absolute and idle expiry */
	uint8_t csrf[32];              /* the form token of this session */
	int mfa_done;                  /* second factor passed */
	int totp_pending;              /* an enrolment begun in this session */
	uint8_t totp_new[AUTH_TOTP_SECRET]; /* its secret, until confirmed */
};

struct apitoken {
	uint8_t hash[32];
	char id[17];                   /* public handle: 16 hex of the hash */
	char org[ORGCODE_LEN + 1];
	char label[64];
	char created_by[ACCT_NAME_MAX + 1];
	int64_t created, expires;      /* expires 0: never */
	int64_t revoked;               /* 0, or when */
};

struct audit_event {
	uint64_t seq;                  /* filled by audit_append */
	int64_t time_us;               /* wall clock, microseconds */
	char who[ACCT_NAME_MAX + 1];   /* account, "token:ID", or "-" */
	char role[16];                 /* operator|admin|authority|api|- */
	char org[ORGCODE_LEN + 1];
	char client[48];               /* peer address */
	char action[32];               /* login, login_failed, logout, issue, ... */
	char object[160];              /* batch id, cert number, account, ... */
	char outcome[16];              /* ok, denied, invalid, error */
};

/* Opens (a writer: creates) the four databases; a read-only open of a
 * registry that lacks them sets r->has_accounts = 0 and every read here
 * sees them empty. Called by registry_open and registry_init. */
int account_dbs_open(struct registry *r, MDB_txn *txn, struct err *e);
/* [a-z0-9._-], 3..ACCT_NAME_MAX bytes: 0 or ERR_INVALID. */
int account_name_check(const char *name, struct err *e);
const char *account_role_name(int role);     /* "operator" ... or "-" */
int account_role_parse(const char *s);       /* enum acct_role, or 0 */

int account_put(struct registry *r, MDB_txn *txn, const struct account *a,
    struct err *e);
int account_get(struct registry *r, MDB_txn *txn, const char *name,
    struct account *a, struct err *e);          /* ERR_NOTFOUND */
int account_each(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct account *a, void *arg), void *arg, struct err *e);

int session_put(struct registry *r, MDB_txn *txn, const struct session *s,
    struct err *e);
int session_get(struct registry *r, MDB_txn *txn, const uint8_t idhash[32],
    struct session *s, struct err *e);          /* ERR_NOTFOUND */
int session_del(struct registry *r, MDB_txn *txn, const uint8_t idhash[32],
    struct err *e);
/* Deletes sessions idle since before idle_before or created before
 * created_before, and every session of `account` when it is not NULL. */
int session_sweep(struct registry *r, MDB_txn *txn, int64_t idle_before,
    int64_t created_before, const char *account, size_t *removed,
    struct err *e);

int apitoken_put(struct registry *r, MDB_txn *txn, const struct apitoken *t,
    struct err *e);
int apitoken_get(struct registry *r, MDB_txn *txn, const uint8_t hash[32],
    struct apitoken *t, struct err *e);         /* ERR_NOTFOUND */
int apitoken_each(struct registry *r, MDB_txn *txn, const char *org,
    int (*fn)(const struct apitoken *t, void *arg), void *arg, struct err *e);

/* Appends (MDB_APPEND on the next sequence); ev->seq is set. */
int audit_append(struct registry *r, MDB_txn *txn, struct audit_event *ev,
    struct err *e);
/* Events with seq >= from, oldest first, until fn returns non-zero. */
int audit_each(struct registry *r, MDB_txn *txn, uint64_t from,
    int (*fn)(const struct audit_event *ev, void *arg), void *arg,
    struct err *e);
#endif
