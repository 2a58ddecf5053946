/* job.c - the issuing thread: an issuance of a large roster takes seconds,
 * so the request that starts it returns a job id at once and the page
 * polls the job (meta refresh) while this thread signs and commits. One
 * thread, because the registry has one writer at a time anyway; it issues
 * the jobs and the API's issuances waiting together (issuer.c), and this
 * file prepares and records the jobs of a group. */
#include <stdio.h>
#include <string.h>
#include "portal_int.h"

static void
portal_job_progress(void *arg, const char *phase, size_t done, size_t total)
{
	struct portal_job_arg *a = arg;
	struct portal *p = a->p;
	struct portal_job *j = a->j;

	pthread_mutex_lock(&p->mu);
	snprintf(j->phase, sizeof(j->phase), "%s", phase);
	j->done = done;
	j->total = total;
	pthread_mutex_unlock(&p->mu);
}

int
portal_job_prepare(struct portal *p, struct portal_job *j,
    struct portal_ireq *q, struct buf *csv, struct portal_job_arg *a)
{
	char org[ORGCODE_LEN + 1], roster[PORTAL_ID_HEX + 1];
	int rc, partial;

	memset(q, 0, sizeof(*q));
	buf_init(csv);
	a->p = p;
	a->j = j;
	pthread_mutex_lock(&p->mu);
	memcpy(org, j->org, sizeof(org));
	memcpy(roster, j->roster, sizeof(roster));
	partial = j->partial;
	pthread_mutex_unlock(&p->mu);
	if (!portal_may_org(&j->who, org))
		rc = err_set(&q->e, ERR_NOTFOUND, "no such organization");
	else
		rc = portal_roster_get(p, org, roster, csv, NULL, 0, &q->e);
	if (rc != 0) {
		q->rc = rc;
		portal_job_finish(p, j, q, csv);
		return rc;
	}
	portal_issue_opts(p, j->org, csv, 0, partial, portal_job_progress, a,
	    &q->o);
	return 0;
}

void
portal_job_finish(struct portal *p, struct portal_job *j,
    struct portal_ireq *q, struct buf *csv)
{
	struct issue_result *res = &q->res;
	int rc = q->rc;

	pthread_mutex_lock(&p->mu);
	j->rc = rc;
	j->e = q->e;
	snprintf(j->batch, sizeof(j->batch), "%s", res->batch);
	j->issued = res->issued;
	j->existing = res->existing;
	j->rejected = res->rejected;
	j->state = JOB_DONE;
	pthread_mutex_unlock(&p->mu);
	if (q->o.org)
		portal_audit(p, &j->who, "issue", res->batch[0] ? res->batch :
		    j->org, rc == 0 ? "ok" : rc == ERR_INVALID ? "invalid" :
		    "error");
	if (rc == 0)
		portal_roster_drop(p, j->org, j->roster);
	issue_result_free(res);
	buf_free_wipe(csv);
}

/* A free job slot, or the oldest finished one (caller holds p->mu). */
static struct portal_job *
portal_job_slot(struct portal *p)
{
	struct portal_job *old = NULL;

	for (size_t i = 0; i < PORTAL_JOBS; i++) {
		struct portal_job *j = &p->jobs[i];
		if (j->state == JOB_FREE)
			return j;
		if (j->state == JOB_DONE && (!old || j->created < old->created))
			old = j;
	}
	return old;
}

int
portal_job_start(struct portal *p, const struct acct_actor *who,
    const char *roster, int partial, char job[PORTAL_ID_HEX + 1],
    struct err *e)
{
	struct portal_job *j;
	int rc;

	if ((rc = portal_random_id(job, e)) != 0)
		return rc;
	pthread_mutex_lock(&p->mu);
	if ((j = portal_job_slot(p)) == NULL) {
		pthread_mutex_unlock(&p->mu);
		return err_set(e, ERR_FULL, "%d issuances are already waiting; "
		    "try again in a minute", PORTAL_JOBS);
	}
	memset(j, 0, sizeof(*j));
	memcpy(j->id, job, PORTAL_ID_HEX + 1);
	j->state = JOB_QUEUED;
	j->who = *who;
	snprintf(j->org, sizeof(j->org), "%s", who->org);
	snprintf(j->roster, sizeof(j->roster), "%s", roster);
	snprintf(j->phase, sizeof(j->phase), "queued");
	j->partial = partial;
	j->created = portal_now(p);
	if (p->queue_tail)
		p->queue_tail->next_queued = j;
	else
		p->queue_head = j;
	p->queue_tail = j;
	pthread_cond_signal(&p->job_cv);
	pthread_mutex_unlock(&p->mu);
	return 0;
}

int
portal_job_get(struct portal *p, const char *org, const char *job,
    struct portal_job *out, struct err *e)
{
	int rc = err_set(e, ERR_NOTFOUND, "no such job");

	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < PORTAL_JOBS; i++) {
		struct portal_job *j = &p->jobs[i];
		if (j->state != JOB_FREE && strcmp(j->id, job) == 0 &&
		    strcmp(j->org, org) == 0) {
			*out = *j;
			out->next_queued = NULL;
			err_clear(e);
			rc = 0;
			break;
		}
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}
