/* verify.c - offline verification of a certificate token against a trust
 * bundle: every check in order, each kept with its reason for the report. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "skillcert/base/date.h"
#include "skillcert/model/checkpoint.h"
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


static void
verify_time(int64_t t, char out[32])
{
	time_t c = (time_t)t;
	struct tm tm;

	if (gmtime_r(&c, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(out, 32, "%lld", (long long)t);
}

static void
verify_freshness(const struct trust *t, int64_t now, struct verify_result *res)
{
	char made[32], until[32], clock[32];

	verify_time(t->created, made);
	verify_time(t->valid_until, until);
	verify_time(now, clock);
	res->fresh = 0;
	if (now < t->created) {
		res->clock_behind = 1;
		add_check(res, "freshness", -1, "this device's clock is behind: it "
		    "reads %s, but the trust bundle was made %s; set the clock "
		    "right to tell whether the bundle is current", clock, made);
	} else if (now > t->valid_until) {
		add_check(res, "freshness", 0, "the trust bundle is stale: made %s, "
		    "to be trusted until %s; get a newer one (revocations since "
		    "are not in it)", made, until);
	} else {
		res->fresh = 1;
		add_check(res, "freshness", 1, "trust bundle made %s, valid until "
		    "%s", made, until);
	}
}

static void
verify_witness_summary(const struct trust *t, struct verify_result *res)
{
	char names[200];
	size_t off = 0;

	names[0] = '\0';
	for (size_t i = 0; i < res->nvouched && off < sizeof(names); i++)
		off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
		    i ? ", " : "", res->vouched[i]);
	if (res->nvouched == 0)
		add_check(res, "witnesses", -1, "none of the %zu listed witnesses "
		    "has cosigned the checkpoint", t->nwitnesses);
	else
		add_check(res, "witnesses", 1, "vouched for by %s (%zu of %zu "
		    "listed)", names, res->nvouched, t->nwitnesses);
}

/* The checkpoint is the log's, of the bundle's head; then the witnesses. */
static void
verify_checkpoint(const struct trust *t, struct verify_result *res)
{
	struct checkpoint c;
	struct note nt;
	struct err e;
	uint64_t ts;
	int rc;

	if (t->checkpoint == NULL) {
		add_check(res, "checkpoint", -1, "the trust bundle carries no C2SP "
		    "checkpoint");
		return;
	}
	if (checkpoint_open(t->checkpoint, t->checkpoint_len, NULL, &t->logkey,
	    &nt, &c, &e) != 0) {
		add_check(res, "checkpoint", 0, "%s", e.msg);
		return;
	}
	if (!t->has_head || c.size != t->head.size ||
	    memcmp(c.root, t->head.root, MERKLE_HASH_LEN) != 0) {
		add_check(res, "checkpoint", 0, "the checkpoint is not of the "
		    "bundle's tree head");
		return;
	}
	res->have_checkpoint = 1;
	add_check(res, "checkpoint", 1, "%s at tree size %llu, signed by the log "
	    "key", c.origin, (unsigned long long)c.size);
	for (size_t i = 0; i < t->nwitnesses; i++) {
		rc = checkpoint_cosig_verify(&nt, &t->witnesses[i], &ts, &e);
		if (rc == 1)
			res->vouched[res->nvouched++] = t->witnesses[i].name;
		else if (rc != 0)
			add_check(res, "witness", 0, "%s", e.msg);
	}
	if (t->nwitnesses > 0)
		verify_witness_summary(t, res);
}

void
verify_bundle(const struct trust *t, int64_t now, struct verify_result *res)
{
	res->nvouched = 0;
	res->have_checkpoint = 0;
	res->clock_behind = 0;
	verify_freshness(t, now, res);
	verify_checkpoint(t, res);
}
