/* signals.h - signals of rogue or inflated issuance: the certificates read
 * once into compact arrays, rules with thresholds from the authority's data
 * file (src/data/signals.csv), and hits with their evidence. */
#ifndef SKILLCERT_SIGNALS_H
#define SKILLCERT_SIGNALS_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/model/org.h"
#include "skillcert/store/registry.h"

#define SIG_PARAMS_MAX 8
#define SIG_ID_MAX 32

enum sig_severity { SIG_LOW = 1, SIG_MEDIUM = 2, SIG_HIGH = 3 };

/* One rule as the data file sets it: every parameter has a default in
 * code (rules.c), the file may change any of them. */
struct sig_rule {
	const struct sig_rule_def *def;
	int enabled, severity, line;
	double p[SIG_PARAMS_MAX];      /* in the order of def->keys */
	char text[128];                /* a list parameter ("holidays") */
};

struct sig_rules {
	struct sig_rule *v;
	size_t n;
};

/* An organization as the rules need it. */
struct sig_org {
	char code[ORGCODE_LEN + 1];
	char name[ORG_NAME_MAX + 1];
	char type;
	int status;
	int32_t suspended_on;          /* day of the suspension, 0 if active */
	uint32_t capacity;             /* annual, from the filing; 0 = unstated */
};

/* A certificate in 32 bytes: no name, no ID number, only their hashes
 * (SipHash with a key drawn per run, so they mean nothing outside it). */
struct sig_cert {
	uint64_t holder;               /* hash of id type || ID number */
	uint32_t name;                 /* hash of the name */
	uint32_t batch;                /* index into batches, UINT32_MAX none */
	int32_t issued, assessed;      /* days since 1970 */
	uint16_t org, occ;             /* indices into orgs, occs */
	uint8_t level, status, reason, flags;
};
#define SIG_F_EMPLOYER_OTHER 0x1   /* stated employer differs from the org */

struct sig_batch {
	uint32_t org, assessed, passed, ncert;
	int32_t day;
	uint16_t occ;                  /* of its certificates, UINT16_MAX mixed */
	uint8_t level;                 /* 0 mixed */
	char id[65];
};

/* An occupation: its code, and what the descriptions call it. */
struct sig_occ {
	char code[16];                 /* "4-10-01-05" */
	char label[64];                /* "养老护理员", or the code */
};

/* Everything loaded: certs in number order, numbers alongside. */
struct sig_data {
	struct sig_cert *c;
	char (*no)[CERTNO_LEN + 1];
	size_t n, cap;
	struct sig_org *org;
	size_t norg;
	struct sig_occ *occ;

	size_t nocc;
	struct sig_batch *b;
	size_t nb, bcap;
	uint64_t k0, k1;               /* the run's hash key */
};

struct sig_hit {
	const struct sig_rule *rule;
	int org;                       /* index, or -1 */
	int64_t person;                /* index of one of the person's certs, or -1 */
	char desc[320];                /* Chinese / English, with the numbers */
	char extra[512];               /* batches, levels: what numbers do not say */
	int32_t from, to;              /* span of the evidence */
	uint64_t count;                /* evidence certificates in all */
	uint32_t *certs;               /* the first ncerts of them (indices) */
	size_t ncerts, certcap;
};

struct sig_hits {
	struct sig_hit *v;
	size_t n, cap;
	size_t limit;                  /* certificates listed per hit */
};

/* What a run looks at. */
struct sig_query {
	int32_t since, until;          /* issue dates, inclusive; 0 = open */
	int org;                       /* org index, -1 = all */
	const char *rule;              /* one rule id, NULL = all enabled */
};

/* The rules file: "rule,enabled,severity,params", # comments. Errors
 * name the line and field. path NULL: the built-in data file. */
int sig_rules_parse(char *text, size_t n, struct sig_rules *out,
    struct err *e);
int sig_rules_load(const char *path, struct sig_rules *out, struct err *e);
/* The registry's DIR/signals.csv when present, else the built-in file. */
int sig_rules_load_registry(const struct registry *r, struct sig_rules *out,
    struct err *e);
void sig_rules_free(struct sig_rules *r);
const struct sig_rule *sig_rules_find(const struct sig_rules *r,
    const char *id);
const char *sig_rule_id(const struct sig_rule *r);
const char *sig_severity_name(int s);
int sig_severity_parse(const char *s);

/* Building the arrays: by hand (benchmarks, tests) or from a registry. */
void sig_data_init(struct sig_data *d);
void sig_data_free(struct sig_data *d);
int sig_data_org(struct sig_data *d, const struct sig_org *o);
int sig_data_occ(struct sig_data *d, const char *code);
int sig_data_batch(struct sig_data *d, uint32_t org, const char *id,
    uint32_t assessed, uint32_t passed, int32_t day);
/* Appends a certificate (c->holder and c->name set by the caller). */
int sig_data_add(struct sig_data *d, const struct sig_cert *c,
    const char *certno);
uint64_t sig_data_hash(const struct sig_data *d, const char *s);
/* One pass over the registry's certificates, orgs and batch figures. */
int sig_data_load(struct sig_data *d, struct registry *r, MDB_txn *txn,
    struct err *e);
int sig_data_find_org(const struct sig_data *d, const char *code);

/* Runs the rules; hits sorted by severity (high first), rule, org. */
int sig_run(const struct sig_rules *rules, const struct sig_data *d,
    const struct sig_query *q, struct sig_hits *out, struct err *e);
void sig_hits_init(struct sig_hits *h, size_t limit);
void sig_hits_free(struct sig_hits *h);

/* Output. person_fn gives the masked ID and masked name of cert i. */
enum sig_format { SIG_FMT_TABLE = 1, SIG_FMT_CSV, SIG_FMT_JSON };
typedef void (*sig_person_fn)(void *arg, size_t cert, char *id, size_t idcap,
    char *name, size_t namecap);
int sig_write(const struct sig_hits *h, const struct sig_data *d, int fmt,
    sig_person_fn person, void *arg, struct buf *out);
/* The sig_person_fn front ends use: the masked ID number and masked name
 * of certificate i read back from the registry (the arrays hold hashes
 * only); arg is a struct sig_person_src. "?" when the record is gone. */
struct sig_person_src {
	struct registry *r;
	MDB_txn *txn;
	const struct sig_data *d;
};
void sig_person_masked(void *arg, size_t cert, char *id, size_t idcap,
    char *name, size_t namecap);

#endif
