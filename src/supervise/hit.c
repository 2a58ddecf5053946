/* hit.c - what every rule uses: its parameters, recording a hit and its
 * evidence, the holder order, a median and ISO week labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "rule.h"

double
sig_param(const struct sig_rule *r, const char *key)
{
	for (int i = 0; i < SIG_PARAMS_MAX && r->def->keys[i]; i++)
		if (strcmp(r->def->keys[i], key) == 0)
			return r->p[i];
	return 0;
}

void
sig_hits_init(struct sig_hits *h, size_t limit)
{
	memset(h, 0, sizeof(*h));
	h->limit = limit;
}

void
sig_hits_free(struct sig_hits *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i].certs);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

struct sig_hit *
sig_hit_new(struct sig_ctx *x, const struct sig_rule *r, int org,
    int64_t person)
{
	struct sig_hits *h = x->h;
	struct sig_hit *t;

	if (h->n == h->cap) {
		size_t nc = h->cap ? h->cap * 2 : 16;
		void *p = realloc(h->v, nc * sizeof(*h->v));
		if (p == NULL)
			return NULL;
		h->v = p;
		h->cap = nc;
	}
	t = &h->v[h->n++];
	memset(t, 0, sizeof(*t));
	t->rule = r;
	t->org = org;
	t->person = person;
	return t;
}

int
sig_hit_cert(struct sig_ctx *x, struct sig_hit *h, uint32_t i)
{
	int32_t day = x->d->c[i].issued;

	if (h->count == 0 || day < h->from)
		h->from = day;
	if (h->count == 0 || day > h->to)
		h->to = day;
	h->count++;
	if (h->ncerts == x->h->limit)
		return 0;
	if (h->ncerts == h->certcap) {
		/* grown as filled: a large limit costs only what hits use */
		size_t nc = h->certcap ? h->certcap * 2 : 16;
		void *p = realloc(h->certs, nc * sizeof(*h->certs));
		if (p == NULL) {
			x->oom = 1;
			return -1;
		}
		h->certs = p;
		h->certcap = nc;
	}
	h->certs[h->ncerts++] = i;
	return 0;
}

uint32_t
sig_median(uint32_t *v, size_t n)
{
	/* counting would do, but n is weeks or batches: small */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void
sig_week_label(int32_t w, char out[16])
{
	int32_t thu = w * 7 - 3 + 3, jan1;
	int y, m, d;

	date_to_ymd(thu, &y, &m, &d);
	if (date_from_ymd(y, 1, 1, &jan1) != 0)
		jan1 = thu;
	snprintf(out, 16, "%04d-W%02d", y, (int)((thu - jan1) / 7 + 1));
}

int
sig_in_window(const struct sig_ctx *x, const struct sig_cert *c)
{
	const struct sig_query *q = x->q;

	return (!q->since || c->issued >= q->since) &&
	    (!q->until || c->issued <= q->until);
}

/* Sort keys: holder, then occupation and issue day (16 bits: to 2149). */
struct sig_pkey {
	uint64_t holder;
	uint32_t sub, idx;
};

static int
sig_cmp_person(const void *a, const void *b)
{
	const struct sig_pkey *x = a, *y = b;

	if (x->holder != y->holder)
		return x->holder < y->holder ? -1 : 1;
	return x->sub < y->sub ? -1 : x->sub > y->sub;
}

int
sig_ctx_persons(struct sig_ctx *x)
{
	struct sig_pkey *k;

	if (x->by_person)
		return 0;
	k = malloc((x->nsel ? x->nsel : 1) * sizeof(*k));
	x->by_person = malloc((x->nsel ? x->nsel : 1) * sizeof(*x->by_person));
	if (!k || !x->by_person) {
		free(k);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < x->nsel; i++) {
		const struct sig_cert *c = &x->d->c[x->by_org[i]];
		k[i].holder = c->holder;
		k[i].sub = (uint32_t)c->occ << 16 | (uint16_t)c->issued;
		k[i].idx = x->by_org[i];
	}
	qsort(k, x->nsel, sizeof(*k), sig_cmp_person);
	for (size_t i = 0; i < x->nsel; i++)
		x->by_person[i] = k[i].idx;
	free(k);
	return 0;
}


const char *
sig_level_cn(int level)
{
	static const char *const cn[] = { "?", "一级", "二级", "三级", "四级", "五级" };

	return level >= 1 && level <= 5 ? cn[level] : cn[0];
}
