/* issue_on.c - for tools/demo only: issues a roster as if on an earlier
 * day (issue_opts.today, the hook the tests use), so the demo registry
 * holds a year of issuance and the quarterly report has months to show.
 * Never installed; the skillcert command has no such option. Usage:
 *   issue_on DB ORG ROSTER YYYY-MM-DD */
#include <stdio.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "skillcert/issue/issue.h"

int
main(int argc, char **argv)
{
	struct registry *r = NULL;
	struct issue_opts o;
	struct issue_result res;
	struct err e;
	int32_t day;
	int rc;

	if (argc != 5 || date_parse(argv[4], &day) != 0) {
		fprintf(stderr, "usage: issue_on DB ORG ROSTER YYYY-MM-DD\n");
		return ERR_USAGE;
	}
	err_clear(&e);
	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	o.org = argv[2];
	o.roster_path = argv[3];
	o.today = day;
	o.batch = NULL;
	if ((rc = registry_open(&r, argv[1], NULL, &e)) == 0 &&
	    (rc = registry_load_secrets(r, NULL, &e)) == 0 &&
	    (rc = issue_roster(r, &o, &res, &e)) == 0)
		printf("%s: %zu issued on %s (%zu assessed, %zu passed)\n",
		    argv[3], res.issued, argv[4], res.assessed, res.passed);
	else
		fprintf(stderr, "issue_on %s: %s\n", argv[3], e.msg);
	issue_result_free(&res);
	if (r != NULL)
		registry_close(r);
	return rc;
}
