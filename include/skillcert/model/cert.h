/* cert.h - a certificate's signed fields, their one canonical binary
 * encoding, and the QR token derived from it.
 *
 * Encoding version 2 (what is issued), big-endian, every field present:
 *   u8  version (2)      u8 alg (KEY_ED25519 / KEY_SM2)   kid[8]
 *   certno packed[11]    (org code, year, level, sequence)
 *   u16 assessed_on      u16 issued_on   (days since 2000-01-01)
 *   occ[4]               occupation code N-NN-NN-NN as four bytes
 *   u8 method            u8 id_type
 *   masked id number     u8 header: the number's length n (1..32), | 0x80
 *                        when the characters mask_id keeps of n (first 4
 *                        and last 4 of 18) are all [0-9X] and follow
 *                        nibble packed; else they follow as ASCII
 *   commit[16]           HMAC-SHA-256(salt, u8 id_type || id number),
 *                        first 16 bytes; the 16-byte salt is random per
 *                        certificate and stays in the registry record
 *   str name             str trade       str brand     (str = u8 length + UTF-8)
 * Version 1 (still decoded and verified) has, instead of the masked
 * number and commit, the full number: u8 header 0x80|count = nibble
 * packed [0-9X], else count + ASCII.
 * The signature (64 bytes: Ed25519, or SM2 r||s) covers
 * "skillcert/cert/v1" || 0x00 || encoding (the version byte is signed).
 * Token = base32(encoding || signature), upper case, no padding. */
#ifndef SKILLCERT_CERT_H
#define SKILLCERT_CERT_H

#include <stdint.h>
#include <stddef.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/certno.h"
#include "skillcert/model/keys.h"

#define CERT_VERSION 2          /* what cert_encode writes by default */
#define CERT_VERSION_V1 1       /* carries the full ID number */
#define CERT_SALT_LEN 16
#define CERT_COMMIT_LEN 16
#define CERT_NAME_MAX 60   /* bytes of UTF-8: 20 CJK characters, some rare */
#define CERT_ID_MAX 32
#define CERT_TRADE_MAX 48
#define CERT_BRAND_MAX 48
#define CERT_OCC_MAX 15
#define CERT_SIG_LEN 64
#define CERT_ENC_MAX 256
#define CERT_TOKEN_URL_MAX 300

struct cert {
	char no[CERTNO_LEN + 1];
	char org[ORGCODE_LEN + 1];
	int level;                       /* 1..5, also inside no */
	char name[CERT_NAME_MAX + 1];
	int version;                     /* 0 (= CERT_VERSION), 1 or 2 */
	int id_type;                     /* catalog id type code 1..6 */
	char id_number[CERT_ID_MAX + 1]; /* v1: signed; v2: not in the
	                                    encoding ("" when decoded; the
	                                    registry record fills it) */
	char id_masked[CERT_ID_MAX + 1]; /* mask_id form: v2 signed, v1 derived */
	uint8_t id_commit[CERT_COMMIT_LEN]; /* v2 only */
	char occ_code[CERT_OCC_MAX + 1]; /* "4-10-01-05" */
	char trade[CERT_TRADE_MAX + 1];  /* "" when none (printed "--") */
	int method;                      /* catalog method code */
	int32_t assessed_on;             /* days since 1970-01-01 */
	int32_t issued_on;
	char brand[CERT_BRAND_MAX + 1];  /* "" when none */
	int alg;
	uint8_t kid[KEY_ID_LEN];
};

enum cert_status { CERT_VALID = 1, CERT_REVOKED = 2 };
enum revoke_reason {
	REV_NONE = 0, REV_ISSUED_IN_ERROR = 1, REV_FRAUD = 2, REV_REISSUED = 3,
	REV_HOLDER_REQUEST = 4, REV_ORG_SUSPENDED = 5
};

/* Binds a v2 certificate to its holder: draws a fresh salt, sets
 * id_masked from id_number and id_commit from (salt, id_type, id_number).
 * The caller keeps salt in the registry and explicit_bzero()s copies. */
int cert_id_bind(struct cert *c, uint8_t salt[CERT_SALT_LEN], struct err *e);
/* out = HMAC-SHA-256(salt, u8 id_type || id_number)[0..16). */
int cert_id_commit(const uint8_t salt[CERT_SALT_LEN], int id_type,
    const char *id_number, uint8_t out[CERT_COMMIT_LEN], struct err *e);
/* 0 when c's commitment is that of (salt, c->id_type, c->id_number);
 * ERR_CRYPTO when it is not (constant time), ERR_INVALID for a v1. */
int cert_id_check(const struct cert *c, const uint8_t salt[CERT_SALT_LEN],
    struct err *e);

/* Canonical encoding of c into out (cleared first): version c->version
 * (0 = CERT_VERSION). v2 encodes id_masked and id_commit (cert_id_bind),
 * never id_number. */
int cert_encode(const struct cert *c, struct buf *out, struct err *e);
/* Strict decode: rejects trailing bytes, bad UTF-8, bad number, and any
 * value that would not encode back to the same bytes. */
int cert_decode(const uint8_t *p, size_t n, struct cert *c, struct err *e);

int cert_sign(const struct cert *c, const struct key *k, struct buf *enc,
    uint8_t sig[CERT_SIG_LEN], struct err *e);
/* Signs an encoding made by cert_encode (the issuer encodes once). */
int cert_sign_enc(const uint8_t *enc, size_t n, struct key_signer *s,
    uint8_t sig[CERT_SIG_LEN], struct err *e);
/* 0 valid, ERR_CRYPTO on a bad signature. */
int cert_verify(const uint8_t *enc, size_t n, const uint8_t sig[CERT_SIG_LEN],
    const struct key *k, struct err *e);

/* Token: base32 of enc||sig. */
int cert_token(const uint8_t *enc, size_t n, const uint8_t sig[CERT_SIG_LEN],
    struct buf *out, struct err *e);
/* Splits a token back into enc (decoded into c) and sig. Accepts lower
 * case. Errors name the offending character offset. */
int cert_token_parse(const char *tok, size_t len, struct cert *c,
    struct buf *enc, uint8_t sig[CERT_SIG_LEN], struct err *e);
/* "PUBLIC_URL/V/TOKEN", upper-cased; ERR_FULL when > CERT_TOKEN_URL_MAX. */
int cert_token_url(const char *public_url, const char *token, struct buf *out,
    struct err *e);

/* Occupation code "N-NN-NN-NN" <-> 4 bytes. */
int cert_occ_pack(const char *s, uint8_t out[4]);
void cert_occ_unpack(const uint8_t in[4], char out[CERT_OCC_MAX + 1]);

/* Status and revocation reasons, as stored and shown. */
const char *cert_reason_name(int r);   /* "issued-in-error" ... */
int cert_reason_parse(const char *s);  /* 0 unknown */
const char *cert_status_name(int s);     /* "valid" / "revoked" */

#endif
