/* resp.c - response setters: every HTML page gets the same strict browser
 * headers from one place, so no page can forget them. */
#include <stdio.h>
#include <string.h>
#include "portal_int.h"
#include "skillcert/base/json.h"

void
resp_status(struct portal_resp *r, int status)
{
	r->status = status;
}

int
resp_header(struct portal_resp *r, const char *name, const char *value)
{
	if (r->nhdr >= PORTAL_HDRS || strlen(name) >= sizeof(r->hdr_name[0]) ||
	    strlen(value) >= sizeof(r->hdr_value[0]))
		return -1;
	/* a header value never carries a line break (response splitting) */
	if (strpbrk(value, "\r\n") != NULL || strpbrk(name, "\r\n: ") != NULL)
		return -1;
	snprintf(r->hdr_name[r->nhdr], sizeof(r->hdr_name[0]), "%s", name);
	snprintf(r->hdr_value[r->nhdr], sizeof(r->hdr_value[0]), "%s", value);
	r->nhdr++;
	return 0;
}

void
resp_html(struct portal_resp *r, int status)
{
	r->status = status;
	snprintf(r->content_type, sizeof(r->content_type),
	    "text/html; charset=utf-8");
}

void
resp_json(struct portal_resp *r, int status, const char *json)
{
	r->status = status;
	snprintf(r->content_type, sizeof(r->content_type),
	    "application/json; charset=utf-8");
	if (json) {
		buf_reset(&r->body);
		buf_append_str(&r->body, json);
	}
}

void
resp_error_doc(struct buf *b, const char *code, const char *msg, int row,
    const char *field)
{
	struct json j;

	json_init(&j, b);
	json_obj_begin(&j);
	json_key(&j, "error");
	json_obj_begin(&j);
	json_kstr(&j, "code", code);
	json_kstr(&j, "message", msg);
	if (row > 0)
		json_kint(&j, "row", row);
	if (field && field[0])
		json_kstr(&j, "field", field);
	json_obj_end(&j);
	json_obj_end(&j);
}

void
resp_json_error(struct portal_resp *r, int status, const char *code,
    const char *msg)
{
	buf_reset(&r->body);
	resp_error_doc(&r->body, code, msg, 0, NULL);
	buf_append_byte(&r->body, '\n');
	resp_json(r, status, NULL);
}

void
resp_bytes(struct portal_resp *r, int status, const char *ctype,
    const void *p, size_t n, const char *attachment)
{
	char v[200];

	r->status = status;
	snprintf(r->content_type, sizeof(r->content_type), "%s", ctype);
	buf_reset(&r->body);
	buf_append(&r->body, p, n);
	if (attachment) {
		snprintf(v, sizeof(v), "attachment; filename=\"%s\"", attachment);
		resp_header(r, "Content-Disposition", v);
	}
}

void
resp_attachment(struct portal_resp *r, const char *ascii, const char *utf8)
{
	static const char hexd[] = "0123456789ABCDEF";
	char v[480];
	size_t n;

	n = (size_t)snprintf(v, sizeof(v), "attachment; filename=\"%s\"; "
	    "filename*=UTF-8''", ascii);
	/* RFC 5987 attr-char kept, every other byte percent-encoded */
	for (const unsigned char *s = (const unsigned char *)utf8;
	    *s && n + 4 < sizeof(v); s++) {
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("!#$&+-.^_`|~", *s))
			v[n++] = (char)*s;
		else {
			v[n++] = '%';
			v[n++] = hexd[*s >> 4];
			v[n++] = hexd[*s & 15];
		}
	}
	v[n] = '\0';
	resp_header(r, "Content-Disposition", v);
}

void
resp_redirect(struct portal_resp *r, const char *location)
{
	r->status = 303;
	/* only paths of this portal: an absolute URL here would be an open
	 * redirect */
	if (location[0] != '/' || location[1] == '/' || location[1] == '\\')
		location = "/";
	resp_header(r, "Location", location);
	snprintf(r->content_type, sizeof(r->content_type),
	    "text/plain; charset=utf-8");
}

int
resp_status_of(int code)
{
	switch (code) {
	case 0: return 200;
	case ERR_INVALID: case ERR_USAGE: return 400;
	case ERR_NOTFOUND: return 404;
	case ERR_EXISTS: return 409;
	case ERR_DENIED: return 403;
	case ERR_FULL: return 429;
	default: return 500;
	}
}
