/* online.h - `verify --online`: what the log server says about a
 * certificate, accepted only as far as it verifies against the trust
 * bundle: the issuance's inclusion under a head the bundle's log key
 * signed, that head's consistency with the bundle's head, and the
 * revocation status as a proof (a revocation leaf in that head, or the
 * certificate's bit clear in a status list signed with it). */
#ifndef SKILLCERT_ONLINE_H
#define SKILLCERT_ONLINE_H

#include "skillcert/online/fetch.h"
#include "skillcert/trust/verify.h"

struct online_stats {
	uint64_t bytes;                /* received, headers included */
	int requests;
};

/* Adds the checks "log inclusion", "log consistency" and "log status"
 * to res. Anything that does not verify turns a valid verdict into
 * VERDICT_UNKNOWN; a proven revocation into VERDICT_REVOKED. st may be
 * NULL. */
void online_verify(const struct trust *t, struct verify_result *res,
    const char *base, const struct fetch_opts *o, struct online_stats *st);

#endif
