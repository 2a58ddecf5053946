/* issue.c - turns a roster into numbered, signed, stored certificates in
 * one transaction, so that a batch is issued whole or not at all. */
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
#include "skillcert/roster/xlsx.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/csv.h"
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
	char person[CERT_ID_MAX + 8];   /* document type x number */
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

/* One call of issue_roster: what its phases share. */
struct issue_run {
	struct registry *r;
	const struct issue_opts *o;
	struct issue_result *res;
	struct roster ro;
	struct buf data;                /* the roster file, when read here */
	struct buf csv;                 /* an XLSX roster's first sheet */
	struct buf enc;                 /* one encoded certificate */
	char rdir[PATH_MAX];            /* the roster file's directory */
	const char *photo_dir;          /* rdir, or NULL for roster_data */
	struct org org;
	struct org_key ok;
	struct key k;                   /* the organization's secret key,
	                                   when read from its file here */
	const struct key *key;          /* &k, or the caller's loaded key */
	MDB_txn *txn;
	struct pending *pend;           /* accepted rows, in roster order */
	size_t npend;
	struct identset ids;            /* by ident: one certificate each */
	struct identset persons;        /* by person: one name each */
	struct signer sg;
	int signing;                    /* sg's threads are running */
	int32_t today;
	int64_t now;
	int year2;
	uint32_t seq_last[6], seq_first[6];
	int seq_loaded[6];
};

/* Reports roster row i rejected and drops its pending slot p. */
static int
issue_reject_row(struct issue_run *run, size_t i, struct pending *p,
    const char *field, const struct err *e)
{
	struct issue_row *row = &run->res->rows[i];

	row->status = ROW_REJECTED;
	snprintf(row->msg, sizeof(row->msg), "%s%s%s", field ? field : "",
	    field ? ": " : "", e->msg);
	buf_free(&p->photo);
	return 0;
}

/* Reports roster row i as failed at assessment (结果 不合格): counted,
 * never numbered, its pending slot p dropped. */
static int
issue_fail_row(struct issue_run *run, size_t i, struct pending *p)
{
	run->res->rows[i].status = ROW_FAILED;
	buf_free(&p->photo);
	return 0;
}

/* Upper-cases and checks a non-GB11643 document number. */
static int
issue_check_other_id(char *s, struct err *e)
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
	const struct cert *want;
	const char *org;
	char found[CERTNO_LEN + 1];     /* the same certificate, still valid */
	char other[CERTNO_LEN + 1];     /* this document under another name */
	char other_name[CERT_NAME_MAX + 1];
};

/* Every certificate of the person's document number, any organization. */
static int
issue_match_held(const struct cert_record *c, void *arg)
{
	struct held_ctx *h = arg;

	if (c->cert.id_type == h->want->id_type && !h->other[0] &&
	    strcmp(c->cert.name, h->want->name) != 0) {
		memcpy(h->other, c->cert.no, sizeof(h->other));
		memcpy(h->other_name, c->cert.name, sizeof(h->other_name));
	}
	if (!h->found[0] && c->status == CERT_VALID &&
	    strcmp(c->cert.org, h->org) == 0 &&
	    strcmp(c->cert.occ_code, h->want->occ_code) == 0 &&
	    c->cert.level == h->want->level)
		memcpy(h->found, c->cert.no, sizeof(h->found));
	return 0;
}

/* The row checks below name the field they look at through *field. */
#define FIELD(col) (*field = roster_col_name(col), row->f[col])

/* 姓名, 证件类型 and 证件号码: who the certificate is for. */
static int
issue_check_person(const struct catalog *cat, const struct roster_row *row,
    struct cert *c, const char **field, struct err *e)
{
	const struct named *idt;
	int rc;

	/* The document type first: it decides which names are valid. */
	if ((idt = catalog_idtype(cat, FIELD(RC_ID_TYPE))) == NULL)
		return err_set(e, ERR_INVALID, "'%s' is not a known document type "
		    "(e.g. 居民身份证, 护照)", row->f[RC_ID_TYPE]);
	if ((rc = person_check_name_as(FIELD(RC_NAME), idt->flags &
	    IDTYPE_LATIN_NAMES ? PERSON_NAME_LATIN_MARKS : 0, e)) != 0)
		return rc;
	snprintf(c->name, sizeof(c->name), "%s", row->f[RC_NAME]);
	c->id_type = idt->code;
	if (strlen(FIELD(RC_ID_NUMBER)) > CERT_ID_MAX)
		return err_set(e, ERR_INVALID, "longer than %d characters", CERT_ID_MAX);
	snprintf(c->id_number, sizeof(c->id_number), "%s", row->f[RC_ID_NUMBER]);
	if (idt->flags & IDTYPE_GB11643)
		return person_check_idcard(c->id_number, e);
	return issue_check_other_id(c->id_number, e);
}

/* 职业, 等级 and 工种: in the catalog and in the organization's scope. */
static int
issue_check_occupation(const struct catalog *cat, const struct org *org,
    const struct roster_row *row, struct cert *c,
    const struct occupation **occp, const char **field, struct err *e)
{
	const struct occupation *occ;
	uint8_t packed[4];
	int level;

	if ((occ = catalog_occ_by_name(cat, FIELD(RC_OCCUPATION))) == NULL &&
	    (occ = catalog_occ_by_code(cat, row->f[RC_OCCUPATION])) == NULL)
		return err_set(e, ERR_INVALID, "'%s' is not in the occupation catalog",
		    row->f[RC_OCCUPATION]);
	snprintf(c->occ_code, sizeof(c->occ_code), "%s", occ->code);
	if (cert_occ_pack(occ->code, packed) != 0)
		return err_set(e, ERR_INTERNAL, "occupation code %s in the "
		    "catalog is not N-NN-NN-NN", occ->code);
	if ((level = level_parse(FIELD(RC_LEVEL))) == 0)
		return err_set(e, ERR_INVALID, "'%s' is not a level (1-5, 三级 or "
		    "三级/高级工)", row->f[RC_LEVEL]);
	if (!(occ->levels & (1u << level))) {
		char have[8];
		level_mask_format(occ->levels, have);
		return err_set(e, ERR_INVALID, "%s has no %s (its standard defines "
		    "levels %s)", occ->name, level_full(level), have);
	}
	if (org_scope_allows(org, packed, level) != 0)
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
	*occp = occ;
	return 0;
}

/* 评价方式 and 考核日期: a known method, on a day of the filing. */
static int
issue_check_assessment(const struct catalog *cat, const struct org *org,
    const struct roster_row *row, int32_t today, struct cert *c,
    const char **field, struct err *e)
{
	const struct named *m;
	char d1[11], d2[11];

	if ((m = catalog_method(cat, FIELD(RC_METHOD))) == NULL)
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
	return 0;
}

/* 工作单位: an enterprise certifies its own staff only. */
static int
issue_check_employer(const struct org *org, const struct roster_row *row,
    struct pending *p, const char **field, struct err *e)
{
	/* Stored, shown and exported to spreadsheets: never a formula. */
	if (csv_is_formula(FIELD(RC_EMPLOYER)))
		return err_set(e, ERR_INVALID, "starts with '%c', which a "
		    "spreadsheet runs as a formula: remove it",
		    row->f[RC_EMPLOYER][0] == '\t' ? ' ' : row->f[RC_EMPLOYER][0]);
	if (org->type == 'Y' && strcmp(row->f[RC_EMPLOYER], org->name) != 0)
		return err_set(e, ERR_DENIED, "an enterprise (type Y) certifies only "
		    "its own staff: 工作单位 '%s' is not '%s'", row->f[RC_EMPLOYER],
		    org->name);
	snprintf(p->employer, sizeof(p->employer), "%s", row->f[RC_EMPLOYER]);
	return 0;
}

/* 照片: a file inside dir (the roster's folder or --photos), read into
 * p->photo and checked. */
static int
issue_check_photo(const struct roster_row *row, const char *dir,
    struct pending *p, const char **field, struct err *e)
{
	int rc, w, h;

	if (!FIELD(RC_PHOTO)[0])
		return 0;
	if ((rc = photo_read(dir, row->f[RC_PHOTO], ISSUE_PHOTO_MAX, &p->photo,
	    e)) != 0)
		return ERR_INVALID;
	if (photo_check(p->photo.data, p->photo.len, ISSUE_PHOTO_MAX, &w, &h,
	    e) < 0)
		return err_prefix(e, "%s: ", row->f[RC_PHOTO]);
	return 0;
}

#undef FIELD

/* Checks one row against catalogs, organization and limits; fills p. */
static int
issue_check_row(const struct issue_run *run, const struct roster_row *row,
    struct pending *p, const char **field, struct err *e)
{
	const struct catalog *cat = &run->r->cat;
	struct cert *c = &p->rec.cert;
	const struct occupation *occ = NULL;
	const struct brand_rule *br;
	int rc;

	memset(c, 0, sizeof(*c));
	if ((rc = issue_check_person(cat, row, c, field, e)) != 0 ||
	    (rc = issue_check_occupation(cat, &run->org, row, c, &occ, field,
	    e)) != 0 ||
	    (rc = issue_check_assessment(cat, &run->org, row, run->today, c,
	    field, e)) != 0 ||
	    (rc = issue_check_employer(&run->org, row, p, field, e)) != 0 ||
	    (rc = issue_check_photo(row, run->photo_dir, p, field, e)) != 0)
		return rc;
	*field = NULL;
	br = catalog_brand_for(cat, orgcode_province(run->org.code), occ->code);
	if (br)
		snprintf(c->brand, sizeof(c->brand), "%s", br->mark);
	memcpy(c->org, run->org.code, sizeof(c->org));
	c->alg = run->ok.alg;
	memcpy(c->kid, run->ok.kid, KEY_ID_LEN);
	c->issued_on = run->today;
	snprintf(p->ident, sizeof(p->ident), "%d:%s:%s:%d", c->id_type,
	    c->id_number, c->occ_code, c->level);
	snprintf(p->person, sizeof(p->person), "%d:%s", c->id_type,
	    c->id_number);
	return 0;
}

static uint64_t
issue_hash_ident(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 1099511628211ull;
	return h;
}

/* The key a set is kept by: the ident or the person of a pending row. */
static const char *
issue_key_of(const struct pending *p, int by_person)
{
	return by_person ? p->person : p->ident;
}

/* Index of the accepted row with pend[idx]'s key, or -1; *slot is where
 * pend[idx] goes if it is to be added. */
static long
issue_find_ident(const struct identset *set, const struct pending *pend,
    size_t idx, int by_person, size_t *slot)
{
	const char *k = issue_key_of(&pend[idx], by_person);
	size_t i = (size_t)issue_hash_ident(k) & (set->cap - 1);

	while (set->slot[i]) {
		size_t j = set->slot[i] - 1;
		if (strcmp(issue_key_of(&pend[j], by_person), k) == 0)
			return (long)j;
		i = (i + 1) & (set->cap - 1);
	}
	*slot = i;
	return -1;
}

/* Adds pend[idx] unless its key is there already. */
static void
issue_add_ident(struct identset *set, const struct pending *pend, size_t idx,
    int by_person)
{
	size_t slot;

	if (issue_find_ident(set, pend, idx, by_person, &slot) < 0)
		set->slot[slot] = (uint32_t)idx + 1;
}

static int
issue_take_chunk(struct signer *s, size_t *from, size_t *to)
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
issue_fail_signing(struct signer *s, const struct err *e)
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
issue_run_signer(void *arg)
{
	struct signer *s = arg;
	struct key_signer ks;
	struct err e;
	size_t from, to;

	if (key_signer_init(&ks, s->k, &e) != 0) {
		issue_fail_signing(s, &e);
		return NULL;
	}

	while (issue_take_chunk(s, &from, &to)) {
		for (size_t i = from; i < to; i++) {
			struct pending *p = &s->p[i];
			if (cert_sign_enc(p->enc, p->rec.enc_len, &ks, p->rec.sig,
			    &e) != 0) {
				issue_fail_signing(s, &e);
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
issue_wait_signed(struct signer *s, size_t i, size_t n)
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

/* Starts the signing threads; an error (nothing to wait for) if none
 * starts, since the storer would otherwise wait for them for ever. */
static int
issue_start_signers(struct signer *s, struct pending *p, const struct key *k,
    int threads, size_t expected, struct err *e)
{
	pthread_attr_t attr;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (pthread_mutex_init(&s->mu, NULL) != 0 ||
	    pthread_cond_init(&s->cv, NULL) != 0 ||
	    pthread_cond_init(&s->signed_cv, NULL) != 0)
		return err_set(e, ERR_NOMEM, "cannot set up the signing threads");
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
	if (pthread_attr_init(&attr) != 0)
		return err_set(e, ERR_NOMEM, "cannot set up the signing threads");
	pthread_attr_setstacksize(&attr, 256u << 10);
	for (int t = 0; t < threads; t++)
		if ((rc = pthread_create(&s->tid[s->nthreads], &attr,
		    issue_run_signer, s)) == 0)
			pthread_setname_np(s->tid[s->nthreads++], "skillcert-sign");
	pthread_attr_destroy(&attr);
	if (s->nthreads == 0) {
		pthread_cond_destroy(&s->cv);
		pthread_cond_destroy(&s->signed_cv);
		pthread_mutex_destroy(&s->mu);
		return err_set(e, ERR_NOMEM, "no signing thread could start (%s): "
		    "nothing issued", strerror(rc));
	}
	return 0;
}

static void
issue_publish_rows(struct signer *s, size_t ready)
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
issue_finish_signing(struct signer *s, int abandon, struct err *e)
{
	pthread_mutex_lock(&s->mu);
	s->closed = 1;
	if (abandon)
		s->stop = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (!abandon)
		issue_run_signer(s);
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
issue_make_batch_id(const char *data, size_t n, char out[65])
{
	uint8_t md[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];

	sha256_bytes(data, n, md);
	hex_encode(md, 8, hex);
	snprintf(out, 65, "R%s", hex);
}

static int
issue_check_batch_id(const char *b, struct err *e)
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
issue_report_progress(const struct issue_opts *o, const char *phase,
    size_t done, size_t total)
{
	if (o->progress)
		o->progress(o->progress_arg, phase, done, total);
}

/* Reads and parses the roster; sizes the result and the run to it. */
static int
issue_read_roster(struct issue_run *run, struct err *e)
{
	const struct issue_opts *o = run->o;
	struct issue_result *res = run->res;
	char tmp[PATH_MAX];
	const char *bytes;
	size_t nbytes;
	int rc;

	if (o->roster_path) {
		rc = buf_read_file(&run->data, o->roster_path,
		    ROSTER_MAX_BYTES);
		if (rc != 0) {
			buf_free(&run->data);
			return err_set(e, rc == -2 ? ERR_INVALID : ERR_NOTFOUND,
			    "cannot read roster %s: %s", o->roster_path,
			    rc == -2 ? "larger than 64 MiB" : strerror(errno));
		}
		bytes = (const char *)run->data.data;
		nbytes = run->data.len;
		snprintf(tmp, sizeof(tmp), "%s", o->roster_path);
		snprintf(run->rdir, sizeof(run->rdir), "%s", dirname(tmp));
		run->photo_dir = run->rdir;
	} else {
		bytes = o->roster_data;
		nbytes = o->roster_len;
		run->photo_dir = NULL;
	}
	if (o->photos_dir)
		run->photo_dir = o->photos_dir;
	/* an .xlsx (a ZIP) becomes CSV whose lines are the sheet's rows;
	 * the default batch is that CSV's hash, so saving the workbook
	 * again (new timestamps inside) keeps the batch */
	if (roster_xlsx_sniff((const uint8_t *)bytes, nbytes)) {
		if ((rc = roster_xlsx_to_csv((const uint8_t *)bytes, nbytes,
		    &run->csv, e)) != 0) {
			if (o->roster_path)
				err_prefix(e, "%s: ", o->roster_path);
			return rc;
		}
		bytes = run->csv.len ? (const char *)run->csv.data : "";
		nbytes = run->csv.len;
	}
	if (o->batch)
		snprintf(res->batch, sizeof(res->batch), "%s", o->batch);
	else
		issue_make_batch_id(bytes, nbytes, res->batch);
	if ((rc = roster_parse(bytes, nbytes, &run->ro, e)) != 0) {
		if (o->roster_path)
			err_prefix(e, "%s: ", o->roster_path);
		return rc;
	}
	if (run->ro.nrows == 0)
		return err_set(e, ERR_INVALID, "the roster has no rows");
	for (run->ids.cap = 16; run->ids.cap < run->ro.nrows * 2;
	    run->ids.cap *= 2)
		;
	if ((res->rows = calloc(run->ro.nrows, sizeof(*res->rows))) == NULL ||
	    (run->pend = calloc(run->ro.nrows, sizeof(*run->pend))) == NULL ||
	    (run->ids.slot = calloc(run->ids.cap, sizeof(*run->ids.slot))) ==
	    NULL || (run->persons.slot = calloc(run->ids.cap,
	    sizeof(*run->persons.slot))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	run->persons.cap = run->ids.cap;
	res->nrows = run->ro.nrows;
	return 0;
}

/* Opens the write transaction; the organization must be active, with a
 * current key valid today, whose secret is loaded. */
/* The key file must hold the key the authority certified: one swapped on
 * disk would sign certificates no verifier accepts, found only by an
 * audit, after they were handed out. */
static int
issue_check_key(const struct org_key *ok, const struct key *k,
    const char *path, struct err *e)
{
	char want[2 * KEY_ID_LEN + 1], got[2 * KEY_ID_LEN + 1];

	if (k->alg == ok->alg && memcmp(k->kid, ok->kid, KEY_ID_LEN) == 0 &&
	    k->publen == (size_t)ok->publen &&
	    memcmp(k->pub, ok->pub, k->publen) == 0)
		return 0;
	key_id_hex(ok->kid, want);
	key_id_hex(k->kid, got);
	return err_set(e, ERR_DENIED, "%s holds key %s (%s), not %s's registered "
	    "key %s (%s): nothing signed", path, got, key_alg_name(k->alg),
	    ok->org, want, key_alg_name(ok->alg));
}

static int
issue_open_org(struct issue_run *run, struct err *e)
{
	struct registry *r = run->r;
	struct org *org = &run->org;
	struct org_key *ok = &run->ok;
	char kpath[PATH_MAX], d1[11], d2[11];
	int rc;

	if ((rc = registry_get_org(r, run->txn, run->o->org, org, e)) != 0)
		return rc;
	if (org->status != ORG_ACTIVE)
		return err_set(e, ERR_DENIED, "organization %s is suspended "
		    "(%s): it cannot issue", org->code, org->note);
	if ((rc = registry_get_orgkey(r, run->txn, org->code, org->kid, ok,
	    e)) != 0)
		return rc;
	if (ok->status != OKEY_ACTIVE)
		return err_set(e, ERR_DENIED, "the current key of %s is %s: "
		    "`skillcert org rekey %s` first", org->code,
		    orgkey_status_name(ok->status), org->code);
	if (run->today < ok->valid_from || run->today > ok->valid_to) {
		date_format_iso(ok->valid_from, d1);
		date_format_iso(ok->valid_to, d2);
		return err_set(e, ERR_DENIED, "%s's filing and key are valid "
		    "%s to %s, not today: the authority must renew the filing",
		    org->code, d1, d2);
	}
	if (run->o->key) {
		/* Loaded once by a long-running caller: no file, no KDF here. */
		if ((rc = issue_check_key(ok, run->o->key, "the loaded key",
		    e)) != 0)
			return rc;
		run->key = run->o->key;
	} else {
		registry_org_key_path(r, org->code, ok->kid, kpath);
		if ((rc = key_load_secret(kpath, run->o->passphrase, &run->k,
		    e)) != 0 || (rc = issue_check_key(ok, &run->k, kpath, e)) != 0)
			return rc;
		run->key = &run->k;
	}
	if (!r->logkey.has_secret &&
	    (rc = registry_load_secrets(r, run->o->passphrase, e)) != 0)
		return rc;
	return 0;
}

/* The person already holds this certificate from the organization
 * (refused without --reissue), or is twice in the roster: sets re. */
/* Against the registry and the rows accepted so far: one certificate per
 * person, occupation and level (unless --reissue), and one name per
 * document number (unless the authority overrides, with a reason). */
static int
issue_check_held(struct issue_run *run, struct pending *p, struct err *re,
    struct err *e)
{
	struct cert *c = &p->rec.cert;
	struct held_ctx h = { .want = c, .org = run->org.code };
	size_t slot;
	long dup;
	int rc;

	if ((rc = registry_each_cert_of_person(run->r, run->txn, c->id_number,
	    issue_match_held, &h, e)) != 0)
		return rc;
	if (h.other[0] && !run->o->name_change_reason) {
		err_set(re, ERR_DENIED, "证件号码 already belongs to %s (%s), not "
		    "%s: one document number names one person (the authority "
		    "may override with --name-change REASON)", h.other_name,
		    h.other, c->name);
		return 0;
	}
	if (h.found[0] && !run->o->reissue) {
		err_set(re, ERR_EXISTS, "already holds %s %s from %s: %s "
		    "(use --reissue to revoke it and issue anew)",
		    catalog_occ_by_code(&run->r->cat, c->occ_code)->name,
		    level_full(c->level), run->org.code, h.found);
		return 0;
	}
	if ((dup = issue_find_ident(&run->persons, run->pend, run->npend, 1,
	    &slot)) >= 0 && strcmp(run->pend[dup].rec.cert.name, c->name) != 0 &&
	    !run->o->name_change_reason) {
		err_set(re, ERR_DENIED, "证件号码 is on line %d too, with the name "
		    "%s: one document number names one person",
		    run->res->rows[run->pend[dup].row].line,
		    run->pend[dup].rec.cert.name);
		return 0;
	}
	if ((dup = issue_find_ident(&run->ids, run->pend, run->npend, 0,
	    &slot)) >= 0) {
		err_set(re, ERR_INVALID, "same person, occupation and level as "
		    "line %d", run->res->rows[run->pend[dup].row].line);
		return 0;
	}
	if (h.other[0])
		snprintf(p->rec.issue_note, sizeof(p->rec.issue_note), "name "
		    "differs from %s (%s): %s", h.other, h.other_name,
		    run->o->name_change_reason);
	memcpy(p->old, h.found, sizeof(p->old));
	return 0;
}

/* The number: roster order, per level, no gap. The row is encoded with
 * the next number before taking it, so a row whose QR URL would be too
 * long is refused (re set) without leaving a gap. */
static int
issue_number_row(struct issue_run *run, struct pending *p, int line,
    struct err *re, struct err *e)
{
	struct certno cn;
	int lv = p->rec.cert.level, rc;

	if (!run->seq_loaded[lv]) {
		if ((rc = registry_seq_get(run->r, run->txn, run->org.code,
		    run->year2, lv, &run->seq_last[lv], e)) != 0)
			return rc;
		run->seq_first[lv] = run->seq_last[lv];
		run->seq_loaded[lv] = 1;
	}
	if (run->seq_last[lv] >= CERTNO_SEQ_MAX)
		return err_set(e, ERR_FULL, "line %d: %s has used all 999999 "
		    "certificate numbers for %s in 20%02d", line, run->org.code,
		    level_full(lv), run->year2);
	cn.type = run->org.type;
	memcpy(cn.org, run->org.code, sizeof(cn.org));
	cn.year2 = run->year2;
	cn.level = lv;
	cn.seq = run->seq_last[lv] + 1;
	certno_format(&cn, p->rec.cert.no);
	/* Token v2: a fresh salt per number taken, kept in the record. */
	if ((rc = cert_id_bind(&p->rec.cert, p->rec.id_salt, e)) != 0 ||
	    (rc = cert_encode(&p->rec.cert, &run->enc, e)) != 0) {
		err_prefix(e, "line %d: ", line);
		return rc;
	}
	if (strlen(run->r->public_url) + 3 + base32_encoded_len(run->enc.len +
	    CERT_SIG_LEN) > CERT_TOKEN_URL_MAX) {
		err_set(re, ERR_INVALID, "the QR URL would be longer than %d "
		    "characters: name, 工种 or public URL too long",
		    CERT_TOKEN_URL_MAX);
		return 0;
	}
	run->seq_last[lv]++;
	memcpy(p->enc, run->enc.data, run->enc.len);
	p->rec.enc = p->enc;
	p->rec.enc_len = run->enc.len;
	return 0;
}

/* Pass 1 for row i: checks it; numbers, encodes and publishes it for
 * signing, or reports it rejected or already issued in this batch. Only
 * registry and numbering failures return non-zero. */
static int
issue_take_row(struct issue_run *run, size_t i, struct err *e)
{
	const struct roster_row *row = &run->ro.rows[i];
	struct pending *p = &run->pend[run->npend];
	struct issue_row *out = &run->res->rows[i];
	const char *field = NULL;
	struct err re;
	size_t il;
	int rc;

	out->line = row->line;
	snprintf(out->name, sizeof(out->name), "%s", row->f[RC_NAME]);
	memset(p, 0, sizeof(*p));
	p->row = i;
	err_clear(&re);
	if (issue_check_row(run, row, p, &field, &re) != 0)
		return issue_reject_row(run, i, p, field, &re);
	if ((rc = roster_result_parse(row->f[RC_RESULT])) != 1) {
		if (rc == 0)
			return issue_fail_row(run, i, p);
		err_set(&re, ERR_INVALID, "'%s' is not 合格 or 不合格 (pass or "
		    "fail)", row->f[RC_RESULT]);
		return issue_reject_row(run, i, p, roster_col_name(RC_RESULT), &re);
	}
	/* A re-run of this batch: report the number already given. */
	il = (size_t)snprintf(p->bkey, sizeof(p->bkey), "%s", run->res->batch) +
	    1;
	il += (size_t)snprintf(p->bkey + il, sizeof(p->bkey) - il, "%s%s",
	    run->org.code, p->ident);
	p->bkey_len = il;
	if (registry_batch_lookup(run->r, run->txn, p->bkey, p->bkey_len,
	    out->certno) == 0) {
		out->status = ROW_EXISTING;
		run->res->existing++;
		buf_free(&p->photo);
		return 0;
	}
	if ((rc = issue_check_held(run, p, &re, e)) != 0)
		return rc;
	if (re.code != ERR_OK)
		return issue_reject_row(run, i, p, NULL, &re);
	if ((rc = issue_number_row(run, p, row->line, &re, e)) != 0)
		return rc;
	if (re.code != ERR_OK)
		return issue_reject_row(run, i, p, roster_col_name(RC_NAME),
		    &re);
	out->status = ROW_PENDING;
	memcpy(out->certno, p->rec.cert.no, sizeof(out->certno));
	/* Only numbered rows enter the sets: a slot reused after a late
	 * rejection must not stay in them. */
	issue_add_ident(&run->ids, run->pend, run->npend, 0);
	issue_add_ident(&run->persons, run->pend, run->npend, 1);
	run->npend++;
	if ((run->npend & 15) == 0 && !run->o->dry_run)
		issue_publish_rows(&run->sg, run->npend);
	if ((i & 1023) == 1023)
		issue_report_progress(run->o, "checked", i + 1, run->ro.nrows);
	return 0;
}

/* Counts the rejected rows (unless --partial, one is enough to stop),
 * the assessed and the passed. */
static int
issue_count_rejected(struct issue_run *run, struct err *e)
{
	struct issue_result *res = run->res;

	for (size_t i = 0; i < res->nrows; i++) {
		int st = res->rows[i].status;
		if (st == ROW_REJECTED)
			res->rejected++;
		else
			res->assessed++;
		if (st == ROW_PENDING || st == ROW_EXISTING)
			res->passed++;
	}
	if (res->rejected && !run->o->partial) {
		for (size_t i = 0; i < res->nrows; i++)
			if (res->rows[i].status == ROW_PENDING)
				res->rows[i].certno[0] = '\0'; /* never given */
		return err_set(e, ERR_INVALID, "%zu of %zu rows failed "
		    "validation: nothing was issued", res->rejected,
		    res->nrows);
	}
	return 0;
}

/* Pass 2 for pending item i, once it is signed: revokes what it
 * reissues, stores it and its log leaf. */
static int
issue_store_row(struct issue_run *run, size_t i, struct err *e)
{
	struct pending *p = &run->pend[i];
	struct issue_row *out = &run->res->rows[p->row];
	int rc;

	if (issue_wait_signed(&run->sg, i, run->npend) != 0) {
		run->signing = 0;
		(void)issue_finish_signing(&run->sg, 1, NULL);
		return err_set(e, run->sg.rc ? run->sg.rc : ERR_CRYPTO,
		    "signing failed: %s", run->sg.e.msg);
	}
	if (p->old[0]) {
		if ((rc = registry_revoke(run->r, run->txn, p->old,
		    REV_REISSUED, p->rec.cert.no, run->ok.kid, e)) != 0)
			return rc;
		memcpy(out->replaced, p->old, sizeof(out->replaced));
	}
	p->rec.status = CERT_VALID;
	p->rec.issued_at = run->now;
	snprintf(p->rec.batch, sizeof(p->rec.batch), "%s", run->res->batch);
	p->rec.row = (uint32_t)out->line;
	memcpy(p->rec.employer, p->employer, sizeof(p->rec.employer));
	if ((rc = registry_put_cert(run->r, run->txn, &p->rec, p->photo.data,
	    p->photo.len, p->bkey, p->bkey_len, e)) != 0) {
		err_prefix(e, "line %d: ", out->line);
		return rc;
	}
	out->status = ROW_ISSUED;
	run->res->issued++;
	if ((i & 1023) == 1023)
		issue_report_progress(run->o, "stored", i + 1, run->npend);
	return 0;
}

/* The batch's assessed and passed, beside its certificates. */
static int
issue_put_stats(struct issue_run *run, struct err *e)
{
	struct batch_stats bs;

	memset(&bs, 0, sizeof(bs));
	snprintf(bs.org, sizeof(bs.org), "%s", run->org.code);
	snprintf(bs.batch, sizeof(bs.batch), "%s", run->res->batch);
	bs.assessed = (uint32_t)run->res->assessed;
	bs.passed = (uint32_t)run->res->passed;
	bs.day = run->today;
	bs.time = run->now;
	return registry_put_batch_stats(run->r, run->txn, &bs, e);
}

/* Pass 2: stores each certificate as soon as it is signed (in roster
 * order) after the numbers taken, then signs a tree head. */
static int
issue_store_rows(struct issue_run *run, struct err *e)
{
	struct signer *sg = &run->sg;
	int rc;

	/* Everything is published: close the queue so idle signers exit. */
	pthread_mutex_lock(&sg->mu);
	sg->ready = run->npend;
	sg->closed = 1;
	pthread_cond_broadcast(&sg->cv);
	pthread_mutex_unlock(&sg->mu);
	for (int lv = 1; lv <= 5; lv++)
		if (run->seq_loaded[lv] &&
		    run->seq_last[lv] != run->seq_first[lv] &&
		    (rc = registry_seq_put(run->r, run->txn, run->org.code,
		    run->year2, lv, run->seq_last[lv], e)) != 0)
			return rc;
	for (size_t i = 0; i < run->npend; i++)
		if ((rc = issue_store_row(run, i, e)) != 0)
			return rc;
	run->signing = 0;
	if ((rc = issue_finish_signing(sg, 0, e)) != 0 ||
	    (rc = issue_put_stats(run, e)) != 0)
		return rc;
	return 0;
}

/* The batch is whole: its child transaction joins the group's. */
static int
issue_commit_child(struct issue_run *run, struct err *e)
{
	int rc = mdb_txn_commit(run->txn);

	run->txn = NULL;
	if (rc != 0)
		return err_set(e, rc == MDB_MAP_FULL ? ERR_FULL : ERR_DB,
		    "commit: %s", mdb_strerror(rc));
	return 0;
}

/* A dry run ends after pass 1: every numbered row reads as a real run
 * would report it, and nothing is signed or stored (the transaction,
 * which holds only the numbering reads, is dropped). */
static void
issue_dry_report(struct issue_run *run)
{
	for (size_t i = 0; i < run->npend; i++) {
		struct pending *p = &run->pend[i];
		struct issue_row *out = &run->res->rows[p->row];
		if (p->old[0])
			memcpy(out->replaced, p->old, sizeof(out->replaced));
		out->status = ROW_ISSUED;
		run->res->issued++;
	}
}

/* After a failure no row reads as issued or numbered. */
static void
issue_unissue(struct issue_result *res)
{
	for (size_t i = 0; res->rows && i < res->nrows; i++)
		if (res->rows[i].status == ROW_ISSUED ||
		    res->rows[i].status == ROW_PENDING) {
			res->rows[i].status = ROW_PENDING;
			res->rows[i].certno[0] = '\0';
		}
	res->issued = 0;
	res->committed = 0;
}

/* Stops the signers, drops the transaction unless committed, frees what
 * the run holds; after a failure no row reads as issued or numbered. */
static void
issue_end_run(struct issue_run *run, int rc)
{
	struct issue_result *res = run->res;

	if (run->signing)
		(void)issue_finish_signing(&run->sg, 1, NULL);
	if (run->txn)
		mdb_txn_abort(run->txn);
	if (rc != 0)
		issue_unissue(res);
	for (size_t i = 0; run->pend && i < run->ro.nrows; i++) {
		buf_free(&run->pend[i].photo);
		explicit_bzero(run->pend[i].rec.id_salt, CERT_SALT_LEN);
	}
	free(run->pend);
	free(run->ids.slot);
	free(run->persons.slot);
	key_free(&run->k);
	roster_free(&run->ro);
	buf_free(&run->data);
	buf_free(&run->csv);
	buf_free(&run->enc);
}

/* One batch of a group, in a child transaction of parent that joins it
 * only when the batch is whole: a failed batch leaves no trace in the
 * group, and the batches after it see the numbers and certificates of
 * the ones before it. */
static int
issue_one_in(struct registry *r, MDB_txn *parent, int rdonly,
    const struct issue_opts *o, struct issue_result *res, struct err *e)
{
	struct issue_run run;
	int rc, y, mo, d;

	memset(res, 0, sizeof(*res));
	memset(&run, 0, sizeof(run));
	run.r = r;
	run.o = o;
	run.res = res;
	run.today = o->today ? o->today : date_today();
	run.now = (int64_t)time(NULL);
	if (o->batch && (rc = issue_check_batch_id(o->batch, e)) != 0)
		return rc;
	if ((rc = issue_read_roster(&run, e)) != 0)
		goto done;
	if (rdonly)
		run.txn = parent;       /* dry runs only: they read, never write */
	else if ((rc = mdb_txn_begin(r->env, parent, 0, &run.txn)) != 0) {
		run.txn = NULL;
		rc = err_set(e, ERR_DB, "begin transaction: %s", mdb_strerror(rc));
		goto done;
	}
	if ((rc = issue_open_org(&run, e)) != 0)
		goto done;
	/* A dry run signs nothing: one idle signer keeps the queue's shape. */
	if ((rc = issue_start_signers(&run.sg, run.pend, run.key, o->dry_run ?
	    1 : o->threads, o->dry_run ? 1 : run.ro.nrows, e)) != 0)
		goto done;
	run.signing = 1;
	date_to_ymd(run.today, &y, &mo, &d);
	run.year2 = y % 100;
	/* Pass 1: check, number and encode every row, signing as we go.
	 * Nothing is visible to anyone until the group commits. */
	for (size_t i = 0; i < run.ro.nrows; i++)
		if ((rc = issue_take_row(&run, i, e)) != 0)
			goto done;
	if ((rc = issue_count_rejected(&run, e)) != 0)
		goto done;
	if (o->dry_run) {
		issue_dry_report(&run);  /* the child is dropped below */
		goto done;
	}
	if ((rc = issue_store_rows(&run, e)) != 0)
		goto done;
	rc = issue_commit_child(&run, e);
done:
	if (run.txn == parent)
		run.txn = NULL;         /* the caller's to end */
	issue_end_run(&run, rc);
	return rc;
}

/* The group's end: one tree head over every batch's leaves, one commit.
 * A failure here stores no batch: each that was whole gets the reason. */
static void
issue_commit_group(struct registry *r, MDB_txn *txn, const struct issue_opts *o,
    size_t n, struct issue_result *res, int *rcs, struct err *errs,
    size_t issued)
{
	struct sth head;
	struct err ce;
	int rc = 0, mrc;

	err_clear(&ce);
	memset(&head, 0, sizeof(head));
	if (issued)
		rc = registry_sign_head(r, txn, &head, &ce);
	if (rc == 0) {
		mrc = mdb_txn_commit(txn);
		if (mrc != 0)
			rc = err_set(&ce, mrc == MDB_MAP_FULL ? ERR_FULL : ERR_DB,
			    "commit: %s: nothing in this group was issued",
			    mdb_strerror(mrc));
	} else
		mdb_txn_abort(txn);
	for (size_t i = 0; i < n; i++) {
		if (rcs[i] != 0 || o[i].dry_run)
			continue;
		if (rc != 0) {
			rcs[i] = rc;
			errs[i] = ce;
			issue_unissue(&res[i]);
			continue;
		}
		res[i].committed = 1;
		if (res[i].issued)
			res[i].head = head;
		issue_report_progress(&o[i], "stored", res[i].issued,
		    res[i].issued);
	}
}

int
issue_rosters(struct registry *r, const struct issue_opts *o, size_t n,
    struct issue_result *res, int *rcs, struct err *errs, struct err *e)
{
	MDB_txn *txn = NULL;
	size_t stored = 0, issued = 0, dry = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		memset(&res[i], 0, sizeof(res[i]));
		err_clear(&errs[i]);
	}
	for (size_t i = 0; i < n; i++)
		dry += o[i].dry_run != 0;
	/* Only dry runs: a read transaction, beside the writer, not after it
	 * (the numbers shown are those a run committed now would give). */
	if (dry == n && n > 0)
		rc = registry_txn_begin_reader(r, &txn, e);
	else if (r->flags & REG_RDONLY)
		rc = err_set(e, ERR_DENIED, "registry opened read-only");
	else
		rc = registry_txn_begin(r, 0, &txn, e);
	if (rc != 0) {
		for (size_t i = 0; i < n; i++) {
			rcs[i] = rc;
			errs[i] = *e;
		}
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		rcs[i] = issue_one_in(r, txn, dry == n, &o[i], &res[i], &errs[i]);
		if (rcs[i] == 0 && !o[i].dry_run) {
			stored++;
			issued += res[i].issued;
		}
	}
	if (stored == 0) {
		mdb_txn_abort(txn);     /* only dry runs or failures */
		return 0;
	}
	issue_commit_group(r, txn, o, n, res, rcs, errs, issued);
	return 0;
}

int
issue_roster(struct registry *r, const struct issue_opts *o,
    struct issue_result *res, struct err *e)
{
	struct err ge;
	int rc;

	err_clear(&ge);
	(void)issue_rosters(r, o, 1, res, &rc, e, &ge);
	return rc;
}

void
issue_result_free(struct issue_result *res)
{
	free(res->rows);
	memset(res, 0, sizeof(*res));
}
