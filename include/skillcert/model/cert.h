/* cert.h - a certificate's signed fields, their one canonical binary
 * encoding, and the QR token derived from it.
 *
 * Encoding (version 1), big-endian, every field always present:
 *   u8  version (1)      u8 alg (KEY_ED25519 / KEY_SM2)   kid[8]
 *   certno packed[11]    (org code, year, level, sequence)
 *   u16 assessed_on      u16 issued_on   (days since 2000-01-01)
 *   occ[4]               occupation code N-NN-NN-NN as four bytes
 *   u8 method            u8 id_type
 *   id number            u8 header: 0x80|count = nibble packed [0-9X], else count + ASCII
 *   str name             str trade       str brand     (str = u8 length + UTF-8)
 * The signature (64 bytes: Ed25519, or SM2 r||s) covers
 * "skillcert/cert/v1" || 0x00 || encoding.
 * Token = base32(encoding || signature), upper case, no padding. */
#ifndef SKILLCERT_CERT_H
#define SKILLCERT_CERT_H

#include <stdint.h>
#include <stddef.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/certno.h"
#include "skillcert/model/keys.h"

#define CERT_VERSION 1
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
	int id_type;                     /* catalog id type code 1..6 */
	char id_number[CERT_ID_MAX + 1];
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

/* Canonical encoding of c into out (cleared first). */
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
