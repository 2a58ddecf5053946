/* page.h - the HTML routes, and the error page for page routes. */
#ifndef SKILLCERT_SRV_PAGE_H
#define SKILLCERT_SRV_PAGE_H

#include "ctx.h"

void srv_page_index(struct srv_ctx *x, struct server_response *r);
void srv_page_search(struct srv_ctx *x, const struct http_query *q,
    struct server_response *r);
void srv_page_verify(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_page_photo(struct srv_ctx *x, const struct http_target *t,
    struct server_response *r);
void srv_page_error(struct srv_ctx *x, struct server_response *r, int status,
    const char *title, const char *detail);

#endif
