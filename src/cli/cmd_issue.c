/* cmd_issue.c - skillcert issue: a roster in, signed certificates out, with
 * a report a clerk can act on (each rejected row, its line and reason). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skillcert/base/csv.h"
#include "skillcert/issue/issue.h"
#include "skillcert/base/hex.h"

struct cmd_issue_args {
	struct issue_opts o;
	const char *rejects;     /* --rejects, else rpath once needed */
	const char *pdfdir;
	const char *mode_arg;    /* --mode, as given (passed on to render) */
	int mode;                /* of the rejects file: it holds ID numbers */
	int reported;            /* the report, which holds any error, printed */
	char rpath[PATH_MAX];
};

static const char *
cmd_issue_name_status(int s)
{
	return s == ROW_ISSUED ? "issued" : s == ROW_EXISTING ? "existing" :
	    s == ROW_REJECTED ? "rejected" : s == ROW_FAILED ?
	    "failed-assessment" : "not-issued";
}

static void
cmd_issue_print_usage(void)
{
	printf("usage: skillcert issue --org CODE --roster FILE [--batch ID]\n"
	    "       [--partial [--rejects FILE]] [--dry-run] [--reissue]\n"
	    "       [--photos DIR] [--pdf DIR] [--mode OCTAL] [--threads N] [--json]\n"
	    "       [--name-change REASON]\n\n"
	    "The roster is CSV (UTF-8 or GB18030) or an Excel/WPS .xlsx (its "
	    "first sheet;\ntype ID numbers as text).\n"
	    "Roster columns: 姓名 证件类型 证件号码 职业 工种 等级 评价方式 "
	    "考核日期 照片 工作单位\n(or name id_type id_number occupation "
	    "trade level method assessed_on photo employer),\nand optionally "
	    "结果 (result): 合格/不合格 or pass/fail, default 合格; a failed\n"
	    "candidate gets no number, the batch counts assessed and passed.\n"
	    "Every row is "
	    "checked first; if any fails nothing is issued (exit 1) unless\n"
	    "--partial, which issues the good rows and writes the others with "
	    "reasons\nto FILE (default ROSTER.rejects.csv). Re-running the same "
	    "--batch (default: a\nhash of the roster) issues nothing twice and "
	    "reports the numbers given.\n照片 names a file inside the roster's folder "
	    "(or --photos DIR): a\nrelative path, no '..', no symlinks. A "
	    "document number already issued under\nanother name is refused; "
	    "the authority overrides with --name-change REASON,\nrecorded in "
	    "each certificate's record.\nThe rejects file and the PDFs hold "
	    "full names and ID numbers: they are\nwritten 0600 unless --mode "
	    "says otherwise.\n");
}

static int
cmd_issue_parse_args(int argc, char **argv, struct cli *c,
    struct cmd_issue_args *a, struct err *e)
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
		{ "mode", required_argument, NULL, 'm' },
		{ "photos", required_argument, NULL, 'F' },
		{ "name-change", required_argument, NULL, 'N' },
		CLI_COMMON_OPTS, { 0 }
	};
	int ch;

	memset(a, 0, sizeof(*a));
	a->mode = 0600;
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': a->o.org = optarg; break;
		case 'r': a->o.roster_path = optarg; break;
		case 'b': a->o.batch = optarg; break;
		case 'P': a->o.partial = 1; break;
		case 'n': a->o.dry_run = 1; break;
		case 'R': a->o.reissue = 1; break;
		case 'x': a->rejects = optarg; break;
		case 't': a->o.threads = atoi(optarg); break;
		case 'p': a->pdfdir = optarg; break;
		case 'F': a->o.photos_dir = optarg; break;
		case 'N': a->o.name_change_reason = optarg; break;
		case 'm':
			if (cli_parse_mode(optarg, &a->mode, e) != 0)
				return cli_print_error(c, e);
			a->mode_arg = optarg;
			break;
		case 'h': cmd_issue_print_usage(); return 0;
		default: return ERR_USAGE;
		}
	}
	if (!a->o.org || !a->o.roster_path) {
		err_set(e, ERR_USAGE, "issue needs --org CODE and --roster FILE");
		return cli_print_error(c, e);
	}
	return CLI_RUN;
}

/* --partial: the rejected rows with their reasons, as CSV for Excel. */
static int
cmd_issue_write_rejects(const char *path, int mode,
    const struct issue_result *res, struct err *e)
{
	struct buf b = BUF_INIT;
	int rc = 0;

	buf_append_str(&b, "\xEF\xBB\xBF" "行号,姓名,原因\r\n");
	for (size_t i = 0; i < res->nrows; i++) {
		const struct issue_row *row = &res->rows[i];
		if (row->status != ROW_REJECTED)
			continue;
		buf_printf(&b, "%d,", row->line);
		csv_append_cell(&b, row->name);
		buf_append_byte(&b, ',');
		csv_append_cell(&b, row->msg);
		buf_append_str(&b, "\r\n");
	}
	if (b.oom || buf_write_file_atomic(&b, path, mode) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s", path);
	buf_free(&b);
	return rc;
}

/* The rows reached, each with its number or its reason. */
static void
cmd_issue_write_rows(struct json *j, const struct issue_result *res)
{
	json_key(j, "certificates");
	json_arr_begin(j);
	for (size_t i = 0; i < res->nrows; i++) {
		const struct issue_row *row = &res->rows[i];
		if (row->line == 0)
			continue; /* not reached */
		json_obj_begin(j);
		json_kint(j, "line", row->line);
		json_kstr(j, "status", cmd_issue_name_status(row->status));
		if (row->certno[0])
			json_kstr(j, "certno", row->certno);
		if (row->replaced[0])
			json_kstr(j, "replaced", row->replaced);
		if (row->status == ROW_REJECTED)
			json_kstr(j, "error", row->msg);
		json_obj_end(j);
	}
	json_arr_end(j);
}

static void
cmd_issue_print_json(const struct cmd_issue_args *a,
    const struct issue_result *res, int rc, const struct err *e)
{
	struct cli_doc d;
	char root[65];

	cli_begin_doc(&d);
	json_obj_begin(&d.j);
	json_kstr(&d.j, "batch", res->batch);
	json_kbool(&d.j, "committed", res->committed);
	json_kbool(&d.j, "dry_run", a->o.dry_run);
	json_kint(&d.j, "rows", (int64_t)res->nrows);
	json_kint(&d.j, "issued", (int64_t)res->issued);
	json_kint(&d.j, "existing", (int64_t)res->existing);
	json_kint(&d.j, "rejected", (int64_t)res->rejected);
	json_kint(&d.j, "assessed", (int64_t)res->assessed);
	json_kint(&d.j, "passed", (int64_t)res->passed);
	if (a->rejects && res->rejected)
		json_kstr(&d.j, "rejects_file", a->rejects);
	if (rc)
		cli_write_error(&d.j, rc, e->msg);
	if (res->committed && res->issued) {
		hex_encode(res->head.root, 32, root);
		json_key(&d.j, "log");
		json_obj_begin(&d.j);
		json_kint(&d.j, "size", (int64_t)res->head.size);
		json_kstr(&d.j, "root", root);
		json_obj_end(&d.j);
	}
	cmd_issue_write_rows(&d.j, res);
	json_obj_end(&d.j);
	cli_print_doc(&d);
}

/* Rejected rows go to stderr whatever --quiet says: they need fixing. */
static void
cmd_issue_print_text(const struct cli *c, const struct cmd_issue_args *a,
    const struct issue_result *res, int rc, const struct err *e)
{
	for (size_t i = 0; i < res->nrows; i++) {
		const struct issue_row *row = &res->rows[i];
		if (row->line == 0)
			continue;
		if (row->status == ROW_REJECTED)
			fprintf(stderr, "%s: line %d: %s\n", a->o.roster_path, row->line,
			    row->msg);
		else if (!c->quiet && row->status == ROW_FAILED)
			printf("%s  %s\n", cmd_issue_name_status(row->status),
			    row->name);
		else if (!c->quiet && row->certno[0])
			printf("%-8s %s  %s%s%s\n", cmd_issue_name_status(row->status),
			    row->certno, row->name, row->replaced[0] ? "  replaces " : "",
			    row->replaced);
	}
	if (rc)
		fprintf(stderr, "skillcert: %s\n", e->msg);
	else if (!c->quiet)
		printf("batch %s: %zu issued, %zu already issued, %zu rejected%s%s\n",
		    res->batch, res->issued, res->existing, res->rejected,
		    a->o.dry_run ? " (dry run: nothing stored)" : "",
		    res->rejected ? " (see rejects file)" : "");
	if (rc == 0 && !c->quiet)
		printf("batch %s: %zu assessed, %zu passed\n", res->batch,
		    res->assessed, res->passed);
}

/* --pdf: the render command itself, read-only, on the batch just stored;
 * quiet under --json so stdout stays one document. */
static int
cmd_issue_render_batch(const struct cli *c, const struct cmd_issue_args *a,
    const char *batch)
{
	char *rargv[12] = { "render", "--db", (char *)c->db, "--out",
		(char *)a->pdfdir, "--batch", (char *)batch };
	int rargc = 7;

	if (a->mode_arg) {
		rargv[rargc++] = "--mode";
		rargv[rargc++] = (char *)a->mode_arg;
	}
	if (c->quiet || c->json)
		rargv[rargc++] = "--quiet";
	rargv[rargc] = NULL;
	return cmd_render(rargc, rargv);
}

/* Issues, reports and renders; the registry is closed before rendering,
 * which opens it again read-only. */
static int
cmd_issue_run(struct cli *c, struct cmd_issue_args *a,
    struct issue_result *res, struct err *e)
{
	struct registry *r = NULL;
	int rc;

	if ((rc = cli_read_passphrase(c, 0, &a->o.passphrase, e)) != 0)
		return rc;
	a->o.progress = c->quiet || c->json ? NULL : cli_print_progress;
	if ((rc = cli_open_registry(c, 0, &r, e)) != 0)
		return rc;
	rc = issue_roster(r, &a->o, res, e);
	if (rc == 0 && a->o.partial && res->rejected) {
		if (!a->rejects) {
			snprintf(a->rpath, sizeof(a->rpath), "%s.rejects.csv",
			    a->o.roster_path);
			a->rejects = a->rpath;
		}
		if (cmd_issue_write_rejects(a->rejects, a->mode, res, e) != 0)
			rc = e->code;
	}
	if (c->json)
		cmd_issue_print_json(a, res, rc, e);
	else
		cmd_issue_print_text(c, a, res, rc, e);
	a->reported = 1;  /* the report holds the error: say it once */
	registry_close(r);
	if (rc == 0 && a->pdfdir && res->committed)
		rc = cmd_issue_render_batch(c, a, res->batch);
	return rc;
}

int
cmd_issue(int argc, char **argv)
{
	struct cmd_issue_args a;
	struct issue_result res;
	struct cli c;
	struct err e;
	int rc, printed;

	cli_init(&c);
	err_clear(&e);
	memset(&res, 0, sizeof(res));
	if ((rc = cmd_issue_parse_args(argc, argv, &c, &a, &e)) != CLI_RUN)
		return rc;
	rc = cmd_issue_run(&c, &a, &res, &e);
	/* The report (or render) said what went wrong; errors before it
	 * still need saying. */
	printed = a.reported;
	issue_result_free(&res);
	return cli_end_cmd(&c, NULL, NULL, rc, printed ? NULL : &e);
}
