/* pages.c - the browser pages' router (filled in by the page work). */
#include "portal_int.h"

int
portal_pages_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp)
{
	return -1;
}
