/* test_auth.c - the portal's secrets: RFC 6238 Appendix B vectors (SHA1),
 * TOTP windows and replay, an Argon2id PHC string from the reference
 * implementation's own tests, the password policy, ids, equality. */
#include <stdint.h>
#include <string.h>

#include "skillcert/auth/auth.h"
#include "test.h"

static const uint8_t rfc_key[] = "12345678901234567890";

static void
test_rfc6238(void)
{
	static const struct { int64_t t; uint32_t code; } v[] = {
		{ 59, 94287082 }, { 1111111109, 7081804 }, { 1111111111, 14050471 },
		{ 1234567890, 89005924 }, { 2000000000, 69279037 },
		{ 20000000000LL, 65353130 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		int64_t step = v[i].t / 30;
		CHECK_EQ_INT(auth_hotp(rfc_key, 20, (uint64_t)step, 8), v[i].code);
		/* The 6-digit code is the last 6 digits of the 8-digit one. */
		CHECK_EQ_INT(auth_totp_code(rfc_key, 20, step), v[i].code % 1000000);
	}
	/* RFC 4226 Appendix D, counter 0 and 9. */
	CHECK_EQ_INT(auth_hotp(rfc_key, 20, 0, 6), 755224);
	CHECK_EQ_INT(auth_hotp(rfc_key, 20, 9, 6), 520489);
}

static void
code_of(int64_t step, char out[7])
{
	snprintf(out, 7, "%06u", auth_totp_code(rfc_key, 20, step));
}

static void
test_totp_check(void)
{
	int64_t now = 1111111111, step = now / 30, last = 0;
	char c[7];

	code_of(step, c);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, c, now, &last), 0);
	CHECK_EQ_INT(last, step);
	/* The same code again is a replay. */
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, c, now, &last), ERR_DENIED);
	/* The previous step's code is at or before last: refused too. */
	code_of(step - 1, c);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, c, now, &last), ERR_DENIED);
	/* The next step is within the window. */
	code_of(step + 1, c);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, c, now, &last), 0);
	CHECK_EQ_INT(last, step + 1);
	/* Two steps away is outside the window. */
	last = 0;
	code_of(step + 2, c);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, c, now, &last), ERR_DENIED);
	code_of(step - 2, c);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, c, now, &last), ERR_DENIED);
	CHECK_EQ_INT(last, 0);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, "12345", now, &last), ERR_DENIED);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, "12345a", now, &last), ERR_DENIED);
	CHECK_EQ_INT(auth_totp_check(rfc_key, 20, "1234567", now, &last), ERR_DENIED);
}

static void
test_totp_uri(void)
{
	char uri[512];
	uint8_t sec[AUTH_TOTP_SECRET];

	CHECK_EQ_INT(auth_totp_uri("skill cert", "a.b", rfc_key, 20, uri,
	    sizeof(uri)), 0);
	CHECK_STR(uri, "otpauth://totp/skill%20cert:a.b?secret="
	    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=skill%20cert&digits=6"
	    "&period=30");
	CHECK_EQ_INT(auth_totp_uri("x", "y", rfc_key, 20, uri, 20), ERR_FULL);
	CHECK_EQ_INT(auth_totp_secret_new(sec, NULL), 0);
}

static void
test_argon2(void)
{
	/* phc-winner-argon2 src/test.c: argon2id, v=19, m=2^16, t=2, p=1. */
	const char *ref = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$"
	    "CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
	char h[AUTH_HASH_MAX], h2[AUTH_HASH_MAX];
	struct err e;

	CHECK_EQ_INT(auth_password_verify(ref, "password", &e), 0);
	CHECK_EQ_INT(auth_password_verify(ref, "passwore", &e), ERR_DENIED);
	/* Not our kind: argon2i, garbage, a damaged tag. */
	CHECK_EQ_INT(auth_password_verify("$argon2i$v=19$m=65536,t=2,p=1$"
	    "c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
	    "password", &e), ERR_INVALID);
	CHECK_EQ_INT(auth_password_verify("", "password", &e), ERR_INVALID);
	CHECK_EQ_INT(auth_password_verify("$argon2id$v=19$m=65536,t=2,p=1$"
	    "c29tZXNhbHQ$!!", "password", &e), ERR_INVALID);
	/* The production cost, once: the string names OWASP's parameters. */
	CHECK_EQ_INT(auth_password_hash("a long enough password", h, &e), 0);
	CHECK(strncmp(h, "$argon2id$v=19$m=19456,t=2,p=1$", 31) == 0);
	CHECK_EQ_INT(auth_password_verify(h, "a long enough password", &e), 0);
	CHECK_EQ_INT(auth_password_verify(h, "a long enough passwor", &e),
	    ERR_DENIED);
	/* Salted: the same password hashes differently. */
	CHECK_EQ_INT(auth_password_hash_cost("a long enough password", 64, 1, h2,
	    &e), 0);
	CHECK(strcmp(h, h2) != 0);
	CHECK_EQ_INT(auth_password_verify(h2, "a long enough password", &e), 0);
}

static void
test_policy(void)
{
	char big[AUTH_PW_MAX + 2];
	struct err e;

	CHECK_EQ_INT(auth_password_check("abcdefghijk", "zed", &e), ERR_INVALID);
	CHECK_EQ_INT(auth_password_check("abcdefghijkl", "zed", &e), 0);
	/* Characters, not bytes: 11 Chinese characters are 33 bytes. */
	CHECK_EQ_INT(auth_password_check("职业技能等级证书养老护理", "zed", &e), 0);
	CHECK_EQ_INT(auth_password_check("职业技能等级证书养老护", "zed", &e),
	    ERR_INVALID);
	CHECK_EQ_INT(auth_password_check("xxZhangWeixx123", "zhangwei", &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "account name") != NULL);
	CHECK_EQ_INT(auth_password_check("\xff\xfe" "abcdefghijklmn", "zed", &e),
	    ERR_INVALID);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ_INT(auth_password_check(big, "zed", &e), ERR_INVALID);
	big[AUTH_PW_MAX] = '\0';
	CHECK_EQ_INT(auth_password_check(big, "zed", &e), 0);
	big[AUTH_PW_MAX] = 'q';
	CHECK_EQ_INT(auth_password_hash_cost(big, 64, 1, (char[AUTH_HASH_MAX]){0},
	    &e), ERR_INVALID);
}

static void
test_ids(void)
{
	uint8_t id[AUTH_ID_LEN], back[AUTH_ID_LEN], h1[32], h2[32];
	char txt[AUTH_ID_TEXT + 1];

	CHECK_EQ_INT(auth_random(id, sizeof(id), NULL), 0);
	auth_id_text(id, txt);
	CHECK_EQ_INT(strlen(txt), 43);
	CHECK(strspn(txt, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == 43);
	CHECK_EQ_INT(auth_id_parse(txt, back), 0);
	CHECK(memcmp(id, back, sizeof(id)) == 0);
	memset(id, 0xff, sizeof(id));
	auth_id_text(id, txt);
	CHECK_EQ_INT(txt[42], '8');  /* 4 bits then 2 zero bits: 111100 */
	txt[42] = '9';               /* a non-zero pad bit */
	CHECK_EQ_INT(auth_id_parse(txt, back), ERR_INVALID);
	txt[42] = '+';
	CHECK_EQ_INT(auth_id_parse(txt, back), ERR_INVALID);
	CHECK_EQ_INT(auth_id_parse("short", back), ERR_INVALID);
	auth_id_hash((const uint8_t *)"abc", 3, h1);
	CHECK_EQ_INT(h1[0], 0xba);   /* SHA-256("abc") = ba7816bf... */
	CHECK_EQ_INT(h1[31], 0xad);
	memcpy(h2, h1, 32);
	CHECK_EQ_INT(auth_equal(h1, h2, 32), 1);
	h2[31] ^= 1;
	CHECK_EQ_INT(auth_equal(h1, h2, 32), 0);
	CHECK_EQ_INT(auth_equal(h1, h2, 31), 1);
}

int
main(void)
{
	test_rfc6238();
	test_totp_check();
	test_totp_uri();
	test_argon2();
	test_policy();
	test_ids();
	TEST_END();
}
