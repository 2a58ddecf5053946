/* export.c - one department's export: the rows of the log leaves
 * (from, to] its profile selects, as CSV (UTF-8 BOM), JSON Lines or XLSX, and
 * the manifest signed by the authority key (export.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/date.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/json.h"
#include "skillcert/model/level.h"
#include "skillcert/model/sha256.h"
#include "skillcert/store/export.h"

static const char *
export_format_name(int format)
{
	return format == EXPORT_JSONL ? "jsonl" : format == EXPORT_XLSX ?
	    "xlsx" : "csv";
}

/* One row's source: the leaf and the certificate it names. */
struct export_row {
	uint64_t index;
	struct logleaf leaf;
	struct cert_record rec;
	struct org org;
};

static const char *
export_named(const struct named *n)
{
	return n != NULL ? n->name : "";
}

static void
export_date(int32_t day, char out[11])
{
	if (day == 0)
		out[0] = '\0';
	else
		date_format_iso(day, out);
}

/* The revocation's day in China time (UTC+8), as date_today gives the
 * day revoke records. */
static int32_t
export_china_day(int64_t t)
{
	return (int32_t)((t + 8 * 3600) / 86400);
}

/* Field f of row x as text (into tmp when it must be formatted). */
static const char *
export_value(struct registry *r, const struct export_row *x, int f,
    char tmp[32])
{
	const struct cert *c = &x->rec.cert;
	const struct occupation *o;
	int rev = x->leaf.event == LOGLEAF_REVOKE;

	tmp[0] = '\0';
	switch (f) {
	case 0: return c->no;
	case 1: return c->name;
	case 2: return export_named(catalog_idtype_by_code(&r->cat, c->id_type));
	case 3: return c->id_number;
	case 4:
		o = catalog_occ_by_code(&r->cat, c->occ_code);
		return o != NULL ? o->name : c->occ_code;
	case 5: return c->occ_code;
	case 6: return level_cn(c->level);
	case 7: return c->org;
	case 8: return x->org.name;
	case 9: return c->trade;
	case 10: return export_named(catalog_method_by_code(&r->cat, c->method));
	case 11: export_date(c->assessed_on, tmp); return tmp;
	case 12: export_date(c->issued_on, tmp); return tmp;
	case 13: return rev ? "revoked" : "valid";
	case 14:
		if (rev)
			export_date(export_china_day(x->leaf.time), tmp);
		return tmp;
	case 15: return rev ? cert_reason_name(x->leaf.reason) : "";
	case 16: return x->rec.employer;
	}
	return "";
}

/* One cell: CSV quoted, or length-prefixed for the workbook. */
static void
export_cell(struct buf *b, int format, int first, const char *s)
{
	if (format == EXPORT_XLSX) {
		if (buf_append_str16(b, s) != 0)
			b->oom = 1;
		return;
	}
	if (!first)
		buf_append_byte(b, ',');
	csv_append_cell(b, s);
}

static void
export_header(const struct export_profile *p, int format, struct buf *b)
{
	if (format == EXPORT_JSONL)
		return;
	if (format == EXPORT_XLSX)
		buf_append_u16(b, (uint16_t)(p->nfield + 2));
	else
		buf_append(b, "\xef\xbb\xbf", 3);
	export_cell(b, format, 1, "log_index");
	export_cell(b, format, 0, "event");
	for (size_t i = 0; i < p->nfield; i++)
		export_cell(b, format, 0, export_field_name(p->field[i]));
	if (format == EXPORT_CSV)
		buf_append_str(b, "\r\n");
}

static void
export_append_row(struct registry *r, const struct export_profile *p,
    const struct export_row *x, int format, struct buf *b)
{
	const char *ev = x->leaf.event == LOGLEAF_REVOKE ? "revoke" : "issue";
	char tmp[32], idx[24];
	struct json j;
	size_t i;
	int f;

	snprintf(idx, sizeof(idx), "%" PRIu64, x->index);
	if (format == EXPORT_JSONL) {
		json_init(&j, b);
		json_obj_begin(&j);
		json_kint(&j, "log_index", (int64_t)x->index);
		json_kstr(&j, "event", ev);
		for (i = 0; i < p->nfield; i++) {
			f = p->field[i];
			json_kstr(&j, export_field_name(f),
			    export_value(r, x, f, tmp));
		}
		json_obj_end(&j);
		buf_append_byte(b, '\n');
		return;
	}
	if (format == EXPORT_XLSX)
		buf_append_u16(b, (uint16_t)(p->nfield + 2));
	export_cell(b, format, 1, idx);
	export_cell(b, format, 0, ev);
	for (i = 0; i < p->nfield; i++)
		export_cell(b, format, 0, export_value(r, x, p->field[i], tmp));
	if (format == EXPORT_CSV)
		buf_append_str(b, "\r\n");
}

static int
export_selects(const struct export_profile *p, const char *occ)
{
	size_t i;

	if (p->all_occ)
		return 1;
	for (i = 0; i < p->nocc; i++)
		if (strcmp(p->occ[i], occ) == 0)
			return 1;
	return 0;
}

/* Appends the rows of leaves [from, to) that p selects; counts them. */
static int
export_build_rows(struct registry *r, MDB_txn *txn,
    const struct export_profile *p, uint64_t from, uint64_t to, int format,
    struct buf *b, uint64_t *rows, struct err *e)
{
	struct export_row x;
	char occ[CERT_OCC_MAX + 1];
	const uint8_t *lp;
	size_t ln;
	int rc;

	for (x.index = from; x.index < to; x.index++) {
		if ((rc = tlog_get_leaf(&r->log, txn, x.index, &lp, &ln, e)) != 0 ||
		    (rc = logleaf_decode(lp, ln, &x.leaf, e)) != 0)
			return rc;
		cert_occ_unpack(x.leaf.occ, occ);
		if (!export_selects(p, occ))
			continue;
		if ((rc = registry_get_cert(r, txn, x.leaf.certno, &x.rec,
		    e)) != 0 || (rc = registry_get_org(r, txn, x.rec.cert.org,
		    &x.org, e)) != 0)
			return rc;
		export_append_row(r, p, &x, format, b);
		(*rows)++;
	}
	if (b->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

/* Writes b to a new file (O_EXCL, never through a symlink), mode 0600. */
static int
export_write_new(const struct buf *b, const char *path, struct err *e)
{
	size_t off = 0;
	ssize_t w;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0)
		return err_set(e, errno == EEXIST ? ERR_EXISTS : ERR_IO,
		    "%s: %s", path, strerror(errno));
	while (off < b->len) {
		if ((w = write(fd, b->data + off, b->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	if (off < b->len || fsync(fd) != 0) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return e->code;
	}
	if (close(fd) != 0) {
		unlink(path);
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	}
	return 0;
}

/* The manifest of file (its bytes b), signed by the authority key. */
static int
export_build_manifest(struct registry *r, const struct export_profile *p,
    int format, const struct buf *file, const struct export_result *res,
    const struct sth *h, struct buf *m, struct err *e)
{
	uint8_t sha[SHA256_LEN], head[STH_LEN], sig[KEY_SIG_LEN];
	char shahex[2 * SHA256_LEN + 1], headhex[2 * STH_LEN + 1];
	char kid[2 * KEY_ID_LEN + 1], sighex[2 * KEY_SIG_LEN + 1];
	const char *base = strrchr(res->file, '/');
	int rc;

	sha256_bytes(file->data, file->len, sha);
	hex_encode(sha, sizeof(sha), shahex);
	sth_encode(h, head);
	hex_encode(head, sizeof(head), headhex);
	key_id_hex(r->authority.kid, kid);
	buf_printf(m, "skillcert-export v1\ndepartment: %s\nformat: %s\n"
	    "file: %s\nsha256: %s\nrows: %" PRIu64 "\nlog_from: %" PRIu64 "\n"
	    "log_to: %" PRIu64 "\nhead: %s\ncreated: %lld\nauthority: %s\n",
	    p->dept, export_format_name(format),
	    base != NULL ? base + 1 : res->file, shahex, res->rows, res->from,
	    res->to, headhex, (long long)time(NULL), kid);
	if (m->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = key_sign(&r->authority, EXPORT_SIG_CTX, m->data, m->len, sig,
	    e)) != 0)
		return rc;
	hex_encode(sig, sizeof(sig), sighex);
	buf_printf(m, "signature: %s\n", sighex);
	return m->oom ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

/* Writes the export file and its manifest; neither is left on failure. */
static int
export_write_pair(struct registry *r, const struct export_profile *p,
    int format, const struct buf *file, struct export_result *res,
    const struct sth *h, struct err *e)
{
	struct buf m = BUF_INIT;
	int rc;

	if ((rc = export_build_manifest(r, p, format, file, res, h, &m,
	    e)) == 0 && (rc = export_write_new(file, res->file, e)) == 0 &&
	    (rc = export_write_new(&m, res->manifest, e)) != 0)
		unlink(res->file);
	buf_free(&m);
	return rc;
}

int
export_department(struct registry *r, MDB_txn *txn,
    const struct export_profile *p, uint64_t since, int format,
    const char *outdir, struct export_result *res, struct err *e)
{
	struct buf b = BUF_INIT, x = BUF_INIT;
	struct sth h;
	uint64_t pos;
	int rc, n;

	memset(res, 0, sizeof(*res));
	if (!r->authority.has_secret)
		return err_set(e, ERR_CRYPTO, "the authority key is not loaded");
	if ((rc = exportpos_get(r, txn, p->dept, &pos, e)) != 0)
		return rc;
	memset(&h, 0, sizeof(h));
	if ((rc = tlog_latest_head(&r->log, txn, &h, e)) != 0 &&
	    rc != ERR_NOTFOUND)
		return rc;
	res->from = since == UINT64_MAX ? pos : since;
	res->to = h.size;
	if (res->from > res->to)
		return err_set(e, ERR_INVALID, "%s: from %" PRIu64 " is beyond "
		    "the latest tree head (%" PRIu64 ")", p->dept, res->from,
		    res->to);
	if (res->from == res->to)
		return 0;
	n = snprintf(res->file, sizeof(res->file), "%s/%s-%" PRIu64 "-%" PRIu64
	    ".%s", outdir, p->dept, res->from, res->to,
	    export_format_name(format));
	if (n < 0 || (size_t)n + 10 > sizeof(res->file))
		return err_set(e, ERR_INVALID, "%s: path too long", outdir);
	snprintf(res->manifest, sizeof(res->manifest), "%s.manifest",
	    res->file);
	export_header(p, format, &b);
	if ((rc = export_build_rows(r, txn, p, res->from, res->to, format, &b,
	    &res->rows, e)) == 0 &&
	    (format != EXPORT_XLSX || (rc = export_xlsx_bytes(&b, &x, e)) == 0) &&
	    (rc = export_write_pair(r, p, format, format == EXPORT_XLSX ? &x : &b,
	    res, &h, e)) == 0 &&
	    res->to > pos &&
	    (rc = exportpos_put(r, txn, p->dept, res->to, e)) != 0) {
		unlink(res->file);
		unlink(res->manifest);
	}
	buf_free(&b);
	buf_free(&x);
	if (rc != 0)
		res->file[0] = '\0';
	return rc;
}
