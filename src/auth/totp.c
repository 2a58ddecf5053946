/* totp.c - TOTP second factors: RFC 4226 HOTP over HMAC-SHA1 (OpenSSL),
 * RFC 6238 time steps, replay refusal and the otpauth:// enrolment URI. */
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "skillcert/auth/auth.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/endian.h"

int
auth_totp_secret_new(uint8_t sec[AUTH_TOTP_SECRET], struct err *e)
{
	return auth_random(sec, AUTH_TOTP_SECRET, e);
}

uint32_t
auth_hotp(const uint8_t *sec, size_t n, uint64_t counter, int digits)
{
	uint8_t msg[8], mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	uint32_t bin, mod = 1;
	int off;

	be_put64(msg, counter);
	if (HMAC(EVP_sha1(), sec, (int)n, msg, sizeof(msg), mac, &len) == NULL ||
	    len < 20)
		return UINT32_MAX;  /* never a valid code: check compares < 10^6 */
	off = mac[len - 1] & 0x0f;  /* RFC 4226 §5.3 dynamic truncation */
	bin = (uint32_t)(mac[off] & 0x7f) << 24 | (uint32_t)mac[off + 1] << 16 |
	    (uint32_t)mac[off + 2] << 8 | mac[off + 3];
	explicit_bzero(mac, sizeof(mac));
	for (int i = 0; i < digits; i++)
		mod *= 10;
	return bin % mod;
}

uint32_t
auth_totp_code(const uint8_t *sec, size_t n, int64_t step)
{
	return auth_hotp(sec, n, (uint64_t)step, 6);
}

int
auth_totp_check(const uint8_t *sec, size_t n, const char *code,
    int64_t now, int64_t *last_step)
{
	int64_t step = now / AUTH_TOTP_STEP, hit = -1;
	uint32_t want = 0;

	if (code == NULL || strlen(code) != 6)
		return ERR_DENIED;
	for (int i = 0; i < 6; i++) {
		if (code[i] < '0' || code[i] > '9')
			return ERR_DENIED;
		want = want * 10 + (uint32_t)(code[i] - '0');
	}
	/* All three steps are computed whatever matches, so the time taken
	 * does not say which window (or whether any) matched. */
	for (int64_t d = -1; d <= 1; d++) {
		uint32_t c = auth_totp_code(sec, n, step + d);
		if (c == want && step + d > *last_step && hit < 0)
			hit = step + d;
	}
	if (hit < 0)
		return ERR_DENIED;
	*last_step = hit;
	return 0;
}

/* Percent-encodes s (RFC 3986 unreserved kept); returns the length or -1. */
static int
auth_uri_escape(const char *s, char *out, size_t cap)
{
	static const char hx[] = "0123456789ABCDEF";
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL;
		if (o + (keep ? 1 : 3) >= cap)
			return -1;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hx[*p >> 4];
			out[o++] = hx[*p & 15];
		}
	}
	out[o] = '\0';
	return (int)o;
}

int
auth_totp_uri(const char *issuer, const char *account,
    const uint8_t *sec, size_t n, char *out, size_t cap)
{
	char is[200], ac[200], b32[128];
	int w;

	if (n > 64 || auth_uri_escape(issuer, is, sizeof(is)) < 0 ||
	    auth_uri_escape(account, ac, sizeof(ac)) < 0)
		return ERR_FULL;
	base32_encode(sec, n, b32);
	w = snprintf(out, cap, "otpauth://totp/%s:%s?secret=%s&issuer=%s"
	    "&digits=6&period=%d", is, ac, b32, is, AUTH_TOTP_STEP);
	explicit_bzero(b32, sizeof(b32));
	return w < 0 || (size_t)w >= cap ? ERR_FULL : 0;
}
