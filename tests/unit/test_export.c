/* test_export.c - the export profiles: occupations by name, code or *,
 * the fixed field list, and what a profiles file may not say; the past
 * exports listed from their manifests (export_list). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/store/export.h"
#include "test.h"

static const char occs[] = "code,name,levels,trades,confirmed\n"
    "4-10-01-05,养老护理员,5-1,,yes\n"
    "4-10-01-06,家政服务员,5-2,,yes\n";

/* Parses text (copied: the parser cuts in place); the error code. */
static int
parse(const struct catalog *cat, const char *text,
    struct export_profiles *ps, struct err *e)
{
	char buf[1024];
	size_t n = strlen(text);

	snprintf(buf, sizeof(buf), "%s", text);
	err_clear(e);
	return export_profiles_parse(cat, buf, n, ps, e);
}

static void
test_profiles(const struct catalog *cat)
{
	static struct export_profiles ps;
	const struct export_profile *p;
	struct err e;

	CHECK_EQ_INT(parse(cat, "\xef\xbb\xbf# comment\n"
	    "department,occupations,fields\n"
	    "妇联,家政服务员,certno|name|level\n"
	    "民政,*,certno|id_number|employer\n"
	    "卫健,4-10-01-05|家政服务员,certno\n", &ps, &e), 0);
	CHECK_EQ_INT(ps.n, 3);
	CHECK((p = export_profile_find(&ps, "妇联")) != NULL);
	CHECK_EQ_INT(p->nocc, 1);
	CHECK_STR(p->occ[0], "4-10-01-06");
	CHECK_EQ_INT(p->nfield, 3);
	CHECK_STR(export_field_name(p->field[2]), "level");
	CHECK((p = export_profile_find(&ps, "民政")) != NULL && p->all_occ);
	CHECK_STR(export_field_name(p->field[2]), "employer");
	CHECK((p = export_profile_find(&ps, "卫健")) != NULL && p->nocc == 2);
	CHECK(export_profile_find(&ps, "公安") == NULL);
	CHECK(export_field_name(99) == NULL);
}

static void
test_refused(const struct catalog *cat)
{
	static struct export_profiles ps;
	struct err e;
	const char *h = "department,occupations,fields\n";
	char t[512];

	snprintf(t, sizeof(t), "%s妇联,保安员,certno\n", h);
	CHECK_EQ_INT(parse(cat, t, &ps, &e), ERR_INVALID);
	CHECK(strstr(e.msg, "保安员") != NULL);
	snprintf(t, sizeof(t), "%s妇联,*,certno|id_salt\n", h);
	CHECK_EQ_INT(parse(cat, t, &ps, &e), ERR_INVALID);
	snprintf(t, sizeof(t), "%s妇联,*,certno\n妇联,*,name\n", h);
	CHECK_EQ_INT(parse(cat, t, &ps, &e), ERR_INVALID);
	snprintf(t, sizeof(t), "%sall,*,certno\n", h);
	CHECK_EQ_INT(parse(cat, t, &ps, &e), ERR_INVALID);
	snprintf(t, sizeof(t), "%s../x,*,certno\n", h);
	CHECK_EQ_INT(parse(cat, t, &ps, &e), ERR_INVALID);
	snprintf(t, sizeof(t), "%s妇联,*\n", h);
	CHECK_EQ_INT(parse(cat, t, &ps, &e), ERR_INVALID);
	CHECK_EQ_INT(parse(cat, h, &ps, &e), ERR_INVALID);
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Manifests newest first with their figures; other files and a text that
 * is no manifest skipped; a missing dir an empty list. */
static void
test_list(void)
{
	char dir[] = "/tmp/test_export.XXXXXX", cmd[64];
	struct export_info x[4];
	struct err e;
	size_t n = 9;

	CHECK(mkdtemp(dir) != NULL);
	put(dir, "民政-0-6.csv.manifest", "skillcert-export v1\ndepartment: 民政\n"
	    "format: csv\nfile: 民政-0-6.csv\nsha256: ab12\nrows: 6\nlog_from: 0\n"
	    "log_to: 6\nhead: 00\ncreated: 100\nauthority: 01\nsignature: 02\n");
	put(dir, "卫健-6-9.xlsx.manifest", "skillcert-export v1\ndepartment: 卫健\n"
	    "format: xlsx\nfile: 卫健-6-9.xlsx\nsha256: cd34\nrows: 3\nlog_from: 6\n"
	    "log_to: 9\nhead: 00\ncreated: 200\nauthority: 01\nsignature: 02\n");
	put(dir, "junk.manifest", "not one\n");
	put(dir, "民政-0-6.csv", "x\n");
	err_clear(&e);
	CHECK_EQ_INT(export_list(dir, x, 4, &n, &e), 0);
	CHECK_EQ_INT((int)n, 2);
	CHECK(strcmp(x[0].dept, "卫健") == 0 && x[0].from == 6 && x[0].to == 9 &&
	    x[0].rows == 3 && strcmp(x[0].sha256, "cd34") == 0 &&
	    strcmp(x[0].format, "xlsx") == 0 && x[0].created == 200);
	CHECK(strcmp(x[1].file, "民政-0-6.csv") == 0 && x[1].rows == 6);
	CHECK_EQ_INT(export_list(dir, x, 1, &n, &e), 0);
	CHECK_EQ_INT((int)n, 1);
	CHECK(strcmp(x[0].dept, "卫健") == 0);   /* the newest, whatever the order */
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_EQ_INT(system(cmd), 0);
	CHECK_EQ_INT(export_list(dir, x, 4, &n, &e), 0);
	CHECK_EQ_INT((int)n, 0);
}

int
main(void)
{
	struct catalog cat;
	struct err e;

	memset(&cat, 0, sizeof(cat));
	err_clear(&e);
	CHECK_EQ_INT(catalog_parse(&cat, CAT_OCCUPATIONS, occs, strlen(occs),
	    &e), 0);
	test_profiles(&cat);
	test_refused(&cat);
	test_list();
	catalog_free(&cat);
	TEST_END();
}
