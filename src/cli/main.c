/* main.c - the skillcert command: one table of subcommands, so that the
 * list --help prints and the dispatch cannot disagree. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} cmds[] = {
	{ "init", cmd_init, "create a registry, its catalogs and the authority keys" },
	{ "catalog", cmd_catalog, "show or replace a catalog (occupations, methods, ...)" },
	{ "org", cmd_org, "file, list, show, suspend, resume or rekey an organization" },
	{ "issue", cmd_issue, "validate a roster and issue signed certificates" },
	{ "show", cmd_show, "show one certificate (full record, authority view)" },
	{ "list", cmd_list, "list certificates of an organization or a person" },
	{ "token", cmd_token, "print a certificate's QR verification URL" },
	{ "revoke", cmd_revoke, "revoke a certificate" },
	{ "render", cmd_render, "render certificate PDFs" },
	{ "serve", cmd_serve, "run the public lookup server (same as skillcertd)" },
	{ "portal", cmd_portal, "run the issuer portal (same as skillcert-portald)" },
	{ "log", cmd_log, "transparency log: head, proof, consistency, audit" },
	{ "trust", cmd_trust, "export the signed trust bundle for offline checks" },
	{ "verify", cmd_verify, "verify a QR URL, token, PDF or photo offline" },
	{ "stats", cmd_stats, "quarterly statistics against the targets; --check" },
	{ "signals", cmd_signals, "signals of rogue or inflated issuance, with evidence" },
	{ "targets", cmd_targets, "load or list the plan's targets" },
	{ "backup", cmd_backup, "signed hot copy of the registry (no keys)" },
	{ "restore", cmd_restore, "restore a backup, checked and audited" },
	{ "export", cmd_export, "signed incremental exports for other departments" },
	{ "keys", cmd_keys, "encrypted backup and restore of the keys" },
	{ "user", cmd_user, "portal accounts and API tokens: add, list, disable, reset" },
	{ "audit", cmd_audit, "the portal's audit trail (table, CSV, JSON)" },
};

static void
main_print_usage(FILE *f)
{
	fprintf(f, "usage: skillcert COMMAND [options]   (skillcert COMMAND --help)\n\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f, "\nCommon options: --db DIR (default $SKILLCERT_DB or ./var/registry),"
	    "\n  --keys DIR, --json, --passphrase-file FILE (or $SKILLCERT_PASSPHRASE)."
	    "\nExit codes: 0 ok, 1 invalid input, 64 usage, 66 not found, 67 exists,"
	    "\n  73 sequence/map full, 74 I/O, 75 database, 76 crypto, 77 denied.\n");
}

int
main(int argc, char **argv)
{
	if (argc < 2) {
		main_print_usage(stderr);
		return ERR_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_print_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("skillcert 0.1\n");
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "skillcert: unknown command '%s'\n\n", argv[1]);
	main_print_usage(stderr);
	return ERR_USAGE;
}
