/* siphash.h - SipHash-2-4, a keyed hash for tables whose keys an attacker
 * chooses (client addresses): without the key, collisions cannot be aimed. */
#ifndef SKILLCERT_SIPHASH_H
#define SKILLCERT_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash_24(uint64_t k0, uint64_t k1, const uint8_t *p, size_t n);

#endif
