/* cmd_cert.c - skillcert issue, show, list, token, revoke. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/issue/issue.h"
#include "skillcert/base/hex.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

static const char *
row_status_name(int s)
{
	return s == ROW_ISSUED ? "issued" : s == ROW_EXISTING ? "existing" :
	    s == ROW_REJECTED ? "rejected" : "not-issued";
}

static void
csv_quote(struct buf *b, const char *s)
{
	buf_append_byte(b, '"');
	for (; *s; s++) {
		buf_append_byte(b, (uint8_t)*s);
		if (*s == '"')
			buf_append_byte(b, '"');
	}
	buf_append_byte(b, '"');
}

/* --partial: the rejected rows with their reasons, as CSV for Excel. */
static int
write_rejects(const char *path, const struct issue_result *res, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	buf_append_str(&b, "\xEF\xBB\xBF" "行号,姓名,原因\r\n");
	for (size_t i = 0; i < res->nrows; i++) {
		const struct issue_row *row = &res->rows[i];
		if (row->status != ROW_REJECTED)
			continue;
		buf_printf(&b, "%d,", row->line);
		csv_quote(&b, row->name);
		buf_append_byte(&b, ',');
		csv_quote(&b, row->msg);
		buf_append_str(&b, "\r\n");
	}
	if (b.oom || buf_write_file_atomic(&b, path, 0644) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s", path);
	buf_free(&b);
	return rc;
}

int
cmd_issue(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'o' },
		{ "roster", required_argument, NULL, 'r' },
		{ "batch", required_argument, NULL, 'b' },
		{ "partial", no_argument, NULL, 'P' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "reissue", no_argument, NULL, 'R' },
		{ "rejects", required_argument, NULL, 'x' },
		{ "threads", required_argument, NULL, 't' },
		{ "pdf", required_argument, NULL, 'p' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct issue_opts o;
	struct issue_result res;
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	const char *rejects = NULL, *pdfdir = NULL;
	char rpath[PATH_MAX];
	int ch, rc, printed;

	cli_init(&c);
	err_clear(&e);
	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'o': o.org = optarg; break;
		case 'r': o.roster_path = optarg; break;
		case 'b': o.batch = optarg; break;
		case 'P': o.partial = 1; break;
		case 'n': o.dry_run = 1; break;
		case 'R': o.reissue = 1; break;
		case 'x': rejects = optarg; break;
		case 't': o.threads = atoi(optarg); break;
		case 'p': pdfdir = optarg; break;
		case 'h':
			printf("usage: skillcert issue --org CODE --roster FILE [--batch ID]\n"
			    "       [--partial [--rejects FILE]] [--dry-run] [--reissue]\n"
			    "       [--pdf DIR] [--threads N] [--json]\n\n"
			    "Roster columns: 姓名 证件类型 证件号码 职业 工种 等级 评价方式 "
			    "考核日期 照片 工作单位\n(or name id_type id_number occupation "
			    "trade level method assessed_on photo employer).\nEvery row is "
			    "checked first; if any fails nothing is issued (exit 1) unless\n"
			    "--partial, which issues the good rows and writes the others with "
			    "reasons\nto FILE (default ROSTER.rejects.csv). Re-running the same "
			    "--batch (default: a\nhash of the roster) issues nothing twice and "
			    "reports the numbers given.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (!o.org || !o.roster_path) {
		err_set(&e, ERR_USAGE, "issue needs --org CODE and --roster FILE");
		return cli_fail(&c, &e);
	}
	o.passphrase = cli_passphrase(&c);
	o.progress = c.quiet || c.json ? NULL : cli_progress;
	if ((rc = cli_open(&c, 0, &r, &e)) != 0)
		goto out;
	rc = issue_roster(r, &o, &res, &e);
	if (rc == 0 && o.partial && res.rejected) {
		if (!rejects) {
			snprintf(rpath, sizeof(rpath), "%s.rejects.csv", o.roster_path);
			rejects = rpath;
		}
		if (write_rejects(rejects, &res, &e) != 0)
			rc = e.code;
	}
	if (c.json) {
		struct buf b = BUF_INIT;
		struct json j;
		char root[65];
		json_init(&j, &b);
		json_obj_begin(&j);
		json_kstr(&j, "batch", res.batch);
		json_kbool(&j, "committed", res.committed);
		json_kbool(&j, "dry_run", o.dry_run);
		json_kint(&j, "rows", (int64_t)res.nrows);
		json_kint(&j, "issued", (int64_t)res.issued);
		json_kint(&j, "existing", (int64_t)res.existing);
		json_kint(&j, "rejected", (int64_t)res.rejected);
		if (rejects && res.rejected)
			json_kstr(&j, "rejects_file", rejects);
		if (rc) {
			json_key(&j, "error");
			json_obj_begin(&j);
			json_kstr(&j, "code", err_name(rc));
			json_kstr(&j, "message", e.msg);
			json_obj_end(&j);
		}
		if (res.committed && res.issued) {
			hex_encode(res.head.root, 32, root);
			json_key(&j, "log");
			json_obj_begin(&j);
			json_kint(&j, "size", (int64_t)res.head.size);
			json_kstr(&j, "root", root);
			json_obj_end(&j);
		}
		json_key(&j, "certificates");
		json_arr_begin(&j);
		for (size_t i = 0; i < res.nrows; i++) {
			const struct issue_row *row = &res.rows[i];
			if (row->line == 0)
				continue; /* not reached */
			json_obj_begin(&j);
			json_kint(&j, "line", row->line);
			json_kstr(&j, "status", row_status_name(row->status));
			if (row->certno[0])
				json_kstr(&j, "certno", row->certno);
			if (row->replaced[0])
				json_kstr(&j, "replaced", row->replaced);
			if (row->status == ROW_REJECTED)
				json_kstr(&j, "error", row->msg);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		cli_print_json(&b);
		buf_free(&b);
	} else {
		for (size_t i = 0; i < res.nrows; i++) {
			const struct issue_row *row = &res.rows[i];
			if (row->line == 0)
				continue;
			if (row->status == ROW_REJECTED)
				fprintf(stderr, "%s: line %d: %s\n", o.roster_path, row->line,
				    row->msg);
			else if (!c.quiet && row->certno[0])
				printf("%-8s %s  %s%s%s\n", row_status_name(row->status),
				    row->certno, row->name, row->replaced[0] ? "  replaces " : "",
				    row->replaced);
		}
		if (rc)
			fprintf(stderr, "skillcert: %s\n", e.msg);
		else if (!c.quiet)
			printf("batch %s: %zu issued, %zu already issued, %zu rejected%s%s\n",
			    res.batch, res.issued, res.existing, res.rejected,
			    o.dry_run ? " (dry run: nothing stored)" : "",
			    res.rejected ? " (see rejects file)" : "");
	}
	if (rc == 0 && pdfdir && res.committed) {
		/* The render command itself, read-only, on the batch just stored;
		 * quiet under --json so stdout stays one document. */
		char *rargv[] = { "render", "--db", (char *)c.db, "--out", (char *)pdfdir,
			"--batch", res.batch, "--quiet", NULL };
		int rargc = c.quiet || c.json ? 8 : 7;
		rargv[rargc] = NULL;
		registry_close(r);
		r = NULL;
		rc = cmd_render(rargc, rargv);
	}
out:
	/* Row-level failures were printed above; others still need saying. */
	printed = res.nrows > 0;
	issue_result_free(&res);
	registry_close(r);
	cli_done(&c);
	if (rc && !printed)
		return cli_fail(&c, &e);
	return rc;
}

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
