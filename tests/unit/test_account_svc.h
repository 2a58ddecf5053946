/* test_account_svc.h - test_account.c's service part: the account policy
 * under a fake clock (included once, by test_account.c). */

struct fake { int64_t t; };

static int64_t
fake_now(void *arg)
{
	return ((struct fake *)arg)->t;
}

/* Cheap hashing (Argon2id m=64 KiB, t=1: about a millisecond) through the
 * config fields production leaves at OWASP's cost. */
static struct acct_service *
svc_open(struct registry *r, struct fake *clk, int threads, int queue,
    double rate, double burst)
{
	struct acct_service *s;
	struct acct_config c;
	struct err e;

	acct_config_defaults(&c);
	CHECK_EQ_INT(c.hash_m_kib, 19456);
	CHECK_EQ_INT(c.hash_t, 2);
	c.hash_m_kib = 64;
	c.hash_t = 1;
	c.hash_threads = threads;
	c.hash_queue = queue;
	c.per_addr_rate = rate;
	c.per_addr_burst = burst;
	if (acct_service_open(&s, r, &c, &e) != 0) {
		fprintf(stderr, "acct_service_open: %s\n", e.msg);
		exit(2);
	}
	acct_service_set_clock(s, fake_now, clk);
	return s;
}

static const struct acct_actor cli = { "cli:test", ACCT_AUTHORITY, "",
	"local", 0 };

static struct account
get_acct(struct registry *r, const char *name)
{
	struct account a;
	MDB_txn *txn;

	memset(&a, 0, sizeof(a));
	if (registry_txn_begin(r, 1, &txn, NULL) == 0) {
		account_get(r, txn, name, &a, NULL);
		mdb_txn_abort(txn);
	}
	return a;
}

static int
login(struct acct_service *s, const char *name, const char *pw,
    uint8_t sid[32], int *step, struct err *e)
{
	int64_t ra;
	return acct_login(s, name, pw, "10.0.0.1", sid, step, &ra, e);
}

#define PW "correct horse battery staple"

static void
svc_users(struct acct_service *s, struct registry *r)
{
	char pw[64];
	struct err e;
	MDB_txn *txn;

	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(gen_org(r, txn, ORG2, "养老护理员:5-1", KEY_ED25519, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "op1", ACCT_OPERATOR, GEN_ORG, PW,
	    0, &e), 0);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "op2", ACCT_OPERATOR, GEN_ORG, PW,
	    0, &e), 0);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "op1", ACCT_OPERATOR, GEN_ORG, PW,
	    0, &e), ERR_EXISTS);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "op3", ACCT_OPERATOR, GEN_ORG,
	    "short", 0, &e), ERR_INVALID);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "op3", ACCT_OPERATOR,
	    "S000036000099", PW, 0, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(acct_user_add(s, &cli, "adm1", ACCT_ADMIN, GEN_ORG, pw,
	    sizeof(pw), &e), 0);
	CHECK_EQ_INT(strlen(pw), 20);
	CHECK_EQ_INT(auth_password_check(pw, "adm1", &e), 0);
	CHECK_EQ_INT(get_acct(r, "adm1").must_change, 1);
	CHECK(strncmp(get_acct(r, "adm1").pwhash, "$argon2id$", 10) == 0);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "adm2", ACCT_ADMIN, ORG2, PW, 0,
	    &e), 0);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "boss", ACCT_AUTHORITY, "", PW, 0,
	    &e), 0);
}

static void
svc_login_basic(struct acct_service *s, struct fake *clk)
{
	uint8_t sid[32], csrf[32], zero[32] = { 0 };
	struct acct_actor who;
	struct err e, e2;
	int step;

	CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), 0);
	CHECK_EQ_INT(step, ACCT_LOGIN_OK);
	CHECK_EQ_INT(acct_session_check(s, sid, "10.0.0.1", &who, csrf, &e), 0);
	CHECK_STR(who.name, "op1");
	CHECK_STR(who.org, GEN_ORG);
	CHECK_EQ_INT(who.role, ACCT_OPERATOR);
	CHECK(memcmp(csrf, zero, 32) != 0);
	/* One text for every refusal: unknown name, wrong password. */
	CHECK_EQ_INT(login(s, "nobody", PW, sid, &step, &e), ERR_DENIED);
	CHECK_EQ_INT(login(s, "op1", PW "x", sid, &step, &e2), ERR_DENIED);
	CHECK_STR(e.msg, ACCT_LOGIN_FAIL_TEXT);
	CHECK_STR(e2.msg, ACCT_LOGIN_FAIL_TEXT);
	CHECK_EQ_INT(login(s, "NOT A NAME", PW, sid, &step, &e), ERR_DENIED);
	CHECK_STR(e.msg, ACCT_LOGIN_FAIL_TEXT);
	CHECK(memcmp(sid, zero, 32) == 0);
	(void)clk;
}

static void
svc_lockout(struct acct_service *s, struct registry *r, struct fake *clk)
{
	uint8_t sid[32];
	struct account a;
	struct err e;
	MDB_txn *txn;
	int step;

	for (int i = 0; i < 4; i++)
		CHECK_EQ_INT(login(s, "op2", "wrong password!!", sid, &step, &e),
		    ERR_DENIED);
	CHECK_EQ_INT(get_acct(r, "op2").failures, 4);
	CHECK_EQ_INT(get_acct(r, "op2").locked_until, 0);
	CHECK_EQ_INT(login(s, "op2", PW, sid, &step, &e), 0);   /* resets */
	CHECK_EQ_INT(get_acct(r, "op2").failures, 0);
	for (int i = 0; i < 5; i++)
		login(s, "op2", "wrong password!!", sid, &step, &e);
	CHECK_EQ_INT(get_acct(r, "op2").locked_until, clk->t + 1);  /* 2^0 */
	/* Locked: the right password is refused, with the same text. */
	CHECK_EQ_INT(login(s, "op2", PW, sid, &step, &e), ERR_DENIED);
	CHECK_STR(e.msg, ACCT_LOGIN_FAIL_TEXT);
	CHECK_EQ_INT(get_acct(r, "op2").failures, 5);   /* not counted */
	clk->t += 1;
	CHECK_EQ_INT(login(s, "op2", "wrong password!!", sid, &step, &e),
	    ERR_DENIED);
	CHECK_EQ_INT(get_acct(r, "op2").locked_until, clk->t + 2);  /* 2^1 */
	clk->t += 2;
	login(s, "op2", "wrong password!!", sid, &step, &e);
	CHECK_EQ_INT(get_acct(r, "op2").locked_until, clk->t + 4);  /* 2^2 */
	/* Capped at 15 minutes. */
	a = get_acct(r, "op2");
	a.failures = 40;
	a.locked_until = 0;
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(account_put(r, txn, &a, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	login(s, "op2", "wrong password!!", sid, &step, &e);
	CHECK_EQ_INT(get_acct(r, "op2").locked_until, clk->t + 900);
	clk->t += 899;
	CHECK_EQ_INT(login(s, "op2", PW, sid, &step, &e), ERR_DENIED);
	clk->t += 1;
	CHECK_EQ_INT(login(s, "op2", PW, sid, &step, &e), 0);
	CHECK_EQ_INT(get_acct(r, "op2").failures, 0);
}

static void
svc_expiry(struct acct_service *s, struct fake *clk)
{
	uint8_t sid[32];
	struct acct_actor who;
	struct err e;
	int step, ok = 1;

	CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), 0);
	clk->t += 29 * 60;
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), 0);
	clk->t += 29 * 60;                 /* idle counts from the last use */
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), 0);
	clk->t += 30 * 60 + 1;
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);
	clk->t -= 30 * 60 + 1;             /* gone, not just too old */
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);
	/* Absolute: used every 20 minutes, still over at 12 hours. */
	CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), 0);
	for (int i = 1; i <= 36; i++) {
		clk->t += 20 * 60;
		if (acct_session_check(s, sid, "x", &who, NULL, &e) != 0)
			ok = 0;
	}
	CHECK_EQ_INT(ok, 1);               /* exactly 12 h: still live */
	clk->t += 1;
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);
}

static void
svc_disabled(struct acct_service *s, struct registry *r, struct fake *clk)
{
	uint8_t sid[32], h[32];
	struct session ss;
	struct acct_actor who;
	struct err e;
	MDB_txn *txn;
	int step;

	CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), 0);
	CHECK_EQ_INT(acct_user_disable(s, &cli, "op1", 1, &e), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);
	CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), ERR_DENIED);
	CHECK_STR(e.msg, ACCT_LOGIN_FAIL_TEXT);
	/* A live session of a disabled account (put back by hand) is still
	 * refused: the check reads the account, not only the sweep. */
	memset(&ss, 0, sizeof(ss));
	memset(sid, 0x42, sizeof(sid));
	auth_id_hash(sid, 32, h);
	memcpy(ss.idhash, h, 32);
	snprintf(ss.account, sizeof(ss.account), "op1");
	ss.created = ss.seen = clk->t;
	ss.mfa_done = 1;
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(session_put(r, txn, &ss, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);
	CHECK_EQ_INT(acct_user_disable(s, &cli, "op1", 0, &e), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), 0);
	CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), 0);
}

static void
code_at(const uint8_t *sec, int64_t t, char out[7])
{
	snprintf(out, 7, "%06u", auth_totp_code(sec, 20, t / 30));
}

static void
svc_totp(struct acct_service *s, struct registry *r, struct fake *clk)
{
	uint8_t sid[32], sec[40];
	char uri[512], code[7], pw[64];
	const char *p;
	struct acct_actor who;
	struct err e;
	int step;

	/* adm1 was added with a one-time password: set a known one. */
	CHECK_EQ_INT(acct_user_reset(s, &cli, "adm1", pw, sizeof(pw), &e), 0);
	CHECK_EQ_INT(login(s, "adm1", pw, sid, &step, &e), 0);
	CHECK_EQ_INT(step, ACCT_LOGIN_NEED_ENROL);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);
	CHECK_EQ_INT(acct_totp_begin(s, sid, uri, sizeof(uri), &e), 0);
	CHECK(strncmp(uri, "otpauth://totp/skillcert:adm1?secret=", 37) == 0);
	p = uri + 37;
	CHECK_EQ_INT(base32_decode(p, strcspn(p, "&"), sec, sizeof(sec), NULL), 20);
	CHECK_EQ_INT(acct_totp_confirm(s, sid, "000000", "x", &e) == 0 &&
	    (code_at(sec, clk->t, code), strcmp(code, "000000") != 0), 0);
	code_at(sec, clk->t, code);
	CHECK_EQ_INT(acct_totp_confirm(s, sid, code, "x", &e), 0);
	CHECK_EQ_INT(get_acct(r, "adm1").totp_on, 1);
	CHECK_EQ_INT(acct_session_pending(s, sid, &step, &e), 0);
	CHECK_EQ_INT(step, ACCT_LOGIN_NEED_CHANGE);
	CHECK_EQ_INT(acct_password_change(s, sid, pw, "adm1 is short", "x", &e),
	    ERR_INVALID);              /* contains the name */
	CHECK_EQ_INT(acct_password_change(s, sid, "not the old one", PW, "x", &e),
	    ERR_DENIED);
	CHECK_EQ_INT(get_acct(r, "adm1").failures, 1);   /* counted */
	CHECK_EQ_INT(acct_password_change(s, sid, pw, PW, "x", &e), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), 0);
	CHECK_EQ_INT(who.role, ACCT_ADMIN);
	CHECK_EQ_INT(acct_logout(s, sid, "x", &e), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), ERR_DENIED);

	/* Next login owes the code; the enrolment's code is a replay. */
	CHECK_EQ_INT(login(s, "adm1", PW, sid, &step, &e), 0);
	CHECK_EQ_INT(step, ACCT_LOGIN_NEED_TOTP);
	CHECK_EQ_INT(acct_totp_begin(s, sid, uri, sizeof(uri), &e), ERR_DENIED);
	CHECK_EQ_INT(acct_login_totp(s, sid, code, "x", &e), ERR_DENIED);
	clk->t += 30;
	code_at(sec, clk->t, code);
	CHECK_EQ_INT(acct_login_totp(s, sid, code, "x", &e), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), 0);
	CHECK_EQ_INT(login(s, "adm1", PW, sid, &step, &e), 0);
	CHECK_EQ_INT(acct_login_totp(s, sid, code, "x", &e), ERR_DENIED);
	clk->t += 30;
	code_at(sec, clk->t, code);
	CHECK_EQ_INT(acct_login_totp(s, sid, code, "x", &e), 0);
	CHECK_EQ_INT(acct_session_check(s, sid, "x", &who, NULL, &e), 0);
}

static int
list_cb(const struct account *a, void *arg)
{
	char *out = arg;
	strcat(out, a->name);
	strcat(out, " ");
	return 0;
}

static void
svc_perms(struct acct_service *s, struct fake *clk)
{
	struct acct_actor adm1 = { "adm1", ACCT_ADMIN, GEN_ORG, "x", 0 };
	struct acct_actor op = { "op1", ACCT_OPERATOR, GEN_ORG, "x", 0 };
	char pw[64], list[256] = "";
	struct err e, e2;

	CHECK_EQ_INT(acct_user_reset(s, &adm1, "adm2", pw, sizeof(pw), &e),
	    ERR_NOTFOUND);
	CHECK_EQ_INT(acct_user_reset(s, &adm1, "ghost", pw, sizeof(pw), &e2),
	    ERR_NOTFOUND);
	CHECK_STR(e.msg, "no account adm2");
	CHECK_STR(e2.msg, "no account ghost");
	CHECK_EQ_INT(acct_user_disable(s, &adm1, "adm2", 1, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(acct_user_disable(s, &adm1, "boss", 1, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(acct_user_add(s, &adm1, "op9", ACCT_OPERATOR, ORG2, pw,
	    sizeof(pw), &e), ERR_NOTFOUND);
	CHECK_EQ_INT(acct_user_add(s, &adm1, "boss2", ACCT_AUTHORITY, "", pw,
	    sizeof(pw), &e), ERR_DENIED);
	CHECK_EQ_INT(acct_user_disable(s, &adm1, "adm1", 1, &e), ERR_DENIED);
	CHECK_EQ_INT(acct_user_add(s, &op, "op9", ACCT_OPERATOR, GEN_ORG, pw,
	    sizeof(pw), &e), ERR_DENIED);
	CHECK_EQ_INT(acct_user_add(s, &adm1, "op9", ACCT_OPERATOR, GEN_ORG, pw,
	    sizeof(pw), &e), 0);
	CHECK_EQ_INT(acct_user_disable(s, &adm1, "op9", 1, &e), 0);
	CHECK_EQ_INT(acct_user_each(s, &adm1, NULL, list_cb, list, &e), 0);
	CHECK_STR(list, "adm1 op.zhang-1 op1 op2 op9 ");  /* not adm2, boss */
	CHECK_EQ_INT(acct_user_each(s, &op, NULL, list_cb, list, &e), ERR_DENIED);
	{
		struct account a;
		CHECK_EQ_INT(acct_user_get(s, &adm1, "op9", &a, &e), 0);
		CHECK_EQ_INT(a.disabled, 1);
		CHECK_EQ_INT(a.pwhash[0], 0);
		CHECK_EQ_INT(acct_user_get(s, &adm1, "adm2", &a, &e), ERR_NOTFOUND);
		CHECK_EQ_INT(acct_user_get(s, &cli, "adm2", &a, &e), 0);
		CHECK_STR(a.org, ORG2);
	}
	(void)clk;
}

static void
svc_tokens(struct acct_service *s, struct fake *clk)
{
	struct acct_actor adm1 = { "adm1", ACCT_ADMIN, GEN_ORG, "x", 0 };
	struct acct_actor adm2 = { "adm2", ACCT_ADMIN, ORG2, "x", 0 };
	struct acct_actor who;
	char tok[64], tok2[64], id[17], id2[17];
	struct err e;

	CHECK_EQ_INT(acct_token_create(s, &adm1, "nightly upload", clk->t + 100,
	    tok, id, &e), 0);
	CHECK_EQ_INT(strlen(tok), 43);
	CHECK_EQ_INT(strlen(id), 16);
	CHECK_EQ_INT(acct_token_check(s, tok, "x", &who, &e), 0);
	CHECK_EQ_INT(who.api, 1);
	CHECK_STR(who.org, GEN_ORG);
	CHECK(strncmp(who.name, "token:", 6) == 0 && strcmp(who.name + 6, id) == 0);
	clk->t += 100;
	CHECK_EQ_INT(acct_token_check(s, tok, "x", &who, &e), ERR_DENIED);
	CHECK_EQ_INT(acct_token_create(s, &adm1, "forever", 0, tok2, id2, &e), 0);
	CHECK_EQ_INT(acct_token_check(s, tok2, "x", &who, &e), 0);
	CHECK_EQ_INT(acct_token_revoke(s, &adm2, id2, &e), ERR_NOTFOUND);
	CHECK_EQ_INT(acct_token_check(s, tok2, "x", &who, &e), 0);
	CHECK_EQ_INT(acct_token_revoke(s, &adm1, id2, &e), 0);
	CHECK_EQ_INT(acct_token_check(s, tok2, "x", &who, &e), ERR_DENIED);
	CHECK_EQ_INT(acct_token_revoke(s, &adm1, id2, &e), ERR_INVALID);
	CHECK_EQ_INT(acct_token_create(s, &adm1, "past", clk->t - 1, tok, id, &e),
	    ERR_INVALID);
	CHECK_EQ_INT(acct_token_create_org(s, &adm1, ORG2, "x", 0, tok, id, &e),
	    ERR_NOTFOUND);
	CHECK_EQ_INT(acct_token_check(s, "not a token", "x", &who, &e),
	    ERR_DENIED);
	tok2[5] ^= 1;
	CHECK_EQ_INT(acct_token_check(s, tok2, "x", &who, &e), ERR_DENIED);
}

static int
last_cb(const struct audit_event *ev, void *arg)
{
	struct audit_event *last = arg;
	if (last->seq + 1 != ev->seq && last->seq != 0)
		last->seq = (uint64_t)-1;   /* a gap: never equals a count */
	else
		*last = *ev;
	return 0;
}

static struct audit_event
audit_last(struct registry *r)
{
	struct audit_event ev;
	MDB_txn *txn;

	memset(&ev, 0, sizeof(ev));
	if (registry_txn_begin(r, 1, &txn, NULL) == 0) {
		audit_each(r, txn, 1, last_cb, &ev, NULL);
		mdb_txn_abort(txn);
	}
	return ev;
}

static void
svc_audit(struct acct_service *s, struct registry *r, struct fake *clk)
{
	struct audit_event a0 = audit_last(r), a1;
	uint8_t sid[32];
	struct err e;
	int step;

	CHECK(a0.seq > 20);              /* everything so far, in order */
	CHECK_EQ_INT(login(s, "ghost", PW, sid, &step, &e), ERR_DENIED);
	a1 = audit_last(r);
	CHECK_EQ_INT(a1.seq, a0.seq + 1);
	CHECK_STR(a1.action, "login_failed");
	CHECK_STR(a1.who, "ghost");
	CHECK_STR(a1.client, "10.0.0.1");
	CHECK_STR(a1.object, "unknown account");
	CHECK_STR(a1.outcome, "denied");
	CHECK_EQ_INT(a1.time_us, clk->t * 1000000);
	CHECK_EQ_INT(acct_user_disable(s, &cli, "op2", 1, &e), 0);
	a1 = audit_last(r);
	CHECK_EQ_INT(a1.seq, a0.seq + 2);
	CHECK_STR(a1.action, "user_disable");
	CHECK_STR(a1.who, "cli:test");
	CHECK_STR(a1.role, "authority");
	CHECK_STR(a1.object, "op2");
	CHECK_STR(a1.outcome, "ok");
	CHECK_EQ_INT(acct_audit(s, NULL, &cli, "issue", "batch-7", "ok", &e), 0);
	CHECK_EQ_INT(audit_last(r).seq, a0.seq + 3);
	CHECK_STR(audit_last(r).object, "batch-7");
}

/* A worker held by a job that waits on a gate, to fill the queue. */
struct gate { pthread_mutex_t mu; pthread_cond_t cv; int open; };

static int
gate_job(void *arg)
{
	struct gate *g = arg;
	pthread_mutex_lock(&g->mu);
	while (!g->open)
		pthread_cond_wait(&g->cv, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return 0;
}

struct runner { struct hashpool *p; struct gate *g; int rc; };

static void *
run_gate(void *arg)
{
	struct runner *x = arg;
	x->rc = hashpool_run(x->p, gate_job, x->g, NULL);
	return NULL;
}

static void
wait_load(struct hashpool *p, int running, int waiting)
{
	int r, w;
	for (int i = 0; i < 5000; i++) {
		hashpool_load(p, &r, &w);
		if (r == running && w == waiting)
			return;
		usleep(1000);
	}
	CHECK(!"hash pool never reached the expected load");
}

static void
svc_pool_full(struct registry *r, struct fake *clk)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct acct_service *s = svc_open(r, clk, 1, 2, 1000, 1000);
	struct runner x[3];
	pthread_t t[3];
	uint8_t sid[32];
	int64_t ra = 0;
	struct err e;
	int step;

	for (int i = 0; i < 3; i++) {
		x[i].p = s->pool;
		x[i].g = &g;
		CHECK_EQ_INT(pthread_create(&t[i], NULL, run_gate, &x[i]), 0);
		wait_load(s->pool, 1, i);    /* one running, then i waiting */
	}
	/* 1 running, 2 waiting = the queue is full: the login is refused. */
	CHECK_EQ_INT(acct_login(s, "op1", PW, "10.1.1.1", sid, &step, &ra, &e),
	    ERR_FULL);
	CHECK_EQ_INT(ra, 1);
	pthread_mutex_lock(&g.mu);
	g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	for (int i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		CHECK_EQ_INT(x[i].rc, 0);
	}
	CHECK_EQ_INT(acct_login(s, "op1", PW, "10.1.1.1", sid, &step, &ra, &e), 0);
	acct_service_close(s);
}

static void
svc_addr_limit(struct registry *r, struct fake *clk)
{
	struct acct_service *s = svc_open(r, clk, 1, 4, 0.5, 3);
	uint8_t sid[32];
	int64_t ra = 0;
	struct err e;
	int step;

	for (int i = 0; i < 3; i++)
		CHECK_EQ_INT(acct_login(s, "ghost", PW, "192.0.2.7", sid, &step, &ra,
		    &e), ERR_DENIED);
	CHECK_EQ_INT(acct_login(s, "op1", PW, "192.0.2.7", sid, &step, &ra, &e),
	    ERR_FULL);
	CHECK_EQ_INT(ra, 2);                 /* one token at 0.5/s */
	CHECK_STR(audit_last(r).object, "throttled (address); repeats not "
	    "recorded");
	{
		uint64_t seq = audit_last(r).seq;
		for (int i = 0; i < 5; i++)
			CHECK_EQ_INT(acct_login(s, "op1", PW, "192.0.2.7", sid, &step,
			    &ra, &e), ERR_FULL);
		CHECK_EQ_INT(audit_last(r).seq, seq);  /* a flood is one record */
	}
	CHECK_EQ_INT(acct_login(s, "op1", PW, "192.0.2.8", sid, &step, &ra, &e),
	    0);                              /* another address is not held */
	clk->t += 2;
	CHECK_EQ_INT(acct_login(s, "op1", PW, "192.0.2.7", sid, &step, &ra, &e),
	    0);
	CHECK_EQ_INT(acct_login(s, "op1", PW, "192.0.2.7", sid, &step, &ra, &e),
	    ERR_FULL);
	acct_service_close(s);
}

/* An unknown name costs a hash too: at a cost where one hash is ~20 ms
 * (more than a commit's fsync), unknown and wrong-password logins take
 * alike; without the dummy hash the unknown one would be ~100 times
 * faster, so a factor of 4 either way cannot hide it. */
static void
svc_timing(struct registry *r, struct fake *clk)
{
	struct acct_service *s;
	struct acct_config c;
	uint8_t sid[32];
	int64_t ra;
	double t0, known = 0, unknown = 0;
	struct err e;
	int step;

	acct_config_defaults(&c);
	c.hash_m_kib = 8192;
	c.hash_t = 2;
	c.per_addr_rate = 1000;
	c.per_addr_burst = 1000;
	CHECK_EQ_INT(acct_service_open(&s, r, &c, &e), 0);
	acct_service_set_clock(s, fake_now, clk);
	CHECK_EQ_INT(acct_user_add_pw(s, &cli, "timed", ACCT_OPERATOR, GEN_ORG, PW,
	    0, &e), 0);
	for (int i = 0; i < 4; i++) {
		t0 = gen_now();
		acct_login(s, "timed", "wrong password!!", "t", sid, &step, &ra, &e);
		known += gen_now() - t0;
		t0 = gen_now();
		acct_login(s, "untimed", "wrong password!!", "t", sid, &step, &ra, &e);
		unknown += gen_now() - t0;
		clk->t += 3600;              /* past any lock */
	}
	CHECK(unknown > known / 4 && unknown < known * 4);
	printf("4 logins: wrong password %.3f s, unknown name %.3f s\n", known,
	    unknown);
	acct_service_close(s);
}

struct stress { struct acct_service *s; int ok; };

static void *
stress_run(void *arg)
{
	struct stress *x = arg;
	struct acct_actor who;
	uint8_t sid[32];
	int64_t ra;
	struct err e;
	int step;

	for (int i = 0; i < 10; i++)
		if (acct_login(x->s, "op1", PW, "s", sid, &step, &ra, &e) == 0 &&
		    acct_session_check(x->s, sid, "s", &who, NULL, &e) == 0 &&
		    acct_logout(x->s, sid, "s", &e) == 0)
			x->ok++;
	return NULL;
}

/* Logins from several threads at once, through a pool of 2. */
static void
svc_threads(struct registry *r, struct fake *clk)
{
	struct acct_service *s = svc_open(r, clk, 2, 16, 1000, 1000);
	struct stress x[6];
	pthread_t t[6];
	size_t removed = 99;
	uint8_t sid[32];
	struct err e;
	int total = 0, step;

	for (int i = 0; i < 6; i++) {
		x[i].s = s;
		x[i].ok = 0;
		CHECK_EQ_INT(pthread_create(&t[i], NULL, stress_run, &x[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		pthread_join(t[i], NULL);
		total += x[i].ok;
	}
	CHECK_EQ_INT(total, 60);
	CHECK_EQ_INT(acct_session_sweep(s, &removed, &e), 0);  /* older ones */
	for (int i = 0; i < 2; i++)
		CHECK_EQ_INT(login(s, "op1", PW, sid, &step, &e), 0);
	CHECK_EQ_INT(acct_session_sweep(s, &removed, &e), 0);
	CHECK_EQ_INT(removed, 0);        /* both live */
	clk->t += ACCT_IDLE_S + 1;
	CHECK_EQ_INT(acct_session_sweep(s, &removed, &e), 0);
	CHECK_EQ_INT(removed, 2);
	acct_service_close(s);
}

static void
test_service(struct registry *r)
{
	struct fake clk = { T0 };
	struct acct_service *s = svc_open(r, &clk, 2, 8, 1000, 1000);

	svc_users(s, r);
	svc_login_basic(s, &clk);
	svc_lockout(s, r, &clk);
	svc_expiry(s, &clk);
	svc_disabled(s, r, &clk);
	svc_totp(s, r, &clk);
	svc_perms(s, &clk);
	svc_tokens(s, &clk);
	svc_audit(s, r, &clk);
	acct_service_close(s);
	svc_pool_full(r, &clk);
	svc_addr_limit(r, &clk);
	svc_timing(r, &clk);
	svc_threads(r, &clk);
}

/* The pool alone: queue 0 means no waiting at all. */
static void
test_hashpool(void)
{
	struct gate g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0 };
	struct hashpool *p;
	struct runner x = { NULL, &g, -1 };
	pthread_t t;
	struct err e;

	CHECK_EQ_INT(hashpool_open(&p, 1, 0, &e), 0);
	x.p = p;
	CHECK_EQ_INT(pthread_create(&t, NULL, run_gate, &x), 0);
	wait_load(p, 1, 0);
	CHECK_EQ_INT(hashpool_run(p, gate_job, &g, &e), ERR_FULL);
	pthread_mutex_lock(&g.mu);
	g.open = 1;
	pthread_cond_broadcast(&g.cv);
	pthread_mutex_unlock(&g.mu);
	pthread_join(t, NULL);
	CHECK_EQ_INT(x.rc, 0);
	CHECK_EQ_INT(hashpool_run(p, gate_job, &g, &e), 0);
	hashpool_close(p);
	CHECK_EQ_INT(hashpool_open(&p, 0, 1, &e), ERR_USAGE);

	/* Held (the portal issuing): a job waits, unstarted, beyond the
	 * hold's length; the queue bound still refuses the next one. */
	CHECK_EQ_INT(hashpool_open(&p, 1, 1, &e), 0);
	g.open = 1;                     /* the job itself finishes at once */
	x.p = p;
	x.rc = -1;
	hashpool_hold(p, 1);
	CHECK_EQ_INT(pthread_create(&t, NULL, run_gate, &x), 0);
	wait_load(p, 0, 1);
	usleep(50000);
	wait_load(p, 0, 1);             /* still not started */
	CHECK_EQ_INT(x.rc, -1);
	CHECK_EQ_INT(hashpool_run(p, gate_job, &g, &e), ERR_FULL);
	hashpool_hold(p, 0);
	pthread_join(t, NULL);
	CHECK_EQ_INT(x.rc, 0);
	wait_load(p, 0, 0);
	hashpool_close(p);
}
