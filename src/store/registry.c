/* registry.c - the LMDB registry: environment, catalogs, organizations,
 * certificates and their log, in explicit transactions. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "skillcert/base/endian.h"
#include "skillcert/store/registry.h"
#include "meta.h"
#include "skillcert/store/ckpt.h"
#include "skillcert/store/stlist.h"
#include "skillcert/store/counters.h"
#include "skillcert/store/account.h"
#include "skillcert/model/person.h"
#include "skillcert/model/sha256.h"
#include "skillcert/base/date.h"

#define REC_VERSION 3   /* 2 added issue_note, 3 the ID number and its
                           salt (token v2); 1 and 2 are still read */
#define REG_MAXDBS 24   /* 17 in use (10 + log 3 + accounts 4) */
#define REG_MAXREADERS 1024
#define AUTH_KEY_FILE "authority.key"
#define LOG_KEY_FILE "log.key"
#define PHOTO_MAX (512u << 10)


#define db_err registry_db_error

static int
meta_put(struct registry *r, MDB_txn *txn, const char *k, const void *v,
    size_t n, struct err *e)
{
	MDB_val key = { strlen(k), (void *)k }, val = { n, (void *)v };
	int rc = mdb_put(txn, r->meta, &key, &val, 0);
	return rc ? db_err(e, rc, "meta") : 0;
}

static int
meta_get(struct registry *r, MDB_txn *txn, const char *k, MDB_val *v,
    struct err *e)
{
	MDB_val key = { strlen(k), (void *)k };
	int rc = mdb_get(txn, r->meta, &key, v);
	return rc ? db_err(e, rc, k) : 0;
}

static int
open_dbis(struct registry *r, MDB_txn *txn, int create, struct err *e)
{
	struct { const char *name; MDB_dbi *dbi; } t[] = {
		{ "meta", &r->meta }, { "catalog", &r->catalog }, { "orgs", &r->orgs },
		{ "orgkeys", &r->orgkeys }, { "certs", &r->certs },
		{ "photos", &r->photos }, { "seqs", &r->seqs },
		{ "persons", &r->persons }, { "batches", &r->batches },
		{ "revoked", &r->revoked },
	};
	int rc;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if ((rc = mdb_dbi_open(txn, t[i].name, create ? MDB_CREATE : 0,
		    t[i].dbi)) != 0)
			return db_err(e, rc, t[i].name);
	if ((rc = account_dbs_open(r, txn, e)) != 0)
		return rc;
	return tlog_open(txn, &r->log, create, e);
}

static int
env_open(struct registry *r, const char *dir, int rdonly, size_t mapsize,
    struct err *e)
{
	int rc;

	if ((rc = mdb_env_create(&r->env)) != 0)
		return db_err(e, rc, "mdb_env_create");
	mdb_env_set_maxdbs(r->env, REG_MAXDBS);
	mdb_env_set_maxreaders(r->env, REG_MAXREADERS);
	/* A large sparse map: readers never need to follow a resize in practice. */
	if (!rdonly && (rc = mdb_env_set_mapsize(r->env,
	    mapsize ? mapsize : REG_MAPSIZE_DEFAULT)) != 0)
		return db_err(e, rc, "mdb_env_set_mapsize");
	rc = mdb_env_open(r->env, dir, (rdonly ? MDB_RDONLY : 0) | MDB_NOTLS, 0600);
	if (rc != 0) {
		mdb_env_close(r->env);
		r->env = NULL;
		if (rc == ENOENT)
			return err_set(e, ERR_NOTFOUND, "no registry at %s (run "
			    "`skillcert init --db %s` first)", dir, dir);
		return err_set(e, rc == EACCES ? ERR_DENIED : ERR_DB,
		    "cannot open registry %s: %s", dir, mdb_strerror(rc));
	}
	return 0;
}

static int
load_catalog_file(struct registry *r, MDB_txn *txn, const char *path, int kind,
    struct err *e)
{
	struct buf b = BUF_INIT;
	MDB_val k, v;
	int rc;

	if ((rc = buf_read_file(&b, path, 1u << 20)) != 0) {
		buf_free(&b);
		return err_set(e, rc == -2 ? ERR_INVALID : ERR_IO,
		    "cannot read catalog %s: %s", path,
		    rc == -2 ? "larger than 1 MiB" : strerror(errno));
	}
	/* Parse first: a bad file never replaces a good catalog. */
	if ((rc = catalog_parse(&r->cat, kind, (const char *)b.data, b.len, e)) != 0) {
		err_prefix(e, "%s: ", path);
		buf_free(&b);
		return rc;
	}
	k.mv_data = (void *)catalog_kind_name(kind);
	k.mv_size = strlen(k.mv_data);
	v.mv_data = b.data;
	v.mv_size = b.len;
	rc = mdb_put(txn, r->catalog, &k, &v, 0);
	buf_free(&b);
	return rc ? db_err(e, rc, "catalog") : 0;
}

int
registry_load_catalog(struct registry *r, MDB_txn *txn, int kind,
    const char *path, struct err *e)
{
	return load_catalog_file(r, txn, path, kind, e);
}

/* Creates d 0700. An existing d is accepted only when strict is 0, or when
 * it is a directory (not a link to one) owned by us that group and others
 * cannot read or enter: private keys are about to be written into it. */
static int
mkdir_private(const char *d, int strict, struct err *e)
{
	struct stat st;

	if (mkdir(d, 0700) == 0)
		return 0;
	if (errno != EEXIST)
		return err_set(e, ERR_IO, "cannot create %s: %s", d, strerror(errno));
	if (!strict)
		return 0;
	if (lstat(d, &st) != 0)
		return err_set(e, ERR_IO, "cannot inspect %s: %s", d, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, ERR_DENIED, "key directory %s is not a directory "
		    "(a symlink or a file): refusing to write keys there", d);
	if (st.st_uid != geteuid())
		return err_set(e, ERR_DENIED, "key directory %s belongs to uid %u, "
		    "not to this user: refusing to write keys there", d,
		    (unsigned)st.st_uid);
	if (st.st_mode & 077)
		return err_set(e, ERR_DENIED, "key directory %s is mode %04o; "
		    "others could read the keys: chmod 700 it first", d,
		    (unsigned)(st.st_mode & 07777));
	return 0;
}

int
registry_make_dir(const char *dir, int *created, struct err *e)
{
	char p[PATH_MAX];
	size_t n = strlen(dir);

	*created = 0;
	if (n == 0 || n >= sizeof(p))
		return err_set(e, ERR_USAGE, "bad directory name '%s'", dir);
	memcpy(p, dir, n + 1);
	/* Missing parents as mkdir -p (and git init) makes them: umask's mode. */
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST)
			return err_set(e, ERR_IO, "cannot create %s: %s", p,
			    strerror(errno));
		*s = '/';
	}
	if (mkdir(dir, 0700) == 0) {
		*created = 1;
		return 0;
	}
	if (errno != EEXIST)
		return err_set(e, ERR_IO, "cannot create %s: %s", dir,
		    strerror(errno));
	return 0;
}

static void
keys_dir_of(const char *dir, const char *keysdir, char out[PATH_MAX])
{
	if (keysdir)
		snprintf(out, PATH_MAX, "%s", keysdir);
	else
		snprintf(out, PATH_MAX, "%s/keys", dir);
}

static int
put_pub(struct registry *r, MDB_txn *txn, const char *name, const struct key *k,
    struct err *e)
{
	uint8_t v[1 + KEY_PUB_MAX];

	v[0] = (uint8_t)k->alg;
	memcpy(v + 1, k->pub, k->publen);
	return meta_put(r, txn, name, v, 1 + k->publen, e);
}

static int
get_pub(struct registry *r, MDB_txn *txn, const char *name, struct key *k,
    struct err *e)
{
	MDB_val v;
	int rc;

	if ((rc = meta_get(r, txn, name, &v, e)) != 0)
		return rc;
	if (v.mv_size < 2)
		return err_set(e, ERR_DB, "meta %s corrupt", name);
	return key_from_public(((uint8_t *)v.mv_data)[0], (uint8_t *)v.mv_data + 1,
	    v.mv_size - 1, k, e);
}

static int
init_check_args(int province, const char *public_url, struct err *e)
{
	if (province < 11 || province > 82)
		return err_set(e, ERR_USAGE, "--province %d is not a GB/T 2260 "
		    "province code (e.g. 36 江西, 51 四川)", province);
	if (strncmp(public_url, "http://", 7) != 0 &&
	    strncmp(public_url, "https://", 8) != 0)
		return err_set(e, ERR_USAGE, "--public-url must start with http:// "
		    "or https://");
	if (strlen(public_url) > 96)
		return err_set(e, ERR_USAGE, "--public-url longer than 96 characters "
		    "leaves no room for the QR token");
	return 0;
}

/* DIR, its keys directory kd and kd/orgs, all 0700; refuses an existing
 * registry. */
static int
init_dirs(const char *dir, const char *keysdir, char kd[PATH_MAX],
    struct err *e)
{
	char path[PATH_MAX + 64];
	struct stat st;
	int rc, created;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &st) == 0)
		return err_set(e, ERR_EXISTS, "a registry already exists at %s", dir);
	if ((rc = registry_make_dir(dir, &created, e)) != 0)
		return rc;
	keys_dir_of(dir, keysdir, kd);
	if ((rc = mkdir_private(kd, 1, e)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/orgs", kd);
	return mkdir_private(path, 1, e);
}

/* The authority and log keys: public halves in meta, secrets in kd. */
static int
init_keys(struct registry *r, MDB_txn *txn, const char *kd,
    const char *passphrase, struct err *e)
{
	char path[PATH_MAX + 64];
	struct key auth, logk;
	int rc;

	memset(&auth, 0, sizeof(auth));
	memset(&logk, 0, sizeof(logk));
	if ((rc = key_generate(KEY_ED25519, &auth, e)) != 0 ||
	    (rc = key_generate(KEY_ED25519, &logk, e)) != 0 ||
	    (rc = put_pub(r, txn, "authority", &auth, e)) != 0 ||
	    (rc = put_pub(r, txn, "logkey", &logk, e)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", kd, AUTH_KEY_FILE);
	if ((rc = key_save_secret(&auth, path, passphrase, e)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", kd, LOG_KEY_FILE);
	rc = key_save_secret(&logk, path, passphrase, e);
out:
	key_free(&auth);
	key_free(&logk);
	return rc;
}

static int
init_contents(struct registry *r, MDB_txn *txn, int province,
    const char *public_url, const char *catalog_dir, struct err *e)
{
	char path[PATH_MAX + 64], prov[8], origin[256];
	int rc;

	if (ckpt_origin_from_url(public_url, origin, sizeof(origin)) != 0)
		return err_set(e, ERR_USAGE, "no checkpoint origin can be made of "
		    "the public URL %s", public_url);
	if ((rc = meta_put(r, txn, "origin", origin, strlen(origin), e)) != 0)
		return rc;
	for (int k = 0; k < CAT_NKINDS; k++) {
		snprintf(path, sizeof(path), "%s/%s.csv", catalog_dir,
		    catalog_kind_name(k));
		if ((rc = load_catalog_file(r, txn, path, k, e)) != 0)
			return rc;
	}
	snprintf(prov, sizeof(prov), "%d", province);
	if ((rc = meta_put(r, txn, "version", "1", 1, e)) != 0 ||
	    (rc = counters_mark_ready(r, txn, e)) != 0 ||
	    (rc = meta_put(r, txn, "province", prov, strlen(prov), e)) != 0)
		return rc;
	return meta_put(r, txn, "public_url", public_url, strlen(public_url), e);
}

int
registry_init(const char *dir, const struct registry_opts *o, int province,
    const char *public_url, const char *catalog_dir, const char *passphrase,
    struct err *e)
{
	struct registry r;
	char kd[PATH_MAX];
	MDB_txn *txn = NULL;
	int rc;

	memset(&r, 0, sizeof(r));
	if ((rc = init_check_args(province, public_url, e)) != 0 ||
	    (rc = init_dirs(dir, o ? o->keysdir : NULL, kd, e)) != 0 ||
	    (rc = env_open(&r, dir, 0, o ? o->mapsize : 0, e)) != 0)
		return rc;
	if ((rc = mdb_txn_begin(r.env, NULL, 0, &txn)) != 0) {
		rc = db_err(e, rc, "begin");
		goto fail;
	}
	if ((rc = open_dbis(&r, txn, 1, e)) != 0 ||
	    (rc = init_contents(&r, txn, province, public_url, catalog_dir ?
	    catalog_dir : SKILLCERT_DATADIR, e)) != 0 ||
	    (rc = init_keys(&r, txn, kd, passphrase, e)) != 0)
		goto fail;
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0)
		rc = db_err(e, rc, "commit");
fail:
	if (txn)
		mdb_txn_abort(txn);
	catalog_free(&r.cat);
	mdb_env_close(r.env);
	return rc;
}

static int
load_catalogs(struct registry *r, MDB_txn *txn, struct err *e)
{
	for (int k = 0; k < CAT_NKINDS; k++) {
		MDB_val key, v;
		int rc;
		key.mv_data = (void *)catalog_kind_name(k);
		key.mv_size = strlen(key.mv_data);
		if ((rc = mdb_get(txn, r->catalog, &key, &v)) != 0)
			return db_err(e, rc, catalog_kind_name(k));
		if ((rc = catalog_parse(&r->cat, k, v.mv_data, v.mv_size, e)) != 0)
			return rc;
	}
	return 0;
}

int
registry_open(struct registry **out, const char *dir,
    const struct registry_opts *o, struct err *e)
{
	const char *keysdir = o ? o->keysdir : NULL;
	int flags = o ? o->flags : 0;
	struct registry *r;
	MDB_txn *txn = NULL;
	MDB_val v;
	int rc;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	r->flags = flags;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	keys_dir_of(dir, keysdir, r->keysdir);
	if ((rc = env_open(r, dir, flags & REG_RDONLY, o ? o->mapsize : 0,
	    e)) != 0) {
		free(r);
		return rc;
	}
	if ((rc = mdb_txn_begin(r->env, NULL, (flags & REG_RDONLY) ? MDB_RDONLY : 0,
	    &txn)) != 0) {
		rc = db_err(e, rc, "begin");
		goto fail;
	}
	if ((rc = open_dbis(r, txn, 0, e)) != 0)
		goto fail;
	if ((rc = meta_get(r, txn, "province", &v, e)) != 0)
		goto fail;
	{
		char prov[8];
		snprintf(prov, sizeof(prov), "%.*s", (int)(v.mv_size < 7 ? v.mv_size : 7),
		    (char *)v.mv_data);
		r->province = atoi(prov);
	}
	if ((rc = meta_get(r, txn, "public_url", &v, e)) != 0)
		goto fail;
	snprintf(r->public_url, sizeof(r->public_url), "%.*s", (int)v.mv_size,
	    (char *)v.mv_data);
	/* Registries made before checkpoints derive the origin as init does. */
	if (meta_get(r, txn, "origin", &v, NULL) == 0)
		snprintf(r->origin, sizeof(r->origin), "%.*s", (int)v.mv_size,
		    (char *)v.mv_data);
	else if (ckpt_origin_from_url(r->public_url, r->origin,
	    sizeof(r->origin)) != 0)
		snprintf(r->origin, sizeof(r->origin), "skillcert-log");
	if ((rc = get_pub(r, txn, "authority", &r->authority, e)) != 0 ||
	    (rc = get_pub(r, txn, "logkey", &r->logkey, e)) != 0 ||
	    (rc = load_catalogs(r, txn, e)) != 0)
		goto fail;
	/* Committing keeps the DBI handles for every later txn. */
	rc = mdb_txn_commit(txn);
	txn = NULL;
	if (rc != 0) {
		rc = db_err(e, rc, "commit");
		goto fail;
	}
	*out = r;
	return 0;
fail:
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	return rc;
}

void
registry_close(struct registry *r)
{
	if (r == NULL)
		return;
	key_free(&r->authority);
	key_free(&r->logkey);
	catalog_free(&r->cat);
	if (r->env)
		mdb_env_close(r->env);
	free(r);
}

int
registry_load_secrets(struct registry *r, const char *passphrase, struct err *e)
{
	char path[PATH_MAX + 32];
	struct key k;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", r->keysdir, AUTH_KEY_FILE);
	if ((rc = key_load_secret(path, passphrase, &k, e)) != 0)
		return rc;
	if (memcmp(k.kid, r->authority.kid, KEY_ID_LEN) != 0) {
		key_free(&k);
		return err_set(e, ERR_CRYPTO, "%s is not this registry's authority key",
		    path);
	}
	key_free(&r->authority);
	r->authority = k;
	snprintf(path, sizeof(path), "%s/%s", r->keysdir, LOG_KEY_FILE);
	if ((rc = key_load_secret(path, passphrase, &k, e)) != 0)
		return rc;
	if (memcmp(k.kid, r->logkey.kid, KEY_ID_LEN) != 0) {
		key_free(&k);
		return err_set(e, ERR_CRYPTO, "%s is not this registry's log key", path);
	}
	key_free(&r->logkey);
	r->logkey = k;
	return 0;
}

void
registry_org_key_path(const struct registry *r, const char *code,
    const uint8_t kid[KEY_ID_LEN], char out[PATH_MAX])
{
	char hex[2 * KEY_ID_LEN + 1];

	key_id_hex(kid, hex);
	snprintf(out, PATH_MAX, "%s/orgs/%s-%s.key", r->keysdir, code, hex);
}

int
registry_txn_begin(struct registry *r, int rdonly, MDB_txn **txn, struct err *e)
{
	int rc = mdb_txn_begin(r->env, NULL, rdonly ? MDB_RDONLY : 0, txn);

	if (rc == MDB_MAP_RESIZED) {
		/* The writer grew the map: adopt its size and retry once. */
		mdb_env_set_mapsize(r->env, 0);
		rc = mdb_txn_begin(r->env, NULL, rdonly ? MDB_RDONLY : 0, txn);
	}
	return rc ? db_err(e, rc, "begin transaction") : 0;
}

int
registry_txn_begin_reader(struct registry *r, MDB_txn **txn, struct err *e)
{
	int rc = mdb_txn_begin(r->env, NULL, MDB_RDONLY, txn);

	/* mdb_env_set_mapsize is not for a thread among others: see renew. */
	if (rc == MDB_MAP_RESIZED)
		return err_set(e, ERR_DB, "the registry's map size was changed by "
		    "its writer: run this again");
	return rc ? db_err(e, rc, "begin transaction") : 0;
}

int
registry_txn_renew(struct registry *r, MDB_txn *txn, struct err *e)
{
	int rc = mdb_txn_renew(txn);

	/* Adopting a new map size is only safe with no transaction open in the
	 * process, which threads renewing their own cannot promise: ask for a
	 * restart instead (the writer's default map never grows). */
	if (rc == MDB_MAP_RESIZED)
		return err_set(e, ERR_DB, "the registry's map size was changed by "
		    "its writer: restart this reader");
	return rc ? db_err(e, rc, "renew transaction") : 0;
}

/* ---- certificate records ---- */

static int
rec_encode(const struct cert_record *c, struct buf *b)
{
	buf_reset(b);
	buf_append_byte(b, REC_VERSION);
	buf_append_byte(b, (uint8_t)c->status);
	buf_append_byte(b, (uint8_t)c->reason);
	buf_append_byte(b, (uint8_t)c->has_photo);
	buf_append_u64(b, (uint64_t)c->issued_at);
	buf_append_u64(b, (uint64_t)c->revoked_at);
	buf_append_u64(b, c->log_issue);
	buf_append_u64(b, c->log_revoke);
	buf_append_u32(b, c->row);
	buf_append_str8(b, c->batch);
	buf_append_str16(b, c->employer);
	buf_append_str16(b, c->revoke_note);
	buf_append(b, c->revoked_by, KEY_ID_LEN);
	buf_append_u16(b, (uint16_t)c->enc_len);
	buf_append(b, c->enc, c->enc_len);
	buf_append(b, c->sig, CERT_SIG_LEN);
	buf_append_str16(b, c->issue_note);
	buf_append_str8(b, c->cert.id_number);
	buf_append(b, c->id_salt, CERT_SALT_LEN);
	return b->oom ? -1 : 0;
}

/* An encoded record holds the salt: wiped before the buffer is freed. */
static void
rec_buf_free(struct buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->len);
	buf_free(b);
}

static int
rec_decode(const char *key, const uint8_t *p, size_t n, struct cert_record *c,
    struct err *e)
{
	struct rd r = { p, p + n };
	uint8_t ver, st, reason, photo;
	uint64_t ia, ra;
	uint16_t el;
	const uint8_t *enc;
	char idno[CERT_ID_MAX + 1] = "";

	memset(c, 0, sizeof(*c));
	if (rd_u8(&r, &ver) != 0 || ver < 1 || ver > REC_VERSION ||
	    rd_u8(&r, &st) != 0 ||
	    rd_u8(&r, &reason) != 0 || rd_u8(&r, &photo) != 0 ||
	    rd_u64(&r, &ia) != 0 || rd_u64(&r, &ra) != 0 ||
	    rd_u64(&r, &c->log_issue) != 0 || rd_u64(&r, &c->log_revoke) != 0 ||
	    rd_u32(&r, &c->row) != 0 || rd_str8(&r, c->batch, sizeof(c->batch)) != 0 ||
	    rd_str16(&r, c->employer, sizeof(c->employer)) != 0 ||
	    rd_str16(&r, c->revoke_note, sizeof(c->revoke_note)) != 0 ||
	    rd_bytes(&r, c->revoked_by, KEY_ID_LEN) != 0 ||
	    rd_u16(&r, &el) != 0 || rd_skip(&r, el, &enc) != 0 ||
	    rd_bytes(&r, c->sig, CERT_SIG_LEN) != 0 ||
	    (ver >= 2 && rd_str16(&r, c->issue_note, sizeof(c->issue_note)) != 0) ||
	    (ver >= 3 && (rd_str8(&r, idno, sizeof(idno)) != 0 ||
	    rd_bytes(&r, c->id_salt, CERT_SALT_LEN) != 0)) ||
	    r.p != r.end)
		return err_set(e, ERR_DB, "record of %.22s is corrupt", key);
	c->status = st;
	c->reason = reason;
	c->has_photo = photo;
	c->issued_at = (int64_t)ia;
	c->revoked_at = (int64_t)ra;
	c->enc = enc;
	c->enc_len = el;
	if (cert_decode(enc, el, &c->cert, e) != 0)
		return err_prefix(e, "record of %.22s: ", key);
	if (strncmp(c->cert.no, key, CERTNO_LEN) != 0)
		return err_set(e, ERR_DB, "record under %.22s holds %s", key, c->cert.no);
	/* A v2 encoding holds no ID number: the record does. */
	if (c->cert.version != CERT_VERSION_V1) {
		if (idno[0] == '\0')
			return err_set(e, ERR_DB, "record of %.22s has no ID number",
			    key);
		memcpy(c->cert.id_number, idno, sizeof(idno));
	}
	return 0;
}

int
registry_get_cert(struct registry *r, MDB_txn *txn, const char *certno,
    struct cert_record *out, struct err *e)
{
	MDB_val k = { CERTNO_LEN, (void *)certno }, v;
	int rc;

	if (strlen(certno) != CERTNO_LEN)
		return err_set(e, ERR_NOTFOUND, "no certificate %s", certno);
	rc = mdb_get(txn, r->certs, &k, &v);
	if (rc == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no certificate %s", certno);
	if (rc)
		return db_err(e, rc, "certificate");
	return rec_decode(certno, v.mv_data, v.mv_size, out, e);
}

int
registry_get_photo(struct registry *r, MDB_txn *txn, const char *certno,
    const uint8_t **p, size_t *n)
{
	MDB_val k = { CERTNO_LEN, (void *)certno }, v;

	if (strlen(certno) != CERTNO_LEN || mdb_get(txn, r->photos, &k, &v) != 0)
		return ERR_NOTFOUND;
	*p = v.mv_data;
	*n = v.mv_size;
	return 0;
}

static int
put(MDB_txn *txn, MDB_dbi dbi, const void *k, size_t kn, const void *v,
    size_t vn, unsigned flags, const char *what, struct err *e)
{
	MDB_val key = { kn, (void *)k }, val = { vn, (void *)v };
	int rc = mdb_put(txn, dbi, &key, &val, flags);
	return rc ? db_err(e, rc, what) : 0;
}

static void
seq_key(const char *org, int year2, int level, char key[ORGCODE_LEN + 3])
{
	memcpy(key, org, ORGCODE_LEN);
	key[ORGCODE_LEN] = (char)('0' + year2 / 10);
	key[ORGCODE_LEN + 1] = (char)('0' + year2 % 10);
	key[ORGCODE_LEN + 2] = (char)('0' + level);
}

int
registry_seq_get(struct registry *r, MDB_txn *txn, const char *org, int year2,
    int level, uint32_t *last, struct err *e)
{
	char key[ORGCODE_LEN + 3];
	MDB_val k = { sizeof(key), key }, val;
	int rc;

	seq_key(org, year2, level, key);
	*last = 0;
	rc = mdb_get(txn, r->seqs, &k, &val);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return db_err(e, rc, "sequence");
	if (val.mv_size != 4)
		return err_set(e, ERR_DB, "sequence record is corrupt");
	const uint8_t *p = val.mv_data;
	*last = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int
registry_seq_put(struct registry *r, MDB_txn *txn, const char *org, int year2,
    int level, uint32_t last, struct err *e)
{
	char key[ORGCODE_LEN + 3];
	uint8_t v[4] = { (uint8_t)(last >> 24), (uint8_t)(last >> 16),
		(uint8_t)(last >> 8), (uint8_t)last };

	seq_key(org, year2, level, key);
	return put(txn, r->seqs, key, sizeof(key), v, 4, 0, "sequence", e);
}

int
registry_batch_lookup(struct registry *r, MDB_txn *txn, const char *batch_key,
    size_t n, char certno[CERTNO_LEN + 1])
{
	MDB_val k = { n, (void *)batch_key }, v;

	if (mdb_get(txn, r->batches, &k, &v) != 0 || v.mv_size != CERTNO_LEN)
		return ERR_NOTFOUND;
	memcpy(certno, v.mv_data, CERTNO_LEN);
	certno[CERTNO_LEN] = '\0';
	return 0;
}

static void
leaf_of(const struct cert_record *c, int event, int64_t now,
    struct logleaf *l)
{
	const void *parts[2] = { c->enc, c->sig };
	size_t lens[2] = { c->enc_len, CERT_SIG_LEN };

	memset(l, 0, sizeof(*l));
	l->event = event;
	memcpy(l->certno, c->cert.no, CERTNO_LEN);
	cert_occ_pack(c->cert.occ_code, l->occ);
	l->level = c->cert.level;
	l->assessed_on = c->cert.assessed_on;
	l->issued_on = c->cert.issued_on;
	l->time = now;
	l->reason = event == LOGLEAF_REVOKE ? c->reason : 0;
	sha256_parts(l->cert_hash, 2, parts, lens);
}

int
registry_leaf_of(const struct cert_record *c, int event, int64_t time,
    uint8_t out[LOGLEAF_LEN])
{
	struct logleaf l;

	if (c->enc_len > CERT_ENC_MAX)
		return -1;
	leaf_of(c, event, time, &l);
	logleaf_encode(&l, out);
	return 0;
}

int
registry_counter_of(struct registry *r, MDB_txn *txn,
    const struct cert_record *rec, struct counter *c, struct err *e)
{
	struct org o;
	const char *name;
	int y, m, d, rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->org, sizeof(c->org), "%s", rec->cert.org);
	rc = registry_get_org(r, txn, rec->cert.org, &o, e);
	if (rc != 0 && rc != ERR_NOTFOUND)
		return rc;
	c->region = rc == 0 ? counters_region_at(&o, rec->cert.issued_on) :
	    orgcode_province(rec->cert.org) * 10000;
	if (person_home_region(&r->cat, rec->cert.id_number, &c->home,
	    &name) != 0)
		c->home = 0;
	snprintf(c->occ, sizeof(c->occ), "%s", rec->cert.occ_code);
	c->level = rec->cert.level;
	c->method = rec->cert.method;
	date_to_ymd(rec->cert.issued_on, &y, &m, &d);
	c->month = y * 100 + m;
	return 0;
}


/* Counts an issuance or a revocation in the issuance counters. */
static int
registry_count_event(struct registry *r, MDB_txn *txn,
    const struct cert_record *rec, int dvalid, int drevoked, struct err *e)
{
	struct counter c;
	int rc;

	if ((rc = registry_counter_of(r, txn, rec, &c, e)) != 0)
		return rc;
	return counters_add(r, txn, &c, dvalid, drevoked, e);
}

int
registry_put_cert(struct registry *r, MDB_txn *txn, struct cert_record *rec,
    const uint8_t *photo, size_t photo_len, const char *batch_key,
    size_t batch_key_len, struct err *e)
{
	uint8_t leaf[LOGLEAF_LEN];
	char pk[CERT_ID_MAX + 1 + CERTNO_LEN];
	size_t il = strlen(rec->cert.id_number);
	struct buf b = BUF_INIT;
	int rc;

	if (rec->enc_len > CERT_ENC_MAX)
		return err_set(e, ERR_INVALID, "certificate encoding too long");
	if (photo_len > PHOTO_MAX)
		return err_set(e, ERR_INVALID, "photo larger than %u bytes", PHOTO_MAX);
	rec->has_photo = photo != NULL && photo_len > 0;
	registry_leaf_of(rec, LOGLEAF_ISSUE, rec->issued_at, leaf);
	if (!(r->flags & REG_NO_LOG) &&
	    (rc = tlog_append(&r->log, txn, leaf, sizeof(leaf), &rec->log_issue, e)) != 0)
		return rc;
	if (rec_encode(rec, &b) != 0) {
		rec_buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	/* NOOVERWRITE: a number is never issued twice, whatever the caller did. */
	rc = put(txn, r->certs, rec->cert.no, CERTNO_LEN, b.data, b.len,
	    MDB_NOOVERWRITE, "certificate", e);
	rec_buf_free(&b);
	if (rc == ERR_DB && e && strstr(e->msg, "MDB_KEYEXIST"))
		return err_set(e, ERR_EXISTS, "certificate %s already exists",
		    rec->cert.no);
	if (rc)
		return rc;
	if (rec->has_photo && (rc = put(txn, r->photos, rec->cert.no, CERTNO_LEN,
	    photo, photo_len, 0, "photo", e)) != 0)
		return rc;
	memcpy(pk, rec->cert.id_number, il);
	pk[il] = '\0';
	memcpy(pk + il + 1, rec->cert.no, CERTNO_LEN);
	if ((rc = put(txn, r->persons, pk, il + 1 + CERTNO_LEN, "", 0, 0, "person",
	    e)) != 0)
		return rc;
	if (batch_key && (rc = put(txn, r->batches, batch_key, batch_key_len,
	    rec->cert.no, CERTNO_LEN, 0, "batch", e)) != 0)
		return rc;
	return registry_count_event(r, txn, rec, 1, 0, e);
}

int
registry_revoke(struct registry *r, MDB_txn *txn, const char *certno,
    int reason, const char *note, const uint8_t signer[KEY_ID_LEN],
    struct err *e)
{
	struct cert_record rec;
	uint8_t leaf[LOGLEAF_LEN], rv[1 + 4 + 8];
	struct buf b = BUF_INIT;
	MDB_val k = { CERTNO_LEN, (void *)certno }, v;
	int64_t now = (int64_t)time(NULL);
	int rc;

	if (reason < 1 || reason > 5)
		return err_set(e, ERR_USAGE, "unknown revocation reason");
	if ((rc = registry_get_cert(r, txn, certno, &rec, e)) != 0)
		return rc;
	if (rec.status == CERT_REVOKED)
		return err_set(e, ERR_EXISTS, "%s was already revoked (%s)", certno,
		    cert_reason_name(rec.reason));
	/* rec.enc points into the map, which the put below may move. */
	uint8_t enc[CERT_ENC_MAX];
	memcpy(enc, rec.enc, rec.enc_len);
	rec.enc = enc;
	rec.status = CERT_REVOKED;
	rec.reason = reason;
	rec.revoked_at = now;
	snprintf(rec.revoke_note, sizeof(rec.revoke_note), "%s", note ? note : "");
	memcpy(rec.revoked_by, signer, KEY_ID_LEN);
	registry_leaf_of(&rec, LOGLEAF_REVOKE, now, leaf);
	if ((rc = tlog_append(&r->log, txn, leaf, sizeof(leaf), &rec.log_revoke, e)) != 0)
		return rc;
	if (rec_encode(&rec, &b) != 0) {
		rec_buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	explicit_bzero(rec.id_salt, CERT_SALT_LEN);
	v.mv_data = b.data;
	v.mv_size = b.len;
	rc = mdb_put(txn, r->certs, &k, &v, 0);
	rec_buf_free(&b);
	if (rc)
		return db_err(e, rc, "revoke");
	rv[0] = (uint8_t)reason;
	int32_t d = date_today();
	for (int i = 0; i < 4; i++)
		rv[1 + i] = (uint8_t)((uint32_t)d >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		rv[5 + i] = (uint8_t)((uint64_t)now >> (56 - 8 * i));
	if ((rc = put(txn, r->revoked, certno, CERTNO_LEN, rv, sizeof(rv), 0,
	    "revocation list", e)) != 0)
		return rc;
	return registry_count_event(r, txn, &rec, -1, 1, e);
}

int
registry_sign_head(struct registry *r, MDB_txn *txn, struct sth *h,
    struct err *e)
{
	int rc;

	memset(h, 0, sizeof(*h));
	h->size = tlog_size(&r->log, txn);
	h->time = (int64_t)time(NULL);
	if ((rc = tlog_root(&r->log, txn, h->size, h->root, e)) != 0)
		return rc;
	if ((rc = sth_sign(h, &r->logkey, e)) != 0 ||
	    (rc = tlog_put_head(&r->log, txn, h, e)) != 0 ||
	    (rc = stlist_sign_put(r, txn, h, e)) != 0)
		return rc;
	return ckpt_sign_put(r, txn, h, e);
}

/* ---- organizations ---- */

int
registry_get_org(struct registry *r, MDB_txn *txn, const char *code,
    struct org *o, struct err *e)
{
	MDB_val k = { strlen(code), (void *)code }, v;
	int rc;

	if (k.mv_size != ORGCODE_LEN)
		return err_set(e, ERR_NOTFOUND, "no organization %.20s", code);
	rc = mdb_get(txn, r->orgs, &k, &v);
	if (rc == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "no organization %s is filed", code);
	if (rc)
		return db_err(e, rc, "organization");
	return org_decode(v.mv_data, v.mv_size, o, e);
}

int
registry_put_org(struct registry *r, MDB_txn *txn, const struct org *o,
    struct err *e)
{
	struct buf b = BUF_INIT;
	int rc;

	if (org_encode(o, &b) != 0) {
		buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = put(txn, r->orgs, o->code, ORGCODE_LEN, b.data, b.len, 0,
	    "organization", e);
	buf_free(&b);
	return rc;
}

int
registry_get_orgkey(struct registry *r, MDB_txn *txn, const char *code,
    const uint8_t kid[KEY_ID_LEN], struct org_key *k, struct err *e)
{
	uint8_t key[ORGCODE_LEN + KEY_ID_LEN];
	MDB_val kv = { sizeof(key), key }, v;
	char hex[2 * KEY_ID_LEN + 1];
	int rc;

	if (strlen(code) != ORGCODE_LEN)
		return err_set(e, ERR_NOTFOUND, "no organization %.20s", code);
	memcpy(key, code, ORGCODE_LEN);
	memcpy(key + ORGCODE_LEN, kid, KEY_ID_LEN);
	rc = mdb_get(txn, r->orgkeys, &kv, &v);
	if (rc == MDB_NOTFOUND) {
		key_id_hex(kid, hex);
		return err_set(e, ERR_NOTFOUND, "organization %s has no key %s", code, hex);
	}
	if (rc)
		return db_err(e, rc, "organization key");
	memcpy(k->org, code, ORGCODE_LEN);
	k->org[ORGCODE_LEN] = '\0';
	memcpy(k->kid, kid, KEY_ID_LEN);
	return orgkey_decode(v.mv_data, v.mv_size, k, e);
}

int
registry_put_orgkey(struct registry *r, MDB_txn *txn, const struct org_key *k,
    struct err *e)
{
	uint8_t key[ORGCODE_LEN + KEY_ID_LEN];
	struct buf b = BUF_INIT;
	int rc;

	memcpy(key, k->org, ORGCODE_LEN);
	memcpy(key + ORGCODE_LEN, k->kid, KEY_ID_LEN);
	if (orgkey_encode(k, &b) != 0) {
		buf_free(&b);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	rc = put(txn, r->orgkeys, key, sizeof(key), b.data, b.len, 0,
	    "organization key", e);
	buf_free(&b);
	return rc;
}

/* Iterates keys starting with prefix in dbi, calling fn(key, val, arg). */
static int
each_prefix(MDB_txn *txn, MDB_dbi dbi, const void *prefix, size_t pn,
    int (*fn)(MDB_val *, MDB_val *, void *), void *arg, struct err *e)
{
	MDB_cursor *cur;
	MDB_val k = { pn, (void *)prefix }, v;
	int rc, stop = 0;

	if ((rc = mdb_cursor_open(txn, dbi, &cur)) != 0)
		return db_err(e, rc, "cursor");
	rc = mdb_cursor_get(cur, &k, &v, pn ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0 && !stop) {
		if (k.mv_size < pn || memcmp(k.mv_data, prefix, pn) != 0)
			break;
		stop = fn(&k, &v, arg);
		if (!stop)
			rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
	}
	mdb_cursor_close(cur);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return db_err(e, rc, "cursor");
	return stop < 0 ? -stop : 0;
}

struct each_ctx {
	struct registry *r;
	MDB_txn *txn;
	void *fn;
	void *arg;
	struct err *e;
	int rc;
};

static int
each_orgkey_cb(MDB_val *k, MDB_val *v, void *arg)
{
	struct each_ctx *c = arg;
	struct org_key ok;

	if (k->mv_size != ORGCODE_LEN + KEY_ID_LEN)
		return 0;
	memcpy(ok.org, k->mv_data, ORGCODE_LEN);
	ok.org[ORGCODE_LEN] = '\0';
	memcpy(ok.kid, (uint8_t *)k->mv_data + ORGCODE_LEN, KEY_ID_LEN);
	if ((c->rc = orgkey_decode(v->mv_data, v->mv_size, &ok, c->e)) != 0)
		return -c->rc;
	return ((int (*)(const struct org_key *, void *))c->fn)(&ok, c->arg);
}

int
registry_each_orgkey(struct registry *r, MDB_txn *txn, const char *code,
    int (*fn)(const struct org_key *, void *), void *arg, struct err *e)
{
	struct each_ctx c = { r, txn, (void *)fn, arg, e, 0 };
	int rc = each_prefix(txn, r->orgkeys, code, strlen(code), each_orgkey_cb,
	    &c, e);
	return c.rc ? c.rc : rc;
}

static int
each_org_cb(MDB_val *k, MDB_val *v, void *arg)
{
	struct each_ctx *c = arg;
	struct org o;

	if ((c->rc = org_decode(v->mv_data, v->mv_size, &o, c->e)) != 0)
		return -c->rc;
	return ((int (*)(const struct org *, void *))c->fn)(&o, c->arg);
}

int
registry_each_org(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct org *, void *), void *arg, struct err *e)
{
	struct each_ctx c = { r, txn, (void *)fn, arg, e, 0 };
	int rc = each_prefix(txn, r->orgs, "", 0, each_org_cb, &c, e);
	return c.rc ? c.rc : rc;
}

static int
each_cert_cb(MDB_val *k, MDB_val *v, void *arg)
{
	struct each_ctx *c = arg;
	struct cert_record rec;

	if ((c->rc = rec_decode(k->mv_data, v->mv_data, v->mv_size, &rec, c->e)) != 0)
		return -c->rc;
	return ((int (*)(const struct cert_record *, void *))c->fn)(&rec, c->arg);
}

int
registry_each_cert(struct registry *r, MDB_txn *txn, const char *prefix,
    int (*fn)(const struct cert_record *, void *), void *arg, struct err *e)
{
	struct each_ctx c = { r, txn, (void *)fn, arg, e, 0 };
	int rc = each_prefix(txn, r->certs, prefix, strlen(prefix), each_cert_cb,
	    &c, e);
	return c.rc ? c.rc : rc;
}

/* For index databases whose key or value names a certificate. */
static int
each_indexed_cb(MDB_val *k, MDB_val *v, void *arg, const char *no)
{
	struct each_ctx *c = arg;
	struct cert_record rec;
	char certno[CERTNO_LEN + 1];

	memcpy(certno, no, CERTNO_LEN);
	certno[CERTNO_LEN] = '\0';
	if ((c->rc = registry_get_cert(c->r, c->txn, certno, &rec, c->e)) != 0)
		return -c->rc;
	return ((int (*)(const struct cert_record *, void *))c->fn)(&rec, c->arg);
}

static int
each_person_cb(MDB_val *k, MDB_val *v, void *arg)
{
	if (k->mv_size < CERTNO_LEN)
		return 0;
	return each_indexed_cb(k, v, arg,
	    (const char *)k->mv_data + k->mv_size - CERTNO_LEN);
}

int
registry_each_cert_of_person(struct registry *r, MDB_txn *txn,
    const char *id_number, int (*fn)(const struct cert_record *, void *),
    void *arg, struct err *e)
{
	struct each_ctx c = { r, txn, (void *)fn, arg, e, 0 };
	char pk[CERT_ID_MAX + 2];
	size_t n = strlen(id_number);
	int rc;

	if (n > CERT_ID_MAX)
		return 0;
	memcpy(pk, id_number, n + 1); /* the NUL separates id from number */
	rc = each_prefix(txn, r->persons, pk, n + 1, each_person_cb, &c, e);
	return c.rc ? c.rc : rc;
}

static int
each_batch_cb(MDB_val *k, MDB_val *v, void *arg)
{
	if (v->mv_size != CERTNO_LEN)
		return 0;
	return each_indexed_cb(k, v, arg, v->mv_data);
}

int
registry_each_cert_of_batch(struct registry *r, MDB_txn *txn, const char *batch,
    int (*fn)(const struct cert_record *, void *), void *arg, struct err *e)
{
	struct each_ctx c = { r, txn, (void *)fn, arg, e, 0 };
	char pk[128];
	size_t n = strlen(batch);
	int rc;

	if (n + 1 > sizeof(pk))
		return 0;
	memcpy(pk, batch, n + 1);
	rc = each_prefix(txn, r->batches, pk, n + 1, each_batch_cb, &c, e);
	return c.rc ? c.rc : rc;
}

/* revoked: u8 reason || i32 day || i64 time, keyed by number, so a cursor
 * walks them in number order. */
int
registry_each_revoked(struct registry *r, MDB_txn *txn,
    int (*fn)(const char *certno, int reason, int32_t day, int64_t time,
    void *), void *arg, struct err *e)
{
	MDB_cursor *cur;
	MDB_val k, v;
	char no[CERTNO_LEN + 1];
	int rc, stop = 0;

	if ((rc = mdb_cursor_open(txn, r->revoked, &cur)) != 0)
		return db_err(e, rc, "revocation list");
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0 && !stop;
	    rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		const uint8_t *p = v.mv_data;
		if (k.mv_size != CERTNO_LEN || v.mv_size < 13)
			continue;
		memcpy(no, k.mv_data, CERTNO_LEN);
		no[CERTNO_LEN] = '\0';
		stop = fn(no, p[0], (int32_t)be_get32(p + 1),
		    (int64_t)be_get64(p + 5), arg);
	}
	mdb_cursor_close(cur);
	if (stop < 0)
		return e && e->code ? e->code : ERR_INTERNAL;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : db_err(e, rc, "revocation list");
}

#define BUNDLE_KEY "trust_bundle"

int
registry_put_bundle(struct registry *r, MDB_txn *txn, const uint8_t *p,
    size_t n, struct err *e)
{
	return put(txn, r->meta, BUNDLE_KEY, strlen(BUNDLE_KEY), p, n, 0,
	    "trust bundle", e);
}

int
registry_get_bundle(struct registry *r, MDB_txn *txn, const uint8_t **p,
    size_t *n)
{
	MDB_val k = { strlen(BUNDLE_KEY), BUNDLE_KEY }, v;

	if (mdb_get(txn, r->meta, &k, &v) != 0)
		return ERR_NOTFOUND;
	*p = v.mv_data;
	*n = v.mv_size;
	return 0;
}

int
registry_count(struct registry *r, MDB_txn *txn, uint64_t *certs,
    uint64_t *revoked, uint64_t *orgs)
{
	MDB_stat st;

	if (certs)
		*certs = mdb_stat(txn, r->certs, &st) == 0 ? st.ms_entries : 0;
	if (revoked)
		*revoked = mdb_stat(txn, r->revoked, &st) == 0 ? st.ms_entries : 0;
	if (orgs)
		*orgs = mdb_stat(txn, r->orgs, &st) == 0 ? st.ms_entries : 0;
	return 0;
}

int
registry_org_new_key(struct registry *r, MDB_txn *txn, struct org *o, int alg,
    int32_t from, const char *passphrase, struct err *e)
{
	struct key k;
	struct org_key ok;
	char path[PATH_MAX];
	int rc;

	if (!r->authority.has_secret)
		return err_set(e, ERR_DENIED, "the authority key is not loaded");
	if ((rc = key_generate(alg, &k, e)) != 0)
		return rc;
	memset(&ok, 0, sizeof(ok));
	memcpy(ok.org, o->code, sizeof(ok.org));
	ok.alg = alg;
	memcpy(ok.kid, k.kid, KEY_ID_LEN);
	memcpy(ok.pub, k.pub, k.publen);
	ok.publen = (int)k.publen;
	ok.status = OKEY_ACTIVE;
	ok.valid_from = from;
	ok.valid_to = o->valid_to;
	memcpy(o->kid, k.kid, KEY_ID_LEN);
	if ((rc = org_credential_sign(o, &ok, &r->authority, e)) != 0 ||
	    (rc = registry_put_orgkey(r, txn, &ok, e)) != 0)
		goto out;
	/* The key file is written last: a failed txn leaves at most an
	 * unreferenced file, never a registry entry without its key. */
	registry_org_key_path(r, o->code, k.kid, path);
	rc = key_save_secret(&k, path, passphrase, e);
out:
	key_free(&k);
	return rc;
}
