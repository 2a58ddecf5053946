/* ratelimit.c - token buckets per client address, fixed memory, shared
 * by every thread under striped locks. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "skillcert/base/siphash.h"
#include "skillcert/server/ratelimit.h"

int
ratelimit_init(struct ratelimit *rl, size_t nentries, double rate,
    double burst)
{
	uint64_t k[2];
	size_t n = RL_WAYS, i;

	memset(rl, 0, sizeof(*rl));
	while (n < nentries && n < ((size_t)1 << 30))
		n <<= 1;
	if ((rl->e = calloc(n, sizeof(*rl->e))) == NULL)
		return -1;
	rl->nsets = n / RL_WAYS;
	rl->rate = rate;
	rl->burst = burst < 1 ? 1 : burst;
	/* A key nobody can predict; getrandom blocks only before the
	 * kernel's pool is seeded, at boot. */
	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k)) {
		free(rl->e);
		rl->e = NULL;
		return -1;
	}
	rl->k0 = k[0];
	rl->k1 = k[1];
	rl->nlocks = rl->nsets < RL_STRIPES ? rl->nsets : RL_STRIPES;
	if ((rl->locks = calloc(rl->nlocks, sizeof(*rl->locks))) == NULL) {
		free(rl->e);
		rl->e = NULL;
		return -1;
	}
	for (i = 0; i < rl->nlocks; i++)
		if (pthread_mutex_init(&rl->locks[i], NULL) != 0) {
			rl->nlocks = i;
			ratelimit_free(rl);
			return -1;
		}
	return 0;
}

void
ratelimit_free(struct ratelimit *rl)
{
	size_t i;

	for (i = 0; rl->locks != NULL && i < rl->nlocks; i++)
		pthread_mutex_destroy(&rl->locks[i]);
	free(rl->locks);
	rl->locks = NULL;
	free(rl->e);
	rl->e = NULL;
}

/* The bucket's arithmetic, under the set's lock. */
static int
ratelimit_take_locked(struct ratelimit *rl, struct rl_entry *set,
    const uint8_t key[16], uint64_t now_us, uint32_t *retry_after)
{
	struct rl_entry *hit = NULL, *victim;
	size_t i;
	double need;

	victim = &set[0];
	for (i = 0; i < RL_WAYS; i++) {
		if (set[i].last_us != 0 && memcmp(set[i].key, key, 16) == 0) {
			hit = &set[i];
			break;
		}
		if (set[i].last_us < victim->last_us)
			victim = &set[i];   /* free (0) or least recently seen */
	}
	if (hit == NULL) {
		hit = victim;
		memcpy(hit->key, key, 16);
		hit->tokens = rl->burst;
	} else if (now_us > hit->last_us) {
		hit->tokens += (double)(now_us - hit->last_us) / 1e6 * rl->rate;
		if (hit->tokens > rl->burst)
			hit->tokens = rl->burst;
	}
	hit->last_us = now_us;
	if (hit->tokens >= 1.0) {
		hit->tokens -= 1.0;
		return 1;
	}
	need = (1.0 - hit->tokens) / rl->rate;
	if (retry_after != NULL)
		*retry_after = need < 1.0 ? 1 : (uint32_t)ceil(need);
	return 0;
}

int
ratelimit_take(struct ratelimit *rl, const uint8_t key[16], uint64_t now_us,
    uint32_t *retry_after)
{
	size_t si;
	int ok;

	if (rl->rate <= 0 || rl->e == NULL)
		return 1;
	if (now_us == 0)
		now_us = 1;  /* 0 marks a free entry */
	si = siphash_24(rl->k0, rl->k1, key, 16) & (rl->nsets - 1);
	pthread_mutex_lock(&rl->locks[si & (rl->nlocks - 1)]);
	ok = ratelimit_take_locked(rl, rl->e + si * RL_WAYS, key, now_us,
	    retry_after);
	pthread_mutex_unlock(&rl->locks[si & (rl->nlocks - 1)]);
	return ok;
}
