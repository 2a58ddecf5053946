/* auth.h - the portal's secrets: Argon2id password hashes (libargon2),
 * TOTP second factors (RFC 6238 over RFC 4226, HMAC-SHA1 in OpenSSL),
 * random ids. Pure functions over bytes: nothing here touches the
 * registry, so the store and the HTTP front end share one definition. */
#ifndef SKILLCERT_AUTH_H
#define SKILLCERT_AUTH_H
#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

#define AUTH_HASH_MAX 128      /* PHC string "$argon2id$v=19$m=...$salt$hash" */
#define AUTH_PW_MIN 12         /* characters (code points), not bytes */
#define AUTH_PW_MAX 256        /* bytes; longer is refused before hashing */
#define AUTH_TOTP_SECRET 20    /* bytes (160 bits, RFC 4226 §4) */
#define AUTH_TOTP_STEP 30      /* seconds */
#define AUTH_ID_LEN 32         /* session ids and API tokens: 256 bits */
#define AUTH_ID_TEXT 43        /* an id as base64url text, no padding */
#define AUTH_ARGON2_M_KIB 19456u  /* 19 MiB */
#define AUTH_ARGON2_T 2u

/* OWASP's Argon2id parameters: m = 19 MiB, t = 2, p = 1; 16-byte salt. */
int auth_password_hash(const char *pw, char out[AUTH_HASH_MAX], struct err *e);
/* The same with another memory (KiB) and time cost: the account service
 * takes them from acct_config so unit tests can hash cheaply; production
 * keeps AUTH_ARGON2_M_KIB / AUTH_ARGON2_T. */
int auth_password_hash_cost(const char *pw, uint32_t m_kib, uint32_t t,
    char out[AUTH_HASH_MAX], struct err *e);
/* 0 if pw matches hash; ERR_DENIED if not; ERR_INVALID for a bad hash. */
int auth_password_verify(const char *hash, const char *pw, struct err *e);
/* The policy: at least AUTH_PW_MIN characters, valid UTF-8, at most
 * AUTH_PW_MAX bytes, and not containing the account name (any case).
 * ERR_INVALID with the reason. */
int auth_password_check(const char *pw, const char *account, struct err *e);

/* A new random secret (RAND_bytes). */
int auth_totp_secret_new(uint8_t sec[AUTH_TOTP_SECRET], struct err *e);
/* The 6-digit code of time step `step` (unix time / 30). */
uint32_t auth_totp_code(const uint8_t *sec, size_t n, int64_t step);
/* RFC 4226 HOTP with `digits` digits (1..9), for RFC 6238's 8-digit
 * test vectors; UINT32_MAX if HMAC fails. */
uint32_t auth_hotp(const uint8_t *sec, size_t n, uint64_t counter, int digits);
/* Checks a 6-digit code against now's step and one step either side,
 * refusing a step at or before *last_step (replay); on success sets
 * *last_step to the step that matched. 0 or ERR_DENIED. */
int auth_totp_check(const uint8_t *sec, size_t n, const char *code,
    int64_t now, int64_t *last_step);
/* otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&digits=6&period=30
 * (percent-encoded), for the enrolment QR. */
int auth_totp_uri(const char *issuer, const char *account,
    const uint8_t *sec, size_t n, char *out, size_t cap);

/* Random bytes from OpenSSL; ERR_CRYPTO if the generator fails. */
int auth_random(uint8_t *p, size_t n, struct err *e);
/* SHA-256 of an id: only this is stored for sessions and API tokens. */
void auth_id_hash(const uint8_t *id, size_t n, uint8_t out[32]);
/* Constant-time equality: 1 if equal, 0 if not. */
int auth_equal(const void *a, const void *b, size_t n);
/* An id as 43 base64url characters (cookies, API tokens) and back;
 * parse returns 0 or ERR_INVALID (wrong length, character, or a
 * non-canonical last character). */
void auth_id_text(const uint8_t id[AUTH_ID_LEN], char out[AUTH_ID_TEXT + 1]);
int auth_id_parse(const char *s, uint8_t id[AUTH_ID_LEN]);
#endif
