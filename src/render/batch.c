/* batch.c - certificates rendered from the registry: one PDF, a batch as
 * one multi-page PDF, or a ZIP of single PDFs; shared by CLI and portal. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "skillcert/render/batch.h"
#include "skillcert/base/date.h"
#include "skillcert/model/catalog.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/certno.h"
#include "skillcert/model/level.h"

/* Everything a render_input points into besides the txn's own memory. */
struct batch_rec {
	struct cert_record rec;
	struct org org;
	struct buf tok, url;
	char issued[32];
};

static void
render_free_rec(struct batch_rec *h)
{
	buf_free(&h->tok);
	buf_free(&h->url);
}

/* Fills in from certificate no as stored; strings live in txn and h. */
static int
render_fill_input(struct registry *r, MDB_txn *txn, const char *no,
    struct batch_rec *h, struct render_input *in, struct err *e)
{
	const struct cert *c = &h->rec.cert;
	const struct occupation *occ;
	const struct named *idt;
	const struct brand_rule *br;
	int rc;

	if ((rc = registry_get_cert(r, txn, no, &h->rec, e)) != 0 ||
	    (rc = registry_get_org(r, txn, c->org, &h->org, e)) != 0)
		return rc;
	if ((rc = cert_token(h->rec.enc, h->rec.enc_len, h->rec.sig, &h->tok,
	    e)) != 0)
		return rc;
	if (buf_cstr(&h->tok) == NULL)
		return err_set(e, ERR_NOMEM, "token: out of memory");
	if ((rc = cert_token_url(r->public_url, (char *)h->tok.data, &h->url,
	    e)) != 0)
		return rc;
	occ = catalog_occ_by_code(&r->cat, c->occ_code);
	idt = catalog_idtype_by_code(&r->cat, c->id_type);
	br = c->brand[0] ? catalog_brand_for(&r->cat,
	    orgcode_province(c->org), c->occ_code) : NULL;
	date_format_cn(c->issued_on, h->issued);
	memset(in, 0, sizeof(*in));
	in->certno = c->no;
	in->name = c->name;
	in->id_type = idt ? idt->name : "居民身份证";
	in->id_number = c->id_number;
	in->occupation = occ ? occ->name : c->occ_code;
	in->trade = c->trade;
	in->level = level_full(c->level);
	in->org_name = h->org.name;
	in->issued_cn = h->issued;
	in->query_url = r->public_url;
	in->qr_url = (char *)h->url.data;
	in->brand = c->brand;
	in->brand_art = br && br->art[0] ? br->art : NULL;
	in->issued_on = c->issued_on;
	if (h->rec.has_photo)
		registry_get_photo(r, txn, no, &in->photo, &in->photo_len);
	return ERR_OK;
}

int
render_record_pdf(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *no, struct buf *out, struct err *e)
{
	struct batch_rec *h;
	struct render_input in;
	int rc;

	/* a record is a few KB: off the (render thread's) stack */
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return err_set(e, ERR_NOMEM, "render: out of memory");
	if ((rc = render_fill_input(r, txn, no, h, &in, e)) == ERR_OK)
		rc = render_cert_pdf(f, &in, out, e);
	render_free_rec(h);
	free(h);
	return rc;
}

int
render_records_pdf(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *const *nos, size_t n, struct buf *out,
    struct err *e)
{
	struct batch_rec *h;
	struct render_input *in;
	size_t i, filled = 0;
	int rc = ERR_OK;

	buf_reset(out);
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "no certificates to render");
	h = calloc(n, sizeof(*h));
	in = calloc(n, sizeof(*in));
	if (h == NULL || in == NULL)
		rc = err_set(e, ERR_NOMEM, "render: out of memory");
	for (i = 0; i < n && rc == ERR_OK; i++, filled++)
		if ((rc = render_fill_input(r, txn, nos[i], &h[i], &in[i], e)) !=
		    ERR_OK)
			err_prefix(e, "%s: ", nos[i]);
	if (rc == ERR_OK)
		rc = render_certs_pdf(f, in, n, out, e);
	for (i = 0; i < filled; i++)
		render_free_rec(&h[i]);
	free(h);
	free(in);
	return rc;
}

/* MS-DOS date and time of an entry: the certificate's issue day at
 * 00:00, whatever the time zone, so the ZIP's bytes never vary. */
static void
render_dos_date(int32_t days, zip_uint16_t *dtime, zip_uint16_t *ddate)
{
	int y, m, d;

	date_to_ymd(days, &y, &m, &d);
	if (y < 1980)
		y = 1980, m = 1, d = 1;
	if (y > 2107)
		y = 2107, m = 12, d = 31;
	*dtime = 0;
	*ddate = (zip_uint16_t)(((y - 1980) << 9) | (m << 5) | d);
}

/* Adds pdf (ownership passes to the archive) as NAME.pdf, stored. */
static int
render_zip_add(zip_t *za, const char *no, struct buf *pdf, int32_t day,
    struct err *e)
{
	char name[CERTNO_LEN + 8];
	zip_source_t *src;
	zip_int64_t idx;
	zip_uint16_t dt, dd;

	snprintf(name, sizeof(name), "%s.pdf", no);
	if ((src = zip_source_buffer(za, pdf->data, pdf->len, 1)) == NULL)
		return err_set(e, ERR_NOMEM, "ZIP %s: %s", name,
		    zip_strerror(za));
	*pdf = (struct buf)BUF_INIT;    /* the source frees it */
	if ((idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8)) < 0) {
		zip_source_free(src);
		return err_set(e, ERR_INTERNAL, "ZIP %s: %s", name,
		    zip_strerror(za));
	}
	render_dos_date(day, &dt, &dd);
	if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) ||
	    zip_file_set_dostime(za, (zip_uint64_t)idx, dt, dd, 0))
		return err_set(e, ERR_INTERNAL, "ZIP %s: %s", name,
		    zip_strerror(za));
	return ERR_OK;
}

/* Reads the finished archive out of its memory source. */
static int
render_zip_take(zip_source_t *src, struct buf *out, struct err *e)
{
	zip_stat_t st;
	zip_int64_t got;

	if (zip_source_stat(src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) ||
	    zip_source_open(src) != 0)
		return err_set(e, ERR_INTERNAL, "ZIP: cannot read it back");
	if (buf_reserve(out, (size_t)st.size) != 0) {
		zip_source_close(src);
		return err_set(e, ERR_NOMEM, "ZIP: out of memory");
	}
	got = zip_source_read(src, out->data, st.size);
	zip_source_close(src);
	if (got < 0 || (zip_uint64_t)got != st.size)
		return err_set(e, ERR_INTERNAL, "ZIP: short read");
	out->len = (size_t)got;
	return ERR_OK;
}

/* The PDFs, one by one, into the open archive. */
static int
render_zip_fill(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *const *nos, size_t n, zip_t *za,
    struct err *e)
{
	struct buf pdf = BUF_INIT;
	struct cert_record rec;
	size_t i;
	int rc = ERR_OK;

	for (i = 0; i < n && rc == ERR_OK; i++) {
		if ((rc = registry_get_cert(r, txn, nos[i], &rec, e)) == 0 &&
		    (rc = render_record_pdf(f, r, txn, nos[i], &pdf, e)) == 0)
			rc = render_zip_add(za, nos[i], &pdf, rec.cert.issued_on,
			    e);
		if (rc != ERR_OK)
			err_prefix(e, "%s: ", nos[i]);
	}
	buf_free(&pdf);
	return rc;
}

int
render_records_zip(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *const *nos, size_t n, struct buf *out,
    struct err *e)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	int rc;

	buf_reset(out);
	if (n == 0)
		return err_set(e, ERR_NOTFOUND, "no certificates to render");
	zip_error_init(&ze);
	if ((src = zip_source_buffer_create(NULL, 0, 0, &ze)) == NULL ||
	    (za = zip_open_from_source(src, ZIP_TRUNCATE, &ze)) == NULL) {
		rc = err_set(e, ERR_NOMEM, "ZIP: %s", zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	zip_source_keep(src);   /* still ours after zip_close */
	if ((rc = render_zip_fill(f, r, txn, nos, n, za, e)) != ERR_OK) {
		zip_discard(za);
	} else if (zip_close(za) != 0) {
		rc = err_set(e, ERR_INTERNAL, "ZIP: %s", zip_strerror(za));
		zip_discard(za);
	} else {
		rc = render_zip_take(src, out, e);
	}
	zip_source_free(src);
	if (rc != ERR_OK)
		buf_reset(out);
	return rc;
}
