/* keys.c - Ed25519 and SM2/SM3 keys: generation, signing, secret key files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "skillcert/model/keys.h"
#include "skillcert/model/sha256.h"
#include "skillcert/base/hex.h"

#define SECFILE_MAGIC "SCK1"
#define SECFILE_LEN (4 + 4 + KEY_ID_LEN + 16 + 8 + 32 + 1 + KEY_PUB_MAX)
#define SCRYPT_LOG2N 15
/* GB/T 32918 default distinguishing ID, set on both sides. */
#define SM2_ID "1234567812345678"

const char *
key_alg_name(int alg)
{
	return alg == KEY_ED25519 ? "ed25519" : alg == KEY_SM2 ? "sm2" : "unknown";
}

int
key_alg_parse(const char *s)
{
	if (strcasecmp(s, "ed25519") == 0)
		return KEY_ED25519;
	if (strcasecmp(s, "sm2") == 0)
		return KEY_SM2;
	return 0;
}

void
key_id_hex(const uint8_t kid[KEY_ID_LEN], char out[2 * KEY_ID_LEN + 1])
{
	hex_encode(kid, KEY_ID_LEN, out);
}

static void
key_compute_id(struct key *k)
{
	uint8_t md[SHA256_LEN];
	uint8_t tmp[1 + KEY_PUB_MAX];

	tmp[0] = (uint8_t)k->alg;
	memcpy(tmp + 1, k->pub, k->publen);
	sha256_bytes(tmp, 1 + k->publen, md);
	memcpy(k->kid, md, KEY_ID_LEN);
}

void
key_free(struct key *k)
{
	if (k->pkey != NULL)
		EVP_PKEY_free(k->pkey);
	explicit_bzero(k, sizeof(*k));
}

/* Reads the raw public key of pkey into k->pub. */
static int
key_fill_public(struct key *k, struct err *e)
{
	size_t len = sizeof(k->pub);

	if (k->alg == KEY_ED25519) {
		if (EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len) != 1 || len != 32)
			return err_set(e, ERR_CRYPTO, "cannot read Ed25519 public key");
	} else {
		if (EVP_PKEY_get_octet_string_param(k->pkey,
		    OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, k->pub, sizeof(k->pub),
		    &len) != 1 || len != 65)
			return err_set(e, ERR_CRYPTO, "cannot read SM2 public key");
	}
	k->publen = len;
	key_compute_id(k);
	return 0;
}

int
key_generate(int alg, struct key *k, struct err *e)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	if (alg == KEY_ED25519)
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	else if (alg == KEY_SM2)
		k->pkey = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	else
		return err_set(e, ERR_USAGE, "unknown key algorithm %d", alg);
	if (k->pkey == NULL)
		return err_set(e, ERR_CRYPTO, "key generation failed (%s)",
		    key_alg_name(alg));
	k->has_secret = 1;
	if (key_fill_public(k, e) != 0) {
		key_free(k);
		return e ? e->code : ERR_CRYPTO;
	}
	return 0;
}

/* Builds an SM2 EVP_PKEY from a public point and optionally a scalar. */
static EVP_PKEY *
sm2_from_parts(const uint8_t *pub, size_t publen, const uint8_t *priv)
{
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;
	BIGNUM *bn = NULL;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		goto done;
	if (!OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "SM2", 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, publen))
		goto done;
	if (priv != NULL) {
		if ((bn = BN_bin2bn(priv, 32, NULL)) == NULL ||
		    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, bn))
			goto done;
	}
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL)
		goto done;
	if ((ctx = EVP_PKEY_CTX_new_from_name(NULL, "SM2", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
	    params) != 1)
		pkey = NULL;
done:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_clear_free(bn);
	return pkey;
}

int
key_from_public(int alg, const uint8_t *pub, size_t len, struct key *k,
    struct err *e)
{
	memset(k, 0, sizeof(*k));
	k->alg = alg;
	if (alg == KEY_ED25519 && len == 32)
		k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, len);
	else if (alg == KEY_SM2 && len == 65 && pub[0] == 0x04)
		k->pkey = sm2_from_parts(pub, len, NULL);
	else
		return err_set(e, ERR_CRYPTO, "bad %s public key (%zu bytes)",
		    key_alg_name(alg), len);
	if (k->pkey == NULL)
		return err_set(e, ERR_CRYPTO, "invalid %s public key",
		    key_alg_name(alg));
	memcpy(k->pub, pub, len);
	k->publen = len;
	key_compute_id(k);
	return 0;
}

/* The 32 secret bytes: Ed25519 seed or SM2 scalar. */
static int
key_get_secret(const struct key *k, uint8_t out[32])
{
	size_t len = 32;
	BIGNUM *bn = NULL;
	int rc = -1;

	if (k->alg == KEY_ED25519)
		return EVP_PKEY_get_raw_private_key(k->pkey, out, &len) == 1 &&
		    len == 32 ? 0 : -1;
	if (EVP_PKEY_get_bn_param(k->pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1 &&
	    BN_bn2binpad(bn, out, 32) == 32)
		rc = 0;
	BN_clear_free(bn);
	return rc;
}

static int
kdf_stream(const char *pass, const uint8_t salt[16], int log2n, uint8_t out[32])
{
	return EVP_PBE_scrypt(pass, strlen(pass), salt, 16, (uint64_t)1 << log2n,
	    8, 1, 256u << 20, out, 32) == 1 ? 0 : -1;
}

static int
write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
key_save_secret(const struct key *k, const char *path, const char *passphrase,
    struct err *e)
{
	uint8_t file[SECFILE_LEN], secret[32], stream[32], md[SHA256_LEN];
	uint8_t *p = file;
	int fd, rc = 0;

	if (!k->has_secret)
		return err_set(e, ERR_INTERNAL, "no secret key to save");
	if (key_get_secret(k, secret) != 0)
		return err_set(e, ERR_CRYPTO, "cannot export secret key");
	memset(file, 0, sizeof(file));
	memcpy(p, SECFILE_MAGIC, 4);
	p[4] = (uint8_t)k->alg;
	p[5] = passphrase ? 1 : 0;
	p[6] = passphrase ? SCRYPT_LOG2N : 0;
	p += 8;
	memcpy(p, k->kid, KEY_ID_LEN);
	p += KEY_ID_LEN;
	if (RAND_bytes(p, 16) != 1) {
		rc = err_set(e, ERR_CRYPTO, "no randomness for salt");
		goto done;
	}
	if (passphrase && kdf_stream(passphrase, p, SCRYPT_LOG2N, stream) != 0) {
		rc = err_set(e, ERR_CRYPTO, "scrypt failed");
		goto done;
	}
	p += 16;
	sha256_bytes(secret, 32, md);
	memcpy(p, md, 8);
	p += 8;
	for (int i = 0; i < 32; i++)
		p[i] = secret[i] ^ (passphrase ? stream[i] : 0);
	p += 32;
	*p++ = (uint8_t)k->publen;
	memcpy(p, k->pub, k->publen);

	/* O_EXCL: a key file is never silently replaced. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		rc = err_set(e, errno == EEXIST ? ERR_EXISTS : ERR_IO,
		    "cannot create key file %s: %s", path, strerror(errno));
		goto done;
	}
	if (write_all(fd, file, sizeof(file)) != 0 || fsync(fd) != 0) {
		rc = err_set(e, ERR_IO, "cannot write key file %s: %s", path,
		    strerror(errno));
		close(fd);
		unlink(path);
		goto done;
	}
	if (close(fd) != 0)
		rc = err_set(e, ERR_IO, "cannot close %s: %s", path, strerror(errno));
done:
	explicit_bzero(file, sizeof(file));
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(stream, sizeof(stream));
	return rc;
}

int
key_load_secret(const char *path, const char *passphrase, struct key *k,
    struct err *e)
{
	uint8_t file[SECFILE_LEN + 1], secret[32], stream[32], md[SHA256_LEN];
	const uint8_t *p;
	struct stat st;
	ssize_t r;
	size_t publen;
	int fd, alg, kdf, rc = 0;

	memset(k, 0, sizeof(*k));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
		    "cannot open key file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && (st.st_mode & 077) != 0) {
		close(fd);
		return err_set(e, ERR_DENIED,
		    "key file %s is readable by others (mode %03o); chmod 600 it",
		    path, st.st_mode & 0777);
	}
	r = read(fd, file, sizeof(file));
	close(fd);
	if (r != SECFILE_LEN || memcmp(file, SECFILE_MAGIC, 4) != 0) {
		rc = err_set(e, ERR_CRYPTO, "%s is not a skillcert secret key file",
		    path);
		goto done;
	}
	alg = file[4];
	kdf = file[5];
	p = file + 8 + KEY_ID_LEN;
	if (kdf == 1) {
		if (passphrase == NULL) {
			rc = err_set(e, ERR_DENIED, "key file %s is encrypted: give "
			    "the passphrase (SKILLCERT_PASSPHRASE or --passphrase-file)",
			    path);
			goto done;
		}
		if (file[6] < 10 || file[6] > 22 ||
		    kdf_stream(passphrase, p, file[6], stream) != 0) {
			rc = err_set(e, ERR_CRYPTO, "cannot derive key for %s", path);
			goto done;
		}
	} else if (kdf != 0) {
		rc = err_set(e, ERR_CRYPTO, "%s: unknown kdf %d", path, kdf);
		goto done;
	}
	p += 16;
	for (int i = 0; i < 32; i++)
		secret[i] = p[8 + i] ^ (kdf ? stream[i] : 0);
	sha256_bytes(secret, 32, md);
	if (memcmp(md, p, 8) != 0) {
		rc = err_set(e, ERR_DENIED, kdf ? "wrong passphrase for %s" :
		    "key file %s is corrupt", path);
		goto done;
	}
	p += 8 + 32;
	publen = *p++;
	k->alg = alg;
	if (alg == KEY_ED25519)
		k->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, secret, 32);
	else if (alg == KEY_SM2 && publen == 65)
		k->pkey = sm2_from_parts(p, publen, secret);
	if (k->pkey == NULL) {
		rc = err_set(e, ERR_CRYPTO, "%s: cannot load %s key", path,
		    key_alg_name(alg));
		goto done;
	}
	k->has_secret = 1;
	if ((rc = key_fill_public(k, e)) != 0)
		goto done;
	if (memcmp(k->kid, file + 8, KEY_ID_LEN) != 0)
		rc = err_set(e, ERR_CRYPTO, "%s: key id does not match the key", path);
done:
	if (rc != 0 && k->pkey != NULL)
		key_free(k);
	explicit_bzero(file, sizeof(file));
	explicit_bzero(secret, sizeof(secret));
	explicit_bzero(stream, sizeof(stream));
	return rc;
}

/* ctx || 0x00 || msg, on the stack for the small messages signed here. */
static uint8_t *
key_message(const char *ctx, const uint8_t *msg, size_t n, uint8_t *stack,
    size_t cap, size_t *outlen)
{
	size_t cl = strlen(ctx);
	uint8_t *m = cl + 1 + n <= cap ? stack : malloc(cl + 1 + n);

	if (m == NULL)
		return NULL;
	memcpy(m, ctx, cl);
	m[cl] = 0;
	memcpy(m + cl + 1, msg, n);
	*outlen = cl + 1 + n;
	return m;
}

static EVP_MD_CTX *
key_md_ctx(const struct key *k, int sign)
{
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (mctx == NULL)
		return NULL;
	if (k->alg == KEY_ED25519) {
		ok = sign ? EVP_DigestSignInit(mctx, NULL, NULL, NULL, k->pkey) :
		    EVP_DigestVerifyInit(mctx, NULL, NULL, NULL, k->pkey);
	} else {
		if ((pctx = EVP_PKEY_CTX_new(k->pkey, NULL)) == NULL ||
		    EVP_PKEY_CTX_set1_id(pctx, SM2_ID, strlen(SM2_ID)) <= 0) {
			EVP_PKEY_CTX_free(pctx);
			EVP_MD_CTX_free(mctx);
			return NULL;
		}
		EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
		ok = sign ? EVP_DigestSignInit(mctx, NULL, EVP_sm3(), NULL, k->pkey) :
		    EVP_DigestVerifyInit(mctx, NULL, EVP_sm3(), NULL, k->pkey);
	}
	if (ok != 1) {
		EVP_MD_CTX_free(mctx);
		EVP_PKEY_CTX_free(pctx);
		return NULL;
	}
	return mctx;
}

static void
key_md_ctx_free(const struct key *k, EVP_MD_CTX *mctx)
{
	/* EVP_MD_CTX_set_pkey_ctx leaves the pkey ctx owned by the caller. */
	EVP_PKEY_CTX *pctx = k->alg == KEY_SM2 ? EVP_MD_CTX_get_pkey_ctx(mctx) : NULL;

	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
}

int
key_signer_init(struct key_signer *s, const struct key *k, struct err *e)
{
	s->k = k;
	s->mctx = NULL;
	if (!k->has_secret)
		return err_set(e, ERR_DENIED, "no secret key loaded for signing");
	/* Ed25519 signs many messages on one initialised context, which spares
	 * the provider lookup per signature; SM2 must start afresh each time. */
	if (k->alg == KEY_ED25519 && (s->mctx = key_md_ctx(k, 1)) == NULL)
		return err_set(e, ERR_CRYPTO, "cannot start Ed25519 signing");
	return 0;
}

void
key_signer_free(struct key_signer *s)
{
	if (s->mctx)
		key_md_ctx_free(s->k, s->mctx);
	s->mctx = NULL;
}

int
key_signer_sign(struct key_signer *s, const char *ctx, const uint8_t *msg,
    size_t n, uint8_t sig[KEY_SIG_LEN], struct err *e)
{
	const struct key *k = s->k;
	uint8_t stack[512], der[80];
	const uint8_t *dp = der;
	size_t mlen, dlen = sizeof(der);
	uint8_t *m;
	EVP_MD_CTX *mctx;
	ECDSA_SIG *es = NULL;
	int rc = 0;

	if ((m = key_message(ctx, msg, n, stack, sizeof(stack), &mlen)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (k->alg == KEY_ED25519) {
		dlen = KEY_SIG_LEN;
		if (EVP_DigestSign(s->mctx, sig, &dlen, m, mlen) != 1 || dlen != 64)
			rc = err_set(e, ERR_CRYPTO, "Ed25519 signing failed");
		goto done;
	}
	if ((mctx = key_md_ctx(k, 1)) == NULL) {
		rc = err_set(e, ERR_CRYPTO, "cannot start SM2 signature");
		goto done;
	}
	const BIGNUM *r, *sv;
	/* SM2 gives DER; store r||s so every signature is 64 bytes. */
	if (EVP_DigestSign(mctx, der, &dlen, m, mlen) != 1 ||
	    (es = d2i_ECDSA_SIG(NULL, &dp, (long)dlen)) == NULL) {
		rc = err_set(e, ERR_CRYPTO, "SM2 signing failed");
	} else {
		ECDSA_SIG_get0(es, &r, &sv);
		if (BN_bn2binpad(r, sig, 32) != 32 || BN_bn2binpad(sv, sig + 32, 32) != 32)
			rc = err_set(e, ERR_CRYPTO, "SM2 signature too large");
	}
	key_md_ctx_free(k, mctx);
done:
	ECDSA_SIG_free(es);
	if (m != stack)
		free(m);
	return rc;
}

int
key_sign(const struct key *k, const char *ctx, const uint8_t *msg, size_t n,
    uint8_t sig[KEY_SIG_LEN], struct err *e)
{
	struct key_signer s;
	int rc;

	if ((rc = key_signer_init(&s, k, e)) != 0)
		return rc;
	rc = key_signer_sign(&s, ctx, msg, n, sig, e);
	key_signer_free(&s);
	return rc;
}

int
key_verify(const struct key *k, const char *ctx, const uint8_t *msg, size_t n,
    const uint8_t sig[KEY_SIG_LEN], struct err *e)
{
	uint8_t stack[512], der[80], *dp = der;
	size_t mlen;
	uint8_t *m;
	EVP_MD_CTX *mctx;
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	int rc = 0, dlen = 0, ok = 0;

	if ((m = key_message(ctx, msg, n, stack, sizeof(stack), &mlen)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((mctx = key_md_ctx(k, 0)) == NULL) {
		rc = err_set(e, ERR_CRYPTO, "cannot start %s verification",
		    key_alg_name(k->alg));
		goto done;
	}
	if (k->alg == KEY_ED25519) {
		ok = EVP_DigestVerify(mctx, sig, KEY_SIG_LEN, m, mlen) == 1;
	} else {
		if ((es = ECDSA_SIG_new()) != NULL &&
		    (r = BN_bin2bn(sig, 32, NULL)) != NULL &&
		    (s = BN_bin2bn(sig + 32, 32, NULL)) != NULL &&
		    ECDSA_SIG_set0(es, r, s) == 1) {
			r = s = NULL; /* owned by es now */
			dlen = i2d_ECDSA_SIG(es, &dp);
			ok = dlen > 0 && EVP_DigestVerify(mctx, der, (size_t)dlen,
			    m, mlen) == 1;
		}
	}
	key_md_ctx_free(k, mctx);
	if (!ok)
		rc = err_set(e, ERR_CRYPTO, "%s signature does not verify",
		    key_alg_name(k->alg));
done:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	if (m != stack)
		free(m);
	return rc;
}

int
key_sign_plain(const struct key *k, const uint8_t *msg, size_t n,
    uint8_t sig[KEY_SIG_LEN], struct err *e)
{
	EVP_MD_CTX *mctx;
	size_t len = KEY_SIG_LEN;
	int ok;

	if (k->alg != KEY_ED25519 || !k->has_secret)
		return err_set(e, ERR_CRYPTO, "plain signatures need an Ed25519 "
		    "secret key");
	if ((mctx = key_md_ctx(k, 1)) == NULL)
		return err_set(e, ERR_CRYPTO, "cannot start Ed25519 signing");
	ok = EVP_DigestSign(mctx, sig, &len, msg, n) == 1 && len == KEY_SIG_LEN;
	key_md_ctx_free(k, mctx);
	return ok ? 0 : err_set(e, ERR_CRYPTO, "Ed25519 signing failed");
}

int
key_verify_plain(const struct key *k, const uint8_t *msg, size_t n,
    const uint8_t sig[KEY_SIG_LEN], struct err *e)
{
	EVP_MD_CTX *mctx;
	int ok;

	if (k->alg != KEY_ED25519 || k->pkey == NULL)
		return err_set(e, ERR_CRYPTO, "plain signatures need an Ed25519 key");
	if ((mctx = key_md_ctx(k, 0)) == NULL)
		return err_set(e, ERR_CRYPTO, "cannot start Ed25519 verification");
	ok = EVP_DigestVerify(mctx, sig, KEY_SIG_LEN, msg, n) == 1;
	key_md_ctx_free(k, mctx);
	return ok ? 0 : err_set(e, ERR_CRYPTO, "Ed25519 signature does not "
	    "verify");
}

int
key_from_seed(const uint8_t seed[32], struct key *k, struct err *e)
{
	memset(k, 0, sizeof(*k));
	k->alg = KEY_ED25519;
	if ((k->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	    seed, 32)) == NULL)
		return err_set(e, ERR_CRYPTO, "invalid Ed25519 seed");
	k->has_secret = 1;
	if (key_fill_public(k, e) != 0) {
		key_free(k);
		return e ? e->code : ERR_CRYPTO;
	}
	return 0;
}
