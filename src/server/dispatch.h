/* dispatch.h - one request in, one response out, for both front ends. */
#ifndef SKILLCERT_SRV_DISPATCH_H
#define SKILLCERT_SRV_DISPATCH_H

#include "ctx.h"

/* Fills out; body valid until srv_done (photo bytes point into the map). */
void srv_dispatch(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *out);
/* The refusal of a request no route sees: status 400, 405, 408, 414, 431,
 * 501 or 505 (others become 400); uri may be NULL. */
void srv_dispatch_refuse(struct srv_ctx *x, int status, const char *uri,
    size_t uri_len, struct server_response *out);

#endif
