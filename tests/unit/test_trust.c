/* test_trust.c - every verdict of offline verification against a trust
 * bundle, the bundle's own integrity, and `log audit` catching records
 * edited directly in LMDB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/logview.h"
#include "skillcert/publish/bundle.h"
#include "skillcert/trust/trust.h"
#include "skillcert/trust/verify.h"

#define ORG "S000036000001"
#define ORG2 "S000036000002"
#define ORG3 "S000036000003"

static char dir[64];
static struct registry *r;
static int32_t today;

static void
add_org(MDB_txn *txn, const char *code, const char *scope, int alg)
{
	struct err e;

	if (gen_org(r, txn, code, scope, alg, &e) != 0) {
		fprintf(stderr, "org: %s\n", e.msg);
		exit(2);
	}
}

/* The encoding version craft() writes: 0 = current (v2), 1 = the old
 * encoder, as tokens issued before v2 were made. */
static int craft_version;

/* A certificate signed with k, fields as given: what an issuer (honest or
 * not) could produce outside the registry. */
static void
craft(const struct key *k, const char *no, int level, int32_t issued,
    struct buf *tok)
{
	struct cert c;
	struct buf enc = BUF_INIT;
	uint8_t sig[CERT_SIG_LEN], salt[CERT_SALT_LEN];
	struct err e;

	memset(&c, 0, sizeof(c));
	strcpy(c.no, no);
	memcpy(c.org, no, ORGCODE_LEN);
	c.level = level;
	strcpy(c.name, "测试人");
	c.id_type = 1;
	strcpy(c.id_number, "11010519491231002X");
	strcpy(c.occ_code, "4-10-01-05");
	c.method = 1;
	c.assessed_on = issued - 10;
	c.issued_on = issued;
	c.alg = k->alg;
	memcpy(c.kid, k->kid, KEY_ID_LEN);
	if (cert_id_bind(&c, salt, &e) != 0)
		exit(2);
	explicit_bzero(salt, sizeof(salt));
	c.version = craft_version;
	if (cert_sign(&c, k, &enc, sig, &e) ||
	    cert_token(enc.data, enc.len, sig, tok, &e)) {
		fprintf(stderr, "craft: %s\n", e.msg);
		exit(2);
	}
	buf_cstr(tok);
	buf_free(&enc);
}

static int
verdict_of(const struct trust *t, const struct buf *tok, struct verify_result *res)
{
	verify_token(t, (const char *)tok->data, tok->len, res);
	return res->verdict;
}

static const char *
failed_check(const struct verify_result *res)
{
	for (int i = 0; i < res->nchecks; i++)
		if (res->checks[i].ok != 1)
			return res->checks[i].name;
	return "";
}

static void
load_org_key(const char *code, struct key *k)
{
	struct org o;
	struct err e;
	char path[PATH_MAX];
	MDB_txn *txn;

	registry_txn_begin(r, 1, &txn, &e);
	registry_get_org(r, txn, code, &o, &e);
	mdb_txn_abort(txn);
	registry_org_key_path(r, code, o.kid, path);
	if (key_load_secret(path, NULL, k, &e) != 0) {
		fprintf(stderr, "key: %s\n", e.msg);
		exit(2);
	}
}

static void
export(struct trust *t)
{
	struct buf b = BUF_INIT;
	struct err e;
	MDB_txn *txn;

	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(bundle_build(r, txn, &b, &e), 0);
	mdb_txn_abort(txn);
	CHECK_EQ_INT(trust_parse(b.data, b.len, t, &e), 0);
	/* one flipped bit anywhere and the bundle is refused */
	for (size_t i = 0; i < b.len; i += 97) {
		struct trust bad;
		b.data[i] ^= 0x10;
		CHECK(trust_parse(b.data, b.len, &bad, &e) != 0);
		b.data[i] ^= 0x10;
	}
	buf_free(&b);
}

int
main(void)
{
	struct err e;
	MDB_txn *txn;
	struct trust t;
	struct verify_result res;
	struct buf b = BUF_INIT, tok = BUF_INIT;
	struct key k1, k2, rogue;
	struct issue_opts o;
	struct issue_result ir;

	snprintf(dir, sizeof(dir), "/tmp/sctrustXXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	strcat(dir, "/reg");
	date_from_ymd(2024, 6, 1, &today);
	if (registry_init(dir, gen_opts(0), 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(&r, dir, gen_opts(0), &e) || registry_load_secrets(r, NULL, &e) ||
	    registry_txn_begin(r, 0, &txn, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return 2;
	}
	add_org(txn, ORG, "养老护理员:5-3", KEY_ED25519);
	add_org(txn, ORG2, "养老护理员:5-1", KEY_SM2);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);

	/* Issue 10 through the issuer, revoke one. */
	gen_roster(&b, 0, 10);
	memset(&o, 0, sizeof(o));
	o.org = ORG;
	o.roster_data = (const char *)b.data;
	o.roster_len = b.len;
	o.today = today;
	/* gen_roster cycles levels 5..1: the 2s and 1s are outside ORG's scope */
	o.partial = 1;
	CHECK_EQ_INT(issue_roster(r, &o, &ir, &e), 0);
	CHECK_EQ_INT(ir.issued, 6);
	CHECK_EQ_INT(ir.rejected, 4);
	CHECK(strstr(ir.rows[3].msg, "outside the scope") != NULL);
	issue_result_free(&ir);
	CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
	CHECK_EQ_INT(registry_revoke(r, txn, ORG "245000002", REV_FRAUD, "test",
	    r->authority.kid, &e), 0);
	struct sth h;
	CHECK_EQ_INT(registry_sign_head(r, txn, &h, &e), 0);
	CHECK_EQ_INT(mdb_txn_commit(txn), 0);

	load_org_key(ORG, &k1);
	load_org_key(ORG2, &k2);
	CHECK_EQ_INT(key_generate(KEY_ED25519, &rogue, &e), 0);
	export(&t);
	CHECK_EQ_INT(t.norgs, 2);
	CHECK_EQ_INT(t.nrevs, 1);
	CHECK(t.has_head);

	/* valid: a certificate from the registry */
	{
		struct cert_record rec;
		CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
		CHECK_EQ_INT(registry_get_cert(r, txn, ORG "245000001", &rec, &e), 0);
		CHECK_EQ_INT(cert_token(rec.enc, rec.enc_len, rec.sig, &tok, &e), 0);
		buf_cstr(&tok);
		mdb_txn_abort(txn);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_VALID);
		CHECK_STR(res.cert.name, "王秀英");
		/* issued as token v2: the number masked, never in full */
		CHECK_EQ_INT(res.cert.version, 2);
		CHECK_STR(res.cert.id_number, "");
		CHECK(strchr(res.cert.id_masked, '*') != NULL);
		CHECK(strstr(res.checks[0].detail, "version 2") != NULL);
		/* tampered: one character changed */
		tok.data[40] = tok.data[40] == 'A' ? 'B' : 'A';
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
		CHECK(strcmp(failed_check(&res), "signature") == 0 ||
		    strcmp(failed_check(&res), "token") == 0);
	}
	/* revoked */
	{
		struct cert_record rec;
		CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
		CHECK_EQ_INT(registry_get_cert(r, txn, ORG "245000002", &rec, &e), 0);
		CHECK_EQ_INT(cert_token(rec.enc, rec.enc_len, rec.sig, &tok, &e), 0);
		buf_cstr(&tok);
		mdb_txn_abort(txn);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_REVOKED);
		CHECK_EQ_INT(res.revoke_reason, REV_FRAUD);
	}
	/* wrong organization key: ORG's number and kid, signed by another key */
	{
		struct key fake = rogue;
		memcpy(fake.kid, k1.kid, KEY_ID_LEN);
		craft(&fake, ORG "245000099", 5, today, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
		CHECK_STR(failed_check(&res), "signature");
		/* a key the organization never had */
		craft(&rogue, ORG "245000098", 5, today, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
		CHECK_STR(failed_check(&res), "key");
		/* another organization's genuine key */
		struct key k2as1 = k2;
		craft(&k2as1, ORG "245000097", 5, today, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
	}
	/* out of scope: ORG may certify 5-3 only */
	craft(&k1, ORG "241000001", 1, today, &tok);
	CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
	CHECK_STR(failed_check(&res), "scope");
	/* an SM2 organization's certificate */
	craft(&k2, ORG2 "241000001", 1, today, &tok);
	CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_VALID);
	/* a v1 token (the old encoder, full ID number) still verifies, with
	 * a note, and shows the number masked */
	craft_version = 1;
	craft(&k1, ORG "245000096", 5, today, &tok);
	craft_version = 0;
	CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_VALID);
	CHECK_EQ_INT(res.cert.version, 1);
	CHECK_STR(res.cert.id_number, "11010519491231002X");
	CHECK_STR(res.cert.id_masked, "1101**********002X");
	CHECK(strstr(res.checks[0].detail, "carries a full ID number") != NULL);
	/* expired key: issued after the key's validity */
	{
		int32_t late;
		date_from_ymd(2031, 1, 5, &late);
		craft(&k1, ORG "315000001", 5, late, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
		CHECK_STR(failed_check(&res), "key validity");
	}
	/* unknown organization */
	{
		struct key k3 = rogue;
		craft(&k3, "S000051000077245000001", 5, today, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_UNKNOWN);
	}
	/* not a token */
	verify_token(&t, "HELLO", 5, &res);
	CHECK_EQ_INT(res.verdict, VERDICT_INVALID);
	trust_free(&t);

	/* compromised key: what it signed from that day on is invalid */
	{
		struct org_key ok;
		struct org org;
		int32_t from;
		date_from_ymd(2024, 7, 1, &from);
		CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
		CHECK_EQ_INT(registry_get_org(r, txn, ORG, &org, &e), 0);
		CHECK_EQ_INT(registry_get_orgkey(r, txn, ORG, org.kid, &ok, &e), 0);
		ok.status = OKEY_COMPROMISED;
		ok.compromised_from = from;
		CHECK_EQ_INT(registry_put_orgkey(r, txn, &ok, &e), 0);
		CHECK_EQ_INT(mdb_txn_commit(txn), 0);
		export(&t);
		craft(&k1, ORG "245000050", 5, from + 3, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_INVALID);
		CHECK_STR(failed_check(&res), "key validity");
		CHECK(strstr(res.checks[res.nchecks - 1].detail, "compromised") != NULL);
		craft(&k1, ORG "245000051", 5, from - 3, &tok);
		CHECK_EQ_INT(verdict_of(&t, &tok, &res), VERDICT_VALID);
		trust_free(&t);
	}

	/* An organization rekeyed 19 times: the bundle carries all 20 keys
	 * (16 used to be kept, in key-id order, so the one in use could be
	 * dropped), and a certificate signed by each of them verifies. */
	{
		struct org org;
		struct key ks[20];
		CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
		add_org(txn, ORG3, "养老护理员:5-1", KEY_ED25519);
		CHECK_EQ_INT(mdb_txn_commit(txn), 0);
		load_org_key(ORG3, &ks[0]);
		for (int i = 1; i < 20; i++) {
			CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
			CHECK_EQ_INT(registry_get_org(r, txn, ORG3, &org, &e), 0);
			CHECK_EQ_INT(registry_org_new_key(r, txn, &org, KEY_ED25519,
			    org.valid_from, NULL, &e), 0);
			CHECK_EQ_INT(registry_put_org(r, txn, &org, &e), 0);
			CHECK_EQ_INT(mdb_txn_commit(txn), 0);
			load_org_key(ORG3, &ks[i]);
		}
		export(&t);
		const struct trust_org *to = trust_find_org(&t, ORG3);
		CHECK(to != NULL);
		CHECK_EQ_INT(to ? to->nkeys : 0, 20);
		int valid = 0;
		for (int i = 0; i < 20; i++) {
			char no[CERTNO_LEN + 1];
			snprintf(no, sizeof(no), ORG3 "245%06d", 100 + i);
			craft(&ks[i], no, 5, today, &tok);
			valid += verdict_of(&t, &tok, &res) == VERDICT_VALID;
			key_free(&ks[i]);
		}
		CHECK_EQ_INT(valid, 20);
		trust_free(&t);
	}

	/* log audit: clean, then a record edited behind the program's back */
	{
		struct buf jb = BUF_INIT;
		struct json j;
		MDB_val k = { CERTNO_LEN, ORG "244000001" }, v;
		uint8_t *copy;
		json_init(&j, &jb);
		CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
		CHECK_EQ_INT(logview_audit(r, txn, &j, &e), 0);
		mdb_txn_abort(txn);
		CHECK_EQ_INT(registry_txn_begin(r, 0, &txn, &e), 0);
		CHECK_EQ_INT(mdb_get(txn, r->certs, &k, &v), 0);
		copy = malloc(v.mv_size);
		memcpy(copy, v.mv_data, v.mv_size);
		/* the holder 李秀英 becomes 杏秀英 in the stored record */
		uint8_t *p = memmem(copy, v.mv_size, "\xe6\x9d\x8e", 3);
		CHECK(p != NULL);
		if (p)
			p[2] = 0x8f;
		v.mv_data = copy;
		CHECK_EQ_INT(mdb_put(txn, r->certs, &k, &v, 0), 0);
		CHECK_EQ_INT(mdb_txn_commit(txn), 0);
		free(copy);
		buf_reset(&jb);
		json_init(&j, &jb);
		CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
		long probs = logview_audit(r, txn, &j, &e);
		mdb_txn_abort(txn);
		CHECK(probs >= 2); /* leaf mismatch and bad signature */
		buf_cstr(&jb);
		CHECK(strstr((char *)jb.data, ORG "244000001") != NULL);
		CHECK(strstr((char *)jb.data, "edited after it was logged") != NULL);
		buf_free(&jb);
	}
	key_free(&k1);
	key_free(&k2);
	key_free(&rogue);
	buf_free(&b);
	buf_free(&tok);
	registry_close(r);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int)(strlen(dir) - 4), dir);
		if (system(cmd) != 0)
			return 1;
	}
	TEST_END();
}
