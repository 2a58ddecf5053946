/* issuer.c - the issuing thread's group commit: every issuance waiting
 * when it looks (API calls and page jobs, up to a bound) is issued in one
 * write transaction with one tree head and one fsync, signed with keys
 * decrypted once, so no batch pays the passphrase KDF. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portal_int.h"

int
portal_key_keep(struct portal *p, const char *org, struct key *k,
    const struct key **out, struct err *e)
{
	struct portal_key *nk = calloc(1, sizeof(*nk));
	struct portal_key **nv;

	pthread_mutex_lock(&p->keys_mu);
	if (nk && p->nkeys == p->capkeys) {
		size_t cap = p->capkeys ? 2 * p->capkeys : 16;
		if ((nv = realloc(p->keys, cap * sizeof(*nv))) == NULL) {
			free(nk);
			nk = NULL;
		} else {
			p->keys = nv;
			p->capkeys = cap;
		}
	}
	if (nk) {
		snprintf(nk->org, sizeof(nk->org), "%s", org);
		nk->k = *k;             /* moved: k no longer owns the pkey */
		explicit_bzero(k, sizeof(*k));
		p->keys[p->nkeys++] = nk;
		*out = &nk->k;
	}
	pthread_mutex_unlock(&p->keys_mu);
	if (nk)
		return 0;
	key_free(k);
	return err_set(e, ERR_NOMEM, "organization %s: out of memory for its "
	    "key", org);
}

void
portal_keys_free(struct portal *p)
{
	for (size_t i = 0; i < p->nkeys; i++) {
		key_free(&p->keys[i]->k);
		explicit_bzero(p->keys[i], sizeof(*p->keys[i]));
		free(p->keys[i]);
	}
	free(p->keys);
	p->keys = NULL;
	p->nkeys = p->capkeys = 0;
}

/* The kept key of org with key id kid, or NULL. */
static const struct key *
portal_key_find(struct portal *p, const char *org, const uint8_t *kid)
{
	const struct key *found = NULL;

	pthread_mutex_lock(&p->keys_mu);
	for (size_t i = p->nkeys; i-- > 0 && !found;)
		if (strcmp(p->keys[i]->org, org) == 0 &&
		    memcmp(p->keys[i]->k.kid, kid, KEY_ID_LEN) == 0)
			found = &p->keys[i]->k;
	pthread_mutex_unlock(&p->keys_mu);
	return found;
}

const struct key *
portal_key_for(struct portal *p, const char *org)
{
	char path[PATH_MAX];
	const struct key *found;
	struct org o;
	struct key k;
	struct err e;
	MDB_txn *txn;
	int rc;

	err_clear(&e);
	if (registry_txn_begin_reader(p->reg, &txn, &e) != 0)
		return NULL;
	rc = registry_get_org(p->reg, txn, org, &o, &e);
	mdb_txn_abort(txn);
	if (rc != 0 || o.status != ORG_ACTIVE)
		return NULL;
	if ((found = portal_key_find(p, org, o.kid)) != NULL)
		return found;
	/* Rekeyed since start (or resumed): load the new key once. */
	registry_org_key_path(p->reg, org, o.kid, path);
	memset(&k, 0, sizeof(k));
	if (key_load_secret(path, p->passphrase, &k, &e) != 0 ||
	    portal_key_keep(p, org, &k, &found, &e) != 0)
		return NULL;
	return found;
}

void
portal_ireq_wait(struct portal *p, struct portal_ireq *q)
{
	pthread_mutex_lock(&p->mu);
	q->done = 0;
	q->next = NULL;
	if (p->stopping || !p->job_thread_on) {
		q->rc = err_set(&q->e, ERR_INTERNAL, "the portal is stopping: "
		    "nothing was issued");
		q->done = 1;
	} else {
		if (p->ireq_tail)
			p->ireq_tail->next = q;
		else
			p->ireq_head = q;
		p->ireq_tail = q;
		pthread_cond_signal(&p->job_cv);
	}
	while (!q->done)
		pthread_cond_wait(&p->ireq_cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void
portal_ireq_cancel(struct portal *p)
{
	for (struct portal_ireq *q = p->ireq_head; q; q = q->next) {
		q->rc = err_set(&q->e, ERR_INTERNAL, "the portal is stopping: "
		    "nothing was issued");
		q->done = 1;
	}
	p->ireq_head = p->ireq_tail = NULL;
	pthread_cond_broadcast(&p->ireq_cv);
}

/* What one group holds: on the issuing thread's stack. */
struct portal_group {
	struct portal_ireq *q[PORTAL_GROUP_BATCHES];
	struct portal_job *job[PORTAL_GROUP_BATCHES]; /* NULL: a caller's q */
	struct portal_ireq jq[PORTAL_GROUP_BATCHES];  /* the jobs' */
	struct buf csv[PORTAL_GROUP_BATCHES];
	struct portal_job_arg ja[PORTAL_GROUP_BATCHES];
	struct issue_opts o[PORTAL_GROUP_BATCHES];
	struct issue_result res[PORTAL_GROUP_BATCHES];
	int rc[PORTAL_GROUP_BATCHES];
	struct err e[PORTAL_GROUP_BATCHES];
	size_t n, rows;
};

/* Takes the waiting callers' issuances, then queued jobs, up to the
 * bound (p->mu held); at least one. */
static void
portal_group_take(struct portal *p, struct portal_group *g)
{
	while (p->ireq_head && g->n < PORTAL_GROUP_BATCHES &&
	    (g->n == 0 || g->rows + p->ireq_head->rows <= PORTAL_GROUP_ROWS)) {
		struct portal_ireq *q = p->ireq_head;
		if ((p->ireq_head = q->next) == NULL)
			p->ireq_tail = NULL;
		g->q[g->n] = q;
		g->job[g->n++] = NULL;
		g->rows += q->rows;
	}
	while (p->queue_head && g->n < PORTAL_GROUP_BATCHES &&
	    g->rows < PORTAL_GROUP_ROWS) {
		struct portal_job *j = p->queue_head;
		if ((p->queue_head = j->next_queued) == NULL)
			p->queue_tail = NULL;
		j->next_queued = NULL;
		j->state = JOB_RUNNING;
		g->q[g->n] = &g->jq[g->n];
		g->job[g->n++] = j;
		g->rows += 1000;        /* unknown until fetched: a typical one */
	}
}

/* Fetches the jobs' rosters and every batch's key; issues those ready
 * together under the writer lock. */
static void
portal_group_issue(struct portal *p, struct portal_group *g)
{
	size_t map[PORTAL_GROUP_BATCHES], m = 0;
	struct err ge;

	for (size_t i = 0; i < g->n; i++) {
		if (g->job[i] && portal_job_prepare(p, g->job[i], g->q[i],
		    &g->csv[i], &g->ja[i]) != 0) {
			g->job[i] = NULL;   /* finished already */
			g->q[i] = NULL;
			continue;
		}
		g->q[i]->o.key = portal_key_for(p, g->q[i]->o.org);
		g->o[m] = g->q[i]->o;
		map[m++] = i;
	}
	if (m == 0)
		return;
	err_clear(&ge);
	pthread_mutex_lock(&p->wlock);
	(void)issue_rosters(p->reg, g->o, m, g->res, g->rc, g->e, &ge);
	pthread_mutex_unlock(&p->wlock);
	for (size_t k = 0; k < m; k++) {
		struct portal_ireq *q = g->q[map[k]];
		q->res = g->res[k];     /* moved: the rows are q's now */
		q->rc = g->rc[k];
		q->e = g->e[k];
	}
}

void
portal_issue_group(struct portal *p)
{
	struct portal_group g;

	memset(&g, 0, sizeof(g));
	portal_group_take(p, &g);
	pthread_mutex_unlock(&p->mu);
	portal_group_issue(p, &g);
	for (size_t i = 0; i < g.n; i++)
		if (g.job[i])
			portal_job_finish(p, g.job[i], g.q[i], &g.csv[i]);
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < g.n; i++)
		if (g.q[i] && !g.job[i])
			g.q[i]->done = 1;
	pthread_cond_broadcast(&p->ireq_cv);
}
