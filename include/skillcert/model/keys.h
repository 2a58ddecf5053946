/* keys.h - signing keys: Ed25519 (default) or SM2 with SM3.
 *
 * Secret key file (fixed layout, big-endian, mode 0600, created O_EXCL):
 *   magic "SCK1"  u8 alg  u8 kdf (0 none, 1 scrypt)  u8 log2N  u8 pad
 *   kid[8]  salt[16]  check[8] (SHA-256 of the plain secret, first 8)
 *   secret[32] (XOR with scrypt output when kdf=1)
 *   u8 publen  pub[65]
 * Public keys are raw: Ed25519 32 bytes, SM2 65 bytes (04||X||Y).
 * kid = first 8 bytes of SHA-256(alg byte || pub). */
#ifndef SKILLCERT_KEYS_H
#define SKILLCERT_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

#define KEY_ID_LEN 8
#define KEY_PUB_MAX 65
#define KEY_SIG_LEN 64

enum key_alg { KEY_ED25519 = 1, KEY_SM2 = 2 };

struct key {
	int alg;
	uint8_t kid[KEY_ID_LEN];
	uint8_t pub[KEY_PUB_MAX];
	size_t publen;
	void *pkey;      /* EVP_PKEY *, owned */
	int has_secret;
};

const char *key_alg_name(int alg); /* "ed25519", "sm2" */
int key_alg_parse(const char *s);  /* 0 if unknown */

int key_generate(int alg, struct key *k, struct err *e);
int key_from_public(int alg, const uint8_t *pub, size_t len, struct key *k,
    struct err *e);
/* Writes the secret key; refuses to overwrite; passphrase NULL = plain. */
int key_save_secret(const struct key *k, const char *path,
    const char *passphrase, struct err *e);
int key_load_secret(const char *path, const char *passphrase, struct key *k,
    struct err *e);
/* Signs with domain separation: sig covers ctx || 0x00 || msg. */
int key_sign(const struct key *k, const char *ctx, const uint8_t *msg,
    size_t n, uint8_t sig[KEY_SIG_LEN], struct err *e);
/* One thread signing many messages with one key. */
struct key_signer {
	const struct key *k;
	void *mctx;      /* EVP_MD_CTX *, Ed25519 only */
};
int key_signer_init(struct key_signer *s, const struct key *k, struct err *e);
int key_signer_sign(struct key_signer *s, const char *ctx, const uint8_t *msg,
    size_t n, uint8_t sig[KEY_SIG_LEN], struct err *e);
void key_signer_free(struct key_signer *s);
/* 0 valid, ERR_CRYPTO otherwise. */
int key_verify(const struct key *k, const char *ctx, const uint8_t *msg,
    size_t n, const uint8_t sig[KEY_SIG_LEN], struct err *e);
/* Ed25519 over msg itself, with no context: for formats that fix their
 * own message (C2SP signed notes). ERR_CRYPTO for any other algorithm. */
int key_sign_plain(const struct key *k, const uint8_t *msg, size_t n,
    uint8_t sig[KEY_SIG_LEN], struct err *e);
int key_verify_plain(const struct key *k, const uint8_t *msg, size_t n,
    const uint8_t sig[KEY_SIG_LEN], struct err *e);
/* An Ed25519 key pair from its 32-byte seed (RFC 8032). */
int key_from_seed(const uint8_t seed[32], struct key *k, struct err *e);
void key_free(struct key *k);
/* Hex of kid, 16 chars + NUL. */
void key_id_hex(const uint8_t kid[KEY_ID_LEN], char out[2 * KEY_ID_LEN + 1]);

#endif
