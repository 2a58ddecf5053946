/* cmd_export.c - skillcert export: signed incremental exports of the
 * certificates and revocations each department (民政, 商务, 卫健, 妇联)
 * receives, and `export verify` of a file against its manifest. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skillcert/store/export.h"
#include "skillcert/trust/trust.h"

/* What the command line asked for. */
struct cmd_export_opts {
	const char *to, *out, *profiles;
	uint64_t since;                /* UINT64_MAX = LAST */
	int format;
};

static void
cmd_export_usage(void)
{
	printf("usage: skillcert export --to DEPT|all --since LAST|SIZE --out DIR\n"
	    "       [--format csv|jsonl|xlsx] [--profiles FILE] [--db DIR] [--json]\n"
	    "       skillcert export verify MANIFEST FILE [--db DIR | --trust BUNDLE]\n"
	    "       [--json]\n\n"
	    "Exports to a department (or every one, `all`) the issuances and\n"
	    "revocations its profile selects from the log leaves after SIZE\n"
	    "(LAST: what it last received) up to the latest signed tree head:\n"
	    "DIR/DEPT-FROM-TO.csv (UTF-8 BOM), .jsonl or .xlsx, and beside it\n"
	    "FILE.manifest (SHA-256, rows, log range, tree head) signed by the\n"
	    "authority key (hence the passphrase). Files are created new, mode\n"
	    "0600. Nothing new: nothing is written, and it says so.\n"
	    "Profiles (department, occupations, fields) are the registry's\n"
	    "DIR/export_profiles.csv, else the built-in src/data one.\n"
	    "verify checks the signatures (the registry's keys, or on the\n"
	    "receiving side those of a trust bundle from `skillcert trust\n"
	    "export`), the SHA-256 and the row count: exit 0 when intact, 1\n"
	    "when altered.\n");
}

static int
cmd_export_since(const char *s, uint64_t *v, struct err *e)
{
	char *end;

	if (strcmp(s, "LAST") == 0 || strcmp(s, "last") == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	*v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end != '\0' || *v == UINT64_MAX)
		return err_set(e, ERR_USAGE, "--since %s: LAST or a log size", s);
	return 0;
}

static int
cmd_export_parse(struct cli *c, int argc, char **argv,
    struct cmd_export_opts *o, struct err *e)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "profiles", required_argument, NULL, 'p' },
		CLI_COMMON_OPTS, { 0 }
	};
	int ch, since = 0;

	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 't': o->to = optarg; break;
		case 'o': o->out = optarg; break;
		case 'p': o->profiles = optarg; break;
		case 's':
			if (cmd_export_since(optarg, &o->since, e) != 0)
				return e->code;
			since = 1;
			break;
		case 'f':
			if (strcmp(optarg, "csv") == 0)
				o->format = EXPORT_CSV;
			else if (strcmp(optarg, "jsonl") == 0)
				o->format = EXPORT_JSONL;
			else if (strcmp(optarg, "xlsx") == 0)
				o->format = EXPORT_XLSX;
			else
				return err_set(e, ERR_USAGE, "--format: csv, jsonl or xlsx");
			break;
		case 'h': cmd_export_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (o->to == NULL || o->out == NULL || !since || optind != argc)
		return err_set(e, ERR_USAGE, "usage: skillcert export --to DEPT|all "
		    "--since LAST|SIZE --out DIR [--format csv|jsonl|xlsx]");
	return CLI_RUN;
}

static void
cmd_export_report(const struct cli *c, const struct export_profile *p,
    const struct export_result *x, struct json *j)
{
	if (c->json) {
		json_obj_begin(j);
		json_kstr(j, "department", p->dept);
		json_kint(j, "log_from", (int64_t)x->from);
		json_kint(j, "log_to", (int64_t)x->to);
		json_kint(j, "rows", (int64_t)x->rows);
		json_kstr(j, "file", x->file[0] ? x->file : NULL);
		json_kstr(j, "manifest", x->file[0] ? x->manifest : NULL);
		json_obj_end(j);
	} else if (c->quiet) {
		return;
	} else if (x->file[0] == '\0') {
		printf("%s: nothing new (log size %" PRIu64 " already exported)\n",
		    p->dept, x->to);
	} else {
		printf("%s: log (%" PRIu64 ", %" PRIu64 "]: %" PRIu64 " rows -> "
		    "%s\n", p->dept, x->from, x->to, x->rows, x->file);
	}
}

static void
cmd_export_print_verified(const struct cli *c, const char *file,
    const struct export_result *x, const struct key *authority)
{
	char kid[2 * KEY_ID_LEN + 1];
	struct cli_doc d;

	key_id_hex(authority->kid, kid);
	if (c->json) {
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kbool(&d.j, "ok", 1);
		json_kint(&d.j, "log_from", (int64_t)x->from);
		json_kint(&d.j, "log_to", (int64_t)x->to);
		json_kint(&d.j, "rows", (int64_t)x->rows);
		json_kstr(&d.j, "authority", kid);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (!c->quiet) {
		printf("%s: intact, %" PRIu64 " rows, log (%" PRIu64 ", %" PRIu64
		    "], signed by authority %s\n", file, x->rows, x->from, x->to,
		    kid);
	}
}

/* export verify MANIFEST FILE: with the registry's keys, or with those
 * of a trust bundle (--trust) where there is no registry. */
static int
cmd_export_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "trust", required_argument, NULL, 'T' }, CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	struct trust t;
	struct export_keys k;
	struct export_result x;
	const char *bundle = NULL;
	int ch, rc, have_trust = 0;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'T': bundle = optarg; break;
		case 'h': cmd_export_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind + 2 != argc) {
		err_set(&e, ERR_USAGE, "usage: skillcert export verify MANIFEST FILE "
		    "[--trust BUNDLE]");
		return cli_print_error(&c, &e);
	}
	if (bundle != NULL) {
		if ((rc = trust_load(bundle, &t, &e)) != 0)
			return cli_end_cmd(&c, NULL, NULL, rc, &e);
		have_trust = 1;
		k.authority = &t.authority;
		k.logkey = &t.logkey;
	} else {
		if ((rc = cli_open_registry(&c, REG_RDONLY, &r, &e)) != 0)
			return cli_end_cmd(&c, r, NULL, rc, &e);
		k.authority = &r->authority;
		k.logkey = &r->logkey;
	}
	if ((rc = export_verify(&k, argv[optind], argv[optind + 1], &x,
	    &e)) == 0)
		cmd_export_print_verified(&c, argv[optind + 1], &x, k.authority);
	if (have_trust)
		trust_free(&t);
	return cli_end_cmd(&c, r, NULL, rc, &e);
}

static void
cmd_export_print(const struct cli *c, const struct export_profiles *ps,
    const struct export_result *x, size_t nx, const char *to)
{
	const struct export_profile *p;
	struct cli_doc d;
	size_t i, k = 0;

	if (c->json) {
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_key(&d.j, "exports");
		json_arr_begin(&d.j);
	}
	for (i = 0; i < ps->n && k < nx; i++) {
		p = &ps->p[i];
		if (strcmp(to, "all") != 0 && strcmp(to, p->dept) != 0)
			continue;
		cmd_export_report(c, p, &x[k++], &d.j);
	}
	if (c->json) {
		json_arr_end(&d.j);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	}
}

int
cmd_export(int argc, char **argv)
{
	struct cmd_export_opts o = { NULL, NULL, NULL, 0, EXPORT_CSV };
	struct export_profiles *ps = NULL;
	struct export_result *x = NULL;
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	size_t nx = 0;
	int rc;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return cmd_export_verify(argc - 1, argv + 1);
	cli_init(&c);
	err_clear(&e);
	if ((rc = cmd_export_parse(&c, argc, argv, &o, &e)) != CLI_RUN)
		return rc == ERR_USAGE && e.code == ERR_USAGE ?
		    cli_print_error(&c, &e) : rc;
	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (x = calloc(EXPORT_DEPTS_MAX, sizeof(*x))) == NULL) {
		rc = err_set(&e, ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = cli_open_txn(&c, CLI_SECRETS, &r, &txn, &e)) != 0 ||
	    (rc = export_profiles_load(r, o.profiles, ps, &e)) != 0)
		goto out;
	if ((rc = export_run(r, txn, ps, o.to, o.since, o.format, o.out, x, &nx,
	    &e)) != 0 || (rc = cli_commit_txn(&txn, &e)) != 0) {
		export_unlink(x, nx);
		goto out;
	}
	cmd_export_print(&c, ps, x, nx, o.to);
out:
	free(ps);
	free(x);
	return cli_end_cmd(&c, r, txn, rc, rc != 0 ? &e : NULL);
}
