/* api_batch.c - batches and certificates through the API: read them, their
 * PDFs and a batch's ZIP, revoke. Only the token's organization's objects
 * exist here; the full ID number never leaves (masked, as in public). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "api_int.h"
#include "skillcert/base/json.h"
#include "skillcert/base/date.h"
#include "skillcert/base/mask.h"
#include "skillcert/model/level.h"
#include "skillcert/render/batch.h"

/* A read transaction of this thread; replied 500 and NULL on failure. */
static MDB_txn *
api_begin_read(struct api_call *c)
{
	MDB_txn *txn = NULL;
	struct err e;

	if (registry_txn_begin_reader(c->p->reg, &txn, &e) != 0) {
		api_reply_err(c, &e);
		return NULL;
	}
	return txn;
}

static void
api_put_cert(struct json *j, const struct registry *r,
    const struct cert_record *rec)
{
	const struct cert *ct = &rec->cert;
	const struct occupation *occ = catalog_occ_by_code(&r->cat, ct->occ_code);
	const struct named *idt = catalog_idtype_by_code(&r->cat, ct->id_type);
	char masked[CERT_ID_MAX + 1], d[11];

	json_obj_begin(j);
	json_kstr(j, "number", ct->no);
	json_kstr(j, "name", ct->name);
	json_kstr(j, "id_type", idt ? idt->name : "");
	if (ct->id_masked[0])
		snprintf(masked, sizeof(masked), "%s", ct->id_masked);
	else
		mask_id(ct->id_number, masked, sizeof(masked));
	json_kstr(j, "id_masked", masked);
	json_kstr(j, "occupation", occ ? occ->name : ct->occ_code);
	json_kstr(j, "occupation_code", ct->occ_code);
	json_kstr(j, "trade", ct->trade[0] ? ct->trade : "--");
	json_kint(j, "level", ct->level);
	json_kstr(j, "level_name", level_full(ct->level));
	json_kstr(j, "status", cert_status_name(rec->status));
	date_format_iso(ct->issued_on, d);
	json_kstr(j, "issued_on", d);
	date_format_iso(ct->assessed_on, d);
	json_kstr(j, "assessed_on", d);
	json_kstr(j, "batch", rec->batch);
	json_kint(j, "line", rec->row);
	if (rec->status == CERT_REVOKED) {
		json_kstr(j, "revoke_reason", cert_reason_name(rec->reason));
		json_kint(j, "revoked_at", rec->revoked_at);
		if (rec->revoke_note[0])
			json_kstr(j, "revoke_note", rec->revoke_note);
	}
	json_obj_end(j);
}

/* The numbers of a batch of the caller's organization, or replied 404. */
static int
api_batch_numbers(struct api_call *c, MDB_txn *txn, const char *batch,
    struct buf *nos, size_t *n)
{
	struct err e;

	err_clear(&e);
	if (portal_batch_nos(c->p, txn, c->who.org, batch, nos, n, &e) == 0 &&
	    *n > 0)
		return 0;
	if (e.code == ERR_NOTFOUND || *n == 0)
		api_reply_notfound(c, "batch", batch);
	else
		api_reply_err(c, &e);
	return -1;
}

void
api_batch_show(struct api_call *c, const char *batch)
{
	struct buf nos = BUF_INIT, b = BUF_INIT;
	struct batch_stats bs;
	struct cert_record rec;
	struct json j;
	struct err e;
	MDB_txn *txn;
	size_t n = 0;
	char d[11];
	int rc = 0;

	if ((txn = api_begin_read(c)) == NULL)
		return;
	if (api_batch_numbers(c, txn, batch, &nos, &n) != 0)
		goto done;
	memset(&bs, 0, sizeof(bs));
	if (registry_get_batch_stats(c->p->reg, txn, c->who.org, batch, &bs,
	    &e) != 0)
		bs.assessed = bs.passed = (uint32_t)n;  /* batches before stats */
	json_init(&j, &b);
	json_obj_begin(&j);
	json_kstr(&j, "batch", batch);
	json_kstr(&j, "org", c->who.org);
	json_kint(&j, "assessed", bs.assessed);
	json_kint(&j, "passed", bs.passed);
	if (bs.day) {
		date_format_iso(bs.day, d);
		json_kstr(&j, "issued_on", d);
	}
	json_key(&j, "certificates");
	json_arr_begin(&j);
	for (size_t i = 0; i < n && rc == 0; i++)
		if ((rc = registry_get_cert(c->p->reg, txn,
		    (const char *)nos.data + i * (CERTNO_LEN + 1), &rec, &e)) == 0)
			api_put_cert(&j, c->p->reg, &rec);
	json_arr_end(&j);
	json_obj_end(&j);
	if (rc != 0)
		api_reply_err(c, &e);
	else
		api_reply_json(c, 200, &b);
done:
	mdb_txn_abort(txn);
	buf_free(&nos);
	buf_free(&b);
}

/* The whole batch as one PDF (zip 0) or a ZIP of its PDFs (zip 1). */
void
api_batch_file(struct api_call *c, const char *batch, int zip)
{
	struct buf nos = BUF_INIT, out = BUF_INIT;
	const char **v = NULL;
	char fname[80];
	struct err e;
	MDB_txn *txn;
	size_t n = 0;
	int rc;

	if ((txn = api_begin_read(c)) == NULL)
		return;
	if (api_batch_numbers(c, txn, batch, &nos, &n) != 0)
		goto done;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		err_set(&e, ERR_NOMEM, "out of memory");
		api_reply_err(c, &e);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)nos.data + i * (CERTNO_LEN + 1);
	rc = zip ? render_records_zip(c->p->fonts, c->p->reg, txn, v, n, &out,
	    &e) : render_records_pdf(c->p->fonts, c->p->reg, txn, v, n, &out, &e);
	snprintf(fname, sizeof(fname), "%s.%s", batch, zip ? "zip" : "pdf");
	if (rc != 0)
		api_reply_err(c, &e);
	else
		api_reply_bytes(c, zip ? "application/zip" : "application/pdf",
		    &out, fname);
done:
	mdb_txn_abort(txn);
	free(v);
	buf_free(&nos);
	buf_free(&out);
}

/* Certificate no of the caller's organization into rec (in txn), or
 * replied 404 (absent and foreign alike). */
static int
api_cert_find(struct api_call *c, MDB_txn *txn, const char *no,
    struct cert_record *rec)
{
	struct err e;

	err_clear(&e);
	if (portal_cert_get(c->p, txn, &c->who, no, rec, &e) == 0 &&
	    strcmp(rec->cert.org, c->who.org) == 0)
		return 0;
	if (e.code == ERR_NOTFOUND || e.code == ERR_OK)
		api_reply_notfound(c, "certificate", no);
	else
		api_reply_err(c, &e);
	return -1;
}

void
api_cert_show(struct api_call *c, const char *no)
{
	struct cert_record rec;
	struct buf b = BUF_INIT;
	struct json j;
	MDB_txn *txn;

	if ((txn = api_begin_read(c)) == NULL)
		return;
	if (api_cert_find(c, txn, no, &rec) == 0) {
		json_init(&j, &b);
		api_put_cert(&j, c->p->reg, &rec);
		api_reply_json(c, 200, &b);
	}
	mdb_txn_abort(txn);
	buf_free(&b);
}

void
api_cert_pdf(struct api_call *c, const char *no)
{
	struct cert_record rec;
	struct buf out = BUF_INIT;
	char fname[40];
	struct err e;
	MDB_txn *txn;

	if ((txn = api_begin_read(c)) == NULL)
		return;
	if (api_cert_find(c, txn, no, &rec) == 0) {
		snprintf(fname, sizeof(fname), "%s.pdf", no);
		if (render_record_pdf(c->p->fonts, c->p->reg, txn, no, &out,
		    &e) != 0)
			api_reply_err(c, &e);
		else
			api_reply_bytes(c, "application/pdf", &out, fname);
	}
	mdb_txn_abort(txn);
	buf_free(&out);
}

/* The reasons an organization may give (the others are the system's). */
static int
api_reason_parse(const char *s)
{
	if (strcmp(s, "issued_in_error") == 0 || strcmp(s, "issued-in-error") == 0)
		return REV_ISSUED_IN_ERROR;
	if (strcmp(s, "fraud") == 0)
		return REV_FRAUD;
	if (strcmp(s, "holder_request") == 0 || strcmp(s, "holder-request") == 0)
		return REV_HOLDER_REQUEST;
	return 0;
}

void
api_cert_revoke(struct api_call *c, const char *no)
{
	struct api_body body;
	struct err e;
	int reason;

	if (api_parse_body(c, &body) != 0)
		return;
	if (!body.has_reason) {
		api_reply_error(c, 400, "bad_request", "a reason is needed: "
		    "issued_in_error, fraud or holder_request", 0, "reason");
		return;
	}
	if ((reason = api_reason_parse(body.reason)) == 0) {
		api_reply_error(c, 400, "bad_request", "must be issued_in_error, "
		    "fraud or holder_request", 0, "reason");
		return;
	}
	if (portal_revoke(c->p, &c->who, no, reason, body.note, &e) != 0) {
		if (e.code == ERR_NOTFOUND)
			api_reply_notfound(c, "certificate", no);
		else if (e.code == ERR_EXISTS)
			api_reply_error(c, 409, "conflict", "the certificate is "
			    "already revoked", 0, NULL);
		else
			api_reply_err(c, &e);
		return;
	}
	api_cert_show(c, no);
}
