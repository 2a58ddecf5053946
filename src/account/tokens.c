/* tokens.c - API bearer tokens: made (shown once, stored as SHA-256),
 * listed, revoked, and checked on each API request. */
#include <stdio.h>
#include <string.h>

#include "svc.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/utf8.h"

/* Tokens are an organization's: its admin or the authority manages them;
 * another organization's token is ERR_NOTFOUND to an admin. */
static int
acct_token_may(const struct acct_actor *by, const char *org, const char *what,
    struct err *e)
{
	if (by->api)
		return err_set(e, ERR_DENIED, "API tokens cannot manage tokens");
	if (by->role == ACCT_AUTHORITY)
		return 0;
	if (by->role != ACCT_ADMIN)
		return err_set(e, ERR_DENIED, "only an organization's admin or "
		    "the authority manages API tokens");
	if (strcmp(org, by->org) != 0)
		return err_set(e, ERR_NOTFOUND, "no %s", what);
	return 0;
}

static int
acct_label_check(const char *label, struct err *e)
{
	size_t n = strlen(label);

	if (n == 0 || n > 63)
		return err_set(e, ERR_INVALID, "token label must be 1 to 63 "
		    "bytes, not %zu", n);
	if (utf8_check((const uint8_t *)label, n) != 0)
		return err_set(e, ERR_INVALID, "token label is not valid UTF-8");
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)label[i] < 0x20 || label[i] == 0x7f)
			return err_set(e, ERR_INVALID, "token label: control "
			    "character at byte %zu", i + 1);
	return 0;
}

static int
acct_refused_token(struct acct_service *s, const struct acct_actor *by,
    const char *org, int rc)
{
	acct_audit(s, NULL, by, "token_create", org, acct_outcome_of(rc), NULL);
	return rc;
}

static int
acct_token_new(struct acct_service *s, MDB_txn *txn,
    const struct acct_actor *by, const char *org, const char *label,
    int64_t expires, char token[64], char id[17], struct err *e)
{
	uint8_t raw[AUTH_ID_LEN];
	struct apitoken t;
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = auth_random(raw, sizeof(raw), e)) != 0)
		return rc;
	auth_id_text(raw, token);
	auth_id_hash(raw, sizeof(raw), t.hash);
	explicit_bzero(raw, sizeof(raw));
	hex_encode(t.hash, 8, t.id);
	snprintf(t.org, sizeof(t.org), "%s", org);
	snprintf(t.label, sizeof(t.label), "%s", label);
	snprintf(t.created_by, sizeof(t.created_by), "%s", by->name);
	t.created = acct_now(s);
	t.expires = expires;
	snprintf(id, 17, "%s", t.id);
	if ((rc = apitoken_put(s->r, txn, &t, e)) != 0)
		return rc;
	return acct_audit(s, txn, by, "token_create", t.id, "ok", e);
}

int
acct_token_create_org(struct acct_service *s, const struct acct_actor *by,
    const char *org, const char *label, int64_t expires, char token[64],
    char id[17], struct err *e)
{
	struct org o;
	MDB_txn *txn;
	int rc;

	token[0] = id[0] = '\0';
	if ((rc = acct_token_may(by, org, "organization", e)) == 0 &&
	    (rc = acct_label_check(label, e)) == 0 && expires != 0 &&
	    expires <= acct_now(s))
		rc = err_set(e, ERR_INVALID, "token expiry is in the past");
	if (rc != 0)
		return acct_refused_token(s, by, org, rc);
	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = registry_get_org(s->r, txn, org, &o, e)) == 0)
		rc = acct_token_new(s, txn, by, org, label, expires, token, id, e);
	if ((rc = acct_write_end(txn, rc, e)) != 0) {
		explicit_bzero(token, 64);
		return acct_refused_token(s, by, org, rc);
	}
	return 0;
}

int
acct_token_create(struct acct_service *s, const struct acct_actor *by,
    const char *label, int64_t expires, char token[64], char id[17],
    struct err *e)
{
	return acct_token_create_org(s, by, by->org, label, expires, token, id,
	    e);
}

struct find_arg { const char *id; struct apitoken t; int found; };

static int
acct_find_cb(const struct apitoken *t, void *arg)
{
	struct find_arg *f = arg;

	if (strcmp(t->id, f->id) != 0)
		return 0;
	f->t = *t;
	f->found = 1;
	return 1;
}

int
acct_token_revoke(struct acct_service *s, const struct acct_actor *by,
    const char *id, struct err *e)
{
	struct find_arg f;
	MDB_txn *txn;
	int rc;

	memset(&f, 0, sizeof(f));
	f.id = id;
	if ((rc = acct_write_begin(s, &txn, e)) != 0)
		return rc;
	if ((rc = apitoken_each(s->r, txn, NULL, acct_find_cb, &f, e)) != 0 &&
	    rc != 1)
		return acct_write_end(txn, rc, e);
	rc = f.found ? acct_token_may(by, f.t.org, "such API token", e) :
	    err_set(e, ERR_NOTFOUND, "no API token %s", id);
	if (rc == 0 && f.t.revoked)
		rc = err_set(e, ERR_INVALID, "API token %s was already revoked",
		    id);
	if (rc == 0) {
		f.t.revoked = acct_now(s);
		if ((rc = apitoken_put(s->r, txn, &f.t, e)) == 0)
			rc = acct_audit(s, txn, by, "token_revoke", id, "ok", e);
	}
	if ((rc = acct_write_end(txn, rc, e)) != 0)
		acct_audit(s, NULL, by, "token_revoke", id, acct_outcome_of(rc),
		    NULL);
	return rc;
}

struct tok_each { const struct acct_actor *by;
	int (*fn)(const struct apitoken *, void *); void *arg; };

static int
acct_tok_each_cb(const struct apitoken *t, void *arg)
{
	struct tok_each *x = arg;
	if (x->by->role != ACCT_AUTHORITY && strcmp(t->org, x->by->org) != 0)
		return 0;
	return x->fn(t, x->arg);
}

int
acct_token_each(struct acct_service *s, const struct acct_actor *by,
    int (*fn)(const struct apitoken *t, void *arg), void *arg,
    struct err *e)
{
	struct tok_each x = { by, fn, arg };
	MDB_txn *txn;
	int rc;

	if ((rc = acct_token_may(by, by->org, "organization", e)) != 0)
		return rc;
	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = apitoken_each(s->r, txn, NULL, acct_tok_each_cb, &x, e);
	mdb_txn_abort(txn);
	return rc;
}

int
acct_token_check(struct acct_service *s, const char *token,
    const char *client, struct acct_actor *who, struct err *e)
{
	uint8_t raw[AUTH_ID_LEN], h[32];
	struct apitoken t;
	MDB_txn *txn;
	int rc;

	memset(who, 0, sizeof(*who));
	if (auth_id_parse(token, raw) != 0)
		return err_set(e, ERR_DENIED, "invalid API token");
	auth_id_hash(raw, sizeof(raw), h);
	explicit_bzero(raw, sizeof(raw));
	if ((rc = registry_txn_begin_reader(s->r, &txn, e)) != 0)
		return rc;
	rc = apitoken_get(s->r, txn, h, &t, e);
	mdb_txn_abort(txn);
	if (rc == ERR_NOTFOUND || (rc == 0 && (t.revoked || (t.expires &&
	    acct_now(s) >= t.expires)))) {
		/* Recorded within the address's login budget (and once when it
		 * runs out), so a flood of bad tokens is not a flood of writes. */
		int64_t ra;
		int first;
		if (addrlimit_take(s->lim, client, (double)acct_now(s), &ra,
		    &first) == 0 || first)
			acct_audit_raw(s, NULL, rc ? "-" : t.id, "api", rc ? "" :
			    t.org, client, "token_failed", rc ? "unknown token" :
			    t.revoked ? "revoked" : "expired", "denied", NULL);
		return err_set(e, ERR_DENIED, "invalid, revoked or expired API "
		    "token");
	}
	if (rc != 0)
		return rc;
	snprintf(who->name, sizeof(who->name), "token:%s", t.id);
	who->role = ACCT_OPERATOR;
	snprintf(who->org, sizeof(who->org), "%s", t.org);
	snprintf(who->client, sizeof(who->client), "%s", client ? client : "");
	who->api = 1;
	return 0;
}
