/* service.c - the one implementation of what the pages and the API both
 * do: keep uploaded rosters, validate and issue them with the loaded key,
 * revoke, read an organization's batches and certificates with the
 * isolation check (another organization's object is "not found"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "portal_int.h"
#include "skillcert/base/hex.h"
#include "skillcert/model/cert.h"
#include "skillcert/roster/xlsx.h"
#include <openssl/crypto.h>
#include <openssl/rand.h>

int64_t
portal_now(const struct portal *p)
{
	return p->now ? p->now(p->now_arg) : (int64_t)time(NULL);
}

int
portal_random_id(char id[PORTAL_ID_HEX + 1], struct err *e)
{
	uint8_t b[PORTAL_ID_HEX / 2];
	if (RAND_bytes(b, sizeof(b)) != 1)
		return err_set(e, ERR_CRYPTO, "random generator failed");
	hex_encode(b, sizeof(b), id);
	return 0;
}

int
portal_may_org(const struct acct_actor *who, const char *org)
{
	if (who->role == ACCT_AUTHORITY && who->org[0] == '\0')
		return 1;
	return who->org[0] != '\0' && strcmp(who->org, org) == 0;
}

int
portal_roster_csv(const uint8_t *p, size_t n, struct buf *csv, struct err *e)
{
	buf_reset(csv);
	if (roster_xlsx_sniff(p, n))
		return roster_xlsx_to_csv(p, n, csv, e);
	if (buf_append(csv, p, n) != 0)
		return err_set(e, ERR_NOMEM, "roster: out of memory");
	return 0;
}

/* Frees slot i (caller holds p->mu). */
static void
portal_roster_clear(struct portal_roster *s)
{
	buf_free_wipe(&s->csv);
	memset(s, 0, sizeof(*s));
}

/* A free slot, evicting expired ones, the org's oldest beyond its share,
 * or the oldest of all (caller holds p->mu). */
static struct portal_roster *
portal_roster_slot(struct portal *p, const char *org, int64_t now)
{
	struct portal_roster *free_s = NULL, *oldest = NULL, *org_oldest = NULL;
	int mine = 0;

	for (size_t i = 0; i < PORTAL_ROSTERS; i++) {
		struct portal_roster *s = &p->rosters[i];
		if (s->id[0] && now - s->created > PORTAL_ROSTER_TTL)
			portal_roster_clear(s);
		if (!s->id[0]) {
			if (!free_s)
				free_s = s;
			continue;
		}
		if (!oldest || s->created < oldest->created)
			oldest = s;
		if (strcmp(s->org, org) == 0) {
			mine++;
			if (!org_oldest || s->created < org_oldest->created)
				org_oldest = s;
		}
	}
	if (mine >= PORTAL_ROSTERS_PER_ORG) {
		portal_roster_clear(org_oldest);
		return org_oldest;
	}
	if (free_s)
		return free_s;
	portal_roster_clear(oldest);
	return oldest;
}

int
portal_roster_put(struct portal *p, const char *org, const char *owner,
    const char *filename, struct buf *csv, char id[PORTAL_ID_HEX + 1],
    struct err *e)
{
	struct portal_roster *s;
	int rc;

	if ((rc = portal_random_id(id, e)) != 0)
		return rc;
	pthread_mutex_lock(&p->mu);
	s = portal_roster_slot(p, org, portal_now(p));
	memcpy(s->id, id, PORTAL_ID_HEX + 1);
	snprintf(s->org, sizeof(s->org), "%s", org);
	snprintf(s->owner, sizeof(s->owner), "%s", owner);
	snprintf(s->filename, sizeof(s->filename), "%s", filename ? filename : "");
	s->csv = *csv;
	s->created = portal_now(p);
	buf_init(csv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

/* The slot of (org, id) or NULL (caller holds p->mu). */
static struct portal_roster *
portal_roster_find(struct portal *p, const char *org, const char *id)
{
	for (size_t i = 0; i < PORTAL_ROSTERS; i++) {
		struct portal_roster *s = &p->rosters[i];
		if (s->id[0] && strlen(id) == PORTAL_ID_HEX &&
		    CRYPTO_memcmp(s->id, id, PORTAL_ID_HEX) == 0 && strcmp(s->org, org) == 0 &&
		    portal_now(p) - s->created <= PORTAL_ROSTER_TTL)
			return s;
	}
	return NULL;
}

int
portal_roster_get(struct portal *p, const char *org, const char *id,
    struct buf *csv, char *filename, size_t fcap, struct err *e)
{
	struct portal_roster *s;
	int rc = 0;

	buf_reset(csv);
	pthread_mutex_lock(&p->mu);
	if ((s = portal_roster_find(p, org, id)) == NULL)
		rc = err_set(e, ERR_NOTFOUND, "no such roster (uploads are kept "
		    "for 2 hours)");
	else if (buf_append(csv, s->csv.data, s->csv.len) != 0)
		rc = err_set(e, ERR_NOMEM, "roster: out of memory");
	else if (filename)
		snprintf(filename, fcap, "%s", s->filename);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
portal_roster_drop(struct portal *p, const char *org, const char *id)
{
	struct portal_roster *s;

	pthread_mutex_lock(&p->mu);
	if ((s = portal_roster_find(p, org, id)) != NULL)
		portal_roster_clear(s);
	pthread_mutex_unlock(&p->mu);
}

/* Records an event; a failing audit write is reported on stderr, never
 * hidden, but does not undo what was done. */
void
portal_audit(struct portal *p, const struct acct_actor *who,
    const char *action, const char *object, const char *outcome)
{
	struct err e;

	err_clear(&e);
	if (p->acct && acct_audit(p->acct, NULL, who, action, object, outcome,
	    &e) != 0)
		fprintf(stderr, "skillcert-portald: audit %s %s: %s\n", action,
		    object, e.msg);
}

void
portal_issue_opts(struct portal *p, const char *org, const struct buf *csv,
    int dry_run, int partial,
    void (*progress)(void *, const char *, size_t, size_t), void *arg,
    struct issue_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->org = org;
	o->roster_data = (const char *)csv->data;
	o->roster_len = csv->len;
	o->partial = partial;
	o->dry_run = dry_run;
	/* Signing uses every online CPU: the request threads (cfg.threads)
	 * only wait for the issuing thread meanwhile. */
	o->threads = 0;
	o->passphrase = p->passphrase;
	o->progress = progress;
	o->progress_arg = arg;
}

/* Roster lines: what a group commit is bounded by. */
static size_t
portal_count_lines(const struct buf *csv)
{
	size_t n = 1;

	for (const uint8_t *s = csv->data, *end = s + csv->len;
	    s && (s = memchr(s, '\n', (size_t)(end - s))) != NULL; s++)
		n++;
	return n;
}

int
portal_issue(struct portal *p, const struct acct_actor *who,
    const char *org, const struct buf *csv, int dry_run, int partial,
    void (*progress)(void *, const char *, size_t, size_t), void *arg,
    struct issue_result *res, struct err *e)
{
	struct portal_ireq q;
	int rc;

	memset(res, 0, sizeof(*res));
	if (!portal_may_org(who, org))
		return err_set(e, ERR_NOTFOUND, "no such organization");
	memset(&q, 0, sizeof(q));
	portal_issue_opts(p, org, csv, dry_run, partial, progress, arg, &q.o);
	if (dry_run) {
		/* A dry run reads (issue_rosters gives it a read transaction):
		 * it runs beside the issuing thread's group, on this request
		 * thread, with hashing held as for a group. The log key it
		 * would load is loaded at start, so nothing shared is written. */
		q.o.key = portal_key_for(p, org);
		acct_service_hold_hashing(p->acct, 1);
		rc = issue_roster(p->reg, &q.o, res, e);
		acct_service_hold_hashing(p->acct, 0);
		return rc;
	}
	/* Committed with whatever else is waiting, by the issuing thread. */
	q.rows = portal_count_lines(csv);
	portal_ireq_wait(p, &q);
	*res = q.res;
	*e = q.e;
	rc = q.rc;
	portal_audit(p, who, "issue", res->batch[0] ? res->batch : org,
	    rc == 0 ? "ok" : rc == ERR_INVALID ? "invalid" : "error");
	return rc;
}

/* fn inside one write transaction, committed when it returns 0, under the
 * writer lock (the registry's keys and tree head are the process's). */
int
portal_write_txn(struct portal *p, int (*fn)(struct portal *, MDB_txn *,
    void *, struct err *), void *arg, struct err *e)
{
	MDB_txn *txn = NULL;
	int rc;

	pthread_mutex_lock(&p->wlock);
	if ((rc = registry_txn_begin(p->reg, 0, &txn, e)) == 0 &&
	    (rc = fn(p, txn, arg, e)) == 0) {
		int mrc = mdb_txn_commit(txn);
		txn = NULL;
		if (mrc != 0)
			rc = err_set(e, ERR_DB, "commit: %s", mdb_strerror(mrc));
	}
	if (txn)
		mdb_txn_abort(txn);
	pthread_mutex_unlock(&p->wlock);
	return rc;
}

struct portal_revocation {
	const struct acct_actor *who;
	const char *certno, *note;
	int reason;
};

static int
portal_revoke_txn(struct portal *p, MDB_txn *txn, void *arg, struct err *e)
{
	const struct portal_revocation *v = arg;
	struct cert_record rec;
	struct sth h;
	int rc;

	if ((rc = portal_cert_get(p, txn, v->who, v->certno, &rec, e)) == 0 &&
	    (rc = registry_revoke(p->reg, txn, v->certno, v->reason, v->note,
	    p->reg->authority.kid, e)) == 0)
		rc = registry_sign_head(p->reg, txn, &h, e);
	return rc;
}

int
portal_revoke(struct portal *p, const struct acct_actor *who,
    const char *certno, int reason, const char *note, struct err *e)
{
	struct portal_revocation v = { who, certno, note, reason };
	int rc = portal_write_txn(p, portal_revoke_txn, &v, e);

	portal_audit(p, who, "revoke", certno, rc == 0 ? "ok" :
	    rc == ERR_NOTFOUND ? "denied" : "error");
	return rc;
}

int
portal_cert_get(struct portal *p, MDB_txn *txn, const struct acct_actor *who,
    const char *no, struct cert_record *out, struct err *e)
{
	int rc;

	if (strlen(no) != CERTNO_LEN)
		return err_set(e, ERR_NOTFOUND, "no such certificate");
	if ((rc = registry_get_cert(p->reg, txn, no, out, e)) != 0)
		return rc == ERR_NOTFOUND ?
		    err_set(e, ERR_NOTFOUND, "no such certificate") : rc;
	if (!portal_may_org(who, out->cert.org))
		return err_set(e, ERR_NOTFOUND, "no such certificate");
	return 0;
}

struct batch_nos_ctx {
	const char *org;
	struct buf *out;
	size_t n;
};

static int
portal_batch_nos_cb(const struct cert_record *c, void *arg)
{
	struct batch_nos_ctx *x = arg;

	if (x->org[0] && strcmp(c->cert.org, x->org) != 0)
		return 0;
	buf_append(x->out, c->cert.no, CERTNO_LEN + 1);
	x->n++;
	return x->out->oom ? -1 : 0;
}

static int
portal_cmp_no(const void *a, const void *b)
{
	return memcmp(a, b, CERTNO_LEN);
}

int
portal_batch_nos(struct portal *p, MDB_txn *txn, const char *org,
    const char *batch, struct buf *out, size_t *n, struct err *e)
{
	struct batch_nos_ctx x = { org, out, 0 };
	int rc;

	buf_reset(out);
	*n = 0;
	if ((rc = registry_each_cert_of_batch(p->reg, txn, batch,
	    portal_batch_nos_cb, &x, e)) != 0)
		return rc;
	if (out->oom)
		return err_set(e, ERR_NOMEM, "batch: out of memory");
	if (x.n == 0)
		return err_set(e, ERR_NOTFOUND, "no such batch");
	qsort(out->data, x.n, CERTNO_LEN + 1, portal_cmp_no);
	*n = x.n;
	return 0;
}
