/* test_core.c - certificate numbers, keys, canonical encoding, tokens,
 * catalogs and organization scope. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/catalog.h"
#include "skillcert/model/org.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

static void
test_certno(void)
{
	struct certno c;
	struct err e;
	char out[CERTNO_LEN + 1];
	uint8_t packed[CERTNO_PACKED_LEN];
	struct certno back;

	CHECK_EQ_INT(certno_parse("S000036000001213000042", &c, &e), 0);
	CHECK_STR(c.org, "S000036000001");
	CHECK_EQ_INT(c.year2, 21);
	CHECK_EQ_INT(c.level, 3);
	CHECK_EQ_INT(c.seq, 42);
	certno_format(&c, out);
	CHECK_STR(out, "S000036000001213000042");
	certno_pack(&c, packed);
	CHECK_EQ_INT(certno_unpack(packed, &back), 0);
	certno_format(&back, out);
	CHECK_STR(out, "S000036000001213000042");
	/* the format's every rule */
	CHECK(certno_parse("X000036000001213000042", &c, &e) != 0);
	CHECK(strstr(e.msg, "S or Y") != NULL);
	CHECK(certno_parse("S000036000001216000042", &c, &e) != 0); /* level 6 */
	CHECK(certno_parse("S00003600000121300004", &c, &e) != 0);  /* 21 chars */
	CHECK(certno_parse("S000036000001213000000", &c, &e) != 0); /* seq 0 */
	CHECK(certno_parse("S000099000001213000001", &c, &e) != 0); /* province 99 */
	CHECK(certno_parse("S0000360000012130000a1", &c, &e) != 0);
	CHECK(strstr(e.msg, "byte 21") != NULL);
	CHECK_EQ_INT(orgcode_check("Y000051000001", &e), 0);
	CHECK(orgcode_check("Y00005100000", &e) != 0);
	CHECK_EQ_INT(orgcode_province("Y000051000001"), 51);
}

static void
fill_cert(struct cert *c, const struct key *k)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->no, "S000036000001213000042");
	strcpy(c->org, "S000036000001");
	c->level = 3;
	strcpy(c->name, "阿依古丽·买买提");
	c->id_type = 1;
	strcpy(c->id_number, "11010519491231002X");
	strcpy(c->occ_code, "4-10-01-06");
	strcpy(c->trade, "母婴护理员");
	c->method = 1;
	date_from_ymd(2021, 3, 15, &c->assessed_on);
	date_from_ymd(2021, 3, 20, &c->issued_on);
	strcpy(c->brand, "江西表嫂");
	c->alg = k->alg;
	memcpy(c->kid, k->kid, KEY_ID_LEN);
}

static void
test_sign_roundtrip(int alg)
{
	struct key k, pub, other;
	struct cert c, d;
	struct buf enc = BUF_INIT, enc2 = BUF_INIT, tok = BUF_INIT, url = BUF_INIT;
	uint8_t sig[CERT_SIG_LEN], sig2[CERT_SIG_LEN], salt[CERT_SALT_LEN];
	struct err e;

	CHECK_EQ_INT(key_generate(alg, &k, &e), 0);
	CHECK_EQ_INT(key_generate(alg, &other, &e), 0);
	CHECK_EQ_INT(key_from_public(alg, k.pub, k.publen, &pub, &e), 0);
	CHECK(memcmp(pub.kid, k.kid, KEY_ID_LEN) == 0);
	fill_cert(&c, &k);
	CHECK_EQ_INT(cert_id_bind(&c, salt, &e), 0);
	CHECK_EQ_INT(cert_sign(&c, &k, &enc, sig, &e), 0);
	CHECK_EQ_INT(cert_verify(enc.data, enc.len, sig, &pub, &e), 0);
	CHECK(cert_verify(enc.data, enc.len, sig, &other, &e) != 0);
	/* every byte matters */
	for (size_t i = 0; i < enc.len; i += 7) {
		enc.data[i] ^= 1;
		CHECK(cert_verify(enc.data, enc.len, sig, &pub, &e) != 0);
		enc.data[i] ^= 1;
	}
	/* canonical: decode then encode gives the same bytes */
	CHECK_EQ_INT(cert_decode(enc.data, enc.len, &d, &e), 0);
	CHECK_STR(d.name, c.name);
	CHECK_STR(d.id_number, "");   /* token v2: not in the encoding */
	CHECK_STR(d.id_masked, "1101**********002X");
	CHECK_EQ_INT(d.version, 2);
	CHECK_STR(d.no, c.no);
	CHECK_STR(d.trade, c.trade);
	CHECK_STR(d.brand, c.brand);
	CHECK_EQ_INT(d.assessed_on, c.assessed_on);
	CHECK_EQ_INT(cert_encode(&d, &enc2, &e), 0);
	CHECK(enc2.len == enc.len && memcmp(enc2.data, enc.data, enc.len) == 0);
	/* trailing byte and truncation rejected */
	buf_append_byte(&enc2, 0);
	CHECK(cert_decode(enc2.data, enc2.len, &d, &e) != 0);
	CHECK(strstr(e.msg, "trailing") != NULL);
	CHECK(cert_decode(enc.data, enc.len - 1, &d, &e) != 0);
	/* token and URL */
	CHECK_EQ_INT(cert_token(enc.data, enc.len, sig, &tok, &e), 0);
	buf_cstr(&tok);
	CHECK_EQ_INT(cert_token_url("https://cert.example.cn/", (char *)tok.data, &url, &e), 0);
	CHECK(strncmp((char *)url.data, "HTTPS://CERT.EXAMPLE.CN/V/", 26) == 0);
	CHECK(url.len <= CERT_TOKEN_URL_MAX);
	for (size_t i = 0; i < url.len; i++)
		CHECK(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", url.data[i]) != NULL);
	struct buf penc = BUF_INIT;
	CHECK_EQ_INT(cert_token_parse((char *)tok.data, tok.len, &d, &penc, sig2, &e), 0);
	CHECK(memcmp(sig, sig2, CERT_SIG_LEN) == 0);
	CHECK(penc.len == enc.len && memcmp(penc.data, enc.data, enc.len) == 0);
	/* lower case accepted (QR readers and typing) */
	for (size_t i = 0; i < tok.len; i++)
		if (tok.data[i] >= 'A' && tok.data[i] <= 'Z')
			tok.data[i] += 32;
	CHECK_EQ_INT(cert_token_parse((char *)tok.data, tok.len, &d, &penc, sig2, &e), 0);
	tok.data[3] = '1'; /* not base32 */
	CHECK(cert_token_parse((char *)tok.data, tok.len, &d, &penc, sig2, &e) != 0);
	CHECK(strstr(e.msg, "character 4") != NULL);
	printf("%s token URL: %zu characters\n", key_alg_name(alg), url.len);
	buf_free(&penc);
	buf_free(&enc);
	buf_free(&enc2);
	buf_free(&tok);
	buf_free(&url);
	key_free(&k);
	key_free(&pub);
	key_free(&other);
}

static void
test_key_files(void)
{
	char dir[] = "/tmp/sckeysXXXXXX", path[300];
	struct key k, l;
	struct err e;
	struct stat st;
	uint8_t sig[64];

	CHECK(mkdtemp(dir) != NULL);
	for (int alg = 1; alg <= 2; alg++) {
		for (int enc = 0; enc <= 1; enc++) {
			const char *pass = enc ? "correct horse" : NULL;
			snprintf(path, sizeof(path), "%s/k%d%d.key", dir, alg, enc);
			CHECK_EQ_INT(key_generate(alg, &k, &e), 0);
			CHECK_EQ_INT(key_save_secret(&k, path, pass, &e), 0);
			CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
			/* O_EXCL: never overwritten */
			CHECK_EQ_INT(key_save_secret(&k, path, pass, &e), ERR_EXISTS);
			CHECK_EQ_INT(key_load_secret(path, pass, &l, &e), 0);
			CHECK(memcmp(l.kid, k.kid, KEY_ID_LEN) == 0);
			CHECK_EQ_INT(key_sign(&l, "t", (const uint8_t *)"m", 1, sig, &e), 0);
			CHECK_EQ_INT(key_verify(&k, "t", (const uint8_t *)"m", 1, sig, &e), 0);
			/* the context is signed too */
			CHECK(key_verify(&k, "u", (const uint8_t *)"m", 1, sig, &e) != 0);
			key_free(&l);
			if (enc) {
				CHECK_EQ_INT(key_load_secret(path, "wrong", &l, &e), ERR_DENIED);
				CHECK(strstr(e.msg, "wrong passphrase") != NULL);
				CHECK_EQ_INT(key_load_secret(path, NULL, &l, &e), ERR_DENIED);
			}
			chmod(path, 0644);
			CHECK_EQ_INT(key_load_secret(path, pass, &l, &e), ERR_DENIED);
			CHECK(strstr(e.msg, "chmod 600") != NULL);
			unlink(path);
			key_free(&k);
		}
	}
	rmdir(dir);
}

static void
test_catalog(void)
{
	struct catalog c;
	struct err e;
	const char *occ = "# comment\ncode,name,levels,trades,confirmed\n"
	    "4-10-01-05,养老护理员,5-1,,yes\n4-10-01-06,家政服务员,5-2,母婴护理员|家务服务员,yes\n"
	    "4-03-02-06,营养配餐员,4-1,,yes\n";
	const char *brands = "province,occupations,mark,art\n"
	    "36,*,江西表嫂,\n51,4-10-01-05|4-10-01-06,天府妹子,\n";
	const struct occupation *o;
	const struct brand_rule *b;
	struct org org;

	memset(&c, 0, sizeof(c));
	CHECK_EQ_INT(catalog_parse(&c, CAT_OCCUPATIONS, occ, strlen(occ), &e), 0);
	CHECK_EQ_INT(c.nocc, 3);
	o = catalog_occ_by_name(&c, "家政服务员");
	CHECK(o != NULL && catalog_occ_has_trade(o, "母婴护理员") && !catalog_occ_has_trade(o, "厨师"));
	CHECK(o && !(o->levels & (1 << 1)) && (o->levels & (1 << 2)));
	o = catalog_occ_by_name(&c, "营养配餐员");
	CHECK(o && !(o->levels & (1 << 5))); /* no 五级 */
	CHECK_EQ_INT(catalog_parse(&c, CAT_BRANDS, brands, strlen(brands), &e), 0);
	b = catalog_brand_for(&c, 36, "4-10-01-02");
	CHECK(b && strcmp(b->mark, "江西表嫂") == 0);
	b = catalog_brand_for(&c, 51, "4-10-01-06");
	CHECK(b && strcmp(b->mark, "天府妹子") == 0);
	CHECK(catalog_brand_for(&c, 51, "4-10-01-0") == NULL); /* no prefix match */
	CHECK(catalog_brand_for(&c, 41, "4-10-01-05") == NULL);
	/* a bad file names its line and leaves nothing half-loaded */
	const char *bad = "code,name,levels,trades,confirmed\n4-10-01-05,养老护理员,5-1,,yes\n"
	    "4-10-1-06,家政服务员,5-2,,yes\n";
	CHECK(catalog_parse(&c, CAT_OCCUPATIONS, bad, strlen(bad), &e) != 0);
	CHECK(strstr(e.msg, "line 3") != NULL);
	CHECK_EQ_INT(c.nocc, 0);
	CHECK_EQ_INT(catalog_parse(&c, CAT_OCCUPATIONS, occ, strlen(occ), &e), 0);
	/* levels */
	CHECK_EQ_INT(level_parse("3"), 3);
	CHECK_EQ_INT(level_parse("三级"), 3);
	CHECK_EQ_INT(level_parse("三级/高级工"), 3);
	CHECK_EQ_INT(level_parse("三级（高级工）"), 3);
	CHECK_EQ_INT(level_parse("高级技师"), 1);
	CHECK_EQ_INT(level_parse("三级/技师"), 0);
	CHECK_EQ_INT(level_parse("6"), 0);
	CHECK_STR(level_full(4), "四级/中级工");
	/* scope */
	memset(&org, 0, sizeof(org));
	CHECK_EQ_INT(org_scope_parse(&c, "养老护理员:5-1,家政服务员:5-3", &org, &e), 0);
	uint8_t p[4];
	cert_occ_pack("4-10-01-06", p);
	CHECK_EQ_INT(org_scope_allows(&org, p, 3), 0);
	CHECK(org_scope_allows(&org, p, 2) != 0);
	CHECK(org_scope_parse(&c, "家政服务员:5-1", &org, &e) != 0); /* 一级 undefined */
	CHECK(strstr(e.msg, "defines levels 5-2") != NULL);
	CHECK(org_scope_parse(&c, "厨师:5", &org, &e) != 0);
	/* Separators as operators type them: '，' '、' and '：' are whole
	 * characters (strtok on "，" used to split inside other characters). */
	CHECK_EQ_INT(org_scope_parse(&c, "养老护理员:5-1，家政服务员:5-3",
	    &org, &e), 0);
	CHECK_EQ_INT(org.nscope, 2);
	CHECK_EQ_INT(org_scope_parse(&c, "养老护理员：5-1、家政服务员:5-3,", &org, &e), 0);
	CHECK_EQ_INT(org.nscope, 2);
	CHECK_EQ_INT(org.scope[1].levels, 0x38);
	CHECK(org_scope_parse(&c, "养老护理员5-1", &org, &e) != 0);
	CHECK(strstr(e.msg, "lacks ':levels'") != NULL);
	catalog_free(&c);
}

int
main(void)
{
	test_certno();
	test_sign_roundtrip(KEY_ED25519);
	test_sign_roundtrip(KEY_SM2);
	test_key_files();
	test_catalog();
	TEST_END();
}
