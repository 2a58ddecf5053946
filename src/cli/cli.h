/* cli.h - what the skillcert command's subcommands share, so that each
 * reads its options, opens the registry and reports the same way. */
#ifndef SKILLCERT_CLI_H
#define SKILLCERT_CLI_H

#include <getopt.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/base/json.h"
#include "skillcert/store/registry.h"

/* Options every subcommand takes. */
struct cli {
	const char *db;
	const char *keys;
	const char *passfile;
	char *passphrase;    /* owned; wiped on exit */
	int json;
	int quiet;
};

/* Long options common to all subcommands; append to each table. */
#define CLI_COMMON_OPTS \
	{ "db", required_argument, NULL, 1001 }, \
	{ "keys", required_argument, NULL, 1002 }, \
	{ "json", no_argument, NULL, 1003 }, \
	{ "passphrase-file", required_argument, NULL, 1004 }, \
	{ "quiet", no_argument, NULL, 1005 }, \
	{ "help", no_argument, NULL, 'h' }

/* What a subcommand's option parser returns when the command is to run;
 * any other value is the exit status, already explained. */
#define CLI_RUN (-1)

/* A cli_open_txn flag beside REG_RDONLY: load the private keys too. */
#define CLI_SECRETS 0x100

void cli_init(struct cli *c);
void cli_free(struct cli *c);
/* The next option of argv that is not a common one (those go into c), as
 * getopt_long returns it; -1 at the end. */
int cli_parse_opt(struct cli *c, int argc, char **argv,
    const struct option *opts);
/* The passphrase, from --passphrase-file (a regular file only its owner
 * can read, not empty) or SKILLCERT_PASSPHRASE; *out NULL if neither.
 * creating: it will protect new keys, so it must have at least
 * CLI_PASSPHRASE_MIN characters. */
#define CLI_PASSPHRASE_MIN 12
/* --mode OCTAL: permissions 0400..0777 with the owner's read bit. */
int cli_parse_mode(const char *s, int *mode, struct err *e);
int cli_read_passphrase(struct cli *c, int creating, const char **out,
    struct err *e);
/* The registry options of c: its keys directory and map size. */
struct registry_opts cli_make_opts(const struct cli *c, int flags);

int cli_open_registry(struct cli *c, int flags, struct registry **r,
    struct err *e);
/* Opens the registry with flags (REG_RDONLY, CLI_SECRETS) and begins a
 * transaction, read-only with REG_RDONLY. What it opened before failing
 * stays in *r and *txn for cli_end_cmd. */
int cli_open_txn(struct cli *c, int flags, struct registry **r,
    MDB_txn **txn, struct err *e);
/* Commits *txn (always consumed, set to NULL); 0 or an error in e. */
int cli_commit_txn(MDB_txn **txn, struct err *e);
/* Ends a subcommand: aborts txn if still open, closes r, frees c, and
 * returns rc as the exit status, printing e first unless e is NULL (rc
 * was reported already). */
int cli_end_cmd(struct cli *c, struct registry *r, MDB_txn *txn, int rc,
    const struct err *e);

/* Prints e (text or JSON) and returns its code as exit status. */
int cli_print_error(const struct cli *c, const struct err *e);
/* Writes "error": {"code": ..., "message": ...} into the open object. */
void cli_write_error(struct json *j, int code, const char *msg);
void cli_print_progress(void *arg, const char *phase, size_t done,
    size_t total);

/* A JSON document on its way to stdout; not to be copied (j points at b). */
struct cli_doc {
	struct buf b;
	struct json j;
};

void cli_begin_doc(struct cli_doc *d);
/* Prints the document and a newline, then frees it. */
void cli_print_doc(struct cli_doc *d);
void cli_free_doc(struct cli_doc *d);

int cmd_init(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_org(int argc, char **argv);
int cmd_issue(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_render(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_portal(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_signals(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_keys(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);

#endif
