/* issue_on.c - for tests/cli/signals.sh and tools/demo's year of data:
 * issues a roster as if on a past day (the CLI issues today only;
 * backdating is not a feature), through the same issue_roster the CLI
 * uses. Never installed. Usage:
 *   issue_on DB ORG ROSTER YYYY-MM-DD [NAME_CHANGE_REASON] */
#include <stdio.h>
#include <stdlib.h>
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
	int rc;

	err_clear(&e);
	memset(&o, 0, sizeof(o));
	memset(&res, 0, sizeof(res));
	if (argc < 5 || argc > 6 || date_parse(argv[4], &o.today) != 0) {
		fprintf(stderr, "usage: issue_on DB ORG ROSTER YYYY-MM-DD [REASON]\n");
		return ERR_USAGE;
	}
	o.org = argv[2];
	o.roster_path = argv[3];
	o.threads = 1;
	o.name_change_reason = argc == 6 ? argv[5] : NULL;
	/* a registry whose keys are encrypted: the passphrase from the
	 * environment (tests/cli/portal_browser.sh plants that way) */
	o.passphrase = getenv("ISSUE_ON_PASSPHRASE");
	if ((rc = registry_open(&r, argv[1], NULL, &e)) == 0 &&
	    (rc = registry_load_secrets(r, o.passphrase, &e)) == 0)
		rc = issue_roster(r, &o, &res, &e);
	if (rc == 0)
		printf("%zu issued, %zu assessed, %zu passed\n", res.issued,
		    res.assessed, res.passed);
	else
		fprintf(stderr, "issue_on: %s\n", e.msg[0] ? e.msg : "rows rejected");
	for (size_t i = 0; rc != 0 && i < res.nrows; i++)
		if (res.rows[i].msg[0])
			fprintf(stderr, "  line %d: %s\n", res.rows[i].line,
			    res.rows[i].msg);
	issue_result_free(&res);
	if (r)
		registry_close(r);
	return rc;
}
