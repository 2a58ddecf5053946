/* cmd_cert.c - skillcert show, token, revoke and list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

static void
cert_json(struct json *j, struct registry *r, const struct cert_record *rec)
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
	json_kbool(j, "photo", rec->has_photo);
	json_kint(j, "log_index", (int64_t)rec->log_issue);
	json_obj_end(j);
}

static void
cert_text(struct registry *r, const struct cert_record *rec)
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
	printf("职业         %s (%s)\n", occ ? occ->name : "?", rec->cert.occ_code);
	printf("工种         %s\n", rec->cert.trade[0] ? rec->cert.trade : "--");
	printf("等级         %s\n", level_full(rec->cert.level));
	printf("评价方式     %s，考核日期 %s\n", m ? m->name : "?", d1);
	printf("发证日期     %s\n", d2);
	printf("评价机构     %s\n", rec->cert.org);
	if (rec->cert.brand[0])
		printf("品牌标识     %s\n", rec->cert.brand);
	printf("批次         %s (line %u), log leaf %llu\n", rec->batch, rec->row,
	    (unsigned long long)rec->log_issue);
}

static int
one_cert_cmd(int argc, char **argv, const char *usage, int which)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'N' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct cert_record rec;
	const char *note = NULL;
	int ch, rc, reason = 0;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'r':
			if ((reason = cert_reason_parse(optarg)) == 0) {
				err_set(&e, ERR_USAGE, "--reason must be issued-in-error, "
				    "fraud, reissued, holder-request or org-suspended");
				return cli_fail(&c, &e);
			}
			break;
		case 'N': note = optarg; break;
		case 'h': printf("%s", usage); return 0;
		default: return ERR_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s", usage);
		return ERR_USAGE;
	}
	if (which == 'r' && !reason) {
		err_set(&e, ERR_USAGE, "revoke needs --reason");
		return cli_fail(&c, &e);
	}
	if ((rc = cli_open(&c, which == 'r' ? 0 : REG_RDONLY, &r, &e)) != 0)
		goto out;
	if (which == 'r' && (rc = registry_load_secrets(r, cli_passphrase(&c), &e)) != 0)
		goto out;
	if ((rc = registry_txn_begin(r, which != 'r', &txn, &e)) != 0)
		goto out;
	if (which == 'r') {
		struct sth h;
		if ((rc = registry_revoke(r, txn, argv[optind], reason, note,
		    r->authority.kid, &e)) != 0 ||
		    (rc = registry_sign_head(r, txn, &h, &e)) != 0)
			goto out;
		if ((rc = cli_commit(&txn, &e)) != 0)
			goto out;
		if ((rc = registry_txn_begin(r, 1, &txn, &e)) != 0)
			goto out;
	}
	if ((rc = registry_get_cert(r, txn, argv[optind], &rec, &e)) != 0)
		goto out;
	if (which == 't') {
		struct buf tok = BUF_INIT, url = BUF_INIT;
		if ((rc = cert_token(rec.enc, rec.enc_len, rec.sig, &tok, &e)) == 0 &&
		    buf_cstr(&tok) != NULL &&
		    (rc = cert_token_url(r->public_url, (char *)tok.data, &url, &e)) == 0) {
			if (c.json) {
				struct buf b = BUF_INIT;
				struct json j;
				json_init(&j, &b);
				json_obj_begin(&j);
				json_kstr(&j, "certno", rec.cert.no);
				json_kstr(&j, "token", (char *)tok.data);
				json_kstr(&j, "url", (char *)url.data);
				json_obj_end(&j);
				cli_print_json(&b);
				buf_free(&b);
			} else {
				printf("%s\n", (char *)url.data);
			}
		}
		buf_free(&tok);
		buf_free(&url);
	} else if (c.json) {
		struct buf b = BUF_INIT;
		struct json j;
		json_init(&j, &b);
		cert_json(&j, r, &rec);
		cli_print_json(&b);
		buf_free(&b);
	} else if (which == 'r') {
		if (!c.quiet)
			printf("revoked %s (%s)\n", rec.cert.no, cert_reason_name(reason));
	} else {
		cert_text(r, &rec);
	}
out:
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_done(&c);
	return rc ? cli_fail(&c, &e) : 0;
}

int
cmd_show(int argc, char **argv)
{
	return one_cert_cmd(argc, argv, "usage: skillcert show CERTNO [--json]\n", 's');
}

int
cmd_token(int argc, char **argv)
{
	return one_cert_cmd(argc, argv, "usage: skillcert token CERTNO [--json]\n"
	    "Prints PUBLIC_URL/V/TOKEN, the URL the certificate's QR code holds.\n", 't');
}

int
cmd_revoke(int argc, char **argv)
{
	return one_cert_cmd(argc, argv, "usage: skillcert revoke CERTNO --reason "
	    "issued-in-error|fraud|reissued|holder-request|org-suspended [--note TEXT]\n"
	    "A revoked certificate never becomes valid again.\n", 'r');
}

struct list_ctx {
	struct registry *r;
	struct json *j;
	size_t n;
};

static int
list_cb(const struct cert_record *rec, void *arg)
{
	struct list_ctx *l = arg;
	const struct occupation *occ = catalog_occ_by_code(&l->r->cat, rec->cert.occ_code);
	char d[11];

	l->n++;
	if (l->j) {
		cert_json(l->j, l->r, rec);
		return 0;
	}
	date_format_iso(rec->cert.issued_on, d);
	printf("%s  %-7s  %s  %s  %s  %s\n", rec->cert.no, cert_status_name(rec->status),
	    d, occ ? occ->name : rec->cert.occ_code, level_full(rec->cert.level),
	    rec->cert.name);
	return 0;
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
	struct buf b = BUF_INIT;
	struct json j;
	struct list_ctx l;
	int ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
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
	if ((rc = cli_open(&c, REG_RDONLY, &r, &e)) != 0 ||
	    (rc = registry_txn_begin(r, 1, &txn, &e)) != 0)
		goto out;
	json_init(&j, &b);
	l.r = r;
	l.j = c.json ? &j : NULL;
	l.n = 0;
	if (c.json)
		json_arr_begin(&j);
	if (idno) {
		char id[CERT_ID_MAX + 1];
		snprintf(id, sizeof(id), "%s", idno);
		for (char *p = id; *p; p++)
			if (*p == 'x')
				*p = 'X';
		rc = registry_each_cert_of_person(r, txn, id, list_cb, &l, &e);
	} else if (batch) {
		rc = registry_each_cert_of_batch(r, txn, batch, list_cb, &l, &e);
	} else {
		rc = registry_each_cert(r, txn, org ? org : "", list_cb, &l, &e);
	}
	if (c.json) {
		json_arr_end(&j);
		if (!rc)
			cli_print_json(&b);
	} else if (!rc && !c.quiet) {
		fprintf(stderr, "%zu certificate%s\n", l.n, l.n == 1 ? "" : "s");
	}
out:
	buf_free(&b);
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_done(&c);
	return rc ? cli_fail(&c, &e) : 0;
}
