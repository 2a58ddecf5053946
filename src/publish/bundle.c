/* bundle.c - the trust bundle built from the registry's organizations,
 * keys, latest head and revocations (trust.h writes the format). */
#include <time.h>

#include "skillcert/publish/bundle.h"
#include "skillcert/trust/trust.h"

struct walk {
	struct registry *r;
	MDB_txn *txn;
	struct trust_builder b;
	struct err *e;
	int rc;
};

static int
walk_key(const struct org_key *k, void *arg)
{
	struct walk *w = arg;
	int rc = trust_builder_key(&w->b, k);

	if (rc < 0)
		return -(w->rc = ERR_NOMEM);
	if (rc > 0)  /* refused rather than dropped: the dropped key could be
	              * the one in use */
		return -(w->rc = err_set(w->e, ERR_FULL, "organization %s has "
		    "more than %u keys, more than a trust bundle holds",
		    k->org, (unsigned)TRUST_KEYS_MAX));
	return 0;
}

static int
walk_org(const struct org *o, void *arg)
{
	struct walk *w = arg;
	int rc;

	if (trust_builder_org(&w->b, o) != 0)
		return -(w->rc = ERR_NOMEM);
	if ((rc = registry_each_orgkey(w->r, w->txn, o->code, walk_key, w,
	    w->e)) != 0)
		return -(w->rc = rc);
	return w->rc ? -1 : 0;
}

static int
walk_revoked(const char *certno, int reason, int32_t day, int64_t time,
    void *arg)
{
	struct walk *w = arg;

	if (trust_builder_revoked(&w->b, certno, reason, day) < 0)
		return -(w->rc = ERR_NOMEM);
	return 0;
}

int
bundle_build(struct registry *r, MDB_txn *txn, struct buf *out,
    struct err *e)
{
	struct walk w = { r, txn, { 0 }, e, 0 };
	struct sth h;
	int rc, have_head;

	if (!r->authority.has_secret)
		return err_set(e, ERR_DENIED, "the authority key is needed to sign "
		    "the trust bundle");
	if (trust_builder_begin(&w.b, out, (int64_t)time(NULL), &r->authority,
	    &r->logkey) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = registry_each_org(r, txn, walk_org, &w, e)) != 0 || w.rc)
		return w.rc == ERR_NOMEM ? err_set(e, ERR_NOMEM, "out of memory")
		    : w.rc ? w.rc : rc;
	have_head = tlog_latest_head(&r->log, txn, &h, NULL) == 0;
	if (trust_builder_head(&w.b, have_head ? &h : NULL) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = registry_each_revoked(r, txn, walk_revoked, &w, e)) != 0 ||
	    w.rc)
		return w.rc == ERR_NOMEM ? err_set(e, ERR_NOMEM, "out of memory")
		    : rc ? rc : w.rc;
	return trust_builder_finish(&w.b, &r->authority, e);
}

int
bundle_publish(struct registry *r, MDB_txn *txn, struct buf *out,
    struct err *e)
{
	int rc;

	if ((rc = bundle_build(r, txn, out, e)) != 0)
		return rc;
	return registry_put_bundle(r, txn, out->data, out->len, e);
}
