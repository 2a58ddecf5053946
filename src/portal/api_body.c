/* api_body.c - what the API reads from a request besides the roster: the
 * small JSON bodies of issue and revoke (jansson), and ids in paths. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "api_int.h"
#include "skillcert/roster/roster.h"

/* One member of the body into out; 0, or replies 400 naming it. */
static int
api_take_member(struct api_call *c, const char *key, json_t *v,
    struct api_body *out)
{
	const char *s;

	if (strcmp(key, "only_valid") == 0 && json_is_boolean(v)) {
		out->only_valid = json_is_true(v);
		return 0;
	}
	if ((strcmp(key, "reason") == 0 || strcmp(key, "note") == 0) &&
	    json_is_string(v)) {
		s = json_string_value(v);
		if (key[0] == 'r' && strlen(s) < sizeof(out->reason)) {
			snprintf(out->reason, sizeof(out->reason), "%s", s);
			out->has_reason = 1;
			return 0;
		}
		if (key[0] == 'n' && strlen(s) < sizeof(out->note) &&
		    memchr(s, '\0', json_string_length(v)) == NULL) {
			snprintf(out->note, sizeof(out->note), "%s", s);
			return 0;
		}
		api_reply_error(c, 400, "bad_request", "too long", 0, key);
		return -1;
	}
	api_reply_error(c, 400, "bad_request", strcmp(key, "only_valid") == 0 ?
	    "must be true or false" : strcmp(key, "reason") == 0 ||
	    strcmp(key, "note") == 0 ? "must be a string" : "unknown member",
	    0, key);
	return -1;
}

int
api_parse_body(struct api_call *c, struct api_body *out)
{
	const struct portal_req *rq = c->rq;
	json_error_t je;
	json_t *root, *v;
	const char *key;
	char msg[300];
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->only_valid = -1;
	if (rq->body_len == 0)
		return 0;
	if (!api_ctype_is(rq, "application/json")) {
		api_reply_error(c, 415, "unsupported_media_type", "the body must be "
		    "application/json", 0, NULL);
		return -1;
	}
	if (rq->body_len > API_JSON_MAX) {
		api_reply_error(c, 413, "too_large", "a JSON body of at most 16 KiB",
		    0, NULL);
		return -1;
	}
	root = json_loadb((const char *)rq->body, rq->body_len,
	    JSON_REJECT_DUPLICATES, &je);
	if (root == NULL || !json_is_object(root)) {
		snprintf(msg, sizeof(msg), root ? "the body must be a JSON object" :
		    "JSON at byte %d: %s", je.position, je.text);
		api_reply_error(c, 400, "bad_request", msg, 0, NULL);
		json_decref(root);
		return -1;
	}
	json_object_foreach(root, key, v)
		if ((rc = api_take_member(c, key, v, out)) != 0)
			break;
	json_decref(root);
	return rc;
}

int
api_id_ok(const char *s, int kind)
{
	size_t n = strlen(s);

	if (kind == API_ID_CERT) {
		if (n != CERTNO_LEN || (s[0] != 'S' && s[0] != 'Y'))
			return 0;
		for (size_t i = 1; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return 0;
		return 1;
	}
	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && (kind == API_ID_ROSTER ||
		    (s[i] != '-' && s[i] != '_' && s[i] != '.')))
			return 0;
	return 1;
}

void
api_split_problem(const char *msg, char *field, size_t fcap,
    const char **text)
{
	const char *colon = strstr(msg, ": ");

	field[0] = '\0';
	*text = msg;
	if (colon == NULL)
		return;
	for (int col = 0; col < RC_NCOLS; col++) {
		const char *name = roster_col_name(col);
		size_t n = strlen(name);
		if ((size_t)(colon - msg) == n && strncmp(msg, name, n) == 0 &&
		    n < fcap) {
			memcpy(field, name, n);
			field[n] = '\0';
			*text = colon + 2;
			return;
		}
	}
}
