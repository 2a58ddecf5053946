/* trust.c - building, signing, parsing and searching the trust bundle. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "skillcert/trust.h"
#include "skillcert/text.h"

#define TRUST_MAGIC "SCTB"
#define TRUST_VERSION 1
#define TRUST_SIG_CTX "skillcert/trust/v1"
#define DAYS_2000 10957

static void
put_key(struct buf *b, const struct key *k)
{
	buf_append_byte(b, (uint8_t)k->alg);
	buf_append_byte(b, (uint8_t)k->publen);
	buf_append(b, k->pub, k->publen);
}

struct build_ctx {
	struct registry *r;
	MDB_txn *txn;
	struct buf *b;
	struct buf tmp;
	int nkeys;
	size_t nkeys_at;
	struct err *e;
	int rc;
};

static int
build_key_cb(const struct org_key *k, void *arg)
{
	struct build_ctx *c = arg;

	if (orgkey_encode(k, &c->tmp) != 0)
		return -(c->rc = ERR_NOMEM);
	buf_append(c->b, k->kid, KEY_ID_LEN);
	buf_append_u16(c->b, (uint16_t)c->tmp.len);
	buf_append(c->b, c->tmp.data, c->tmp.len);
	c->nkeys++;
	return c->nkeys >= TRUST_KEYS_MAX ? 1 : 0;
}

static int
build_org_cb(const struct org *o, void *arg)
{
	struct build_ctx *c = arg;
	int rc;

	if (org_encode(o, &c->tmp) != 0)
		return -(c->rc = ERR_NOMEM);
	buf_append_u16(c->b, (uint16_t)c->tmp.len);
	buf_append(c->b, c->tmp.data, c->tmp.len);
	c->nkeys = 0;
	c->nkeys_at = c->b->len;
	buf_append_byte(c->b, 0);
	if ((rc = registry_each_orgkey(c->r, c->txn, o->code, build_key_cb, c,
	    c->e)) != 0)
		return -(c->rc = rc);
	if (c->b->oom)
		return -(c->rc = ERR_NOMEM);
	c->b->data[c->nkeys_at] = (uint8_t)c->nkeys;
	return 0;
}

int
trust_build(struct registry *r, MDB_txn *txn, struct buf *out, struct err *e)
{
	struct build_ctx c = { r, txn, out, BUF_INIT, 0, 0, e, 0 };
	uint64_t norgs = 0, nrev = 0;
	struct tlog_head h;
	uint8_t hb[TLOG_HEAD_LEN], sig[KEY_SIG_LEN];
	MDB_cursor *cur;
	MDB_val k, v;
	int rc;

	if (!r->authority.has_secret)
		return err_set(e, ERR_DENIED, "the authority key is needed to sign "
		    "the trust bundle");
	buf_reset(out);
	buf_append(out, TRUST_MAGIC, 4);
	buf_append_byte(out, TRUST_VERSION);
	buf_append(out, "\0\0\0", 3);
	buf_append_u64(out, (uint64_t)time(NULL));
	put_key(out, &r->authority);
	put_key(out, &r->logkey);
	registry_count(r, txn, NULL, &nrev, &norgs);
	buf_append_u32(out, (uint32_t)norgs);
	if ((rc = registry_each_org(r, txn, build_org_cb, &c, e)) != 0 || c.rc) {
		buf_free(&c.tmp);
		return rc ? rc : c.rc;
	}
	buf_free(&c.tmp);
	if (tlog_latest_head(&r->log, txn, &h, NULL) == 0) {
		buf_append_byte(out, 1);
		tlog_head_encode(&h, hb);
		buf_append(out, hb, sizeof(hb));
	} else {
		buf_append_byte(out, 0);
	}
	/* The revoked database is keyed by number: already sorted. */
	buf_append_u32(out, (uint32_t)nrev);
	if ((rc = mdb_cursor_open(txn, r->revoked, &cur)) != 0)
		return err_set(e, ERR_DB, "revoked: %s", mdb_strerror(rc));
	uint32_t counted = 0;
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		struct certno cn;
		uint8_t packed[CERTNO_PACKED_LEN];
		char no[CERTNO_LEN + 1];
		const uint8_t *p = v.mv_data;
		int32_t day;
		if (k.mv_size != CERTNO_LEN || v.mv_size < 5)
			continue;
		memcpy(no, k.mv_data, CERTNO_LEN);
		no[CERTNO_LEN] = '\0';
		if (certno_parse(no, &cn, NULL) != 0)
			continue;
		certno_pack(&cn, packed);
		day = (int32_t)((uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[3] << 8 | p[4]);
		buf_append(out, packed, sizeof(packed));
		buf_append_byte(out, p[0]);
		buf_append_u16(out, (uint16_t)(day - DAYS_2000));
		counted++;
	}
	mdb_cursor_close(cur);
	if (counted != nrev) /* count as written, whatever mdb_stat said */
		for (int i = 0; i < 4; i++)
			out->data[out->len - counted * TRUST_REV_LEN - 4 + i] =
			    (uint8_t)(counted >> (24 - 8 * i));
	if (out->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = key_sign(&r->authority, TRUST_SIG_CTX, out->data, out->len, sig,
	    e)) != 0)
		return rc;
	buf_append(out, sig, sizeof(sig));
	return out->oom ? err_set(e, ERR_NOMEM, "out of memory") : 0;
}

static int
get_key(struct rd *r, struct key *k, struct err *e)
{
	uint8_t alg, len;
	const uint8_t *p;

	if (rd_u8(r, &alg) != 0 || rd_u8(r, &len) != 0 || rd_skip(r, len, &p) != 0)
		return err_set(e, ERR_INVALID, "trust bundle: key truncated");
	return key_from_public(alg, p, len, k, e);
}

static int
org_cmp(const void *a, const void *b)
{
	return strcmp(((const struct trust_org *)a)->org.code,
	    ((const struct trust_org *)b)->org.code);
}

static int
trust_parse_flags(const uint8_t *data, size_t n, struct trust *t, int check,
    struct err *e)
{
	struct rd r;
	uint64_t created;
	uint32_t norgs, nrev;
	uint8_t has_head;
	const uint8_t *p;
	int rc;

	memset(t, 0, sizeof(*t));
	if (n < 4 + 4 + 8 + KEY_SIG_LEN || memcmp(data, TRUST_MAGIC, 4) != 0)
		return err_set(e, ERR_INVALID, "not a skillcert trust bundle");
	if (data[4] != TRUST_VERSION)
		return err_set(e, ERR_INVALID, "trust bundle version %d is not "
		    "supported", data[4]);
	if (buf_append(&t->raw, data, n) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	r.p = t->raw.data + 8;
	r.end = t->raw.data + n - KEY_SIG_LEN;
	rd_u64(&r, &created);
	t->created = (int64_t)created;
	if ((rc = get_key(&r, &t->authority, e)) != 0 ||
	    (rc = get_key(&r, &t->logkey, e)) != 0)
		goto fail;
	/* Nothing below is trusted before the signature checks out. */
	if (check && key_verify(&t->authority, TRUST_SIG_CTX, t->raw.data,
	    n - KEY_SIG_LEN, t->raw.data + n - KEY_SIG_LEN, NULL) != 0) {
		rc = err_set(e, ERR_CRYPTO, "trust bundle signature does not verify");
		goto fail;
	}
	/* Each organization takes at least 40 bytes: a count beyond what the
	 * bytes can hold is refused before anything is allocated for it. */
	if (rd_u32(&r, &norgs) != 0 || norgs > (size_t)(r.end - r.p) / 40) {
		rc = err_set(e, ERR_INVALID, "trust bundle: bad organization count");
		goto fail;
	}
	if (norgs && (t->orgs = calloc(norgs, sizeof(*t->orgs))) == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto fail;
	}
	for (uint32_t i = 0; i < norgs; i++) {
		struct trust_org *o = &t->orgs[i];
		uint16_t len;
		uint8_t nk;
		if (rd_u16(&r, &len) != 0 || rd_skip(&r, len, &p) != 0 ||
		    org_decode(p, len, &o->org, e) != 0 || rd_u8(&r, &nk) != 0 ||
		    nk > TRUST_KEYS_MAX) {
			rc = err_set(e, ERR_INVALID, "trust bundle: organization %u is "
			    "malformed", i + 1);
			goto fail;
		}
		t->norgs++;
		for (int j = 0; j < nk; j++) {
			struct org_key *k = &o->keys[j];
			memcpy(k->org, o->org.code, sizeof(k->org));
			if (rd_bytes(&r, k->kid, KEY_ID_LEN) != 0 ||
			    rd_u16(&r, &len) != 0 || rd_skip(&r, len, &p) != 0 ||
			    orgkey_decode(p, len, k, e) != 0) {
				rc = err_set(e, ERR_INVALID, "trust bundle: key %d of %s "
				    "is malformed", j + 1, o->org.code);
				goto fail;
			}
			o->cred_ok[j] = org_credential_verify(&o->org, k,
			    &t->authority, NULL) == 0 &&
			    key_from_public(k->alg, k->pub, (size_t)k->publen,
			    &o->pub[j], NULL) == 0;
			o->nkeys++;
		}
	}
	qsort(t->orgs, t->norgs, sizeof(*t->orgs), org_cmp);
	if (rd_u8(&r, &has_head) != 0 || has_head > 1) {
		rc = err_set(e, ERR_INVALID, "trust bundle: tree head flag");
		goto fail;
	}
	if (has_head) {
		if (rd_skip(&r, TLOG_HEAD_LEN, &p) != 0 ||
		    tlog_head_decode(p, TLOG_HEAD_LEN, &t->head, e) != 0) {
			rc = err_set(e, ERR_INVALID, "trust bundle: tree head malformed");
			goto fail;
		}
		t->has_head = 1;
	}
	if (rd_u32(&r, &nrev) != 0 || rd_skip(&r, (size_t)nrev * TRUST_REV_LEN,
	    &t->revs) != 0 || r.p != r.end) {
		rc = err_set(e, ERR_INVALID, "trust bundle: revocation list malformed");
		goto fail;
	}
	t->nrevs = nrev;
	return 0;
fail:
	trust_free(t);
	return rc;
}

int
trust_parse(const uint8_t *data, size_t n, struct trust *t, struct err *e)
{
	return trust_parse_flags(data, n, t, 1, e);
}

int
trust_parse_unverified(const uint8_t *data, size_t n, struct trust *t,
    struct err *e)
{
	return trust_parse_flags(data, n, t, 0, e);
}

int
trust_load(const char *path, struct trust *t, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc = buf_read_file(&b, path, TRUST_MAX_BYTES);

	if (rc != 0) {
		buf_free(&b);
		memset(t, 0, sizeof(*t));
		return err_set(e, rc == -2 ? ERR_INVALID : ERR_NOTFOUND,
		    "cannot read trust bundle %s", path);
	}
	rc = trust_parse(b.data, b.len, t, e);
	buf_free(&b);
	if (rc)
		err_prefix(e, "%s: ", path);
	return rc;
}

void
trust_free(struct trust *t)
{
	for (size_t i = 0; i < t->norgs; i++)
		for (int j = 0; j < t->orgs[i].nkeys; j++)
			if (t->orgs[i].pub[j].pkey)
				key_free(&t->orgs[i].pub[j]);
	key_free(&t->authority);
	key_free(&t->logkey);
	free(t->orgs);
	buf_free(&t->raw);
	memset(t, 0, sizeof(*t));
}

const struct trust_org *
trust_find_org(const struct trust *t, const char *code)
{
	struct trust_org key;

	if (t->norgs == 0 || strlen(code) != ORGCODE_LEN)
		return NULL;
	memcpy(key.org.code, code, ORGCODE_LEN + 1);
	return bsearch(&key, t->orgs, t->norgs, sizeof(*t->orgs), org_cmp);
}

const struct org_key *
trust_find_key(const struct trust_org *o, const uint8_t kid[KEY_ID_LEN])
{
	for (int i = 0; i < o->nkeys; i++)
		if (memcmp(o->keys[i].kid, kid, KEY_ID_LEN) == 0)
			return &o->keys[i];
	return NULL;
}

int
trust_find_revoked(const struct trust *t, const char *certno, int *reason,
    int32_t *day)
{
	struct certno cn;
	uint8_t packed[CERTNO_PACKED_LEN];
	size_t lo = 0, hi = t->nrevs;

	if (certno_parse(certno, &cn, NULL) != 0)
		return 0;
	certno_pack(&cn, packed);
	/* Packed numbers sort as the text does: type, org, year, level, seq. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const uint8_t *r = t->revs + mid * TRUST_REV_LEN;
		int c = memcmp(r, packed, CERTNO_PACKED_LEN);
		if (c == 0) {
			if (reason)
				*reason = r[11];
			if (day)
				*day = (int32_t)(r[12] << 8 | r[13]) + DAYS_2000;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}
