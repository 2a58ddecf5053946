/* view.h - a certificate as the public sees it; the number + name lookup. */
#ifndef SKILLCERT_SRV_VIEW_H
#define SKILLCERT_SRV_VIEW_H

#include "ctx.h"

/* Display fields of a record, public-safe unless noted. */
struct srv_view {
	char no[CERTNO_LEN + 1];
	const char *status;               /* "valid" / "revoked" */
	const char *reason;               /* cert_reason_name, NULL if valid */
	const char *reason_cn;            /* 误发 ... */
	char revoked_on[11];              /* ISO date, "" if valid */
	char revoked_on_cn[32];
	const char *occ_name;             /* catalog name or the code */
	const char *occ_code;
	const char *trade;                /* "--" when none */
	int level;
	const char *level_name;           /* 三级/高级工 */
	const char *org_code;
	const char *org_name;             /* "" if the org is missing */
	char issued[11], issued_cn[32];
	char assessed[11];
	const char *brand;                /* "" none */
	char name_masked[4 * CERT_NAME_MAX + 8];
	char id_masked[CERT_ID_MAX + 1];
	const char *id_type;              /* 居民身份证 ... */
	const char *name_full;            /* only for the token page */
};
void srv_view_fill(struct srv_ctx *x, const struct cert_record *rec,
    const struct org *org, struct srv_view *v);

/* Finds number + name; 0 found (x->rec, x->org filled; org_ok says
 * whether the org record was found), ERR_NOTFOUND (either wrong: one
 * answer), ERR_DB. */
int srv_lookup(struct srv_ctx *x, const char *no, const char *name,
    int *org_ok);

/* Chinese names for revocation reasons. */
const char *srv_reason_cn(int reason);
/* Days since 1970 in China Standard Time for a unix time. */
int32_t srv_day_of(int64_t unix_s);

#endif
