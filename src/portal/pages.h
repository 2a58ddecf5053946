/* pages.h - what the browser pages share: the request's page context
 * (session, actor, CSRF token, parsed forms), the layout and the escaping
 * writers. Every text written into a page goes through page_text/attr. */
#ifndef SKILLCERT_PORTAL_PAGES_H
#define SKILLCERT_PORTAL_PAGES_H
#include "portal_int.h"

#define PAGE_COOKIE_SECURE "__Host-skillcert"
#define PAGE_COOKIE_LOOPBACK "skillcert"

/* Who may reach a route. */
#define RM_NONE 0x0    /* anyone, no session */
#define RM_PENDING 0x1 /* a half-logged-in session (TOTP, enrolment, password) */
#define RM_OP (1 << ACCT_OPERATOR)
#define RM_ADM (1 << ACCT_ADMIN)
#define RM_AUTH (1 << ACCT_AUTHORITY)
#define RM_ORG (RM_OP | RM_ADM)
#define RM_ANY (RM_OP | RM_ADM | RM_AUTH)

struct page {
	struct portal *p;
	const struct portal_req *rq;
	struct portal_resp *resp;
	struct buf *b;                 /* = &resp->body */
	struct acct_actor who;
	int authed;                    /* a full session */
	int has_sid;
	uint8_t sid[AUTH_ID_LEN];
	uint8_t csrf[32];
	char csrf_hex[65];
	int refresh_s;                 /* > 0: a meta refresh in the head */
	const char *css2;              /* a second stylesheet of ours, or NULL */
	int pending_step;              /* enum acct_login_step of a half session */
	struct form q;                 /* query */
	struct form f;                 /* POST body */
	struct err e;
};

/* Layout. page_begin writes the head and the navigation for the actor. */
void page_begin(struct page *g, const char *title);
void page_end(struct page *g);
void page_text(struct page *g, const char *s);     /* HTML-escaped */
void page_raw(struct page *g, const char *s);      /* markup we wrote */
void page_printf(struct page *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));         /* format: no user text */
/* <input type=hidden name=csrf value=...> */
void page_csrf(struct page *g);
/* A whole page with one message (error or notice) and a link back. */
void page_message(struct page *g, int status, const char *title,
    const char *msg, const char *back);
/* The one "not found" page: absent and foreign objects look alike. */
void page_not_found(struct page *g);
/* Sets the session cookie (sid) or clears it (sid NULL). */
void page_set_cookie(struct page *g, const uint8_t *sid);
/* The masked display of an ID number. */
void page_masked_id(struct page *g, const char *id);
/* Name of an occupation code from the catalog (or the code). */
const char *page_occ_name(struct page *g, const char *code);

/* Routes, one per handler file. arg is the rest of the path after the
 * route's prefix ("" for exact routes). */
int page_login(struct page *g, const char *arg);
int page_login_post(struct page *g, const char *arg);
int page_totp(struct page *g, const char *arg);
int page_totp_post(struct page *g, const char *arg);
int page_enrol(struct page *g, const char *arg);
int page_enrol_post(struct page *g, const char *arg);
int page_password(struct page *g, const char *arg);
int page_password_post(struct page *g, const char *arg);
int page_logout_post(struct page *g, const char *arg);

int page_dashboard(struct page *g, const char *arg);
int page_upload(struct page *g, const char *arg);
int page_upload_post(struct page *g, const char *arg);
int page_roster(struct page *g, const char *arg);
int page_roster_post(struct page *g, const char *arg);
int page_job(struct page *g, const char *arg);
int page_batches(struct page *g, const char *arg);
int page_batch(struct page *g, const char *arg);
int page_cert(struct page *g, const char *arg);
int page_cert_revoke_post(struct page *g, const char *arg);
int page_search(struct page *g, const char *arg);

int page_users(struct page *g, const char *arg);
int page_users_post(struct page *g, const char *arg);
int page_tokens(struct page *g, const char *arg);
int page_tokens_post(struct page *g, const char *arg);
int page_audit(struct page *g, const char *arg);
int page_orgs(struct page *g, const char *arg);
int page_org(struct page *g, const char *arg);
int page_org_post(struct page *g, const char *arg);
int page_trace(struct page *g, const char *arg);
int page_stats(struct page *g, const char *arg);
int page_signals(struct page *g, const char *arg);
int page_exports(struct page *g, const char *arg);
int page_exports_post(struct page *g, const char *arg);
int page_exports_file(struct page *g, const char *arg);

/* The table of batches (dashboard, batches page). */
void page_batch_table(struct page *g, const struct batch_stats *s, int n);

/* A certificate's row in a list, under the table head page_cert_head. */
void page_cert_row(struct page *g, const struct cert_record *c);
extern const char page_cert_head[];
#define PAGE_SEARCH_MAX 200
/* The results of q (number, name or ID number) within org ("" = every
 * organization): a person look-up by ID number is audited (masked) before
 * the search's read transaction opens. Nothing for an empty q. */
void page_search_results(struct page *g, const char *q, const char *org);

/* The stylesheet served at /static/portal.css. */
extern const char page_css[];
/* An SVG (inline markup) of a QR code of text; -1 if it cannot encode. */
int page_qr_svg(struct buf *b, const char *text);
#endif
