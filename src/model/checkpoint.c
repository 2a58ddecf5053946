/* checkpoint.c - C2SP checkpoints: the log's tree head as a signed note,
 * and the witnesses' timestamped Ed25519 cosignatures on it. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/base64.h"
#include "skillcert/model/checkpoint.h"

#define COSIG_HEADER "cosignature/v1\n"
#define COSIG_LEN (8 + KEY_SIG_LEN)

int
checkpoint_body(const char *origin, uint64_t size,
    const uint8_t root[MERKLE_HASH_LEN], struct buf *out)
{
	char b64[BASE64_LEN(MERKLE_HASH_LEN) + 1];

	base64_encode(root, MERKLE_HASH_LEN, b64);
	return buf_printf(out, "%s\n%" PRIu64 "\n%s\n", origin, size, b64);
}

int
checkpoint_sign(const char *origin, uint64_t size,
    const uint8_t root[MERKLE_HASH_LEN], const struct key *logkey,
    struct buf *out, struct err *e)
{
	struct buf text = BUF_INIT;
	int rc;

	if (!note_name_ok(origin, strlen(origin))) {
		return err_set(e, ERR_INVALID, "checkpoint: origin \"%.64s\" is not "
		    "a valid key name", origin);
	}
	if (checkpoint_body(origin, size, root, &text) != 0) {
		buf_free(&text);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = note_sign((const char *)text.data, text.len, origin, logkey, out, e);
	buf_free(&text);
	return rc;
}

/* A tree size: decimal, no sign, no leading zero but "0" itself. */
static int
checkpoint_parse_size(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (n == 0 || n > 20 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

int
checkpoint_parse_text(const char *text, size_t n, struct checkpoint *c,
    struct err *e)
{
	const char *line[3], *p = text, *end = text + n, *nl;
	size_t len[3];
	int i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < 3; i++) {
		if (p >= end || (nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return err_set(e, ERR_INVALID, "checkpoint: fewer than three "
			    "lines");
		line[i] = p;
		len[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	if (len[0] == 0 || len[0] > CHECKPOINT_ORIGIN_MAX)
		return err_set(e, ERR_INVALID, "checkpoint: empty or long origin");
	memcpy(c->origin, line[0], len[0]);
	c->origin[len[0]] = '\0';
	if (checkpoint_parse_size(line[1], len[1], &c->size) != 0)
		return err_set(e, ERR_INVALID, "checkpoint: tree size is not a "
		    "decimal without leading zeros");
	if (base64_decode(line[2], len[2], c->root, MERKLE_HASH_LEN) !=
	    MERKLE_HASH_LEN)
		return err_set(e, ERR_INVALID, "checkpoint: root hash is not the "
		    "canonical base64 of 32 bytes");
	for (; p < end; p = nl + 1, c->nextensions++)
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL || nl == p)
			return err_set(e, ERR_INVALID, "checkpoint: empty or "
			    "unterminated extension line");
	return 0;
}

int
checkpoint_open(const char *p, size_t n, const char *origin,
    const struct key *logkey, struct note *nt, struct checkpoint *c,
    struct err *e)
{
	struct note_vkey v;
	int rc;

	if ((rc = note_parse(p, n, nt, e)) != 0 ||
	    (rc = checkpoint_parse_text(nt->text, nt->textlen, c, e)) != 0)
		return rc;
	if (origin != NULL && strcmp(origin, c->origin) != 0)
		return err_set(e, ERR_CRYPTO, "checkpoint: origin \"%s\", expected "
		    "\"%s\"", c->origin, origin);
	if (logkey->alg != KEY_ED25519 || logkey->publen != 32)
		return err_set(e, ERR_CRYPTO, "checkpoint: the log key is not "
		    "Ed25519");
	if ((rc = note_vkey_make(c->origin, NOTE_ED25519, logkey->pub, &v,
	    e)) != 0)
		return rc;
	if ((rc = note_verify(nt, &v, e)) < 0 || rc > 1)
		return rc;
	if (rc == 0)
		return err_set(e, ERR_CRYPTO, "checkpoint: not signed by the log "
		    "key (%s+%08x)", v.name, (unsigned)v.id);
	return 0;
}

/* "cosignature/v1\ntime T\n" || text, in out. */
static int
checkpoint_cosig_message(const struct note *nt, uint64_t t, struct buf *out)
{
	return buf_printf(out, COSIG_HEADER "time %" PRIu64 "\n", t) != 0 ||
	    buf_append(out, nt->text, nt->textlen) != 0 ? -1 : 0;
}

int
checkpoint_cosign(const struct note *nt, const char *name,
    const struct key *k, uint64_t t, struct buf *line, struct err *e)
{
	struct buf m = BUF_INIT;
	uint8_t sig[COSIG_LEN];
	int rc;

	if (t > INT64_MAX)
		return err_set(e, ERR_INVALID, "cosignature: time out of range");
	if (k->alg != KEY_ED25519 || k->publen != 32 ||
	    !note_name_ok(name, strlen(name)))
		return err_set(e, ERR_CRYPTO, "cosignature: needs an Ed25519 key "
		    "and a valid name");
	if (checkpoint_cosig_message(nt, t, &m) != 0) {
		buf_free(&m);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	for (int i = 0; i < 8; i++)
		sig[i] = (uint8_t)(t >> (56 - 8 * i));
	rc = key_sign_plain(k, m.data, m.len, sig + 8, e);
	buf_free(&m);
	if (rc != 0)
		return rc;
	if (note_append_sig(line, name, note_key_id(name, NOTE_COSIG_V1, k->pub,
	    32), sig, sizeof(sig)) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

int
checkpoint_cosig_verify(const struct note *nt, const struct note_vkey *w,
    uint64_t *t, struct err *e)
{
	const struct note_sig *sg;
	struct buf m = BUF_INIT;
	struct key k;
	uint64_t ts = 0;
	int rc;

	if ((sg = note_find_sig(nt, w->name, note_key_id(w->name, NOTE_COSIG_V1,
	    w->pub, 32))) == NULL)
		return 0;
	if (sg->len != COSIG_LEN)
		return err_set(e, ERR_CRYPTO, "cosignature by %s has %zu bytes, not "
		    "%d", w->name, sg->len, COSIG_LEN);
	for (int i = 0; i < 8; i++)
		ts = ts << 8 | sg->sig[i];
	if (ts > INT64_MAX)
		return err_set(e, ERR_CRYPTO, "cosignature by %s: time out of range",
		    w->name);
	if ((rc = key_from_public(KEY_ED25519, w->pub, 32, &k, e)) != 0)
		return rc;
	if (checkpoint_cosig_message(nt, ts, &m) != 0)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	else if (key_verify_plain(&k, m.data, m.len, sg->sig + 8, e) != 0)
		rc = err_set(e, ERR_CRYPTO, "cosignature by %s does not verify",
		    w->name);
	key_free(&k);
	buf_free(&m);
	if (rc != 0)
		return rc;
	if (t != NULL)
		*t = ts;
	return 1;
}
