/* note.c - C2SP signed notes: strict parsing, key IDs, verifier keys and
 * Ed25519 note signatures. */
#include <stdio.h>
#include <string.h>

#include "skillcert/base/base64.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/utf8.h"
#include "skillcert/model/note.h"
#include "skillcert/model/sha256.h"

#define NOTE_DASH "\xe2\x80\x94 "    /* U+2014 and a space */
#define NOTE_DASH_LEN 4

uint32_t
note_key_id(const char *name, int type, const uint8_t *pub, size_t n)
{
	uint8_t md[SHA256_LEN], t = (uint8_t)type;
	const void *p[4] = { name, "\n", &t, pub };
	size_t l[4] = { strlen(name), 1, 1, n };

	sha256_parts(md, 4, p, l);
	return (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 |
	    (uint32_t)md[2] << 8 | md[3];
}

/* Unicode White_Space, which key names must not contain. */
static int
note_is_space(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000;
}

int
note_name_ok(const char *name, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	int l;

	if (n == 0 || n > NOTE_NAME_MAX)
		return 0;
	while (i < n) {
		if ((l = utf8_decode((const uint8_t *)name + i, n - i, &cp)) == 0 ||
		    cp < 0x20 || cp == '+' || note_is_space(cp))
			return 0;
		i += (size_t)l;
	}
	return 1;
}

/* UTF-8, no control character but newline, no line over the limit. */
static int
note_check_bytes(const char *p, size_t n, struct err *e)
{
	size_t bad, line = 0;

	if ((bad = utf8_check((const uint8_t *)p, n)) != 0)
		return err_set(e, ERR_INVALID, "note: invalid UTF-8 at byte %zu",
		    bad - 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\n') {
			line = 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			return err_set(e, ERR_INVALID, "note: control character "
			    "0x%02x at byte %zu", c, i);
		if (++line > NOTE_LINE_MAX)
			return err_set(e, ERR_INVALID, "note: a line is longer "
			    "than %d bytes", NOTE_LINE_MAX);
	}
	return 0;
}

/* One signature line s[0..n) (no newline) into sg. */
static int
note_parse_sig(const char *s, size_t n, struct note_sig *sg, struct err *e)
{
	uint8_t raw[NOTE_LINE_MAX];
	const char *sp;
	size_t namelen;
	long len;

	if (n < NOTE_DASH_LEN || memcmp(s, NOTE_DASH, NOTE_DASH_LEN) != 0)
		return err_set(e, ERR_INVALID, "note: a signature line does not "
		    "start with an em dash and a space");
	s += NOTE_DASH_LEN;
	n -= NOTE_DASH_LEN;
	if ((sp = memchr(s, ' ', n)) == NULL)
		return err_set(e, ERR_INVALID, "note: signature line without a "
		    "signature");
	namelen = (size_t)(sp - s);
	if (!note_name_ok(s, namelen))
		return err_set(e, ERR_INVALID, "note: bad key name in a signature "
		    "line");
	sp++;
	len = base64_decode(sp, n - (size_t)(sp - s), raw, sizeof(raw));
	if (len < 5)
		return err_set(e, ERR_INVALID, "note: signature is not canonical "
		    "base64 of a key ID and a signature");
	memcpy(sg->name, s, namelen);
	sg->name[namelen] = '\0';
	sg->id = (uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
	    (uint32_t)raw[2] << 8 | raw[3];
	sg->len = (size_t)len - 4;
	if (sg->len <= NOTE_SIG_MAX)
		memcpy(sg->sig, raw + 4, sg->len);
	return 0;
}

int
note_parse(const char *p, size_t n, struct note *nt, struct err *e)
{
	size_t i, start, end;
	int rc;

	memset(nt, 0, sizeof(*nt));
	if (p == NULL || n == 0 || n > NOTE_MAX)
		return err_set(e, ERR_INVALID, "note: empty or over %d bytes",
		    NOTE_MAX);
	if (p[n - 1] != '\n')
		return err_set(e, ERR_INVALID, "note: no final newline");
	if ((rc = note_check_bytes(p, n, e)) != 0)
		return rc;
	/* The text ends at the last blank line. */
	for (i = n - 1; i > 0 && !(p[i] == '\n' && p[i - 1] == '\n'); i--)
		;
	if (i == 0)
		return err_set(e, ERR_INVALID, "note: no blank line before the "
		    "signatures");
	nt->text = p;
	nt->textlen = i;
	for (start = i + 1; start < n; start = end + 1) {
		end = (size_t)((const char *)memchr(p + start, '\n', n - start) - p);
		if (nt->nsigs == NOTE_SIGS_MAX)
			return err_set(e, ERR_INVALID, "note: more than %d signatures",
			    NOTE_SIGS_MAX);
		if ((rc = note_parse_sig(p + start, end - start,
		    &nt->sigs[nt->nsigs], e)) != 0)
			return rc;
		nt->nsigs++;
	}
	if (nt->nsigs == 0)
		return err_set(e, ERR_INVALID, "note: no signature");
	return 0;
}

int
note_vkey_make(const char *name, int type, const uint8_t pub[32],
    struct note_vkey *v, struct err *e)
{
	size_t n = strlen(name);

	memset(v, 0, sizeof(*v));
	if (!note_name_ok(name, n))
		return err_set(e, ERR_INVALID, "key name \"%.64s\" is empty or "
		    "holds a space or '+'", name);
	if (type != NOTE_ED25519 && type != NOTE_COSIG_V1)
		return err_set(e, ERR_INVALID, "signature type 0x%02x is not "
		    "supported", (unsigned)type);
	memcpy(v->name, name, n + 1);
	v->type = type;
	memcpy(v->pub, pub, 32);
	v->id = note_key_id(name, type, pub, 32);
	return 0;
}

int
note_vkey_parse(const char *s, struct note_vkey *v, struct err *e)
{
	const char *p1, *p2;
	char name[NOTE_NAME_MAX + 1];
	uint8_t idb[4], raw[34];
	uint32_t id;
	long len;
	int rc;

	memset(v, 0, sizeof(*v));
	if ((p1 = strchr(s, '+')) == NULL || (p2 = strchr(p1 + 1, '+')) == NULL ||
	    (size_t)(p1 - s) > NOTE_NAME_MAX)
		return err_set(e, ERR_INVALID, "verifier key: not name+id+key");
	memcpy(name, s, (size_t)(p1 - s));
	name[p1 - s] = '\0';
	for (const char *q = p1 + 1; q < p2; q++)
		if (hex_digit(*q) < 0 || (*q >= 'A' && *q <= 'F'))
			return err_set(e, ERR_INVALID, "verifier key: key ID is not "
			    "8 lower-case hex digits");
	if (p2 - p1 - 1 != 8 || hex_decode(p1 + 1, 8, idb, 4) != 4)
		return err_set(e, ERR_INVALID, "verifier key: key ID is not 8 hex "
		    "digits");
	id = (uint32_t)idb[0] << 24 | (uint32_t)idb[1] << 16 |
	    (uint32_t)idb[2] << 8 | idb[3];
	if ((len = base64_decode(p2 + 1, strlen(p2 + 1), raw, sizeof(raw))) != 33)
		return err_set(e, ERR_INVALID, "verifier key: not the base64 of a "
		    "type byte and a 32-byte Ed25519 key");
	if ((rc = note_vkey_make(name, raw[0], raw + 1, v, e)) != 0)
		return rc;
	if (v->id != id)
		return err_set(e, ERR_INVALID, "verifier key: key ID %08x does not "
		    "match the key (%08x)", (unsigned)id, (unsigned)v->id);
	return 0;
}

void
note_vkey_format(const struct note_vkey *v, char out[NOTE_VKEY_MAX])
{
	uint8_t raw[33];
	char b64[BASE64_LEN(33) + 1];

	raw[0] = (uint8_t)v->type;
	memcpy(raw + 1, v->pub, 32);
	base64_encode(raw, sizeof(raw), b64);
	snprintf(out, NOTE_VKEY_MAX, "%s+%08x+%s", v->name, (unsigned)v->id, b64);
}

int
note_append_sig(struct buf *out, const char *name, uint32_t id,
    const uint8_t *sig, size_t n)
{
	uint8_t raw[4 + NOTE_SIG_MAX];
	char b64[BASE64_LEN(4 + NOTE_SIG_MAX) + 1];

	if (n > NOTE_SIG_MAX)
		return -1;
	for (int i = 0; i < 4; i++)
		raw[i] = (uint8_t)(id >> (24 - 8 * i));
	memcpy(raw + 4, sig, n);
	base64_encode(raw, 4 + n, b64);
	return buf_printf(out, NOTE_DASH "%s %s\n", name, b64);
}

int
note_sign(const char *text, size_t n, const char *name, const struct key *k,
    struct buf *out, struct err *e)
{
	uint8_t sig[KEY_SIG_LEN];
	uint32_t id;
	int rc;

	if (n == 0 || text[n - 1] != '\n')
		return err_set(e, ERR_INVALID, "note: text must end with a newline");
	if (!note_name_ok(name, strlen(name)))
		return err_set(e, ERR_INVALID, "note: bad key name");
	if (k->alg != KEY_ED25519 || k->publen != 32)
		return err_set(e, ERR_CRYPTO, "note: signing needs an Ed25519 key");
	if ((rc = key_sign_plain(k, (const uint8_t *)text, n, sig, e)) != 0)
		return rc;
	id = note_key_id(name, NOTE_ED25519, k->pub, 32);
	if (buf_append(out, text, n) != 0 || buf_append_byte(out, '\n') != 0 ||
	    note_append_sig(out, name, id, sig, sizeof(sig)) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

const struct note_sig *
note_find_sig(const struct note *nt, const char *name, uint32_t id)
{
	for (int i = 0; i < nt->nsigs; i++)
		if (nt->sigs[i].id == id && strcmp(nt->sigs[i].name, name) == 0)
			return &nt->sigs[i];
	return NULL;
}

int
note_verify(const struct note *nt, const struct note_vkey *v, struct err *e)
{
	const struct note_sig *sg;
	struct key k;
	int rc;

	if (v->type != NOTE_ED25519)
		return err_set(e, ERR_CRYPTO, "note: key %s is not a note-signing "
		    "key", v->name);
	if ((sg = note_find_sig(nt, v->name, v->id)) == NULL)
		return 0;
	if (sg->len != KEY_SIG_LEN)
		return err_set(e, ERR_CRYPTO, "note: signature by %s has %zu bytes, "
		    "not 64", v->name, sg->len);
	if ((rc = key_from_public(KEY_ED25519, v->pub, 32, &k, e)) != 0)
		return rc;
	rc = key_verify_plain(&k, (const uint8_t *)nt->text, nt->textlen,
	    sg->sig, e);
	key_free(&k);
	if (rc != 0)
		return err_set(e, ERR_CRYPTO, "note: signature by %s does not "
		    "verify", v->name);
	return 1;
}
