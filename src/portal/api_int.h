/* api_int.h - what the JSON API's files (api*.c) share: bearer-token
 * callers, JSON replies and errors, request bodies and path ids. */
#ifndef SKILLCERT_PORTAL_API_INT_H
#define SKILLCERT_PORTAL_API_INT_H
#include "api.h"

/* The API takes rosters up to half the socket layer's body bound
 * (--max-body): evhttp answers bodies beyond that bound itself, with a
 * 413 that is not JSON and often before the client has sent it all. */
#define API_ROSTER_SHARE 2
#define API_JSON_MAX (16u << 10)    /* issue and revoke bodies */
#define API_XLSX_TYPE \
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* One API call: the portal, the request, the reply and the caller. */
struct api_call {
	struct portal *p;
	const struct portal_req *rq;
	struct portal_resp *resp;
	struct acct_actor who;
};

/* Replies: body moved into resp (b is emptied). */
void api_reply_json(struct api_call *c, int status, struct buf *b);
void api_reply_bytes(struct api_call *c, const char *ctype, struct buf *b,
    const char *filename);
/* {"error":{"code","message"[,"row"][,"field"]}}; row 0 / field NULL omit. */
void api_reply_error(struct api_call *c, int status, const char *code,
    const char *msg, int row, const char *field);
/* An err from a lower layer, by its code (400/403/404/409/429/500). */
void api_reply_err(struct api_call *c, const struct err *e);
/* The same 404 for an object absent and one of another organization. */
void api_reply_notfound(struct api_call *c, const char *what,
    const char *id);

/* 1 if the request's Content-Type is `type` (parameters ignored). */
int api_ctype_is(const struct portal_req *rq, const char *type);
/* Object members of a small JSON body; an empty body is {}. */
struct api_body {
	int only_valid;                 /* -1 absent */
	char reason[32];
	char note[256];
	int has_reason;
};
/* Parses the body of issue/revoke: 0, or replies 400/413/415 and
 * returns non-zero. */
int api_parse_body(struct api_call *c, struct api_body *out);

/* Path ids: 1 if s is a plausible roster id, batch id or number (others
 * answer the same 404 as absent ones). */
int api_id_ok(const char *s, int kind);
enum { API_ID_ROSTER, API_ID_BATCH, API_ID_CERT };

/* Splits "/api/v1/KIND/ID[/TAIL]" (kind and tail < 16 bytes, id <= 64):
 * 0 and the parts, -1 if not that shape. */
int api_split_path(const char *path, char *kind, char *id, char *tail);

/* Routes (api_roster.c, api_batch.c). */
void api_roster_submit(struct api_call *c);
void api_roster_report(struct api_call *c, const char *id);
void api_roster_issue(struct api_call *c, const char *id);
void api_batch_show(struct api_call *c, const char *batch);
void api_batch_file(struct api_call *c, const char *batch, int zip);
void api_cert_show(struct api_call *c, const char *no);
void api_cert_pdf(struct api_call *c, const char *no);
void api_cert_revoke(struct api_call *c, const char *no);

/* The problem of a rejected row split into field and message: the issuer
 * writes "证件号码: ..." for a field. field receives "" when none. */
void api_split_problem(const char *msg, char *field, size_t fcap,
    const char **text);
#endif
