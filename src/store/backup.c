/* backup.c - hot, signed, self-describing copies of the registry and
 * their checked restore (the keys' encrypted backup is in keyarchive.c). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "skillcert/base/endian.h"
#include "skillcert/base/hex.h"
#include "skillcert/store/backup.h"
#include "skillcert/store/logview.h"

#define BACKUP_MAGIC "SCBAK001"
#define BACKUP_TRAILER_LEN 16
#define BACKUP_MANIFEST_MAX 8192
#define BACKUP_SIG_CTX "skillcert/backup/v1"

static int
backup_write_all(int fd, const void *p, size_t n)
{
	const uint8_t *q = p;

	while (n > 0) {
		ssize_t w = write(fd, q, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		q += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
backup_create_file(const char *path, struct err *e)
{
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);

	if (fd < 0)
		err_set(e, errno == EEXIST ? ERR_EXISTS : ERR_IO,
		    "cannot create %s: %s", path, strerror(errno));
	return fd;
}

/* SHA-256 of the first n bytes of fd. */
static int
backup_hash_fd(int fd, uint64_t n, uint8_t out[32], const char *path,
    struct err *e)
{
	static const size_t chunk = 1u << 20;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t *b = malloc(chunk);
	uint64_t off = 0;
	int rc = 0;

	if (ctx == NULL || b == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	while (rc == 0 && off < n) {
		size_t want = n - off < chunk ? (size_t)(n - off) : chunk;
		ssize_t got = pread(fd, b, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			rc = err_set(e, ERR_IO, "cannot read %s: %s", path,
			    got == 0 ? "file is short" : strerror(errno));
		else if (EVP_DigestUpdate(ctx, b, (size_t)got) != 1)
			rc = err_set(e, ERR_CRYPTO, "SHA-256 failed");
		else
			off += (uint64_t)got;
	}
	if (rc == 0 && EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		rc = err_set(e, ERR_CRYPTO, "SHA-256 failed");
out:
	EVP_MD_CTX_free(ctx);
	free(b);
	return rc;
}

static int
backup_db_err(struct err *e, int rc, const char *path, const char *what)
{
	return err_set(e, rc == MDB_NOTFOUND ? ERR_INVALID : ERR_DB,
	    "%s: %s: %s", path, what, mdb_strerror(rc));
}

/* Meta fields of the copy: province, public URL, the authority key id. */
static int
backup_describe_meta(MDB_txn *txn, MDB_dbi meta, struct backup_manifest *m,
    const char *path, struct err *e)
{
	MDB_val k, v;
	struct key a;
	char prov[8];
	int rc;

	k.mv_data = "province";
	k.mv_size = 8;
	if ((rc = mdb_get(txn, meta, &k, &v)) != 0)
		return backup_db_err(e, rc, path, "province");
	snprintf(prov, sizeof(prov), "%.*s", (int)(v.mv_size < 7 ?
	    v.mv_size : 7), (char *)v.mv_data);
	m->province = atoi(prov);
	k.mv_data = "public_url";
	k.mv_size = 10;
	if ((rc = mdb_get(txn, meta, &k, &v)) != 0)
		return backup_db_err(e, rc, path, "public_url");
	snprintf(m->public_url, sizeof(m->public_url), "%.*s", (int)v.mv_size,
	    (char *)v.mv_data);
	k.mv_data = "authority";
	k.mv_size = 9;
	if ((rc = mdb_get(txn, meta, &k, &v)) != 0)
		return backup_db_err(e, rc, path, "authority");
	if (v.mv_size < 2 || key_from_public(((uint8_t *)v.mv_data)[0],
	    (uint8_t *)v.mv_data + 1, v.mv_size - 1, &a, e) != 0)
		return err_set(e, ERR_INVALID, "%s: authority key unreadable", path);
	memcpy(m->authority_kid, a.kid, KEY_ID_LEN);
	key_free(&a);
	return 0;
}

/* Log size, root, latest head and counts as one read txn of the copy sees. */
static int
backup_describe_txn(MDB_txn *txn, struct backup_manifest *m, const char *path,
    struct err *e)
{
	MDB_dbi meta, certs, revoked;
	struct tlog t;
	struct sth h;
	MDB_stat st;
	int rc;

	if ((rc = mdb_dbi_open(txn, "meta", 0, &meta)) != 0 ||
	    (rc = mdb_dbi_open(txn, "certs", 0, &certs)) != 0 ||
	    (rc = mdb_dbi_open(txn, "revoked", 0, &revoked)) != 0)
		return backup_db_err(e, rc, path, "not a registry");
	if ((rc = tlog_open(txn, &t, 0, e)) != 0 ||
	    (rc = backup_describe_meta(txn, meta, m, path, e)) != 0)
		return rc;
	m->log_size = tlog_size(&t, txn);
	memset(m->log_root, 0, sizeof(m->log_root));
	if (m->log_size && (rc = tlog_root(&t, txn, m->log_size, m->log_root,
	    e)) != 0)
		return rc;
	m->head_size = 0;
	if (tlog_latest_head(&t, txn, &h, NULL) == 0)
		m->head_size = h.size;
	m->certs = mdb_stat(txn, certs, &st) == 0 ? st.ms_entries : 0;
	m->revoked = mdb_stat(txn, revoked, &st) == 0 ? st.ms_entries : 0;
	return 0;
}

/* Opens the finished copy at path (no lock file) and describes it. */
static int
backup_describe_copy(const char *path, struct backup_manifest *m,
    struct err *e)
{
	MDB_env *env;
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = mdb_env_create(&env)) != 0)
		return backup_db_err(e, rc, path, "mdb_env_create");
	mdb_env_set_maxdbs(env, 24);  /* as registry.c REG_MAXDBS */
	if ((rc = mdb_env_open(env, path, MDB_RDONLY | MDB_NOSUBDIR |
	    MDB_NOLOCK | MDB_NOTLS, 0600)) != 0 ||
	    (rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)) != 0)
		rc = backup_db_err(e, rc, path, "cannot open the copy");
	else
		rc = backup_describe_txn(txn, m, path, e);
	if (txn)
		mdb_txn_abort(txn);
	mdb_env_close(env);
	return rc;
}

/* The manifest's lines up to (not including) the signature. */
static void
backup_format_manifest(const struct backup_manifest *m, struct buf *b)
{
	char kid[2 * KEY_ID_LEN + 1], sha[65], root[65];

	hex_encode(m->authority_kid, KEY_ID_LEN, kid);
	hex_encode(m->copy_sha256, 32, sha);
	hex_encode(m->log_root, MERKLE_HASH_LEN, root);
	buf_reset(b);
	buf_printf(b, "skillcert-backup 1\nprovince %d\npublic_url %s\n"
	    "authority %s\ncreated %" PRId64 "\ncopy_bytes %" PRIu64 "\n"
	    "copy_sha256 %s\nlog_size %" PRIu64 "\nlog_root %s\n"
	    "head_size %" PRIu64 "\ncertificates %" PRIu64 "\n"
	    "revoked %" PRIu64 "\n", m->province, m->public_url, kid,
	    m->created, m->copy_bytes, sha, m->log_size, root, m->head_size,
	    m->certs, m->revoked);
}

/* Signs the manifest and appends it and the trailer at the end of fd. */
static int
backup_append_manifest(struct registry *r, int fd, struct backup_manifest *m,
    const char *path, struct err *e)
{
	struct buf b = BUF_INIT;
	char sig[2 * KEY_SIG_LEN + 1];
	uint8_t tr[BACKUP_TRAILER_LEN];
	int rc;

	backup_format_manifest(m, &b);
	if ((rc = key_sign(&r->authority, BACKUP_SIG_CTX, b.data, b.len,
	    m->sig, e)) != 0)
		goto out;
	hex_encode(m->sig, KEY_SIG_LEN, sig);
	buf_printf(&b, "signature %s\n", sig);
	memcpy(tr, BACKUP_MAGIC, 8);
	be_put64(tr + 8, (uint64_t)b.len);
	if (lseek(fd, (off_t)m->copy_bytes, SEEK_SET) < 0 ||
	    backup_write_all(fd, b.data, b.len) != 0 ||
	    backup_write_all(fd, tr, sizeof(tr)) != 0 || fsync(fd) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", path,
		    strerror(errno));
out:
	buf_free(&b);
	return rc;
}

int
backup_write_registry(struct registry *r, const char *path,
    struct backup_manifest *m, struct err *e)
{
	struct stat st;
	int fd, rc;

	memset(m, 0, sizeof(*m));
	if (!r->authority.has_secret)
		return err_set(e, ERR_DENIED, "the authority key is not loaded: "
		    "it signs the backup's manifest");
	if ((fd = backup_create_file(path, e)) < 0)
		return e->code;
	/* The compacting copy runs in one read txn: a consistent snapshot
	 * while the writer keeps committing. */
	if ((rc = mdb_env_copyfd2(r->env, fd, MDB_CP_COMPACT)) != 0) {
		rc = err_set(e, rc == ENOSPC ? ERR_IO : ERR_DB, "copy into %s: %s",
		    path, mdb_strerror(rc));
		goto fail;
	}
	if (fsync(fd) != 0 || fstat(fd, &st) != 0) {
		rc = err_set(e, ERR_IO, "cannot sync %s: %s", path,
		    strerror(errno));
		goto fail;
	}
	m->copy_bytes = (uint64_t)st.st_size;
	m->created = (int64_t)time(NULL);
	if ((rc = backup_describe_copy(path, m, e)) != 0 ||
	    (rc = backup_hash_fd(fd, m->copy_bytes, m->copy_sha256, path, e)) != 0)
		goto fail;
	if (memcmp(m->authority_kid, r->authority.kid, KEY_ID_LEN) != 0) {
		rc = err_set(e, ERR_CRYPTO, "%s: the copy's authority key is not "
		    "the one loaded", path);
		goto fail;
	}
	if ((rc = backup_append_manifest(r, fd, m, path, e)) != 0)
		goto fail;
	if (close(fd) != 0)
		return err_set(e, ERR_IO, "cannot close %s: %s", path,
		    strerror(errno));
	return 0;
fail:
	close(fd);
	unlink(path);
	return rc;
}

/* One "key value" line's value as hex of exactly n bytes. */
static int
backup_parse_hex(const char *v, uint8_t *out, size_t n)
{
	return strlen(v) == 2 * n && hex_decode(v, 2 * n, out, n) == (long)n ?
	    0 : -1;
}

static int
backup_parse_u64(const char *v, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno || end == v || *end != '\0' ? -1 : 0;
}

/* One manifest line; *seen gets a bit per key found. */
static int
backup_parse_line(char *line, struct backup_manifest *m, unsigned *seen)
{
	char *v = strchr(line, ' ');
	uint64_t u;

	if (v == NULL)
		return -1;
	*v++ = '\0';
#define KEY(i, name) (strcmp(line, name) == 0 && (*seen |= 1u << (i)))
	if (KEY(0, "skillcert-backup"))
		return strcmp(v, "1") == 0 ? 0 : -1;
	if (KEY(1, "province"))
		return backup_parse_u64(v, &u) || u > 99 ? -1 :
		    (m->province = (int)u, 0);
	if (KEY(2, "public_url"))
		return snprintf(m->public_url, sizeof(m->public_url), "%s", v) <
		    (int)sizeof(m->public_url) ? 0 : -1;
	if (KEY(3, "authority"))
		return backup_parse_hex(v, m->authority_kid, KEY_ID_LEN);
	if (KEY(4, "created"))
		return backup_parse_u64(v, &u) ? -1 : (m->created = (int64_t)u, 0);
	if (KEY(5, "copy_bytes"))
		return backup_parse_u64(v, &m->copy_bytes);
	if (KEY(6, "copy_sha256"))
		return backup_parse_hex(v, m->copy_sha256, 32);
	if (KEY(7, "log_size"))
		return backup_parse_u64(v, &m->log_size);
	if (KEY(8, "log_root"))
		return backup_parse_hex(v, m->log_root, MERKLE_HASH_LEN);
	if (KEY(9, "head_size"))
		return backup_parse_u64(v, &m->head_size);
	if (KEY(10, "certificates"))
		return backup_parse_u64(v, &m->certs);
	if (KEY(11, "revoked"))
		return backup_parse_u64(v, &m->revoked);
	if (KEY(12, "signature"))
		return backup_parse_hex(v, m->sig, KEY_SIG_LEN);
#undef KEY
	return -1;
}

/* Parses text (NUL-terminated); *signed_len = bytes the signature covers. */
static int
backup_parse_manifest(char *text, struct backup_manifest *m,
    size_t *signed_len, const char *path, struct err *e)
{
	char *line = text, *nl;
	unsigned seen = 0;
	int n = 1;

	memset(m, 0, sizeof(*m));
	*signed_len = 0;
	for (; *line; line = nl + 1, n++) {
		if ((nl = strchr(line, '\n')) == NULL)
			return err_set(e, ERR_INVALID, "%s: manifest line %d has no "
			    "end", path, n);
		*nl = '\0';
		if (strncmp(line, "signature ", 10) == 0)
			*signed_len = (size_t)(line - text);
		if (backup_parse_line(line, m, &seen) != 0)
			return err_set(e, ERR_INVALID, "%s: manifest line %d is not "
			    "understood", path, n);
		if (seen & (1u << 12))
			break;
	}
	if (seen != 0x1fffu || *signed_len == 0)
		return err_set(e, ERR_INVALID, "%s: manifest incomplete", path);
	return 0;
}

/* The manifest text of an open backup, and the copy's length check. */
static int
backup_load_manifest(int fd, const char *path, struct buf *b,
    struct backup_manifest *m, size_t *signed_len, struct err *e)
{
	uint8_t tr[BACKUP_TRAILER_LEN];
	struct stat st;
	uint64_t mlen;
	char *copy;
	int rc;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < BACKUP_TRAILER_LEN ||
	    pread(fd, tr, sizeof(tr), st.st_size - BACKUP_TRAILER_LEN) !=
	    (ssize_t)sizeof(tr) || memcmp(tr, BACKUP_MAGIC, 8) != 0)
		return err_set(e, ERR_INVALID, "%s is not a skillcert backup", path);
	mlen = be_get64(tr + 8);
	if (mlen == 0 || mlen > BACKUP_MANIFEST_MAX ||
	    mlen > (uint64_t)st.st_size - BACKUP_TRAILER_LEN)
		return err_set(e, ERR_INVALID, "%s: manifest length %" PRIu64
		    " is impossible", path, mlen);
	buf_reset(b);
	if (buf_reserve(b, (size_t)mlen + 1) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (pread(fd, b->data, (size_t)mlen, st.st_size - BACKUP_TRAILER_LEN -
	    (off_t)mlen) != (ssize_t)mlen)
		return err_set(e, ERR_IO, "cannot read %s: %s", path,
		    strerror(errno));
	b->len = (size_t)mlen;
	b->data[b->len] = '\0';
	if (strlen((char *)b->data) != b->len)
		return err_set(e, ERR_INVALID, "%s: manifest holds a NUL", path);
	/* Parsed in a copy: the signature covers the text as stored. */
	if ((copy = strdup((char *)b->data)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	rc = backup_parse_manifest(copy, m, signed_len, path, e);
	free(copy);
	if (rc != 0)
		return rc;
	if (m->copy_bytes + mlen + BACKUP_TRAILER_LEN != (uint64_t)st.st_size)
		return err_set(e, ERR_INVALID, "%s: %" PRIu64 " bytes, but the "
		    "manifest describes a copy of %" PRIu64, path,
		    (uint64_t)st.st_size, m->copy_bytes);
	return 0;
}

static int
backup_open_file(const char *path, struct err *e)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
		    "cannot open %s: %s", path, strerror(errno));
	return fd;
}

int
backup_read_manifest(const char *path, struct backup_manifest *m,
    struct err *e)
{
	struct buf b = BUF_INIT;
	size_t signed_len;
	int fd, rc;

	if ((fd = backup_open_file(path, e)) < 0)
		return e->code;
	rc = backup_load_manifest(fd, path, &b, m, &signed_len, e);
	close(fd);
	buf_free(&b);
	return rc;
}

/* Copies the first n bytes of fd into a new file at path. */
static int
backup_copy_out(int fd, uint64_t n, const char *path, struct err *e)
{
	static const size_t chunk = 1u << 20;
	uint8_t *b = malloc(chunk);
	uint64_t off = 0;
	int out, rc = 0;

	if (b == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((out = backup_create_file(path, e)) < 0) {
		free(b);
		return e->code;
	}
	while (rc == 0 && off < n) {
		size_t want = n - off < chunk ? (size_t)(n - off) : chunk;
		ssize_t got = pread(fd, b, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0 || backup_write_all(out, b, (size_t)got) != 0)
			rc = err_set(e, ERR_IO, "cannot write %s: %s", path,
			    got == 0 ? "backup is short" : strerror(errno));
		else
			off += (uint64_t)got;
	}
	if (rc == 0 && fsync(out) != 0)
		rc = err_set(e, ERR_IO, "cannot sync %s: %s", path, strerror(errno));
	if (close(out) != 0 && rc == 0)
		rc = err_set(e, ERR_IO, "cannot close %s: %s", path, strerror(errno));
	free(b);
	return rc;
}

/* Before anything is written: the caller's floor, key and the hash. */
static int
backup_check_file(int fd, const char *path, const struct backup_restore_opts *o,
    const struct backup_manifest *m, struct err *e)
{
	uint8_t md[32];
	int rc;

	if (m->log_size < o->at_least)
		return err_set(e, ERR_DENIED, "%s: its log holds %" PRIu64
		    " entries, fewer than --at-least %" PRIu64 ": refusing a "
		    "restore that would lose certificates", path, m->log_size,
		    o->at_least);
	if (o->authority_kid && memcmp(o->authority_kid, m->authority_kid,
	    KEY_ID_LEN) != 0)
		return err_set(e, ERR_CRYPTO, "%s: made for another authority key",
		    path);
	if ((rc = backup_hash_fd(fd, m->copy_bytes, md, path, e)) != 0)
		return rc;
	if (memcmp(md, m->copy_sha256, sizeof(md)) != 0)
		return err_set(e, ERR_CRYPTO, "%s: the copy's SHA-256 does not "
		    "match its manifest (damaged or altered)", path);
	return 0;
}

/* The restored registry against its manifest: signature, log, counts. */
static int
backup_check_restored(struct registry *r, MDB_txn *txn, const char *path,
    const struct buf *text, size_t signed_len, const struct backup_manifest *m,
    struct err *e)
{
	uint8_t root[MERKLE_HASH_LEN];
	uint64_t certs, revoked;
	int rc;

	if (memcmp(r->authority.kid, m->authority_kid, KEY_ID_LEN) != 0 ||
	    key_verify(&r->authority, BACKUP_SIG_CTX, text->data, signed_len,
	    m->sig, NULL) != 0)
		return err_set(e, ERR_CRYPTO, "%s: the manifest's signature does "
		    "not verify with the copy's authority key", path);
	memset(root, 0, sizeof(root));
	if (tlog_size(&r->log, txn) != m->log_size || (m->log_size &&
	    (rc = tlog_root(&r->log, txn, m->log_size, root, e)) != 0))
		return err_set(e, ERR_INVALID, "%s: the copy's log is not the one "
		    "its manifest names", path);
	if (memcmp(root, m->log_root, sizeof(root)) != 0)
		return err_set(e, ERR_INVALID, "%s: the copy's log root differs "
		    "from its manifest's", path);
	registry_count(r, txn, &certs, &revoked, NULL);
	if (certs != m->certs || revoked != m->revoked)
		return err_set(e, ERR_INVALID, "%s: the copy holds %" PRIu64
		    " certificates, its manifest %" PRIu64, path, certs, m->certs);
	return 0;
}

/* Opens what was restored into o->dir and checks it, audit included. */
static int
backup_verify_restored(const char *path, const struct backup_restore_opts *o,
    const struct buf *text, size_t signed_len, const struct backup_manifest *m,
    long *problems, struct json *j, struct err *e)
{
	struct registry_opts ro = { NULL, REG_RDONLY, o->mapsize };
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = registry_open(&r, o->dir, &ro, e)) != 0 ||
	    (rc = registry_txn_begin(r, 1, &txn, e)) != 0 ||
	    (rc = backup_check_restored(r, txn, path, text, signed_len, m,
	    e)) != 0)
		goto out;
	*problems = logview_audit(r, txn, j, e);
	if (*problems < 0)
		rc = (int)-*problems;
out:
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	return rc;
}

static void
backup_remove_restored(const char *dir, int created)
{
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/data.mdb", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/lock.mdb", dir);
	unlink(p);
	if (created)
		rmdir(dir);
}

int
backup_restore_registry(const char *path, const struct backup_restore_opts *o,
    struct backup_manifest *m, long *problems, struct json *j, struct err *e)
{
	struct buf text = BUF_INIT;
	char data[PATH_MAX + 16];
	struct stat st;
	size_t signed_len;
	int fd, rc, created = 0, wrote = 0;

	*problems = 0;
	if ((fd = backup_open_file(path, e)) < 0)
		return e->code;
	if ((rc = backup_load_manifest(fd, path, &text, m, &signed_len, e)) != 0 ||
	    (rc = backup_check_file(fd, path, o, m, e)) != 0)
		goto out;
	snprintf(data, sizeof(data), "%s/data.mdb", o->dir);
	if (stat(data, &st) == 0) {
		rc = err_set(e, ERR_EXISTS, "a registry already exists at %s: "
		    "restore into a new directory", o->dir);
		goto out;
	}
	if ((rc = registry_make_dir(o->dir, &created, e)) != 0)
		goto out;
	if ((rc = backup_copy_out(fd, m->copy_bytes, data, e)) == ERR_EXISTS)
		goto out;       /* not ours to remove */
	wrote = 1;
	if (rc == 0)
		rc = backup_verify_restored(path, o, &text, signed_len, m,
		    problems, j, e);
out:
	close(fd);
	buf_free(&text);
	if (wrote && (rc != 0 || *problems != 0))
		backup_remove_restored(o->dir, created);
	return rc;
}
