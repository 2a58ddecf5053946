/* bundle.c - the trust bundle built from the registry's organizations,
 * keys, latest head and revocations (trust.h writes the format). */
#include <time.h>

#include <string.h>

#include "skillcert/publish/bundle.h"
#include "skillcert/store/ckpt.h"
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

struct bundle_witnesses {
	struct note_vkey w[CKPT_WITNESSES_MAX];
	size_t n;
};

static int
bundle_add_witness(const struct note_vkey *v, void *arg)
{
	struct bundle_witnesses *bw = arg;

	if (bw->n == CKPT_WITNESSES_MAX)
		return 1;
	bw->w[bw->n++] = *v;
	return 0;
}

/* The head, its checkpoint (when the stored one is of that head) and the
 * witnesses. */
static int
bundle_write_head(struct walk *w, struct err *e)
{
	struct bundle_witnesses bw = { .n = 0 };
	struct checkpoint c;
	struct note nt;
	struct sth h;
	const char *cp = NULL;
	size_t cplen = 0;
	int rc, have_head;

	have_head = tlog_latest_head(&w->r->log, w->txn, &h, NULL) == 0;
	if (have_head && ckpt_get(w->r, w->txn, &cp, &cplen, NULL) == 0 &&
	    (note_parse(cp, cplen, &nt, NULL) != 0 ||
	    checkpoint_parse_text(nt.text, nt.textlen, &c, NULL) != 0 ||
	    c.size != h.size || memcmp(c.root, h.root, MERKLE_HASH_LEN) != 0))
		cp = NULL;
	if ((rc = ckpt_witness_each(w->r, w->txn, bundle_add_witness, &bw,
	    e)) != 0)
		return rc;
	if (trust_builder_head(&w->b, have_head ? &h : NULL, cp, cplen) != 0 ||
	    trust_builder_witnesses(&w->b, bw.w, bw.n) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

static int
bundle_build_for(struct registry *r, MDB_txn *txn, int64_t valid_for,
    struct buf *out, struct err *e)
{
	struct walk w = { r, txn, { 0 }, e, 0 };
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (!r->authority.has_secret)
		return err_set(e, ERR_DENIED, "the authority key is needed to sign "
		    "the trust bundle");
	if (valid_for < 0 || valid_for > (int64_t)3650 * 86400)
		return err_set(e, ERR_USAGE, "a bundle is valid for 0 to 3650 days");
	if (trust_builder_begin(&w.b, out, now, now + valid_for, &r->authority,
	    &r->logkey) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = registry_each_org(r, txn, walk_org, &w, e)) != 0 || w.rc)
		return w.rc == ERR_NOMEM ? err_set(e, ERR_NOMEM, "out of memory")
		    : w.rc ? w.rc : rc;
	if ((rc = bundle_write_head(&w, e)) != 0)
		return rc;
	if ((rc = registry_each_revoked(r, txn, walk_revoked, &w, e)) != 0 ||
	    w.rc)
		return w.rc == ERR_NOMEM ? err_set(e, ERR_NOMEM, "out of memory")
		    : rc ? rc : w.rc;
	return trust_builder_finish(&w.b, &r->authority, e);
}

int
bundle_build(struct registry *r, MDB_txn *txn, struct buf *out,
    struct err *e)
{
	return bundle_build_for(r, txn, TRUST_VALID_DEFAULT, out, e);
}

int
bundle_publish(struct registry *r, MDB_txn *txn, int64_t valid_for,
    struct buf *out, struct err *e)
{
	int rc;

	if ((rc = bundle_build_for(r, txn, valid_for, out, e)) != 0)
		return rc;
	return registry_put_bundle(r, txn, out->data, out->len, e);
}
