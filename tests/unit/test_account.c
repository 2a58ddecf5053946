/* test_account.c - accounts, sessions, API tokens and the audit trail:
 * store round trips and an old registry without them; the account
 * service under a fake clock (lockout and backoff, one error text, expiry,
 * TOTP, permissions, tokens, audit order, the hashing pool's bound). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/account/account.h"
#include "skillcert/base/base32.h"
#include "../../src/account/svc.h"
#include "gen.h"
#include "test.h"

#define ORG2 "S000036000002"
#define T0 1767225600   /* 2026-01-01, the fake clock's start */

static char tmpl[] = "/tmp/test_account.XXXXXX";

static int
count_cb(const void *x, void *arg)
{
	(void)x;
	(*(int *)arg)++;
	return 0;
}

static int
acct_count_cb(const struct account *a, void *arg)
{
	return count_cb(a, arg);
}

static int
audit_collect_cb(const struct audit_event *ev, void *arg)
{
	struct audit_event *out = arg;
	out[ev->seq - 1] = *ev;
	return 0;
}

static void
test_store_accounts(struct registry *r)
{
	struct account a, b;
	struct session s, s2;
	struct err e;
	MDB_txn *txn;
	size_t removed;
	int n = 0;

	memset(&a, 0, sizeof(a));
	snprintf(a.name, sizeof(a.name), "op.zhang-1");
	a.role = ACCT_OPERATOR;
	snprintf(a.org, sizeof(a.org), "%s", GEN_ORG);
	snprintf(a.pwhash, sizeof(a.pwhash), "$argon2id$v=19$m=8,t=1,p=1$x$y");
	memset(a.totp, 0xa5, sizeof(a.totp));
	a.totp_on = 1;
	a.must_change = 1;
	a.totp_last_step = 123456789;
	a.failures = 7;
	a.locked_until = -5;
	a.created = 1700000000;
	a.changed = 1700000001;
	a.last_login = 1700000002;
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(account_put(r, txn, &a, &e), 0);
	CHECK_EQ_INT(account_get(r, txn, "op.zhang-1", &b, &e), 0);
	CHECK(memcmp(&a, &b, sizeof(a)) == 0);
	CHECK_EQ_INT(account_get(r, txn, "nobody", &b, &e), ERR_NOTFOUND);
	snprintf(a.name, sizeof(a.name), "Bad Name");
	CHECK_EQ_INT(account_put(r, txn, &a, &e), ERR_INVALID);
	CHECK_EQ_INT(account_each(r, txn, acct_count_cb, &n, &e), 0);
	CHECK_EQ_INT(n, 1);

	memset(&s, 0, sizeof(s));
	memset(s.idhash, 1, 32);
	snprintf(s.account, sizeof(s.account), "op.zhang-1");
	s.created = 100;
	s.seen = 200;
	memset(s.csrf, 7, 32);
	s.mfa_done = 1;
	s.totp_pending = 1;
	memset(s.totp_new, 9, sizeof(s.totp_new));
	CHECK_EQ_INT(session_put(r, txn, &s, &e), 0);
	CHECK_EQ_INT(session_get(r, txn, s.idhash, &s2, &e), 0);
	CHECK(memcmp(&s, &s2, sizeof(s)) == 0);
	s.idhash[0] = 2;
	s.seen = 50;              /* idle */
	CHECK_EQ_INT(session_put(r, txn, &s, &e), 0);
	s.idhash[0] = 3;
	s.seen = 300;
	s.created = 10;           /* too old */
	CHECK_EQ_INT(session_put(r, txn, &s, &e), 0);
	s.idhash[0] = 4;
	s.created = 100;
	snprintf(s.account, sizeof(s.account), "other");
	CHECK_EQ_INT(session_put(r, txn, &s, &e), 0);
	CHECK_EQ_INT(session_sweep(r, txn, 100, 50, NULL, &removed, &e), 0);
	CHECK_EQ_INT(removed, 2);
	s.idhash[0] = 1;
	CHECK_EQ_INT(session_get(r, txn, s.idhash, &s2, &e), 0);
	CHECK_EQ_INT(session_sweep(r, txn, 0, 0, "op.zhang-1", &removed, &e), 0);
	CHECK_EQ_INT(removed, 1);
	CHECK_EQ_INT(session_get(r, txn, s.idhash, &s2, &e), ERR_NOTFOUND);
	s.idhash[0] = 4;
	CHECK_EQ_INT(session_get(r, txn, s.idhash, &s2, &e), 0);
	CHECK_EQ_INT(session_del(r, txn, s.idhash, &e), 0);
	CHECK_EQ_INT(session_del(r, txn, s.idhash, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
}

static int
tok_cb(const struct apitoken *t, void *arg)
{
	return count_cb(t, arg);
}

static void
test_store_tokens_audit(struct registry *r)
{
	struct apitoken t, t2;
	struct audit_event ev, got[3];
	struct err e;
	MDB_txn *txn;
	int n = 0;

	memset(&t, 0, sizeof(t));
	memset(t.hash, 0x11, 32);
	snprintf(t.id, sizeof(t.id), "1111111111111111");
	snprintf(t.org, sizeof(t.org), "%s", GEN_ORG);
	snprintf(t.label, sizeof(t.label), "上报接口 nightly");
	snprintf(t.created_by, sizeof(t.created_by), "admin.li");
	t.created = 5;
	t.expires = 6;
	t.revoked = 0;
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(apitoken_put(r, txn, &t, &e), 0);
	CHECK_EQ_INT(apitoken_get(r, txn, t.hash, &t2, &e), 0);
	CHECK(memcmp(&t, &t2, sizeof(t)) == 0);
	CHECK_EQ_INT(apitoken_each(r, txn, GEN_ORG, tok_cb, &n, &e), 0);
	CHECK_EQ_INT(apitoken_each(r, txn, "S000036000002", tok_cb, &n, &e), 0);
	CHECK_EQ_INT(n, 1);
	t.hash[0] = 0;
	CHECK_EQ_INT(apitoken_get(r, txn, t.hash, &t2, &e), ERR_NOTFOUND);

	for (int i = 0; i < 3; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.time_us = 1000 + i;
		snprintf(ev.who, sizeof(ev.who), "who%d", i);
		snprintf(ev.role, sizeof(ev.role), "admin");
		snprintf(ev.org, sizeof(ev.org), "%s", GEN_ORG);
		snprintf(ev.client, sizeof(ev.client), "2001:db8::%d", i);
		snprintf(ev.action, sizeof(ev.action), "login");
		snprintf(ev.object, sizeof(ev.object), "对象%d", i);
		snprintf(ev.outcome, sizeof(ev.outcome), "ok");
		CHECK_EQ_INT(audit_append(r, txn, &ev, &e), 0);
		CHECK_EQ_INT(ev.seq, i + 1);
	}
	CHECK_EQ_INT(audit_each(r, txn, 1, audit_collect_cb, got, &e), 0);
	CHECK_STR(got[2].object, "对象2");
	CHECK_STR(got[1].client, "2001:db8::1");
	CHECK_EQ_INT(got[0].time_us, 1000);
	n = 0;
	CHECK_EQ_INT(audit_each(r, txn, 3, (int (*)(const struct audit_event *,
	    void *))count_cb, &n, &e), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
}

/* A registry made before accounts: drop the four databases, then a
 * read-only open sees them as empty and a writer's open makes them. */
static void
test_old_registry(const char *dir)
{
	static const char *names[] = { "accounts", "sessions", "apitokens",
	    "audit" };
	struct registry *r;
	struct account a;
	struct err e;
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	int n = 0;

	CHECK_EQ_INT(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 24);
	CHECK_EQ_INT(mdb_env_open(env, dir, 0, 0600), 0);
	CHECK_EQ_INT(mdb_txn_begin(env, NULL, 0, &txn), 0);
	for (int i = 0; i < 4; i++) {
		CHECK_EQ_INT(mdb_dbi_open(txn, names[i], 0, &dbi), 0);
		CHECK_EQ_INT(mdb_drop(txn, dbi, 1), 0);
	}
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	mdb_env_close(env);

	CHECK_EQ_INT(registry_open(&r, dir, gen_opts(REG_RDONLY), &e), 0);
	CHECK_EQ_INT(r->has_accounts, 0);
	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(account_get(r, txn, "op.zhang-1", &a, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(account_each(r, txn, acct_count_cb, &n, &e), 0);
	CHECK_EQ_INT(n, 0);
	mdb_txn_abort(txn);
	registry_close(r);
	CHECK_EQ_INT(registry_open(&r, dir, gen_opts(0), &e), 0);
	CHECK_EQ_INT(r->has_accounts, 1);
	registry_close(r);
}

#include "test_account_svc.h"

int
main(void)
{
	struct registry *r;
	char cmd[128];

	if (mkdtemp(tmpl) == NULL)
		return 2;
	r = gen_registry(tmpl);
	test_store_accounts(r);
	test_store_tokens_audit(r);
	test_service(r);
	test_hashpool();
	registry_close(r);
	test_old_registry(tmpl);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpl);
	if (system(cmd) != 0)
		return 2;
	TEST_END();
}
