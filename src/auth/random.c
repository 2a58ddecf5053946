/* random.c - random ids from OpenSSL's generator, their stored hashes,
 * the 43-character base64url text form, and constant-time comparison. */
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "skillcert/auth/auth.h"
#include "skillcert/model/sha256.h"

static const char b64u[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
auth_random(uint8_t *p, size_t n, struct err *e)
{
	if (n > (size_t)0x7fffffff || RAND_bytes(p, (int)n) != 1)
		return err_set(e, ERR_CRYPTO, "random generator failed");
	return 0;
}

void
auth_id_hash(const uint8_t *id, size_t n, uint8_t out[32])
{
	sha256_bytes(id, n, out);
}

int
auth_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

void
auth_id_text(const uint8_t id[AUTH_ID_LEN], char out[AUTH_ID_TEXT + 1])
{
	size_t o = 0;
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < AUTH_ID_LEN; i++) {
		acc = acc << 8 | id[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64u[(acc >> bits) & 63];
		}
	}
	if (bits > 0)
		out[o++] = b64u[(acc << (6 - bits)) & 63];
	out[o] = '\0';
}

static int
auth_b64u_value(char c)
{
	const char *p = c ? strchr(b64u, c) : NULL;
	return p ? (int)(p - b64u) : -1;
}

int
auth_id_parse(const char *s, uint8_t id[AUTH_ID_LEN])
{
	uint32_t acc = 0;
	size_t o = 0;
	int bits = 0, v;

	if (s == NULL || strlen(s) != AUTH_ID_TEXT)
		return ERR_INVALID;
	for (size_t i = 0; i < AUTH_ID_TEXT; i++) {
		if ((v = auth_b64u_value(s[i])) < 0)
			return ERR_INVALID;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			id[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* 43 characters carry 258 bits: the last 2 must be zero (canonical). */
	return (acc & ((1u << bits) - 1)) ? ERR_INVALID : 0;
}
