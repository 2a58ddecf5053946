/* targets.h - the plan's targets as data: one row per region, year (or
 * year range) and occupation group, in the format of the seeds' tables:
 *   region_code,region_name,year,occupations,target
 * region_code six digits (empty for a unit without a GB/T 2260 code: kept
 * and listed, never matched), year YYYY or YYYY-YYYY, occupations names
 * separated by '|' or '*' for every 康养 occupation of the catalog, target
 * a positive count (人次). */
#ifndef SKILLCERT_TARGETS_H
#define SKILLCERT_TARGETS_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/model/catalog.h"

#define TARGET_OCCS_MAX 256

struct target {
	int line;                      /* in the loaded file */
	int32_t region;                /* 0 = no code */
	char region_name[CAT_NAME_MAX];
	int year_from, year_to;
	char occs[TARGET_OCCS_MAX];    /* as written: "育婴员|保育员" or "*" */
	int in_catalog;                /* every named occupation is listed */
	uint64_t target;
};

struct targets {
	struct target *v;
	size_t n;
};

/* Parses text (checked against cat's regions) into t; errors name the
 * line and the field. t is left empty on error. */
int targets_parse(const struct catalog *cat, const char *text, size_t n,
    struct targets *t, struct err *e);
void targets_free(struct targets *t);
/* 1 if occupation name (from the catalog) is one of target g's. */
int targets_has_occ(const struct catalog *cat, const struct target *g,
    const char *name);

#endif
