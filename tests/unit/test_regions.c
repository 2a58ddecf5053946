/* test_regions.c - the region catalog (both file shapes, the hierarchy),
 * home regions from ID numbers, and organization records by version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/model/catalog.h"
#include "skillcert/model/org.h"
#include "skillcert/model/person.h"
#include "test.h"

static int
parse_regions(struct catalog *c, const char *text)
{
	struct err e;

	err_clear(&e);
	return catalog_parse(c, CAT_REGIONS, text, strlen(text), &e);
}

/* The two-column file of earlier releases: provinces only. */
static void
test_old_shape(void)
{
	struct catalog c;

	memset(&c, 0, sizeof(c));
	CHECK_EQ_INT(parse_regions(&c, "# old\ncode,name\n36,江西省\n41,河南省\n"),
	    0);
	CHECK_EQ_INT(c.nregions, 2);
	CHECK_STR(catalog_region_name(&c, 36), "江西省");
	CHECK_STR(catalog_region_name(&c, 410000), "河南省");
	CHECK(catalog_region_parent(&c, catalog_region_by_code(&c, 36)) == NULL);
	CHECK(catalog_region_within(&c, 360000, 36));
	CHECK(!catalog_region_within(&c, 360000, 41));
	CHECK(catalog_region_by_code(&c, 360100) == NULL);
	catalog_free(&c);
}

static void
test_new_shape(void)
{
	struct catalog c;
	const struct region *rg;

	memset(&c, 0, sizeof(c));
	CHECK_EQ_INT(parse_regions(&c, "code,name,parent\n410000,河南省,\n"
	    "410882,沁阳市,\n410800,焦作市,\n419001,济源市,410000\n"
	    "36,江西省,\n"), 0);
	CHECK_EQ_INT(c.nregions, 5);
	rg = catalog_region_by_code(&c, 410882);
	CHECK(rg != NULL && rg->parent == 410800); /* listed after it */
	CHECK_STR(catalog_region_parent(&c, rg)->name, "焦作市");
	CHECK(catalog_region_within(&c, 410882, 410800));
	CHECK(catalog_region_within(&c, 410882, 41));
	CHECK(catalog_region_within(&c, 410882, 410882));
	CHECK(!catalog_region_within(&c, 410800, 410882));
	CHECK(!catalog_region_within(&c, 410882, 36));
	CHECK_EQ_INT(catalog_region_by_code(&c, 419001)->parent, 410000);
	CHECK_STR(catalog_region_name(&c, 36), "江西省");
	/* Errors: a parent in another province, a bad code, a duplicate,
	 * a row of the wrong width. */
	CHECK(parse_regions(&c, "code,name,parent\n410000,河南省,\n"
	    "360000,江西省,\n410882,沁阳市,360000\n") != 0);
	CHECK_EQ_INT(c.nregions, 0);
	CHECK(parse_regions(&c, "code,name,parent\n4100,河南省,\n") != 0);
	CHECK(parse_regions(&c, "code,name,parent\n410000,a,\n410000,b,\n") != 0);
	CHECK(parse_regions(&c, "code,name,parent\n410000,a\n") != 0);
	CHECK(parse_regions(&c, "code,name\n410000,a,\n") != 0);
	CHECK_EQ_INT(catalog_region_code_parse("360100"), 360100);
	CHECK_EQ_INT(catalog_region_code_parse("36"), 360000);
	CHECK_EQ_INT(catalog_region_code_parse("3601"), -1);
	CHECK_EQ_INT(catalog_region_code_parse("090100"), -1);
	catalog_free(&c);
}

static void
test_home(const struct catalog *c)
{
	const char *name;
	int code = 0;

	CHECK_EQ_INT(person_home_region(c, "41088219800101001X", &code, &name),
	    0);
	CHECK_EQ_INT(code, 410882);
	CHECK_STR(name, "沁阳市");
	/* A county of 南昌 is listed by its own name now. */
	CHECK_EQ_INT(person_home_region(c, "36010219800101001X", &code, &name),
	    0);
	CHECK_EQ_INT(code, 360102);
	CHECK_STR(name, "东湖区");
	/* An older code an ID number still carries (新建县, now 新建区
	 * 360112): not a current unit, named by its prefecture. */
	CHECK(catalog_region_by_code(c, 360122) == NULL);
	CHECK_EQ_INT(person_home_region(c, "36012219800101001X", &code, &name),
	    0);
	CHECK_STR(name, "南昌市");
	/* A county code not listed: the prefecture's name. */
	CHECK_EQ_INT(person_home_region(c, "36019919800101001X", &code, &name),
	    0);
	CHECK_EQ_INT(code, 360199);
	CHECK_STR(name, "南昌市");
	CHECK_EQ_INT(person_home_region(c, "11010519491231002X", &code, &name),
	    0);
	CHECK_STR(name, "北京市");
	CHECK_EQ_INT(person_home_region(c, "00010519491231002X", &code, &name),
	    -1);
	CHECK_EQ_INT(person_home_region(c, "3601", &code, &name), -1);
}

/* The counties of the seeds' provinces hang under their prefecture
 * (重庆's and 济源 under the province), so they roll up in reports. */
static void
check_counties(const struct catalog *c)
{
	static const int provs[] = { 360000, 510000, 150000, 500000, 410000 };
	int n[5] = { 0 };

	for (size_t i = 0; i < c->nregions; i++) {
		const struct region *rg = &c->regions[i];
		int k = -1;

		for (int j = 0; j < 5; j++)
			if (rg->code / 10000 * 10000 == provs[j])
				k = j;
		if (k < 0 || rg->code % 100 == 0)
			continue;
		n[k]++;
		if (provs[k] == 500000 || rg->code / 100 == 4190)
			CHECK_EQ_INT(rg->parent, provs[k]);
		else
			CHECK_EQ_INT(rg->parent, rg->code / 100 * 100);
	}
	/* At least the current county-level units of each province. */
	CHECK(n[0] >= 100 && n[1] >= 183 && n[2] >= 103 && n[3] >= 38 &&
	    n[4] >= 157);
	CHECK(catalog_region_within(c, 360124, 360100));
	CHECK(catalog_region_within(c, 360124, 36));
	CHECK(catalog_region_within(c, 513437, 513400));
	CHECK(catalog_region_within(c, 152923, 152900));
	CHECK(catalog_region_within(c, 410783, 410700));
	CHECK(catalog_region_within(c, 419001, 41));
	CHECK(!catalog_region_within(c, 500229, 500200));
	CHECK_STR(catalog_region_name(c, 150722), "莫力达瓦达斡尔族自治旗");
}

/* Every code the seeds' target tables name is in the shipped catalog. */
static void
test_shipped(void)
{
	static const int codes[] = { 360100, 360200, 360300, 360400, 360500,
		360600, 360700, 360800, 360900, 361000, 361100, 410800, 410802,
		410803, 410804, 410811, 410821, 410822, 410823, 410825, 410882,
		410883, 510100, 150100, 500103 };
	const char *src = getenv("SKILLCERT_SRC");
	char path[1024];
	struct buf b = BUF_INIT;
	struct catalog c;
	struct err e;

	memset(&c, 0, sizeof(c));
	err_clear(&e);
	snprintf(path, sizeof(path), "%s/src/data/regions.csv", src ? src : ".");
	CHECK_EQ_INT(buf_read_file(&b, path, 1u << 20), 0);
	CHECK_EQ_INT(catalog_parse(&c, CAT_REGIONS, (char *)b.data, b.len, &e), 0);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		CHECK(catalog_region_by_code(&c, codes[i]) != NULL);
	CHECK(catalog_region_within(&c, 410882, 410800));
	CHECK(catalog_region_within(&c, 500103, 50));
	check_counties(&c);
	CHECK_STR(catalog_region_name(&c, 36), "江西省");
	test_home(&c);
	catalog_free(&c);
	buf_free(&b);
}

/* A version 1 record (as earlier releases and bundles hold): no region. */
static void
encode_v1(const struct org *o, struct buf *b)
{
	buf_append_byte(b, 1);
	buf_append(b, o->code, ORGCODE_LEN);
	buf_append_byte(b, (uint8_t)o->type);
	buf_append_str16(b, o->name);
	buf_append_u32(b, (uint32_t)o->valid_from);
	buf_append_u32(b, (uint32_t)o->valid_to);
	buf_append_byte(b, (uint8_t)o->nscope);
	for (int i = 0; i < o->nscope; i++) {
		buf_append(b, o->scope[i].occ, 4);
		buf_append_byte(b, o->scope[i].levels);
	}
	buf_append_byte(b, (uint8_t)o->status);
	buf_append(b, o->kid, KEY_ID_LEN);
	buf_append_u64(b, (uint64_t)o->created);
	buf_append_u64(b, (uint64_t)o->changed);
	buf_append_str16(b, o->note);
}

static void
test_org_versions(void)
{
	struct catalog c;
	struct org o, back;
	struct buf b = BUF_INIT;
	struct err e;

	memset(&c, 0, sizeof(c));
	memset(&o, 0, sizeof(o));
	err_clear(&e);
	CHECK_EQ_INT(parse_regions(&c, "code,name,parent\n410000,河南省,\n"
	    "410800,焦作市,\n410882,沁阳市,\n360000,江西省,\n"), 0);
	strcpy(o.code, "S000041000001");
	o.type = 'S';
	strcpy(o.name, "焦作康养");
	o.status = ORG_ACTIVE;
	o.nscope = 1;
	o.scope[0].levels = 0x3e;
	o.region = 410000;
	encode_v1(&o, &b);
	CHECK_EQ_INT(org_decode(b.data, b.len, &back, &e), 0);
	CHECK_EQ_INT(back.region, 410000);
	CHECK_STR(back.name, "焦作康养");
	CHECK_EQ_INT(org_set_region(&c, &o, 410882, NULL, 0, &e), 0);
	CHECK(org_set_region(&c, &o, 360000, NULL, 0, &e) != 0);
	CHECK(org_set_region(&c, &o, 410899, NULL, 0, &e) != 0);
	CHECK_EQ_INT(org_set_region(&c, &o, 410800, "合并", 19000, &e), 0);
	CHECK(strstr(o.history, "410882->410800 合并") != NULL);
	for (int i = 0; i < 40; i++)
		CHECK_EQ_INT(org_set_region(&c, &o, i % 2 ? 410800 : 410882,
		    "往返", 19000, &e), 0);
	CHECK(strlen(o.history) < sizeof(o.history));
	CHECK_EQ_INT(org_encode(&o, &b), 0);
	CHECK_EQ_INT(org_decode(b.data, b.len, &back, &e), 0);
	CHECK_EQ_INT(back.region, o.region);
	CHECK_STR(back.history, o.history);
	b.data[0] = 4;                  /* a version from the future */
	CHECK(org_decode(b.data, b.len, &back, &e) != 0);
	buf_free(&b);
	catalog_free(&c);
}

int
main(void)
{
	test_old_shape();
	test_new_shape();
	test_shipped();
	test_org_versions();
	TEST_END();
}
