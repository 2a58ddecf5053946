/* cmd_org.c - skillcert org: the authority's filing of organizations, the
 * only place their standing and keys change, one transaction a change. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/date.h"
#include "skillcert/store/orgadmin.h"

struct cmd_org_args {
	const char *verb;
	const char *target;      /* the CODE operand, else --code */
	const char *code, *name, *scope, *note, *kid, *region, *reason;
	int32_t from, to, compromised, today;
	int alg;
};

/* What cmd_org_print_row needs: a JSON writer, or NULL for text. */
struct cmd_org_list {
	struct registry *r;
	struct json *j;
};

static void
cmd_org_print_usage(void)
{
	printf("usage: skillcert org add --code CODE --name NAME --scope SCOPE\n"
	    "                         [--region REGION] [--valid-from DATE] [--valid-to DATE]\n"
	    "                         [--alg ed25519|sm2]\n"
	    "       skillcert org set-region CODE --region REGION --reason TEXT\n"
	    "       skillcert org list\n"
	    "       skillcert org show CODE\n"
	    "       skillcert org suspend CODE [--note TEXT]\n"
	    "       skillcert org resume CODE\n"
	    "       skillcert org rekey CODE [--alg ed25519|sm2]\n"
	    "       skillcert org compromise CODE --kid HEX --from DATE\n\n"
	    "CODE is S|Y + 4-digit body + 2-digit province + 6-digit site, e.g.\n"
	    "S000036000001 (the first 13 characters of its certificate numbers).\n"
	    "SCOPE lists occupations and levels: '养老护理员:5-1,育婴员:5-3'.\n"
	    "REGION is the GB/T 2260 code of its prefecture or county (e.g. 360100\n"
	    "南昌市), inside the code's province; default the province itself.\n"
	    "The filing runs from --valid-from (default today) to --valid-to\n"
	    "(default three years on). The organization's key is generated here,\n"
	    "written 0600 under KEYS/orgs/, and certified by the authority key.\n");
}

static int
cmd_org_parse_args(int argc, char **argv, struct cli *c, struct cmd_org_args *a,
    struct err *e)
{
	static const struct option opts[] = {
		{ "code", required_argument, NULL, 'c' },
		{ "name", required_argument, NULL, 'n' },
		{ "scope", required_argument, NULL, 's' },
		{ "valid-from", required_argument, NULL, 'f' },
		{ "valid-to", required_argument, NULL, 't' },
		{ "alg", required_argument, NULL, 'a' },
		{ "note", required_argument, NULL, 'N' },
		{ "kid", required_argument, NULL, 'k' },
		{ "from", required_argument, NULL, 'F' },
		{ "region", required_argument, NULL, 'r' },
		{ "reason", required_argument, NULL, 'R' },
		CLI_COMMON_OPTS, { 0 }
	};
	int ch;
	int32_t d;

	memset(a, 0, sizeof(*a));
	a->today = date_today();
	a->alg = KEY_ED25519;
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'c': a->code = optarg; break;
		case 'n': a->name = optarg; break;
		case 's': a->scope = optarg; break;
		case 'N': a->note = optarg; break;
		case 'k': a->kid = optarg; break;
		case 'r': a->region = optarg; break;
		case 'R': a->reason = optarg; break;
		case 'a':
			if ((a->alg = key_alg_parse(optarg)) == 0) {
				err_set(e, ERR_USAGE, "--alg must be ed25519 or sm2");
				return cli_print_error(c, e);
			}
			break;
		case 'f': case 't': case 'F':
			if (date_parse(optarg, &d) != 0) {
				err_set(e, ERR_USAGE, "'%s' is not a date", optarg);
				return cli_print_error(c, e);
			}
			if (ch == 'f') a->from = d; else if (ch == 't') a->to = d; else a->compromised = d;
			break;
		case 'h': cmd_org_print_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_org_print_usage();
		return ERR_USAGE;
	}
	a->verb = argv[optind];
	a->target = optind + 1 < argc ? argv[optind + 1] : a->code;
	return CLI_RUN;
}

/* The filed region: code, name, and its change history. */
static void
cmd_org_write_json_region(struct json *j, struct registry *r,
    const struct org *o)
{
	char code[8];
	const char *name = catalog_region_name(&r->cat, o->region);

	snprintf(code, sizeof(code), "%06d", (int)o->region);
	json_kstr(j, "region_code", code);
	json_kstr(j, "region_name", name ? name : "");
	if (o->history[0])
		json_kstr(j, "region_history", o->history);
}

static void
cmd_org_write_json(struct json *j, struct registry *r, const struct org *o)
{
	struct buf sc = BUF_INIT;
	char d1[11], d2[11], hex[17];
	const char *region = catalog_region_name(&r->cat, orgcode_province(o->code));

	org_scope_format(&r->cat, o, &sc);
	date_format_iso(o->valid_from, d1);
	date_format_iso(o->valid_to, d2);
	key_id_hex(o->kid, hex);
	json_obj_begin(j);
	json_kstr(j, "code", o->code);
	json_kstr(j, "name", o->name);
	json_kstr(j, "type", o->type == 'Y' ? "Y" : "S");
	json_kint(j, "province", orgcode_province(o->code));
	json_kstr(j, "region", region);
	cmd_org_write_json_region(j, r, o);
	json_kstr(j, "scope", (char *)sc.data);
	json_kstr(j, "status", org_status_name(o->status));
	json_kstr(j, "valid_from", d1);
	json_kstr(j, "valid_to", d2);
	json_kstr(j, "key_id", hex);
	if (o->note[0])
		json_kstr(j, "note", o->note);
	json_obj_end(j);
	buf_free(&sc);
}

/* One organization of a listing: a JSON object or a line of text. */
static int
cmd_org_print_row(const struct org *o, void *arg)
{
	const struct cmd_org_list *l = arg;
	struct buf sc = BUF_INIT;
	const char *rname;

	if (l->j) {
		cmd_org_write_json(l->j, l->r, o);
		return 0;
	}
	rname = catalog_region_name(&l->r->cat, o->region);
	org_scope_format(&l->r->cat, o, &sc);
	printf("%s  %c  %-9s  %s  [%s]  %06d %s\n", o->code, o->type,
	    org_status_name(o->status), o->name, (char *)sc.data,
	    (int)o->region, rname ? rname : "?");
	buf_free(&sc);
	return 0;
}

/* One key of an organization: into the JSON writer arg, or text if NULL. */
static int
cmd_org_print_key(const struct org_key *k, void *arg)
{
	struct json *j = arg;
	char hex[17], d1[11], d2[11], d3[11];

	key_id_hex(k->kid, hex);
	date_format_iso(k->valid_from, d1);
	date_format_iso(k->valid_to, d2);
	date_format_iso(k->compromised_from, d3);
	if (j) {
		json_obj_begin(j);
		json_kstr(j, "kid", hex);
		json_kstr(j, "alg", key_alg_name(k->alg));
		json_kstr(j, "status", orgkey_status_name(k->status));
		json_kstr(j, "valid_from", d1);
		json_kstr(j, "valid_to", d2);
		if (k->status == OKEY_COMPROMISED)
			json_kstr(j, "compromised_from", d3);
		json_obj_end(j);
	} else {
		printf("  key %s  %-7s  %-11s  %s .. %s%s%s\n", hex, key_alg_name(k->alg),
		    orgkey_status_name(k->status), d1, d2,
		    k->status == OKEY_COMPROMISED ? "  compromised from " : "",
		    k->status == OKEY_COMPROMISED ? d3 : "");
	}
	return 0;
}

static int
cmd_org_list(const struct cli *c, struct registry *r, MDB_txn *txn,
    struct err *e)
{
	struct cli_doc d;
	struct cmd_org_list l = { r, c->json ? &d.j : NULL };
	int rc;

	cli_begin_doc(&d);
	if (c->json)
		json_arr_begin(&d.j);
	rc = registry_each_org(r, txn, cmd_org_print_row, &l, e);
	if (c->json) {
		json_arr_end(&d.j);
		cli_print_doc(&d);
	}
	cli_free_doc(&d);
	return rc;
}

static void
cmd_org_print_history(const struct org *o)
{
	const char *p = o->history;

	if (*p)
		printf("  region history:\n");
	while (*p) {
		size_t n = strcspn(p, "\n");
		printf("    %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static int
cmd_org_show(const struct cli *c, struct registry *r, MDB_txn *txn,
    const struct org *o, struct err *e)
{
	struct cmd_org_list l = { r, NULL };
	struct cli_doc d;
	int rc;

	if (!c->json) {
		cmd_org_print_row(o, &l);
		cmd_org_print_history(o);
		return registry_each_orgkey(r, txn, o->code, cmd_org_print_key, NULL, e);
	}
	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_key(&d.j, "org");
	cmd_org_write_json(&d.j, r, o);
	json_key(&d.j, "keys");
	json_arr_begin(&d.j);
	rc = registry_each_orgkey(r, txn, o->code, cmd_org_print_key, &d.j, e);
	json_arr_end(&d.j);
	json_obj_end(&d.j);
	cli_print_doc(&d);
	return rc;
}

/* --region REGION checked and set on o; a reason records the change. */
static int
cmd_org_parse_region(struct registry *r, const struct cmd_org_args *a,
    struct org *o, const char *reason, struct err *e)
{
	int code;

	if (strlen(a->region) != 6 ||
	    (code = catalog_region_code_parse(a->region)) < 0)
		return err_set(e, ERR_USAGE, "--region '%s' is not a six-digit "
		    "GB/T 2260 code (e.g. 360100)", a->region);
	return org_set_region(&r->cat, o, code, reason, a->today, e);
}

/* set-region: a new region with its reason, kept in the history. */
static int
cmd_org_set_region(struct registry *r, MDB_txn *txn,
    const struct cmd_org_args *a, struct org *o, struct err *e)
{
	int rc;

	if (!a->region || !a->reason || !a->reason[0])
		return err_set(e, ERR_USAGE, "org set-region needs --region CODE "
		    "and --reason TEXT");
	if ((rc = cmd_org_parse_region(r, a, o, a->reason, e)) != 0)
		return rc;
	o->changed = (int64_t)time(NULL);
	return registry_put_org(r, txn, o, e);
}

/* Files a new organization with a new key, certified by the authority
 * (store/orgadmin.c, shared with the portal). */
static int
cmd_org_add(struct cli *c, struct registry *r, MDB_txn *txn,
    const struct cmd_org_args *a, struct org *o, struct err *e)
{
	struct org_filing f = { a->code, a->name, a->scope, a->from, a->to, 0,
	    a->alg, a->today };
	const char *pass;
	int rc;

	if (!a->code || !a->name || !a->scope)
		return err_set(e, ERR_USAGE, "org add needs --code, --name and --scope");
	if (a->region) {
		if (strlen(a->region) != 6 ||
		    (f.region = catalog_region_code_parse(a->region)) < 0)
			return err_set(e, ERR_USAGE, "--region '%s' is not a six-digit "
			    "GB/T 2260 code (e.g. 360100)", a->region);
	}
	if ((rc = cli_read_passphrase(c, 1, &pass, e)) != 0)
		return rc;
	return orgadmin_file_org(r, txn, &f, pass, o, e);
}

/* suspend or resume: a note is kept only while suspended. */
static int
cmd_org_set_status(struct registry *r, MDB_txn *txn,
    const struct cmd_org_args *a, struct org *o, struct err *e)
{
	return orgadmin_set_status(r, txn, o, a->verb[0] == 's' ? ORG_SUSPENDED :
	    ORG_ACTIVE, a->note, e);
}

static int
cmd_org_rekey(struct cli *c, struct registry *r, MDB_txn *txn,
    const struct cmd_org_args *a, struct org *o, struct err *e)
{
	const char *pass;
	int rc;

	if ((rc = cli_read_passphrase(c, 1, &pass, e)) != 0)
		return rc;
	return orgadmin_rekey_org(r, txn, o, a->alg, a->today, pass, e);
}

static int
cmd_org_compromise(struct registry *r, MDB_txn *txn,
    const struct cmd_org_args *a, const struct org *o, struct err *e)
{
	struct org_key k;
	uint8_t kid[KEY_ID_LEN];
	int rc;

	if (!a->kid || hex_decode(a->kid, strlen(a->kid), kid, sizeof(kid)) !=
	    KEY_ID_LEN || !a->compromised)
		return err_set(e, ERR_USAGE, "compromise needs --kid HEX (16 "
		    "hex digits) and --from DATE");
	if ((rc = registry_get_orgkey(r, txn, o->code, kid, &k, e)) != 0)
		return rc;
	k.status = OKEY_COMPROMISED;
	k.compromised_from = a->compromised;
	return registry_put_orgkey(r, txn, &k, e);
}

/* The verbs but list: add files *o, the others look it up first. */
static int
cmd_org_run_verb(struct cli *c, struct registry *r, MDB_txn *txn,
    const struct cmd_org_args *a, struct org *o, struct err *e)
{
	int rc;

	if (strcmp(a->verb, "add") == 0)
		return cmd_org_add(c, r, txn, a, o, e);
	if (!a->target)
		return err_set(e, ERR_USAGE, "org %s needs an organization code",
		    a->verb);
	if ((rc = registry_get_org(r, txn, a->target, o, e)) != 0)
		return rc;
	if (strcmp(a->verb, "show") == 0)
		return cmd_org_show(c, r, txn, o, e);
	if (strcmp(a->verb, "suspend") == 0 || strcmp(a->verb, "resume") == 0)
		return cmd_org_set_status(r, txn, a, o, e);
	if (strcmp(a->verb, "set-region") == 0)
		return cmd_org_set_region(r, txn, a, o, e);
	if (strcmp(a->verb, "rekey") == 0)
		return cmd_org_rekey(c, r, txn, a, o, e);
	if (strcmp(a->verb, "compromise") == 0)
		return cmd_org_compromise(r, txn, a, o, e);
	return err_set(e, ERR_USAGE, "unknown org command '%s'", a->verb);
}

/* After a change: the organization as it now stands. */
static void
cmd_org_print_change(const struct cli *c, struct registry *r, const char *verb,
    const struct org *o)
{
	char hex[17];

	if (c->json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		cmd_org_write_json(&d.j, r, o);
		cli_print_doc(&d);
	} else if (!c->quiet) {
		key_id_hex(o->kid, hex);
		printf("%s %s: %s (%s), key %s\n", verb, o->code, o->name,
		    org_status_name(o->status), hex);
	}
}

int
cmd_org(int argc, char **argv)
{
	struct cmd_org_args a;
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct org o;
	int rc, writes, flags;

	cli_init(&c);
	err_clear(&e);
	if ((rc = cmd_org_parse_args(argc, argv, &c, &a, &e)) != CLI_RUN)
		return rc;
	writes = strcmp(a.verb, "list") != 0 && strcmp(a.verb, "show") != 0;
	flags = writes ? 0 : REG_RDONLY;
	if (strcmp(a.verb, "add") == 0 || strcmp(a.verb, "rekey") == 0)
		flags |= CLI_SECRETS;
	if ((rc = cli_open_txn(&c, flags, &r, &txn, &e)) != 0)
		goto out;
	if (strcmp(a.verb, "list") == 0)
		rc = cmd_org_list(&c, r, txn, &e);
	else if ((rc = cmd_org_run_verb(&c, r, txn, &a, &o, &e)) == 0 && writes &&
	    (rc = cli_commit_txn(&txn, &e)) == 0)
		cmd_org_print_change(&c, r, a.verb, &o);
out:
	return cli_end_cmd(&c, r, txn, rc, &e);
}
