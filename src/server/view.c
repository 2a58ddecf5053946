/* view.c - a certificate record as the public sees it: catalog names,
 * Chinese dates, the holder masked; and the number + name lookup, where a
 * wrong name and an unknown number must give the same answer. */
#include <string.h>

#include "view.h"
#include "skillcert/base/date.h"
#include "skillcert/base/mask.h"
#include "skillcert/model/level.h"

const char *
srv_reason_cn(int reason)
{
	switch (reason) {
	case REV_ISSUED_IN_ERROR: return "误发";
	case REV_FRAUD: return "弄虚作假";
	case REV_REISSUED: return "已换发新证";
	case REV_HOLDER_REQUEST: return "持证人申请";
	case REV_ORG_SUSPENDED: return "评价机构被暂停";
	default: return "其他原因";
	}
}

int32_t
srv_day_of(int64_t unix_s)
{
	int64_t t = unix_s + 8 * 3600;   /* China Standard Time, as text.c */

	return (int32_t)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

void
srv_view_fill(struct srv_ctx *x, const struct cert_record *rec,
    const struct org *org, struct srv_view *v)
{
	const struct catalog *cat = &x->reg->cat;
	const struct cert *c = &rec->cert;
	const struct occupation *occ = catalog_occ_by_code(cat, c->occ_code);
	const struct named *idt = catalog_idtype_by_code(cat, c->id_type);

	memset(v, 0, sizeof(*v));
	memcpy(v->no, c->no, sizeof(v->no));
	v->status = cert_status_name(rec->status);
	if (rec->status == CERT_REVOKED) {
		int32_t d = srv_day_of(rec->revoked_at);

		v->reason = cert_reason_name(rec->reason);
		v->reason_cn = srv_reason_cn(rec->reason);
		date_format_iso(d, v->revoked_on);
		date_format_cn(d, v->revoked_on_cn);
	}
	v->occ_code = c->occ_code;
	v->occ_name = occ != NULL ? occ->name : c->occ_code;
	v->trade = c->trade[0] != '\0' ? c->trade : "--";
	v->level = c->level;
	v->level_name = level_full(c->level);
	v->org_code = c->org;
	v->org_name = org != NULL ? org->name : "";
	date_format_iso(c->issued_on, v->issued);
	date_format_cn(c->issued_on, v->issued_cn);
	date_format_iso(c->assessed_on, v->assessed);
	v->brand = c->brand;
	mask_name(c->name, v->name_masked, sizeof(v->name_masked));
	/* The signed mask (token v2), or the v1 number masked by the decoder. */
	memcpy(v->id_masked, c->id_masked, sizeof(v->id_masked));
	v->id_type = idt != NULL ? idt->name : "";
	v->name_full = c->name;
}

int
srv_lookup(struct srv_ctx *x, const char *no, const char *name, int *org_ok)
{
	struct err e;
	int rc;

	*org_ok = 0;
	if (srv_txn(x) != 0)
		return ERR_DB;
	rc = registry_get_cert(x->reg, x->txn, no, &x->rec, &e);
	if (rc == ERR_NOTFOUND)
		return ERR_NOTFOUND;
	if (rc != 0) {
		srv_count(&x->m.db_errors, 1);
		return ERR_DB;
	}
	/* A wrong name is indistinguishable from an unknown number. */
	if (!http_name_match(name, x->rec.cert.name))
		return ERR_NOTFOUND;
	*org_ok = registry_get_org(x->reg, x->txn, x->rec.cert.org, &x->org,
	    &e) == 0;
	return 0;
}
