/* data.c - the compact arrays the rules read: organizations, occupations,
 * batches and 32-byte certificates, built by hand (benchmarks, tests) or in
 * one pass over the registry (load.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/siphash.h"
#include "rule.h"

void
sig_data_init(struct sig_data *d)
{
	memset(d, 0, sizeof(*d));
	d->k0 = 0x736b696c6c636572ull;
	d->k1 = 0x74207369676e616cull;
}

void
sig_data_free(struct sig_data *d)
{
	free(d->c);
	free(d->no);
	free(d->org);
	free(d->occ);
	free(d->b);
	memset(d, 0, sizeof(*d));
}

uint64_t
sig_data_hash(const struct sig_data *d, const char *s)
{
	return siphash_24(d->k0, d->k1, (const uint8_t *)s, strlen(s));
}

/* Grows *v (elements of size sz) to hold one more; 0 or -1. */
static int
sig_data_grow(void **v, size_t n, size_t *cap, size_t sz)
{
	size_t nc;
	void *p;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	if ((p = realloc(*v, nc * sz)) == NULL)
		return -1;
	*v = p;
	*cap = nc;
	return 0;
}

int
sig_data_org(struct sig_data *d, const struct sig_org *o)
{
	size_t cap = d->norg;
	void *p;

	if (d->norg >= UINT16_MAX)
		return -1;
	if ((p = realloc(d->org, (cap + 1) * sizeof(*d->org))) == NULL)
		return -1;
	d->org = p;
	d->org[d->norg] = *o;
	return (int)d->norg++;
}

int
sig_data_find_org(const struct sig_data *d, const char *code)
{
	for (size_t i = 0; i < d->norg; i++)
		if (strcmp(d->org[i].code, code) == 0)
			return (int)i;
	return -1;
}

/* Index of occupation code, added when new; -1 out of memory. */
int
sig_data_occ(struct sig_data *d, const char *code)
{
	void *p;

	for (size_t i = 0; i < d->nocc; i++)
		if (strcmp(d->occ[i].code, code) == 0)
			return (int)i;
	if (d->nocc >= UINT16_MAX - 1 ||
	    (p = realloc(d->occ, (d->nocc + 1) * sizeof(*d->occ))) == NULL)
		return -1;
	d->occ = p;
	snprintf(d->occ[d->nocc].code, sizeof(d->occ[0].code), "%s", code);
	snprintf(d->occ[d->nocc].label, sizeof(d->occ[0].label), "%s", code);
	return (int)d->nocc++;
}

int
sig_data_batch(struct sig_data *d, uint32_t org, const char *id,
    uint32_t assessed, uint32_t passed, int32_t day)
{
	struct sig_batch *b;

	if (sig_data_grow((void **)&d->b, d->nb, &d->bcap, sizeof(*d->b)) != 0)
		return -1;
	b = &d->b[d->nb];
	memset(b, 0, sizeof(*b));
	b->org = org;
	b->assessed = assessed;
	b->passed = passed;
	b->day = day;
	b->occ = UINT16_MAX - 1;       /* no certificate seen yet */
	snprintf(b->id, sizeof(b->id), "%s", id);
	return (int)d->nb++;
}

/* A batch's occupation and level: its certificates', or mixed. */
static void
sig_data_batch_note(struct sig_data *d, const struct sig_cert *c)
{
	struct sig_batch *b;

	if (c->batch >= d->nb)
		return;
	b = &d->b[c->batch];
	b->ncert++;
	if (b->occ == UINT16_MAX - 1) {
		b->occ = c->occ;
		b->level = c->level;
	} else if (b->occ != c->occ || b->level != c->level) {
		b->occ = UINT16_MAX;
		b->level = 0;
	}
}

int
sig_data_add(struct sig_data *d, const struct sig_cert *c, const char *certno)
{
	size_t cap = d->cap;
	void *p;

	if (d->n == cap) {
		cap = cap ? cap * 2 : 1024;
		if ((p = realloc(d->c, cap * sizeof(*d->c))) == NULL)
			return -1;
		d->c = p;
		if ((p = realloc(d->no, cap * sizeof(*d->no))) == NULL)
			return -1;
		d->no = p;
		d->cap = cap;
	}
	d->c[d->n] = *c;
	memcpy(d->no[d->n], certno, CERTNO_LEN);
	d->no[d->n][CERTNO_LEN] = '\0';
	sig_data_batch_note(d, c);
	d->n++;
	return 0;
}
