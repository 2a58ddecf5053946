/* portal_int.h - the portal's internals shared by its browser pages and
 * its JSON API (api*.c): the process state, response setters, request
 * parsing (query, forms, multipart, cookies) and the one implementation
 * of issuing, revoking and reading batches both front ends call. */
#ifndef SKILLCERT_PORTAL_INT_H
#define SKILLCERT_PORTAL_INT_H
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/issue/issue.h"
#include "skillcert/portal/portal.h"
#include "skillcert/render/render.h"
#include "skillcert/store/registry.h"
#include "skillcert/account/account.h"

#define PORTAL_ROSTERS_PER_ORG 8   /* uploaded rosters kept per organization */
#define PORTAL_ROSTERS 256         /* in all */
#define PORTAL_ROSTER_TTL (2 * 3600)
#define PORTAL_JOBS 64             /* issuance jobs remembered */
#define PORTAL_ID_HEX 32           /* random ids of rosters and jobs: 128 bits */

/* An uploaded roster kept server-side (as CSV) until issued or expired:
 * the issue step names it by id and never trusts a re-uploaded body. */
struct portal_roster {
	char id[PORTAL_ID_HEX + 1];    /* "" = free slot */
	char org[ORGCODE_LEN + 1];
	char owner[ACCT_NAME_MAX + 1];
	char filename[128];
	struct buf csv;
	int64_t created;
};

enum portal_job_state { JOB_FREE = 0, JOB_QUEUED, JOB_RUNNING, JOB_DONE };

/* One issuance running on the issuing thread; pages poll it. */
struct portal_job {
	char id[PORTAL_ID_HEX + 1];
	int state;                     /* enum portal_job_state */
	char org[ORGCODE_LEN + 1];
	struct acct_actor who;
	char roster[PORTAL_ID_HEX + 1];/* roster id it issues */
	int partial;
	char phase[16];                /* from issue_opts.progress */
	size_t done, total;
	int rc;                        /* when JOB_DONE */
	struct err e;
	char batch[65];
	size_t issued, existing, rejected;
	int64_t created;
	struct portal_job *next_queued;
};

/* One issuance waiting for the issuing thread, which commits every
 * waiting one together (issue_rosters): a request thread's, on its stack
 * (it sleeps on ireq_cv until done), or a job's. */
struct portal_ireq {
	struct issue_opts o;
	struct issue_result res;       /* moved to the caller when done */
	size_t rows;                   /* lines in the roster: the group bound */
	int rc, done;
	struct err e;
	struct portal_ireq *next;
};

/* An organization's decrypted key, loaded at start or after a rekey; a
 * replaced one stays until close (a batch may still be signing with it). */
struct portal_key {
	char org[ORGCODE_LEN + 1];
	struct key k;
};

/* At most this much in one group commit: a group holds the writer for its
 * whole run, and every batch in it waits for the last. */
#define PORTAL_GROUP_BATCHES 16
#define PORTAL_GROUP_ROWS 20000

struct portal {
	struct portal_config cfg;
	struct registry *reg;
	struct acct_service *acct;
	struct render_fonts *fonts;
	char *passphrase;              /* owned, wiped at close */
	char origin[300];              /* expected Origin: "http(s)://host:port" */
	pthread_mutex_t wlock;         /* one registry writer at a time */
	pthread_mutex_t mu;            /* rosters and jobs */
	pthread_cond_t job_cv;
	pthread_t job_thread;
	int job_thread_on, stopping;
	struct portal_job *queue_head, *queue_tail;
	struct portal_ireq *ireq_head, *ireq_tail; /* under mu */
	pthread_cond_t ireq_cv;        /* an ireq is done */
	pthread_mutex_t keys_mu;
	struct portal_key **keys;      /* each allocated: never moved while a
	                                  signer holds it; wiped at close */
	size_t nkeys, capkeys;
	struct portal_roster rosters[PORTAL_ROSTERS];
	struct portal_job jobs[PORTAL_JOBS];
	int64_t (*now)(void *);        /* test clock; NULL = time(NULL) */
	char test_clock[256];          /* $SKILLCERT_PORTAL_TEST_CLOCK */
	void *now_arg;
};

int64_t portal_now(const struct portal *p);

/* ---- responses (resp.c) ------------------------------------------------ */
/* Sets the status; the body and headers are left as they are. */
void resp_status(struct portal_resp *r, int status);
/* Adds a header (Set-Cookie, Location ...); -1 when full or too long. */
int resp_header(struct portal_resp *r, const char *name, const char *value);
/* Content type text/html; charset=utf-8, the CSP and the other browser
 * headers, Cache-Control no-store. The caller appends the body. */
void resp_html(struct portal_resp *r, int status);
/* application/json; the body is set to json (NUL-terminated) if not NULL. */
void resp_json(struct portal_resp *r, int status, const char *json);
/* Appends {"error":{"code","message"[,"row"][,"field"]}}: the one error
 * document of the portal's JSON (row 0 and field NULL or "" left out). */
void resp_error_doc(struct buf *b, const char *code, const char *msg, int row,
    const char *field);
/* That document, code and message only, as the response with status. */
void resp_json_error(struct portal_resp *r, int status, const char *code,
    const char *msg);
/* Any bytes: PDF, ZIP, CSS. attachment != NULL adds Content-Disposition. */
void resp_bytes(struct portal_resp *r, int status, const char *ctype,
    const void *p, size_t n, const char *attachment);
/* Content-Disposition: attachment with an ASCII filename= (no quotes or
 * backslashes in it) and the UTF-8 name as RFC 5987 filename*=. */
void resp_attachment(struct portal_resp *r, const char *ascii,
    const char *utf8);
/* 303 See Other to a path of this portal. */
void resp_redirect(struct portal_resp *r, const char *location);
/* Maps an err code to an HTTP status (404 for ERR_NOTFOUND ...). */
int resp_status_of(int err_code);

/* ---- request parsing (form.c) ------------------------------------------ */
#define FORM_MAX_FIELDS 64
#define FORM_MAX_NAME 64
struct form_field {
	char name[FORM_MAX_NAME + 1];
	char *value;                   /* NUL-terminated copy (binary safe: len) */
	size_t len;
	char filename[128];            /* multipart file parts; "" otherwise */
	char ctype[96];
};
struct form {
	struct form_field f[FORM_MAX_FIELDS];
	size_t n;
};
void form_init(struct form *f);
void form_free(struct form *f);
/* application/x-www-form-urlencoded (also a query string): '+' and %XX
 * decoded; ERR_INVALID on a bad escape, too many or too long names. */
int form_parse_urlencoded(struct form *f, const uint8_t *p, size_t n,
    struct err *e);
/* multipart/form-data with the boundary from content_type (RFC 7578). */
int form_parse_multipart(struct form *f, const char *content_type,
    const uint8_t *p, size_t n, struct err *e);
/* The request body by its Content-Type (either of the above). */
int form_parse_body(struct form *f, const struct portal_req *rq,
    struct err *e);
int form_parse_query(struct form *f, const struct portal_req *rq,
    struct err *e);
/* Appends a field (value copied, NUL added); ERR_INVALID when full. */
int form_add_field(struct form *f, const char *name, size_t nlen,
    const char *value, size_t len, struct err *e);
/* The first field named name, or NULL. */
const struct form_field *form_find(const struct form *f, const char *name);
/* Its value, or "" when absent. */
const char *form_get(const struct form *f, const char *name);
/* Copies the value of cookie `name` from a Cookie header into out;
 * 0 found, -1 absent or longer than cap - 1. */
int cookie_get(const char *header, const char *name, char *out, size_t cap);
/* Percent-decodes s into out; -1 on a bad escape or overflow. */
int url_decode(const char *s, size_t n, char *out, size_t cap, int plus);
/* Appends s percent-encoded for a query value. */
int url_encode(struct buf *b, const char *s);

/* ---- shared issuance, revocation, reading (service.c) ------------------ */
/* An upload (CSV, or XLSX sniffed by its ZIP signature) as CSV bytes. */
int portal_roster_csv(const uint8_t *p, size_t n, struct buf *csv,
    struct err *e);
/* Keeps csv (taken over: *csv is emptied) for org; id receives its id.
 * Evicts the org's oldest beyond PORTAL_ROSTERS_PER_ORG. */
int portal_roster_put(struct portal *p, const char *org, const char *owner,
    const char *filename, struct buf *csv, char id[PORTAL_ID_HEX + 1],
    struct err *e);
/* A copy of a kept roster of org; ERR_NOTFOUND for another org's or an
 * expired one. */
int portal_roster_get(struct portal *p, const char *org, const char *id,
    struct buf *csv, char *filename, size_t fcap, struct err *e);
void portal_roster_drop(struct portal *p, const char *org, const char *id);
/* Validates (dry_run, on this thread, in a read transaction) or issues
 * csv for org with the loaded key, as `skillcert issue` does; an issuance
 * waits for the issuing thread, which commits it with whatever else is
 * waiting (issuer.c), and is audited ("issue", batch). */
int portal_issue(struct portal *p, const struct acct_actor *who,
    const char *org, const struct buf *csv, int dry_run, int partial,
    void (*progress)(void *, const char *, size_t, size_t), void *arg,
    struct issue_result *res, struct err *e);
/* Queues the issuance of kept roster `roster` on the issuing thread;
 * job receives the job id. */
int portal_job_start(struct portal *p, const struct acct_actor *who,
    const char *roster, int partial, char job[PORTAL_ID_HEX + 1],
    struct err *e);
/* A snapshot of a job of org (ERR_NOTFOUND otherwise). */
int portal_job_get(struct portal *p, const char *org, const char *job,
    struct portal_job *out, struct err *e);
/* Runs fn in one write transaction under the writer lock; commits when
 * fn returns 0, aborts otherwise. */
int portal_write_txn(struct portal *p, int (*fn)(struct portal *, MDB_txn *,
    void *, struct err *), void *arg, struct err *e);
/* Revokes a certificate of org (org "" = the authority: any), signs a
 * tree head, audits ("revoke", number). ERR_NOTFOUND for another org's. */
int portal_revoke(struct portal *p, const struct acct_actor *who,
    const char *certno, int reason, const char *note, struct err *e);
/* Reads certificate no when the actor may see it (own org, or authority);
 * ERR_NOTFOUND otherwise. Inside txn (a read txn of the caller). */
int portal_cert_get(struct portal *p, MDB_txn *txn,
    const struct acct_actor *who, const char *no, struct cert_record *out,
    struct err *e);
/* The certificate numbers of a batch of org (sorted), for listing and
 * rendering; ERR_NOTFOUND when the org has no such batch. out holds
 * n * (CERTNO_LEN + 1) bytes of NUL-terminated numbers. */
int portal_batch_nos(struct portal *p, MDB_txn *txn, const char *org,
    const char *batch, struct buf *out, size_t *n, struct err *e);
/* Audits one event in its own transaction (acct_audit). */
void portal_audit(struct portal *p, const struct acct_actor *who,
    const char *action, const char *object, const char *outcome);
/* Whether the actor acts for org (authority: every org). */
int portal_may_org(const struct acct_actor *who, const char *org);
/* A random id of PORTAL_ID_HEX hex characters. */
int portal_random_id(char id[PORTAL_ID_HEX + 1], struct err *e);

/* The authority's acts on organizations (orgs.c), audited; anyone else
 * gets ERR_NOTFOUND. */
struct portal_org_form {
	const char *code, *name, *scope, *region, *from, *to;
};
int portal_org_file(struct portal *p, const struct acct_actor *who,
    const struct portal_org_form *f, struct err *e);
/* verb 's' suspend (note kept), 'r' resume, 'k' rekey. */
int portal_org_change(struct portal *p, const struct acct_actor *who,
    const char *code, int verb, const char *note, struct err *e);

/* The issuing thread's body (job.c), started by portal_open. */
void *portal_job_main(void *arg);
/* Queues q (its o and rows set) for the issuing thread and waits until
 * its group is done (issuer.c). */
void portal_ireq_wait(struct portal *p, struct portal_ireq *q);
/* Issues the queued ireqs and jobs together (from the issuing thread,
 * p->mu held on entry and on return). */
void portal_issue_group(struct portal *p);
/* A job of the group: its roster fetched into csv and q set up to issue
 * it (0), or the job finished with the reason (non-zero). */
struct portal_job_arg {
	struct portal *p;
	struct portal_job *j;
};
int portal_job_prepare(struct portal *p, struct portal_job *j,
    struct portal_ireq *q, struct buf *csv, struct portal_job_arg *a);
/* Records q's outcome in job j, audits it, frees q's result and csv. */
void portal_job_finish(struct portal *p, struct portal_job *j,
    struct portal_ireq *q, struct buf *csv);
/* The options every portal issuance uses (service.c). */
void portal_issue_opts(struct portal *p, const char *org,
    const struct buf *csv, int dry_run, int partial,
    void (*progress)(void *, const char *, size_t, size_t), void *arg,
    struct issue_opts *o);
/* Fails every waiting ireq: the portal is stopping (p->mu held). */
void portal_ireq_cancel(struct portal *p);
/* The loaded key of org's current key, loading it after a rekey; NULL
 * when there is none to load (issue_roster then reports why). */
const struct key *portal_key_for(struct portal *p, const char *org);
/* Keeps k (moved) as org's, *out pointing at the kept copy; ERR_NOMEM
 * leaves k freed. */
int portal_key_keep(struct portal *p, const char *org, struct key *k,
    const struct key **out, struct err *e);
void portal_keys_free(struct portal *p);

/* ---- browser pages (pages*.c) and the router (portal.c) ---------------- */
/* The browser side: 0 when handled. */
int portal_pages_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp);
#endif
