/* api.h - where the JSON API (/api/...) plugs into the portal's router;
 * api*.c is owned by the API work (wt-api). */
#ifndef SKILLCERT_PORTAL_API_H
#define SKILLCERT_PORTAL_API_H
#include "portal_int.h"

/* Called for every path under /api/. Returns 0 when it handled the request
 * (resp filled), non-zero to let the router answer 404. */
int portal_api_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp);
#endif
