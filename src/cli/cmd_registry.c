/* cmd_registry.c - skillcert init and catalog: setting the registry up,
 * its keys and the reference tables every roster is checked against. */
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
	struct registry_opts o;
	const char *pass;
	const char *url = NULL, *catdir = NULL;
	int province = 0, ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
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
		return cli_print_error(&c, &e);
	}
	o = cli_make_opts(&c, 0);
	if ((rc = cli_read_passphrase(&c, 1, &pass, &e)) != 0 ||
	    (rc = registry_init(c.db, &o, province, url, catdir, pass, &e)) != 0)
		return cli_end_cmd(&c, NULL, NULL, rc, &e);
	if (c.json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, "registry", c.db);
		json_kint(&d.j, "province", province);
		json_kstr(&d.j, "public_url", url);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (!c.quiet) {
		printf("registry created in %s (province %d, public URL %s)\n"
		    "authority and log keys written to %s%s (mode 0600)\n",
		    c.db, province, url, c.keys ? c.keys : c.db, c.keys ? "" : "/keys");
	}
	return cli_end_cmd(&c, NULL, NULL, 0, &e);
}

int
cmd_catalog(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, { 0 } };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	MDB_val k, v;
	int ch, rc, kind;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
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
		return cli_print_error(&c, &e);
	}
	if (strcmp(argv[optind], "show") == 0) {
		if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) != 0)
			goto out;
		k.mv_data = (void *)catalog_kind_name(kind);
		k.mv_size = strlen(k.mv_data);
		if (mdb_get(txn, r->catalog, &k, &v) == 0)
			fwrite(v.mv_data, 1, v.mv_size, stdout);
	} else if (strcmp(argv[optind], "load") == 0 && argc - optind >= 3) {
		if ((rc = cli_open_txn(&c, 0, &r, &txn, &e)) != 0 ||
		    (rc = registry_load_catalog(r, txn, kind, argv[optind + 2], &e)) != 0 ||
		    (rc = cli_commit_txn(&txn, &e)) != 0)
			goto out;
		if (!c.quiet)
			printf("catalog %s replaced from %s\n", catalog_kind_name(kind),
			    argv[optind + 2]);
	} else {
		rc = err_set(&e, ERR_USAGE, "usage: skillcert catalog show|load KIND [FILE]");
	}
out:
	return cli_end_cmd(&c, r, txn, rc, &e);
}
