/* orgadmin.c - filing, suspending, resuming and rekeying an organization,
 * shared by `skillcert org` and the portal (see orgadmin.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "skillcert/store/orgadmin.h"

int
orgadmin_file_org(struct registry *r, MDB_txn *txn, const struct org_filing *f,
    const char *passphrase, struct org *o, struct err *e)
{
	int rc;

	if ((rc = orgcode_check(f->code, e)) != 0)
		return rc;
	if (registry_get_org(r, txn, f->code, o, NULL) == 0)
		return err_set(e, ERR_EXISTS, "organization %s is already filed "
		    "(%s)", f->code, o->name);
	memset(o, 0, sizeof(*o));
	snprintf(o->code, sizeof(o->code), "%s", f->code);
	o->type = f->code[0];
	if (strlen(f->name) > ORG_NAME_MAX || f->name[0] == '\0')
		return err_set(e, ERR_INVALID, "--name must be 1-%d bytes", ORG_NAME_MAX);
	snprintf(o->name, sizeof(o->name), "%s", f->name);
	if ((rc = org_scope_parse(&r->cat, f->scope, o, e)) != 0)
		return rc;
	o->valid_from = f->from ? f->from : f->today;
	o->valid_to = f->to ? f->to : o->valid_from + 3 * 365;
	if (o->valid_to < o->valid_from)
		return err_set(e, ERR_USAGE, "--valid-to is before --valid-from");
	o->region = orgcode_province(o->code) * 10000;
	if (f->region && (rc = org_set_region(&r->cat, o, f->region, NULL,
	    f->today, e)) != 0)
		return rc;
	o->status = ORG_ACTIVE;
	o->created = o->changed = (int64_t)time(NULL);
	if ((rc = registry_org_new_key(r, txn, o, f->alg, o->valid_from,
	    passphrase, e)) != 0)
		return rc;
	return registry_put_org(r, txn, o, e);
}

int
orgadmin_set_status(struct registry *r, MDB_txn *txn, struct org *o,
    int status, const char *note, struct err *e)
{
	if (o->status == status)
		return err_set(e, ERR_EXISTS, "%s is already %s", o->code,
		    org_status_name(status));
	o->status = status;
	o->changed = (int64_t)time(NULL);
	snprintf(o->note, sizeof(o->note), "%s", status == ORG_SUSPENDED && note ?
	    note : "");
	return registry_put_org(r, txn, o, e);
}

int
orgadmin_rekey_org(struct registry *r, MDB_txn *txn, struct org *o, int alg,
    int32_t today, const char *passphrase, struct err *e)
{
	struct org_key old;
	int rc;

	if ((rc = registry_get_orgkey(r, txn, o->code, o->kid, &old, e)) != 0)
		return rc;
	/* The old key keeps what it signed up to today. */
	old.status = OKEY_RETIRED;
	old.valid_to = today;
	if ((rc = org_credential_sign(o, &old, &r->authority, e)) != 0 ||
	    (rc = registry_put_orgkey(r, txn, &old, e)) != 0 ||
	    (rc = registry_org_new_key(r, txn, o, alg ? alg : old.alg, today,
	    passphrase, e)) != 0)
		return rc;
	return registry_put_org(r, txn, o, e);
}
