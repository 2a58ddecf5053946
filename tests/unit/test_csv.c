/* test_csv.c - the shared CSV reader, and catalogs read through it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/err.h"
#include "skillcert/model/catalog.h"
#include "test.h"

/* A writable copy with the spare byte the reader needs. */
static char *
dup_text(const char *s)
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);

	if (t != NULL)
		memcpy(t, s, n + 1);
	return t;
}

static void
test_reader(void)
{
	char *t = dup_text("a, \"b,c\" ,\"say \"\"hi\"\"\"\r\n"
	    "\"two\nlines\",\xe3\x80\x80x\xc2\xa0\r"
	    "last");
	struct csv_reader rd;
	struct csv_record rec;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	csv_reader_init(&rd, t, strlen(t));
	CHECK_EQ_INT(csv_next_record(&rd, &rec), CSV_RECORD);
	CHECK_EQ_INT(rec.line, 1);
	CHECK_EQ_INT(rec.n, 3);
	if (rec.n == 3) {
		CHECK_STR(rec.field[0], "a");
		CHECK_STR(rec.field[1], "b,c");
		CHECK_STR(rec.field[2], "say \"hi\"");
	}
	CHECK_EQ_INT(csv_next_record(&rd, &rec), CSV_RECORD);
	CHECK_EQ_INT(rec.line, 2);
	CHECK_EQ_INT(rec.n, 2);
	if (rec.n == 2) {
		CHECK_STR(rec.field[0], "two\nlines");
		CHECK_STR(rec.field[1], "x"); /* U+3000 and U+00A0 trimmed */
	}
	/* The quoted line break and the lone CR each end a line. */
	CHECK_EQ_INT(csv_next_record(&rd, &rec), CSV_RECORD);
	CHECK_EQ_INT(rec.line, 4);
	CHECK(rec.n == 1 && strcmp(rec.field[0], "last") == 0);
	CHECK_EQ_INT(csv_next_record(&rd, &rec), CSV_END);
	csv_reader_free(&rd);
	free(t);
}

static void
test_reader_errors(void)
{
	static const struct {
		const char *text;
		size_t field_max;
		int status, line;
		size_t field;
		const char *want;
	} cases[] = {
		{ "a,b\nc,\"d\n\n", 0, CSV_EQUOTE, 2, 1, "unterminated quote" },
		{ "a,\"b\"c\n", 0, CSV_ECLOSE, 1, 1, "must be doubled" },
		{ "ok\nabc,  abcd  \n", 3, CSV_ELONG, 2, 1,
		    "field is 4 bytes; the limit is 3" },
	};
	struct csv_reader rd;
	struct csv_record rec;
	char msg[128], *t;
	size_t i;
	int st;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((t = dup_text(cases[i].text)) == NULL)
			continue;
		csv_reader_init(&rd, t, strlen(t));
		rd.field_max = cases[i].field_max;
		while ((st = csv_next_record(&rd, &rec)) == CSV_RECORD)
			;
		csv_format_error(&rd, st, msg, sizeof(msg));
		CHECK_EQ_INT(st, cases[i].status);
		CHECK_EQ_INT(rd.err_line, cases[i].line);
		CHECK_EQ_INT(rd.err_field, cases[i].field);
		if (strstr(msg, cases[i].want) == NULL)
			fprintf(stderr, "case %zu: \"%s\"\n", i, msg);
		CHECK(strstr(msg, cases[i].want) != NULL);
		csv_reader_free(&rd);
		free(t);
	}
}

static void
test_comments(void)
{
	/* A comment may hold commas and a lone quote; only where a record
	 * would start is '#' a comment. */
	char *t = dup_text("# note, \"unbalanced\n  # indented\nx,#y\n#z\n");
	struct csv_reader rd;
	struct csv_record rec;

	CHECK(t != NULL);
	if (t == NULL)
		return;
	csv_reader_init(&rd, t, strlen(t));
	rd.comment = '#';
	CHECK_EQ_INT(csv_next_record(&rd, &rec), CSV_RECORD);
	CHECK_EQ_INT(rec.line, 3);
	CHECK(rec.n == 2 && strcmp(rec.field[1], "#y") == 0);
	CHECK_EQ_INT(csv_next_record(&rd, &rec), CSV_END);
	csv_reader_free(&rd);
	free(t);
}

static void
test_catalog_quoted(void)
{
	/* The old catalog splitter cut at every comma: these rows had 3
	 * and 6 fields and were refused. */
	const char *methods = "# 评价方式, \"quoted\" in a comment\n"
	    "code,name\n1,过程化考核\n2,\"模块化考核, 含实操\"\n";
	const char *occ = "code,name,levels,trades,confirmed\n"
	    "4-10-01-06,\"家政服务员\",5-2,\"母婴护理员|家务服务员\",yes\n"
	    "4-10-01-05,\"养老护理员, 医疗\",5-1,,yes\n";
	const char *bad = "code,name\n1,a\n2,\"b\n";
	const struct occupation *o;
	const struct named *m;
	struct catalog c;
	struct err e;

	memset(&c, 0, sizeof(c));
	err_clear(&e);
	CHECK_EQ_INT(catalog_parse(&c, CAT_METHODS, methods, strlen(methods),
	    &e), 0);
	CHECK_EQ_INT(c.nmethods, 2);
	m = catalog_method_by_code(&c, 2);
	CHECK(m != NULL && strcmp(m->name, "模块化考核, 含实操") == 0);
	CHECK(catalog_method(&c, "模块化考核, 含实操") == m);

	CHECK_EQ_INT(catalog_parse(&c, CAT_OCCUPATIONS, occ, strlen(occ), &e),
	    0);
	CHECK_EQ_INT(c.nocc, 2);
	o = catalog_occ_by_code(&c, "4-10-01-06");
	CHECK(o != NULL && strcmp(o->name, "家政服务员") == 0 &&
	    o->ntrades == 2 && catalog_occ_has_trade(o, "家务服务员"));
	o = catalog_occ_by_name(&c, "养老护理员, 医疗");
	CHECK(o != NULL && o->ntrades == 0 && o->confirmed);

	/* A broken quote names the catalog, line and column, and leaves
	 * nothing half-loaded. */
	CHECK_EQ_INT(catalog_parse(&c, CAT_METHODS, bad, strlen(bad), &e),
	    ERR_INVALID);
	CHECK(strstr(e.msg, "methods line 3, column 2: unterminated quote") !=
	    NULL);
	CHECK_EQ_INT(c.nmethods, 0);
	catalog_free(&c);
}

int
main(void)
{
	test_reader();
	test_reader_errors();
	test_comments();
	test_catalog_quoted();
	TEST_END();
}
