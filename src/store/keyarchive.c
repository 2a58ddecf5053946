/* keyarchive.c - the keys directory as one passphrase-encrypted file
 * (scrypt, AES-256-GCM), kept apart from the registry's backups. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "skillcert/base/endian.h"
#include "skillcert/store/backup.h"

#define KA_MAGIC "SCKB0001"
#define KA_LOG2N 16
#define KA_HDR_LEN (8 + 1 + 16 + 12)
#define KA_TAG_LEN 16
#define KA_NAME_MAX 200

struct ka_key {
	uint8_t k[32];
};

static int
ka_derive(const char *pass, const uint8_t *salt, int log2n, struct ka_key *k,
    struct err *e)
{
	if (log2n < 10 || log2n > 20 || EVP_PBE_scrypt(pass, strlen(pass), salt,
	    16, (uint64_t)1 << log2n, 8, 1, 1100u << 20, k->k, 32) != 1)
		return err_set(e, ERR_CRYPTO, "scrypt failed");
	return 0;
}

/* AES-256-GCM of in (n bytes) into out; enc != 0 encrypts and writes the
 * tag, else checks it. aad = the file header. */
static int
ka_gcm(int enc, const struct ka_key *k, const uint8_t *aad, const uint8_t *in,
    size_t n, uint8_t *out, uint8_t tag[KA_TAG_LEN])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int len, ok;

	ok = c != NULL && n <= INT32_MAX &&
	    EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, k->k, aad + 25, enc) &&
	    EVP_CipherUpdate(c, NULL, &len, aad, KA_HDR_LEN) &&
	    EVP_CipherUpdate(c, out, &len, in, (int)n) &&
	    (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, KA_TAG_LEN, tag)) &&
	    EVP_CipherFinal_ex(c, out + len, &len) &&
	    (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, KA_TAG_LEN, tag));
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

/* Appends one file as an entry: name relative to the keys directory. */
static int
ka_add_file(struct buf *plain, const char *path, const char *name,
    struct err *e)
{
	struct buf f = BUF_INIT;
	int rc;

	if ((rc = buf_read_file(&f, path, 1u << 20)) != 0) {
		buf_free(&f);
		return err_set(e, ERR_IO, "cannot read %s: %s", path,
		    rc == -2 ? "larger than 1 MiB" : strerror(errno));
	}
	if (buf_append_str16(plain, name) != 0 ||
	    buf_append_u32(plain, (uint32_t)f.len) != 0 ||
	    buf_append(plain, f.data, f.len) != 0)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	buf_free_wipe(&f);
	return rc;
}

/* Every regular file of dir (prefix "" or "orgs/"), one level down. */
static int
ka_add_dir(struct buf *plain, const char *dir, const char *prefix, int depth,
    size_t *nfiles, struct err *e)
{
	char path[PATH_MAX], name[KA_NAME_MAX + 1];
	struct dirent *d;
	struct stat st;
	DIR *dp;
	int rc = 0;

	if ((dp = opendir(dir)) == NULL)
		return err_set(e, errno == ENOENT ? ERR_NOTFOUND : ERR_IO,
		    "cannot read key directory %s: %s", dir, strerror(errno));
	while (rc == 0 && (d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		if (snprintf(name, sizeof(name), "%s%s", prefix, d->d_name) >=
		    (int)sizeof(name) || lstat(path, &st) != 0)
			rc = err_set(e, ERR_IO, "cannot inspect %s", path);
		else if (S_ISDIR(st.st_mode) && depth == 0) {
			snprintf(name, sizeof(name), "%s/", d->d_name);
			rc = ka_add_dir(plain, path, name, 1, nfiles, e);
		} else if (S_ISREG(st.st_mode)) {
			if ((rc = ka_add_file(plain, path, name, e)) == 0)
				(*nfiles)++;
		} else
			rc = err_set(e, ERR_DENIED, "%s is neither a file nor a key "
			    "directory: refusing to back it up", path);
	}
	closedir(dp);
	return rc;
}

/* Header, ciphertext and tag of plain into out. */
static int
ka_seal(const struct buf *plain, const char *pass, struct buf *out,
    struct err *e)
{
	struct ka_key k;
	uint8_t *h;
	int rc;

	buf_reset(out);
	if (buf_reserve(out, KA_HDR_LEN + plain->len + KA_TAG_LEN) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	h = out->data;
	memcpy(h, KA_MAGIC, 8);
	h[8] = KA_LOG2N;
	if (RAND_bytes(h + 9, 28) != 1)
		return err_set(e, ERR_CRYPTO, "no randomness");
	if ((rc = ka_derive(pass, h + 9, KA_LOG2N, &k, e)) != 0)
		return rc;
	if (ka_gcm(1, &k, h, plain->data, plain->len, h + KA_HDR_LEN,
	    h + KA_HDR_LEN + plain->len) != 0)
		rc = err_set(e, ERR_CRYPTO, "AES-256-GCM failed");
	explicit_bzero(&k, sizeof(k));
	out->len = KA_HDR_LEN + plain->len + KA_TAG_LEN;
	return rc;
}

int
backup_write_keys(const char *keysdir, const char *path,
    const char *passphrase, size_t *nfiles, struct err *e)
{
	struct buf plain = BUF_INIT, out = BUF_INIT;
	int fd = -1, rc;

	*nfiles = 0;
	if (passphrase == NULL)
		return err_set(e, ERR_USAGE, "a keys backup needs a passphrase "
		    "(--passphrase-file FILE)");
	if ((rc = ka_add_dir(&plain, keysdir, "", 0, nfiles, e)) != 0 ||
	    (rc = ka_seal(&plain, passphrase, &out, e)) != 0)
		goto out;
	if (*nfiles == 0) {
		rc = err_set(e, ERR_NOTFOUND, "no key file in %s", keysdir);
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0) {
		rc = err_set(e, errno == EEXIST ? ERR_EXISTS : ERR_IO,
		    "cannot create %s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, out.data, out.len) != (ssize_t)out.len || fsync(fd) != 0) {
		rc = err_set(e, ERR_IO, "cannot write %s: %s", path,
		    strerror(errno));
		unlink(path);
	}
	close(fd);
out:
	buf_free_wipe(&plain);
	buf_free(&out);
	return rc;
}

/* Decrypts the archive in f into plain. */
static int
ka_open(const struct buf *f, const char *pass, struct buf *plain,
    const char *path, struct err *e)
{
	struct ka_key k;
	size_t n;
	int rc;

	if (f->len < KA_HDR_LEN + KA_TAG_LEN || memcmp(f->data, KA_MAGIC, 8) != 0)
		return err_set(e, ERR_INVALID, "%s is not a skillcert keys backup",
		    path);
	n = f->len - KA_HDR_LEN - KA_TAG_LEN;
	buf_reset(plain);
	if (buf_reserve(plain, n + 16) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = ka_derive(pass, f->data + 9, f->data[8], &k, e)) != 0)
		return rc;
	if (ka_gcm(0, &k, f->data, f->data + KA_HDR_LEN, n, plain->data,
	    f->data + KA_HDR_LEN + n) != 0)
		rc = err_set(e, ERR_DENIED, "%s: wrong passphrase, or the file is "
		    "damaged", path);
	explicit_bzero(&k, sizeof(k));
	plain->len = rc == 0 ? n : 0;
	return rc;
}

/* A stored name is "FILE" or "DIR/FILE", nothing that climbs out. */
static int
ka_check_name(const char *name)
{
	const char *slash = strchr(name, '/');

	if (name[0] == '\0' || name[0] == '.' || strstr(name, "/.") ||
	    (slash && (slash == name || strchr(slash + 1, '/') ||
	    slash[1] == '\0')))
		return -1;
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return -1;
	return 0;
}

/* One key file into dir (its subdirectory made 0700), O_EXCL 0600. */
static int
ka_write_entry(const char *dir, const char *name, const uint8_t *p, size_t n,
    struct err *e)
{
	char out[PATH_MAX];
	const char *slash = strchr(name, '/');
	int fd, rc = 0;

	if (slash) {
		snprintf(out, sizeof(out), "%s/%.*s", dir, (int)(slash - name), name);
		if (mkdir(out, 0700) != 0 && errno != EEXIST)
			return err_set(e, ERR_IO, "cannot create %s: %s", out,
			    strerror(errno));
	}
	snprintf(out, sizeof(out), "%s/%s", dir, name);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) < 0)
		return err_set(e, errno == EEXIST ? ERR_EXISTS : ERR_IO,
		    "cannot create %s: %s", out, strerror(errno));
	if (write(fd, p, n) != (ssize_t)n || fsync(fd) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", out, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = err_set(e, ERR_IO, "cannot close %s: %s", out, strerror(errno));
	return rc;
}

/* Walks the entries; writes them when write != 0, else checks that each
 * is well formed and not already present. */
static int
ka_each_entry(const struct buf *plain, const char *dir, int write_out,
    size_t *nfiles, const char *path, struct err *e)
{
	struct rd r = { plain->data, plain->data + plain->len };
	char name[KA_NAME_MAX + 1], out[PATH_MAX];
	const uint8_t *data;
	uint32_t dl;
	struct stat st;
	int rc;

	*nfiles = 0;
	while (r.p < r.end) {
		if (rd_str16(&r, name, sizeof(name)) != 0 ||
		    rd_u32(&r, &dl) != 0 || rd_skip(&r, dl, &data) != 0 ||
		    ka_check_name(name) != 0)
			return err_set(e, ERR_INVALID, "%s: entry %zu is malformed",
			    path, *nfiles + 1);
		snprintf(out, sizeof(out), "%s/%s", dir, name);
		if (!write_out && lstat(out, &st) == 0)
			return err_set(e, ERR_EXISTS, "%s already exists: keys are "
			    "never overwritten", out);
		if (write_out && (rc = ka_write_entry(dir, name, data, dl, e)) != 0)
			return rc;
		(*nfiles)++;
	}
	return 0;
}

int
backup_restore_keys(const char *path, const char *keysdir,
    const char *passphrase, size_t *nfiles, struct err *e)
{
	struct buf f = BUF_INIT, plain = BUF_INIT;
	int rc, created;

	*nfiles = 0;
	if (passphrase == NULL)
		return err_set(e, ERR_USAGE, "a keys backup needs its passphrase "
		    "(--passphrase-file FILE)");
	if ((rc = buf_read_file(&f, path, BACKUP_KEYS_MAX)) != 0) {
		rc = err_set(e, rc == -2 ? ERR_INVALID : errno == ENOENT ?
		    ERR_NOTFOUND : ERR_IO, "cannot read %s: %s", path,
		    rc == -2 ? "too large" : strerror(errno));
		goto out;
	}
	if ((rc = ka_open(&f, passphrase, &plain, path, e)) != 0 ||
	    (rc = ka_each_entry(&plain, keysdir, 0, nfiles, path, e)) != 0 ||
	    (rc = registry_make_dir(keysdir, &created, e)) != 0)
		goto out;
	rc = ka_each_entry(&plain, keysdir, 1, nfiles, path, e);
out:
	buf_free_wipe(&plain);
	buf_free(&f);
	return rc;
}
