/* addrlimit.c - per-address token buckets for logins (addrlimit.h): 256
 * sets of 4 ways; a full set evicts its least recently seen address. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "addrlimit.h"
#include "skillcert/auth/auth.h"
#include "skillcert/base/siphash.h"

#define SETS 256
#define WAYS 4
#define ADDR_MAX 48

struct bucket {
	char addr[ADDR_MAX];
	double last, tokens;
	int used, refused;
};

struct addrlimit {
	pthread_mutex_t mu;
	uint64_t k0, k1;
	double rate, burst;
	struct bucket b[SETS][WAYS];
};

int
addrlimit_open(struct addrlimit **out, double rate, double burst,
    struct err *e)
{
	struct addrlimit *l;
	uint64_t k[2];
	int rc;

	*out = NULL;
	if (!(rate > 0) || !(burst >= 1))
		return err_set(e, ERR_USAGE, "login rate %g/s burst %g: need a "
		    "rate > 0 and a burst >= 1", rate, burst);
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = auth_random((uint8_t *)k, sizeof(k), e)) != 0) {
		free(l);
		return rc;
	}
	pthread_mutex_init(&l->mu, NULL);
	l->k0 = k[0];
	l->k1 = k[1];
	l->rate = rate;
	l->burst = burst;
	*out = l;
	return 0;
}

void
addrlimit_close(struct addrlimit *l)
{
	if (l == NULL)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l);
}

/* The bucket of addr in its set, claimed (full) if it had none. */
static struct bucket *
addrlimit_find(struct addrlimit *l, const char *addr, double now)
{
	size_t n = strnlen(addr, ADDR_MAX - 1);
	struct bucket *set = l->b[siphash_24(l->k0, l->k1,
	    (const uint8_t *)addr, n) % SETS], *old = &set[0];

	for (int i = 0; i < WAYS; i++) {
		if (set[i].used && strncmp(set[i].addr, addr, ADDR_MAX - 1) == 0)
			return &set[i];
		if (!set[i].used || (old->used && set[i].last < old->last))
			old = &set[i];
	}
	memset(old, 0, sizeof(*old));
	memcpy(old->addr, addr, n);
	old->used = 1;
	old->last = now;
	old->tokens = l->burst;
	return old;
}

int
addrlimit_take(struct addrlimit *l, const char *addr, double now,
    int64_t *retry_after, int *first)
{
	struct bucket *b;
	int rc = 0;

	pthread_mutex_lock(&l->mu);
	b = addrlimit_find(l, addr ? addr : "", now);
	if (now > b->last) {
		b->tokens += (now - b->last) * l->rate;
		if (b->tokens > l->burst)
			b->tokens = l->burst;
	}
	b->last = now > b->last ? now : b->last;
	if (first)
		*first = 0;
	if (b->tokens >= 1) {
		b->tokens -= 1;
		b->refused = 0;
	} else {
		rc = ERR_FULL;
		if (first)
			*first = !b->refused;
		b->refused = 1;
		if (retry_after)
			*retry_after = (int64_t)ceil((1 - b->tokens) / l->rate);
	}
	pthread_mutex_unlock(&l->mu);
	return rc;
}
