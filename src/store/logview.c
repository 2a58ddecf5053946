/* logview.c - log heads, proofs, leaves and the audit, as JSON. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/store/logview.h"
#include "skillcert/base/base64.h"
#include "skillcert/base/hex.h"
#include "skillcert/model/note.h"
#include "skillcert/base/date.h"
#include "skillcert/store/stlist.h"

static void
json_hex(struct json *j, const char *k, const uint8_t *p, size_t n)
{
	char hex[2 * 128 + 1];

	if (n > 128)
		n = 128;
	hex_encode(p, n, hex);
	json_kstr(j, k, hex);
}

static void
head_fields(struct json *j, const struct sth *h)
{
	uint8_t enc[STH_LEN];

	sth_encode(h, enc);
	json_kint(j, "tree_size", (int64_t)h->size);
	json_kint(j, "timestamp", h->time);
	json_hex(j, "root_hash", h->root, MERKLE_HASH_LEN);
	json_kstr(j, "alg", key_alg_name(h->alg));
	json_hex(j, "key_id", h->kid, KEY_ID_LEN);
	json_hex(j, "signature", h->sig, KEY_SIG_LEN);
	json_hex(j, "encoded", enc, sizeof(enc));
}

static void
head_json(struct json *j, const struct sth *h)
{
	json_obj_begin(j);
	head_fields(j, h);
	json_obj_end(j);
}

int
logview_head(struct registry *r, MDB_txn *txn, struct json *j, struct err *e)
{
	struct sth h;
	struct note_vkey v;
	int rc;
	char b64[BASE64_LEN(KEY_PUB_MAX) + 1], vk[NOTE_VKEY_MAX];

	if ((rc = tlog_latest_head(&r->log, txn, &h, e)) != 0)
		return rc;
	json_obj_begin(j);
	head_fields(j, &h);
	/* What a checkpoint verifier needs: origin and the log's key. */
	json_kstr(j, "origin", r->origin);
	base64_encode(r->logkey.pub, r->logkey.publen, b64);
	json_kstr(j, "log_public_key", b64);
	if (r->logkey.alg == KEY_ED25519 && note_vkey_make(r->origin,
	    NOTE_ED25519, r->logkey.pub, &v, NULL) == 0) {
		note_vkey_format(&v, vk);
		json_kstr(j, "log_vkey", vk);
	}
	json_obj_end(j);
	return 0;
}

static void
path_json(struct json *j, uint8_t (*path)[MERKLE_HASH_LEN], size_t n)
{
	json_key(j, "path");
	json_arr_begin(j);
	for (size_t i = 0; i < n; i++) {
		char hex[2 * MERKLE_HASH_LEN + 1];
		hex_encode(path[i], MERKLE_HASH_LEN, hex);
		json_str(j, hex);
	}
	json_arr_end(j);
}

static int
leaf_proof(struct registry *r, MDB_txn *txn, uint64_t index, uint64_t size,
    struct json *j, struct err *e)
{
	uint8_t path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN], lh[MERKLE_HASH_LEN];
	const uint8_t *leaf;
	size_t n, np;
	int rc;

	if ((rc = tlog_get_leaf(&r->log, txn, index, &leaf, &n, e)) != 0 ||
	    (rc = tlog_prove_inclusion(&r->log, txn, index, size, path, &np, e)) != 0)
		return rc;
	merkle_hash_leaf(leaf, n, lh);
	json_obj_begin(j);
	json_kint(j, "leaf_index", (int64_t)index);
	json_hex(j, "leaf", leaf, n);
	json_hex(j, "leaf_hash", lh, sizeof(lh));
	path_json(j, path, np);
	json_obj_end(j);
	return 0;
}

int
logview_proof(struct registry *r, MDB_txn *txn, const char *certno,
    struct json *j, struct err *e)
{
	struct cert_record rec;
	struct sth h;
	int rc;

	if ((rc = registry_get_cert(r, txn, certno, &rec, e)) != 0 ||
	    (rc = tlog_latest_head(&r->log, txn, &h, e)) != 0)
		return rc;
	if (rec.log_issue >= h.size)
		return err_set(e, ERR_NOTFOUND, "%s is not yet under a signed tree "
		    "head", certno);
	json_obj_begin(j);
	json_kstr(j, "certno", certno);
	json_kint(j, "tree_size", (int64_t)h.size);
	json_key(j, "head");
	head_json(j, &h);
	json_key(j, "issued");
	if ((rc = leaf_proof(r, txn, rec.log_issue, h.size, j, e)) != 0)
		return rc;
	if (rec.status == CERT_REVOKED && rec.log_revoke < h.size) {
		json_key(j, "revoked");
		if ((rc = leaf_proof(r, txn, rec.log_revoke, h.size, j, e)) != 0)
			return rc;
	}
	json_obj_end(j);
	return 0;
}

/* The status list of certno's group as of the latest head, with the
 * commitment signed together with it and the group's inclusion path. */
int
logview_status(struct registry *r, MDB_txn *txn, const char *certno,
    struct json *j, struct err *e)
{
	uint8_t path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN], enc[STATUS_LEN];
	struct stlist_entry se;
	struct sth h;
	size_t np, nb;
	char group[STATUS_GROUP_LEN + 1], *b64;
	int rc;

	if ((rc = tlog_latest_head(&r->log, txn, &h, e)) != 0 ||
	    (rc = stlist_get(r, txn, certno, &se, e)) != 0)
		return rc;
	if (se.head.size != h.size)
		return err_set(e, ERR_NOTFOUND, "no status list signed with the latest "
		    "tree head");
	if (merkle_path_of(se.leaves, se.head.ngroups, se.index, path, &np) != 0)
		return err_set(e, ERR_DB, "the status list is corrupt");
	nb = STATUS_BYTES(se.bits);
	if ((b64 = malloc(BASE64_LEN(nb) + 1)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	base64_encode(se.bitstring, nb, b64);
	memcpy(group, certno, STATUS_GROUP_LEN);
	group[STATUS_GROUP_LEN] = '\0';
	status_encode(&se.head, enc);
	json_obj_begin(j);
	json_kstr(j, "certno", certno);
	json_key(j, "head");
	head_json(j, &h);
	json_key(j, "status");
	json_obj_begin(j);
	json_kint(j, "tree_size", (int64_t)se.head.size);
	json_kint(j, "groups", se.head.ngroups);
	json_hex(j, "root", se.head.root, MERKLE_HASH_LEN);
	json_hex(j, "encoded", enc, sizeof(enc));
	json_obj_end(j);
	json_kstr(j, "group", group);
	json_kint(j, "index", se.index);
	json_kint(j, "bits", se.bits);
	json_kstr(j, "bitstring", b64);
	path_json(j, path, np);
	json_obj_end(j);
	free(b64);
	return 0;
}

int
logview_consistency(struct registry *r, MDB_txn *txn, uint64_t from,
    uint64_t to, struct json *j, struct err *e)
{
	uint8_t path[MERKLE_PROOF_MAX][MERKLE_HASH_LEN], r1[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
	size_t np;
	int rc;

	if (from == 0 || from > to)
		return err_set(e, ERR_INVALID, "need 0 < from <= to (got %llu, %llu)",
		    (unsigned long long)from, (unsigned long long)to);
	if (to > tlog_size(&r->log, txn))
		return err_set(e, ERR_NOTFOUND, "the log has only %llu leaves",
		    (unsigned long long)tlog_size(&r->log, txn));
	if ((rc = tlog_prove_consistency(&r->log, txn, from, to, path, &np, e)) != 0 ||
	    (rc = tlog_root(&r->log, txn, from, r1, e)) != 0 ||
	    (rc = tlog_root(&r->log, txn, to, r2, e)) != 0)
		return rc;
	json_obj_begin(j);
	json_kint(j, "from", (int64_t)from);
	json_kint(j, "to", (int64_t)to);
	json_hex(j, "from_root", r1, sizeof(r1));
	json_hex(j, "to_root", r2, sizeof(r2));
	path_json(j, path, np);
	json_obj_end(j);
	return 0;
}

int
logview_leaves(struct registry *r, MDB_txn *txn, uint64_t start, uint64_t end,
    struct json *j, struct err *e)
{
	uint64_t size = tlog_size(&r->log, txn);
	int rc;

	if (end > size)
		end = size;
	if (start >= end && !(start == 0 && end == 0))
		return err_set(e, ERR_INVALID, "start %llu must be below end (log size "
		    "%llu)", (unsigned long long)start, (unsigned long long)size);
	if (end - start > LOGVIEW_LEAVES_MAX)
		end = start + LOGVIEW_LEAVES_MAX;
	json_obj_begin(j);
	json_kint(j, "start", (int64_t)start);
	json_kint(j, "tree_size", (int64_t)size);
	json_key(j, "leaves");
	json_arr_begin(j);
	for (uint64_t i = start; i < end; i++) {
		const uint8_t *p;
		size_t n;
		struct logleaf l;
		char d1[11], d2[11];
		if ((rc = tlog_get_leaf(&r->log, txn, i, &p, &n, e)) != 0)
			return rc;
		json_obj_begin(j);
		json_kint(j, "index", (int64_t)i);
		json_hex(j, "leaf", p, n);
		if (logleaf_decode(p, n, &l, NULL) == 0) {
			char occ[CERT_OCC_MAX + 1];
			cert_occ_unpack(l.occ, occ);
			date_format_iso(l.assessed_on, d1);
			date_format_iso(l.issued_on, d2);
			json_kstr(j, "event", l.event == LOGLEAF_ISSUE ? "issue" : "revoke");
			json_kstr(j, "certno", l.certno);
			json_kstr(j, "occupation_code", occ);
			json_kint(j, "level", l.level);
			json_kstr(j, "assessed_on", d1);
			json_kstr(j, "issued_on", d2);
			json_kint(j, "time", l.time);
			if (l.event == LOGLEAF_REVOKE)
				json_kstr(j, "reason", cert_reason_name(l.reason));
			json_hex(j, "cert_hash", l.cert_hash, MERKLE_HASH_LEN);
		}
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
	return 0;
}

struct audit_ctx {
	struct registry *r;
	MDB_txn *txn;
	struct json *j;
	long problems;
	uint64_t events;
	uint8_t *seen;       /* one byte per leaf: referenced by a record */
	uint64_t size;
};

static void
problem(struct audit_ctx *a, const char *certno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
problem(struct audit_ctx *a, const char *certno, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	a->problems++;
	if (a->problems > 1000)
		return;
	json_obj_begin(a->j);
	if (certno)
		json_kstr(a->j, "certno", certno);
	json_kstr(a->j, "problem", msg);
	json_obj_end(a->j);
}

static void
audit_leaf(struct audit_ctx *a, const struct cert_record *c, int event,
    uint64_t index, int64_t time)
{
	uint8_t want[LOGLEAF_LEN];
	const uint8_t *have;
	size_t n;

	if (index >= a->size) {
		problem(a, c->cert.no, "%s leaf %llu is beyond the log",
		    event == LOGLEAF_ISSUE ? "issuance" : "revocation",
		    (unsigned long long)index);
		return;
	}
	if (a->seen[index]++)
		problem(a, c->cert.no, "leaf %llu is claimed twice",
		    (unsigned long long)index);
	registry_leaf_of(c, event, time, want);
	if (tlog_get_leaf(&a->r->log, a->txn, index, &have, &n, NULL) != 0 ||
	    n != LOGLEAF_LEN || memcmp(have, want, n) != 0)
		problem(a, c->cert.no, "the record does not match its %s leaf %llu: "
		    "edited after it was logged",
		    event == LOGLEAF_ISSUE ? "issuance" : "revocation",
		    (unsigned long long)index);
	a->events++;
}

static int
audit_cert_cb(const struct cert_record *c, void *arg)
{
	struct audit_ctx *a = arg;
	struct org_key ok;
	struct key pub;
	struct err e;

	audit_leaf(a, c, LOGLEAF_ISSUE, c->log_issue, c->issued_at);
	if (c->status == CERT_REVOKED)
		audit_leaf(a, c, LOGLEAF_REVOKE, c->log_revoke, c->revoked_at);
	if (registry_get_orgkey(a->r, a->txn, c->cert.org, c->cert.kid, &ok, &e) != 0) {
		problem(a, c->cert.no, "%s", e.msg);
		return 0;
	}
	if (key_from_public(ok.alg, ok.pub, (size_t)ok.publen, &pub, &e) != 0 ||
	    cert_verify(c->enc, c->enc_len, c->sig, &pub, &e) != 0)
		problem(a, c->cert.no, "signature does not verify");
	key_free(&pub);
	return 0;
}

long
logview_audit(struct registry *r, MDB_txn *txn, struct json *j, struct err *e)
{
	struct audit_ctx a = { r, txn, j, 0, 0, NULL, 0 };
	struct sth h;
	MDB_cursor *cur;
	MDB_val k, v;
	struct err te;
	int rc;

	a.size = tlog_size(&r->log, txn);
	if ((a.seen = calloc(a.size + 1, 1)) == NULL)
		return -err_set(e, ERR_NOMEM, "out of memory");
	json_obj_begin(j);
	json_kint(j, "tree_size", (int64_t)a.size);
	json_key(j, "problems");
	json_arr_begin(j);
	if (tlog_audit_tree(&r->log, txn, &te) != 0)
		problem(&a, NULL, "tree: %s", te.msg);
	if ((rc = registry_each_cert(r, txn, "", audit_cert_cb, &a, e)) != 0) {
		free(a.seen);
		return -rc;
	}
	for (uint64_t i = 0; i < a.size; i++)
		if (!a.seen[i])
			problem(&a, NULL, "leaf %llu belongs to no record: a record "
			    "was deleted", (unsigned long long)i);
	/* Every stored head must sign the root the leaves give. */
	uint64_t nheads = 0;
	if (mdb_cursor_open(txn, r->log.heads, &cur) == 0) {
		for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
		    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
			uint8_t root[MERKLE_HASH_LEN];
			nheads++;
			if (sth_decode(v.mv_data, v.mv_size, &h, &te) != 0) {
				problem(&a, NULL, "a stored tree head is malformed");
				continue;
			}
			if (h.size > a.size || tlog_root(&r->log, txn, h.size, root,
			    &te) != 0 || memcmp(root, h.root, MERKLE_HASH_LEN) != 0)
				problem(&a, NULL, "tree head of size %llu does not match "
				    "the leaves", (unsigned long long)h.size);
			if (sth_verify(&h, &r->logkey, &te) != 0)
				problem(&a, NULL, "tree head of size %llu: bad signature",
				    (unsigned long long)h.size);
		}
		mdb_cursor_close(cur);
	}
	json_arr_end(j);
	json_kint(j, "records_events", (int64_t)a.events);
	json_kint(j, "heads", (int64_t)nheads);
	json_kint(j, "problem_count", a.problems);
	json_obj_end(j);
	free(a.seen);
	return a.problems;
}
