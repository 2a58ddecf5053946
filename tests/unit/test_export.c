/* test_export.c - the export profiles: occupations by name, code or *,
 * the fixed field list, and what a profiles file may not say. */
#include <stdio.h>
#include <string.h>

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
	catalog_free(&cat);
	TEST_END();
}
