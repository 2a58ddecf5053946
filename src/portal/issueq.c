/* issueq.c - what the request threads and the issuing thread share for
 * issuing: the organizations' keys, decrypted once and kept, and the
 * queue of issuances waiting for the next group commit (issuer.c). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "portal_int.h"

int
portal_key_keep(struct portal *p, const char *org, struct key *k,
    const struct key **out, struct err *e)
{
	struct portal_key *nk = calloc(1, sizeof(*nk));
	struct portal_key **nv;

	pthread_mutex_lock(&p->keys_mu);
	if (nk && p->nkeys == p->capkeys) {
		size_t cap = p->capkeys ? 2 * p->capkeys : 16;
		if ((nv = realloc(p->keys, cap * sizeof(*nv))) == NULL) {
			free(nk);
			nk = NULL;
		} else {
			p->keys = nv;
			p->capkeys = cap;
		}
	}
	if (nk) {
		snprintf(nk->org, sizeof(nk->org), "%s", org);
		nk->k = *k;             /* moved: k no longer owns the pkey */
		explicit_bzero(k, sizeof(*k));
		p->keys[p->nkeys++] = nk;
		*out = &nk->k;
	}
	pthread_mutex_unlock(&p->keys_mu);
	if (nk)
		return 0;
	key_free(k);
	return err_set(e, ERR_NOMEM, "organization %s: out of memory for its "
	    "key", org);
}

void
portal_keys_free(struct portal *p)
{
	for (size_t i = 0; i < p->nkeys; i++) {
		key_free(&p->keys[i]->k);
		explicit_bzero(p->keys[i], sizeof(*p->keys[i]));
		free(p->keys[i]);
	}
	free(p->keys);
	p->keys = NULL;
	p->nkeys = p->capkeys = 0;
}

/* The kept key of org with key id kid, or NULL. */
static const struct key *
portal_key_find(struct portal *p, const char *org, const uint8_t *kid)
{
	const struct key *found = NULL;

	pthread_mutex_lock(&p->keys_mu);
	for (size_t i = p->nkeys; i-- > 0 && !found;)
		if (strcmp(p->keys[i]->org, org) == 0 &&
		    memcmp(p->keys[i]->k.kid, kid, KEY_ID_LEN) == 0)
			found = &p->keys[i]->k;
	pthread_mutex_unlock(&p->keys_mu);
	return found;
}

const struct key *
portal_key_for(struct portal *p, const char *org)
{
	char path[PATH_MAX];
	const struct key *found;
	struct org o;
	struct key k;
	struct err e;
	MDB_txn *txn;
	int rc;

	err_clear(&e);
	if (registry_txn_begin_reader(p->reg, &txn, &e) != 0)
		return NULL;
	rc = registry_get_org(p->reg, txn, org, &o, &e);
	mdb_txn_abort(txn);
	if (rc != 0 || o.status != ORG_ACTIVE)
		return NULL;
	if ((found = portal_key_find(p, org, o.kid)) != NULL)
		return found;
	/* Rekeyed since start (or resumed): load the new key once. */
	registry_org_key_path(p->reg, org, o.kid, path);
	memset(&k, 0, sizeof(k));
	if (key_load_secret(path, p->passphrase, &k, &e) != 0 ||
	    portal_key_keep(p, org, &k, &found, &e) != 0)
		return NULL;
	return found;
}

void
portal_ireq_wait(struct portal *p, struct portal_ireq *q)
{
	pthread_mutex_lock(&p->mu);
	q->done = 0;
	q->next = NULL;
	if (p->stopping || !p->job_thread_on) {
		q->rc = err_set(&q->e, ERR_INTERNAL, "the portal is stopping: "
		    "nothing was issued");
		q->done = 1;
	} else {
		if (p->ireq_tail)
			p->ireq_tail->next = q;
		else
			p->ireq_head = q;
		p->ireq_tail = q;
		pthread_cond_signal(&p->job_cv);
	}
	while (!q->done)
		pthread_cond_wait(&p->ireq_cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

void
portal_ireq_cancel(struct portal *p)
{
	for (struct portal_ireq *q = p->ireq_head; q; q = q->next) {
		q->rc = err_set(&q->e, ERR_INTERNAL, "the portal is stopping: "
		    "nothing was issued");
		q->done = 1;
	}
	p->ireq_head = p->ireq_tail = NULL;
	pthread_cond_broadcast(&p->ireq_cv);
}

