/* cmd_signals.c - skillcert signals: the supervision rules (src/data/
 * signals.csv) over every certificate, each hit with its evidence, for the
 * authority to look into; a hit is a reason to look, not a verdict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "skillcert/supervise/signals.h"
#include "cli.h"

struct signals_args {
	const char *since, *until, *org, *rule, *rules, *format, *fail_on;
	long limit;
};

static const char signals_usage[] =
    "usage: skillcert signals [--since YYYY-MM-DD] [--until YYYY-MM-DD]\n"
    "       [--org CODE] [--rule ID] [--rules FILE] [--format table|csv|json]\n"
    "       [--limit-evidence N] [--fail-on low|medium|high]\n\n"
    "Runs the enabled rules of the rules file (--rules, else the registry's\n"
    "DIR/signals.csv when present, else the built-in src/data/signals.csv)\n"
    "over the certificates issued from --since to --until (default all),\n"
    "of one organization with --org. --rule runs that one rule, even when\n"
    "the file disables it. Each hit: rule, severity, organization or person\n"
    "(masked ID number and name), what it found with the numbers, and its\n"
    "evidence: the first --limit-evidence (default 10) certificate numbers\n"
    "and the count. CSV has a UTF-8 BOM. Exit 0 with or without hits; with\n"
    "--fail-on, 1 when a hit is at least that severe.\n";

static int
signals_query(const struct signals_args *a, const struct sig_data *d,
    struct sig_query *q, struct err *e)
{
	memset(q, 0, sizeof(*q));
	q->org = -1;
	q->rule = a->rule;
	if ((a->since && date_parse(a->since, &q->since) != 0) ||
	    (a->until && date_parse(a->until, &q->until) != 0))
		return err_set(e, ERR_USAGE, "--since/--until: YYYY-MM-DD");
	if (q->since && q->until && q->since > q->until)
		return err_set(e, ERR_USAGE, "--since is after --until");
	if (a->org && (q->org = sig_data_find_org(d, a->org)) < 0)
		return err_set(e, ERR_NOTFOUND, "organization %s is not filed",
		    a->org);
	return 0;
}

/* --rules FILE, else the registry's own, else the built-in file. */
static int
signals_rules(const struct signals_args *a, const struct registry *r,
    struct sig_rules *rules, struct err *e)
{
	if (a->rules)
		return sig_rules_load(a->rules, rules, e);
	return sig_rules_load_registry(r, rules, e);
}

static int
signals_worst(const struct sig_hits *h)
{
	int w = 0;

	for (size_t i = 0; i < h->n; i++)
		if (h->v[i].rule->severity > w)
			w = h->v[i].rule->severity;
	return w;
}

static int
signals_run(const struct signals_args *a, int fmt, struct registry *r,
    MDB_txn *txn, struct err *e)
{
	struct sig_rules rules;
	struct sig_data d;
	struct sig_query q;
	struct sig_hits h;
	struct buf out = BUF_INIT;
	struct sig_person_src p = { r, txn, NULL };
	int rc;

	sig_data_init(&d);
	sig_hits_init(&h, (size_t)a->limit);
	p.d = &d;
	if ((rc = signals_rules(a, r, &rules, e)) != 0)
		return rc;
	if ((rc = sig_data_load(&d, r, txn, e)) == 0 &&
	    (rc = signals_query(a, &d, &q, e)) == 0 &&
	    (rc = sig_run(&rules, &d, &q, &h, e)) == 0) {
		if (sig_write(&h, &d, fmt, sig_person_masked, &p, &out) != 0)
			rc = err_set(e, ERR_NOMEM, "out of memory");
		else if (fwrite(out.data, 1, out.len, stdout) != out.len ||
		    fflush(stdout) != 0)
			rc = err_set(e, ERR_IO, "cannot write the signals");
		else if (a->fail_on && signals_worst(&h) >=
		    sig_severity_parse(a->fail_on))
			rc = ERR_INVALID;
	}
	buf_free(&out);
	sig_hits_free(&h);
	sig_data_free(&d);
	sig_rules_free(&rules);
	return rc;
}

static int
signals_opt(struct signals_args *a, int ch)
{
	char *end;

	switch (ch) {
	case 's': a->since = optarg; break;
	case 'u': a->until = optarg; break;
	case 'o': a->org = optarg; break;
	case 'r': a->rule = optarg; break;
	case 'R': a->rules = optarg; break;
	case 'F': a->format = optarg; break;
	case 'f': a->fail_on = optarg; break;
	case 'l':
		a->limit = strtol(optarg, &end, 10);
		if (*end != '\0' || end == optarg || a->limit < 0 || a->limit > 100000) {
			fprintf(stderr, "skillcert: --limit-evidence: 0 to 100000\n");
			return ERR_USAGE;
		}
		break;
	case 'h': fputs(signals_usage, stdout); return 0;
	default: return ERR_USAGE;
	}
	return CLI_RUN;
}

static int
signals_format(const struct cli *c, const char *s)
{
	if (s == NULL)
		return c->json ? SIG_FMT_JSON : SIG_FMT_TABLE;
	return strcmp(s, "table") == 0 ? SIG_FMT_TABLE : strcmp(s, "csv") == 0 ?
	    SIG_FMT_CSV : strcmp(s, "json") == 0 ? SIG_FMT_JSON : -1;
}

int
cmd_signals(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "org", required_argument, NULL, 'o' },
		{ "rule", required_argument, NULL, 'r' },
		{ "rules", required_argument, NULL, 'R' },
		{ "format", required_argument, NULL, 'F' },
		{ "fail-on", required_argument, NULL, 'f' },
		{ "limit-evidence", required_argument, NULL, 'l' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct signals_args a = { .limit = 10 };
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	MDB_txn *txn = NULL;
	int ch, rc, fmt;

	cli_init(&c);
	err_clear(&e);
	while ((ch = cli_parse_opt(&c, argc, argv, opts)) != -1)
		if ((rc = signals_opt(&a, ch)) != CLI_RUN) {
			cli_free(&c);
			return rc;
		}
	if (optind != argc)
		rc = err_set(&e, ERR_USAGE, "usage: skillcert signals [options] "
		    "(see --help)");
	else if ((fmt = signals_format(&c, a.format)) < 0)
		rc = err_set(&e, ERR_USAGE, "--format: table, csv or json");
	else if (a.fail_on && sig_severity_parse(a.fail_on) == 0)
		rc = err_set(&e, ERR_USAGE, "--fail-on: low, medium or high");
	else if ((rc = cli_open_txn(&c, REG_RDONLY, &r, &txn, &e)) == 0)
		rc = signals_run(&a, fmt, r, txn, &e);
	/* --fail-on's exit 1 comes with the report printed, no message */
	return cli_end_cmd(&c, r, txn, rc, rc == ERR_INVALID && a.fail_on &&
	    !e.msg[0] ? NULL : &e);
}
