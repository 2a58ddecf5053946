/* connlimit.c - per-address connection counts shared by all threads. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "connlimit.h"
#include "skillcert/base/siphash.h"

int
connlimit_init(struct connlimit *cl, uint32_t cap)
{
	uint64_t k[2];
	size_t i;

	memset(cl, 0, sizeof(*cl));
	cl->cap = cap;
	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
		return -1;
	cl->k0 = k[0];
	cl->k1 = k[1];
	if ((cl->slot = malloc(CONNLIMIT_SLOTS * sizeof(*cl->slot))) == NULL)
		return -1;
	for (i = 0; i < CONNLIMIT_SLOTS; i++)
		atomic_init(&cl->slot[i], 0);
	return 0;
}

void
connlimit_free(struct connlimit *cl)
{
	free((void *)cl->slot);
	cl->slot = NULL;
}

static _Atomic uint32_t *
connlimit_slot(struct connlimit *cl, const uint8_t key[16])
{
	return &cl->slot[siphash_24(cl->k0, cl->k1, key, 16) &
	    (CONNLIMIT_SLOTS - 1)];
}

int
connlimit_take(struct connlimit *cl, const uint8_t key[16])
{
	_Atomic uint32_t *s;

	if (cl->cap == 0 || cl->slot == NULL)
		return 1;
	s = connlimit_slot(cl, key);
	if (atomic_fetch_add_explicit(s, 1, memory_order_relaxed) >= cl->cap) {
		atomic_fetch_sub_explicit(s, 1, memory_order_relaxed);
		return 0;
	}
	return 1;
}

void
connlimit_put(struct connlimit *cl, const uint8_t key[16])
{
	if (cl->cap == 0 || cl->slot == NULL)
		return;
	atomic_fetch_sub_explicit(connlimit_slot(cl, key), 1,
	    memory_order_relaxed);
}
