/* log.h - the transparency-log and trust-bundle routes. */
#ifndef SKILLCERT_SRV_LOG_H
#define SKILLCERT_SRV_LOG_H

#include "ctx.h"

void srv_log_head(struct srv_ctx *x, struct server_response *r);
void srv_log_status(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_log_proof(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_log_consistency(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_log_leaves(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
/* GET /checkpoint: the latest C2SP checkpoint note, text/plain. */
void srv_log_checkpoint(struct srv_ctx *x, struct server_response *r);
void srv_trust(struct srv_ctx *x, const struct srv_req *rq,
    struct server_response *r);

#endif
