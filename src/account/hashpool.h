/* hashpool.h - a fixed set of threads that run password hashes, with a
 * bounded wait: a login flood queues behind itself (and is refused once
 * the queue is full) instead of taking every CPU from issuance. */
#ifndef SKILLCERT_ACCOUNT_HASHPOOL_H
#define SKILLCERT_ACCOUNT_HASHPOOL_H
#include "skillcert/base/err.h"

struct hashpool;
/* threads >= 1 workers; at most `queue` jobs wait for one. */
int hashpool_open(struct hashpool **p, int threads, int queue, struct err *e);
/* Finishes the running and waiting jobs, then joins the workers. */
void hashpool_close(struct hashpool *p);
/* Runs fn(arg) on a worker and waits for it; ERR_FULL (fn not run) when
 * `queue` jobs already wait. Returns fn's result otherwise. */
int hashpool_run(struct hashpool *p, int (*fn)(void *arg), void *arg,
    struct err *e);
/* on != 0: workers finish the hash they run but start no other until
 * the matching hashpool_hold(p, 0); the queue bound still refuses the
 * rest. The portal holds hashing while it issues a group. */
void hashpool_hold(struct hashpool *p, int on);
/* Jobs running and waiting now (tests watch the bound with it). */
void hashpool_load(struct hashpool *p, int *running, int *waiting);
#endif
