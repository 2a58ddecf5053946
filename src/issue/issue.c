/* issue.c - from a roster to signed, numbered, stored certificates. */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "skillcert/issue/issue.h"
#include "skillcert/model/sha256.h"
#include "skillcert/roster/roster.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"
#include "skillcert/model/person.h"
#include "skillcert/roster/photo.h"

/* One accepted row on its way to the registry. */
struct pending {
	atomic_int done;                /* signed (set by a signer thread) */
	size_t row;                     /* index into res->rows */
	struct cert_record rec;
	uint8_t enc[CERT_ENC_MAX];
	struct buf photo;
	char bkey[256];
	size_t bkey_len;
	char employer[ORG_NAME_MAX + 1];
	char old[CERTNO_LEN + 1];       /* held certificate to revoke (--reissue) */
	char ident[CERT_ID_MAX + 40];   /* person x occupation x level */
};

/* Signing runs beside validation: the main thread numbers and encodes rows
 * and publishes them; workers sign whatever is published. */
#define SIGNERS_MAX 64
#define SIGN_CHUNK 4
#define SIGN_AHEAD 32

struct signer {
	pthread_mutex_t mu;
	pthread_cond_t cv;              /* work published, or stop */
	pthread_cond_t signed_cv;       /* a chunk was signed */
	struct pending *p;
	size_t ready;                   /* items [0, ready) may be signed */
	size_t next;                    /* next item to hand out */
	int closed;                     /* nothing more will be published */
	int waiting;                    /* the storer sleeps on signed_cv */
	int idle;                       /* signers sleeping on cv */
	int stop;                       /* give up: a failure elsewhere */
	const struct key *k;
	int rc;
	struct err e;
	pthread_t tid[SIGNERS_MAX];
	int nthreads;
};

/* Small open-addressing set of row identities: a person, occupation and
 * level twice in one roster is found in O(1) per row. */
struct identset {
	uint32_t *slot;                 /* index+1 into pend, 0 = empty */
	size_t cap;
};

static void
row_reject(struct issue_result *res, size_t i, const char *field,
    const struct err *e)
{
	struct issue_row *row = &res->rows[i];

	row->status = ROW_REJECTED;
	snprintf(row->msg, sizeof(row->msg), "%s%s%s", field ? field : "",
	    field ? ": " : "", e->msg);
}

/* Upper-cases and checks a non-GB11643 document number. */
static int
check_other_id(char *s, struct err *e)
{
	size_t n = strlen(s);

	if (n == 0 || n > CERT_ID_MAX)
		return err_set(e, ERR_INVALID, "must be 1-%d characters", CERT_ID_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '(' &&
		    s[i] != ')')
			return err_set(e, ERR_INVALID, "character %zu is not a letter "
			    "or digit", i + 1);
		s[i] = (char)toupper((unsigned char)s[i]);
	}
	return 0;
}

struct held_ctx {
	const char *org;
	const char *occ;
	int level;
	char found[CERTNO_LEN + 1];
};

static int
held_cb(const struct cert_record *c, void *arg)
{
	struct held_ctx *h = arg;

	if (c->status == CERT_VALID && strcmp(c->cert.org, h->org) == 0 &&
	    strcmp(c->cert.occ_code, h->occ) == 0 && c->cert.level == h->level) {
		memcpy(h->found, c->cert.no, sizeof(h->found));
		return 1;
	}
	return 0;
}

/* Checks one row against catalogs, organization and limits; fills p. */
static int
check_row(struct registry *r, const struct org *org, const struct org_key *ok,
    const struct roster_row *row, const char *rdir, int32_t today,
    struct pending *p, const char **field, struct err *e)
{
	struct cert *c = &p->rec.cert;
	const struct named *idt, *m;
	const struct occupation *occ;
	const struct brand_rule *br;
	uint8_t occp[4];
	char path[PATH_MAX], d1[11], d2[11];
	int rc, level;

	memset(c, 0, sizeof(*c));
#define FIELD(col) (*field = roster_col_name(col), row->f[col])
	if ((rc = person_check_name(FIELD(RC_NAME), e)) != 0)
		return rc;
	snprintf(c->name, sizeof(c->name), "%s", row->f[RC_NAME]);
	/* person_check_name normalises middle dots into its input: take that form. */
	if ((idt = catalog_idtype(&r->cat, FIELD(RC_ID_TYPE))) == NULL)
		return err_set(e, ERR_INVALID, "'%s' is not a known document type "
		    "(e.g. 居民身份证, 护照)", row->f[RC_ID_TYPE]);
	c->id_type = idt->code;
	if (strlen(FIELD(RC_ID_NUMBER)) > CERT_ID_MAX)
		return err_set(e, ERR_INVALID, "longer than %d characters", CERT_ID_MAX);
	snprintf(c->id_number, sizeof(c->id_number), "%s", row->f[RC_ID_NUMBER]);
	rc = (idt->flags & IDTYPE_GB11643) ? person_check_idcard(c->id_number, e) :
	    check_other_id(c->id_number, e);
	if (rc)
		return rc;
	if ((occ = catalog_occ_by_name(&r->cat, FIELD(RC_OCCUPATION))) == NULL &&
	    (occ = catalog_occ_by_code(&r->cat, row->f[RC_OCCUPATION])) == NULL)
		return err_set(e, ERR_INVALID, "'%s' is not in the occupation catalog",
		    row->f[RC_OCCUPATION]);
	snprintf(c->occ_code, sizeof(c->occ_code), "%s", occ->code);
	cert_occ_pack(occ->code, occp);
	if ((level = level_parse(FIELD(RC_LEVEL))) == 0)
		return err_set(e, ERR_INVALID, "'%s' is not a level (1-5, 三级 or "
		    "三级/高级工)", row->f[RC_LEVEL]);
	if (!(occ->levels & (1u << level))) {
		char have[8];
		level_mask_format(occ->levels, have);
		return err_set(e, ERR_INVALID, "%s has no %s (its standard defines "
		    "levels %s)", occ->name, level_full(level), have);
	}
	if (org_scope_allows(org, occp, level) != 0)
		return err_set(e, ERR_DENIED, "%s %s is outside the scope of %s",
		    occ->name, level_full(level), org->code);
	c->level = level;
	if (FIELD(RC_TRADE)[0] && strcmp(row->f[RC_TRADE], "--") != 0 &&
	    strcmp(row->f[RC_TRADE], "无") != 0) {
		if (!catalog_occ_has_trade(occ, row->f[RC_TRADE]))
			return err_set(e, ERR_INVALID, "'%s' is not a 工种 of %s",
			    row->f[RC_TRADE], occ->name);
		snprintf(c->trade, sizeof(c->trade), "%s", row->f[RC_TRADE]);
	}
	if ((m = catalog_method(&r->cat, FIELD(RC_METHOD))) == NULL)
		return err_set(e, ERR_INVALID, "'%s' is not a known assessment method "
		    "(e.g. 过程化考核, 直接认定)", row->f[RC_METHOD]);
	c->method = m->code;
	if (date_parse(FIELD(RC_ASSESSED_ON), &c->assessed_on) != 0)
		return err_set(e, ERR_INVALID, "'%s' is not a date (2021-03-15, "
		    "2021/3/15 or 2021年3月15日)", row->f[RC_ASSESSED_ON]);
	if (c->assessed_on > today)
		return err_set(e, ERR_INVALID, "%s is in the future",
		    row->f[RC_ASSESSED_ON]);
	if (c->assessed_on < org->valid_from || c->assessed_on > org->valid_to) {
		date_format_iso(org->valid_from, d1);
		date_format_iso(org->valid_to, d2);
		return err_set(e, ERR_DENIED, "%s is outside %s's filing (%s to %s)",
		    row->f[RC_ASSESSED_ON], org->code, d1, d2);
	}
	if (org->type == 'Y' && strcmp(FIELD(RC_EMPLOYER), org->name) != 0)
		return err_set(e, ERR_DENIED, "an enterprise (type Y) certifies only "
		    "its own staff: 工作单位 '%s' is not '%s'", row->f[RC_EMPLOYER],
		    org->name);
	snprintf(p->employer, sizeof(p->employer), "%s", row->f[RC_EMPLOYER]);
	if (FIELD(RC_PHOTO)[0]) {
		int w, h;
		if (row->f[RC_PHOTO][0] == '/' || rdir == NULL)
			snprintf(path, sizeof(path), "%s", row->f[RC_PHOTO]);
		else
			snprintf(path, sizeof(path), "%s/%s", rdir, row->f[RC_PHOTO]);
		rc = buf_read_file(&p->photo, path, ISSUE_PHOTO_MAX);
		if (rc == -2)
			return err_set(e, ERR_INVALID, "%s is larger than %u KB", path,
			    ISSUE_PHOTO_MAX >> 10);
		if (rc != 0)
			return err_set(e, ERR_INVALID, "cannot read %s: %s", path,
			    strerror(errno));
		if (photo_check(p->photo.data, p->photo.len, ISSUE_PHOTO_MAX, &w, &h,
		    e) < 0)
			return err_prefix(e, "%s: ", path);
	}
	*field = NULL;
	br = catalog_brand_for(&r->cat, orgcode_province(org->code), occ->code);
	if (br)
		snprintf(c->brand, sizeof(c->brand), "%s", br->mark);
	memcpy(c->org, org->code, sizeof(c->org));
	c->alg = ok->alg;
	memcpy(c->kid, ok->kid, KEY_ID_LEN);
	c->issued_on = today;
	snprintf(p->ident, sizeof(p->ident), "%d:%s:%s:%d", c->id_type,
	    c->id_number, c->occ_code, c->level);
	return 0;
#undef FIELD
}

static uint64_t
ident_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

/* Returns the index of an equal identity already present, or -1 after
 * inserting idx. */
static long
identset_add(struct identset *set, const struct pending *pend, size_t idx)
{
	size_t i = (size_t)ident_hash(pend[idx].ident) & (set->cap - 1);

	while (set->slot[i]) {
		size_t j = set->slot[i] - 1;
		if (strcmp(pend[j].ident, pend[idx].ident) == 0)
			return (long)j;
		i = (i + 1) & (set->cap - 1);
	}
	set->slot[i] = (uint32_t)idx + 1;
	return -1;
}

/* Takes up to SIGN_CHUNK published items; 0 when there is nothing left. */
static int
signer_take(struct signer *s, size_t *from, size_t *to)
{
	int got = 0;

	pthread_mutex_lock(&s->mu);
	while (!s->stop && s->next >= s->ready && !s->closed) {
		s->idle++;
		pthread_cond_wait(&s->cv, &s->mu);
		s->idle--;
	}
	if (!s->stop && s->next < s->ready) {
		*from = s->next;
		*to = s->next + SIGN_CHUNK < s->ready ? s->next + SIGN_CHUNK : s->ready;
		s->next = *to;
		got = 1;
	}
	pthread_mutex_unlock(&s->mu);
	return got;
}

/* Records the first failure and stops every thread waiting on the queue. */
static void
signer_fail(struct signer *s, const struct err *e)
{
	pthread_mutex_lock(&s->mu);
	if (!s->rc) {
		s->rc = e->code;
		s->e = *e;
	}
	s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_cond_broadcast(&s->signed_cv);
	pthread_mutex_unlock(&s->mu);
}

static void *
signer_run(void *arg)
{
	struct signer *s = arg;
	struct key_signer ks;
	struct err e;
	size_t from, to;

	if (key_signer_init(&ks, s->k, &e) != 0) {
		signer_fail(s, &e);
		return NULL;
	}

	while (signer_take(s, &from, &to)) {
		for (size_t i = from; i < to; i++) {
			struct pending *p = &s->p[i];
			if (cert_sign_enc(p->enc, p->rec.enc_len, &ks, p->rec.sig,
			    &e) != 0) {
				signer_fail(s, &e);
				key_signer_free(&ks);
				return NULL;
			}
			atomic_store_explicit(&p->done, 1, memory_order_release);
		}
		/* Wake the storer only if it sleeps: most chunks need no syscall. */
		pthread_mutex_lock(&s->mu);
		if (s->waiting)
			pthread_cond_broadcast(&s->signed_cv);
		pthread_mutex_unlock(&s->mu);
	}
	key_signer_free(&ks);
	return NULL;
}

/* Waits until item i is signed; non-zero if signing failed. Sleeping
 * until a few items further are done too saves wake-ups: they are handed
 * out in order, so they finish at about the same time. */
static int
signer_wait(struct signer *s, size_t i, size_t n)
{
	size_t ahead = i + SIGN_AHEAD < n ? i + SIGN_AHEAD : n - 1;
	int failed;

	if (atomic_load_explicit(&s->p[i].done, memory_order_acquire))
		return 0;
	pthread_mutex_lock(&s->mu);
	s->waiting = 1;
	while (!(atomic_load_explicit(&s->p[i].done, memory_order_acquire) &&
	    atomic_load_explicit(&s->p[ahead].done, memory_order_acquire)) &&
	    !s->stop)
		pthread_cond_wait(&s->signed_cv, &s->mu);
	s->waiting = 0;
	failed = !atomic_load_explicit(&s->p[i].done, memory_order_acquire);
	pthread_mutex_unlock(&s->mu);
	return failed;
}

static void
signer_start(struct signer *s, struct pending *p, const struct key *k,
    int threads, size_t expected)
{
	pthread_attr_t attr;

	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	pthread_cond_init(&s->signed_cv, NULL);
	s->p = p;
	s->k = k;
	if (threads < 1)
		threads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (threads < 1)
		threads = 1;
	if (threads > SIGNERS_MAX)
		threads = SIGNERS_MAX;
	if ((size_t)threads > expected / 32 + 1)
		threads = (int)(expected / 32 + 1); /* small rosters: few threads */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256u << 10);
	for (int t = 0; t < threads; t++)
		if (pthread_create(&s->tid[s->nthreads], &attr, signer_run, s) == 0)
			pthread_setname_np(s->tid[s->nthreads++], "skillcert-sign");
	pthread_attr_destroy(&attr);
}

static void
signer_publish(struct signer *s, size_t ready)
{
	pthread_mutex_lock(&s->mu);
	s->ready = ready;
	if (s->idle)
		pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* Closes the queue, signs alongside the workers, joins them. abandon != 0
 * stops at once (nothing will be stored). */
static int
signer_finish(struct signer *s, int abandon, struct err *e)
{
	pthread_mutex_lock(&s->mu);
	s->closed = 1;
	if (abandon)
		s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (!abandon)
		signer_run(s);
	for (int t = 0; t < s->nthreads; t++)
		pthread_join(s->tid[t], NULL);
	pthread_cond_destroy(&s->cv);
	pthread_cond_destroy(&s->signed_cv);
	pthread_mutex_destroy(&s->mu);
	if (s->rc && e)
		*e = s->e;
	return abandon ? 0 : s->rc;
}

static void
batch_id_of(const char *data, size_t n, char out[65])
{
	uint8_t md[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	sha256_bytes(data, n, md);
	hex_encode(md, 8, hex);
	snprintf(out, 65, "R%s", hex);
}

static int
batch_id_check(const char *b, struct err *e)
{
	size_t n = strlen(b);

	if (n == 0 || n > 64)
		return err_set(e, ERR_USAGE, "--batch must be 1-64 characters");
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)b[i]) && b[i] != '-' && b[i] != '_' &&
		    b[i] != '.')
			return err_set(e, ERR_USAGE, "--batch may hold letters, digits, "
			    "'-', '_' and '.' only");
	return 0;
}

static void
progress(const struct issue_opts *o, const char *phase, size_t done, size_t total)
{
	if (o->progress)
		o->progress(o->progress_arg, phase, done, total);
}

int
issue_roster(struct registry *r, const struct issue_opts *o,
    struct issue_result *res, struct err *e)
{
	struct roster ro;
	struct buf data = BUF_INIT, enc = BUF_INIT;
	struct org org;
	struct org_key ok;
	struct key k;
	struct pending *pend = NULL;
	struct identset ids = { NULL, 0 };
	struct signer sg;
	int signing = 0;
	size_t npend = 0;
	MDB_txn *txn = NULL;
	char rdir[PATH_MAX], kpath[PATH_MAX], tmp[PATH_MAX];
	const char *bytes;
	size_t nbytes;
	int32_t today = o->today ? o->today : date_today();
	int64_t now = (int64_t)time(NULL);
	uint32_t seq_last[6] = { 0 }, seq_first[6] = { 0 };
	int seq_loaded[6] = { 0 };
	int rc, y, mo, d;

	memset(res, 0, sizeof(*res));
	memset(&ro, 0, sizeof(ro));
	memset(&k, 0, sizeof(k));
	if (r->flags & REG_RDONLY)
		return err_set(e, ERR_DENIED, "registry opened read-only");
	if (o->batch && (rc = batch_id_check(o->batch, e)) != 0)
		return rc;
	/* Read the roster. */
	if (o->roster_path) {
		rc = buf_read_file(&data, o->roster_path, ROSTER_MAX_BYTES);
		if (rc != 0) {
			buf_free(&data);
			return err_set(e, rc == -2 ? ERR_INVALID : ERR_NOTFOUND,
			    "cannot read roster %s: %s", o->roster_path,
			    rc == -2 ? "larger than 64 MiB" : strerror(errno));
		}
		bytes = (const char *)data.data;
		nbytes = data.len;
		snprintf(tmp, sizeof(tmp), "%s", o->roster_path);
		snprintf(rdir, sizeof(rdir), "%s", dirname(tmp));
	} else {
		bytes = o->roster_data;
		nbytes = o->roster_len;
		rdir[0] = '\0';
	}
	if (o->batch)
		snprintf(res->batch, sizeof(res->batch), "%s", o->batch);
	else
		batch_id_of(bytes, nbytes, res->batch);
	if ((rc = roster_parse(bytes, nbytes, &ro, e)) != 0) {
		if (o->roster_path)
			err_prefix(e, "%s: ", o->roster_path);
		goto done;
	}
	if (ro.nrows == 0) {
		rc = err_set(e, ERR_INVALID, "the roster has no rows");
		goto done;
	}
	for (ids.cap = 16; ids.cap < ro.nrows * 2; ids.cap *= 2)
		;
	if ((res->rows = calloc(ro.nrows, sizeof(*res->rows))) == NULL ||
	    (pend = calloc(ro.nrows, sizeof(*pend))) == NULL ||
	    (ids.slot = calloc(ids.cap, sizeof(*ids.slot))) == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto done;
	}
	res->nrows = ro.nrows;

	if ((rc = registry_txn_begin(r, 0, &txn, e)) != 0)
		goto done;
	if ((rc = registry_get_org(r, txn, o->org, &org, e)) != 0)
		goto done;
	if (org.status != ORG_ACTIVE) {
		rc = err_set(e, ERR_DENIED, "organization %s is suspended (%s): it "
		    "cannot issue", org.code, org.note);
		goto done;
	}
	if ((rc = registry_get_orgkey(r, txn, org.code, org.kid, &ok, e)) != 0)
		goto done;
	if (ok.status != OKEY_ACTIVE) {
		rc = err_set(e, ERR_DENIED, "the current key of %s is %s: "
		    "`skillcert org rekey %s` first", org.code,
		    orgkey_status_name(ok.status), org.code);
		goto done;
	}
	if (today < ok.valid_from || today > ok.valid_to) {
		char d1[11], d2[11];
		date_format_iso(ok.valid_from, d1);
		date_format_iso(ok.valid_to, d2);
		rc = err_set(e, ERR_DENIED, "%s's filing and key are valid %s to %s, "
		    "not today: the authority must renew the filing", org.code, d1, d2);
		goto done;
	}
	registry_org_key_path(r, org.code, ok.kid, kpath);
	if ((rc = key_load_secret(kpath, o->passphrase, &k, e)) != 0)
		goto done;
	if (!r->logkey.has_secret &&
	    (rc = registry_load_secrets(r, o->passphrase, e)) != 0)
		goto done;
	signer_start(&sg, pend, &k, o->threads, ro.nrows);
	signing = 1;
	date_to_ymd(today, &y, &mo, &d);

	/* Pass 1: check, number and encode every row, signing as we go.
	 * Nothing is visible to anyone until the commit. */
	for (size_t i = 0; i < ro.nrows; i++) {
		const struct roster_row *row = &ro.rows[i];
		struct pending *p = &pend[npend];
		struct issue_row *out = &res->rows[i];
		const char *field = NULL;
		struct certno cn;
		struct err re;
		size_t il;
		long dup;
		int lv;

		out->line = row->line;
		snprintf(out->name, sizeof(out->name), "%s", row->f[RC_NAME]);
		memset(p, 0, sizeof(*p));
		p->row = i;
		err_clear(&re);
		if (check_row(r, &org, &ok, row, o->roster_path ? rdir : NULL, today,
		    p, &field, &re) != 0) {
			row_reject(res, i, field, &re);
			buf_free(&p->photo);
			continue;
		}
		/* A re-run of this batch: report the number already given. */
		il = (size_t)snprintf(p->bkey, sizeof(p->bkey), "%s", res->batch) + 1;
		il += (size_t)snprintf(p->bkey + il, sizeof(p->bkey) - il, "%s%s",
		    org.code, p->ident);
		p->bkey_len = il;
		if (registry_batch_lookup(r, txn, p->bkey, p->bkey_len,
		    out->certno) == 0) {
			out->status = ROW_EXISTING;
			res->existing++;
			buf_free(&p->photo);
			continue;
		}
		/* The person already holds it from this organization. */
		struct held_ctx h = { org.code, p->rec.cert.occ_code,
			p->rec.cert.level, "" };
		if ((rc = registry_each_cert_of_person(r, txn, p->rec.cert.id_number,
		    held_cb, &h, e)) != 0)
			goto done;
		if (h.found[0] && !o->reissue) {
			err_set(&re, ERR_EXISTS, "already holds %s %s from %s: %s "
			    "(use --reissue to revoke it and issue anew)",
			    catalog_occ_by_code(&r->cat, p->rec.cert.occ_code)->name,
			    level_full(p->rec.cert.level), org.code, h.found);
			row_reject(res, i, NULL, &re);
			buf_free(&p->photo);
			continue;
		}
		/* Only accepted rows enter the set: their slots stay put. */
		if ((dup = identset_add(&ids, pend, npend)) >= 0) {
			err_set(&re, ERR_INVALID, "same person, occupation and level as "
			    "line %d", res->rows[pend[dup].row].line);
			row_reject(res, i, NULL, &re);
			buf_free(&p->photo);
			continue;
		}
		memcpy(p->old, h.found, sizeof(p->old));
		/* The number: roster order, per level, no gap. */
		lv = p->rec.cert.level;
		if (!seq_loaded[lv]) {
			if ((rc = registry_seq_get(r, txn, org.code, y % 100, lv,
			    &seq_last[lv], e)) != 0)
				goto done;
			seq_first[lv] = seq_last[lv];
			seq_loaded[lv] = 1;
		}
		if (seq_last[lv] >= CERTNO_SEQ_MAX) {
			rc = err_set(e, ERR_FULL, "line %d: %s has used all 999999 "
			    "certificate numbers for %s in 20%02d", row->line, org.code,
			    level_full(lv), y % 100);
			goto done;
		}
		/* Encoded with the next number before taking it: a row whose QR
		 * URL would be too long is refused without leaving a gap. */
		cn.type = org.type;
		memcpy(cn.org, org.code, sizeof(cn.org));
		cn.year2 = y % 100;
		cn.level = lv;
		cn.seq = seq_last[lv] + 1;
		certno_format(&cn, p->rec.cert.no);
		if ((rc = cert_encode(&p->rec.cert, &enc, e)) != 0) {
			err_prefix(e, "line %d: ", row->line);
			goto done;
		}
		if (strlen(r->public_url) + 3 + base32_encoded_len(enc.len +
		    CERT_SIG_LEN) > CERT_TOKEN_URL_MAX) {
			err_set(&re, ERR_INVALID, "the QR URL would be longer than %d "
			    "characters: name, 工种 or public URL too long",
			    CERT_TOKEN_URL_MAX);
			row_reject(res, i, roster_col_name(RC_NAME), &re);
			buf_free(&p->photo);
			continue;
		}
		seq_last[lv]++;
		memcpy(p->enc, enc.data, enc.len);
		p->rec.enc = p->enc;
		p->rec.enc_len = enc.len;
		out->status = ROW_PENDING;
		memcpy(out->certno, p->rec.cert.no, sizeof(out->certno));
		npend++;
		if ((npend & 15) == 0)
			signer_publish(&sg, npend);
		if ((i & 1023) == 1023)
			progress(o, "checked", i + 1, ro.nrows);
	}
	for (size_t i = 0; i < res->nrows; i++)
		if (res->rows[i].status == ROW_REJECTED)
			res->rejected++;
	if (res->rejected && !o->partial) {
		for (size_t i = 0; i < res->nrows; i++)
			if (res->rows[i].status == ROW_PENDING)
				res->rows[i].certno[0] = '\0'; /* never given */
		rc = err_set(e, ERR_INVALID, "%zu of %zu rows failed validation: "
		    "nothing was issued", res->rejected, res->nrows);
		goto done;
	}
	/* Everything is published: close the queue so idle signers exit. */
	pthread_mutex_lock(&sg.mu);
	sg.ready = npend;
	sg.closed = 1;
	pthread_cond_broadcast(&sg.cv);
	pthread_mutex_unlock(&sg.mu);

	/* Pass 2: store each certificate as soon as it is signed (in roster
	 * order), revoke what is reissued, log. */
	for (int lv = 1; lv <= 5; lv++)
		if (seq_loaded[lv] && seq_last[lv] != seq_first[lv] &&
		    (rc = registry_seq_put(r, txn, org.code, y % 100, lv, seq_last[lv],
		    e)) != 0)
			goto done;
	for (size_t i = 0; i < npend; i++) {
		struct pending *p = &pend[i];
		struct issue_row *out = &res->rows[p->row];

		if (signer_wait(&sg, i, npend) != 0) {
			signing = 0;
			rc = signer_finish(&sg, 1, NULL);
			rc = err_set(e, sg.rc ? sg.rc : ERR_CRYPTO, "signing failed: %s",
			    sg.e.msg);
			goto done;
		}
		if (p->old[0]) {
			if ((rc = registry_revoke(r, txn, p->old, REV_REISSUED,
			    p->rec.cert.no, ok.kid, e)) != 0)
				goto done;
			memcpy(out->replaced, p->old, sizeof(out->replaced));
		}
		p->rec.status = CERT_VALID;
		p->rec.issued_at = now;
		snprintf(p->rec.batch, sizeof(p->rec.batch), "%s", res->batch);
		p->rec.row = (uint32_t)out->line;
		memcpy(p->rec.employer, p->employer, sizeof(p->rec.employer));
		if ((rc = registry_put_cert(r, txn, &p->rec, p->photo.data,
		    p->photo.len, p->bkey, p->bkey_len, e)) != 0) {
			err_prefix(e, "line %d: ", out->line);
			goto done;
		}
		out->status = ROW_ISSUED;
		res->issued++;
		if ((i & 1023) == 1023)
			progress(o, "stored", i + 1, npend);
	}
	signing = 0;
	if ((rc = signer_finish(&sg, 0, e)) != 0)
		goto done;
	if (res->issued && (rc = registry_sign_head(r, txn, &res->head, e)) != 0)
		goto done;
	if (o->dry_run) {
		/* Numbers shown are what a real run would give now. */
		mdb_txn_abort(txn);
		txn = NULL;
		goto done;
	}
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0) {
		rc = err_set(e, rc == MDB_MAP_FULL ? ERR_FULL : ERR_DB,
		    "commit: %s", mdb_strerror(rc));
		goto done;
	}
	res->committed = 1;
	progress(o, "stored", npend, npend);
done:
	if (signing)
		signer_finish(&sg, 1, NULL);
	if (txn)
		mdb_txn_abort(txn);
	if (rc != 0)
		for (size_t i = 0; res->rows && i < res->nrows; i++)
			if (res->rows[i].status == ROW_ISSUED ||
			    res->rows[i].status == ROW_PENDING) {
				res->rows[i].status = ROW_PENDING;
				res->rows[i].certno[0] = '\0';
			}
	if (rc != 0)
		res->issued = 0;
	for (size_t i = 0; pend && i < ro.nrows; i++)
		buf_free(&pend[i].photo);
	free(pend);
	free(ids.slot);
	key_free(&k);
	roster_free(&ro);
	buf_free(&data);
	buf_free(&enc);
	return rc;
}

void
issue_result_free(struct issue_result *res)
{
	free(res->rows);
	memset(res, 0, sizeof(*res));
}
