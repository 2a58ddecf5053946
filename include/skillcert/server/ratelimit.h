/* ratelimit.h - per-client token buckets in a fixed-size table.
 *
 * One table per server thread, touched only by that thread: no locks. A
 * client's keep-alive connection stays on one thread, and new connections
 * from one address land on a thread by the kernel's SO_REUSEPORT hash of
 * the 4-tuple, so a client spread over T threads gets at most T times its
 * rate: accepted, in exchange for a hot path with no shared state.
 *
 * The table is set-associative (RL_WAYS entries per set) and indexed by a
 * keyed SipHash of the address, so an attacker cannot aim collisions at a
 * victim. A full set evicts its least recently seen entry; an evicted
 * client comes back with a full bucket. Memory is fixed at creation. */
#ifndef SKILLCERT_RATELIMIT_H
#define SKILLCERT_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#define RL_WAYS 4

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
};

/* Allocates nentries (rounded up to a power of two, at least RL_WAYS)
 * and draws a random hash key. 0 ok, -1 out of memory. */
int ratelimit_init(struct ratelimit *rl, size_t nentries, double rate,
    double burst);
void ratelimit_free(struct ratelimit *rl);
/* Takes one token for key at time now_us (monotonic microseconds).
 * Returns 1 if allowed; 0 if limited, with *retry_after set to the whole
 * seconds (>= 1) until a token is available. */
int ratelimit_take(struct ratelimit *rl, const uint8_t key[16],
    uint64_t now_us, uint32_t *retry_after);


#endif
