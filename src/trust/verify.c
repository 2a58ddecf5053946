/* verify.c - offline verification of a certificate token against a trust
 * bundle: every check in order, each kept with its reason for the report. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "skillcert/base/date.h"
#include "skillcert/trust/verify.h"

const char *
verify_verdict_name(int v)
{
	static const char *n[] = { "valid", "invalid", "revoked", "unknown" };
	return v >= 0 && v <= 3 ? n[v] : "unknown";
}

const char *
verify_verdict_cn(int v)
{
	static const char *n[] = { "有效", "无效", "已撤销", "无法验证" };
	return v >= 0 && v <= 3 ? n[v] : "无法验证";
}

static void
add_check(struct verify_result *res, const char *name, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
add_check(struct verify_result *res, const char *name, int ok, const char *fmt, ...)
{
	struct verify_check *c;
	va_list ap;

	if (res->nchecks >= VERIFY_CHECKS_MAX)
		return;
	c = &res->checks[res->nchecks++];
	c->name = name;
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/* Organization, key, credential and signature: a failure here ends the
 * checks. Returns the key, or NULL with the verdict set. */
static const struct org_key *
token_check_signer(const struct trust *t, struct verify_result *res)
{
	const struct org_key *ok;
	struct err e;
	int kix;

	if ((res->org = trust_find_org(t, res->cert.org)) == NULL) {
		add_check(res, "organization", -1, "organization %s is not in the "
		    "trust bundle (a newer bundle may know it)", res->cert.org);
		res->verdict = VERDICT_UNKNOWN;
		return NULL;
	}
	add_check(res, "organization", 1, "%s %s", res->org->org.code,
	    res->org->org.name);
	if ((ok = trust_find_key(res->org, res->cert.kid)) == NULL) {
		char hex[17];
		key_id_hex(res->cert.kid, hex);
		add_check(res, "key", 0, "signed with key %s, which %s never had",
		    hex, res->org->org.code);
		return NULL;
	}
	kix = (int)(ok - res->org->keys);
	if (!res->org->cred_ok[kix]) {
		add_check(res, "credential", 0, "the organization's credential for "
		    "this key is not signed by the authority");
		return NULL;
	}
	add_check(res, "credential", 1, "key %s certified by the authority",
	    key_alg_name(ok->alg));
	if (cert_verify(res->enc, res->enc_len, res->sig, &res->org->pub[kix],
	    &e) != 0) {
		add_check(res, "signature", 0, "the signature does not match the "
		    "fields: the certificate was altered or forged");
		return NULL;
	}
	add_check(res, "signature", 1, "%s signature valid", key_alg_name(ok->alg));
	return ok;
}

/* Scope and key validity: both are checked and reported; 0 if both pass. */
static int
token_check_limits(struct verify_result *res, const struct org_key *ok)
{
	struct err e;
	uint8_t occ[4];
	char d1[11], d2[11];
	int bad = 0;

	cert_occ_pack(res->cert.occ_code, occ);
	if (org_scope_allows(&res->org->org, occ, res->cert.level) != 0) {
		add_check(res, "scope", 0, "occupation %s level %d is outside the "
		    "organization's filed scope", res->cert.occ_code, res->cert.level);
		bad = 1;
	} else {
		add_check(res, "scope", 1, "occupation and level within scope");
	}
	if (orgkey_allows(ok, res->cert.issued_on, &e) != 0) {
		add_check(res, "key validity", 0, "%s", e.msg);
		bad = 1;
	} else {
		date_format_iso(ok->valid_from, d1);
		date_format_iso(ok->valid_to, d2);
		add_check(res, "key validity", 1, "issued within the key's validity "
		    "(%s to %s)", d1, d2);
	}
	return bad ? -1 : 0;
}

static void
token_check_revocation(const struct trust *t, struct verify_result *res)
{
	time_t c = (time_t)t->created;
	struct tm tm;
	char when[32], d[11];

	if (trust_find_revoked(t, res->cert.no, &res->revoke_reason,
	    &res->revoked_on)) {
		date_format_iso(res->revoked_on, d);
		add_check(res, "revocation", 0, "revoked on %s (%s)", d,
		    cert_reason_name(res->revoke_reason));
		res->verdict = VERDICT_REVOKED;
		return;
	}
	gmtime_r(&c, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	add_check(res, "revocation", 1, "not revoked as of the bundle (%s)", when);
	res->verdict = VERDICT_VALID;
}

void
verify_token(const struct trust *t, const char *token, size_t len,
    struct verify_result *res)
{
	struct buf enc = BUF_INIT;
	struct err e;
	const struct org_key *ok;

	memset(res, 0, sizeof(*res));
	res->verdict = VERDICT_INVALID;
	if (cert_token_parse(token, len, &res->cert, &enc, res->sig, &e) != 0) {
		add_check(res, "token", 0, "%s", e.msg);
		goto out;
	}
	res->have_cert = 1;
	memcpy(res->enc, enc.data, enc.len);
	res->enc_len = enc.len;
	if (res->cert.version == CERT_VERSION_V1)
		add_check(res, "token", 1, "decodes to certificate %s (token "
		    "version 1: it carries a full ID number)", res->cert.no);
	else
		add_check(res, "token", 1, "decodes to certificate %s (token "
		    "version %d)", res->cert.no, res->cert.version);
	if ((ok = token_check_signer(t, res)) != NULL &&
	    token_check_limits(res, ok) == 0)
		token_check_revocation(t, res);
out:
	buf_free(&enc);
}

