/* cmd_org.c - skillcert org add|list|show|suspend|resume|rekey|compromise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/date.h"

static void
org_usage(void)
{
	printf("usage: skillcert org add --code CODE --name NAME --scope SCOPE\n"
	    "                         [--valid-from DATE] [--valid-to DATE] [--alg ed25519|sm2]\n"
	    "       skillcert org list\n"
	    "       skillcert org show CODE\n"
	    "       skillcert org suspend CODE [--note TEXT]\n"
	    "       skillcert org resume CODE\n"
	    "       skillcert org rekey CODE [--alg ed25519|sm2]\n"
	    "       skillcert org compromise CODE --kid HEX --from DATE\n\n"
	    "CODE is S|Y + 4-digit body + 2-digit province + 6-digit site, e.g.\n"
	    "S000036000001 (the first 13 characters of its certificate numbers).\n"
	    "SCOPE lists occupations and levels: '养老护理员:5-1,育婴员:5-3'.\n"
	    "The filing runs from --valid-from (default today) to --valid-to\n"
	    "(default three years on). The organization's key is generated here,\n"
	    "written 0600 under KEYS/orgs/, and certified by the authority key.\n");
}

struct org_args {
	const char *code, *name, *scope, *note, *kid;
	int32_t from, to, compromised;
	int alg;
};

static void
org_json(struct json *j, struct registry *r, const struct org *o)
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

static int
list_cb(const struct org *o, void *arg)
{
	void **a = arg;
	struct registry *r = a[0];
	struct json *j = a[1];

	if (j) {
		org_json(j, r, o);
	} else {
		struct buf sc = BUF_INIT;
		org_scope_format(&r->cat, o, &sc);
		printf("%s  %c  %-9s  %s  [%s]\n", o->code, o->type,
		    org_status_name(o->status), o->name, (char *)sc.data);
		buf_free(&sc);
	}
	return 0;
}

static int
keys_cb(const struct org_key *k, void *arg)
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

int
cmd_org(int argc, char **argv)
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
		CLI_COMMON_OPTS, { 0 }
	};
	struct org_args a = { 0 };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct org o;
	const char *verb, *code;
	int ch, rc = 0, write;
	int32_t today = date_today();

	cli_init(&c);
	err_clear(&e);
	a.alg = KEY_ED25519;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'c': a.code = optarg; break;
		case 'n': a.name = optarg; break;
		case 's': a.scope = optarg; break;
		case 'N': a.note = optarg; break;
		case 'k': a.kid = optarg; break;
		case 'a':
			if ((a.alg = key_alg_parse(optarg)) == 0) {
				err_set(&e, ERR_USAGE, "--alg must be ed25519 or sm2");
				return cli_fail(&c, &e);
			}
			break;
		case 'f': case 't': case 'F': {
			int32_t d;
			if (date_parse(optarg, &d) != 0) {
				err_set(&e, ERR_USAGE, "'%s' is not a date", optarg);
				return cli_fail(&c, &e);
			}
			if (ch == 'f') a.from = d; else if (ch == 't') a.to = d; else a.compromised = d;
			break;
		}
		case 'h': org_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc) {
		org_usage();
		return ERR_USAGE;
	}
	verb = argv[optind];
	code = optind + 1 < argc ? argv[optind + 1] : a.code;
	write = strcmp(verb, "list") != 0 && strcmp(verb, "show") != 0;
	if ((rc = cli_open(&c, write ? 0 : REG_RDONLY, &r, &e)) != 0)
		goto out;
	if (write && (strcmp(verb, "add") == 0 || strcmp(verb, "rekey") == 0) &&
	    (rc = registry_load_secrets(r, cli_passphrase(&c), &e)) != 0)
		goto out;
	if ((rc = registry_txn_begin(r, !write, &txn, &e)) != 0)
		goto out;

	if (strcmp(verb, "add") == 0) {
		if (!a.code || !a.name || !a.scope) {
			rc = err_set(&e, ERR_USAGE, "org add needs --code, --name and --scope");
			goto out;
		}
		if ((rc = orgcode_check(a.code, &e)) != 0)
			goto out;
		if (registry_get_org(r, txn, a.code, &o, NULL) == 0) {
			rc = err_set(&e, ERR_EXISTS, "organization %s is already filed "
			    "(%s)", a.code, o.name);
			goto out;
		}
		memset(&o, 0, sizeof(o));
		snprintf(o.code, sizeof(o.code), "%s", a.code);
		o.type = a.code[0];
		if (strlen(a.name) > ORG_NAME_MAX || a.name[0] == '\0') {
			rc = err_set(&e, ERR_INVALID, "--name must be 1-%d bytes", ORG_NAME_MAX);
			goto out;
		}
		snprintf(o.name, sizeof(o.name), "%s", a.name);
		if ((rc = org_scope_parse(&r->cat, a.scope, &o, &e)) != 0)
			goto out;
		o.valid_from = a.from ? a.from : today;
		o.valid_to = a.to ? a.to : o.valid_from + 3 * 365;
		if (o.valid_to < o.valid_from) {
			rc = err_set(&e, ERR_USAGE, "--valid-to is before --valid-from");
			goto out;
		}
		o.status = ORG_ACTIVE;
		o.created = o.changed = (int64_t)time(NULL);
		if ((rc = registry_org_new_key(r, txn, &o, a.alg,
		    o.valid_from, cli_passphrase(&c), &e)) != 0 ||
		    (rc = registry_put_org(r, txn, &o, &e)) != 0)
			goto out;
	} else if (strcmp(verb, "list") == 0) {
		struct buf b = BUF_INIT;
		struct json j;
		void *arg[2] = { r, c.json ? &j : NULL };
		json_init(&j, &b);
		if (c.json)
			json_arr_begin(&j);
		rc = registry_each_org(r, txn, list_cb, arg, &e);
		if (c.json) {
			json_arr_end(&j);
			cli_print_json(&b);
		}
		buf_free(&b);
		goto out;
	} else {
		if (!code) {
			rc = err_set(&e, ERR_USAGE, "org %s needs an organization code", verb);
			goto out;
		}
		if ((rc = registry_get_org(r, txn, code, &o, &e)) != 0)
			goto out;
		if (strcmp(verb, "show") == 0) {
			struct buf b = BUF_INIT;
			struct json j;
			if (c.json) {
				json_init(&j, &b);
				json_obj_begin(&j);
				json_key(&j, "org");
				org_json(&j, r, &o);
				json_key(&j, "keys");
				json_arr_begin(&j);
				rc = registry_each_orgkey(r, txn, o.code, keys_cb, &j, &e);
				json_arr_end(&j);
				json_obj_end(&j);
				cli_print_json(&b);
			} else {
				void *arg[2] = { r, NULL };
				list_cb(&o, arg);
				rc = registry_each_orgkey(r, txn, o.code, keys_cb, NULL, &e);
			}
			buf_free(&b);
			goto out;
		} else if (strcmp(verb, "suspend") == 0 || strcmp(verb, "resume") == 0) {
			int to = verb[0] == 's' ? ORG_SUSPENDED : ORG_ACTIVE;
			if (o.status == to) {
				rc = err_set(&e, ERR_EXISTS, "%s is already %s", o.code,
				    org_status_name(to));
				goto out;
			}
			o.status = to;
			o.changed = (int64_t)time(NULL);
			snprintf(o.note, sizeof(o.note), "%s", to == ORG_SUSPENDED && a.note ?
			    a.note : "");
			if ((rc = registry_put_org(r, txn, &o, &e)) != 0)
				goto out;
		} else if (strcmp(verb, "rekey") == 0) {
			struct org_key old;
			if ((rc = registry_get_orgkey(r, txn, o.code, o.kid, &old, &e)) != 0)
				goto out;
			/* The old key keeps what it signed up to today. */
			old.status = OKEY_RETIRED;
			old.valid_to = today;
			if ((rc = org_credential_sign(&o, &old, &r->authority, &e)) != 0 ||
			    (rc = registry_put_orgkey(r, txn, &old, &e)) != 0 ||
			    (rc = registry_org_new_key(r, txn, &o, a.alg, today,
			    cli_passphrase(&c), &e)) != 0 ||
			    (rc = registry_put_org(r, txn, &o, &e)) != 0)
				goto out;
		} else if (strcmp(verb, "compromise") == 0) {
			struct org_key k;
			uint8_t kid[KEY_ID_LEN];
			if (!a.kid || hex_decode(a.kid, strlen(a.kid), kid, sizeof(kid)) !=
			    KEY_ID_LEN || !a.compromised) {
				rc = err_set(&e, ERR_USAGE, "compromise needs --kid HEX (16 "
				    "hex digits) and --from DATE");
				goto out;
			}
			if ((rc = registry_get_orgkey(r, txn, o.code, kid, &k, &e)) != 0)
				goto out;
			k.status = OKEY_COMPROMISED;
			k.compromised_from = a.compromised;
			if ((rc = registry_put_orgkey(r, txn, &k, &e)) != 0)
				goto out;
		} else {
			rc = err_set(&e, ERR_USAGE, "unknown org command '%s'", verb);
			goto out;
		}
	}
	if ((rc = cli_commit(&txn, &e)) != 0)
		goto out;
	if (c.json) {
		struct buf b = BUF_INIT;
		struct json j;
		json_init(&j, &b);
		org_json(&j, r, &o);
		cli_print_json(&b);
		buf_free(&b);
	} else if (!c.quiet) {
		char hex[17];
		key_id_hex(o.kid, hex);
		printf("%s %s: %s (%s), key %s\n", verb, o.code, o.name,
		    org_status_name(o.status), hex);
	}
out:
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_done(&c);
	return rc ? cli_fail(&c, &e) : 0;
}
