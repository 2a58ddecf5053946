/* respond.c - how every handler ends a request: the body it built (or
 * bytes in the map) becomes the response, and errors keep one JSON shape. */
#include "respond.h"
#include "skillcert/base/json.h"

const char *
srv_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 408: return "Request Timeout";
	case 414: return "URI Too Long";
	case 431: return "Request Header Fields Too Large";
	case 501: return "Not Implemented";
	case 505: return "HTTP Version Not Supported";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Error";
	}
}

void
srv_finish(struct srv_ctx *x, struct server_response *r, int status,
    const char *ctype, int cache)
{
	r->status = status;
	r->content_type = ctype;
	r->cache = cache;
	if (x->ext != NULL) {
		r->body = x->ext;
		r->body_len = x->ext_len;
	} else if (x->body.oom) {
		/* A body cut short is worse than none. */
		r->status = 500;
		r->content_type = CT_TEXT;
		r->cache = SRV_CACHE_NO_STORE;
		r->body = (const uint8_t *)"out of memory\n";
		r->body_len = 14;
	} else {
		r->body = x->body.data;
		r->body_len = x->body.len;
	}
}

void
srv_json_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *code, const char *msg)
{
	struct json j;

	buf_reset(&x->body);
	x->ext = NULL;
	json_init(&j, &x->body);
	json_obj_begin(&j);
	json_key(&j, "error");
	json_obj_begin(&j);
	json_kstr(&j, "code", code);
	json_kstr(&j, "message", msg);
	json_obj_end(&j);
	json_obj_end(&j);
	buf_append_byte(&x->body, '\n');
	srv_finish(x, r, status, CT_JSON, SRV_CACHE_NO_STORE);
}
