/* cmd_stats.c - skillcert stats and targets: the supervision statistics
 * from the issuance counters, their check against the certificates, and
 * the plan's targets they are measured against. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "skillcert/store/counters.h"
#include "skillcert/store/targetstore.h"
#include "cli.h"
#include "skillcert/report/report.h"

struct stats_args {
	const char *year, *quarter, *from, *to, *region, *by, *format;
	const char *out, *fonts;
	int check, repair;
};

static const char stats_usage[] =
    "usage: skillcert stats [--year Y] [--quarter 2021Q3] [--from D --to D]\n"
    "       [--region CODE] [--by region|org|occupation|level|method|month|"
    "home-region]\n"
    "       [--format table|csv|json|xlsx|html|pdf] [--out FILE] [--fonts F]\n"
    "       skillcert stats --check [--repair]\n\n"
    "Without --by: the quarterly report (the current quarter unless --quarter,\n"
    "the last of --year): a row per region below --region (default the\n"
    "province), a total, and per target occupation group the target, this\n"
    "quarter, the cumulative count, completion % and the projection at the\n"
    "current pace; then the level breakdown and issuance by month (the\n"
    "HTML and PDF draw done against target per region as bars and the\n"
    "cumulative issuance per month as a line).\nWith --by: certificates valid and revoked per value, over\n"
    "--from/--to (whole months), --quarter or --year (default this year).\n"
    "--out FILE writes the report there (atomically); xlsx and pdf need it,\n"
    "the text formats go to standard output without it. --fonts: TrueType\n"
    "fonts for the PDF, separated by ':' (default WenQuanYi Zen Hei, then\n"
    "AR PL UMing, then LXGW WenKai).\n"
    "Reports read the counters kept at issuance, never every certificate.\n"
    "--check recomputes the counters from the certificates (exit 0 when they\n"
    "agree, 1 naming the first difference); --repair rebuilds them first,\n"
    "which a registry made before the counters needs once.\n";

static int
stats_parse_by(const char *s)
{
	static const char *const names[] = { "", "region", "org", "occupation",
		"level", "method", "month", "home-region" };

	for (int i = 1; i < (int)(sizeof(names) / sizeof(names[0])); i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static int
stats_parse_quarter(const char *s, int *y, int *q)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end != s + 4 || (*end != 'Q' && *end != 'q') || end[1] < '1' ||
	    end[1] > '4' || end[2] != '\0' || v < 2000 || v > 2099)
		return -1;
	*y = (int)v;
	*q = end[1] - '0';
	return 0;
}

static int
stats_month_of(const char *s, int *month)
{
	int32_t d;
	int y, m, dd;

	if (date_parse(s, &d) != 0)
		return -1;
	date_to_ymd(d, &y, &m, &dd);
	*month = y * 100 + m;
	return 0;
}

/* The report's period and scope from the options. */
static int
stats_query(const struct registry *r, const struct stats_args *a,
    struct report_query *q, struct err *e)
{
	int year = 0, quarter = 0;

	if (a->quarter && stats_parse_quarter(a->quarter, &year, &quarter) != 0)
		return err_set(e, ERR_USAGE, "--quarter: YYYYQn, e.g. 2021Q3");
	if (!a->quarter && a->year && ((year = atoi(a->year)) < 2000 ||
	    year > 2099))
		return err_set(e, ERR_USAGE, "--year: YYYY");
	report_query_quarterly(q, r->province * 10000, year, quarter,
	    date_today());
	if (a->by && (q->by = stats_parse_by(a->by)) < 0)
		return err_set(e, ERR_USAGE, "--by: region, org, occupation, "
		    "level, method, month or home-region");
	if (a->region && ((q->scope = catalog_region_code_parse(a->region)) < 0 ||
	    catalog_region_by_code(&r->cat, q->scope) == NULL))
		return err_set(e, ERR_USAGE, "--region %s is not in the region "
		    "catalog", a->region);
	if ((a->from || a->to) && !q->by)
		return err_set(e, ERR_USAGE, "--from/--to go with --by (the "
		    "quarterly report takes --quarter or --year)");
	if ((a->from && stats_month_of(a->from, &q->from) != 0) ||
	    (a->to && stats_month_of(a->to, &q->to) != 0) || q->from > q->to)
		return err_set(e, ERR_USAGE, "--from/--to: YYYY-MM-DD, from "
		    "before to");
	return 0;
}

static int
stats_format(const struct cli *c, const char *s)
{
	if (s == NULL)
		return c->json ? FMT_JSON : FMT_TABLE;
	if (strcmp(s, "table") == 0)
		return FMT_TABLE;
	if (strcmp(s, "csv") == 0)
		return FMT_CSV;
	if (strcmp(s, "json") == 0)
		return FMT_JSON;
	if (strcmp(s, "xlsx") == 0)
		return FMT_XLSX;
	if (strcmp(s, "html") == 0)
		return FMT_HTML;
	if (strcmp(s, "pdf") == 0)
		return FMT_PDF;
	return -1;
}

/* The report in its format into out. */
static int
stats_render(const struct report *rp, int fmt, const struct stats_args *a,
    struct buf *out, struct err *e)
{
	if (fmt == FMT_XLSX)
		return report_write_xlsx(rp, out, e);
	if (fmt == FMT_PDF)
		return report_write_pdf(rp, a->fonts, out, e);
	if ((fmt == FMT_HTML ? report_write_html(rp, out, 1) :
	    report_write(rp, fmt, out)) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

static int
stats_emit(const struct cli *c, const struct buf *out, const char *path,
    struct err *e)
{
	if (path != NULL) {
		if (buf_write_file_atomic(out, path, 0644) != 0)
			return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		if (!c->quiet)
			fprintf(stderr, "stats: wrote %s (%zu bytes)\n", path,
			    out->len);
		return 0;
	}
	if (fwrite(out->data, 1, out->len, stdout) != out->len ||
	    fflush(stdout) != 0)
		return err_set(e, ERR_IO, "cannot write the report");
	return 0;
}

static int
stats_report(struct cli *c, struct registry *r, MDB_txn *txn,
    const struct stats_args *a, struct err *e)
{
	struct report_query q;
	struct report *rp;
	struct buf out = BUF_INIT;
	int fmt, rc;

	if ((fmt = stats_format(c, a->format)) < 0)
		return err_set(e, ERR_USAGE, "--format: table, csv, json, xlsx, "
		    "html or pdf");
	if ((fmt == FMT_XLSX || fmt == FMT_PDF) && a->out == NULL)
		return err_set(e, ERR_USAGE, "--format %s writes a file: give "
		    "--out FILE", a->format);
	if ((rc = stats_query(r, a, &q, e)) != 0)
		return rc;
	if ((rp = calloc(1, sizeof(*rp))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((rc = report_make(r, txn, &q, rp, e)) == 0 &&
	    (rc = stats_render(rp, fmt, a, &out, e)) == 0)
		rc = stats_emit(c, &out, a->out, e);
	report_free(rp);
	free(rp);
	buf_free(&out);
	return rc;
}

static int
stats_check(struct cli *c, const struct stats_args *a, struct registry **r,
    MDB_txn **txn, struct err *e)
{
	int rc;

	if ((rc = cli_open_txn(c, a->repair ? 0 : REG_RDONLY, r, txn, e)) != 0)
		return rc;
	if (a->repair && ((rc = counters_rebuild(*r, *txn, e)) != 0 ||
	    (rc = cli_commit_txn(txn, e)) != 0 ||
	    (rc = registry_txn_begin(*r, 1, txn, e)) != 0))
		return rc;
	if (!counters_ready(*r, *txn))
		return err_set(e, ERR_NOTFOUND, "this registry predates the "
		    "issuance counters: run `skillcert stats --check --repair`");
	if ((rc = counters_check(*r, *txn, e)) != 0)
		return rc;
	if (!c->quiet)
		printf("stats: the counters agree with the certificates%s\n",
		    a->repair ? " (rebuilt)" : "");
	return 0;
}

static int
stats_opt(struct stats_args *a, int ch)
{
	switch (ch) {
	case 'y': a->year = optarg; break;
	case 'q': a->quarter = optarg; break;
	case 'f': a->from = optarg; break;
	case 't': a->to = optarg; break;
	case 'r': a->region = optarg; break;
	case 'b': a->by = optarg; break;
	case 'F': a->format = optarg; break;
	case 'o': a->out = optarg; break;
	case 'T': a->fonts = optarg; break;
	case 'c': a->check = 1; break;
	case 'R': a->repair = 1; break;
	case 'h': fputs(stats_usage, stdout); return 0;
	default: return ERR_USAGE;
	}
	return CLI_RUN;
}

int
cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "year", required_argument, NULL, 'y' },
		{ "quarter", required_argument, NULL, 'q' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "region", required_argument, NULL, 'r' },
		{ "by", required_argument, NULL, 'b' },
		{ "format", required_argument, NULL, 'F' },
		{ "out", required_argument, NULL, 'o' },
		{ "fonts", required_argument, NULL, 'T' },
		{ "check", no_argument, NULL, 'c' },
		{ "repair", no_argument, NULL, 'R' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct stats_args a;
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	int ch, rc;

	memset(&a, 0, sizeof(a));
	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1)
		if ((rc = stats_opt(&a, ch)) != CLI_RUN) {
			cli_free(&c);
			return rc;
		}
	if (optind != argc || (a.repair && !a.check))
		rc = err_set(&e, ERR_USAGE, "usage: skillcert stats [options] "
		    "(--repair goes with --check; see --help)");
	else if (a.check)
		rc = stats_check(&c, &a, &r, &txn, &e);
	else if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) == 0)
		rc = stats_report(&c, r, txn, &a, &e);
	return cli_end_cmd(&c, r, txn, rc, &e);
}

static void
targets_print(const struct cli *c, const struct targets *t)
{
	struct cli_doc d;

	if (!c->json) {
		printf("region_code,region_name,year,occupations,target\n");
		for (size_t i = 0; i < t->n; i++) {
			const struct target *g = &t->v[i];
			char y[16], code[16] = "";
			if (g->region)
				snprintf(code, sizeof(code), "%06d",
				    (int)g->region);
			if (g->year_from == g->year_to)
				snprintf(y, sizeof(y), "%d", g->year_from);
			else
				snprintf(y, sizeof(y), "%d-%d", g->year_from,
				    g->year_to);
			printf("%s,%s,%s,%s,%llu%s\n", code, g->region_name, y, g->occs,
			    (unsigned long long)g->target, g->in_catalog ? "" :
			    "  # occupation not in the catalog");
		}
		return;
	}
	cli_begin_doc(&d);
	json_arr_begin(&d.j);
	for (size_t i = 0; i < t->n; i++) {
		const struct target *g = &t->v[i];
		json_obj_begin(&d.j);
		json_kint(&d.j, "region_code", g->region);
		json_kstr(&d.j, "region_name", g->region_name);
		json_kint(&d.j, "year_from", g->year_from);
		json_kint(&d.j, "year_to", g->year_to);
		json_kstr(&d.j, "occupations", g->occs);
		json_kint(&d.j, "target", (int64_t)g->target);
		json_kbool(&d.j, "in_catalog", g->in_catalog);
		json_obj_end(&d.j);
	}
	json_arr_end(&d.j);
	cli_print_doc(&d);
}

int
cmd_targets(int argc, char **argv)
{
	static const struct option opts[] = { CLI_COMMON_OPTS, { 0 } };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	struct targets t;
	size_t rows;
	int ch, rc;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1) {
		if (ch == 'h') {
			printf("usage: skillcert targets load FILE\n"
			    "       skillcert targets list [--json]\n"
			    "FILE: region_code,region_name,year,occupations,target "
			    "(year YYYY or\nYYYY-YYYY; occupations separated by | or "
			    "* for all). Checked, then\nreplaces the stored targets "
			    "whole.\n");
			cli_free(&c);
			return 0;
		}
		cli_free(&c);
		return ERR_USAGE;
	}
	if (argc - optind == 2 && strcmp(argv[optind], "load") == 0) {
		if ((rc = cli_open_txn(&c, 0, &r, &txn, &e)) == 0 &&
		    (rc = registry_load_targets(r, txn, argv[optind + 1], &rows,
		    &e)) == 0 && (rc = cli_commit_txn(&txn, &e)) == 0 &&
		    !c.quiet)
			printf("targets replaced from %s (%zu rows)\n",
			    argv[optind + 1], rows);
	} else if (argc - optind == 1 && strcmp(argv[optind], "list") == 0) {
		if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) == 0 &&
		    (rc = registry_get_targets(r, txn, &t, &e)) == 0) {
			targets_print(&c, &t);
			targets_free(&t);
		}
	} else
		rc = err_set(&e, ERR_USAGE, "usage: skillcert targets load FILE "
		    "| list [--json]");
	return cli_end_cmd(&c, r, txn, rc, &e);
}
