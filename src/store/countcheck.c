/* countcheck.c - the issuance counters recomputed from the certificates:
 * `stats --check` compares them, a rebuild replaces them (above both the
 * registry and counters.c, which the registry calls as it writes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/store/counters.h"

struct ctr_entry {
	uint8_t k[COUNTERS_KEY_LEN];
	struct counter c;
};

struct ctr_set {
	struct ctr_entry *v;
	size_t n, cap;
	struct registry *r;
	MDB_txn *txn;
	struct err *e;
	int rc;
};

static int
ctr_cmp(const void *a, const void *b)
{
	return memcmp(((const struct ctr_entry *)a)->k,
	    ((const struct ctr_entry *)b)->k, COUNTERS_KEY_LEN);
}

static int
recount_cb(const struct cert_record *rec, void *arg)
{
	struct ctr_set *s = arg;
	struct ctr_entry *nv, *w;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		if ((nv = reallocarray(s->v, cap, sizeof(*nv))) == NULL) {
			s->rc = err_set(s->e, ERR_NOMEM, "out of memory");
			return 1;
		}
		s->v = nv;
		s->cap = cap;
	}
	w = &s->v[s->n];
	if ((s->rc = registry_counter_of(s->r, s->txn, rec, &w->c, s->e)) != 0)
		return 1;
	counters_key_encode(&w->c, w->k);
	w->c.valid = rec->status == CERT_REVOKED ? 0 : 1;
	w->c.revoked = rec->status == CERT_REVOKED ? 1 : 0;
	s->n++;
	return 0;
}

static void ctr_merge(struct ctr_set *s);

/* The counters as the certificates say, sorted and merged into s->v. */
static int
ctr_recount(struct registry *r, MDB_txn *txn, struct ctr_set *s,
    struct err *e)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->r = r;
	s->txn = txn;
	s->e = e;
	rc = registry_each_cert(r, txn, "", recount_cb, s, e);
	if (rc == 0)
		rc = s->rc;
	if (rc != 0)
		return rc;
	ctr_merge(s);
	return 0;
}

/* Sorts s->v by key and merges equal keys. */
static void
ctr_merge(struct ctr_set *s)
{
	size_t o = 0;

	if (s->n)
		qsort(s->v, s->n, sizeof(s->v[0]), ctr_cmp);
	for (size_t i = 0; i < s->n; i++) {
		if (o > 0 && memcmp(s->v[o - 1].k, s->v[i].k,
		    COUNTERS_KEY_LEN) == 0) {
			s->v[o - 1].c.valid += s->v[i].c.valid;
			s->v[o - 1].c.revoked += s->v[i].c.revoked;
		} else
			s->v[o++] = s->v[i];
	}
	s->n = o;
}

struct cmp_arg {
	struct ctr_set *s;
	size_t i;
	struct err *e;
	int differ;
	int rollup;                    /* comparing roll-up keys */
};

/* c's key as s->v holds it: the counter's, or its roll-up's padded. */
static void
ctr_key_of(const struct counter *c, int rollup, uint8_t k[COUNTERS_KEY_LEN])
{
	if (!rollup) {
		counters_key_encode(c, k);
		return;
	}
	memset(k, 0, COUNTERS_KEY_LEN);
	counters_rollup_key_encode(c, k);
}

static int
ctr_differ(struct cmp_arg *a, const struct counter *c, const char *what,
    uint64_t want, uint64_t have)
{
	a->differ = 1;
	err_set(a->e, ERR_INVALID, "%s org %s region %06d home %06d "
	    "occupation %s level %d method %d month %06d: %s %llu recomputed "
	    "from the certificates, %llu stored", a->rollup ? "roll-up" :
	    "counter", c->org, (int)c->region,
	    (int)c->home, c->occ, c->level, c->method, c->month, what,
	    (unsigned long long)want, (unsigned long long)have);
	return 1;
}

static int
cmp_cb(const struct counter *c, void *arg)
{
	struct cmp_arg *a = arg;
	uint8_t k[COUNTERS_KEY_LEN];
	struct ctr_entry *w;
	int d;

	if (c->valid == 0 && c->revoked == 0)
		return 0;
	ctr_key_of(c, a->rollup, k);
	if (a->i == a->s->n)
		return ctr_differ(a, c, "valid", 0, c->valid);
	w = &a->s->v[a->i];
	if ((d = memcmp(w->k, k, COUNTERS_KEY_LEN)) < 0)
		return ctr_differ(a, &w->c, "valid", w->c.valid, 0);
	if (d > 0)
		return ctr_differ(a, c, "valid", 0, c->valid);
	a->i++;
	if (w->c.valid != c->valid)
		return ctr_differ(a, c, "valid", w->c.valid, c->valid);
	if (w->c.revoked != c->revoked)
		return ctr_differ(a, c, "revoked", w->c.revoked, c->revoked);
	return 0;
}

/* The roll-up s->v's counters sum to, keyed and merged in place. */
static void
ctr_to_rollup(struct ctr_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct counter *c = &s->v[i].c;
		c->org[0] = '\0';
		c->home = 0;
		c->method = 0;
		ctr_key_of(c, 1, s->v[i].k);
	}
	ctr_merge(s);
}

static int
ctr_compare(struct registry *r, MDB_txn *txn, struct cmp_arg *a,
    struct err *e)
{
	int rc;

	a->i = 0;
	rc = a->rollup ? counters_each_rollup(r, txn, cmp_cb, a, e) :
	    counters_each(r, txn, cmp_cb, a, e);
	if (rc == 0 && !a->differ && a->i < a->s->n)
		ctr_differ(a, &a->s->v[a->i].c, "valid", a->s->v[a->i].c.valid,
		    0);
	return rc;
}

int
counters_check(struct registry *r, MDB_txn *txn, struct err *e)
{
	struct ctr_set s;
	struct cmp_arg a = { &s, 0, e, 0, 0 };
	int rc;

	if ((rc = ctr_recount(r, txn, &s, e)) == 0 &&
	    (rc = ctr_compare(r, txn, &a, e)) == 0 && !a.differ) {
		ctr_to_rollup(&s);
		a.rollup = 1;
		rc = ctr_compare(r, txn, &a, e);
	}
	free(s.v);
	if (rc != 0)
		return rc;
	return a.differ ? ERR_INVALID : 0;
}

int
counters_rebuild(struct registry *r, MDB_txn *txn, struct err *e)
{
	struct ctr_set s;
	int rc;

	if ((rc = ctr_recount(r, txn, &s, e)) != 0 ||
	    (rc = counters_clear(r, txn, e)) != 0) {
		free(s.v);
		return rc;
	}
	for (size_t i = 0; i < s.n && rc == 0; i++)
		rc = counters_add(r, txn, &s.v[i].c, (int64_t)s.v[i].c.valid,
		    (int64_t)s.v[i].c.revoked, e);
	free(s.v);
	return rc ? rc : counters_mark_ready(r, txn, e);
}
