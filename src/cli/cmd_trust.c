/* cmd_trust.c - skillcert trust export: the one file an offline verifier
 * needs, signed by the authority, so it needs no registry and no server. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skillcert/publish/bundle.h"

/* The bundle on standard output, for a pipe or a redirect. */
static int
cmd_trust_write_stdout(const struct buf *b, struct err *e)
{
	size_t off = 0;
	ssize_t w;

	while (off < b->len) {
		if ((w = write(STDOUT_FILENO, b->data + off, b->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(e, ERR_IO, "cannot write the bundle to standard "
			    "output: %s", strerror(errno));
		}
		off += (size_t)w;
	}
	return 0;
}

int
cmd_trust(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct buf b = BUF_INIT;
	const char *out = NULL;
	int ch, rc = 0;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'h':
			printf("usage: skillcert trust export [--out FILE]\n\n"
			    "Writes the trust bundle, signed by the authority: every "
			    "organization's\ncredentials and keys, the revocation list and the "
			    "latest signed tree head.\nOffline verifiers need only this file; "
			    "the server serves the latest one\nat /v1/trust. Without --out "
			    "it goes to standard output, which must\nthen be a file or a "
			    "pipe, not a terminal.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "export") != 0) {
		err_set(&e, ERR_USAGE, "usage: skillcert trust export [--out FILE]");
		return cli_print_error(&c, &e);
	}
	/* Binary on a terminal helps nobody; nor mixed with a JSON report. */
	if (!out && (isatty(STDOUT_FILENO) || c.json)) {
		err_set(&e, ERR_USAGE, "trust export writes the bundle to standard "
		    "output only when it is redirected: give --out FILE");
		return cli_print_error(&c, &e);
	}
	if ((rc = cli_open_txn(&c, CLI_SECRETS, &r, &txn, &e)) != 0 ||
	    (rc = bundle_publish(r, txn, &b, &e)) != 0 ||
	    (rc = cli_commit_txn(&txn, &e)) != 0)
		goto out;
	if (!out) {
		rc = cmd_trust_write_stdout(&b, &e);
		goto out;
	}
	if (buf_write_file_atomic(&b, out, 0644) != 0) {
		rc = err_set(&e, ERR_IO, "cannot write %s", out);
		goto out;
	}
	if (!c.quiet)
		printf("trust bundle written to %s (%zu bytes)\n", out, b.len);
out:
	buf_free(&b);
	return cli_end_cmd(&c, r, txn, rc, &e);
}
