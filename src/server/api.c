/* api.c - the JSON endpoints under /v1 and /healthz. Public answers carry
 * the holder masked (张*华, 3601**********123X): the full name and ID
 * number never leave through a number + name lookup. */
#include <string.h>

#include "api.h"
#include "respond.h"
#include "verdict.h"
#include "view.h"
#include "skillcert/base/json.h"
#include "skillcert/base/date.h"

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
