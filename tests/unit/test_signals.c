/* test_signals.c - the signals rules file (every way a line can be wrong
 * names its line and field), and rules over hand-built arrays: the type-Y
 * employer rule (whose records the issuer refuses), ISO week labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/date.h"
#include "skillcert/supervise/signals.h"
#include "test.h"

#define HEAD "rule,enabled,severity,params\n"

/* Parses text (copied: the parser works in place); the error in e. */
static int
parse(const char *text, struct sig_rules *r, struct err *e)
{
	size_t n = strlen(text);
	char *t = malloc(n + 1);
	int rc;

	memcpy(t, text, n + 1);
	err_clear(e);
	rc = sig_rules_parse(t, n, r, e);
	free(t);
	return rc;
}

static void
bad(const char *text, const char *want)
{
	struct sig_rules r;
	struct err e;

	CHECK_EQ_INT(parse(text, &r, &e), ERR_INVALID);
	if (strstr(e.msg, want) == NULL) {
		t_fail++;
		fprintf(stderr, "message '%s' lacks '%s'\n", e.msg, want);
	} else
		t_pass++;
	CHECK(r.v == NULL && r.n == 0);
}

static void
test_parse(void)
{
	struct sig_rules r;
	struct err e;
	const struct sig_rule *x;

	CHECK_EQ_INT(sig_rules_load(NULL, &r, &e), 0);
	CHECK_EQ_INT(r.n, 13);
	CHECK((x = sig_rules_find(&r, "org-weekly-spike")) != NULL);
	CHECK(x && x->enabled && x->severity == SIG_HIGH && x->p[0] == 5);
	CHECK((x = sig_rules_find(&r, "assess-day")) != NULL);
	CHECK_STR(x ? x->text : NULL, "01-01|05-01|10-01|10-02|10-03");
	sig_rules_free(&r);
	CHECK_EQ_INT(parse("\xef\xbb\xbf# c\n" HEAD "\n# x\n"
	    "pass-all,0,low, min_assessed = 5 ; ;min_batches=1\n", &r, &e), 0);
	CHECK_EQ_INT(r.n, 1);
	CHECK(r.n == 1 && !r.v[0].enabled && r.v[0].severity == SIG_LOW &&
	    r.v[0].p[0] == 5 && r.v[0].p[1] == 1 && r.v[0].line == 5);
	sig_rules_free(&r);
	bad("", "line 1: no header");
	bad("rule,enabled,severity\n", "line 1: the header");
	bad(HEAD "x-rule,1,high,\n", "line 2, field 1 (rule): unknown rule 'x-rule'");
	bad(HEAD "pass-all,1,high,\npass-all,1,low,\n", "line 3, field 1 (rule): "
	    "pass-all is listed twice");
	bad(HEAD "pass-all,2,high,\n", "line 2, field 2 (enabled)");
	bad(HEAD "pass-all,1,HIGH,\n", "line 2, field 3 (severity)");
	bad(HEAD "pass-all,1,high,min_assessed\n", "line 2, field 4 (params): "
	    "'min_assessed' is not key=value");
	bad(HEAD "pass-all,1,high,=3\n", "field 4 (params): '=3'");
	bad(HEAD "pass-all,1,high,factor=3\n", "no parameter 'factor'");
	bad(HEAD "pass-all,1,high,min_assessed=-1\n", "min_assessed='-1'");
	bad(HEAD "pass-all,1,high,min_assessed=nan\n", "min_assessed='nan'");
	bad(HEAD "pass-all,1,high,min_assessed=1e99\n", "min_assessed='1e99'");
	bad(HEAD "assess-day,1,low,holidays=10-1\n", "holidays must be MM-DD");
	bad(HEAD "assess-day,1,low,holidays=10-01|\n", "holidays must be MM-DD");
	bad(HEAD "pass-all,1,high,\"x\n", "line 2, field 4: ");
	bad(HEAD "pass-all,1\n", "line 2: 2 fields");
	{
		char t[] = HEAD "pass-all,1,high,\0\n";
		CHECK_EQ_INT(sig_rules_parse(t, sizeof(t) - 1, &r, &e), ERR_INVALID);
	}
}

static void
add_certs(struct sig_data *d, int org, int n, int flagged, int32_t day)
{
	static unsigned seq;
	struct sig_cert c;
	char no[CERTNO_LEN + 1];

	for (int i = 0; i < n; i++) {
		memset(&c, 0, sizeof(c));
		c.holder = ++seq;
		c.name = seq;
		c.batch = UINT32_MAX;
		c.issued = day;
		c.assessed = day - 1;
		c.org = (uint16_t)org;
		c.occ = 0;
		c.level = 4;
		c.status = 1;
		c.flags = i < flagged ? SIG_F_EMPLOYER_OTHER : 0;
		snprintf(no, sizeof(no), "%s254%06u", d->org[org].code, seq);
		CHECK_EQ_INT(sig_data_add(d, &c, no), 0);
	}
}

static void
test_employer(void)
{
	struct sig_rules r;
	struct sig_data d;
	struct sig_hits h;
	struct sig_query q = { 0, 0, -1, "employer-mismatch" };
	struct sig_org o;
	struct err e;
	int32_t day;

	date_from_ymd(2025, 8, 2, &day);
	sig_data_init(&d);
	CHECK_EQ_INT(sig_rules_load(NULL, &r, &e), 0);
	CHECK_EQ_INT(sig_data_occ(&d, "4-10-01-05"), 0);
	memset(&o, 0, sizeof(o));
	o.type = 'Y';
	strcpy(o.code, "Y000036000001");
	CHECK_EQ_INT(sig_data_org(&d, &o), 0);          /* planted: 6 of 10 */
	strcpy(o.code, "Y000036000002");
	CHECK_EQ_INT(sig_data_org(&d, &o), 1);          /* 1 of 10: under */
	strcpy(o.code, "S000036000003");
	o.type = 'S';
	CHECK_EQ_INT(sig_data_org(&d, &o), 2);          /* type S: not judged */
	add_certs(&d, 0, 10, 6, day);
	add_certs(&d, 1, 10, 1, day);
	add_certs(&d, 2, 10, 10, day);
	sig_hits_init(&h, 4);
	CHECK_EQ_INT(sig_run(&r, &d, &q, &h, &e), 0);
	CHECK_EQ_INT(h.n, 1);
	if (h.n == 1) {
		CHECK_EQ_INT(h.v[0].org, 0);
		CHECK_EQ_INT(h.v[0].count, 6);
		CHECK_EQ_INT(h.v[0].ncerts, 4);
		CHECK(strstr(h.v[0].desc, "6 of 10 holders") != NULL);
		CHECK_STR(d.no[h.v[0].certs[0]], "Y000036000001254000001");
	}
	sig_hits_free(&h);
	q.rule = "no-such-rule";
	sig_hits_init(&h, 4);
	CHECK_EQ_INT(sig_run(&r, &d, &q, &h, &e), ERR_USAGE);
	sig_hits_free(&h);
	sig_data_free(&d);
	sig_rules_free(&r);
}

/* The stated capacity: encoded from version 3 on; a version 2 record (the
 * same bytes without it) still decodes, with capacity 0 = unstated. */
static void
test_org_capacity(void)
{
	struct org o, back;
	struct buf b = BUF_INIT;
	struct err e;

	memset(&o, 0, sizeof(o));
	strcpy(o.code, "S000036000001");
	o.type = 'S';
	strcpy(o.name, "评价中心");
	o.status = ORG_ACTIVE;
	o.region = 360100;
	o.capacity = 12000;
	CHECK_EQ_INT(org_encode(&o, &b), 0);
	CHECK_EQ_INT(b.data[0], 3);
	CHECK_EQ_INT(org_decode(b.data, b.len, &back, &e), 0);
	CHECK_EQ_INT(back.capacity, 12000);
	CHECK_EQ_INT(back.region, 360100);
	b.data[0] = 2;                              /* version 2: no capacity */
	CHECK_EQ_INT(org_decode(b.data, b.len - 4, &back, &e), 0);
	CHECK_EQ_INT(back.capacity, 0);
	CHECK_EQ_INT(back.region, 360100);
	CHECK_EQ_INT(org_decode(b.data, b.len, &back, &e), ERR_DB); /* trailing */
	b.data[0] = 3;
	CHECK_EQ_INT(org_decode(b.data, b.len - 2, &back, &e), ERR_DB); /* short */
	b.data[0] = 4;
	CHECK_EQ_INT(org_decode(b.data, b.len, &back, &e), ERR_DB);
	buf_free(&b);
}

int
main(void)
{
	test_parse();
	test_employer();
	test_org_capacity();
	TEST_END();
}
