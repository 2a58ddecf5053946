/* svc.h - what the account service's files share (service.c, login.c,
 * users.c): its state, hashing on the pool, transactions, audit records. */
#ifndef SKILLCERT_ACCOUNT_SVC_H
#define SKILLCERT_ACCOUNT_SVC_H
#include "skillcert/account/account.h"
#include "hashpool.h"
#include "addrlimit.h"
#include <pthread.h>

struct acct_service {
	struct registry *r;
	struct acct_config c;
	char issuer[64];
	int64_t (*now)(void *);
	void *now_arg;
	struct hashpool *pool;
	struct addrlimit *lim;
	char dummy[AUTH_HASH_MAX];     /* verified for unknown accounts */
	pthread_mutex_t mu;            /* guards full_noted */
	int64_t full_noted;            /* second of the last queue-full record */
};

/* On the pool: Argon2id of pw at the configured cost / a verify. */
int acct_hash(struct acct_service *s, const char *pw, char out[AUTH_HASH_MAX],
    struct err *e);
int acct_verify(struct acct_service *s, const char *hash, const char *pw,
    struct err *e);
/* Write transactions: begin, and commit (or abort when rc != 0). */
int acct_write_begin(struct acct_service *s, MDB_txn **txn, struct err *e);
int acct_write_end(MDB_txn *txn, int rc, struct err *e);
/* An event with explicit fields (who may be an attempted name). */
int acct_audit_raw(struct acct_service *s, MDB_txn *txn, const char *who,
    const char *role, const char *org, const char *client, const char *action,
    const char *object, const char *outcome, struct err *e);
/* rc as an audit outcome: ok, denied, invalid, error. */
const char *acct_outcome_of(int rc);
/* The actor an account acts as. */
void acct_actor_of(const struct account *a, const char *client,
    struct acct_actor *who);
/* 1 at most once a second: whether to record a queue-full refusal. */
int acct_full_note(struct acct_service *s);
/* Seconds locked after the n-th consecutive failure (0 below 5). */
int64_t acct_backoff(uint32_t failures);
/* login.c's session rules, shared with session.c. */
int acct_mfa_required(const struct account *a);
int acct_step_of(const struct account *a, const struct session *ss);
int acct_expired(struct acct_service *s, const struct session *ss);
int acct_session_load(struct acct_service *s, MDB_txn *txn,
    const uint8_t sid[AUTH_ID_LEN], struct session *ss, struct account *a,
    struct err *e);
int acct_step_begin(struct acct_service *s, const uint8_t sid[AUTH_ID_LEN],
    const char *client, MDB_txn **txn, struct session *ss, struct account *a,
    struct err *e);
void acct_fail(struct acct_service *s, struct account *a);
#endif
