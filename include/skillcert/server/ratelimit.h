/* ratelimit.h - per-client token buckets in a fixed-size table.
 *
 * One table for the whole server, shared by every thread: new connections
 * from one address land on threads by the kernel's SO_REUSEPORT hash of
 * the 4-tuple, so a table per thread would give a client T times its
 * rate. Sets are guarded by striped mutexes (RL_STRIPES of them, a set's
 * stripe by its index): two threads contend only when their clients hash
 * to the same stripe, and a lookup holds the lock for a few loads.
 *
 * The table is set-associative (RL_WAYS entries per set) and indexed by a
 * keyed SipHash of the address, so an attacker cannot aim collisions at a
 * victim. A full set evicts its least recently seen entry; an evicted
 * client comes back with a full bucket. Memory is fixed at creation. */
#ifndef SKILLCERT_RATELIMIT_H
#define SKILLCERT_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define RL_WAYS 4
#define RL_STRIPES 256

struct rl_entry {
	uint8_t key[16];
	uint64_t last_us;       /* last refill; 0 = free */
	double tokens;
};

struct ratelimit {
	struct rl_entry *e;
	size_t nsets;           /* power of two */
	double rate;            /* tokens per second; <= 0 disables */
	double burst;           /* bucket size */
	uint64_t k0, k1;        /* SipHash key */
	pthread_mutex_t *locks; /* nlocks stripes over the sets */
	size_t nlocks;          /* power of two, <= nsets */
};

/* Allocates nentries (rounded up to a power of two, at least RL_WAYS)
 * and draws a random hash key. 0 ok, -1 out of memory. */
int ratelimit_init(struct ratelimit *rl, size_t nentries, double rate,
    double burst);
void ratelimit_free(struct ratelimit *rl);
/* Takes one token for key at time now_us (monotonic microseconds); safe
 * to call from any thread.
 * Returns 1 if allowed; 0 if limited, with *retry_after set to the whole
 * seconds (>= 1) until a token is available. */
int ratelimit_take(struct ratelimit *rl, const uint8_t key[16],
    uint64_t now_us, uint32_t *retry_after);


#endif
