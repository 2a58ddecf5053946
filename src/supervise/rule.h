/* rule.h - what the rule files of the supervise library share (internal):
 * a rule's definition, the run's context and the helpers that record hits. */
#ifndef SKILLCERT_SUPERVISE_RULE_H
#define SKILLCERT_SUPERVISE_RULE_H

#include "skillcert/supervise/signals.h"

struct sig_ctx;

struct sig_rule_def {
	const char *id;
	const char *keys[SIG_PARAMS_MAX];
	double defaults[SIG_PARAMS_MAX];
	const char *text_key;          /* a list parameter, or NULL */
	const char *text_default;
	int (*run)(const struct sig_rule *, struct sig_ctx *);
};

/* The run: data, query, hits, and orders built once for every rule. */
struct sig_ctx {
	const struct sig_data *d;
	const struct sig_query *q;
	struct sig_hits *h;
	uint32_t *by_org;              /* selected certs grouped by org */
	size_t *org_start;             /* norg + 1 offsets into by_org */
	uint32_t *by_person;           /* selected certs by holder, occ, date */
	size_t nsel;
	int oom;                       /* an evidence list could not grow */
};

extern const struct sig_rule_def sig_rule_defs[];
extern const size_t sig_rule_ndefs;

/* Value of parameter `key` of r (the default if the file left it). */
double sig_param(const struct sig_rule *r, const char *key);
/* A new hit of r on org (or -1) / person (or -1); NULL out of memory. */
struct sig_hit *sig_hit_new(struct sig_ctx *x, const struct sig_rule *r,
    int org, int64_t person);
/* Adds certificate i to h's evidence: counted, listed up to the limit.
 * Out of memory sets x->oom, which fails the run (sig_run checks it). */
int sig_hit_cert(struct sig_ctx *x, struct sig_hit *h, uint32_t i);
/* Builds x->by_person on first use; 0 or ERR_NOMEM. */
int sig_ctx_persons(struct sig_ctx *x);
/* Whether c lies in the query's dates (any organization). */
int sig_in_window(const struct sig_ctx *x, const struct sig_cert *c);
/* "五级" .. "一级" for level 5 .. 1 ("?" otherwise). */
const char *sig_level_cn(int level);
/* Median of v[0..n) (reorders v); 0 for n == 0. */
uint32_t sig_median(uint32_t *v, size_t n);
/* ISO week label "2025-W14" of day-based week number w ((day + 3) / 7). */
void sig_week_label(int32_t w, char out[16]);

/* The rules, one function each (r_*.c). */
int sig_rule_weekly_spike(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_capacity(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_pass_all(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_pass_above(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_level_jump(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_multi_org(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_id_names(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_high_share(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_assess_gap(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_assess_day(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_pre_suspension(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_employer(const struct sig_rule *r, struct sig_ctx *x);
int sig_rule_revocations(const struct sig_rule *r, struct sig_ctx *x);

#endif
