/* issuer.c - the issuing thread's group commit: every issuance waiting
 * when it looks (API calls and page jobs, up to a bound) is issued in one
 * write transaction with one tree head and one fsync, signed with keys
 * decrypted once, so no batch pays the passphrase KDF. The thread's body
 * is here too: it runs one group after another. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portal_int.h"

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
	/* Issuance first: a login flood's hashes (nice 19, SCHED_IDLE, yet
	 * thrashing the caches with 19 MiB each) wait for the group's end;
	 * the logins beyond the hash queue are refused before hashing. */
	acct_service_hold_hashing(p->acct, 1);
	pthread_mutex_lock(&p->wlock);
	(void)issue_rosters(p->reg, g->o, m, g->res, g->rc, g->e, &ge);
	pthread_mutex_unlock(&p->wlock);
	acct_service_hold_hashing(p->acct, 0);
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

/* Issues whatever is waiting, all of it together, until the
 * portal stops; callers still waiting then are told so. */
void *
portal_job_main(void *arg)
{
	struct portal *p = arg;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stopping && p->queue_head == NULL &&
		    p->ireq_head == NULL)
			pthread_cond_wait(&p->job_cv, &p->mu);
		if (p->stopping)
			break;
		portal_issue_group(p);
	}
	portal_ireq_cancel(p);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}
