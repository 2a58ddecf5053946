/* cmd_trust.c - skillcert trust export: the one file an offline verifier
 * needs, signed by the authority, so it needs no registry and no server;
 * and trust witness: the cosigners it lists. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "skillcert/base/base64.h"
#include "skillcert/publish/bundle.h"
#include "skillcert/store/ckpt.h"
#include "skillcert/trust/trust.h"

/* The bundle on standard output, for a pipe or a redirect. */
static int
cmd_trust_write_stdout(const struct buf *b, struct err *e)
{
	size_t off = 0;
	ssize_t w;

	while (off < b->len) {
		if ((w = write(STDOUT_FILENO, b->data + off, b->len - off)) < 0) {
			if (errno == EINTR)
				continue;
			return err_set(e, ERR_IO, "cannot write the bundle to standard "
			    "output: %s", strerror(errno));
		}
		off += (size_t)w;
	}
	return 0;
}

/* NAME KEY: a vkey (its name must be NAME) or a base64 Ed25519 key. */
static int
cmd_trust_parse_witness(const char *name, const char *key,
    struct note_vkey *v, struct err *e)
{
	uint8_t pub[33];
	struct err ve;

	if (note_vkey_parse(key, v, &ve) == 0) {
		if (strcmp(v->name, name) != 0)
			return err_set(e, ERR_USAGE, "the key is named %s, not %s",
			    v->name, name);
		return 0;
	}
	if (base64_decode(key, strlen(key), pub, sizeof(pub)) == 32)
		return note_vkey_make(name, NOTE_COSIG_V1, pub, v, e);
	return err_set(e, ERR_USAGE, "KEY is neither a verifier key "
	    "(name+id+base64) nor a base64 Ed25519 public key (%s)", ve.msg);
}

static int
cmd_trust_print_witness(const struct note_vkey *v, void *arg)
{
	struct json *j = arg;
	char s[NOTE_VKEY_MAX];

	note_vkey_format(v, s);
	if (j == NULL) {
		printf("%s\t%s\n", v->name, s);
		return 0;
	}
	json_obj_begin(j);
	json_kstr(j, "name", v->name);
	json_kstr(j, "vkey", s);
	json_obj_end(j);
	return 0;
}

static int
cmd_trust_witness_list(struct cli *c, struct registry *r, MDB_txn *txn,
    struct err *e)
{
	struct cli_doc d;
	int rc;

	if (!c->json)
		return ckpt_witness_each(r, txn, cmd_trust_print_witness, NULL, e);
	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_key(&d.j, "witnesses");
	json_arr_begin(&d.j);
	rc = ckpt_witness_each(r, txn, cmd_trust_print_witness, &d.j, e);
	json_arr_end(&d.j);
	json_obj_end(&d.j);
	if (rc == 0)
		cli_print_doc(&d);
	cli_free_doc(&d);
	return rc;
}

/* trust witness add NAME KEY | remove NAME | list */
static int
cmd_trust_witness(struct cli *c, int argc, char **argv)
{
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct note_vkey v;
	struct err e;
	const char *verb = argc > 1 ? argv[1] : "";
	int list = strcmp(verb, "list") == 0, rc;

	err_clear(&e);
	if (!list && !(strcmp(verb, "add") == 0 && argc == 4) &&
	    !(strcmp(verb, "remove") == 0 && argc == 3)) {
		err_set(&e, ERR_USAGE, "usage: skillcert trust witness add NAME KEY"
		    " | remove NAME | list");
		return cli_print_error(c, &e);
	}
	if (strcmp(verb, "add") == 0 &&
	    cmd_trust_parse_witness(argv[2], argv[3], &v, &e) != 0)
		return cli_print_error(c, &e);
	if ((rc = cli_open_txn(c, list ? REG_RDONLY : 0, &r, &txn, &e)) != 0)
		goto out;
	if (list)
		rc = cmd_trust_witness_list(c, r, txn, &e);
	else if ((rc = strcmp(verb, "add") == 0 ?
	    ckpt_witness_add(r, txn, &v, &e) :
	    ckpt_witness_remove(r, txn, argv[2], &e)) == 0 &&
	    (rc = cli_commit_txn(&txn, &e)) == 0 && !c->quiet)
		printf("witness %s %s; export the trust bundle again to publish "
		    "it\n", argv[2], strcmp(verb, "add") == 0 ? "added" : "removed");
out:
	return cli_end_cmd(c, r, txn, rc, &e);
}

static int
cmd_trust_export(struct cli *c, const char *out, long days)
{
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct buf b = BUF_INIT;
	struct err e;
	int rc;

	err_clear(&e);
	/* Binary on a terminal helps nobody; nor mixed with a JSON report. */
	if (!out && (isatty(STDOUT_FILENO) || c->json)) {
		err_set(&e, ERR_USAGE, "trust export writes the bundle to standard "
		    "output only when it is redirected: give --out FILE");
		return cli_print_error(c, &e);
	}
	if ((rc = cli_open_txn(c, CLI_SECRETS, &r, &txn, &e)) != 0 ||
	    (rc = bundle_publish(r, txn, (int64_t)days * 86400, &b, &e)) != 0 ||
	    (rc = cli_commit_txn(&txn, &e)) != 0)
		goto out;
	if (!out) {
		rc = cmd_trust_write_stdout(&b, &e);
		goto out;
	}
	if (buf_write_file_atomic(&b, out, 0644) != 0) {
		rc = err_set(&e, ERR_IO, "cannot write %s", out);
		goto out;
	}
	if (!c->quiet)
		printf("trust bundle written to %s (%zu bytes, valid for %ld "
		    "day%s)\n", out, b.len, days, days == 1 ? "" : "s");
out:
	buf_free(&b);
	return cli_end_cmd(c, r, txn, rc, &e);
}

static void
cmd_trust_usage(void)
{
	printf("usage: skillcert trust export [--out FILE] [--valid-for DAYS]\n"
	    "       skillcert trust witness add NAME KEY\n"
	    "       skillcert trust witness remove NAME\n"
	    "       skillcert trust witness list\n\n"
	    "export writes the trust bundle, signed by the authority: every "
	    "organization's\ncredentials and keys, the revocation list, the "
	    "latest signed tree head and its\nC2SP checkpoint with the "
	    "cosignatures collected (skillcert log\nadd-cosignatures), and the "
	    "witnesses. It is to be trusted for DAYS days\n(default 7, 0 to "
	    "3650); verify warns after that. Offline verifiers need only\nthis "
	    "file; the server serves the latest one at /v1/trust. Without --out "
	    "it\ngoes to standard output, which must then be a file or a pipe.\n"
	    "witness: the C2SP cosigners whose cosignatures verify reports; KEY "
	    "is a\nverifier key (NAME+id+base64) or a base64 Ed25519 public key.\n");
}

int
cmd_trust(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "valid-for", required_argument, NULL, 'V' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	const char *out = NULL;
	char *end;
	long days = TRUST_VALID_DEFAULT / 86400;
	int ch;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': out = optarg; break;
		case 'V':
			days = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    days > 3650) {
				err_set(&e, ERR_USAGE, "--valid-for: 0 to 3650 days");
				return cli_print_error(&c, &e);
			}
			break;
		case 'h':
			cmd_trust_usage();
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind < argc && strcmp(argv[optind], "witness") == 0)
		return cmd_trust_witness(&c, argc - optind, argv + optind);
	if (optind >= argc || strcmp(argv[optind], "export") != 0) {
		err_set(&e, ERR_USAGE, "usage: skillcert trust export [--out FILE] "
		    "[--valid-for DAYS] | witness add|remove|list");
		return cli_print_error(&c, &e);
	}
	return cmd_trust_export(&c, out, days);
}
