/* cmd_registry.c - skillcert init, skillcert catalog. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "province", required_argument, NULL, 'p' },
		{ "public-url", required_argument, NULL, 'u' },
		{ "catalog-dir", required_argument, NULL, 'c' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	const char *url = NULL, *catdir = NULL;
	int province = 0, ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'p': province = atoi(optarg); break;
		case 'u': url = optarg; break;
		case 'c': catdir = optarg; break;
		case 'h':
			printf("usage: skillcert init [--db DIR] [--keys DIR] --province NN "
			    "--public-url URL\n"
			    "       [--catalog-dir DIR] [--passphrase-file FILE]\n\n"
			    "Creates the registry (LMDB) in DIR, loads the catalogs and "
			    "generates the\nauthority and log keys in DIR/keys (mode 0600, "
			    "encrypted when a passphrase\nis given). NN is the GB/T 2260 "
			    "province code (36 江西, 51 四川 ...).\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (!province || !url) {
		err_set(&e, ERR_USAGE, "init needs --province NN and --public-url URL");
		return cli_fail(&c, &e);
	}
	rc = registry_init(c.db, &(struct registry_opts){ c.keys, 0,
	    cli_map_size() }, province, url, catdir, cli_passphrase(&c), &e);
	if (rc) {
		cli_done(&c);
		return cli_fail(&c, &e);
	}
	if (c.json) {
		struct buf b = BUF_INIT;
		struct json j;
		json_init(&j, &b);
		json_obj_begin(&j);
		json_kstr(&j, "registry", c.db);
		json_kint(&j, "province", province);
		json_kstr(&j, "public_url", url);
		json_obj_end(&j);
		cli_print_json(&b);
		buf_free(&b);
	} else if (!c.quiet) {
		printf("registry created in %s (province %d, public URL %s)\n"
		    "authority and log keys written to %s%s (mode 0600)\n",
		    c.db, province, url, c.keys ? c.keys : c.db, c.keys ? "" : "/keys");
	}
	cli_done(&c);
	return 0;
}

int
cmd_catalog(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, { 0 } };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	int ch, rc, kind;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		if (ch == 'h') {
			printf("usage: skillcert catalog show KIND\n"
			    "       skillcert catalog load KIND FILE\n"
			    "KIND: occupations, methods, idtypes, brands, regions. A file is "
			    "parsed\nand checked before it replaces the stored catalog.\n");
			return 0;
		}
		return ERR_USAGE;
	}
	if (argc - optind < 2 || (kind = catalog_kind_parse(argv[optind + 1])) < 0) {
		err_set(&e, ERR_USAGE, "usage: skillcert catalog show|load KIND [FILE] "
		    "(KIND: occupations, methods, idtypes, brands, regions)");
		return cli_fail(&c, &e);
	}
	if (strcmp(argv[optind], "show") == 0) {
		MDB_val k, v;
		if ((rc = cli_open(&c, REG_RDONLY, &r, &e)) ||
		    (rc = registry_txn_begin(r, 1, &txn, &e)))
			goto out;
		k.mv_data = (void *)catalog_kind_name(kind);
		k.mv_size = strlen(k.mv_data);
		if (mdb_get(txn, r->catalog, &k, &v) == 0)
			fwrite(v.mv_data, 1, v.mv_size, stdout);
	} else if (strcmp(argv[optind], "load") == 0 && argc - optind >= 3) {
		if ((rc = cli_open(&c, 0, &r, &e)) ||
		    (rc = registry_txn_begin(r, 0, &txn, &e)) ||
		    (rc = registry_load_catalog(r, txn, kind, argv[optind + 2], &e)))
			goto out;
		if ((rc = cli_commit(&txn, &e)) != 0)
			goto out;
		if (!c.quiet)
			printf("catalog %s replaced from %s\n", catalog_kind_name(kind),
			    argv[optind + 2]);
	} else {
		rc = err_set(&e, ERR_USAGE, "usage: skillcert catalog show|load KIND [FILE]");
	}
out:
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_done(&c);
	return rc ? cli_fail(&c, &e) : 0;
}
