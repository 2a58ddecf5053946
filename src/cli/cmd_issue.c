/* cmd_issue.c - skillcert issue: a roster in, signed certificates out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/issue/issue.h"
#include "skillcert/base/hex.h"

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
