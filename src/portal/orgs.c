/* orgs.c - the authority's acts on organizations from the portal: file
 * (备案) with scope, region and validity and a new certified key, suspend,
 * resume, rekey: store/orgadmin.c, which `skillcert org` calls too, each
 * in one write transaction under the writer lock, each audited. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "portal_int.h"
#include "skillcert/base/date.h"
#include "skillcert/model/catalog.h"
#include "skillcert/store/orgadmin.h"

static int
portal_org_file_txn(struct portal *p, MDB_txn *txn, void *arg, struct err *e)
{
	const struct portal_org_form *f = arg;
	struct org_filing of = { f->code, f->name, f->scope, 0, 0, 0, KEY_ED25519,
	    date_today(), 0 };
	struct org o;

	if ((f->from[0] && date_parse(f->from, &of.from) != 0) ||
	    (f->to[0] && date_parse(f->to, &of.to) != 0))
		return err_set(e, ERR_INVALID, "有效期: dates are YYYY-MM-DD");
	if (f->region[0] && (strlen(f->region) != 6 ||
	    (of.region = catalog_region_code_parse(f->region)) < 0))
		return err_set(e, ERR_INVALID, "地区: '%s' is not a six-digit "
		    "GB/T 2260 code", f->region);
	return orgadmin_file_org(p->reg, txn, &of, p->passphrase, &o, e);
}

int
portal_org_file(struct portal *p, const struct acct_actor *who,
    const struct portal_org_form *f, struct err *e)
{
	int rc;

	if (who->role != ACCT_AUTHORITY)
		return err_set(e, ERR_NOTFOUND, "no such page");
	rc = portal_write_txn(p, portal_org_file_txn, (void *)f, e);
	portal_audit(p, who, "org_file", f->code, rc == 0 ? "ok" : "error");
	return rc;
}

struct org_change {
	const char *code;
	int verb;                      /* 's'uspend, 'r'esume, 'k' rekey */
	const char *note;
};

static int
portal_org_change_txn(struct portal *p, MDB_txn *txn, void *arg, struct err *e)
{
	const struct org_change *c = arg;
	struct org o;
	int rc;

	if ((rc = registry_get_org(p->reg, txn, c->code, &o, e)) != 0)
		return rc;
	if (c->verb == 'k')
		return orgadmin_rekey_org(p->reg, txn, &o, 0, date_today(),
		    p->passphrase, e);
	return orgadmin_set_status(p->reg, txn, &o, c->verb == 's' ?
	    ORG_SUSPENDED : ORG_ACTIVE, c->note, e);
}

int
portal_org_change(struct portal *p, const struct acct_actor *who,
    const char *code, int verb, const char *note, struct err *e)
{
	struct org_change c = { code, verb, note };
	int rc;

	if (who->role != ACCT_AUTHORITY)
		return err_set(e, ERR_NOTFOUND, "no such page");
	rc = portal_write_txn(p, portal_org_change_txn, &c, e);
	portal_audit(p, who, verb == 's' ? "org_suspend" : verb == 'r' ?
	    "org_resume" : "org_rekey", code, rc == 0 ? "ok" : "error");
	return rc;
}
