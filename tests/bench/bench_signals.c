/* bench_signals.c - `skillcert signals` at scale: TOTAL (default 1,000,000)
 * synthetic certificates over 100 organizations in five provinces, 12
 * occupations, five levels and 36 months, in batches of 50 with failures,
 * 15% of holders certified again; every rule over the arrays, one core.
 * The load from a registry is measured on REG certificates (default
 * 100,000, stored without signatures or log) and projected to TOTAL.
 * Peer, same run: SQLite (in memory, indexed) computing the GROUP BYs of
 * two rules - weekly counts per organization (org-weekly-spike) and names
 * per ID hash (id-names) - against those two rules here.
 *   bench_signals [TOTAL [REG]] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_SQLITE3
#include <sqlite3.h>
#endif

#include "gen.h"
#include "skillcert/supervise/signals.h"

#define NORG 100
#define NOCC 12
#define BATCH 50

static const char *const occs[NOCC] = { "4-10-01-05", "4-10-01-06",
	"4-10-01-02", "4-10-01-01", "4-10-01-03", "4-14-01-03", "4-14-02-02",
	"4-10-04-02", "4-03-02-06", "4-14-01-01", "4-14-02-01", "4-10-01-07" };

static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static int
pick_level(uint64_t *s)
{
	unsigned p = (unsigned)(rnd(s) % 100);

	return p < 40 ? 5 : p < 70 ? 4 : p < 90 ? 3 : p < 97 ? 2 : 1;
}

static void
make_orgs(struct sig_data *d)
{
	static const int prov[5] = { 36, 51, 50, 41, 15 };
	struct sig_org o;

	for (int i = 0; i < NORG; i++) {
		memset(&o, 0, sizeof(o));
		snprintf(o.code, sizeof(o.code), "%c0000%02d%06d", i % 10 ? 'S' : 'Y',
		    prov[i % 5], i + 1);
		snprintf(o.name, sizeof(o.name), "评价机构%d", i + 1);
		o.type = o.code[0];
		o.status = 1;
		o.capacity = i % 7 ? 0 : 20000;
		sig_data_org(d, &o);
	}
	for (int i = 0; i < NOCC; i++)
		sig_data_occ(d, occs[i]);
}

/* One batch of BATCH certificates of org o on day. */
static void
make_batch(struct sig_data *d, uint64_t *s, int o, int32_t day, unsigned *seq,
    unsigned *people)
{
	struct sig_cert c;
	char no[CERTNO_LEN + 1];
	int occ = (int)(rnd(s) % NOCC), lv = pick_level(s);
	uint32_t fail = (uint32_t)(rnd(s) % 12);
	int b = sig_data_batch(d, (uint32_t)o, "B", BATCH + fail, BATCH, day);

	for (int k = 0; k < BATCH; k++) {
		unsigned who = rnd(s) % 100 < 15 && *people ? (unsigned)(rnd(s) %
		    *people) : (*people)++;
		memset(&c, 0, sizeof(c));
		c.holder = who * 0x9e3779b97f4a7c15ull;
		c.name = who * 2654435761u;
		c.batch = (uint32_t)b;
		c.issued = day;
		c.assessed = day - 1 - (int32_t)(rnd(s) % 20);
		c.org = (uint16_t)o;
		c.occ = (uint16_t)occ;
		c.level = (uint8_t)lv;
		c.status = rnd(s) % 500 ? 1 : 2;
		c.reason = c.status == 2 ? 1 : 0;
		snprintf(no, sizeof(no), "%s%02d%d%06u", d->org[o].code, 23,
		    lv, ++*seq % 1000000);
		sig_data_add(d, &c, no);
	}
}

static void
make_certs(struct sig_data *d, unsigned total)
{
	uint64_t s = 88172645463325252ull;
	unsigned seq = 0, people = 0;
	int32_t first;

	date_from_ymd(2023, 1, 1, &first);
	for (unsigned i = 0; i < total; i += BATCH)
		make_batch(d, &s, (int)(rnd(&s) % NORG), first +
		    (int32_t)(rnd(&s) % 1096), &seq, &people);
}

static double
run_rules(const struct sig_rules *rules, const struct sig_data *d,
    const char *rule, size_t *nhits)
{
	struct sig_query q = { 0, 0, -1, rule };
	struct sig_hits h;
	struct err e;
	double t0 = gen_now(), t;

	sig_hits_init(&h, 10);
	if (sig_run(rules, d, &q, &h, &e) != 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		exit(1);
	}
	t = gen_now() - t0;
	*nhits = h.n;
	for (size_t i = 0; rule == NULL && i < rules->n; i++) {
		size_t k = 0;
		for (size_t j = 0; j < h.n; j++)
			k += h.v[j].rule == &rules->v[i];
		printf("  %-20s %zu hits\n", sig_rule_id(&rules->v[i]), k);
	}
	sig_hits_free(&h);
	return t;
}

/* A registry of n certificates (org 0 of d's codes), unsigned, no log. */
static int
fill_registry(struct registry *r, const struct sig_data *d, unsigned n)
{
	struct cert_record rec;
	struct buf enc = BUF_INIT;
	struct err e;
	MDB_txn *txn;
	char id[19];

	if (registry_txn_begin(r, 0, &txn, &e) != 0)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		struct cert *c = &rec.cert;
		memset(&rec, 0, sizeof(rec));
		snprintf(c->no, sizeof(c->no), "%s23%d%06u", GEN_ORG,
		    d->c[i].level, i + 1);
		memcpy(c->org, GEN_ORG, ORGCODE_LEN);
		c->level = d->c[i].level;
		gen_name(i, c->name, sizeof(c->name));
		c->id_type = 1;
		gen_id(i % 900000, id);
		snprintf(c->id_number, sizeof(c->id_number), "%s", id);
		strcpy(c->occ_code, "4-10-01-05");
		c->method = 1;
		c->alg = KEY_ED25519;
		c->issued_on = d->c[i].issued;
		c->assessed_on = d->c[i].assessed;
		rec.status = CERT_VALID;
		snprintf(rec.batch, sizeof(rec.batch), "B%u", i / BATCH);
		if (cert_id_bind(c, rec.id_salt, &e) != 0 ||
		    cert_encode(c, &enc, &e) != 0)
			return -1;
		rec.enc = enc.data;
		rec.enc_len = enc.len;
		if (registry_put_cert(r, txn, &rec, NULL, 0, NULL, 0, &e) != 0) {
			fprintf(stderr, "bench: put: %s\n", e.msg);
			return -1;
		}
	}
	buf_free(&enc);
	return mdb_txn_commit(txn) == 0 ? 0 : -1;
}

static void
bench_load(const struct sig_data *syn, unsigned n, unsigned total)
{
	char dir[64] = "/tmp/scbsigXXXXXX", cmd[128];
	struct registry *r;
	struct sig_data d;
	struct err e;
	MDB_txn *txn;
	double t0, tw, tl;

	if (mkdtemp(dir) == NULL)
		return;
	strcat(dir, "/reg");
	r = gen_registry_flags(dir, REG_NO_LOG);
	t0 = gen_now();
	if (fill_registry(r, syn, n) != 0)
		exit(1);
	tw = gen_now() - t0;
	sig_data_init(&d);
	t0 = gen_now();
	if (registry_txn_begin(r, 1, &txn, &e) != 0 ||
	    sig_data_load(&d, r, txn, &e) != 0 || d.n != n) {
		fprintf(stderr, "bench: load: %s\n", e.msg);
		exit(1);
	}
	tl = gen_now() - t0;
	mdb_txn_abort(txn);
	printf("registry load: %u certificates in %.3f s (%.0f rows/s; "
	    "projected %.2f s for %u); writing them took %.2f s\n", n, tl,
	    n / tl, tl * total / n, total, tw);
	sig_data_free(&d);
	registry_close(r);
	dir[strlen(dir) - 4] = '\0';      /* the mkdtemp directory */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "bench: could not remove %s\n", dir);
}

#ifdef HAVE_SQLITE3
static double
sqlite_peer(const struct sig_data *d)
{
	static const char *const q[2] = {
		"SELECT org, (issued + 3) / 7 AS w, COUNT(*) FROM c GROUP BY org, w",
		"SELECT holder FROM c GROUP BY holder HAVING COUNT(DISTINCT name) > 1" };
	sqlite3 *db;
	sqlite3_stmt *st;
	double t0, t = 0;
	long rows = 0;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE TABLE c(org INT, issued INT, holder INT, "
	    "name INT); BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO c VALUES(?,?,?,?)", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		sqlite3_bind_int(st, 1, d->c[i].org);
		sqlite3_bind_int(st, 2, d->c[i].issued);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)d->c[i].holder);
		sqlite3_bind_int64(st, 4, d->c[i].name);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_exec(db, "COMMIT; CREATE INDEX co ON c(org, issued); "
	    "CREATE INDEX ch ON c(holder, name)", NULL, NULL, NULL);
	for (int k = 0; k < 2; k++) {
		t0 = gen_now();
		if (sqlite3_prepare_v2(db, q[k], -1, &st, NULL) != SQLITE_OK)
			return -1;
		while (sqlite3_step(st) == SQLITE_ROW)
			rows++;
		sqlite3_finalize(st);
		t += gen_now() - t0;
	}
	sqlite3_close(db);
	printf("sqlite %s (in memory, indexed): the two GROUP BYs in %.3f s "
	    "(%ld rows)\n", sqlite3_libversion(), t, rows);
	return t;
}
#endif

int
main(int argc, char **argv)
{
	unsigned total = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1000000;
	unsigned nreg = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 100000;
	struct sig_rules rules;
	struct sig_data d;
	struct err e;
	size_t nh, nh1, nh2;
	double t, t1, t2;

	if (sig_rules_load(NULL, &rules, &e) != 0) {
		fprintf(stderr, "bench: %s\n", e.msg);
		return 1;
	}
	sig_data_init(&d);
	make_orgs(&d);
	t = gen_now();
	make_certs(&d, total);
	printf("synthetic: %zu certificates, %zu batches, %d orgs, %d occupations "
	    "(built in %.2f s)\n", d.n, d.nb, NORG, NOCC, gen_now() - t);
	t = run_rules(&rules, &d, NULL, &nh);
	printf("all %zu rules: %.3f s (%.0f certificates/s), %zu hits\n",
	    rules.n, t, d.n / t, nh);
	t1 = run_rules(&rules, &d, "org-weekly-spike", &nh1);
	t2 = run_rules(&rules, &d, "id-names", &nh2);
	printf("org-weekly-spike + id-names here: %.3f s (%zu + %zu hits)\n",
	    t1 + t2, nh1, nh2);
#ifdef HAVE_SQLITE3
	{
		double ts = sqlite_peer(&d);
		if (ts > 0)
			printf("ratio: sqlite / signals for the same two rules = %.1fx\n",
			    ts / (t1 + t2));
	}
#else
	printf("ratio: no sqlite3 library at build time, no peer\n");
#endif
	if (nreg > 0)
		bench_load(&d, nreg < d.n ? nreg : (unsigned)d.n, total);
	sig_data_free(&d);
	sig_rules_free(&rules);
	return 0;
}
