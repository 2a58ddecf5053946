/* cmd_backup.c - skillcert backup, restore and keys: hot signed copies of
 * the registry, their checked restore, and the keys' encrypted backup. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skillcert/base/hex.h"
#include "skillcert/store/backup.h"

static double
cmd_backup_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The manifest's fields as members of the open JSON object. */
static void
cmd_backup_write_manifest(struct json *j, const struct backup_manifest *m)
{
	char kid[2 * KEY_ID_LEN + 1], sha[65], root[65];

	hex_encode(m->authority_kid, KEY_ID_LEN, kid);
	hex_encode(m->copy_sha256, 32, sha);
	hex_encode(m->log_root, MERKLE_HASH_LEN, root);
	json_kint(j, "province", m->province);
	json_kstr(j, "public_url", m->public_url);
	json_kstr(j, "authority", kid);
	json_kint(j, "created", m->created);
	json_kint(j, "copy_bytes", (int64_t)m->copy_bytes);
	json_kstr(j, "copy_sha256", sha);
	json_kint(j, "log_size", (int64_t)m->log_size);
	json_kstr(j, "log_root", root);
	json_kint(j, "head_size", (int64_t)m->head_size);
	json_kint(j, "certificates", (int64_t)m->certs);
	json_kint(j, "revoked", (int64_t)m->revoked);
}

static void
cmd_backup_print_help(void)
{
	printf("usage: skillcert backup --out FILE [--db DIR] [--keys DIR]\n"
	    "       [--passphrase-file FILE] [--json]\n\n"
	    "Writes a consistent copy of the registry to FILE while issuing and\n"
	    "serving go on (LMDB's compacting copy), followed by a manifest: log\n"
	    "size and root, latest signed tree head, certificate count and the\n"
	    "copy's SHA-256, signed by the authority key (hence the passphrase).\n"
	    "FILE is created new (never overwritten, never through a symlink),\n"
	    "mode 0600. No private key is copied: see `skillcert keys backup`.\n"
	    "Restore with `skillcert restore FILE --db NEWDIR`.\n");
}

int
cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' }, CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	struct backup_manifest m;
	const char *out = NULL, *pass;
	double t0, secs;
	int ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'h': cmd_backup_print_help(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (out == NULL || optind != argc) {
		err_set(&e, ERR_USAGE, "usage: skillcert backup --out FILE");
		return cli_print_error(&c, &e);
	}
	t0 = cmd_backup_now();
	if ((rc = cli_open_registry(&c, REG_RDONLY, &r, &e)) != 0 ||
	    (rc = cli_read_passphrase(&c, 0, &pass, &e)) != 0 ||
	    (rc = registry_load_secrets(r, pass, &e)) != 0 ||
	    (rc = backup_write_registry(r, out, &m, &e)) != 0)
		return cli_end_cmd(&c, r, NULL, rc, &e);
	secs = cmd_backup_now() - t0;
	if (c.json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, "out", out);
		cmd_backup_write_manifest(&d.j, &m);
		json_kint(&d.j, "milliseconds", (int64_t)(secs * 1000));
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (!c.quiet) {
		printf("backup of %s written to %s: %" PRIu64 " certificates, log "
		    "size %" PRIu64 ", %.1f MB in %.2f s\n", c.db, out, m.certs,
		    m.log_size, (double)m.copy_bytes / 1e6, secs);
	}
	return cli_end_cmd(&c, r, NULL, 0, &e);
}

static void
cmd_restore_print_help(void)
{
	printf("usage: skillcert restore FILE --db DIR [--at-least SIZE]\n"
	    "       [--authority KID] [--json]\n\n"
	    "Restores a backup made by `skillcert backup` into DIR, which must not\n"
	    "hold a registry (missing parents are created). Checks the copy's\n"
	    "SHA-256, the manifest's signature by the copy's authority key (and\n"
	    "that it is KID, 16 hex digits, when given), the log's size and root,\n"
	    "then runs the full log audit (`skillcert log audit`). A copy whose\n"
	    "log holds fewer than SIZE entries is refused: give the size of the\n"
	    "newest tree head you know of (`skillcert log head`), so a restore\n"
	    "never silently loses certificates. On any failure nothing is left\n"
	    "in DIR. Restore the keys with `skillcert keys restore`.\n");
}

static int
cmd_restore_parse(int argc, char **argv, struct cli *c,
    struct backup_restore_opts *o, uint8_t kid[KEY_ID_LEN], const char **file,
    struct err *e)
{
	static const struct option opts[] = {
		{ "at-least", required_argument, NULL, 'a' },
		{ "authority", required_argument, NULL, 'k' },
		CLI_COMMON_OPTS, { 0 }
	};
	char *end;
	int ch;

	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'a':
			o->at_least = strtoull(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || *optarg == '-')
				return err_set(e, ERR_USAGE, "--at-least %s: give a "
				    "log size", optarg);
			break;
		case 'k':
			if (strlen(optarg) != 2 * KEY_ID_LEN || hex_decode(optarg,
			    2 * KEY_ID_LEN, kid, KEY_ID_LEN) != KEY_ID_LEN)
				return err_set(e, ERR_USAGE, "--authority %s: give the "
				    "key id, 16 hex digits", optarg);
			o->authority_kid = kid;
			break;
		case 'h': cmd_restore_print_help(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (argc - optind != 1)
		return err_set(e, ERR_USAGE, "usage: skillcert restore FILE --db DIR");
	*file = argv[optind];
	o->dir = c->db;
	return CLI_RUN;
}

int
cmd_restore(int argc, char **argv)
{
	struct cli c;
	struct err e;
	struct backup_restore_opts o;
	struct backup_manifest m;
	struct cli_doc d;
	uint8_t kid[KEY_ID_LEN];
	const char *file = NULL;
	long problems = 0;
	int rc;

	cli_init(&c);
	err_clear(&e);
	memset(&o, 0, sizeof(o));
	if ((rc = cmd_restore_parse(argc, argv, &c, &o, kid, &file, &e)) !=
	    CLI_RUN)
		return rc == 0 || (rc == ERR_USAGE && !e.msg[0]) ? rc :
		    cli_print_error(&c, &e);
	o.mapsize = cli_make_opts(&c, 0).mapsize;
	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_kstr(&d.j, "restored", o.dir);
	json_key(&d.j, "audit");   /* the audit writes its object */
	rc = backup_restore_registry(file, &o, &m, &problems, &d.j, &e);
	if (rc == 0 && problems > 0) {
		json_obj_end(&d.j);
		cli_print_doc(&d);
		fprintf(stderr, "skillcert: %s: the log audit found %ld problem%s: "
		    "nothing restored\n", file, problems, problems == 1 ? "" : "s");
		return cli_end_cmd(&c, NULL, NULL, ERR_INVALID, NULL);
	}
	if (rc != 0) {
		cli_free_doc(&d);
		return cli_end_cmd(&c, NULL, NULL, rc, &e);
	}
	cmd_backup_write_manifest(&d.j, &m);
	json_obj_end(&d.j);
	if (c.json)
		cli_print_doc(&d);
	else {
		cli_free_doc(&d);
		if (!c.quiet)
			printf("restored %s into %s: %" PRIu64 " certificates, log "
			    "size %" PRIu64 ", log audit clean\n", file, o.dir,
			    m.certs, m.log_size);
	}
	return cli_end_cmd(&c, NULL, NULL, 0, &e);
}

static void
cmd_keys_print_help(void)
{
	printf("usage: skillcert keys backup --out FILE --passphrase-file PASS\n"
	    "       skillcert keys restore FILE --passphrase-file PASS [--keys DIR]\n"
	    "       (common: --db DIR, --keys DIR (default DIR/keys), --json)\n\n"
	    "backup puts every file of the keys directory (authority, log and\n"
	    "organization keys) into FILE, encrypted with AES-256-GCM under a key\n"
	    "derived from the passphrase (scrypt); FILE is created new, mode 0600.\n"
	    "The passphrase needs at least 12 characters; keep it apart from the\n"
	    "file. restore decrypts FILE into the keys directory (created 0700)\n"
	    "and refuses to overwrite any key already there. Registry backups\n"
	    "(`skillcert backup`) never contain keys.\n");
}

static int
cmd_keys_run(struct cli *c, const char *verb, const char *arg,
    const char *kd, size_t *n, struct err *e)
{
	const char *pass;
	int rc;

	if ((rc = cli_read_passphrase(c, strcmp(verb, "backup") == 0, &pass,
	    e)) != 0)
		return rc;
	if (pass == NULL)
		return err_set(e, ERR_USAGE, "keys %s needs --passphrase-file FILE",
		    verb);
	if (strcmp(verb, "backup") == 0)
		return backup_write_keys(kd, arg, pass, n, e);
	return backup_restore_keys(arg, kd, pass, n, e);
}

int
cmd_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' }, CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	char kd[PATH_MAX];
	const char *out = NULL, *verb, *arg;
	size_t n = 0;
	int ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'h': cmd_keys_print_help(); return 0;
		default: return ERR_USAGE;
		}
	}
	verb = optind < argc ? argv[optind] : "";
	arg = strcmp(verb, "backup") == 0 ? out : optind + 1 < argc ?
	    argv[optind + 1] : NULL;
	if ((strcmp(verb, "backup") != 0 && strcmp(verb, "restore") != 0) ||
	    arg == NULL) {
		err_set(&e, ERR_USAGE, "usage: skillcert keys backup --out FILE | "
		    "keys restore FILE (with --passphrase-file)");
		return cli_print_error(&c, &e);
	}
	snprintf(kd, sizeof(kd), c.keys ? "%s" : "%s/keys", c.keys ? c.keys :
	    c.db);
	if ((rc = cmd_keys_run(&c, verb, arg, kd, &n, &e)) != 0)
		return cli_end_cmd(&c, NULL, NULL, rc, &e);
	if (c.json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, verb[0] == 'b' ? "out" : "restored", verb[0] == 'b' ?
		    arg : kd);
		json_kint(&d.j, "files", (int64_t)n);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (!c.quiet) {
		printf(verb[0] == 'b' ? "%zu key files of %s encrypted into %s\n" :
		    "%zu key files restored into %s from %s\n", n,
		    kd, arg);
	}
	return cli_end_cmd(&c, NULL, NULL, 0, &e);
}
