/* cmd_log.c - skillcert log head|proof|consistency|leaves|audit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/store/logview.h"

/* Pretty enough for people: the JSON, one key per line at top level. */
static void
print_doc(struct buf *b)
{
	cli_print_json(b);
}

int
cmd_log(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, { 0 } };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct buf b = BUF_INIT;
	struct json j;
	const char *verb;
	int ch, rc = 0;
	long problems = 0;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		if (ch == 'h') {
			printf("usage: skillcert log head\n"
			    "       skillcert log proof CERTNO\n"
			    "       skillcert log consistency OLD_SIZE NEW_SIZE\n"
			    "       skillcert log leaves START END\n"
			    "       skillcert log audit\n\n"
			    "The append-only log of every issuance and revocation (RFC 6962 "
			    "hashing).\naudit recomputes the tree from the leaves, each leaf "
			    "from its record,\nevery signature and every signed head; it exits "
			    "1 if anything disagrees.\n");
			return 0;
		}
		return ERR_USAGE;
	}
	if (optind >= argc) {
		err_set(&e, ERR_USAGE, "usage: skillcert log head|proof|consistency|leaves|audit");
		return cli_fail(&c, &e);
	}
	verb = argv[optind];
	if ((rc = cli_open(&c, REG_RDONLY, &r, &e)) != 0 ||
	    (rc = registry_txn_begin(r, 1, &txn, &e)) != 0)
		goto out;
	json_init(&j, &b);
	if (strcmp(verb, "head") == 0) {
		rc = logview_head(r, txn, &j, &e);
	} else if (strcmp(verb, "proof") == 0 && optind + 1 < argc) {
		rc = logview_proof(r, txn, argv[optind + 1], &j, &e);
	} else if (strcmp(verb, "consistency") == 0 && optind + 2 < argc) {
		rc = logview_consistency(r, txn, strtoull(argv[optind + 1], NULL, 10),
		    strtoull(argv[optind + 2], NULL, 10), &j, &e);
	} else if (strcmp(verb, "leaves") == 0 && optind + 2 < argc) {
		rc = logview_leaves(r, txn, strtoull(argv[optind + 1], NULL, 10),
		    strtoull(argv[optind + 2], NULL, 10), &j, &e);
	} else if (strcmp(verb, "audit") == 0) {
		problems = logview_audit(r, txn, &j, &e);
		if (problems < 0)
			rc = (int)-problems;
	} else {
		rc = err_set(&e, ERR_USAGE, "unknown or incomplete: skillcert log %s", verb);
	}
	if (rc == 0) {
		print_doc(&b);
		if (problems > 0) {
			if (!c.json)
				fprintf(stderr, "skillcert: log audit found %ld problem%s\n",
				    problems, problems == 1 ? "" : "s");
			rc = ERR_INVALID;
			e.code = rc;
		} else if (strcmp(verb, "audit") == 0 && !c.json && !c.quiet) {
			fprintf(stderr, "log audit: clean\n");
		}
	}
out:
	buf_free(&b);
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_done(&c);
	if (rc && problems > 0)
		return rc;
	return rc ? cli_fail(&c, &e) : 0;
}
