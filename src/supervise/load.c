/* load.c - one pass over the registry into the signals' arrays: the hash
 * of each holder's ID number is kept, never the number, so that nothing
 * the rules print can carry one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "skillcert/base/mask.h"
#include "rule.h"

/* Batches by (org, id): an open-addressed table built after the figures. */
struct sig_load {
	struct sig_data *d;
	uint32_t *tab;                 /* batch index + 1, 0 empty */
	size_t mask;
	int last_org;
	char last_code[ORGCODE_LEN + 1];
	uint32_t last_batch;
	char last_bid[65];
	int last_occ;
	char last_occ_code[CERT_OCC_MAX + 1];
	const struct catalog *cat;
	struct err *e;
	int rc;                        /* what stopped a walk */
};

/* Stops a registry walk; the batch walk reads any non-zero as "stop",
 * so the reason is kept in l->rc. */
static int
sig_load_nomem(struct sig_load *l)
{
	l->rc = err_set(l->e, ERR_NOMEM, "out of memory");
	return -l->rc;
}

static int
sig_load_org(const struct org *o, void *arg)
{
	struct sig_load *l = arg;
	struct sig_org so;

	memset(&so, 0, sizeof(so));
	memcpy(so.code, o->code, sizeof(so.code));
	memcpy(so.name, o->name, sizeof(so.name));
	so.type = o->type;
	so.status = o->status;
	so.capacity = o->capacity;
	if (o->status == ORG_SUSPENDED)
		so.suspended_on = (int32_t)(o->changed / 86400);
	if (sig_data_org(l->d, &so) < 0)
		return sig_load_nomem(l);
	return 0;
}

static uint64_t
sig_load_bkey(const struct sig_data *d, int org, const char *id)
{
	char k[80];

	snprintf(k, sizeof(k), "%d/%s", org, id);
	return sig_data_hash(d, k);
}

static int
sig_load_batch(const struct batch_stats *s, void *arg)
{
	struct sig_load *l = arg;
	int org = sig_data_find_org(l->d, s->org);

	if (org < 0)
		return 0;
	if (sig_data_batch(l->d, (uint32_t)org, s->batch, s->assessed, s->passed,
	    s->day) < 0)
		return sig_load_nomem(l);
	return 0;
}

static int
sig_load_index(struct sig_load *l)
{
	struct sig_data *d = l->d;
	size_t sz = 16;

	while (sz < d->nb * 2)
		sz *= 2;
	if ((l->tab = calloc(sz, sizeof(*l->tab))) == NULL)
		return err_set(l->e, ERR_NOMEM, "out of memory");
	l->mask = sz - 1;
	for (size_t i = 0; i < d->nb; i++) {
		size_t h = sig_load_bkey(d, (int)d->b[i].org, d->b[i].id) & l->mask;
		while (l->tab[h])
			h = (h + 1) & l->mask;
		l->tab[h] = (uint32_t)i + 1;
	}
	return 0;
}

static uint32_t
sig_load_find_batch(struct sig_load *l, int org, const char *id)
{
	const struct sig_data *d = l->d;
	size_t h;

	if (id[0] == '\0')
		return UINT32_MAX;
	if (l->last_batch != UINT32_MAX && strcmp(id, l->last_bid) == 0 &&
	    d->b[l->last_batch].org == (uint32_t)org)
		return l->last_batch;
	for (h = sig_load_bkey(d, org, id) & l->mask; l->tab[h];
	    h = (h + 1) & l->mask) {
		const struct sig_batch *b = &d->b[l->tab[h] - 1];
		if (b->org == (uint32_t)org && strcmp(b->id, id) == 0) {
			l->last_batch = l->tab[h] - 1;
			snprintf(l->last_bid, sizeof(l->last_bid), "%s", id);
			return l->last_batch;
		}
	}
	return UINT32_MAX;
}

/* Whether a stated employer is another body than the organization. */
static int
sig_load_other_employer(const char *emp, const char *org)
{
	if (emp[0] == '\0')
		return 0;
	return strstr(emp, org) == NULL && strstr(org, emp) == NULL;
}

static int
sig_load_cert(const struct cert_record *rec, void *arg)
{
	struct sig_load *l = arg;
	const struct cert *c = &rec->cert;
	struct sig_cert s;
	char idk[CERT_ID_MAX + 4];

	if (strcmp(c->org, l->last_code) != 0) {
		if ((l->last_org = sig_data_find_org(l->d, c->org)) < 0)
			return 0;      /* an org no longer filed: nothing to judge */
		memcpy(l->last_code, c->org, sizeof(l->last_code));
	}
	if (strcmp(c->occ_code, l->last_occ_code) != 0) {
		const struct occupation *oc = catalog_occ_by_code(l->cat, c->occ_code);
		if ((l->last_occ = sig_data_occ(l->d, c->occ_code)) < 0)
			return sig_load_nomem(l);
		if (oc != NULL)
			snprintf(l->d->occ[l->last_occ].label,
			    sizeof(l->d->occ[0].label), "%s", oc->name);
		memcpy(l->last_occ_code, c->occ_code, sizeof(l->last_occ_code));
	}
	memset(&s, 0, sizeof(s));
	snprintf(idk, sizeof(idk), "%d:%s", c->id_type, c->id_number);
	s.holder = sig_data_hash(l->d, idk);
	explicit_bzero(idk, sizeof(idk));
	s.name = (uint32_t)sig_data_hash(l->d, c->name);
	s.batch = sig_load_find_batch(l, l->last_org, rec->batch);
	s.issued = c->issued_on;
	s.assessed = c->assessed_on;
	s.org = (uint16_t)l->last_org;
	s.occ = (uint16_t)l->last_occ;
	s.level = (uint8_t)c->level;
	s.status = (uint8_t)rec->status;
	s.reason = (uint8_t)rec->reason;
	if (sig_load_other_employer(rec->employer, l->d->org[l->last_org].name))
		s.flags |= SIG_F_EMPLOYER_OTHER;
	if (sig_data_add(l->d, &s, c->no) != 0)
		return sig_load_nomem(l);
	return 0;
}

int
sig_data_load(struct sig_data *d, struct registry *r, MDB_txn *txn,
    struct err *e)
{
	struct sig_load l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.d = d;
	l.e = e;
	l.cat = &r->cat;
	l.last_batch = UINT32_MAX;
	if (getrandom(&d->k0, sizeof(d->k0), 0) != sizeof(d->k0) ||
	    getrandom(&d->k1, sizeof(d->k1), 0) != sizeof(d->k1))
		return err_set(e, ERR_CRYPTO, "no random key for the hashes");
	if ((rc = registry_each_org(r, txn, sig_load_org, &l, e)) == 0 &&
	    (rc = l.rc) == 0 &&
	    (rc = registry_each_batch_stats(r, txn, sig_load_batch, &l, e)) == 0 &&
	    (rc = l.rc) == 0 && (rc = sig_load_index(&l)) == 0 &&
	    (rc = registry_each_cert(r, txn, "", sig_load_cert, &l, e)) == 0)
		rc = l.rc;
	free(l.tab);
	return rc;
}

void
sig_person_masked(void *arg, size_t i, char *id, size_t idcap, char *name,
    size_t namecap)
{
	const struct sig_person_src *p = arg;
	struct cert_record rec;

	if (registry_get_cert(p->r, p->txn, p->d->no[i], &rec, NULL) != 0) {
		snprintf(id, idcap, "?");
		snprintf(name, namecap, "?");
		return;
	}
	mask_id(rec.cert.id_number[0] ? rec.cert.id_number : rec.cert.id_masked,
	    id, idcap);
	mask_name(rec.cert.name, name, namecap);
	explicit_bzero(&rec, sizeof(rec));
}
