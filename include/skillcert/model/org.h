/* org.h - an assessment organization (评价机构) filed with the authority:
 * its code (first 13 characters of every number it issues), scope
 * (occupations x levels), validity, status, and its keys, each bound to
 * all of that by a credential the authority signs. */
#ifndef SKILLCERT_ORG_H
#define SKILLCERT_ORG_H

#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/certno.h"
#include "skillcert/model/catalog.h"

#define ORG_NAME_MAX 192
#define ORG_SCOPE_MAX 32

enum org_status { ORG_ACTIVE = 1, ORG_SUSPENDED = 2 };
enum orgkey_status { OKEY_ACTIVE = 1, OKEY_RETIRED = 2, OKEY_COMPROMISED = 3 };

struct scope_entry {
	uint8_t occ[4];                /* packed occupation code */
	uint8_t levels;                /* level bit mask */
};

struct org {
	char code[ORGCODE_LEN + 1];
	char type;                     /* 'S' or 'Y' */
	char name[ORG_NAME_MAX + 1];
	int status;
	int32_t valid_from, valid_to;  /* days since 1970, inclusive */
	int nscope;
	struct scope_entry scope[ORG_SCOPE_MAX];
	uint8_t kid[KEY_ID_LEN];       /* current signing key */
	int64_t created, changed;      /* unix seconds */
	char note[256];                /* suspension reason */
	int32_t region;                /* GB/T 2260 six-digit code */
	char history[512];             /* region changes, one a line */
	uint32_t capacity;             /* certificates a year its filing states;
	                                  0 = unstated (records before v3) */
};

struct org_key {
	char org[ORGCODE_LEN + 1];
	int alg;
	uint8_t kid[KEY_ID_LEN];
	uint8_t pub[KEY_PUB_MAX];
	int publen;
	int status;
	int32_t valid_from, valid_to;  /* may sign certificates issued in range */
	int32_t compromised_from;      /* status COMPROMISED: invalid from here */
	uint8_t auth_kid[KEY_ID_LEN];  /* authority key that signed the credential */
	uint8_t cred_sig[KEY_SIG_LEN];
};

/* "养老护理员:5-1,育婴员:5-3" (names or codes) -> scope. */
int org_scope_parse(const struct catalog *cat, const char *s, struct org *o,
    struct err *e);
void org_scope_format(const struct catalog *cat, const struct org *o,
    struct buf *out);
/* 0 if occupation/level lie inside the scope. */
int org_scope_allows(const struct org *o, const uint8_t occ[4], int level);

/* Files o under region code (six digits, listed in cat, inside the
 * province of o's code); with a reason, the change is appended to
 * o->history as "DATE OLD->NEW REASON" (oldest lines dropped to fit). */
int org_set_region(const struct catalog *cat, struct org *o, int region,
    const char *reason, int32_t today, struct err *e);

/* Stored encodings. Version 1 records (no region) read with the region
 * of the code's province; versions 1 and 2 (no capacity) with capacity 0. */
int org_encode(const struct org *o, struct buf *out);
int org_decode(const uint8_t *p, size_t n, struct org *o, struct err *e);
int orgkey_encode(const struct org_key *k, struct buf *out);
int orgkey_decode(const uint8_t *p, size_t n, struct org_key *k, struct err *e);

/* Credential bytes the authority signs (context "skillcert/org/v1"):
 * org code, type, name, validity, scope, key alg, pub, kid, key validity. */
int org_credential_bytes(const struct org *o, const struct org_key *k,
    struct buf *out);
int org_credential_sign(const struct org *o, struct org_key *k,
    const struct key *authority, struct err *e);
int org_credential_verify(const struct org *o, const struct org_key *k,
    const struct key *authority, struct err *e);
/* 0 if key k may sign a certificate issued on day `issued`. */
int orgkey_allows(const struct org_key *k, int32_t issued, struct err *e);

const char *org_status_name(int s);
const char *orgkey_status_name(int s);

#endif
