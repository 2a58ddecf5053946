/* rules.c - the rules file (src/data/signals.csv): which rules run, their
 * severity and thresholds, checked field by field so that a typo in a
 * threshold is an error naming its line, never a rule silently off. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "rule.h"

#ifndef SKILLCERT_DATADIR
#define SKILLCERT_DATADIR "src/data"
#endif
#define SIG_FILE_MAX (1u << 20)

const struct sig_rule_def sig_rule_defs[] = {
	{ "org-weekly-spike", { "factor", "min_count", "min_weeks" }, { 5, 50, 4 },
	  NULL, NULL, sig_rule_weekly_spike },
	{ "org-capacity", { "factor" }, { 1 }, NULL, NULL, sig_rule_capacity },
	{ "pass-all", { "min_assessed", "min_batches" }, { 30, 2 }, NULL, NULL,
	  sig_rule_pass_all },
	{ "pass-above-province", { "min_assessed", "min_peer", "margin" },
	  { 100, 30, 0.2 }, NULL, NULL, sig_rule_pass_above },
	{ "level-jump", { "min_rise", "days" }, { 2, 365 }, NULL, NULL,
	  sig_rule_level_jump },
	{ "multi-org", { "min_orgs", "days" }, { 3, 180 }, NULL, NULL,
	  sig_rule_multi_org },
	{ "id-names", { "min_names" }, { 2 }, NULL, NULL, sig_rule_id_names },
	{ "high-level-share", { "min_certs", "min_peer", "factor", "margin" },
	  { 50, 50, 3, 0.2 }, NULL, NULL, sig_rule_high_share },
	{ "assess-gap", { "max_days", "min_count" }, { 180, 10 }, NULL, NULL,
	  sig_rule_assess_gap },
	{ "assess-day", { "min_holiday", "max_per_day" }, { 20, 300 },
	  "holidays", "01-01|05-01|10-01|10-02|10-03", sig_rule_assess_day },
	{ "pre-suspension", { "days", "min_count" }, { 30, 1 }, NULL, NULL,
	  sig_rule_pre_suspension },
	{ "employer-mismatch", { "min_share", "min_count" }, { 0.2, 5 }, NULL,
	  NULL, sig_rule_employer },
	{ "revocation-rate", { "min_certs", "max_rate" }, { 50, 0.05 }, NULL,
	  NULL, sig_rule_revocations },
};
const size_t sig_rule_ndefs = sizeof(sig_rule_defs) / sizeof(sig_rule_defs[0]);

const char *
sig_severity_name(int s)
{
	return s == SIG_HIGH ? "high" : s == SIG_MEDIUM ? "medium" : "low";
}

int
sig_severity_parse(const char *s)
{
	if (strcmp(s, "low") == 0)
		return SIG_LOW;
	if (strcmp(s, "medium") == 0)
		return SIG_MEDIUM;
	return strcmp(s, "high") == 0 ? SIG_HIGH : 0;
}

const char *
sig_rule_id(const struct sig_rule *r)
{
	return r->def->id;
}

/* "MM-DD|MM-DD|...": 0 when every item is a calendar day. */
static int
sig_rules_check_days(const char *s)
{
	while (*s) {
		int m, d, used = 0;
		if (sscanf(s, "%2d-%2d%n", &m, &d, &used) != 2 || used != 5 ||
		    m < 1 || m > 12 || d < 1 || d > 31)
			return -1;
		s += 5;
		if (*s == '|' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			return -1;
	}
	return 0;
}

/* One key=value of a rule's params. */
static int
sig_rules_set(struct sig_rule *r, const char *key, const char *val, int line,
    struct err *e)
{
	const struct sig_rule_def *d = r->def;
	char *end;
	double v;

	if (d->text_key && strcmp(key, d->text_key) == 0) {
		if (strlen(val) >= sizeof(r->text) || sig_rules_check_days(val))
			return err_set(e, ERR_INVALID, "line %d, field 4 (params): "
			    "%s must be MM-DD days separated by |", line, key);
		snprintf(r->text, sizeof(r->text), "%s", val);
		return 0;
	}
	for (int i = 0; i < SIG_PARAMS_MAX && d->keys[i]; i++) {
		if (strcmp(d->keys[i], key) != 0)
			continue;
		v = strtod(val, &end);
		if (end == val || *end != '\0' || !isfinite(v) || v < 0 || v > 1e9)
			return err_set(e, ERR_INVALID, "line %d, field 4 (params): "
			    "%s='%s' is not a number from 0 to 1e9", line, key, val);
		r->p[i] = v;
		return 0;
	}
	return err_set(e, ERR_INVALID, "line %d, field 4 (params): rule %s has "
	    "no parameter '%s'", line, d->id, key);
}

/* s without its leading and trailing spaces (in place). */
static char *
sig_rules_trim(char *s)
{
	while (*s == ' ')
		s++;
	for (char *t = s + strlen(s); t > s && t[-1] == ' '; )
		*--t = '\0';
	return s;
}

/* "k=v;k=v" (spaces around each allowed; empty = all defaults). */
static int
sig_rules_params(struct sig_rule *r, char *s, int line, struct err *e)
{
	char *save = NULL, *tok, *eq;
	int rc;

	for (tok = strtok_r(s, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		if (*(tok = sig_rules_trim(tok)) == '\0')
			continue;
		if ((eq = strchr(tok, '=')) == NULL || eq == tok)
			return err_set(e, ERR_INVALID, "line %d, field 4 (params): "
			    "'%s' is not key=value", line, tok);
		*eq = '\0';
		if ((rc = sig_rules_set(r, sig_rules_trim(tok), sig_rules_trim(eq + 1),
		    line, e)) != 0)
			return rc;
	}
	return 0;
}

static const struct sig_rule_def *
sig_rules_def(const char *id)
{
	for (size_t i = 0; i < sig_rule_ndefs; i++)
		if (strcmp(sig_rule_defs[i].id, id) == 0)
			return &sig_rule_defs[i];
	return NULL;
}

/* One data record into out->v[out->n]. */
static int
sig_rules_record(const struct csv_record *rec, struct sig_rules *out,
    struct err *e)
{
	struct sig_rule *r = &out->v[out->n];
	const struct sig_rule_def *d;
	char **f = rec->field;

	if (rec->n != 4)
		return err_set(e, ERR_INVALID, "line %d: %zu fields, expected 4 "
		    "(rule,enabled,severity,params)", rec->line, rec->n);
	if ((d = sig_rules_def(f[0])) == NULL)
		return err_set(e, ERR_INVALID, "line %d, field 1 (rule): unknown "
		    "rule '%s'", rec->line, f[0]);
	if (sig_rules_find(out, f[0]) != NULL)
		return err_set(e, ERR_INVALID, "line %d, field 1 (rule): %s is "
		    "listed twice", rec->line, f[0]);
	memset(r, 0, sizeof(*r));
	r->def = d;
	r->line = rec->line;
	memcpy(r->p, d->defaults, sizeof(r->p));
	if (d->text_default)
		snprintf(r->text, sizeof(r->text), "%s", d->text_default);
	if (strcmp(f[1], "0") != 0 && strcmp(f[1], "1") != 0)
		return err_set(e, ERR_INVALID, "line %d, field 2 (enabled): '%s' "
		    "is not 0 or 1", rec->line, f[1]);
	r->enabled = f[1][0] == '1';
	if ((r->severity = sig_severity_parse(f[2])) == 0)
		return err_set(e, ERR_INVALID, "line %d, field 3 (severity): '%s' "
		    "is not low, medium or high", rec->line, f[2]);
	if (sig_rules_params(r, f[3], rec->line, e) != 0)
		return e->code;
	out->n++;
	return 0;
}

static int
sig_rules_read(struct csv_reader *rd, struct sig_rules *out, struct err *e)
{
	struct csv_record rec;
	char why[200];
	int st, header = 0, rc;

	while ((st = csv_next_record(rd, &rec)) == CSV_RECORD) {
		if (rec.n == 1 && rec.field[0][0] == '\0')
			continue;
		if (!header) {
			if (rec.n != 4 || strcmp(rec.field[0], "rule") ||
			    strcmp(rec.field[1], "enabled") ||
			    strcmp(rec.field[2], "severity") ||
			    strcmp(rec.field[3], "params"))
				return err_set(e, ERR_INVALID, "line %d: the header "
				    "must be rule,enabled,severity,params", rec.line);
			header = 1;
			continue;
		}
		/* unknown and repeated rules are refused, so n < ndefs here */
		if ((rc = sig_rules_record(&rec, out, e)) != 0)
			return rc;
	}
	if (st != CSV_END) {
		csv_format_error(rd, st, why, sizeof(why));
		return err_set(e, ERR_INVALID, "line %d, field %zu: %s",
		    rd->err_line, rd->err_field + 1, why);
	}
	return header ? 0 : err_set(e, ERR_INVALID, "line 1: no header "
	    "rule,enabled,severity,params");
}

int
sig_rules_parse(char *text, size_t n, struct sig_rules *out, struct err *e)
{
	struct csv_reader rd;
	int rc;

	memset(out, 0, sizeof(*out));
	if (memchr(text, '\0', n) != NULL)
		return err_set(e, ERR_INVALID, "the rules file holds a NUL byte");
	if ((out->v = calloc(sig_rule_ndefs, sizeof(*out->v))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		memmove(text, text + 3, n - 3);
		n -= 3;
	}
	csv_reader_init(&rd, text, n);
	rd.comment = '#';
	rd.field_max = 512;
	rc = sig_rules_read(&rd, out, e);
	csv_reader_free(&rd);
	if (rc != 0)
		sig_rules_free(out);
	return rc;
}

int
sig_rules_load(const char *path, struct sig_rules *out, struct err *e)
{
	struct buf b = BUF_INIT;
	const char *p = path ? path : SKILLCERT_DATADIR "/signals.csv";
	int rc;

	memset(out, 0, sizeof(*out));
	if (buf_read_file(&b, p, SIG_FILE_MAX) != 0 || buf_reserve(&b, 1) != 0) {
		buf_free(&b);
		return err_set(e, ERR_NOTFOUND, "cannot read the rules file %s", p);
	}
	if ((rc = sig_rules_parse((char *)b.data, b.len, out, e)) != 0)
		err_prefix(e, "%s: ", p);
	buf_free(&b);
	return rc;
}

void
sig_rules_free(struct sig_rules *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

const struct sig_rule *
sig_rules_find(const struct sig_rules *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].def->id, id) == 0)
			return &r->v[i];
	return NULL;
}
