/* bench_portal.c - the issuer portal under load, through its HTTP API on
 * 127.0.0.1 (skillcert-portald started here, --insecure-loopback):
 *  1. four organizations submit and issue a 1,000-row roster each at
 *     once (POST /api/v1/rosters, then .../issue): certificates/s next to
 *     `openssl speed -seconds 3 ed25519` sign/s x cores from this run;
 *  2. the same while wrong-password logins arrive at 200/s on POST /login
 *     (from many loopback addresses, so the per-address throttle does not
 *     simply drop them): the ratio to the quiet figure;
 *  3. the portal's VmRSS before and after 1,000 logins that each leave a
 *     live session.
 *   bench_portal [PORTALD] [ROWS]   (default $SCPD or ./skillcert-portald,
 *                                    1000 rows per roster)
 * BENCH_NO_OPENSSL=1 skips `openssl speed`, BENCH_NO_FLOOD=1 the flood. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gen.h"
#include "skillcert/account/account.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/registry.h"

#define NORGS 4
#define ROUNDS 6        /* rosters per organization per measurement */
#define FLOOD_RATE 200.0
#define SESSIONS 1000
#define OP_PASSWORD "Kx7-quiet-harbor-2024"

struct bench {
	char dir[64], db[96];
	char base[64];                 /* http://127.0.0.1:PORT */
	pid_t pid;
	char token[NORGS][64];
	char org[NORGS][ORGCODE_LEN + 1];
	unsigned rows;
};

/* ---- HTTP with libcurl ------------------------------------------------ */

struct reply {
	struct buf body;
	long status;
	char why[CURL_ERROR_SIZE];     /* curl's error, when no status */
};

static size_t
bench_take_body(char *p, size_t sz, size_t n, void *arg)
{
	struct reply *r = arg;
	buf_append(&r->body, p, sz * n);
	return sz * n;
}

/* One request; local (may be NULL) is the loopback address to send from. */
static int
bench_http(const char *url, const char *auth, const char *ctype,
    const void *body, size_t n, const char *local, struct reply *r)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hd = NULL;
	char line[160];
	CURLcode rc;

	buf_reset(&r->body);
	r->status = 0;
	if (h == NULL)
		return -1;
	if (auth) {
		snprintf(line, sizeof(line), "Authorization: Bearer %s", auth);
		hd = curl_slist_append(hd, line);
	}
	if (ctype) {
		snprintf(line, sizeof(line), "Content-Type: %s", ctype);
		hd = curl_slist_append(hd, line);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_take_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	if (local)
		curl_easy_setopt(h, CURLOPT_INTERFACE, local);
	r->why[0] = '\0';
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->why);
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)n);
	}
	rc = curl_easy_perform(h);
	buf_cstr(&r->body);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hd);
	curl_easy_cleanup(h);
	return rc == CURLE_OK ? 0 : -1;
}

/* The string value of "key" in a flat JSON reply (ids, no escapes). */
static int
bench_json_str(const struct buf *b, const char *key, char *out, size_t cap)
{
	char pat[64];
	const char *s, *q;

	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (b->data == NULL || (s = strstr((const char *)b->data, pat)) == NULL)
		return -1;
	s += strlen(pat);
	if ((q = strchr(s, '"')) == NULL || (size_t)(q - s) >= cap)
		return -1;
	memcpy(out, s, (size_t)(q - s));
	out[q - s] = '\0';
	return 0;
}

static long
bench_json_int(const struct buf *b, const char *key)
{
	char pat[64];
	const char *s;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if (b->data == NULL || (s = strstr((const char *)b->data, pat)) == NULL)
		return -1;
	return strtol(s + strlen(pat), NULL, 10);
}

/* ---- the registry, accounts and tokens, made before the portal runs --- */

/* An operator of org 0 with a known password (add gives a one-time one
 * that must be changed: the first login changes it). */
static int
bench_make_operator(struct acct_service *s, const struct acct_actor *auth,
    const char *org, struct err *e)
{
	char pw[128];
	uint8_t sid[AUTH_ID_LEN];
	int64_t retry;
	int step;

	if (acct_user_add(s, auth, "bench-operator", ACCT_OPERATOR, org, pw,
	    sizeof(pw), e) != 0 ||
	    acct_login(s, "bench-operator", pw, "10.0.0.1", sid, &step, &retry,
	    e) != 0 ||
	    acct_password_change(s, sid, pw, OP_PASSWORD, "10.0.0.1", e) != 0)
		return -1;
	explicit_bzero(pw, sizeof(pw));
	return acct_logout(s, sid, "10.0.0.1", e);
}

/* Four organizations filed for 养老护理员 5-1, an API token each (made by
 * an admin of that organization), one operator. */
static int
bench_setup(struct bench *b, struct err *e)
{
	struct registry *r;
	struct acct_service *s = NULL;
	struct acct_config ac;
	struct acct_actor auth, adm;
	char id[17];
	MDB_txn *txn;
	int rc = -1;

	r = gen_registry(b->db);
	for (int i = 1; i < NORGS; i++) {
		snprintf(b->org[i], sizeof(b->org[i]), "S00003600000%d", i + 1);
		if (registry_txn_begin(r, 0, &txn, e) != 0 ||
		    gen_org(r, txn, b->org[i], "养老护理员:5-1", KEY_ED25519, e) ||
		    mdb_txn_commit(txn) != 0)
			goto done;
	}
	snprintf(b->org[0], sizeof(b->org[0]), "%s", GEN_ORG);
	acct_config_defaults(&ac);
	if (acct_service_open(&s, r, &ac, e) != 0)
		goto done;
	memset(&auth, 0, sizeof(auth));
	snprintf(auth.name, sizeof(auth.name), "bench");
	auth.role = ACCT_AUTHORITY;
	snprintf(auth.client, sizeof(auth.client), "10.0.0.1");
	for (int i = 0; i < NORGS; i++) {
		char pw[128], name[32];
		snprintf(name, sizeof(name), "bench-admin%d", i);
		if (acct_user_add(s, &auth, name, ACCT_ADMIN, b->org[i], pw,
		    sizeof(pw), e) != 0)
			goto done;
		adm = auth;
		snprintf(adm.name, sizeof(adm.name), "%s", name);
		adm.role = ACCT_ADMIN;
		snprintf(adm.org, sizeof(adm.org), "%s", b->org[i]);
		if (acct_token_create(s, &adm, "bench", 0, b->token[i], id, e) != 0)
			goto done;
	}
	rc = bench_make_operator(s, &auth, b->org[0], e);
done:
	acct_service_close(s);
	registry_close(r);
	return rc;
}

/* ---- the portal process --------------------------------------------- */

static int
bench_start_portal(struct bench *b, const char *portald)
{
	char log[128], line[256], pass[128];
	int port = 0, fd;

	snprintf(log, sizeof(log), "%s/portal.log", b->dir);
	/* The generated keys are not encrypted: any passphrase opens them. */
	snprintf(pass, sizeof(pass), "%s/pass", b->dir);
	if ((fd = open(pass, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0 ||
	    write(fd, "bench passphrase\n", 17) != 17 || close(fd) != 0)
		return -1;
	if ((b->pid = fork()) < 0)
		return -1;
	if (b->pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 2) < 0)
			_exit(127);
		/* request threads: the four batches and the login flood at once */
		execl(portald, portald, "--db", b->db, "--listen", "127.0.0.1:0",
		    "--insecure-loopback", "--passphrase-file", pass, "--threads", "8",
		    (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 400 && port == 0; i++) {
		FILE *f = fopen(log, "r");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "skillcert-portald: listening on "
			    "http://127.0.0.1:%d", &port) == 1)
				break;
		if (f)
			fclose(f);
		if (port == 0 && waitpid(b->pid, NULL, WNOHANG) == b->pid)
			break;
		if (port == 0)
			usleep(50000);
	}
	if (port == 0) {
		fprintf(stderr, "bench: the portal did not start; %s says:\n", log);
		snprintf(line, sizeof(line), "cat %s >&2", log);
		if (system(line) != 0)
			return -1;
		return -1;
	}
	snprintf(b->base, sizeof(b->base), "http://127.0.0.1:%d", port);
	return 0;
}

static void
bench_stop_portal(struct bench *b)
{
	if (b->pid > 0) {
		kill(b->pid, SIGTERM);
		waitpid(b->pid, NULL, 0);
		b->pid = 0;
	}
}

/* VmRSS of the portal, KiB; -1 if unreadable. */
static long
bench_rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/* ---- 1. four organizations at once ------------------------------------ */

struct org_run {
	struct bench *b;
	int i;
	unsigned first;                /* first synthetic person */
	pthread_barrier_t *go;
	double t_issue0, t_done, issue_s;  /* issue_s: time in issue calls */
	long issued;
	int failed;
	char why[300];
};

static void
bench_fail(struct org_run *o, const char *step, const struct reply *r)
{
	if (o->failed++)
		return;                    /* the first failure is the one shown */
	snprintf(o->why, sizeof(o->why), "%s: HTTP %ld %.200s%s", step,
	    r->status, r->body.data ? (const char *)r->body.data : "", r->why);
}

/* Submits and issues one roster of persons from `first`; 0 or failed. */
static int
bench_one_roster(struct org_run *o, struct buf *roster, unsigned first,
    struct reply *r)
{
	struct bench *b = o->b;
	char url[256], id[80];
	double t;

	gen_roster(roster, first, b->rows);
	snprintf(url, sizeof(url), "%s/api/v1/rosters", b->base);
	if (bench_http(url, b->token[o->i], "text/csv", roster->data,
	    roster->len, NULL, r) != 0 || r->status != 201 ||
	    bench_json_str(&r->body, "roster", id, sizeof(id)) != 0) {
		bench_fail(o, "submit", r);
		return -1;
	}
	t = gen_now();
	if (o->t_issue0 == 0)
		o->t_issue0 = t;
	snprintf(url, sizeof(url), "%s/api/v1/rosters/%s/issue", b->base, id);
	if (bench_http(url, b->token[o->i], "application/json",
	    "{\"only_valid\":false}", 20, NULL, r) != 0 || r->status != 200) {
		bench_fail(o, "issue", r);
		return -1;
	}
	o->issue_s += gen_now() - t;
	if (bench_json_int(&r->body, "issued") != (long)b->rows) {
		bench_fail(o, "issued count", r);
		return -1;
	}
	o->issued += (long)b->rows;
	return 0;
}

/* One organization's client: ROUNDS rosters, one after another. */
static void *
bench_run_org(void *arg)
{
	struct org_run *o = arg;
	struct reply r = { BUF_INIT, 0, "" };
	struct buf roster = BUF_INIT;

	pthread_barrier_wait(o->go);
	/* A roster that fails is counted and the client goes on: under the
	 * flood, how many fail is part of the answer. */
	for (unsigned k = 0; k < ROUNDS; k++)
		(void)bench_one_roster(o, &roster, o->first + k * NORGS *
		    o->b->rows, &r);
	o->t_done = gen_now();
	buf_free(&r.body);
	buf_free(&roster);
	return NULL;
}

struct round {
	double wall;                   /* first submit to last answer */
	double issue_s;                /* summed over clients: issue calls */
	long issued;
	int failed;                    /* rosters not issued */
};

/* All organizations submit then issue at once; persons from `first`. */
static int
bench_round(struct bench *b, unsigned first, struct round *out)
{
	struct org_run o[NORGS];
	pthread_t t[NORGS];
	pthread_barrier_t go;
	double t0, end = 0;
	int rc = 0;

	memset(o, 0, sizeof(o));
	memset(out, 0, sizeof(*out));
	pthread_barrier_init(&go, NULL, NORGS + 1);
	for (int i = 0; i < NORGS; i++) {
		o[i] = (struct org_run){ .b = b, .i = i, .go = &go,
		    .first = first + (unsigned)i * b->rows };
		pthread_create(&t[i], NULL, bench_run_org, &o[i]);
	}
	pthread_barrier_wait(&go);
	t0 = gen_now();
	for (int i = 0; i < NORGS; i++) {
		pthread_join(t[i], NULL);
		if (o[i].failed) {
			fprintf(stderr, "bench: org %s: %d of %d rosters failed; "
			    "first: %s\n", b->org[i], o[i].failed, ROUNDS, o[i].why);
			rc = -1;
		}
		out->failed += o[i].failed;
		out->issued += o[i].issued;
		out->issue_s += o[i].issue_s;
		end = o[i].t_done > end ? o[i].t_done : end;
	}
	pthread_barrier_destroy(&go);
	out->wall = end - t0;
	return rc;
}

/* ---- 2. a wrong-password flood on the login form ---------------------- */

/* The login form as the portal's page posts it (src/portal). */
#define LOGIN_PATH "/login"
#define LOGIN_BODY "name=%s&password=wrong-password-%u"

struct flood {
	struct bench *b;
	volatile int stop;
	unsigned long sent, done, by_class[6];  /* 1xx..5xx, errors */
	double t0, t1;
};

static CURL *
bench_flood_handle(struct flood *f, unsigned n, char *body, size_t cap,
    struct curl_slist *hd)
{
	CURL *h = curl_easy_init();
	char url[128], local[40];

	if (h == NULL)
		return NULL;
	snprintf(url, sizeof(url), "%s%s", f->b->base, LOGIN_PATH);
	/* 1,000 source addresses, unknown and real account names mixed (not
	 * the operator whose sessions are measured next: the per-account
	 * backoff would lock it, as it should) */
	snprintf(local, sizeof(local), "host!127.0.%u.%u", 10 + (n / 250) % 4,
	    1 + n % 250);
	snprintf(body, cap, LOGIN_BODY, n % 4 ? "no-such-user" : "bench-admin1",
	    n);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_INTERFACE, local);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
	curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_take_body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	return h;
}

/* Collects finished logins and their status classes. */
static void
bench_flood_reap(struct flood *f, CURLM *m)
{
	CURLMsg *msg;
	int left;
	long st;

	while ((msg = curl_multi_info_read(m, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		st = 0;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &st);
		/* slot 1 (no 1xx comes here) counts 429, the throttle's answer */
		f->by_class[msg->data.result != CURLE_OK || st < 200 || st >= 600 ?
		    0 : st == 429 ? 1 : st / 100]++;
		f->done++;
		curl_multi_remove_handle(m, msg->easy_handle);
		curl_easy_cleanup(msg->easy_handle);
	}
}

/* Sends logins at FLOOD_RATE on a fixed schedule (not waiting for the
 * answers: an attacker does not) until stop. */
static void *
bench_run_flood(void *arg)
{
	struct flood *f = arg;
	CURLM *m = curl_multi_init();
	struct curl_slist *hd = NULL;
	struct reply sink = { BUF_INIT, 0, "" };
	char origin[96], body[128];
	int running;

	snprintf(origin, sizeof(origin), "Origin: %s", f->b->base);
	hd = curl_slist_append(hd, origin);
	hd = curl_slist_append(hd, "Sec-Fetch-Site: same-origin");
	hd = curl_slist_append(hd,
	    "Content-Type: application/x-www-form-urlencoded");
	f->t0 = gen_now();
	while (!f->stop) {
		double due = f->t0 + (double)f->sent / FLOOD_RATE;
		while (gen_now() >= due && !f->stop) {
			CURL *h = bench_flood_handle(f, (unsigned)f->sent, body,
			    sizeof(body), hd);
			if (h) {
				curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
				curl_multi_add_handle(m, h);
			}
			f->sent++;
			due = f->t0 + (double)f->sent / FLOOD_RATE;
			buf_reset(&sink.body);
		}
		curl_multi_perform(m, &running);
		bench_flood_reap(f, m);
		curl_multi_poll(m, NULL, 0, 2, NULL);
	}
	f->t1 = gen_now();
	/* Let answers in flight arrive for a moment, then drop the rest. */
	for (double end = gen_now() + 5; gen_now() < end && f->done < f->sent;) {
		curl_multi_perform(m, &running);
		bench_flood_reap(f, m);
		curl_multi_poll(m, NULL, 0, 20, NULL);
	}
	curl_multi_cleanup(m);
	curl_slist_free_all(hd);
	buf_free(&sink.body);
	return NULL;
}

/* ---- 3. live sessions ---------------------------------------------- */

static size_t
bench_count_cookie(char *p, size_t sz, size_t n, void *arg)
{
	if (sz * n > 11 && strncasecmp(p, "Set-Cookie:", 11) == 0)
		(*(int *)arg)++;
	return sz * n;
}

struct logins {
	struct bench *b;
	unsigned from, to;
	unsigned ok, retries;
};

/* Logins of the operator with the right password, each from its own
 * address (the per-address throttle is for floods, not for this). */
static void *
bench_run_logins(void *arg)
{
	struct logins *l = arg;
	struct curl_slist *hd = NULL;
	struct reply sink = { BUF_INIT, 0, "" };
	char url[128], origin[96], local[40], body[128];

	snprintf(url, sizeof(url), "%s%s", l->b->base, LOGIN_PATH);
	snprintf(origin, sizeof(origin), "Origin: %s", l->b->base);
	hd = curl_slist_append(hd, origin);
	hd = curl_slist_append(hd, "Sec-Fetch-Site: same-origin");
	snprintf(body, sizeof(body), "name=bench-operator&password=%s",
	    OP_PASSWORD);
	for (unsigned n = l->from; n < l->to; n++) {
		CURL *h = curl_easy_init();
		int cookies = 0;
		long st = 0;
		if (h == NULL)
			continue;
		snprintf(local, sizeof(local), "host!127.0.%u.%u", 20 + n / 250,
		    1 + n % 250);
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_INTERFACE, local);
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_take_body);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
		curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, bench_count_cookie);
		curl_easy_setopt(h, CURLOPT_HEADERDATA, &cookies);
		curl_easy_setopt(h, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
		if (curl_easy_perform(h) == CURLE_OK) {
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &st);
			if (st >= 200 && st < 400 && cookies > 0)
				l->ok++;
			else if (st == 429 && l->retries++ < 100 * SESSIONS) {
				/* the hashing pool is busy: as a browser would, later */
				n--;
				usleep(20000);
			}
		}
		curl_easy_cleanup(h);
		buf_reset(&sink.body);
	}
	curl_slist_free_all(hd);
	buf_free(&sink.body);
	return NULL;
}

static unsigned
bench_sessions(struct bench *b, unsigned base, unsigned n)
{
	struct logins l[4];
	pthread_t t[4];
	unsigned ok = 0;

	for (int i = 0; i < 4; i++) {
		l[i] = (struct logins){ .b = b, .from = base + n * (unsigned)i / 4,
		    .to = base + n * (unsigned)(i + 1) / 4 };
		pthread_create(&t[i], NULL, bench_run_logins, &l[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		ok += l[i].ok;
	}
	return ok;
}

/* ---- the peer inside the library ------------------------------------ */

/* The same rosters (ROUNDS x NORGS) through issue_roster in this process, one after
 * another, into a registry of its own: what issuance costs without the
 * portal (HTTP, the dry run at submit, the writer lock); < 0 on failure. */
static double
bench_direct(struct bench *b)
{
	char dir[128];
	struct registry *r;
	struct buf roster = BUF_INIT;
	struct err e;
	double t0, spent = 0;

	snprintf(dir, sizeof(dir), "%s/direct", b->dir);
	r = gen_registry(dir);
	for (unsigned k = 0; k < ROUNDS * NORGS; k++) {
		struct issue_opts o;
		struct issue_result res;
		gen_roster(&roster, 100000 + k * b->rows, b->rows);
		memset(&o, 0, sizeof(o));
		o.org = GEN_ORG;
		o.roster_data = (const char *)roster.data;
		o.roster_len = roster.len;
		t0 = gen_now();
		if (issue_roster(r, &o, &res, &e) != 0 || res.issued != b->rows) {
			fprintf(stderr, "bench: direct issue: %s\n", e.msg);
			spent = -1;
			break;
		}
		spent += gen_now() - t0;
		issue_result_free(&res);
	}
	buf_free(&roster);
	registry_close(r);
	return spent;
}

/* ---- the run ------------------------------------------------------- */

static void
bench_print_round(const char *what, const struct round *r)
{
	printf("%-6s %ld certificates (%d organizations x %d rosters at once; "
	    "%d rosters failed) in %.2f s: %.0f certificates/s, submit + issue; "
	    "%.2f s of it in issue calls per client on average\n", what,
	    r->issued, NORGS, ROUNDS, r->failed, r->wall,
	    (double)r->issued / r->wall, r->issue_s / NORGS);
}

static int
bench_flood_round(struct bench *b, struct round *loud, struct flood *f)
{
	pthread_t ft;
	int rc;

	memset(f, 0, sizeof(*f));
	f->b = b;
	pthread_create(&ft, NULL, bench_run_flood, f);
	usleep(1000000);               /* the flood is on before issuance */
	rc = bench_round(b, 2 * ROUNDS * NORGS * b->rows, loud);
	f->stop = 1;
	pthread_join(ft, NULL);
	return rc;
}

static void
bench_print_flood(const struct flood *f)
{
	double s = f->t1 - f->t0;

	printf("flood  %lu wrong-password logins in %.1f s (%.0f/s sent); "
	    "answered %lu: 2xx %lu, 3xx %lu, 429 %lu, other 4xx %lu, 5xx %lu, "
	    "failed %lu\n", f->sent, s, (double)f->sent / s, f->done,
	    f->by_class[2], f->by_class[3], f->by_class[1], f->by_class[4],
	    f->by_class[5], f->by_class[0]);
}

int
main(int argc, char **argv)
{
	static struct bench b;
	const char *portald = argc > 1 ? argv[1] : getenv("SCPD") ?
	    getenv("SCPD") : "./skillcert-portald";
	long cores = sysconf(_SC_NPROCESSORS_ONLN), rss0, rss1, rss2;
	struct round quiet, loud;
	struct flood f;
	struct err e;
	double ossl, direct;
	unsigned ok;
	long rss_idle;
	char cmd[128];
	int rc = 1;

	b.rows = argc > 2 ? (unsigned)atoi(argv[2]) : 1000;
	snprintf(b.dir, sizeof(b.dir), "/tmp/scbenchpXXXXXX");
	if (mkdtemp(b.dir) == NULL || curl_global_init(CURL_GLOBAL_ALL) != 0)
		return 1;
	snprintf(b.db, sizeof(b.db), "%s/reg", b.dir);
	if (bench_setup(&b, &e) != 0) {
		fprintf(stderr, "bench: setup: %s\n", e.msg);
		goto out;
	}
	if (bench_start_portal(&b, portald) != 0)
		goto out;
	rss_idle = bench_rss_kib(b.pid);
	printf("portal %s (pid %d), %d organizations x %u rows, %ld cores; "
	    "VmRSS at start %ld KiB\n", b.base, (int)b.pid, NORGS, b.rows, cores,
	    rss_idle);
	if (bench_round(&b, 0, &quiet) != 0)
		goto out;
	bench_print_round("quiet", &quiet);
	if ((direct = bench_direct(&b)) > 0)
		printf("direct %u certificates through issue_roster in this process, "
		    "one roster after another: %.0f certificates/s (the portal "
		    "gives %.2f of it)\n", ROUNDS * NORGS * b.rows,
		    ROUNDS * NORGS * b.rows / direct, (double)quiet.issued /
		    quiet.wall / (ROUNDS * NORGS * b.rows / direct));
	ossl = getenv("BENCH_NO_OPENSSL") ? 0 : gen_openssl_speed("ed25519", 0);
	printf("openssl speed -seconds 3 ed25519: %.0f sign/s per core x %ld "
	    "cores = %.0f/s\n", ossl, cores, ossl * (double)cores);
	printf("ratio  %.2f (certificates/s over sign/s x cores; target >= "
	    "0.8)\n", ossl > 0 ? (double)quiet.issued / quiet.wall /
	    (ossl * (double)cores) : 0);
	if (getenv("BENCH_NO_FLOOD"))
		goto sessions;
	if (bench_flood_round(&b, &loud, &f) != 0 &&
	    waitpid(b.pid, NULL, WNOHANG) == b.pid) {
		fprintf(stderr, "bench: the portal is gone\n");
		goto out;
	}
	bench_print_round("flood", &loud);
	bench_print_flood(&f);
	printf("under the flood: %.2f of the quiet figure end to end (target "
	    ">= 0.80)\n", ((double)loud.issued / loud.wall) /
	    ((double)quiet.issued / quiet.wall));
sessions:
	/* The first login brings in the hashing pool's Argon2id memory (19
	 * MiB); the sessions' own cost is what the other 999 add. */
	rss0 = bench_rss_kib(b.pid);
	ok = bench_sessions(&b, 0, 1);
	rss1 = bench_rss_kib(b.pid);
	ok += bench_sessions(&b, 1, SESSIONS - 1);
	rss2 = bench_rss_kib(b.pid);
	printf("memory VmRSS %ld KiB before, %ld KiB after the first login, %ld "
	    "KiB with %u live sessions (of %d logins): %.1f KiB per session "
	    "after the first\n", rss0, rss1, rss2, ok, SESSIONS,
	    ok > 1 ? (double)(rss2 - rss1) / (ok - 1) : 0);
	rc = 0;
out:
	bench_stop_portal(&b);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", b.dir);
	if (system(cmd) != 0)
		rc = 1;
	curl_global_cleanup();
	return rc;
}
