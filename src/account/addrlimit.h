/* addrlimit.h - login attempts per client address: token buckets in a
 * fixed table under one lock (logins are rare next to requests, so one
 * lock is enough; server/ratelimit.c is above this layer). Indexed by a
 * keyed SipHash so an attacker cannot aim collisions at a victim. */
#ifndef SKILLCERT_ACCOUNT_ADDRLIMIT_H
#define SKILLCERT_ACCOUNT_ADDRLIMIT_H
#include <stdint.h>
#include "skillcert/base/err.h"

struct addrlimit;
int addrlimit_open(struct addrlimit **l, double rate, double burst,
    struct err *e);
void addrlimit_close(struct addrlimit *l);
/* Takes one token of addr's bucket at time now (seconds): 0, or ERR_FULL
 * with *retry_after the whole seconds until a token is back. *first (may
 * be NULL) is 1 on the first refusal since the bucket last gave a token:
 * callers record that one, not every attempt of a flood. */
int addrlimit_take(struct addrlimit *l, const char *addr, double now,
    int64_t *retry_after, int *first);
#endif
