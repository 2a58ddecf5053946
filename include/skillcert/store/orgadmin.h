/* orgadmin.h - the authority's acts on an organization's standing and keys
 * (file, suspend/resume, rekey), one implementation for `skillcert org` and
 * the portal: each works inside the caller's write transaction; the caller
 * commits and audits. */
#ifndef SKILLCERT_STORE_ORGADMIN_H
#define SKILLCERT_STORE_ORGADMIN_H
#include <stdint.h>
#include "skillcert/store/registry.h"

struct org_filing {
	const char *code, *name, *scope;   /* scope "养老护理员:5-1,育婴员:5-3" */
	int32_t from, to;                  /* 0: today, from + 3 years */
	int region;                        /* 0: the province of the code */
	int alg;                           /* KEY_ED25519 or KEY_SM2 */
	int32_t today;
};

/* Files f as a new organization with a new key certified by the authority
 * (loaded), its secret file written with passphrase; *o is what was stored.
 * ERR_EXISTS if the code is filed, ERR_INVALID/ERR_USAGE naming the field. */
int orgadmin_file_org(struct registry *r, MDB_txn *txn,
    const struct org_filing *f, const char *passphrase, struct org *o,
    struct err *e);
/* ORG_SUSPENDED (note kept) or ORG_ACTIVE; ERR_EXISTS if already so. */
int orgadmin_set_status(struct registry *r, MDB_txn *txn, struct org *o,
    int status, const char *note, struct err *e);
/* Retires the current key (it keeps what it signed up to today) and files
 * a new one of alg (0: the old key's). */
int orgadmin_rekey_org(struct registry *r, MDB_txn *txn, struct org *o,
    int alg, int32_t today, const char *passphrase, struct err *e);
#endif
