/* api.c - the JSON API under /api/ for organizations' own systems: bearer
 * tokens only (no cookies, so no CSRF surface), routing, the document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api_int.h"
#include "skillcert/base/json.h"

/* The OpenAPI document, embedded at build time (openapi.json -> C). */
extern const unsigned char portal_openapi_json[];
extern const size_t portal_openapi_json_len;

/* The caller's token: "Authorization: Bearer TOKEN" and nothing else. */
static int
api_authenticate(struct api_call *c)
{
	const char *h = c->rq->authorization;
	struct err e;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		api_reply_error(c, 401, "unauthorized", "an API token is needed: "
		    "Authorization: Bearer TOKEN", 0, NULL);
		return -1;
	}
	for (h += 7; *h == ' '; h++)
		;
	if (acct_token_check(c->p->acct, h, c->rq->client, &c->who, &e) != 0) {
		/* One answer for unknown, revoked and expired tokens. */
		api_reply_error(c, 401, "unauthorized", "the API token is unknown, "
		    "revoked or expired", 0, NULL);
		return -1;
	}
	return 0;
}

int
api_split_path(const char *path, char *kind, char *id, char *tail)
{
	const char *s = path + strlen("/api/v1/"), *a, *b;

	kind[0] = id[0] = tail[0] = '\0';
	if ((a = strchr(s, '/')) == NULL) {
		if (strlen(s) >= 16)
			return -1;
		strcpy(kind, s);
		return 0;
	}
	if ((size_t)(a - s) >= 16)
		return -1;
	memcpy(kind, s, (size_t)(a - s));
	kind[a - s] = '\0';
	a++;
	b = strchr(a, '/');
	if ((b ? (size_t)(b - a) : strlen(a)) > 64 || (b && strlen(b + 1) >= 16))
		return -1;
	snprintf(id, 65, "%.*s", (int)(b ? (size_t)(b - a) : strlen(a)), a);
	if (b)
		strcpy(tail, b + 1);
	return strchr(tail, '/') ? -1 : 0;
}

/* One route: method, kind, whether an id follows, the tail after it. */
struct api_route {
	int method;
	const char *kind;
	int has_id;
	const char *tail;
	int id_kind;
	int op;
};
enum { OP_SUBMIT, OP_REPORT, OP_ISSUE, OP_BATCH, OP_ZIP, OP_BPDF, OP_CERT,
	OP_CPDF, OP_REVOKE };
static const struct api_route api_routes[] = {
	{ PM_POST, "rosters", 0, "", 0, OP_SUBMIT },
	{ PM_GET, "rosters", 1, "", API_ID_ROSTER, OP_REPORT },
	{ PM_POST, "rosters", 1, "issue", API_ID_ROSTER, OP_ISSUE },
	{ PM_GET, "batches", 1, "", API_ID_BATCH, OP_BATCH },
	{ PM_GET, "batches", 1, "zip", API_ID_BATCH, OP_ZIP },
	{ PM_GET, "batches", 1, "pdf", API_ID_BATCH, OP_BPDF },
	{ PM_GET, "certificates", 1, "", API_ID_CERT, OP_CERT },
	{ PM_GET, "certificates", 1, "pdf", API_ID_CERT, OP_CPDF },
	{ PM_POST, "certificates", 1, "revoke", API_ID_CERT, OP_REVOKE },
};

static void
api_run(struct api_call *c, int op, const char *id)
{
	switch (op) {
	case OP_SUBMIT: api_roster_submit(c); break;
	case OP_REPORT: api_roster_report(c, id); break;
	case OP_ISSUE: api_roster_issue(c, id); break;
	case OP_BATCH: api_batch_show(c, id); break;
	case OP_ZIP: api_batch_file(c, id, 1); break;
	case OP_BPDF: api_batch_file(c, id, 0); break;
	case OP_CERT: api_cert_show(c, id); break;
	case OP_CPDF: api_cert_pdf(c, id); break;
	default: api_cert_revoke(c, id); break;
	}
}

/* Finds the route of an authenticated call and runs it; a path of a known
 * shape with another method is 405, ids of an impossible shape the same
 * 404 as absent ones. */
static void
api_dispatch(struct api_call *c)
{
	char kind[16], id[65], tail[16];
	int shape = 0;
	int method = c->rq->method == PM_HEAD ? PM_GET : c->rq->method;

	if (api_split_path(c->rq->path, kind, id, tail) != 0) {
		api_reply_error(c, 404, "not_found", "no such API route", 0, NULL);
		return;
	}
	for (size_t i = 0; i < sizeof(api_routes) / sizeof(api_routes[0]); i++) {
		const struct api_route *rt = &api_routes[i];
		if (strcmp(rt->kind, kind) != 0 || rt->has_id != (id[0] != '\0') ||
		    strcmp(rt->tail, tail) != 0)
			continue;
		shape = 1;
		if (rt->method != method)
			continue;
		if (rt->has_id && !api_id_ok(id, rt->id_kind)) {
			api_reply_notfound(c, rt->id_kind == API_ID_CERT ?
			    "certificate" : rt->id_kind == API_ID_BATCH ? "batch" :
			    "roster", id);
			return;
		}
		api_run(c, rt->op, id);
		return;
	}
	if (shape) {
		api_reply_error(c, 405, "method_not_allowed", "this route takes "
		    "another method (see /api/openapi.json)", 0, NULL);
		return;
	}
	api_reply_error(c, 404, "not_found", "no such API route", 0, NULL);
}

int
portal_api_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp)
{
	struct api_call c;
	struct buf b = BUF_INIT;

	memset(&c, 0, sizeof(c));
	c.p = p;
	c.rq = rq;
	c.resp = resp;
	if (strcmp(rq->path, "/api/openapi.json") == 0) {
		if (rq->method != PM_GET && rq->method != PM_HEAD) {
			api_reply_error(&c, 405, "method_not_allowed", "GET only", 0,
			    NULL);
			return 0;
		}
		buf_append(&b, portal_openapi_json, portal_openapi_json_len);
		api_reply_json(&c, 200, &b);
		return 0;
	}
	if (strncmp(rq->path, "/api/v1/", 8) != 0) {
		api_reply_error(&c, 404, "not_found", "no such API route", 0, NULL);
		return 0;
	}
	if (api_authenticate(&c) == 0)
		api_dispatch(&c);
	explicit_bzero(&c.who, sizeof(c.who));
	return 0;
}
