/* trust.c - writing, signing, parsing and searching the trust bundle. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "skillcert/trust/trust.h"

#define TRUST_MAGIC "SCTB"
#define TRUST_SIG_CTX "skillcert/trust/v1"
#define DAYS_2000 10957

static void
put_key(struct buf *b, const struct key *k)
{
	buf_append_byte(b, (uint8_t)k->alg);
	buf_append_byte(b, (uint8_t)k->publen);
	buf_append(b, k->pub, k->publen);
}

/* The builder writes the layout in order and patches each count in place
 * once its items are written. */
int
trust_builder_begin(struct trust_builder *b, struct buf *out, int64_t created,
    int64_t valid_until, const struct key *authority, const struct key *logkey)
{
	memset(b, 0, sizeof(*b));
	b->out = out;
	buf_reset(out);
	buf_append(out, TRUST_MAGIC, 4);
	buf_append_byte(out, TRUST_VERSION);
	buf_append(out, "\0\0\0", 3);
	buf_append_u64(out, (uint64_t)created);
	buf_append_u64(out, (uint64_t)valid_until);
	put_key(out, authority);
	put_key(out, logkey);
	b->norgs_at = out->len;
	buf_append_u32(out, 0);
	b->nkeys_at = SIZE_MAX;
	return out->oom ? -1 : 0;
}

static void
patch_u32(struct buf *b, size_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b->data[at + (size_t)i] = (uint8_t)(v >> (24 - 8 * i));
}

int
trust_builder_org(struct trust_builder *b, const struct org *o)
{
	struct buf tmp = BUF_INIT;

	if (org_encode(o, &tmp) != 0) {
		buf_free(&tmp);
		return -1;
	}
	buf_append_u16(b->out, (uint16_t)tmp.len);
	buf_append(b->out, tmp.data, tmp.len);
	buf_free(&tmp);
	b->nkeys = 0;
	b->nkeys_at = b->out->len;
	buf_append_u16(b->out, 0);
	b->norgs++;
	return b->out->oom ? -1 : 0;
}

int
trust_builder_key(struct trust_builder *b, const struct org_key *k)
{
	struct buf tmp = BUF_INIT;

	if (b->nkeys_at == SIZE_MAX || b->nkeys >= TRUST_KEYS_MAX)
		return 1;
	if (orgkey_encode(k, &tmp) != 0) {
		buf_free(&tmp);
		return -1;
	}
	buf_append(b->out, k->kid, KEY_ID_LEN);
	buf_append_u16(b->out, (uint16_t)tmp.len);
	buf_append(b->out, tmp.data, tmp.len);
	buf_free(&tmp);
	if (b->out->oom)
		return -1;
	b->nkeys++;
	b->out->data[b->nkeys_at] = (uint8_t)(b->nkeys >> 8);
	b->out->data[b->nkeys_at + 1] = (uint8_t)b->nkeys;
	return 0;
}

int
trust_builder_head(struct trust_builder *b, const struct sth *h,
    const char *checkpoint, size_t checkpoint_len)
{
	uint8_t hb[STH_LEN];

	patch_u32(b->out, b->norgs_at, b->norgs);
	if (h != NULL) {
		buf_append_byte(b->out, 1);
		sth_encode(h, hb);
		buf_append(b->out, hb, sizeof(hb));
	} else {
		buf_append_byte(b->out, 0);
	}
	if (checkpoint == NULL || h == NULL)
		checkpoint_len = 0;
	buf_append_u32(b->out, (uint32_t)checkpoint_len);
	buf_append(b->out, checkpoint, checkpoint_len);
	return b->out->oom ? -1 : 0;
}

int
trust_builder_witnesses(struct trust_builder *b, const struct note_vkey *w,
    size_t n)
{
	char s[NOTE_VKEY_MAX];

	if (n > NOTE_SIGS_MAX)
		return 1;
	buf_append_byte(b->out, (uint8_t)n);
	for (size_t i = 0; i < n; i++) {
		note_vkey_format(&w[i], s);
		buf_append_str16(b->out, s);
	}
	b->nrevs_at = b->out->len;
	buf_append_u32(b->out, 0);
	return b->out->oom ? -1 : 0;
}

int
trust_builder_revoked(struct trust_builder *b, const char *certno, int reason,
    int32_t day)
{
	struct certno cn;
	uint8_t packed[CERTNO_PACKED_LEN];

	if (certno_parse(certno, &cn, NULL) != 0)
		return 1;  /* not a number this format can carry: skipped */
	certno_pack(&cn, packed);
	buf_append(b->out, packed, sizeof(packed));
	buf_append_byte(b->out, (uint8_t)reason);
	buf_append_u16(b->out, (uint16_t)(day - DAYS_2000));
	b->nrevs++;
	return b->out->oom ? -1 : 0;
}

int
trust_builder_finish(struct trust_builder *b, const struct key *authority,
    struct err *e)
{
	uint8_t sig[KEY_SIG_LEN];
	int rc;

	if (b->out->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	patch_u32(b->out, b->nrevs_at, b->nrevs);
	if ((rc = key_sign(authority, TRUST_SIG_CTX, b->out->data, b->out->len,
	    sig, e)) != 0)
		return rc;
	buf_append(b->out, sig, sizeof(sig));
	return b->out->oom ? err_set(e, ERR_NOMEM, "out of memory") : 0;
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

/* The smallest key record: kid, length and an orgkey encoding. A key
 * count beyond what the bytes left can hold is refused before anything
 * is allocated for it. */
#define KEY_REC_MIN 40

static int
parse_key_count(struct rd *r, int version, size_t *nk)
{
	uint8_t n8;
	uint16_t n16;

	if (version == 1) {
		if (rd_u8(r, &n8) != 0)
			return -1;
		*nk = n8;
	} else {
		if (rd_u16(r, &n16) != 0)
			return -1;
		*nk = n16;
	}
	return *nk > (size_t)(r->end - r->p) / KEY_REC_MIN ? -1 : 0;
}

/* One organization and its keys; each key's credential is checked here,
 * once, rather than on every verification. */
static int
parse_org(struct rd *r, struct trust *t, struct trust_org *o, uint32_t i,
    int version, struct err *e)
{
	const uint8_t *p;
	uint16_t len;
	size_t nk;

	if (rd_u16(r, &len) != 0 || rd_skip(r, len, &p) != 0 ||
	    org_decode(p, len, &o->org, e) != 0 ||
	    parse_key_count(r, version, &nk) != 0)
		return err_set(e, ERR_INVALID, "trust bundle: organization %u is "
		    "malformed", i + 1);
	t->norgs++;
	if (nk && ((o->keys = calloc(nk, sizeof(*o->keys))) == NULL ||
	    (o->cred_ok = calloc(nk, sizeof(*o->cred_ok))) == NULL ||
	    (o->pub = calloc(nk, sizeof(*o->pub))) == NULL))
		return err_set(e, ERR_NOMEM, "out of memory");
	for (size_t j = 0; j < nk; j++) {
		struct org_key *k = &o->keys[j];
		memcpy(k->org, o->org.code, sizeof(k->org));
		if (rd_bytes(r, k->kid, KEY_ID_LEN) != 0 ||
		    rd_u16(r, &len) != 0 || rd_skip(r, len, &p) != 0 ||
		    orgkey_decode(p, len, k, e) != 0)
			return err_set(e, ERR_INVALID, "trust bundle: key %zu of %s "
			    "is malformed", j + 1, o->org.code);
		o->cred_ok[j] = org_credential_verify(&o->org, k,
		    &t->authority, NULL) == 0 &&
		    key_from_public(k->alg, k->pub, (size_t)k->publen,
		    &o->pub[j], NULL) == 0;
		o->nkeys++;
	}
	return 0;
}

static int
parse_orgs(struct rd *r, struct trust *t, int version, struct err *e)
{
	uint32_t norgs;
	int rc;

	/* Each organization takes at least 40 bytes: a count beyond what the
	 * bytes can hold is refused before anything is allocated for it. */
	if (rd_u32(r, &norgs) != 0 || norgs > (size_t)(r->end - r->p) / 40)
		return err_set(e, ERR_INVALID, "trust bundle: bad organization count");
	if (norgs && (t->orgs = calloc(norgs, sizeof(*t->orgs))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (uint32_t i = 0; i < norgs; i++)
		if ((rc = parse_org(r, t, &t->orgs[i], i, version, e)) != 0)
			return rc;
	qsort(t->orgs, t->norgs, sizeof(*t->orgs), org_cmp);
	return 0;
}

/* Version 3: the checkpoint note (kept as bytes; verify.c checks it) and
 * the witnesses' keys. */
static int
parse_checkpoint(struct rd *r, struct trust *t, struct err *e)
{
	char s[NOTE_VKEY_MAX + 1];
	const uint8_t *p;
	uint32_t len;
	uint8_t nw;

	if (rd_u32(r, &len) != 0 || len > NOTE_MAX || rd_skip(r, len, &p) != 0)
		return err_set(e, ERR_INVALID, "trust bundle: checkpoint malformed");
	if (len > 0) {
		t->checkpoint = (const char *)p;
		t->checkpoint_len = len;
	}
	if (rd_u8(r, &nw) != 0 || nw > NOTE_SIGS_MAX)
		return err_set(e, ERR_INVALID, "trust bundle: bad witness count");
	if (nw && (t->witnesses = calloc(nw, sizeof(*t->witnesses))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	for (uint8_t i = 0; i < nw; i++) {
		if (rd_str16(r, s, sizeof(s)) != 0 ||
		    note_vkey_parse(s, &t->witnesses[i], NULL) != 0)
			return err_set(e, ERR_INVALID, "trust bundle: witness %u "
			    "malformed", i + 1u);
		t->nwitnesses++;
	}
	return 0;
}

/* The head flag and head, then the revocation list, which must end the
 * signed part exactly. */
static int
parse_tail(struct rd *r, struct trust *t, int version, struct err *e)
{
	const uint8_t *p;
	uint8_t has_head;
	uint32_t nrev;
	int rc;

	if (rd_u8(r, &has_head) != 0 || has_head > 1)
		return err_set(e, ERR_INVALID, "trust bundle: tree head flag");
	if (has_head) {
		if (rd_skip(r, STH_LEN, &p) != 0 ||
		    sth_decode(p, STH_LEN, &t->head, e) != 0)
			return err_set(e, ERR_INVALID, "trust bundle: tree head "
			    "malformed");
		t->has_head = 1;
	}
	if (version >= 3 && (rc = parse_checkpoint(r, t, e)) != 0)
		return rc;
	if (rd_u32(r, &nrev) != 0 || rd_skip(r, (size_t)nrev * TRUST_REV_LEN,
	    &t->revs) != 0 || r->p != r->end)
		return err_set(e, ERR_INVALID, "trust bundle: revocation list "
		    "malformed");
	t->nrevs = nrev;
	return 0;
}

static int
trust_parse_flags(const uint8_t *data, size_t n, struct trust *t, int check,
    struct err *e)
{
	struct rd r;
	uint64_t created, until;
	int rc;

	memset(t, 0, sizeof(*t));
	if (n < 4 + 4 + 8 + KEY_SIG_LEN || memcmp(data, TRUST_MAGIC, 4) != 0)
		return err_set(e, ERR_INVALID, "not a skillcert trust bundle");
	if (data[4] < 1 || data[4] > TRUST_VERSION)
		return err_set(e, ERR_INVALID, "trust bundle version %d is not "
		    "supported", data[4]);
	if (buf_append(&t->raw, data, n) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	r.p = t->raw.data + 8;
	r.end = t->raw.data + n - KEY_SIG_LEN;
	rd_u64(&r, &created);
	t->created = (int64_t)created;
	t->valid_until = t->created > INT64_MAX - TRUST_VALID_DEFAULT ?
	    INT64_MAX : t->created + TRUST_VALID_DEFAULT;
	if (data[4] >= 3) {
		if (rd_u64(&r, &until) != 0) {
			rc = err_set(e, ERR_INVALID, "trust bundle: truncated");
			goto fail;
		}
		t->valid_until = (int64_t)until;
	}
	if ((rc = get_key(&r, &t->authority, e)) != 0 ||
	    (rc = get_key(&r, &t->logkey, e)) != 0)
		goto fail;
	/* Nothing below is trusted before the signature checks out. */
	if (check && key_verify(&t->authority, TRUST_SIG_CTX, t->raw.data,
	    n - KEY_SIG_LEN, t->raw.data + n - KEY_SIG_LEN, NULL) != 0) {
		rc = err_set(e, ERR_CRYPTO, "trust bundle signature does not verify");
		goto fail;
	}
	if ((rc = parse_orgs(&r, t, data[4], e)) != 0 || (rc = parse_tail(&r, t, data[4], e)) != 0)
		goto fail;
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
	for (size_t i = 0; i < t->norgs; i++) {
		struct trust_org *o = &t->orgs[i];
		for (int j = 0; o->pub && j < o->nkeys; j++)
			if (o->pub[j].pkey)
				key_free(&o->pub[j]);
		free(o->keys);
		free(o->cred_ok);
		free(o->pub);
	}
	key_free(&t->authority);
	key_free(&t->logkey);
	free(t->orgs);
	free(t->witnesses);
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
