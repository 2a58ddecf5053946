/* cmd_log.c - skillcert log: the transparency log as the server shows it,
 * read-only, and the audit that trusts none of it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/store/ckpt.h"
#include "skillcert/store/logview.h"

/* The verb at argv[0] into j; an audit's problem count into *problems. */
static int
cmd_log_view(struct registry *r, MDB_txn *txn, int argc, char **argv,
    struct json *j, long *problems, struct err *e)
{
	const char *verb = argv[0];

	if (strcmp(verb, "head") == 0)
		return logview_head(r, txn, j, e);
	if (strcmp(verb, "proof") == 0 && argc > 1)
		return logview_proof(r, txn, argv[1], j, e);
	if (strcmp(verb, "consistency") == 0 && argc > 2)
		return logview_consistency(r, txn, strtoull(argv[1], NULL, 10),
		    strtoull(argv[2], NULL, 10), j, e);
	if (strcmp(verb, "leaves") == 0 && argc > 2)
		return logview_leaves(r, txn, strtoull(argv[1], NULL, 10),
		    strtoull(argv[2], NULL, 10), j, e);
	if (strcmp(verb, "audit") == 0) {
		*problems = logview_audit(r, txn, j, e);
		return *problems < 0 ? (int)-*problems : 0;
	}
	return err_set(e, ERR_USAGE, "unknown or incomplete: skillcert log %s",
	    verb);
}

/* log checkpoint: the latest C2SP checkpoint note as served at
 * /checkpoint; log add-cosignatures FILE: a witness's cosigned copy. */
static int
cmd_log_checkpoint(struct cli *c, int argc, char **argv)
{
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct buf in = BUF_INIT, t = BUF_INIT;
	struct cli_doc d;
	struct err e;
	const char *p;
	size_t n;
	int add = strcmp(argv[0], "add-cosignatures") == 0, added = 0, rc;

	err_clear(&e);
	if (add && (argc != 2 || buf_read_file(&in, argv[1], NOTE_MAX) != 0)) {
		buf_free(&in);
		err_set(&e, argc != 2 ? ERR_USAGE : ERR_NOTFOUND, argc != 2 ?
		    "usage: skillcert log add-cosignatures FILE" :
		    "cannot read %s (at most %d bytes)", argv[argc - 1], NOTE_MAX);
		return cli_print_error(c, &e);
	}
	if ((rc = cli_open_txn(c, add ? 0 : REG_RDONLY, &r, &txn, &e)) != 0)
		goto out;
	if (add) {
		if ((rc = ckpt_add_cosignatures(r, txn, (const char *)in.data,
		    in.len, &added, &e)) == 0 &&
		    (rc = cli_commit_txn(&txn, &e)) == 0 && !c->quiet)
			printf("%d signature%s added to the checkpoint\n", added,
			    added == 1 ? "" : "s");
	} else if ((rc = ckpt_get(r, txn, &p, &n, &e)) == 0 && c->json) {
		buf_append(&t, p, n);
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, "origin", r->origin);
		json_kstr(&d.j, "checkpoint", buf_cstr(&t));
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (rc == 0 && fwrite(p, 1, n, stdout) != n) {
		rc = err_set(&e, ERR_IO, "cannot write the checkpoint");
	}
out:
	buf_free(&in);
	buf_free(&t);
	return cli_end_cmd(c, r, txn, rc, &e);
}

int
cmd_log(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, { 0 } };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct cli_doc d;
	const char *verb;
	int ch, rc = 0;
	long problems = 0;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		if (ch == 'h') {
			printf("usage: skillcert log head\n"
			    "       skillcert log checkpoint\n"
			    "       skillcert log add-cosignatures FILE\n"
			    "       skillcert log proof CERTNO\n"
			    "       skillcert log consistency OLD_SIZE NEW_SIZE\n"
			    "       skillcert log leaves START END\n"
			    "       skillcert log audit\n\n"
			    "The append-only log of every issuance and revocation (RFC 6962 "
			    "hashing).\naudit recomputes the tree from the leaves, each leaf "
			    "from its record,\nevery signature and every signed head; it exits "
			    "1 if anything disagrees.\ncheckpoint prints the latest head as a C2SP "
			    "checkpoint (signed note),\nas GET /checkpoint serves it; "
			    "add-cosignatures keeps the witness\ncosignatures of FILE, that "
			    "checkpoint cosigned, for the next trust export.\n");
			return 0;
		}
		return ERR_USAGE;
	}
	if (optind >= argc) {
		err_set(&e, ERR_USAGE, "usage: skillcert log head|proof|consistency|leaves|audit");
		return cli_print_error(&c, &e);
	}
	verb = argv[optind];
	if (strcmp(verb, "checkpoint") == 0 || strcmp(verb, "add-cosignatures") == 0)
		return cmd_log_checkpoint(&c, argc - optind, argv + optind);
	cli_begin_doc(&d);
	if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) != 0 ||
	    (rc = cmd_log_view(r, txn, argc - optind, argv + optind, &d.j,
	    &problems, &e)) != 0)
		goto out;
	cli_print_doc(&d);
	if (problems > 0) {
		if (!c.json)
			fprintf(stderr, "skillcert: log audit found %ld problem%s\n",
			    problems, problems == 1 ? "" : "s");
		rc = ERR_INVALID;
	} else if (strcmp(verb, "audit") == 0 && !c.json && !c.quiet) {
		fprintf(stderr, "log audit: clean\n");
	}
out:
	cli_free_doc(&d);
	/* The audit's problems are in its report. */
	return cli_end_cmd(&c, r, txn, rc, problems > 0 ? NULL : &e);
}
