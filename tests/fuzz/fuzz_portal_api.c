/* fuzz_portal_api.c - libFuzzer target for what the portal's JSON API
 * reads from a request before any registry access (src/portal/api*.c):
 * the /api/v1/ path split, the JSON bodies of issue and revoke, path ids,
 * a rejected row's "field: message" split, and error replies that locate
 * a row and field in a message. Seeds: tests/fuzz/seeds/portal_api.
 * The first byte picks the parser; invariants abort on violation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../src/portal/api_int.h"

static char *
fuzz_cstr(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

/* A reply is JSON with a status the API documents. */
static void
fuzz_check_reply(struct portal_resp *resp, int replied)
{
	int st = resp->status;

	if (replied && st != 400 && st != 413 && st != 415 && st != 404 &&
	    st != 409 && st != 403 && st != 429 && st != 500)
		abort();
	if (replied && (resp->body.len == 0 || resp->body.data[0] != '{' ||
	    strstr(resp->content_type, "application/json") == NULL))
		abort();
	buf_free(&resp->body);
}

static void
fuzz_path(const char *s)
{
	char path[400], kind[16], id[65], tail[16];

	snprintf(path, sizeof(path), "/api/v1/%s", s);
	if (api_split_path(path, kind, id, tail) == 0 &&
	    (strlen(kind) >= 16 || strlen(id) > 64 || strlen(tail) >= 16 ||
	    strchr(kind, '/') || strchr(id, '/') || strchr(tail, '/')))
		abort();
	for (int k = API_ID_ROSTER; k <= API_ID_CERT; k++)
		if (api_id_ok(s, k) && (strchr(s, '/') || strlen(s) > 64))
			abort();
}

static void
fuzz_body(const uint8_t *p, size_t n, const char *ctype)
{
	struct portal_req rq;
	struct portal_resp resp;
	struct api_call c;
	struct api_body b;
	int rc;

	memset(&rq, 0, sizeof(rq));
	memset(&resp, 0, sizeof(resp));
	memset(&c, 0, sizeof(c));
	rq.method = PM_POST;
	rq.path = "/api/v1/x";
	rq.content_type = ctype;
	rq.body = p;
	rq.body_len = n;
	c.rq = &rq;
	c.resp = &resp;
	rc = api_parse_body(&c, &b);
	if (rc == 0 && (strlen(b.reason) >= sizeof(b.reason) ||
	    strlen(b.note) >= sizeof(b.note) || b.only_valid < -1 ||
	    b.only_valid > 1))
		abort();
	fuzz_check_reply(&resp, rc != 0);
}

static void
fuzz_messages(const char *s)
{
	struct portal_resp resp;
	struct api_call c;
	struct err e;
	char field[64];
	const char *text;

	api_split_problem(s, field, sizeof(field), &text);
	if (strlen(field) >= sizeof(field) || text < s || text > s + strlen(s))
		abort();
	memset(&resp, 0, sizeof(resp));
	memset(&c, 0, sizeof(c));
	c.resp = &resp;
	err_set(&e, ERR_INVALID, "%s", s);
	api_reply_err(&c, &e);
	fuzz_check_reply(&resp, 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		if ((s = fuzz_cstr(data + 1, size - 1)) != NULL)
			fuzz_path(s);
		free(s);
		break;
	case 1:
		fuzz_body(data + 1, size - 1, "application/json; charset=utf-8");
		break;
	case 2:
		fuzz_body(data + 1, size - 1, data[0] & 4 ? "text/csv" : NULL);
		break;
	default:
		if ((s = fuzz_cstr(data + 1, size - 1)) != NULL)
			fuzz_messages(s);
		free(s);
		break;
	}
	return 0;
}
