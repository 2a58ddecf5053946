/* regrules.c - which rules file a registry's signals run with: the
 * authority's own DIR/signals.csv when present, else the built-in one,
 * for `skillcert signals` and the portal's 信号 page alike. */
#include <limits.h>
#include <stdio.h>

#include "skillcert/supervise/signals.h"

int
sig_rules_load_registry(const struct registry *r, struct sig_rules *out,
    struct err *e)
{
	char own[PATH_MAX + 16];
	FILE *f;

	snprintf(own, sizeof(own), "%s/signals.csv", r->dir);
	if ((f = fopen(own, "r")) != NULL) {
		fclose(f);
		return sig_rules_load(own, out, e);
	}
	return sig_rules_load(NULL, out, e);
}
