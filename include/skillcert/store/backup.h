/* backup.h - hot backups of the registry and encrypted backups of its
 * keys, and their restore. A registry backup never holds a private key.
 *
 * Registry backup file:
 *   copy      LMDB compacting copy (mdb_env_copyfd2, MDB_CP_COMPACT),
 *             a consistent snapshot taken while issuance goes on
 *   manifest  text, "key value\n" lines (see backup.c), the last one
 *             "signature HEX": Ed25519/SM2 by the authority key over
 *             context "skillcert/backup/v1" and the lines before it
 *   trailer   "SCBAK001" || u64 BE manifest length
 * The manifest describes the copy itself (read back from it): log size
 * and root, latest signed head, certificate count, SHA-256 of the copy.
 *
 * Keys backup file (every file of the keys directory, encrypted):
 *   "SCKB0001" || u8 log2N || salt[16] || nonce[12] || ciphertext ||
 *   tag[16]; scrypt(passphrase, salt, N, r=8, p=1) -> AES-256-GCM key,
 *   the 37-byte header as additional data. Plaintext: entries of
 *   u16 BE name length || name (relative: "authority.key",
 *   "orgs/X-kid.key") || u32 BE length || bytes. */
#ifndef SKILLCERT_BACKUP_H
#define SKILLCERT_BACKUP_H

#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/json.h"
#include "skillcert/model/keys.h"
#include "skillcert/model/merkle.h"
#include "skillcert/store/registry.h"

struct backup_manifest {
	int province;
	char public_url[256];
	uint8_t authority_kid[KEY_ID_LEN];
	int64_t created;               /* unix seconds */
	uint64_t copy_bytes;
	uint8_t copy_sha256[32];
	uint64_t log_size;
	uint8_t log_root[MERKLE_HASH_LEN];
	uint64_t head_size;            /* latest signed head; 0 if none */
	uint64_t certs, revoked;
	uint8_t sig[KEY_SIG_LEN];
};

/* Writes a backup of r (any mode; its authority secret loaded) to path,
 * created O_EXCL|O_NOFOLLOW mode 0600 and synced; fills m. A failure
 * removes the partial file. */
int backup_write_registry(struct registry *r, const char *path,
    struct backup_manifest *m, struct err *e);
/* Reads and parses the manifest of a backup (signature not checked). */
int backup_read_manifest(const char *path, struct backup_manifest *m,
    struct err *e);

struct backup_restore_opts {
	const char *dir;               /* new registry directory */
	uint64_t at_least;             /* refuse a log smaller than this */
	const uint8_t *authority_kid;  /* NULL, or the key the copy must have */
	size_t mapsize;                /* 0 = default */
};
/* Restores path into o->dir (created like init; refused if a registry is
 * there): checks the SHA-256, the manifest signature with the copy's
 * authority key, the log size and root, then runs logview_audit into j
 * (an object's members). *problems is the audit's count. On any failure,
 * or problems > 0, nothing restored is left behind. */
int backup_restore_registry(const char *path,
    const struct backup_restore_opts *o, struct backup_manifest *m,
    long *problems, struct json *j, struct err *e);

#define BACKUP_KEYS_MAX (64u << 20)
/* Every regular file under keysdir into path, encrypted (O_EXCL, 0600). */
int backup_write_keys(const char *keysdir, const char *path,
    const char *passphrase, size_t *nfiles, struct err *e);
/* Decrypts path into keysdir (created 0700; files O_EXCL 0600). */
int backup_restore_keys(const char *path, const char *keysdir,
    const char *passphrase, size_t *nfiles, struct err *e);

#endif
