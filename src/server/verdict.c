/* verdict.c - the verdict on a QR token: is it a certificate this
 * registry issued, signed by a key the authority credentialed, valid on
 * its issue date, and not revoked?
 *
 * Cheap checks run first so forged tokens cost little: a token that names
 * an unknown organization or key, or differs from the stored record, is
 * decided by lookups alone. Signatures are checked only for tokens that
 * match a record byte for byte (verified once per thread, then
 * remembered by a hash of exactly what was verified) or that have no
 * record (to tell a forgery from a signed but unregistered certificate;
 * these cost a verification each, behind the per-client rate limit). */
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "verdict.h"
#include "view.h"
#include "skillcert/base/date.h"

const char *
srv_verdict_name(int v)
{
	switch (v) {
	case V_VALID: return "valid";
	case V_REVOKED: return "revoked";
	case V_UNKNOWN: return "unknown";
	default: return "invalid";
	}
}

static void
add_reason(struct srv_verdict_result *v, const char *code, const char *cn,
    const char *detail)
{
	struct srv_check *c;

	if (v->nreasons >= (int)(sizeof(v->reasons) / sizeof(v->reasons[0])))
		return;
	c = &v->reasons[v->nreasons++];
	c->code = code;
	c->cn = cn;
	snprintf(c->detail, sizeof(c->detail), "%.199s", detail);
}

static void
decide(struct srv_verdict_result *v, int verdict)
{
	v->verdict = verdict;
	v->verdict_name = srv_verdict_name(verdict);
}

/* SHA-256 over tag || parts, the key of the verified-signature cache. */
static int
vc_digest(struct srv_ctx *x, const char *tag, const void *a, size_t an,
    const void *b, size_t bn, const void *c, size_t cn, uint8_t out[32])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ok;

	(void)x;
	if (md == NULL)
		return -1;
	ok = EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(md, tag, strlen(tag) + 1) == 1 &&
	    EVP_DigestUpdate(md, a, an) == 1 &&
	    EVP_DigestUpdate(md, b, bn) == 1 &&
	    EVP_DigestUpdate(md, c, cn) == 1 &&
	    EVP_DigestFinal_ex(md, out, &len) == 1 && len == 32;
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

/* Direct-mapped by the digest's first bits: a collision only evicts. */
static size_t
vc_slot(const uint8_t d[32])
{
	return ((size_t)d[0] << 8 | d[1]) % SRV_VCACHE;
}

static int
vc_has(struct srv_ctx *x, const uint8_t d[32])
{
	return memcmp(x->vcache[vc_slot(d)], d, 32) == 0;
}

static void
vc_put(struct srv_ctx *x, const uint8_t d[32])
{
	memcpy(x->vcache[vc_slot(d)], d, 32);
}

/* 0 if the certificate signature verifies under the org key. */
static int
check_signature(struct srv_ctx *x, const uint8_t *enc, size_t n,
    const uint8_t sig[CERT_SIG_LEN], const struct org_key *k)
{
	uint8_t d[32];
	struct key pub;
	struct err e;
	int have = vc_digest(x, "cert", k->pub, (size_t)k->publen, enc, n, sig,
	    CERT_SIG_LEN, d) == 0;
	int rc;

	if (have && vc_has(x, d)) {
		srv_count(&x->m.sig_cache_hits, 1);
		return 0;
	}
	if (key_from_public(k->alg, k->pub, (size_t)k->publen, &pub, &e) != 0) {
		ERR_clear_error();
		return -1;
	}
	srv_count(&x->m.sig_verifies, 1);
	rc = cert_verify(enc, n, sig, &pub, &e);
	key_free(&pub);
	if (rc != 0) {
		ERR_clear_error();   /* keep the thread's error queue clean */
		return -1;
	}
	if (have)
		vc_put(x, d);
	return 0;
}

/* 0 if the authority's credential binds this key to this organization. */
static int
check_credential(struct srv_ctx *x, const struct org *o,
    const struct org_key *k)
{
	const struct key *auth = &x->reg->authority;
	uint8_t d[32];
	struct err e;
	int have;

	buf_reset(&x->tmp);
	have = org_credential_bytes(o, k, &x->tmp) == 0 && !x->tmp.oom &&
	    vc_digest(x, "cred", auth->pub, auth->publen, x->tmp.data,
	    x->tmp.len, k->cred_sig, KEY_SIG_LEN, d) == 0;
	if (have && vc_has(x, d)) {
		srv_count(&x->m.sig_cache_hits, 1);
		return 0;
	}
	srv_count(&x->m.sig_verifies, 1);
	if (org_credential_verify(o, k, auth, &e) != 0) {
		ERR_clear_error();
		return -1;
	}
	if (have)
		vc_put(x, d);
	return 0;
}

/* A database error: counted, and the request owes a 503. */
static int
db_error(struct srv_ctx *x)
{
	srv_count(&x->m.db_errors, 1);
	return -1;
}

/* The claimed organization and key, by lookups alone: 1 decided, 0 on to
 * the record, -1 database error. */
static int
check_issuer(struct srv_ctx *x, const struct cert *c,
    struct srv_verdict_result *v)
{
	struct err e;
	int rc;

	rc = registry_get_org(x->reg, x->txn, c->org, &x->org, &e);
	if (rc == ERR_NOTFOUND) {
		decide(v, V_UNKNOWN);
		add_reason(v, "unknown_org", "签发机构未在本登记系统备案",
		    "the issuing organization is not filed in this registry");
		return 1;
	} else if (rc != 0)
		return db_error(x);
	v->have_org = 1;
	rc = registry_get_orgkey(x->reg, x->txn, c->org, c->kid, &x->okey, &e);
	if (rc == ERR_NOTFOUND) {
		/* Every key an organization ever held stays registered: a key
		 * id it never had means an altered or forged token. */
		add_reason(v, "unknown_key", "签名密钥不属于该评价机构",
		    "the signing key is not registered for the organization");
		return 1;
	} else if (rc != 0)
		return db_error(x);
	v->have_key = 1;
	return 0;
}

/* The stored record against the token: 1 decided (it differs), 0 on to
 * the signature with *found set, -1 database error. */
static int
check_record(struct srv_ctx *x, const struct cert *c,
    const uint8_t sig[CERT_SIG_LEN], struct srv_verdict_result *v,
    int *found)
{
	struct err e;
	int rc, exact;

	rc = registry_get_cert(x->reg, x->txn, c->no, &x->rec, &e);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return db_error(x);
	*found = rc == 0;
	exact = *found && x->rec.enc_len == x->enc.len &&
	    memcmp(x->rec.enc, x->enc.data, x->enc.len) == 0 &&
	    memcmp(x->rec.sig, sig, CERT_SIG_LEN) == 0;
	if (*found && !exact) {
		/* Decided without cryptography: the registry is the truth. */
		add_reason(v, "registry_mismatch", "证书内容与登记记录不符",
		    "the token differs from the registered certificate");
		return 1;
	}
	return 0;
}

/* A registered, correctly signed certificate: the key's credential and
 * validity on the issue date, then the record's status. */
static void
check_standing(struct srv_ctx *x, const struct cert *c,
    struct srv_verdict_result *v)
{
	struct err e;

	v->registry_ok = 1;
	v->have_rec = 1;
	v->credential_ok = check_credential(x, &x->org, &x->okey) == 0;
	if (!v->credential_ok)
		add_reason(v, "bad_credential", "签名密钥未经主管部门有效授权",
		    "the authority's credential for the key does not verify");
	if (orgkey_allows(&x->okey, c->issued_on, &e) == 0)
		v->key_ok = 1;
	else
		add_reason(v, "key_not_valid", "签名密钥在发证日期不可用",
		    e.msg);   /* dates only */
	if (!v->credential_ok || !v->key_ok)
		return;
	if (x->rec.status == CERT_REVOKED) {
		char d[11], detail[96];

		date_format_iso(srv_day_of(x->rec.revoked_at), d);
		snprintf(detail, sizeof(detail), "revoked on %s: %s", d,
		    cert_reason_name(x->rec.reason));
		decide(v, V_REVOKED);
		add_reason(v, "revoked", srv_reason_cn(x->rec.reason), detail);
		return;
	}
	decide(v, V_VALID);
}

int
srv_verify_token(struct srv_ctx *x, const char *tok, size_t n,
    struct srv_verdict_result *v)
{
	uint8_t sig[CERT_SIG_LEN];
	struct cert *c = &v->claimed;
	struct err e;
	int rc, found;

	memset(v, 0, sizeof(*v));
	decide(v, V_INVALID);
	if (n < HTTP_TOKEN_MIN || n > HTTP_TOKEN_MAX ||
	    cert_token_parse(tok, n, c, &x->enc, sig, &e) != 0) {
		/* The parser's message may quote a field: keep it out. */
		add_reason(v, "malformed_token", "二维码内容无法识别或已被改动",
		    "the token does not decode to a certificate");
		return 0;
	}
	v->have_cert = 1;
	if (srv_txn(x) != 0)
		return -1;
	if ((rc = check_issuer(x, c, v)) != 0 ||
	    (rc = check_record(x, c, sig, v, &found)) != 0)
		return rc < 0 ? -1 : 0;
	v->signature_ok = c->alg == x->okey.alg &&
	    check_signature(x, x->enc.data, x->enc.len, sig, &x->okey) == 0;
	if (!v->signature_ok) {
		add_reason(v, "bad_signature", "签名无效，证书可能被伪造或改动",
		    "the signature does not verify");
		return 0;
	}
	if (!found) {
		decide(v, V_UNKNOWN);
		add_reason(v, "not_in_registry", "登记系统中没有这张证书",
		    "the certificate is signed but not in the registry");
		return 0;
	}
	check_standing(x, c, v);
	return 0;
}

int
srv_token_is_record(struct srv_ctx *x, const char *tok, size_t n)
{
	uint8_t sig[CERT_SIG_LEN];
	struct cert c;
	struct err e;

	if (n < HTTP_TOKEN_MIN || n > HTTP_TOKEN_MAX ||
	    cert_token_parse(tok, n, &c, &x->enc, sig, &e) != 0 ||
	    srv_txn(x) != 0 ||
	    registry_get_cert(x->reg, x->txn, c.no, &x->rec, &e) != 0)
		return 0;
	return x->rec.enc_len == x->enc.len &&
	    memcmp(x->rec.enc, x->enc.data, x->enc.len) == 0 &&
	    memcmp(x->rec.sig, sig, CERT_SIG_LEN) == 0;
}
