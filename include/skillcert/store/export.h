/* export.h - signed incremental exports for other departments (民政,
 * 商务, 卫健, 妇联): which occupations and fields each receives is the
 * authority's data file (src/data/export_profiles.csv); an export covers
 * the log leaves (from, to], from being what the department last
 * received (kept in the meta database under "exportpos/" DEPT) and to
 * the latest signed tree head's size, so each issuance and revocation
 * reaches a department exactly once.
 *
 * Beside each FILE a FILE.manifest (text, one "key: value" a line):
 *   skillcert-export v1, department, format, file, sha256, rows,
 *   log_from, log_to, head (the STH encoding, hex), created, authority
 *   (kid hex), then "signature: " hex of the authority's signature over
 *   context "skillcert/export/v1" and every byte before that line. */
#ifndef SKILLCERT_STORE_EXPORT_H
#define SKILLCERT_STORE_EXPORT_H

#include <limits.h>
#include <stdint.h>
#include "skillcert/store/registry.h"

#define EXPORT_DEPTS_MAX 16
#define EXPORT_DEPT_MAX 48             /* bytes of UTF-8 */
#define EXPORT_OCCS_MAX 32
#define EXPORT_FIELDS_MAX 24
#define EXPORT_SIG_CTX "skillcert/export/v1"

enum export_format { EXPORT_CSV = 1, EXPORT_JSONL = 2, EXPORT_XLSX = 3 };

struct export_profile {
	char dept[EXPORT_DEPT_MAX + 1];
	int all_occ;
	char occ[EXPORT_OCCS_MAX][16]; /* occupation codes */
	size_t nocc;
	int field[EXPORT_FIELDS_MAX];  /* indices into export_field_name */
	size_t nfield;
};

struct export_profiles {
	struct export_profile p[EXPORT_DEPTS_MAX];
	size_t n;
};

/* "certno", ... for index i, NULL past the last. */
const char *export_field_name(int i);
/* Parses a profiles file (text[n] writable); occupations by name or code
 * from cat. */
int export_profiles_parse(const struct catalog *cat, char *text, size_t n,
    struct export_profiles *out, struct err *e);
/* Reads path, or with NULL the registry's DIR/export_profiles.csv, else
 * the built-in one. */
int export_profiles_load(struct registry *r, const char *path,
    struct export_profiles *out, struct err *e);
const struct export_profile *export_profile_find(
    const struct export_profiles *ps, const char *dept);

/* What a department last received: a log size, 0 if never. */
int exportpos_get(struct registry *r, MDB_txn *txn, const char *dept,
    uint64_t *pos, struct err *e);
int exportpos_put(struct registry *r, MDB_txn *txn, const char *dept,
    uint64_t pos, struct err *e);

struct export_result {
	char file[PATH_MAX];           /* "" when nothing was new */
	char manifest[PATH_MAX];
	uint64_t from, to, rows;
};

/* Exports leaves (from, to] for p into outdir (write txn; the authority
 * key loaded); from = the stored position when since == UINT64_MAX.
 * Files are created new, mode 0600. Nothing new: res->file "". The
 * position is raised to `to` in txn; the caller commits. */
int export_department(struct registry *r, MDB_txn *txn,
    const struct export_profile *p, uint64_t since, int format,
    const char *outdir, struct export_result *res, struct err *e);

/* Exports department `to` (or every one, "all") in txn as export_department
 * does; x holds EXPORT_DEPTS_MAX results, *nx those made. ERR_USAGE for
 * an unknown department. On a failure (or a failed commit) the caller
 * removes what was written with export_unlink. */
int export_run(struct registry *r, MDB_txn *txn,
    const struct export_profiles *ps, const char *to, uint64_t since,
    int format, const char *outdir, struct export_result *x, size_t *nx,
    struct err *e);
void export_unlink(const struct export_result *x, size_t nx);

/* A past export as its manifest states it (for listings; export_verify
 * is what checks it). */
struct export_info {
	char dept[EXPORT_DEPT_MAX + 1];
	char format[8];
	char file[256];                /* base name, beside the manifest */
	char sha256[65];
	uint64_t rows, from, to;
	int64_t created;
};
int export_info_read(const char *manifest, struct export_info *in,
    struct err *e);
/* The manifests (*.manifest) in dir, newest first, at most cap; a
 * missing dir is an empty list. */
int export_list(const char *dir, struct export_info *out, size_t cap,
    size_t *n, struct err *e);

/* A workbook of rows given as u16 cell count + str16 cells each (the
 * first row the header): exportxlsx.c, for export_department. */
int export_xlsx_bytes(const struct buf *cells, struct buf *out,
    struct err *e);

/* The public keys an export is checked with: the registry's, or a trust
 * bundle's on the receiving side. */
struct export_keys {
	const struct key *authority;
	const struct key *logkey;
};

/* Checks a manifest against its file: the authority's signature, the
 * tree head's (log key), the SHA-256 and the row count. ERR_INVALID when
 * anything differs, saying what. */
int export_verify(const struct export_keys *k, const char *manifest,
    const char *file, struct export_result *res, struct err *e);

#endif
