/* cli.h - what the skillcert command's subcommands share. */
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

/* Handles a common option; returns 1 if it was one. */
int cli_common(struct cli *c, int opt, const char *arg);
void cli_init(struct cli *c);
void cli_done(struct cli *c);
/* Reads the passphrase (file or SKILLCERT_PASSPHRASE); NULL if none. */
const char *cli_passphrase(struct cli *c);
/* SKILLCERT_MAP_GB as a map size, 0 = the default. */
size_t cli_map_size(void);
int cli_open(struct cli *c, int flags, struct registry **r, struct err *e);
/* Commits *txn (always consumed, set to NULL); 0 or an error in e. */
int cli_commit(MDB_txn **txn, struct err *e);
/* Prints e (text or JSON) and returns its code as exit status. */
int cli_fail(const struct cli *c, const struct err *e);
/* Prints the JSON document in b to stdout with a newline. */
void cli_print_json(struct buf *b);
void cli_progress(void *arg, const char *phase, size_t done, size_t total);

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
int cmd_log(int argc, char **argv);
int cmd_trust(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
