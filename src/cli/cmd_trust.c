/* cmd_trust.c - skillcert trust export: the one file an offline verifier
 * needs, signed by the authority, so it needs no registry and no server. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/publish/bundle.h"

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
	char path[PATH_MAX];
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
			    "the server serves the latest one\nat /v1/trust. Without --out it "
			    "is written to REGISTRY/trust.bundle.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc || strcmp(argv[optind], "export") != 0) {
		err_set(&e, ERR_USAGE, "usage: skillcert trust export [--out FILE]");
		return cli_print_error(&c, &e);
	}
	if ((rc = cli_open_txn(&c, CLI_SECRETS, &r, &txn, &e)) != 0 ||
	    (rc = bundle_publish(r, txn, &b, &e)) != 0 ||
	    (rc = cli_commit_txn(&txn, &e)) != 0)
		goto out;
	if (!out) {
		snprintf(path, sizeof(path), "%s/trust.bundle", c.db);
		out = path;
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
