/* dispatch.h - one request in, one response out, for both front ends. */
#ifndef SKILLCERT_SRV_DISPATCH_H
#define SKILLCERT_SRV_DISPATCH_H

#include "ctx.h"

/* Fills out; body valid until srv_done (photo bytes point into the map). */
void srv_dispatch(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *out);

#endif
