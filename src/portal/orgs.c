/* orgs.c - the authority's acts on organizations from the portal: file
 * (备案) with scope, region and validity and a new certified key, suspend,
 * resume, rekey. The same store and model calls as `skillcert org` (see
 * src/cli/cmd_org.c), each in one write transaction, each audited. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "portal_int.h"
#include "skillcert/base/date.h"
#include "skillcert/model/catalog.h"

/* Runs fn in a write transaction under the writer lock; commits on 0. */
static int
portal_org_txn(struct portal *p, int (*fn)(struct portal *, MDB_txn *,
    void *, struct err *), void *arg, struct err *e)
{
	MDB_txn *txn = NULL;
	int rc;

	pthread_mutex_lock(&p->wlock);
	if ((rc = registry_txn_begin(p->reg, 0, &txn, e)) == 0 &&
	    (rc = fn(p, txn, arg, e)) == 0) {
		int mrc = mdb_txn_commit(txn);
		txn = NULL;
		if (mrc != 0)
			rc = err_set(e, ERR_DB, "commit: %s", mdb_strerror(mrc));
	}
	if (txn)
		mdb_txn_abort(txn);
	pthread_mutex_unlock(&p->wlock);
	return rc;
}

static int
portal_org_file_txn(struct portal *p, MDB_txn *txn, void *arg, struct err *e)
{
	const struct portal_org_form *f = arg;
	struct org o;
	int32_t today = date_today(), from = 0, to = 0;
	int rc, region;

	if ((rc = orgcode_check(f->code, e)) != 0)
		return rc;
	if (registry_get_org(p->reg, txn, f->code, &o, NULL) == 0)
		return err_set(e, ERR_EXISTS, "organization %s is already filed (%s)",
		    f->code, o.name);
	memset(&o, 0, sizeof(o));
	snprintf(o.code, sizeof(o.code), "%s", f->code);
	o.type = f->code[0];
	if (!f->name[0] || strlen(f->name) > ORG_NAME_MAX)
		return err_set(e, ERR_INVALID, "名称: 1-%d bytes", ORG_NAME_MAX);
	snprintf(o.name, sizeof(o.name), "%s", f->name);
	if ((rc = org_scope_parse(&p->reg->cat, f->scope, &o, e)) != 0)
		return rc;
	if ((f->from[0] && date_parse(f->from, &from) != 0) ||
	    (f->to[0] && date_parse(f->to, &to) != 0))
		return err_set(e, ERR_INVALID, "有效期: dates are YYYY-MM-DD");
	o.valid_from = from ? from : today;
	o.valid_to = to ? to : o.valid_from + 3 * 365;
	if (o.valid_to < o.valid_from)
		return err_set(e, ERR_INVALID, "有效期: the end is before the start");
	o.region = orgcode_province(o.code) * 10000;
	if (f->region[0]) {
		if (strlen(f->region) != 6 ||
		    (region = catalog_region_code_parse(f->region)) < 0)
			return err_set(e, ERR_INVALID, "地区: '%s' is not a six-digit "
			    "GB/T 2260 code", f->region);
		if ((rc = org_set_region(&p->reg->cat, &o, region, NULL, today, e)) != 0)
			return rc;
	}
	o.status = ORG_ACTIVE;
	o.created = o.changed = (int64_t)time(NULL);
	if ((rc = registry_org_new_key(p->reg, txn, &o, KEY_ED25519, o.valid_from,
	    p->passphrase, e)) != 0)
		return rc;
	return registry_put_org(p->reg, txn, &o, e);
}

int
portal_org_file(struct portal *p, const struct acct_actor *who,
    const struct portal_org_form *f, struct err *e)
{
	int rc;

	if (who->role != ACCT_AUTHORITY)
		return err_set(e, ERR_NOTFOUND, "no such page");
	rc = portal_org_txn(p, portal_org_file_txn, (void *)f, e);
	portal_audit(p, who, "org_file", f->code, rc == 0 ? "ok" : "error");
	return rc;
}

struct org_change {
	const char *code;
	int verb;                      /* 's'uspend, 'r'esume, 'k' rekey */
	const char *note;
};

static int
portal_org_rekey_txn(struct portal *p, MDB_txn *txn, struct org *o,
    struct err *e)
{
	struct org_key old;
	int rc;

	if ((rc = registry_get_orgkey(p->reg, txn, o->code, o->kid, &old, e)) != 0)
		return rc;
	/* the old key keeps what it signed up to today */
	old.status = OKEY_RETIRED;
	old.valid_to = date_today();
	if ((rc = org_credential_sign(o, &old, &p->reg->authority, e)) != 0 ||
	    (rc = registry_put_orgkey(p->reg, txn, &old, e)) != 0 ||
	    (rc = registry_org_new_key(p->reg, txn, o, old.alg, date_today(),
	    p->passphrase, e)) != 0)
		return rc;
	return 0;
}

static int
portal_org_change_txn(struct portal *p, MDB_txn *txn, void *arg, struct err *e)
{
	const struct org_change *c = arg;
	struct org o;
	int rc;

	if ((rc = registry_get_org(p->reg, txn, c->code, &o, e)) != 0)
		return rc;
	if (c->verb == 'k') {
		if ((rc = portal_org_rekey_txn(p, txn, &o, e)) != 0)
			return rc;
	} else {
		int to = c->verb == 's' ? ORG_SUSPENDED : ORG_ACTIVE;
		if (o.status == to)
			return err_set(e, ERR_EXISTS, "%s is already %s", o.code,
			    org_status_name(to));
		o.status = to;
		snprintf(o.note, sizeof(o.note), "%s", to == ORG_SUSPENDED && c->note ?
		    c->note : "");
	}
	o.changed = (int64_t)time(NULL);
	return registry_put_org(p->reg, txn, &o, e);
}

int
portal_org_change(struct portal *p, const struct acct_actor *who,
    const char *code, int verb, const char *note, struct err *e)
{
	struct org_change c = { code, verb, note };
	int rc;

	if (who->role != ACCT_AUTHORITY)
		return err_set(e, ERR_NOTFOUND, "no such page");
	rc = portal_org_txn(p, portal_org_change_txn, &c, e);
	portal_audit(p, who, verb == 's' ? "org_suspend" : verb == 'r' ?
	    "org_resume" : "org_rekey", code, rc == 0 ? "ok" : "error");
	return rc;
}
