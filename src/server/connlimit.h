/* connlimit.h - open connections per client address, counted by every
 * thread in one fixed table of atomic counters (no locks). */
#ifndef SKILLCERT_SRV_CONNLIMIT_H
#define SKILLCERT_SRV_CONNLIMIT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Addresses hash (keyed SipHash, so nobody can aim at a victim's slot)
 * into CONNLIMIT_SLOTS counters: two addresses that share a slot share its
 * cap, which with 65,536 slots and a per-address cap far above a browser's
 * handful of connections costs an honest client nothing in practice. */
#define CONNLIMIT_SLOTS 65536

struct connlimit {
	_Atomic uint32_t *slot;
	uint32_t cap;               /* per address; 0 = no cap */
	uint64_t k0, k1;
};

int connlimit_init(struct connlimit *cl, uint32_t cap);
void connlimit_free(struct connlimit *cl);
/* Takes a slot for key: 1 if under the cap (then connlimit_put it once
 * the connection closes), 0 if the address is at its cap. */
int connlimit_take(struct connlimit *cl, const uint8_t key[16]);
void connlimit_put(struct connlimit *cl, const uint8_t key[16]);

#endif
