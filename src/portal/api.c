/* api.c - placeholder JSON API: every /api/ path is a JSON 404 until the
 * API work (wt-api, which owns api*.c) replaces this file. */
#include "api.h"

int
portal_api_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp)
{
	resp_json_error(resp, 404, "not_found", "no such API route");
	return 0;
}
