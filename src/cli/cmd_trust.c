/* cmd_trust.c - skillcert trust export. */
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
	int ch, rc = 0;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
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
		return cli_fail(&c, &e);
	}
	if ((rc = cli_open(&c, 0, &r, &e)) != 0 ||
	    (rc = registry_load_secrets(r, cli_passphrase(&c), &e)) != 0 ||
	    (rc = registry_txn_begin(r, 0, &txn, &e)) != 0 ||
	    (rc = bundle_publish(r, txn, &b, &e)) != 0)
		goto out;
	if ((rc = cli_commit(&txn, &e)) != 0)
		goto out;
	char path[PATH_MAX];
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
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_done(&c);
	return rc ? cli_fail(&c, &e) : 0;
}
