/* issue.h - issuing a roster: validate every row, number, sign and store
 * the certificates in one LMDB write transaction (all or nothing), append
 * them to the log, sign a tree head. */
#ifndef SKILLCERT_ISSUE_H
#define SKILLCERT_ISSUE_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/store/registry.h"

#define ISSUE_PHOTO_MAX (512u << 10)

struct issue_opts {
	const char *org;            /* organization code */
	const char *roster_path;    /* CSV file; photo paths are relative to it */
	const char *photos_dir;     /* photos inside this folder instead */
	const char *name_change_reason; /* the authority's override: a document
	                               number already issued under another
	                               name; recorded in each record */
	const char *roster_data;    /* or the bytes themselves (roster_path NULL) */
	size_t roster_len;
	const char *batch;          /* NULL: "R" + hash of the roster bytes */
	int partial;                /* issue good rows, report the others */
	int dry_run;                /* validate and number, store nothing */
	int reissue;                /* revoke a held certificate, issue anew */
	int threads;                /* signing threads; 0 = online CPUs */
	int32_t today;              /* 0 = the real date (tests set it) */
	const char *passphrase;     /* for the organization's key file */
	const struct key *key;      /* the organization's current secret key,
	                               decrypted once by a long-running caller
	                               (the portal); NULL: read the key file
	                               with passphrase on every call */
	/* Called as phases progress (validated/signed/stored rows). */
	void (*progress)(void *arg, const char *phase, size_t done, size_t total);
	void *progress_arg;
};

/* ROW_FAILED: the roster's 结果 says 不合格: assessed, no certificate. */
enum issue_row_status { ROW_PENDING = 0, ROW_ISSUED, ROW_EXISTING, ROW_REJECTED,
	ROW_FAILED };

struct issue_row {
	int line;                   /* roster line */
	int status;
	char certno[CERTNO_LEN + 1];
	char name[CERT_NAME_MAX + 1];
	char replaced[CERTNO_LEN + 1]; /* --reissue: the revoked one */
	char msg[300];              /* rejection reason, naming the field */
};

struct issue_result {
	struct issue_row *rows;
	size_t nrows;
	size_t issued, existing, rejected;
	size_t assessed, passed;    /* rows not rejected; of them, 合格 */
	char batch[65];
	int committed;
	struct sth head;      /* signed after the batch (when committed) */
};

/* Returns 0 when the roster was issued (with --partial, even if rows were
 * rejected); ERR_INVALID when rows failed and nothing was issued (details
 * in res->rows); other codes for registry, key or file failures. */
int issue_roster(struct registry *r, const struct issue_opts *o,
    struct issue_result *res, struct err *e);
/* Several rosters (o[0..n-1], any organizations) in ONE write
 * transaction: each batch is checked, numbered and signed on its own and
 * stays all-or-nothing (a batch with bad rows and no partial, or one that
 * fails while storing, stores nothing and leaves the others alone: rcs[i]
 * and errs[i] say what happened to batch i, as issue_roster's result).
 * Batches are numbered in order inside the transaction, so numbers stay
 * gapless and unique per organization, level and year across the group.
 * The whole batches are stored with one log append run, one signed tree
 * head and one commit (one fsync). If signing the head or the commit
 * fails, no batch is stored: every batch that was whole gets that reason
 * in rcs[i]/errs[i] (the caller may retry them one at a time). Returns 0
 * when the group ran (see rcs), non-zero when none could start (rcs and
 * errs are set for every batch too). */
int issue_rosters(struct registry *r, const struct issue_opts *o, size_t n,
    struct issue_result *res, int *rcs, struct err *errs, struct err *e);
void issue_result_free(struct issue_result *res);

#endif
