/* fuzz_signals.c - the signals rules-file parser (src/data/signals.csv, or
 * the authority's own) on arbitrary bytes: an error or a rule set, never a
 * crash; a parsed set is run once over a tiny data set. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/supervise/signals.h"

static void
fuzz_run(const struct sig_rules *rules)
{
	struct sig_data d;
	struct sig_org o;
	struct sig_cert c;
	struct sig_hits h;
	struct sig_query q = { 0, 0, -1, NULL };
	struct err e;

	sig_data_init(&d);
	memset(&o, 0, sizeof(o));
	memcpy(o.code, "S000036000001", 14);
	o.type = 'S';
	o.capacity = 1;
	o.suspended_on = 20000;
	memset(&c, 0, sizeof(c));
	c.batch = UINT32_MAX;
	c.issued = 19990;
	c.level = 2;
	c.status = 2;
	c.reason = 2;
	if (sig_data_org(&d, &o) == 0 && sig_data_occ(&d, "4-10-01-05") == 0 &&
	    sig_data_batch(&d, 0, "B", 40, 40, 19990) == 0) {
		for (int i = 0; i < 3; i++) {
			c.holder = 7;
			c.name = (uint32_t)i;
			c.batch = 0;
			c.level = (uint8_t)(5 - 2 * i);
			(void)sig_data_add(&d, &c, "S000036000001242000001");
		}
		sig_hits_init(&h, 2);
		(void)sig_run(rules, &d, &q, &h, &e);
		sig_hits_free(&h);
	}
	sig_data_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_rules r;
	struct err e;
	char *t;

	if (size > 65536 || (t = malloc(size + 1)) == NULL)
		return 0;
	memcpy(t, data, size);
	if (sig_rules_parse(t, size, &r, &e) == 0) {
		fuzz_run(&r);
		sig_rules_free(&r);
	}
	free(t);
	return 0;
}
