/* hashpool.c - the password-hashing threads (hashpool.h): one mutex, a
 * FIFO of jobs that live on their callers' stacks, a condition per job. */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "hashpool.h"

struct job {
	int (*fn)(void *);
	void *arg;
	int rc, done;
	pthread_cond_t cv;
	struct job *next;
};

struct hashpool {
	pthread_mutex_t mu;
	pthread_cond_t work;
	struct job *head, *tail;
	int waiting, running, queue, nthreads, stop;
	int held;                       /* > 0: start no job (hashpool_hold) */
	pthread_t *tid;
};

static void *
hashpool_worker(void *arg)
{
	struct hashpool *p = arg;
	struct job *j;

	/* Hashing yields the CPU to everything else the process does (on
	 * Linux a thread has its own nice value): a login flood then slows
	 * logins, not issuance. Failure leaves the default priority. */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	/* SCHED_IDLE goes further: run only on an otherwise idle CPU. */
	struct sched_param sp = { 0 };
	(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while ((p->head == NULL || p->held) && !p->stop)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->head == NULL)
			break;
		j = p->head;
		p->head = j->next;
		if (p->head == NULL)
			p->tail = NULL;
		p->waiting--;
		p->running++;
		pthread_mutex_unlock(&p->mu);
		j->rc = j->fn(j->arg);
		pthread_mutex_lock(&p->mu);
		p->running--;
		j->done = 1;
		pthread_cond_signal(&j->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

int
hashpool_open(struct hashpool **out, int threads, int queue, struct err *e)
{
	struct hashpool *p;

	*out = NULL;
	if (threads < 1 || threads > 256 || queue < 0)
		return err_set(e, ERR_USAGE, "hash pool: %d threads, queue %d: "
		    "need 1..256 threads and a queue >= 0", threads, queue);
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->tid = calloc((size_t)threads, sizeof(*p->tid))) == NULL) {
		free(p);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->work, NULL);
	p->queue = queue;
	for (; p->nthreads < threads; p->nthreads++)
		if (pthread_create(&p->tid[p->nthreads], NULL, hashpool_worker,
		    p) != 0) {
			hashpool_close(p);
			return err_set(e, ERR_NOMEM, "hash pool: cannot start "
			    "thread %d", p->nthreads + 1);
		}
	*out = p;
	return 0;
}

void
hashpool_close(struct hashpool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->work);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->tid[i], NULL);
	pthread_cond_destroy(&p->work);
	pthread_mutex_destroy(&p->mu);
	free(p->tid);
	free(p);
}

int
hashpool_run(struct hashpool *p, int (*fn)(void *), void *arg,
    struct err *e)
{
	struct job j = { fn, arg, 0, 0, PTHREAD_COND_INITIALIZER, NULL };

	pthread_mutex_lock(&p->mu);
	/* A job waits only if no worker is free; the bound counts those. */
	if (p->waiting >= p->queue && p->running + p->waiting >= p->nthreads) {
		pthread_mutex_unlock(&p->mu);
		return err_set(e, ERR_FULL, "too many logins waiting for the "
		    "password check; try again shortly");
	}
	if (p->tail)
		p->tail->next = &j;
	else
		p->head = &j;
	p->tail = &j;
	p->waiting++;
	pthread_cond_signal(&p->work);
	while (!j.done)
		pthread_cond_wait(&j.cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	pthread_cond_destroy(&j.cv);
	return j.rc;
}

void
hashpool_hold(struct hashpool *p, int on)
{
	pthread_mutex_lock(&p->mu);
	p->held += on ? 1 : -1;
	if (p->held <= 0) {
		p->held = 0;
		pthread_cond_broadcast(&p->work);
	}
	pthread_mutex_unlock(&p->mu);
}

void
hashpool_load(struct hashpool *p, int *running, int *waiting)
{
	pthread_mutex_lock(&p->mu);
	*running = p->running;
	*waiting = p->waiting;
	pthread_mutex_unlock(&p->mu);
}
