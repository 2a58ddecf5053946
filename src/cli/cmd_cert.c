/* cmd_cert.c - skillcert show, token, revoke and list: the stored
 * certificates, found by number or by organization, person or batch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

/* The operand and options of show, token and revoke. */
struct cmd_cert_args {
	const char *certno;
	const char *note;
	int reason;
};

/* What cmd_cert_print_row needs: a JSON writer, or NULL for text. */
struct cmd_cert_list {
	struct registry *r;
	struct json *j;
	size_t n;
};

/* The token v2 commitment against the stored ID number: "ok",
 * "mismatch", or "none" for a v1 token (it carries the number itself). */
static const char *
cmd_cert_commitment(const struct cert_record *rec)
{
	struct err e;

	if (rec->cert.version == CERT_VERSION_V1)
		return "none";
	return cert_id_check(&rec->cert, rec->id_salt, &e) == 0 ? "ok" :
	    "mismatch";
}

static void
cmd_cert_write_json(struct json *j, struct registry *r,
    const struct cert_record *rec)
{
	const struct occupation *occ = catalog_occ_by_code(&r->cat, rec->cert.occ_code);
	const struct named *idt = catalog_idtype_by_code(&r->cat, rec->cert.id_type);
	const struct named *m = catalog_method_by_code(&r->cat, rec->cert.method);
	char d1[11], d2[11], hex[17];

	date_format_iso(rec->cert.assessed_on, d1);
	date_format_iso(rec->cert.issued_on, d2);
	key_id_hex(rec->cert.kid, hex);
	json_obj_begin(j);
	json_kstr(j, "certno", rec->cert.no);
	json_kstr(j, "status", cert_status_name(rec->status));
	if (rec->status == CERT_REVOKED) {
		json_kstr(j, "revoke_reason", cert_reason_name(rec->reason));
		json_kint(j, "revoked_at", rec->revoked_at);
		if (rec->revoke_note[0])
			json_kstr(j, "revoke_note", rec->revoke_note);
	}
	json_kstr(j, "name", rec->cert.name);
	json_kstr(j, "id_type", idt ? idt->name : "?");
	json_kstr(j, "id_number", rec->cert.id_number);
	json_kint(j, "token_version", rec->cert.version);
	json_kstr(j, "commitment", cmd_cert_commitment(rec));
	json_kstr(j, "occupation", occ ? occ->name : "?");
	json_kstr(j, "occupation_code", rec->cert.occ_code);
	json_kstr(j, "trade", rec->cert.trade[0] ? rec->cert.trade : "--");
	json_kint(j, "level", rec->cert.level);
	json_kstr(j, "level_name", level_full(rec->cert.level));
	json_kstr(j, "method", m ? m->name : "?");
	json_kstr(j, "assessed_on", d1);
	json_kstr(j, "issued_on", d2);
	json_kstr(j, "org", rec->cert.org);
	json_kstr(j, "brand", rec->cert.brand);
	json_kstr(j, "alg", key_alg_name(rec->cert.alg));
	json_kstr(j, "key_id", hex);
	json_kstr(j, "batch", rec->batch);
	json_kint(j, "roster_line", rec->row);
	json_kstr(j, "employer", rec->employer);
	if (rec->issue_note[0])
		json_kstr(j, "issue_note", rec->issue_note);
	json_kbool(j, "photo", rec->has_photo);
	json_kint(j, "log_index", (int64_t)rec->log_issue);
	json_obj_end(j);
}

/* The full record in the words printed on the certificate. */
static void
cmd_cert_print_text(struct registry *r, const struct cert_record *rec)
{
	const struct occupation *occ = catalog_occ_by_code(&r->cat, rec->cert.occ_code);
	const struct named *idt = catalog_idtype_by_code(&r->cat, rec->cert.id_type);
	const struct named *m = catalog_method_by_code(&r->cat, rec->cert.method);
	char d1[32], d2[32];

	date_format_iso(rec->cert.assessed_on, d1);
	date_format_cn(rec->cert.issued_on, d2);
	printf("证书编号     %s\n", rec->cert.no);
	printf("状态         %s", rec->status == CERT_VALID ? "有效 (valid)" : "已撤销 (revoked)");
	if (rec->status == CERT_REVOKED)
		printf(": %s%s%s", cert_reason_name(rec->reason),
		    rec->revoke_note[0] ? " - " : "", rec->revoke_note);
	printf("\n姓名         %s\n", rec->cert.name);
	printf("证件         %s %s\n", idt ? idt->name : "?", rec->cert.id_number);
	if (rec->cert.version == CERT_VERSION_V1)
		printf("令牌         v1: the QR carries the full ID number "
		    "(no commitment)\n");
	else
		printf("令牌         v%d: QR shows %s; commitment %s\n",
		    rec->cert.version, rec->cert.id_masked,
		    cmd_cert_commitment(rec));
	printf("职业         %s (%s)\n", occ ? occ->name : "?", rec->cert.occ_code);
	printf("工种         %s\n", rec->cert.trade[0] ? rec->cert.trade : "--");
	printf("等级         %s\n", level_full(rec->cert.level));
	printf("评价方式     %s，考核日期 %s\n", m ? m->name : "?", d1);
	printf("发证日期     %s\n", d2);
	printf("评价机构     %s\n", rec->cert.org);
	if (rec->cert.brand[0])
		printf("品牌标识     %s\n", rec->cert.brand);
	if (rec->issue_note[0])
		printf("签发说明     %s\n", rec->issue_note);
	printf("批次         %s (line %u), log leaf %llu\n", rec->batch, rec->row,
	    (unsigned long long)rec->log_issue);
}

static int
cmd_cert_parse_args(int argc, char **argv, const char *usage, int which,
    struct cli *c, struct cmd_cert_args *a, struct err *e)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'N' },
		CLI_COMMON_OPTS, { 0 }
	};
	int ch;

	memset(a, 0, sizeof(*a));
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'r':
			if ((a->reason = cert_reason_parse(optarg)) == 0) {
				err_set(e, ERR_USAGE, "--reason must be issued-in-error, "
				    "fraud, reissued, holder-request or org-suspended");
				return cli_print_error(c, e);
			}
			break;
		case 'N': a->note = optarg; break;
		case 'h': printf("%s", usage); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s", usage);
		return ERR_USAGE;
	}
	if (which == 'r' && !a->reason) {
		err_set(e, ERR_USAGE, "revoke needs --reason");
		return cli_print_error(c, e);
	}
	a->certno = argv[optind];
	return CLI_RUN;
}

/* Revokes in *txn with a new signed head, commits, and leaves a read
 * transaction in *txn for the report. */
static int
cmd_cert_revoke(struct registry *r, MDB_txn **txn,
    const struct cmd_cert_args *a, struct err *e)
{
	struct sth h;
	int rc;

	if ((rc = registry_revoke(r, *txn, a->certno, a->reason, a->note,
	    r->authority.kid, e)) != 0 ||
	    (rc = registry_sign_head(r, *txn, &h, e)) != 0 ||
	    (rc = cli_commit_txn(txn, e)) != 0)
		return rc;
	return registry_txn_begin(r, 1, txn, e);
}

/* The URL the certificate's QR code holds, and the token in it. */
static int
cmd_cert_print_token(const struct cli *c, struct registry *r,
    const struct cert_record *rec, struct err *e)
{
	struct buf tok = BUF_INIT, url = BUF_INIT;
	struct cli_doc d;
	int rc;

	if ((rc = cert_token(rec->enc, rec->enc_len, rec->sig, &tok, e)) == 0 &&
	    buf_cstr(&tok) != NULL &&
	    (rc = cert_token_url(r->public_url, (char *)tok.data, &url, e)) == 0) {
		if (c->json) {
			cli_begin_doc(&d);
			json_obj_begin(&d.j);
			json_kstr(&d.j, "certno", rec->cert.no);
			json_kstr(&d.j, "token", (char *)tok.data);
			json_kstr(&d.j, "url", (char *)url.data);
			json_obj_end(&d.j);
			cli_print_doc(&d);
		} else {
			printf("%s\n", (char *)url.data);
		}
	}
	buf_free(&tok);
	buf_free(&url);
	return rc;
}

/* show, token and revoke: one certificate by number; which is 's', 't'
 * or 'r'. */
static int
cmd_cert_run_one(int argc, char **argv, const char *usage, int which)
{
	struct cmd_cert_args a;
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct cert_record rec;
	int rc;

	cli_init(&c);
	err_clear(&e);
	if ((rc = cmd_cert_parse_args(argc, argv, usage, which, &c, &a,
	    &e)) != CLI_RUN)
		return rc;
	if ((rc = cli_open_txn(&c, which == 'r' ? CLI_SECRETS : REG_RDONLY, &r,
	    &txn, &e)) != 0 ||
	    (which == 'r' && (rc = cmd_cert_revoke(r, &txn, &a, &e)) != 0) ||
	    (rc = registry_get_cert(r, txn, a.certno, &rec, &e)) != 0)
		goto out;
	if (which == 't') {
		rc = cmd_cert_print_token(&c, r, &rec, &e);
	} else if (c.json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		cmd_cert_write_json(&d.j, r, &rec);
		cli_print_doc(&d);
	} else if (which == 'r') {
		if (!c.quiet)
			printf("revoked %s (%s)\n", rec.cert.no,
			    cert_reason_name(a.reason));
	} else {
		cmd_cert_print_text(r, &rec);
	}
out:
	return cli_end_cmd(&c, r, txn, rc, &e);
}

int
cmd_show(int argc, char **argv)
{
	return cmd_cert_run_one(argc, argv, "usage: skillcert show CERTNO [--json]\n",
	    's');
}

int
cmd_token(int argc, char **argv)
{
	return cmd_cert_run_one(argc, argv, "usage: skillcert token CERTNO [--json]\n"
	    "Prints PUBLIC_URL/V/TOKEN, the URL the certificate's QR code holds.\n", 't');
}

int
cmd_revoke(int argc, char **argv)
{
	return cmd_cert_run_one(argc, argv, "usage: skillcert revoke CERTNO --reason "
	    "issued-in-error|fraud|reissued|holder-request|org-suspended [--note TEXT]\n"
	    "A revoked certificate never becomes valid again.\n", 'r');
}

/* One certificate of a listing: a JSON object or a line of text. */
static int
cmd_cert_print_row(const struct cert_record *rec, void *arg)
{
	struct cmd_cert_list *l = arg;
	const struct occupation *occ = catalog_occ_by_code(&l->r->cat, rec->cert.occ_code);
	char d[11];

	l->n++;
	if (l->j) {
		cmd_cert_write_json(l->j, l->r, rec);
		return 0;
	}
	date_format_iso(rec->cert.issued_on, d);
	printf("%s  %-7s  %s  %s  %s  %s\n", rec->cert.no, cert_status_name(rec->status),
	    d, occ ? occ->name : rec->cert.occ_code, level_full(rec->cert.level),
	    rec->cert.name);
	return 0;
}

/* --id-number: one person's certificates, whatever the case of an X. */
static int
cmd_cert_list_person(struct registry *r, MDB_txn *txn, const char *idno,
    struct cmd_cert_list *l, struct err *e)
{
	char id[CERT_ID_MAX + 1];

	snprintf(id, sizeof(id), "%s", idno);
	for (char *p = id; *p; p++)
		if (*p == 'x')
			*p = 'X';
	return registry_each_cert_of_person(r, txn, id, cmd_cert_print_row, l, e);
}

int
cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "id-number", required_argument, NULL, 'i' },
		{ "batch", required_argument, NULL, 'b' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	const char *org = NULL, *idno = NULL, *batch = NULL;
	struct cli_doc d;
	struct cmd_cert_list l;
	int ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': org = optarg; break;
		case 'i': idno = optarg; break;
		case 'b': batch = optarg; break;
		case 'h':
			printf("usage: skillcert list [--org CODE | --id-number N | --batch ID] "
			    "[--json]\n--id-number traces one person across organizations.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	cli_begin_doc(&d);
	if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) != 0)
		goto out;
	l.r = r;
	l.j = c.json ? &d.j : NULL;
	l.n = 0;
	if (c.json)
		json_arr_begin(&d.j);
	if (idno)
		rc = cmd_cert_list_person(r, txn, idno, &l, &e);
	else if (batch)
		rc = registry_each_cert_of_batch(r, txn, batch, cmd_cert_print_row,
		    &l, &e);
	else
		rc = registry_each_cert(r, txn, org ? org : "", cmd_cert_print_row,
		    &l, &e);
	if (c.json) {
		json_arr_end(&d.j);
		if (!rc)
			cli_print_doc(&d);
	} else if (!rc && !c.quiet) {
		fprintf(stderr, "%zu certificate%s\n", l.n, l.n == 1 ? "" : "s");
	}
out:
	cli_free_doc(&d);
	return cli_end_cmd(&c, r, txn, rc, &e);
}
