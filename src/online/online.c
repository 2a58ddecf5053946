/* online.c - the online check: each answer of the log server accepted
 * only as far as it verifies (online.h). */
#include <stdio.h>
#include <string.h>

#include "skillcert/model/certno.h"
#include "skillcert/model/sha256.h"
#include "skillcert/online/answer.h"
#include "skillcert/online/online.h"

/* What one check needs, shared by the three. */
struct online_ctx {
	const struct trust *t;
	struct verify_result *res;
	struct fetch f;
	struct buf body;
	struct answer_proof proof;
	uint8_t cert_hash[MERKLE_HASH_LEN];
};

static struct verify_check *
online_check_add(struct verify_result *res, const char *name)
{
	struct verify_check *c;

	if (res->nchecks >= VERIFY_CHECKS_MAX)
		return NULL;
	c = &res->checks[res->nchecks++];
	c->name = name;
	c->ok = -1;
	c->detail[0] = '\0';
	return c;
}

/* 0 if leaf is event for this certificate's bytes and in the head. */
static int
online_leaf_check(const struct online_ctx *x, const struct answer_leaf *al,
    int event, char *why, size_t cap)
{
	struct logleaf l;
	uint8_t lh[MERKLE_HASH_LEN];
	struct err e;

	if (logleaf_decode(al->leaf, sizeof(al->leaf), &l, &e) != 0) {
		snprintf(why, cap, "the logged leaf is malformed");
		return -1;
	}
	if (l.event != event || strcmp(l.certno, x->res->cert.no) != 0 ||
	    memcmp(l.cert_hash, x->cert_hash, MERKLE_HASH_LEN) != 0) {
		snprintf(why, cap, "the server's %s leaf is not of this "
		    "certificate's bytes", event == LOGLEAF_ISSUE ? "issuance" :
		    "revocation");
		return -1;
	}
	merkle_hash_leaf(al->leaf, sizeof(al->leaf), lh);
	if (merkle_verify_inclusion(lh, al->index, x->proof.head.size,
	    (const uint8_t (*)[MERKLE_HASH_LEN])al->path, al->npath,
	    x->proof.head.root, &e) != 0) {
		snprintf(why, cap, "the %s's inclusion proof fails: %s",
		    event == LOGLEAF_ISSUE ? "issuance" : "revocation", e.msg);
		return -1;
	}
	return 0;
}

static int
online_inclusion(struct online_ctx *x, struct verify_check *c)
{
	char path[64];
	struct err e;

	snprintf(path, sizeof(path), "/v1/log/proof/%s", x->res->cert.no);
	if (fetch_get(&x->f, path, &x->body, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "%s", e.msg);
		return -1;
	}
	if (answer_parse_proof((const char *)x->body.data, x->body.len, &x->proof,
	    c->detail, sizeof(c->detail)) != 0)
		return -1;
	if (sth_verify(&x->proof.head, &x->t->logkey, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the tree head is not signed "
		    "by the log key in the trust bundle");
		return -1;
	}
	if (online_leaf_check(x, &x->proof.issued, LOGLEAF_ISSUE, c->detail,
	    sizeof(c->detail)) != 0)
		return -1;
	c->ok = 1;
	snprintf(c->detail, sizeof(c->detail), "leaf %llu is in the signed log of "
	    "%llu entries", (unsigned long long)x->proof.issued.index,
	    (unsigned long long)x->proof.head.size);
	return 0;
}

/* The server's head extends the bundle's: the same log, not a fork. */
static int
online_consistency(struct online_ctx *x, struct verify_check *c)
{
	const struct sth *old = &x->t->head, *h = &x->proof.head;
	struct answer_consistency ac;
	char path[96];
	struct err e;

	if (!x->t->has_head) {
		snprintf(c->detail, sizeof(c->detail), "the bundle has no tree head "
		    "to hold the server's to");
		return -1;
	}
	if (h->size < old->size) {
		snprintf(c->detail, sizeof(c->detail), "the server's head (%llu) is "
		    "older than the bundle's (%llu)", (unsigned long long)h->size,
		    (unsigned long long)old->size);
		return -1;
	}
	if (old->size == 0 || h->size == old->size) {
		if (memcmp(old->root, h->root, MERKLE_HASH_LEN) != 0 && old->size) {
			snprintf(c->detail, sizeof(c->detail), "the server's head of "
			    "%llu entries differs from the bundle's: a forked log",
			    (unsigned long long)h->size);
			return -1;
		}
		c->ok = 1;
		snprintf(c->detail, sizeof(c->detail), "the bundle's head");
		return 0;
	}
	snprintf(path, sizeof(path), "/v1/log/consistency?from=%llu&to=%llu",
	    (unsigned long long)old->size, (unsigned long long)h->size);
	if (fetch_get(&x->f, path, &x->body, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "%s", e.msg);
		return -1;
	}
	if (answer_parse_consistency((const char *)x->body.data, x->body.len, &ac,
	    c->detail, sizeof(c->detail)) != 0)
		return -1;
	if (ac.from != old->size || ac.to != h->size ||
	    merkle_verify_consistency(old->size, h->size, old->root, h->root,
	    (const uint8_t (*)[MERKLE_HASH_LEN])ac.path, ac.npath, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "the server's head is not an "
		    "extension of the bundle's (%llu entries): a forked log",
		    (unsigned long long)old->size);
		return -1;
	}
	c->ok = 1;
	snprintf(c->detail, sizeof(c->detail), "extends the bundle's head of "
	    "%llu entries", (unsigned long long)old->size);
	return 0;
}

/* The signed status list says bit; 0 if it verifies with the head. */
static int
online_status_list(struct online_ctx *x, struct answer_status *as,
    uint32_t seq, int *bit, char *why, size_t cap)
{
	uint8_t lh[MERKLE_HASH_LEN];
	struct err e;

	if (memcmp(as->head_enc, x->proof.head_enc, STH_LEN) != 0) {
		snprintf(why, cap, "the status list is of another tree head (the log "
		    "moved on: try again)");
		return -1;
	}
	if (status_verify(&as->st, &x->proof.head, &x->t->logkey, &e) != 0) {
		snprintf(why, cap, "the status list is not signed by the log key "
		    "with the tree head");
		return -1;
	}
	status_leaf_hash(as->group, as->bits, as->bitstring, lh);
	if (memcmp(as->group, x->res->cert.no, STATUS_GROUP_LEN) != 0 ||
	    seq >= as->bits ||
	    merkle_verify_inclusion(lh, as->index, as->st.ngroups,
	    (const uint8_t (*)[MERKLE_HASH_LEN])as->path, as->npath, as->st.root,
	    &e) != 0) {
		snprintf(why, cap, "the status list does not verify for this "
		    "number");
		return -1;
	}
	*bit = status_bit(as->bitstring, seq);
	return 0;
}

/* 1 not revoked as of the head, 2 revoked in it, -1 cannot tell. */
static int
online_status(struct online_ctx *x, struct verify_check *c)
{
	struct answer_status as;
	struct certno cn;
	char path[64], why[200];
	struct err e;
	int bit, rc = -1;

	if (certno_parse(x->res->cert.no, &cn, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "%s", e.msg);
		return -1;
	}
	if (x->proof.has_revoked) {
		if (online_leaf_check(x, &x->proof.revoked, LOGLEAF_REVOKE, why,
		    sizeof(why)) != 0) {
			snprintf(c->detail, sizeof(c->detail), "a revocation is claimed "
			    "without a valid proof: %s", why);
			return -1;
		}
		c->ok = 0;
		snprintf(c->detail, sizeof(c->detail), "revoked: leaf %llu of the "
		    "signed log records it%s", (unsigned long long)x->proof.revoked.index,
		    x->res->verdict == VERDICT_VALID ? ", newer than the trust bundle" : "");
		return 2;
	}
	snprintf(path, sizeof(path), "/v1/status/%s", x->res->cert.no);
	if (fetch_get(&x->f, path, &x->body, &e) != 0) {
		snprintf(c->detail, sizeof(c->detail), "no status proof: %s", e.msg);
		return -1;
	}
	if (answer_parse_status((const char *)x->body.data, x->body.len, &as,
	    c->detail, sizeof(c->detail)) != 0)
		return -1;
	if (online_status_list(x, &as, cn.seq, &bit, c->detail,
	    sizeof(c->detail)) != 0)
		goto out;
	if (bit) {
		snprintf(c->detail, sizeof(c->detail), "the signed status list says "
		    "revoked, but the server withheld the revocation's proof");
		goto out;
	}
	c->ok = 1;
	snprintf(c->detail, sizeof(c->detail), "not revoked as of the head of "
	    "%llu entries (status list %s, %u numbers)",
	    (unsigned long long)x->proof.head.size, as.group, as.bits - 1);
	rc = 1;
out:
	answer_status_free(&as);
	return rc;
}

void
online_verify(const struct trust *t, struct verify_result *res,
    const char *base, const struct fetch_opts *o, struct online_stats *st)
{
	struct online_ctx x;
	struct verify_check *c[3];
	struct err e;
	int status = -1;

	memset(&x, 0, sizeof(x));
	x.t = t;
	x.res = res;
	buf_init(&x.body);
	c[0] = online_check_add(res, "log inclusion");
	c[1] = online_check_add(res, "log consistency");
	c[2] = online_check_add(res, "log status");
	if (c[2] == NULL)
		goto out;
	{
		const void *parts[2] = { res->enc, res->sig };
		size_t lens[2] = { res->enc_len, CERT_SIG_LEN };
		sha256_parts(x.cert_hash, 2, parts, lens);
	}
	if (fetch_open(&x.f, base, o, &e) != 0)
		snprintf(c[0]->detail, sizeof(c[0]->detail), "%s", e.msg);
	else if (online_inclusion(&x, c[0]) == 0 && online_consistency(&x, c[1]) == 0)
		status = online_status(&x, c[2]);
	for (int i = 0; i < 3; i++)
		if (c[i]->ok == -1 && c[i]->detail[0] == '\0')
			snprintf(c[i]->detail, sizeof(c[i]->detail), "not checked");
out:
	if (status == 2)
		res->verdict = VERDICT_REVOKED;
	else if (status != 1 && res->verdict == VERDICT_VALID)
		res->verdict = VERDICT_UNKNOWN;
	if (st != NULL) {
		st->bytes += x.f.bytes;
		st->requests += x.f.requests;
	}
	fetch_close(&x.f);
	buf_free(&x.body);
}
