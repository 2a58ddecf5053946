/* test_token.c - token v2: the masked ID number and the salted commitment
 * instead of the number itself; v1 encodings still decode and verify. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "skillcert/model/cert.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/date.h"
#include "skillcert/base/mask.h"

static void
fill(struct cert *c, const struct key *k, const char *id)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->no, "S000036000001245000007");
	strcpy(c->org, "S000036000001");
	c->level = 5;
	strcpy(c->name, "张晓华");
	c->id_type = 1;
	snprintf(c->id_number, sizeof(c->id_number), "%s", id);
	strcpy(c->occ_code, "4-10-01-05");
	c->method = 1;
	date_from_ymd(2024, 5, 2, &c->assessed_on);
	date_from_ymd(2024, 5, 9, &c->issued_on);
	strcpy(c->brand, "江西表嫂");
	c->alg = k->alg;
	memcpy(c->kid, k->kid, KEY_ID_LEN);
}

/* Whether needle occurs in hay, as bytes. */
static int
has_bytes(const uint8_t *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(hay + i, needle, m) == 0)
			return 1;
	return 0;
}

static void
test_mask_exact(void)
{
	char m[CERT_ID_MAX + 1];

	mask_id("36010219800101123X", m, sizeof(m));
	CHECK_STR(m, "3601**********123X");
	mask_id("E12345678", m, sizeof(m));
	CHECK_STR(m, "E1*****78");
	mask_id("H123456", m, sizeof(m));
	CHECK_STR(m, "******6");
}

static void
test_v2_roundtrip(const struct key *k)
{
	struct cert c, d;
	struct buf enc = BUF_INIT, enc2 = BUF_INIT, tok = BUF_INIT;
	uint8_t sig[CERT_SIG_LEN], sig2[CERT_SIG_LEN], salt[CERT_SALT_LEN];
	uint8_t raw[CERT_ENC_MAX + CERT_SIG_LEN];
	struct err e;
	long n;

	fill(&c, k, "36010219800101123X");
	CHECK_EQ_INT(cert_id_bind(&c, salt, &e), 0);
	CHECK_STR(c.id_masked, "3601**********123X");
	CHECK_EQ_INT(cert_sign(&c, k, &enc, sig, &e), 0);
	CHECK_EQ_INT(enc.data[0], 2);
	CHECK_EQ_INT(cert_verify(enc.data, enc.len, sig, k, &e), 0);
	CHECK_EQ_INT(cert_decode(enc.data, enc.len, &d, &e), 0);
	CHECK_EQ_INT(d.version, 2);
	CHECK_STR(d.id_masked, "3601**********123X");
	CHECK_STR(d.id_number, "");
	CHECK(memcmp(d.id_commit, c.id_commit, CERT_COMMIT_LEN) == 0);
	CHECK_STR(d.name, "张晓华");
	CHECK_STR(d.brand, "江西表嫂");
	CHECK_EQ_INT(d.issued_on, c.issued_on);
	CHECK_EQ_INT(cert_encode(&d, &enc2, &e), 0);
	CHECK(enc2.len == enc.len && memcmp(enc2.data, enc.data, enc.len) == 0);
	/* The token: the number is in it neither as text nor packed. */
	CHECK_EQ_INT(cert_token(enc.data, enc.len, sig, &tok, &e), 0);
	n = base32_decode((char *)tok.data, tok.len, raw, sizeof(raw), NULL);
	CHECK(n == (long)(enc.len + CERT_SIG_LEN));
	CHECK(!has_bytes(raw, (size_t)n, "36010219800101123X"));
	CHECK(!has_bytes(raw, (size_t)n, "\x36\x01\x02\x19\x80\x01\x01\x12"));
	CHECK(!has_bytes(raw, (size_t)n, "0219800101"));
	CHECK_EQ_INT(cert_token_parse((char *)tok.data, tok.len, &d, &enc2, sig2,
	    &e), 0);
	CHECK(memcmp(sig, sig2, CERT_SIG_LEN) == 0);
	/* The salt's owner proves the holder; another number fails. */
	strcpy(d.id_number, "36010219800101123X");
	CHECK_EQ_INT(cert_id_check(&d, salt, &e), 0);
	strcpy(d.id_number, "36010219800101124X");
	CHECK_EQ_INT(cert_id_check(&d, salt, &e), ERR_CRYPTO);
	/* Truncated, trailing, unknown version. */
	CHECK(cert_decode(enc.data, enc.len - 1, &d, &e) != 0);
	buf_append_byte(&enc, 0);
	CHECK(cert_decode(enc.data, enc.len, &d, &e) != 0);
	enc.len--;
	enc.data[0] = 3;
	CHECK(cert_decode(enc.data, enc.len, &d, &e) != 0);
	explicit_bzero(salt, sizeof(salt));
	buf_free(&enc);
	buf_free(&enc2);
	buf_free(&tok);
}

static void
test_commitment(void)
{
	uint8_t s1[CERT_SALT_LEN], s2[CERT_SALT_LEN];
	uint8_t a[CERT_COMMIT_LEN], b[CERT_COMMIT_LEN];
	struct err e;

	memset(s1, 0x11, sizeof(s1));
	memcpy(s2, s1, sizeof(s2));
	s2[15] ^= 1;
	CHECK_EQ_INT(cert_id_commit(s1, 1, "36010219800101123X", a, &e), 0);
	CHECK_EQ_INT(cert_id_commit(s1, 1, "36010219800101123X", b, &e), 0);
	CHECK(memcmp(a, b, sizeof(a)) == 0);
	/* another salt */
	CHECK_EQ_INT(cert_id_commit(s2, 1, "36010219800101123X", b, &e), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* one digit of the number */
	CHECK_EQ_INT(cert_id_commit(s1, 1, "36010219800101223X", b, &e), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* the document type */
	CHECK_EQ_INT(cert_id_commit(s1, 4, "36010219800101123X", b, &e), 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	/* HMAC-SHA-256(key 16 x 0x11, 0x01 || "36010219800101123X")[0..16),
	 * as Python's hmac module computes it. */
	{
		static const uint8_t want[CERT_COMMIT_LEN] = {
			0x97, 0x3e, 0x47, 0x08, 0x5e, 0x3b, 0x34, 0x86,
			0x99, 0xea, 0x2a, 0x91, 0x6d, 0xcf, 0xa6, 0x2a };
		CHECK(memcmp(a, want, sizeof(want)) == 0);
	}
	CHECK(cert_id_commit(s1, 0, "1", b, &e) != 0);
	CHECK(cert_id_commit(s1, 1, "", b, &e) != 0);
}

static void
test_v2_other_ids(const struct key *k)
{
	static const char *ids[] = { "E12345678", "H123456", "830000199001010019",
	    "AB*CD-EF12", "X" };
	static const char *masks[] = { "E1*****78", "******6",
	    "8300**********0019", "AB******12", "*" };
	struct cert c, d;
	struct buf enc = BUF_INIT, enc2 = BUF_INIT;
	uint8_t salt[CERT_SALT_LEN];
	struct err e;

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		fill(&c, k, ids[i]);
		CHECK_EQ_INT(cert_id_bind(&c, salt, &e), 0);
		CHECK_EQ_INT(cert_encode(&c, &enc, &e), 0);
		CHECK_EQ_INT(cert_decode(enc.data, enc.len, &d, &e), 0);
		CHECK_STR(d.id_masked, masks[i]);
		CHECK_EQ_INT(cert_encode(&d, &enc2, &e), 0);
		CHECK(enc2.len == enc.len && memcmp(enc2.data, enc.data,
		    enc.len) == 0);
		CHECK(strlen(ids[i]) < 8 || !has_bytes(enc.data, enc.len, ids[i]));
	}
	/* A mask with a character where the stars belong is refused. */
	fill(&c, k, "36010219800101123X");
	CHECK_EQ_INT(cert_id_bind(&c, salt, &e), 0);
	c.id_masked[6] = '8';
	CHECK(cert_encode(&c, &enc, &e) != 0);
	/* Unbound (no mask): refused rather than encoded without one. */
	c.id_masked[0] = '\0';
	CHECK(cert_encode(&c, &enc, &e) != 0);
	explicit_bzero(salt, sizeof(salt));
	buf_free(&enc);
	buf_free(&enc2);
}

static void
test_v1_still_decodes(const struct key *k)
{
	struct cert c, d;
	struct buf enc = BUF_INIT, enc2 = BUF_INIT, tok = BUF_INIT;
	uint8_t sig[CERT_SIG_LEN], sig2[CERT_SIG_LEN];
	struct err e;

	fill(&c, k, "36010219800101123X");
	c.version = CERT_VERSION_V1;      /* the encoder before token v2 */
	CHECK_EQ_INT(cert_sign(&c, k, &enc, sig, &e), 0);
	CHECK_EQ_INT(enc.data[0], 1);
	CHECK_EQ_INT(cert_verify(enc.data, enc.len, sig, k, &e), 0);
	CHECK_EQ_INT(cert_token(enc.data, enc.len, sig, &tok, &e), 0);
	CHECK_EQ_INT(cert_token_parse((char *)tok.data, tok.len, &d, &enc2, sig2,
	    &e), 0);
	CHECK_EQ_INT(d.version, 1);
	CHECK_STR(d.id_number, "36010219800101123X");
	CHECK_STR(d.id_masked, "3601**********123X");
	CHECK_EQ_INT(cert_id_check(&d, (const uint8_t *)"0123456789abcdef", &e),
	    ERR_INVALID);
	CHECK_EQ_INT(cert_encode(&d, &enc2, &e), 0);
	CHECK(enc2.len == enc.len && memcmp(enc2.data, enc.data, enc.len) == 0);
	buf_free(&enc);
	buf_free(&enc2);
	buf_free(&tok);
}

int
main(void)
{
	struct key k;
	struct err e;

	if (key_generate(KEY_ED25519, &k, &e) != 0) {
		fprintf(stderr, "key: %s\n", e.msg);
		return 2;
	}
	test_mask_exact();
	test_v2_roundtrip(&k);
	test_commitment();
	test_v2_other_ids(&k);
	test_v1_still_decodes(&k);
	key_free(&k);
	TEST_END();
}
