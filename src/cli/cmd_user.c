/* cmd_user.c - skillcert user: portal accounts and API tokens, managed by
 * the authority from the shell; every change goes through the account
 * service, so it is checked and audited as the portal's pages are. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "skillcert/account/account.h"
#include "skillcert/base/base32.h"
#include "skillcert/base/date.h"

struct cmd_user_args {
	const char *verb, *sub, *name;
	const char *org, *role, *pwfile, *label, *secret;
	int authority, no_change;
	long expires_days;
};

static void
cmd_user_print_usage(void)
{
	printf("usage: skillcert user add NAME (--org CODE --role operator|admin | --authority)\n"
	    "                             [--password-file F [--no-change-required]]\n"
	    "       skillcert user list [--org CODE]\n"
	    "       skillcert user disable NAME | enable NAME\n"
	    "       skillcert user reset NAME\n"
	    "       skillcert user totp NAME [--secret BASE32]\n"
	    "       skillcert user token create --org CODE --label L [--expires-days N]\n"
	    "       skillcert user token list\n"
	    "       skillcert user token revoke ID\n\n"
	    "Portal accounts. NAME is 3-64 of a-z 0-9 . _ -. add and reset print a\n"
	    "one-time password, to be changed at the first login; reset also clears\n"
	    "the TOTP enrolment and ends the user's sessions. --password-file sets a\n"
	    "known password instead (tests, demos; it must meet the policy: 12 or\n"
	    "more characters, not containing NAME); it still must be changed unless\n"
	    "--no-change-required. Admins and authority users enrol TOTP at their\n"
	    "first login; `user totp` sets the secret here instead (demos and tests\n"
	    "only: it prints the secret), a new random one unless --secret.\n"
	    "An API token is shown once, by `token create`; only its hash is kept.\n"
	    "The command acts as the authority (cli:$USER) and is audited\n"
	    "(see `skillcert audit`).\n");
}

static int
cmd_user_parse_args(int argc, char **argv, struct cli *c,
    struct cmd_user_args *a, struct err *e)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "role", required_argument, NULL, 'r' },
		{ "authority", no_argument, NULL, 'A' },
		{ "password-file", required_argument, NULL, 'p' },
		{ "no-change-required", no_argument, NULL, 'n' },
		{ "label", required_argument, NULL, 'l' },
		{ "expires-days", required_argument, NULL, 'x' },
		{ "secret", required_argument, NULL, 's' },
		CLI_COMMON_OPTS, { 0 }
	};
	char *end;
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': a->org = optarg; break;
		case 'r': a->role = optarg; break;
		case 'A': a->authority = 1; break;
		case 'p': a->pwfile = optarg; break;
		case 'n': a->no_change = 1; break;
		case 'l': a->label = optarg; break;
		case 's': a->secret = optarg; break;
		case 'x':
			a->expires_days = strtol(optarg, &end, 10);
			if (*end || a->expires_days < 1 || a->expires_days > 3650) {
				err_set(e, ERR_USAGE, "--expires-days must be 1..3650");
				return cli_print_error(c, e);
			}
			break;
		case 'h': cmd_user_print_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc) {
		cmd_user_print_usage();
		return ERR_USAGE;
	}
	a->verb = argv[optind];
	a->sub = optind + 1 < argc ? argv[optind + 1] : NULL;
	a->name = strcmp(a->verb, "token") == 0 ? (optind + 2 < argc ?
	    argv[optind + 2] : NULL) : a->sub;
	return CLI_RUN;
}

/* The CLI is the authority, named by the login that ran it. */
static void
cmd_user_actor(struct acct_actor *who)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u == NULL || !*u)
		u = (pw = getpwuid(getuid())) != NULL ? pw->pw_name : "?";
	memset(who, 0, sizeof(*who));
	snprintf(who->name, sizeof(who->name), "cli:%.59s", u);
	who->role = ACCT_AUTHORITY;
	snprintf(who->client, sizeof(who->client), "cli");
}

/* A password from a file: one line, the newline dropped; wiped after. */
static int
cmd_user_read_pw(const char *path, char *out, size_t cap, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	if (buf_read_file(&b, path, 4096) != 0 || buf_cstr(&b) == NULL)
		rc = err_set(e, ERR_IO, "cannot read password file %s", path);
	while (rc == 0 && b.len && (b.data[b.len - 1] == '\n' ||
	    b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	if (rc == 0 && b.len >= cap)
		rc = err_set(e, ERR_INVALID, "password file %s: longer than %d "
		    "bytes", path, AUTH_PW_MAX);
	if (rc == 0)
		memcpy(out, b.data, b.len + 1);
	buf_free_wipe(&b);
	return rc;
}

static void
cmd_user_print_pw(const struct cli *c, const char *verb, const char *name,
    int role, const char *org, const char *pw, int must_change)
{
	struct cli_doc d;

	if (!c->json) {
		if (role)
			printf("%s %s (%s%s%s)\n", verb, name, account_role_name(role),
			    org && *org ? ", " : "", org ? org : "");
		else
			printf("%s %s\n", verb, name);
		if (pw)
			printf("one-time password: %s\n", pw);
		if (must_change)
			printf("to be changed at the first login\n");
		return;
	}
	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_kstr(&d.j, "name", name);
	if (role) {
		json_kstr(&d.j, "role", account_role_name(role));
		json_kstr(&d.j, "org", org ? org : "");
	}
	if (pw)
		json_kstr(&d.j, "password", pw);
	json_kbool(&d.j, "must_change", must_change);
	json_obj_end(&d.j);
	cli_print_doc(&d);
}

static int
cmd_user_add(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	char pw[AUTH_PW_MAX + 1];
	int role, rc;

	if (a->name == NULL)
		return err_set(e, ERR_USAGE, "user add needs NAME");
	if (a->authority && (a->role || a->org))
		return err_set(e, ERR_USAGE, "--authority takes no --org or --role");
	role = a->authority ? ACCT_AUTHORITY : a->role ?
	    account_role_parse(a->role) : 0;
	if (role == 0 || (role == ACCT_AUTHORITY && !a->authority))
		return err_set(e, ERR_USAGE, "user add needs --role operator|admin "
		    "(with --org CODE) or --authority");
	if (a->pwfile == NULL) {
		if ((rc = acct_user_add(s, by, a->name, role, a->org, pw,
		    sizeof(pw), e)) == 0)
			cmd_user_print_pw(c, "added", a->name, role, a->org, pw, 1);
	} else if ((rc = cmd_user_read_pw(a->pwfile, pw, sizeof(pw), e)) == 0 &&
	    (rc = acct_user_add_pw(s, by, a->name, role, a->org, pw,
	    !a->no_change, e)) == 0) {
		cmd_user_print_pw(c, "added", a->name, role, a->org, NULL,
		    !a->no_change);
	}
	explicit_bzero(pw, sizeof(pw));
	return rc;
}

static void
cmd_user_time(int64_t t, char out[24])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, 24, "-");
	else
		strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
cmd_user_row(const struct account *a, void *arg)
{
	struct json *j = arg;
	char last[24];

	cmd_user_time(a->last_login, last);
	if (j == NULL) {
		printf("%-20s %-9s %-13s %-8s %-4s %-6s %s\n", a->name,
		    account_role_name(a->role), a->org[0] ? a->org : "-",
		    a->disabled ? "disabled" : "enabled", a->totp_on ? "totp" : "-",
		    a->must_change ? "change" : "-", last);
		return 0;
	}
	json_obj_begin(j);
	json_kstr(j, "name", a->name);
	json_kstr(j, "role", account_role_name(a->role));
	json_kstr(j, "org", a->org);
	json_kbool(j, "disabled", a->disabled);
	json_kbool(j, "totp", a->totp_on);
	json_kbool(j, "must_change", a->must_change);
	json_kint(j, "failures", a->failures);
	json_kstr(j, "last_login", last);
	json_obj_end(j);
	return 0;
}

static int
cmd_user_list(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	struct cli_doc d;
	int rc;

	cli_begin_doc(&d);
	if (c->json)
		json_arr_begin(&d.j);
	else
		printf("%-20s %-9s %-13s %-8s %-4s %-6s %s\n", "NAME", "ROLE", "ORG",
		    "STATUS", "2FA", "PASSWD", "LAST LOGIN");
	rc = acct_user_each(s, by, a->org, cmd_user_row, c->json ? &d.j : NULL,
	    e);
	if (c->json) {
		json_arr_end(&d.j);
		if (rc == 0)
			cli_print_doc(&d);
	}
	cli_free_doc(&d);
	return rc;
}

static int
cmd_user_simple(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	int dis = strcmp(a->verb, "disable") == 0;
	struct cli_doc d;
	int rc;

	if (a->name == NULL)
		return err_set(e, ERR_USAGE, "user %s needs NAME", a->verb);
	if ((rc = acct_user_disable(s, by, a->name, dis, e)) != 0)
		return rc;
	if (!c->json) {
		printf("%s %s\n", dis ? "disabled" : "enabled", a->name);
		return 0;
	}
	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_kstr(&d.j, "name", a->name);
	json_kbool(&d.j, "disabled", dis);
	json_obj_end(&d.j);
	cli_print_doc(&d);
	return 0;
}

static int
cmd_user_reset(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	char pw[64];
	int rc;

	if (a->name == NULL)
		return err_set(e, ERR_USAGE, "user reset needs NAME");
	if ((rc = acct_user_reset(s, by, a->name, pw, sizeof(pw), e)) != 0)
		return rc;
	cmd_user_print_pw(c, "reset", a->name, 0, NULL, pw, 1);
	explicit_bzero(pw, sizeof(pw));
	return 0;
}

/* Sets (or makes) the TOTP secret and prints it with its URI: for demos
 * and tests, where no phone scans the QR. */
static int
cmd_user_totp(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	uint8_t sec[64];
	char uri[512], b32[128];
	struct cli_doc d;
	long n = AUTH_TOTP_SECRET;
	int rc;

	if (a->name == NULL)
		return err_set(e, ERR_USAGE, "user totp needs NAME");
	if (a->secret && (n = base32_decode(a->secret, strlen(a->secret), sec,
	    sizeof(sec), NULL)) != AUTH_TOTP_SECRET)
		return err_set(e, ERR_USAGE, "--secret must be %d bytes in base32 "
		    "(32 characters A-Z2-7)", AUTH_TOTP_SECRET);
	if (!a->secret && (rc = auth_totp_secret_new(sec, e)) != 0)
		return rc;
	if ((rc = acct_user_totp_set(s, by, a->name, sec, (size_t)n, e)) == 0 &&
	    auth_totp_uri("skillcert", a->name, sec, (size_t)n, uri,
	    sizeof(uri)) != 0)
		rc = err_set(e, ERR_INTERNAL, "TOTP URI too long");
	base32_encode(sec, (size_t)n, b32);
	explicit_bzero(sec, sizeof(sec));
	if (rc == 0 && !c->json)
		printf("totp %s\nsecret: %s\nuri: %s\n", a->name, b32, uri);
	else if (rc == 0) {
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, "name", a->name);
		json_kstr(&d.j, "secret", b32);
		json_kstr(&d.j, "uri", uri);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	}
	explicit_bzero(b32, sizeof(b32));
	return rc;
}

static int
cmd_user_token_create(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	char tok[64], id[17], exp[24];
	int64_t expires = 0;
	struct cli_doc d;
	int rc;

	if (!a->org || !a->label)
		return err_set(e, ERR_USAGE, "user token create needs --org CODE "
		    "and --label L");
	if (a->expires_days)
		expires = acct_now(s) + (int64_t)a->expires_days * 86400;
	if ((rc = acct_token_create_org(s, by, a->org, a->label, expires, tok, id,
	    e)) != 0)
		return rc;
	cmd_user_time(expires, exp);
	if (!c->json) {
		printf("token %s for %s (expires %s)\n%s\n(shown once: only its "
		    "hash is kept)\n", id, a->org, expires ? exp : "never", tok);
	} else {
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, "id", id);
		json_kstr(&d.j, "org", a->org);
		json_kstr(&d.j, "label", a->label);
		json_kstr(&d.j, "token", tok);
		json_kstr(&d.j, "expires", expires ? exp : NULL);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	}
	explicit_bzero(tok, sizeof(tok));
	return 0;
}

static int
cmd_user_token_row(const struct apitoken *t, void *arg)
{
	struct json *j = arg;
	char cr[24], ex[24], rv[24];

	cmd_user_time(t->created, cr);
	cmd_user_time(t->expires, ex);
	cmd_user_time(t->revoked, rv);
	if (j == NULL) {
		printf("%-16s %-13s %-20s %-20s %-20s %-20s %s\n", t->id, t->org, cr,
		    t->expires ? ex : "never", t->revoked ? rv : "-", t->created_by,
		    t->label);
		return 0;
	}
	json_obj_begin(j);
	json_kstr(j, "id", t->id);
	json_kstr(j, "org", t->org);
	json_kstr(j, "label", t->label);
	json_kstr(j, "created_by", t->created_by);
	json_kstr(j, "created", cr);
	json_kstr(j, "expires", t->expires ? ex : NULL);
	json_kstr(j, "revoked", t->revoked ? rv : NULL);
	json_obj_end(j);
	return 0;
}

static int
cmd_user_token(const struct cli *c, struct acct_service *s,
    const struct acct_actor *by, const struct cmd_user_args *a, struct err *e)
{
	struct cli_doc d;
	int rc;

	if (a->sub && strcmp(a->sub, "create") == 0)
		return cmd_user_token_create(c, s, by, a, e);
	if (a->sub && strcmp(a->sub, "revoke") == 0) {
		if (a->name == NULL)
			return err_set(e, ERR_USAGE, "user token revoke needs ID");
		if ((rc = acct_token_revoke(s, by, a->name, e)) == 0 && !c->json)
			printf("revoked token %s\n", a->name);
		else if (rc == 0) {
			cli_begin_doc(&d);
			json_obj_begin(&d.j);
			json_kstr(&d.j, "id", a->name);
			json_kbool(&d.j, "revoked", 1);
			json_obj_end(&d.j);
			cli_print_doc(&d);
		}
		return rc;
	}
	if (!a->sub || strcmp(a->sub, "list") != 0)
		return err_set(e, ERR_USAGE, "user token create|list|revoke");
	cli_begin_doc(&d);
	if (c->json)
		json_arr_begin(&d.j);
	else
		printf("%-16s %-13s %-20s %-20s %-20s %-20s %s\n", "ID", "ORG",
		    "CREATED", "EXPIRES", "REVOKED", "BY", "LABEL");
	rc = acct_token_each(s, by, cmd_user_token_row, c->json ? &d.j : NULL, e);
	if (c->json) {
		json_arr_end(&d.j);
		if (rc == 0)
			cli_print_doc(&d);
	}
	cli_free_doc(&d);
	return rc;
}

static int
cmd_user_run(const struct cli *c, struct acct_service *s,
    const struct cmd_user_args *a, struct err *e)
{
	struct acct_actor by;

	cmd_user_actor(&by);
	if (strcmp(a->verb, "add") == 0)
		return cmd_user_add(c, s, &by, a, e);
	if (strcmp(a->verb, "list") == 0)
		return cmd_user_list(c, s, &by, a, e);
	if (strcmp(a->verb, "disable") == 0 || strcmp(a->verb, "enable") == 0)
		return cmd_user_simple(c, s, &by, a, e);
	if (strcmp(a->verb, "reset") == 0)
		return cmd_user_reset(c, s, &by, a, e);
	if (strcmp(a->verb, "totp") == 0)
		return cmd_user_totp(c, s, &by, a, e);
	if (strcmp(a->verb, "token") == 0)
		return cmd_user_token(c, s, &by, a, e);
	return err_set(e, ERR_USAGE, "unknown user command '%s' (see skillcert "
	    "user --help)", a->verb);
}

int
cmd_user(int argc, char **argv)
{
	struct cli c;
	struct cmd_user_args a;
	struct registry *r = NULL;
	struct acct_service *s = NULL;
	struct acct_config cfg;
	struct err e;
	int rc;

	cli_init(&c);
	err_clear(&e);
	if ((rc = cmd_user_parse_args(argc, argv, &c, &a, &e)) != CLI_RUN)
		return cli_end_cmd(&c, NULL, NULL, rc, NULL);
	acct_config_defaults(&cfg);
	if ((rc = cli_open_registry(&c, 0, &r, &e)) == 0 &&
	    (rc = acct_service_open(&s, r, &cfg, &e)) == 0)
		rc = cmd_user_run(&c, s, &a, &e);
	acct_service_close(s);
	return cli_end_cmd(&c, r, NULL, rc, rc ? &e : NULL);
}
