/* server_api.c - the JSON endpoints under /v1 and /healthz. Public
 * answers carry the holder masked (张*华, 3601**********123X): the full
 * name and ID number never leave through a number + name lookup. */
#include <string.h>

#include "server_int.h"
#include "skillcert/base/json.h"
#include "skillcert/base/mask.h"
#include "skillcert/base/date.h"
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
	mask_id(c->id_number, v->id_masked, sizeof(v->id_masked));
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

/* The certificate object; holder_full only for a token presenter. */
static void
json_cert(struct json *j, const struct srv_view *v, int holder_full)
{
	json_obj_begin(j);
	json_kstr(j, "number", v->no);
	json_kstr(j, "status", v->status);
	json_key(j, "revocation");
	if (v->reason != NULL) {
		json_obj_begin(j);
		json_kstr(j, "reason", v->reason);
		json_kstr(j, "reason_name", v->reason_cn);
		json_kstr(j, "date", v->revoked_on);
		json_obj_end(j);
	} else
		json_null(j);
	json_key(j, "occupation");
	json_obj_begin(j);
	json_kstr(j, "code", v->occ_code);
	json_kstr(j, "name", v->occ_name);
	json_obj_end(j);
	json_kstr(j, "trade", v->trade);
	json_kint(j, "level", v->level);
	json_kstr(j, "level_name", v->level_name);
	json_key(j, "organization");
	json_obj_begin(j);
	json_kstr(j, "code", v->org_code);
	json_kstr(j, "name", v->org_name);
	json_obj_end(j);
	json_kstr(j, "issued_on", v->issued);
	json_kstr(j, "brand", v->brand[0] ? v->brand : NULL);
	json_key(j, "holder");
	json_obj_begin(j);
	json_kstr(j, "name", holder_full ? v->name_full : v->name_masked);
	json_kstr(j, "id_type", v->id_type);
	json_kstr(j, "id_number", v->id_masked);
	json_obj_end(j);
	json_obj_end(j);
}

void
srv_api_cert(struct srv_ctx *x, const struct http_target *t,
    const struct http_query *q, struct server_response *r)
{
	char no[CERTNO_LEN + 1];
	const char *name = http_query_get(q, "name");
	struct srv_view v;
	struct json j;
	int rc, org_ok;

	if (name == NULL || name[0] == '\0') {
		srv_json_error(x, r, 400, "name_required", "the holder's name "
		    "(?name=) is required with the certificate number");
		return;
	}
	memcpy(no, t->param, CERTNO_LEN);
	no[CERTNO_LEN] = '\0';
	rc = srv_lookup(x, no, name, &org_ok);
	if (rc == ERR_NOTFOUND) {
		srv_json_error(x, r, 404, "not_found", "no certificate with "
		    "this number and name");
		return;
	}
	if (rc != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot "
		    "be read; retry later");
		return;
	}
	srv_view_fill(x, &x->rec, org_ok ? &x->org : NULL, &v);
	buf_reset(&x->body);
	json_init(&j, &x->body);
	json_obj_begin(&j);
	json_key(&j, "certificate");
	json_cert(&j, &v, 0);
	json_obj_end(&j);
	buf_append_byte(&x->body, '\n');
	srv_finish(x, r, 200, CT_JSON, SRV_CACHE_NO_STORE);
}

void
srv_api_verify(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r)
{
	const char *tok = http_query_get(q, "token");
	struct srv_verdict_result vr;
	struct srv_view v;
	struct json j;
	int i;

	if (tok == NULL || tok[0] == '\0') {
		srv_json_error(x, r, 400, "token_required", "?token= is required");
		return;
	}
	if (srv_verify_token(x, tok, strlen(tok), &vr) != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot "
		    "be read; retry later");
		return;
	}
	buf_reset(&x->body);
	json_init(&j, &x->body);
	json_obj_begin(&j);
	json_kstr(&j, "verdict", vr.verdict_name);
	json_key(&j, "reasons");
	json_arr_begin(&j);
	for (i = 0; i < vr.nreasons; i++) {
		json_obj_begin(&j);
		json_kstr(&j, "code", vr.reasons[i].code);
		json_kstr(&j, "message", vr.reasons[i].detail);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_key(&j, "checks");
	json_obj_begin(&j);
	json_kbool(&j, "credential", vr.credential_ok);
	json_kbool(&j, "signature", vr.signature_ok);
	json_kbool(&j, "key", vr.key_ok);
	json_kbool(&j, "registry", vr.registry_ok);
	json_obj_end(&j);
	if (vr.verdict == V_VALID || vr.verdict == V_REVOKED) {
		/* The presenter holds the certificate and its token (which
		 * encodes the name): the name in full, the ID still masked. */
		srv_view_fill(x, &x->rec, vr.have_org ? &x->org : NULL, &v);
		json_key(&j, "certificate");
		json_cert(&j, &v, 1);
	} else if (vr.have_cert) {
		json_key(&j, "claimed");
		json_obj_begin(&j);
		json_kstr(&j, "number", vr.claimed.no);
		json_kstr(&j, "organization", vr.claimed.org);
		json_obj_end(&j);
	}
	json_obj_end(&j);
	buf_append_byte(&x->body, '\n');
	srv_finish(x, r, 200, CT_JSON, SRV_CACHE_NO_STORE);
}

void
srv_api_org(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r)
{
	char code[ORGCODE_LEN + 1], from[11], to[11];
	const char *region;
	struct json j;
	struct err e;
	int rc;

	memcpy(code, t->param, ORGCODE_LEN);
	code[ORGCODE_LEN] = '\0';
	if (srv_txn(x) != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot "
		    "be read; retry later");
		return;
	}
	rc = registry_get_org(x->reg, x->txn, code, &x->org, &e);
	if (rc == ERR_NOTFOUND) {
		srv_json_error(x, r, 404, "not_found", "no organization with "
		    "this code is filed");
		return;
	}
	if (rc != 0) {
		srv_count(&x->m.db_errors, 1);
		srv_json_error(x, r, 503, "unavailable", "the registry cannot "
		    "be read; retry later");
		return;
	}
	buf_reset(&x->tmp);
	org_scope_format(&x->reg->cat, &x->org, &x->tmp);
	region = catalog_region_name(&x->reg->cat, orgcode_province(code));
	date_format_iso(x->org.valid_from, from);
	date_format_iso(x->org.valid_to, to);

	buf_reset(&x->body);
	json_init(&j, &x->body);
	json_obj_begin(&j);
	json_key(&j, "organization");
	json_obj_begin(&j);
	json_kstr(&j, "code", x->org.code);
	json_kstr(&j, "type", x->org.type == 'Y' ? "Y" : "S");
	json_kstr(&j, "type_name", x->org.type == 'Y' ? "用人单位" :
	    "社会培训评价组织");
	json_kstr(&j, "name", x->org.name);
	json_kint(&j, "province", orgcode_province(code));
	json_kstr(&j, "region", region);
	json_kstr(&j, "scope", buf_cstr(&x->tmp) ? (const char *)x->tmp.data : "");
	json_kstr(&j, "status", org_status_name(x->org.status));
	json_key(&j, "validity");
	json_obj_begin(&j);
	json_kstr(&j, "from", from);
	json_kstr(&j, "to", to);
	json_obj_end(&j);
	json_obj_end(&j);
	json_obj_end(&j);
	buf_append_byte(&x->body, '\n');
	srv_finish(x, r, 200, CT_JSON, SRV_CACHE_PUBLIC);
}

void
srv_api_healthz(struct srv_ctx *x, struct server_response *r)
{
	buf_reset(&x->body);
	if (srv_txn(x) != 0) {
		srv_json_error(x, r, 503, "unavailable", "the registry cannot "
		    "be read");
		return;
	}
	buf_append_str(&x->body, "{\"status\":\"ok\"}\n");
	srv_finish(x, r, 200, CT_JSON, SRV_CACHE_NO_STORE);
}
