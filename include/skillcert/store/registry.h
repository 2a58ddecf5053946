/* registry.h - the LMDB registry: catalogs, organizations and their keys,
 * certificates, the transparency log. One environment per process; the
 * issuer opens it read-write, the server and renderer read-only.
 *
 * Named databases (all keys and integers big-endian):
 *   meta      name -> value (province, public_url, authority/log public keys)
 *   catalog   kind name -> CSV text
 *   orgs      org code (13) -> org_encode
 *   orgkeys   org code (13) || kid (8) -> orgkey_encode
 *   certs     cert number (22) -> cert record (see registry.c; it holds
 *             the full ID number and, for token v2, the commitment salt)
 *   photos    cert number (22) -> JPEG/PNG bytes
 *   seqs      org code (13) || yy (2) || level (1) -> u32 last sequence
 *   persons   id number || 0x00 || cert number -> "" (trace-back)
 *   batches   batch id || 0x00 || org code || row identity -> cert number
 *   revoked   cert number (22) -> u8 reason || i32 date (days) || i64 time
 *   accounts, sessions, apitokens, audit: see account.h
 *   log_*     see tlog.h
 * Private keys never live here: they are files in the keys directory. */
#ifndef SKILLCERT_REGISTRY_H
#define SKILLCERT_REGISTRY_H

#include <limits.h>
#include <stdint.h>
#include <lmdb.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/catalog.h"
#include "skillcert/model/org.h"
#include "skillcert/model/cert.h"
#include "skillcert/store/tlog.h"

#define REG_RDONLY 0x1
#define REG_NO_LOG 0x2   /* benchmarks only: no log appends, to measure what
                            they cost (log audit then fails) */
#define REG_DIR_DEFAULT "./var/registry"  /* front ends: unless $SKILLCERT_DB */
#define REG_MAPSIZE_DEFAULT (64ull << 30)  /* sparse: grows on disk as used */

struct registry {
	MDB_env *env;
	MDB_dbi meta, catalog, orgs, orgkeys, certs, photos, seqs, persons,
	    batches, revoked;
	MDB_dbi accounts, sessions, apitokens, audit;  /* store/account.h */
	int has_accounts;              /* 0: a read-only open of a registry
	                                  made before accounts (read as empty) */
	struct tlog log;
	struct catalog cat;
	int flags;
	int province;
	char public_url[256];
	char origin[256];              /* checkpoint origin (ckpt.h) */
	char dir[PATH_MAX];
	char keysdir[PATH_MAX];
	struct key authority;          /* public part only unless loaded */
	struct key logkey;             /* public part only unless loaded */
};

/* A certificate as stored. enc points into the map: valid while the txn. */
struct cert_record {
	struct cert cert;              /* decoded signed fields */
	const uint8_t *enc;
	size_t enc_len;
	uint8_t sig[CERT_SIG_LEN];
	int status;
	int reason;                    /* enum revoke_reason */
	int64_t issued_at, revoked_at; /* unix seconds */
	uint64_t log_issue, log_revoke;/* leaf indices (log_revoke valid if revoked) */
	char batch[65];
	uint32_t row;                  /* roster line */
	char employer[ORG_NAME_MAX + 1];
	char revoke_note[256];
	char issue_note[256];          /* why the authority overrode a check */
	uint8_t revoked_by[KEY_ID_LEN];
	int has_photo;
	uint8_t id_salt[CERT_SALT_LEN];/* v2: the commitment's salt (secret:
	                                  never shown, logged or exported) */
};

/* How to open: everything the caller decides, none of it from the
 * environment (front ends read that). A NULL opts means the defaults. */
struct registry_opts {
	const char *keysdir;           /* NULL = DIR/keys */
	int flags;                     /* REG_RDONLY, REG_NO_LOG */
	size_t mapsize;                /* writer's map size; 0 = default */
};

/* Creates DIR (mode 0700), the environment, catalogs from catalog_dir
 * (NULL = built-in data dir), and the authority and log keys in keysdir
 * (NULL = DIR/keys), written 0600 and encrypted when passphrase != NULL. */
int registry_init(const char *dir, const struct registry_opts *o, int province,
    const char *public_url, const char *catalog_dir, const char *passphrase,
    struct err *e);
/* Creates DIR 0700 and any missing parent (umask's mode, as mkdir -p);
 * an existing DIR is accepted. *created says whether DIR was made. */
int registry_make_dir(const char *dir, int *created, struct err *e);
/* Opens an existing registry; REG_RDONLY opens LMDB read-only and never
 * touches a private key. keysdir NULL = DIR/keys. */
int registry_open(struct registry **r, const char *dir,
    const struct registry_opts *o, struct err *e);
void registry_close(struct registry *r);

int registry_txn_begin(struct registry *r, int rdonly, MDB_txn **txn,
    struct err *e);
/* A read txn for one thread among several (render workers): a map the
 * writer resized is an error here, as in renew, never adopted. */
int registry_txn_begin_reader(struct registry *r, MDB_txn **txn,
    struct err *e);
/* Renews a reset read txn (one per thread in the server). A map resized
 * by the writer is an error here: only registry_txn_begin, used by single-
 * threaded tools, adopts the new size. */
int registry_txn_renew(struct registry *r, MDB_txn *txn, struct err *e);

/* Reads (any txn). */
int registry_get_cert(struct registry *r, MDB_txn *txn, const char *certno,
    struct cert_record *out, struct err *e);
int registry_get_photo(struct registry *r, MDB_txn *txn, const char *certno,
    const uint8_t **p, size_t *n);
int registry_get_org(struct registry *r, MDB_txn *txn, const char *code,
    struct org *o, struct err *e);
int registry_get_orgkey(struct registry *r, MDB_txn *txn, const char *code,
    const uint8_t kid[KEY_ID_LEN], struct org_key *k, struct err *e);
/* Calls fn for every key of an org (oldest first); fn returns non-zero to stop. */
int registry_each_orgkey(struct registry *r, MDB_txn *txn, const char *code,
    int (*fn)(const struct org_key *, void *), void *arg, struct err *e);
int registry_each_org(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct org *, void *), void *arg, struct err *e);
/* Certificates in number order; prefix "" = all, an org code = that org's. */
int registry_each_cert(struct registry *r, MDB_txn *txn, const char *prefix,
    int (*fn)(const struct cert_record *, void *), void *arg, struct err *e);
int registry_each_cert_of_person(struct registry *r, MDB_txn *txn,
    const char *id_number, int (*fn)(const struct cert_record *, void *),
    void *arg, struct err *e);
int registry_each_cert_of_batch(struct registry *r, MDB_txn *txn,
    const char *batch, int (*fn)(const struct cert_record *, void *),
    void *arg, struct err *e);
/* Revocations in number order: fn(number, reason, day, unix time). */
int registry_each_revoked(struct registry *r, MDB_txn *txn,
    int (*fn)(const char *certno, int reason, int32_t day, int64_t time,
    void *), void *arg, struct err *e);
/* The latest trust bundle exported (served at /v1/trust): the bytes point
 * into the map, valid while txn. ERR_NOTFOUND if none yet. */
int registry_get_bundle(struct registry *r, MDB_txn *txn, const uint8_t **p,
    size_t *n);
int registry_put_bundle(struct registry *r, MDB_txn *txn, const uint8_t *p,
    size_t n, struct err *e);
/* Counts for /metrics and statistics. */
int registry_count(struct registry *r, MDB_txn *txn, uint64_t *certs,
    uint64_t *revoked, uint64_t *orgs);

/* Writes (write txn). */
int registry_put_org(struct registry *r, MDB_txn *txn, const struct org *o,
    struct err *e);
int registry_put_orgkey(struct registry *r, MDB_txn *txn,
    const struct org_key *k, struct err *e);
/* Revokes: records reason/time/signer, appends a log leaf. Revoking a
 * revoked certificate is ERR_EXISTS; it never becomes valid again. */
int registry_revoke(struct registry *r, MDB_txn *txn, const char *certno,
    int reason, const char *note, const uint8_t signer[KEY_ID_LEN],
    struct err *e);
/* Signs and stores a tree head over the current log with the log key
 * (which must be loaded: registry_load_secret). */
int registry_sign_head(struct registry *r, MDB_txn *txn, struct sth *h,
    struct err *e);

/* Issuance primitives, used by issue.c inside one write txn. */
/* Last sequence used for (org, year, level), 0 if none; and its update
 * (the issuer numbers a roster in memory and writes the last one used). */
int registry_seq_get(struct registry *r, MDB_txn *txn, const char *org,
    int year2, int level, uint32_t *last, struct err *e);
int registry_seq_put(struct registry *r, MDB_txn *txn, const char *org,
    int year2, int level, uint32_t last, struct err *e);
/* Stores a signed certificate: record, photo, person index, batch key
 * (when batch != NULL) and one log leaf. rec->enc/sig must be set. */
int registry_put_cert(struct registry *r, MDB_txn *txn,
    struct cert_record *rec, const uint8_t *photo, size_t photo_len,
    const char *batch_key, size_t batch_key_len, struct err *e);
/* Cert number already issued for this batch row identity, if any. */
int registry_batch_lookup(struct registry *r, MDB_txn *txn,
    const char *batch_key, size_t batch_key_len, char certno[CERTNO_LEN + 1]);

/* A batch's assessment figures: rows assessed (passed or failed; not
 * rows rejected as malformed) and passed, as of its last run. */
struct batch_stats {
	char org[ORGCODE_LEN + 1];
	char batch[65];
	uint32_t assessed, passed;
	int32_t day;                   /* issue date of the run */
	int64_t time;                  /* unix seconds */
};
int registry_put_batch_stats(struct registry *r, MDB_txn *txn,
    const struct batch_stats *s, struct err *e);
/* ERR_NOTFOUND when the batch has none (issued before they were kept). */
int registry_get_batch_stats(struct registry *r, MDB_txn *txn,
    const char *org, const char *batch, struct batch_stats *s,
    struct err *e);

/* Every batch's figures (in org, batch order); fn non-zero stops. */
int registry_each_batch_stats(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct batch_stats *, void *), void *arg, struct err *e);

/* Replaces one catalog from a file (parsed before it is stored). */
int registry_load_catalog(struct registry *r, MDB_txn *txn, int kind,
    const char *path, struct err *e);
/* The log leaf of an issuance or revocation (also used by log audit). */
int registry_leaf_of(const struct cert_record *c, int event, int64_t time,
    uint8_t out[LOGLEAF_LEN]);

/* Generates a key for o (alg), certifies it with the authority key
 * (loaded), stores it, writes its secret file; sets o->kid. The caller
 * stores o. */
int registry_org_new_key(struct registry *r, MDB_txn *txn, struct org *o,
    int alg, int32_t from, const char *passphrase, struct err *e);

/* Loads the authority and log secret keys (writer only). */
int registry_load_secrets(struct registry *r, const char *passphrase,
    struct err *e);
/* Path of an organization's secret key file. */
void registry_org_key_path(const struct registry *r, const char *code,
    const uint8_t kid[KEY_ID_LEN], char out[PATH_MAX]);

#endif
