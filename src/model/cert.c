/* cert.c - canonical certificate encoding, signature and QR token. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "skillcert/model/cert.h"
#include "skillcert/base/utf8.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/mask.h"

#define CERT_SIG_CTX "skillcert/cert/v1"
/* Dates travel as u16 days since 2000-01-01: good until 2179. */
#define DAYS_2000 10957

int
cert_occ_pack(const char *s, uint8_t out[4])
{
	/* N-NN-NN-NN, by hand: this runs several times per certificate. */
	static const int at[7] = { 0, 2, 3, 5, 6, 8, 9 };
	int v[7];

	for (int i = 0; i < 7; i++) {
		if (s[at[i]] < '0' || s[at[i]] > '9')
			return -1;
		v[i] = s[at[i]] - '0';
	}
	if (s[1] != '-' || s[4] != '-' || s[7] != '-' || s[10] != '\0')
		return -1;
	out[0] = (uint8_t)v[0];
	out[1] = (uint8_t)(v[1] * 10 + v[2]);
	out[2] = (uint8_t)(v[3] * 10 + v[4]);
	out[3] = (uint8_t)(v[5] * 10 + v[6]);
	return 0;
}

void
cert_occ_unpack(const uint8_t in[4], char out[CERT_OCC_MAX + 1])
{
	snprintf(out, CERT_OCC_MAX + 1, "%u-%02u-%02u-%02u", in[0] % 10u,
	    in[1] % 100u, in[2] % 100u, in[3] % 100u);
}

static int
put_str(struct buf *b, const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max || n > 255)
		return -1;
	buf_append_byte(b, (uint8_t)n);
	return buf_append(b, s, n);
}

static int
idno_packable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]) && s[i] != 'X')
			return 0;
	return 1;
}

/* Appends n characters of [0-9X] two a byte (an odd count pads a zero). */
static void
put_nibbles(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 2) {
		uint8_t hi = s[i] == 'X' ? 10 : (uint8_t)(s[i] - '0');
		uint8_t lo = i + 1 < n ? (s[i + 1] == 'X' ? 10 :
		    (uint8_t)(s[i + 1] - '0')) : 0;
		buf_append_byte(b, (uint8_t)(hi << 4 | lo));
	}
}

/* v1: resident ID numbers pack two characters a byte ([0-9X] as nibbles). */
static int
put_idno(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > CERT_ID_MAX || !idno_packable(s, n)) {
		if (n > CERT_ID_MAX)
			return -1;
		return put_str(b, s, CERT_ID_MAX);
	}
	buf_append_byte(b, (uint8_t)(0x80 | n));
	put_nibbles(b, s, n);
	return 0;
}

/* v2: the length and the characters mask_id keeps; the stars in between
 * are implied. m must be a mask_id form: stars exactly where it stars. */
static int
put_idmask(struct buf *b, const char *m)
{
	char vis[CERT_ID_MAX];
	size_t n = strlen(m), head, tail, nv = 0;

	if (n == 0 || n > CERT_ID_MAX)
		return -1;
	mask_id_keep(n, &head, &tail);
	for (size_t i = 0; i < n; i++) {
		int kept = i < head || i >= n - tail;
		if (!kept && m[i] != '*')
			return -1;
		if (kept && (m[i] < 0x21 || m[i] > 0x7e))
			return -1;
		if (kept)
			vis[nv++] = m[i];
	}
	if (idno_packable(vis, nv)) {
		buf_append_byte(b, (uint8_t)(0x80 | n));
		put_nibbles(b, vis, nv);
	} else {
		buf_append_byte(b, (uint8_t)n);
		buf_append(b, vis, nv);
	}
	return 0;
}

int
cert_id_commit(const uint8_t salt[CERT_SALT_LEN], int id_type,
    const char *id_number, uint8_t out[CERT_COMMIT_LEN], struct err *e)
{
	uint8_t msg[1 + CERT_ID_MAX], mac[EVP_MAX_MD_SIZE];
	size_t n = strlen(id_number);
	unsigned int ml = 0;
	int ok;

	if (id_type < 1 || id_type > 255 || n == 0 || n > CERT_ID_MAX)
		return err_set(e, ERR_INVALID, "bad ID type or number to commit to");
	msg[0] = (uint8_t)id_type;
	memcpy(msg + 1, id_number, n);
	ok = HMAC(EVP_sha256(), salt, CERT_SALT_LEN, msg, 1 + n, mac, &ml) !=
	    NULL && ml == 32;
	if (ok)
		memcpy(out, mac, CERT_COMMIT_LEN);
	explicit_bzero(msg, sizeof(msg));
	explicit_bzero(mac, sizeof(mac));
	return ok ? 0 : err_set(e, ERR_CRYPTO, "HMAC-SHA-256 failed");
}

int
cert_id_bind(struct cert *c, uint8_t salt[CERT_SALT_LEN], struct err *e)
{
	if (RAND_bytes(salt, CERT_SALT_LEN) != 1)
		return err_set(e, ERR_CRYPTO, "no random bytes for the ID salt");
	c->version = CERT_VERSION;
	mask_id(c->id_number, c->id_masked, sizeof(c->id_masked));
	return cert_id_commit(salt, c->id_type, c->id_number, c->id_commit, e);
}

int
cert_id_check(const struct cert *c, const uint8_t salt[CERT_SALT_LEN],
    struct err *e)
{
	uint8_t want[CERT_COMMIT_LEN];
	int rc;

	if (c->version != CERT_VERSION)
		return err_set(e, ERR_INVALID, "a version %d certificate has no "
		    "commitment", c->version);
	if ((rc = cert_id_commit(salt, c->id_type, c->id_number, want, e)) != 0)
		return rc;
	rc = CRYPTO_memcmp(want, c->id_commit, CERT_COMMIT_LEN);
	explicit_bzero(want, sizeof(want));
	return rc == 0 ? 0 : err_set(e, ERR_CRYPTO, "the ID number does not "
	    "match the certificate's commitment");
}

/* Version, key, number, dates, occupation, method and ID type. */
static int
enc_head(const struct cert *c, int ver, struct buf *out, struct err *e)
{
	struct certno no;
	uint8_t packed[CERTNO_PACKED_LEN], occ[4];
	int32_t a = c->assessed_on - DAYS_2000, i = c->issued_on - DAYS_2000;

	if (certno_parse(c->no, &no, e) != 0)
		return e ? e->code : ERR_INVALID;
	if (strncmp(c->no, c->org, ORGCODE_LEN) != 0 || no.level != c->level)
		return err_set(e, ERR_INVALID, "certificate number %s does not match "
		    "organization %s / level %d", c->no, c->org, c->level);
	if (cert_occ_pack(c->occ_code, occ) != 0)
		return err_set(e, ERR_INVALID, "bad occupation code '%s'", c->occ_code);
	if (a < 0 || a > 65535 || i < 0 || i > 65535)
		return err_set(e, ERR_INVALID, "date outside 2000-2179");
	if (c->method < 1 || c->method > 255 || c->id_type < 1 || c->id_type > 255)
		return err_set(e, ERR_INVALID, "bad method or ID type code");
	certno_pack(&no, packed);
	buf_append_byte(out, (uint8_t)ver);
	buf_append_byte(out, (uint8_t)c->alg);
	buf_append(out, c->kid, KEY_ID_LEN);
	buf_append(out, packed, sizeof(packed));
	buf_append_u16(out, (uint16_t)a);
	buf_append_u16(out, (uint16_t)i);
	buf_append(out, occ, 4);
	buf_append_byte(out, (uint8_t)c->method);
	buf_append_byte(out, (uint8_t)c->id_type);
	return 0;
}

int
cert_encode(const struct cert *c, struct buf *out, struct err *e)
{
	int ver = c->version ? c->version : CERT_VERSION, rc;

	buf_reset(out);
	if (ver != CERT_VERSION && ver != CERT_VERSION_V1)
		return err_set(e, ERR_INVALID, "unknown certificate version %d", ver);
	if ((rc = enc_head(c, ver, out, e)) != 0)
		return rc;
	if (ver == CERT_VERSION_V1) {
		if (put_idno(out, c->id_number) != 0)
			return err_set(e, ERR_INVALID, "ID number too long");
	} else {
		if (put_idmask(out, c->id_masked) != 0)
			return err_set(e, ERR_INVALID, "masked ID number missing or "
			    "not in mask form (cert_id_bind)");
		buf_append(out, c->id_commit, CERT_COMMIT_LEN);
	}
	if (put_str(out, c->name, CERT_NAME_MAX) != 0)
		return err_set(e, ERR_INVALID, "name longer than %d bytes", CERT_NAME_MAX);
	if (put_str(out, c->trade, CERT_TRADE_MAX) != 0)
		return err_set(e, ERR_INVALID, "工种 longer than %d bytes", CERT_TRADE_MAX);
	if (put_str(out, c->brand, CERT_BRAND_MAX) != 0)
		return err_set(e, ERR_INVALID, "brand mark too long");
	if (out->oom)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

static int
get_str(struct rd *r, char *out, size_t max, const char *what, struct err *e)
{
	uint8_t n;
	const uint8_t *p;

	if (rd_u8(r, &n) != 0 || n > max || rd_skip(r, n, &p) != 0)
		return err_set(e, ERR_INVALID, "certificate %s truncated or too long", what);
	memcpy(out, p, n);
	out[n] = '\0';
	if (memchr(out, 0, n) != NULL || utf8_check(p, n) != 0)
		return err_set(e, ERR_INVALID, "certificate %s is not valid UTF-8", what);
	return 0;
}

/* cnt nibbles [0-9X] from r into out (cnt characters, NUL added). */
static int
get_nibbles(struct rd *r, size_t cnt, char *out, struct err *e)
{
	size_t nb = (cnt + 1) / 2;
	const uint8_t *q;

	if (rd_skip(r, nb, &q) != 0)
		return err_set(e, ERR_INVALID, "ID number field is invalid");
	for (size_t k = 0; k < cnt; k++) {
		uint8_t v = k % 2 ? q[k / 2] & 0xf : q[k / 2] >> 4;
		if (v > 10)
			return err_set(e, ERR_INVALID, "ID number nibble invalid");
		out[k] = v == 10 ? 'X' : (char)('0' + v);
	}
	out[cnt] = '\0';
	/* An odd count pads with a zero nibble; anything else is not canonical. */
	if ((cnt & 1) && (q[nb - 1] & 0xf) != 0)
		return err_set(e, ERR_INVALID, "ID number padding is not zero");
	return 0;
}

/* cnt printable ASCII characters, at least one not [0-9X] (else they
 * would have been packed). */
static int
get_ascii(struct rd *r, size_t cnt, char *out, struct err *e)
{
	const uint8_t *q;

	if (rd_skip(r, cnt, &q) != 0)
		return err_set(e, ERR_INVALID, "ID number field is invalid");
	for (size_t k = 0; k < cnt; k++)
		if (q[k] < 0x21 || q[k] > 0x7e)
			return err_set(e, ERR_INVALID, "ID number is not printable ASCII");
	memcpy(out, q, cnt);
	out[cnt] = '\0';
	if (idno_packable(out, cnt))
		return err_set(e, ERR_INVALID, "ID number is not canonical");
	return 0;
}

static int
get_idno(struct rd *r, uint8_t h, struct cert *c, struct err *e)
{
	size_t cnt = h & 0x7f;
	int rc;

	if (cnt == 0 || cnt > CERT_ID_MAX)
		return err_set(e, ERR_INVALID, "ID number field is invalid");
	if ((rc = (h & 0x80) ? get_nibbles(r, cnt, c->id_number, e) :
	    get_ascii(r, cnt, c->id_number, e)) != 0)
		return rc;
	mask_id(c->id_number, c->id_masked, sizeof(c->id_masked));
	return 0;
}

static int
get_idmask(struct rd *r, uint8_t h, struct cert *c, struct err *e)
{
	char vis[CERT_ID_MAX + 1];
	size_t n = h & 0x7f, head, tail;
	int rc;

	if (n == 0 || n > CERT_ID_MAX)
		return err_set(e, ERR_INVALID, "masked ID number field is invalid");
	mask_id_keep(n, &head, &tail);
	if ((rc = (h & 0x80) ? get_nibbles(r, head + tail, vis, e) :
	    get_ascii(r, head + tail, vis, e)) != 0)
		return rc;
	memset(c->id_masked, '*', n);
	memcpy(c->id_masked, vis, head);
	memcpy(c->id_masked + n - tail, vis + head, tail);
	c->id_masked[n] = '\0';
	if (rd_bytes(r, c->id_commit, CERT_COMMIT_LEN) != 0)
		return err_set(e, ERR_INVALID, "ID commitment truncated");
	return 0;
}

/* Version through the ID type; c->version set. */
static int
dec_head(struct rd *r, struct cert *c, uint8_t *h, struct err *e)
{
	uint8_t ver, alg, packed[CERTNO_PACKED_LEN], occ[4], m, t;
	uint16_t a, i;
	struct certno no;

	if (rd_u8(r, &ver) != 0 || (ver != CERT_VERSION &&
	    ver != CERT_VERSION_V1))
		return err_set(e, ERR_INVALID, "unknown certificate encoding version");
	c->version = ver;
	if (rd_u8(r, &alg) != 0 || (alg != KEY_ED25519 && alg != KEY_SM2))
		return err_set(e, ERR_INVALID, "unknown signature algorithm");
	c->alg = alg;
	if (rd_bytes(r, c->kid, KEY_ID_LEN) != 0 ||
	    rd_bytes(r, packed, sizeof(packed)) != 0 ||
	    rd_u16(r, &a) != 0 || rd_u16(r, &i) != 0 ||
	    rd_bytes(r, occ, 4) != 0 || rd_u8(r, &m) != 0 ||
	    rd_u8(r, &t) != 0 || rd_u8(r, h) != 0)
		return err_set(e, ERR_INVALID, "certificate encoding truncated");
	if (certno_unpack(packed, &no) != 0)
		return err_set(e, ERR_INVALID, "certificate number field is invalid");
	certno_format(&no, c->no);
	memcpy(c->org, no.org, sizeof(c->org));
	c->level = no.level;
	c->assessed_on = a + DAYS_2000;
	c->issued_on = i + DAYS_2000;
	if (occ[0] > 9 || occ[1] > 99 || occ[2] > 99 || occ[3] > 99)
		return err_set(e, ERR_INVALID, "occupation code field is invalid");
	cert_occ_unpack(occ, c->occ_code);
	if (m == 0 || t == 0)
		return err_set(e, ERR_INVALID, "method or ID type is zero");
	c->method = m;
	c->id_type = t;
	return 0;
}

int
cert_decode(const uint8_t *p, size_t n, struct cert *c, struct err *e)
{
	struct rd r = { p, p + n };
	uint8_t h;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = dec_head(&r, c, &h, e)) != 0)
		return rc;
	if ((rc = c->version == CERT_VERSION_V1 ? get_idno(&r, h, c, e) :
	    get_idmask(&r, h, c, e)) != 0)
		return rc;
	if (get_str(&r, c->name, CERT_NAME_MAX, "name", e) != 0 ||
	    get_str(&r, c->trade, CERT_TRADE_MAX, "工种", e) != 0 ||
	    get_str(&r, c->brand, CERT_BRAND_MAX, "brand", e) != 0)
		return e ? e->code : ERR_INVALID;
	if (c->name[0] == '\0')
		return err_set(e, ERR_INVALID, "certificate holder name is empty");
	if (r.p != r.end)
		return err_set(e, ERR_INVALID, "%zu trailing bytes after certificate",
		    (size_t)(r.end - r.p));
	return 0;
}

int
cert_sign(const struct cert *c, const struct key *k, struct buf *enc,
    uint8_t sig[CERT_SIG_LEN], struct err *e)
{
	int rc;

	if (c->alg != k->alg || memcmp(c->kid, k->kid, KEY_ID_LEN) != 0)
		return err_set(e, ERR_INTERNAL, "certificate names another key");
	if ((rc = cert_encode(c, enc, e)) != 0)
		return rc;
	return key_sign(k, CERT_SIG_CTX, enc->data, enc->len, sig, e);
}

int
cert_sign_enc(const uint8_t *enc, size_t n, struct key_signer *s,
    uint8_t sig[CERT_SIG_LEN], struct err *e)
{
	/* The same check as cert_sign: the encoding names (alg, kid) at
	 * bytes 1..9, and they must be the signer's. */
	if (n < 2 + KEY_ID_LEN || enc[1] != (uint8_t)s->k->alg ||
	    memcmp(enc + 2, s->k->kid, KEY_ID_LEN) != 0)
		return err_set(e, ERR_DENIED, "certificate names another key than "
		    "the one signing it");
	return key_signer_sign(s, CERT_SIG_CTX, enc, n, sig, e);
}

int
cert_verify(const uint8_t *enc, size_t n, const uint8_t sig[CERT_SIG_LEN],
    const struct key *k, struct err *e)
{
	return key_verify(k, CERT_SIG_CTX, enc, n, sig, e);
}

int
cert_token(const uint8_t *enc, size_t n, const uint8_t sig[CERT_SIG_LEN],
    struct buf *out, struct err *e)
{
	uint8_t raw[CERT_ENC_MAX + CERT_SIG_LEN];

	if (n > CERT_ENC_MAX)
		return err_set(e, ERR_INVALID, "certificate encoding too long");
	memcpy(raw, enc, n);
	memcpy(raw + n, sig, CERT_SIG_LEN);
	buf_reset(out);
	if (buf_reserve(out, base32_encoded_len(n + CERT_SIG_LEN) + 1) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	base32_encode(raw, n + CERT_SIG_LEN, (char *)out->data);
	out->len = strlen((char *)out->data);
	return 0;
}

int
cert_token_parse(const char *tok, size_t len, struct cert *c, struct buf *enc,
    uint8_t sig[CERT_SIG_LEN], struct err *e)
{
	uint8_t raw[CERT_ENC_MAX + CERT_SIG_LEN];
	size_t bad = 0;
	long n;

	if (len > base32_encoded_len(sizeof(raw)))
		return err_set(e, ERR_INVALID, "token too long (%zu characters)", len);
	n = base32_decode(tok, len, raw, sizeof(raw), &bad);
	if (n < 0)
		return err_set(e, ERR_INVALID, "token character %zu is not base32", bad + 1);
	if (n <= CERT_SIG_LEN)
		return err_set(e, ERR_INVALID, "token too short");
	if (cert_decode(raw, (size_t)n - CERT_SIG_LEN, c, e) != 0)
		return err_prefix(e, "token: ");
	memcpy(sig, raw + n - CERT_SIG_LEN, CERT_SIG_LEN);
	buf_reset(enc);
	if (buf_append(enc, raw, (size_t)n - CERT_SIG_LEN) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

int
cert_token_url(const char *public_url, const char *token, struct buf *out,
    struct err *e)
{
	size_t ul = strlen(public_url);

	while (ul > 0 && public_url[ul - 1] == '/')
		ul--;
	buf_reset(out);
	for (size_t i = 0; i < ul; i++)
		buf_append_byte(out, (uint8_t)toupper((unsigned char)public_url[i]));
	buf_append_str(out, "/V/");
	buf_append_str(out, token);
	if (buf_cstr(out) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (out->len > CERT_TOKEN_URL_MAX)
		return err_set(e, ERR_FULL, "QR URL would be %zu characters, over the "
		    "%d limit (shorten the name, 工种 or public URL)", out->len,
		    CERT_TOKEN_URL_MAX);
	return 0;
}

static const char *reason_names[] = {
	"", "issued-in-error", "fraud", "reissued", "holder-request", "org-suspended"
};

const char *
cert_reason_name(int r)
{
	return r >= 1 && r <= 5 ? reason_names[r] : "none";
}

int
cert_reason_parse(const char *s)
{
	for (int i = 1; i <= 5; i++)
		if (strcmp(s, reason_names[i]) == 0)
			return i;
	return 0;
}

const char *
cert_status_name(int s)
{
	return s == CERT_VALID ? "valid" : s == CERT_REVOKED ? "revoked" : "unknown";
}
