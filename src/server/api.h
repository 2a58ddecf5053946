/* api.h - the JSON routes under /v1 and /healthz. */
#ifndef SKILLCERT_SRV_API_H
#define SKILLCERT_SRV_API_H

#include "ctx.h"

void srv_api_cert(struct srv_ctx *x, const struct http_target *t,
    const struct http_query *q, struct server_response *r);
void srv_api_verify(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_api_org(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_api_healthz(struct srv_ctx *x, struct server_response *r);

#endif
