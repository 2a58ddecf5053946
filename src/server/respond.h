/* respond.h - how a handler ends its request: body, type, JSON errors. */
#ifndef SKILLCERT_SRV_RESPOND_H
#define SKILLCERT_SRV_RESPOND_H

#include "ctx.h"

#define CT_JSON "application/json; charset=utf-8"
#define CT_HTML "text/html; charset=utf-8"
#define CT_TEXT "text/plain; charset=utf-8"
#define CT_PROM "text/plain; version=0.0.4; charset=utf-8"

/* Points r at the body built in x (or x->ext); a body cut short by
 * running out of memory becomes a 500. */
void srv_finish(struct srv_ctx *x, struct server_response *r, int status,
    const char *ctype, int cache);
/* {"error":{"code":...,"message":...}} with the status. */
void srv_json_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *code, const char *msg);
/* The reason phrase of a status line. */
const char *srv_reason(int status);

#endif
