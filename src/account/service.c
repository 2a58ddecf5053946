/* service.c - the account service's state (account.h): configuration,
 * the hashing pool and address limits, the clock, the audit trail. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "svc.h"

void
acct_config_defaults(struct acct_config *c)
{
	memset(c, 0, sizeof(*c));
	c->hash_threads = 1;
	c->hash_queue = 64;
	c->per_addr_rate = 0.5;
	c->per_addr_burst = 10;
	c->issuer = "skillcert";
	c->hash_m_kib = AUTH_ARGON2_M_KIB;
	c->hash_t = AUTH_ARGON2_T;
}

int
acct_service_open(struct acct_service **out, struct registry *r,
    const struct acct_config *c, struct err *e)
{
	struct acct_service *s;
	uint8_t junk[24];
	char pw[2 * 24 + 1];
	int rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	s->r = r;
	s->c = *c;
	pthread_mutex_init(&s->mu, NULL);
	if (s->c.hash_m_kib == 0)
		s->c.hash_m_kib = AUTH_ARGON2_M_KIB;
	if (s->c.hash_t == 0)
		s->c.hash_t = AUTH_ARGON2_T;
	snprintf(s->issuer, sizeof(s->issuer), "%s", c->issuer ? c->issuer :
	    "skillcert");
	s->c.issuer = s->issuer;
	if ((rc = hashpool_open(&s->pool, c->hash_threads, c->hash_queue,
	    e)) != 0 || (rc = addrlimit_open(&s->lim, c->per_addr_rate,
	    c->per_addr_burst, e)) != 0 || (rc = auth_random(junk, sizeof(junk),
	    e)) != 0)
		goto fail;
	/* The dummy hash has the real cost, so an unknown name takes as
	 * long as a known one; its password is random and forgotten. */
	for (size_t i = 0; i < sizeof(junk); i++)
		snprintf(pw + 2 * i, 3, "%02x", junk[i]);
	rc = auth_password_hash_cost(pw, s->c.hash_m_kib, s->c.hash_t, s->dummy, e);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(junk, sizeof(junk));
	if (rc != 0)
		goto fail;
	*out = s;
	return 0;
fail:
	acct_service_close(s);
	return rc;
}

void
acct_service_hold_hashing(struct acct_service *s, int on)
{
	if (s && s->pool)
		hashpool_hold(s->pool, on);
}

void
acct_service_close(struct acct_service *s)
{
	if (s == NULL)
		return;
	hashpool_close(s->pool);
	addrlimit_close(s->lim);
	pthread_mutex_destroy(&s->mu);
	explicit_bzero(s, sizeof(*s));
	free(s);
}

void
acct_service_set_clock(struct acct_service *s, int64_t (*now)(void *),
    void *arg)
{
	s->now = now;
	s->now_arg = arg;
}

int64_t
acct_now(struct acct_service *s)
{
	return s->now ? s->now(s->now_arg) : (int64_t)time(NULL);
}

int
acct_full_note(struct acct_service *s)
{
	int64_t now = acct_now(s);
	int yes;

	pthread_mutex_lock(&s->mu);
	yes = now != s->full_noted;
	s->full_noted = now;
	pthread_mutex_unlock(&s->mu);
	return yes;
}

int64_t
acct_backoff(uint32_t failures)
{
	if (failures < ACCT_FAIL_FREE)
		return 0;
	if (failures - ACCT_FAIL_FREE >= 10)
		return 15 * 60;
	int64_t t = (int64_t)1 << (failures - ACCT_FAIL_FREE);
	return t > 15 * 60 ? 15 * 60 : t;
}

struct hash_job {
	struct acct_service *s;
	const char *pw, *hash;
	char *out;
	struct err *e;
};

static int
acct_hash_job(void *arg)
{
	struct hash_job *j = arg;
	return auth_password_hash_cost(j->pw, j->s->c.hash_m_kib, j->s->c.hash_t,
	    j->out, j->e);
}

static int
acct_verify_job(void *arg)
{
	struct hash_job *j = arg;
	return auth_password_verify(j->hash, j->pw, j->e);
}

int
acct_hash(struct acct_service *s, const char *pw, char out[AUTH_HASH_MAX],
    struct err *e)
{
	struct hash_job j = { s, pw, NULL, out, e };
	return hashpool_run(s->pool, acct_hash_job, &j, e);
}

int
acct_verify(struct acct_service *s, const char *hash, const char *pw,
    struct err *e)
{
	struct hash_job j = { s, pw, hash, NULL, e };
	return hashpool_run(s->pool, acct_verify_job, &j, e);
}

int
acct_write_begin(struct acct_service *s, MDB_txn **txn, struct err *e)
{
	return registry_txn_begin(s->r, 0, txn, e);
}

int
acct_write_end(MDB_txn *txn, int rc, struct err *e)
{
	int c;

	if (rc != 0) {
		mdb_txn_abort(txn);
		return rc;
	}
	if ((c = mdb_txn_commit(txn)) != 0)
		return err_set(e, ERR_DB, "commit: %s", mdb_strerror(c));
	return 0;
}

const char *
acct_outcome_of(int rc)
{
	switch (rc) {
	case 0: return "ok";
	case ERR_DENIED: case ERR_NOTFOUND: case ERR_FULL: return "denied";
	case ERR_INVALID: case ERR_EXISTS: case ERR_USAGE: return "invalid";
	default: return "error";
	}
}

void
acct_actor_of(const struct account *a, const char *client,
    struct acct_actor *who)
{
	memset(who, 0, sizeof(*who));
	snprintf(who->name, sizeof(who->name), "%s", a->name);
	who->role = a->role;
	snprintf(who->org, sizeof(who->org), "%s", a->org);
	snprintf(who->client, sizeof(who->client), "%s", client ? client : "");
}

static int64_t
acct_time_us(struct acct_service *s)
{
	struct timespec t;

	if (s->now)
		return s->now(s->now_arg) * 1000000;
	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int
acct_audit_raw(struct acct_service *s, MDB_txn *txn, const char *who,
    const char *role, const char *org, const char *client, const char *action,
    const char *object, const char *outcome, struct err *e)
{
	struct audit_event ev;
	MDB_txn *own = NULL;
	int rc;

	memset(&ev, 0, sizeof(ev));
	ev.time_us = acct_time_us(s);
	snprintf(ev.who, sizeof(ev.who), "%s", who && *who ? who : "-");
	snprintf(ev.role, sizeof(ev.role), "%s", role && *role ? role : "-");
	snprintf(ev.org, sizeof(ev.org), "%s", org ? org : "");
	snprintf(ev.client, sizeof(ev.client), "%s", client && *client ?
	    client : "-");
	snprintf(ev.action, sizeof(ev.action), "%s", action);
	snprintf(ev.object, sizeof(ev.object), "%s", object ? object : "");
	snprintf(ev.outcome, sizeof(ev.outcome), "%s", outcome);
	if (txn == NULL && (rc = acct_write_begin(s, &own, e)) != 0)
		return rc;
	rc = audit_append(s->r, txn ? txn : own, &ev, e);
	return own ? acct_write_end(own, rc, e) : rc;
}

int
acct_audit(struct acct_service *s, MDB_txn *txn, const struct acct_actor *who,
    const char *action, const char *object, const char *outcome,
    struct err *e)
{
	const char *role = "-";

	if (who)
		role = who->api ? "api" : account_role_name(who->role);
	return acct_audit_raw(s, txn, who ? who->name : NULL, role,
	    who ? who->org : "", who ? who->client : NULL, action, object,
	    outcome, e);
}
