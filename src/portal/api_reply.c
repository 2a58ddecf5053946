/* api_reply.c - how the JSON API answers: JSON bodies (utf-8, no-store),
 * files, and errors as {"error":{"code","message","row","field"}}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "api_int.h"
#include "skillcert/base/json.h"

void
api_reply_json(struct api_call *c, int status, struct buf *b)
{
	struct portal_resp *r = c->resp;

	buf_append_byte(b, '\n');
	if (b->oom) {
		buf_free(b);
		api_reply_error(c, 500, "internal", "out of memory", 0, NULL);
		return;
	}
	buf_free(&r->body);
	r->body = *b;
	buf_init(b);
	r->status = status;
	snprintf(r->content_type, sizeof(r->content_type),
	    "application/json; charset=utf-8");
	resp_header(r, "Cache-Control", "no-store");
}

void
api_reply_bytes(struct api_call *c, const char *ctype, struct buf *b,
    const char *filename)
{
	struct portal_resp *r = c->resp;
	char v[160];

	buf_free(&r->body);
	r->body = *b;
	buf_init(b);
	r->status = 200;
	snprintf(r->content_type, sizeof(r->content_type), "%s", ctype);
	snprintf(v, sizeof(v), "attachment; filename=\"%s\"", filename);
	resp_header(r, "Content-Disposition", v);
	resp_header(r, "Cache-Control", "no-store");
}

void
api_reply_error(struct api_call *c, int status, const char *code,
    const char *msg, int row, const char *field)
{
	struct buf b = BUF_INIT;

	resp_error_doc(&b, code, msg, row, field);
	api_reply_json(c, status, &b);
	if (status == 401)
		resp_header(c->resp, "WWW-Authenticate", "Bearer realm=\"skillcert\"");
}

/* "line 7, column 3 (证件号码): ..." or "... cell C7: ...": the row and
 * field a roster-level error names, when it does. */
static void
api_locate_error(const char *msg, int *row, char *field, size_t fcap)
{
	const char *s, *q;

	*row = 0;
	field[0] = '\0';
	if ((s = strstr(msg, "line ")) != NULL)
		*row = atoi(s + 5);
	else if ((s = strstr(msg, "cell ")) != NULL) {
		for (s += 5; *s >= 'A' && *s <= 'Z'; s++)
			;
		*row = atoi(s);
	}
	if ((s = strstr(msg, "column ")) != NULL && (s = strchr(s, '(')) &&
	    (q = strchr(s, ')')) != NULL && (size_t)(q - s) < fcap)
		snprintf(field, fcap, "%.*s", (int)(q - s - 1), s + 1);
}

void
api_reply_err(struct api_call *c, const struct err *e)
{
	static const struct { int code, status; const char *name; } map[] = {
		{ ERR_INVALID, 400, "bad_request" }, { ERR_USAGE, 400, "bad_request" },
		{ ERR_NOTFOUND, 404, "not_found" }, { ERR_EXISTS, 409, "conflict" },
		{ ERR_DENIED, 403, "forbidden" }, { ERR_FULL, 429, "too_many" },
	};
	char field[64];
	int row;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].code == e->code) {
			api_locate_error(e->msg, &row, field, sizeof(field));
			api_reply_error(c, map[i].status, map[i].name, e->msg, row,
			    field);
			return;
		}
	/* The details of an internal failure stay in the server's log. */
	fprintf(stderr, "portal api: %s\n", e->msg);
	api_reply_error(c, 500, "internal", "the portal failed; try again later",
	    0, NULL);
}

void
api_reply_notfound(struct api_call *c, const char *what, const char *id)
{
	char msg[200];

	snprintf(msg, sizeof(msg), "no %s %s in this organization", what, id);
	api_reply_error(c, 404, "not_found", msg, 0, NULL);
}

int
api_ctype_is(const struct portal_req *rq, const char *type)
{
	size_t n = strlen(type);
	const char *ct = rq->content_type;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	return strncasecmp(ct, type, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

