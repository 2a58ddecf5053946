/* catalog.h - the authority's editable catalogs: occupations (code, name,
 * levels, 工种), assessment methods, ID document types, brand-mark rules
 * and region names. Each is a small CSV file in src/data/ (header row,
 * '|' separating list items); the registry stores the text and parses it
 * on open, so `skillcert catalog load` replaces them without a rebuild. */
#ifndef SKILLCERT_CATALOG_H
#define SKILLCERT_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

#define CAT_NAME_MAX 64
#define CAT_TRADES_MAX 8

enum cat_kind { CAT_OCCUPATIONS, CAT_METHODS, CAT_IDTYPES, CAT_BRANDS,
	CAT_REGIONS, CAT_NKINDS };

struct occupation {
	char code[16];                 /* N-NN-NN-NN */
	char name[CAT_NAME_MAX];
	uint8_t levels;                /* bit L set = level L (1..5) defined */
	int ntrades;
	char trades[CAT_TRADES_MAX][CAT_NAME_MAX];
	int confirmed;                 /* code confirmed against 大典 */
};

struct named { int code; char name[CAT_NAME_MAX]; int flags; };
#define IDTYPE_GB11643 1           /* named.flags: 18-digit check char */
#define IDTYPE_LATIN_NAMES 2       /* names with ' - . (foreign documents) */

/* A GB/T 2260 region: code NNxxxx (province NN0000, prefecture NNNN00,
 * else a county-level unit), parent 0 for a province. */
struct region { int code; int parent; char name[CAT_NAME_MAX]; };

struct brand_rule {
	int province;                  /* 0 = any */
	char occ_code[256];            /* codes separated by |, "*" = any */
	char mark[CAT_NAME_MAX];
	char art[256];                 /* optional artwork path, "" none */
};

struct catalog {
	struct occupation *occ; size_t nocc;
	struct named *methods; size_t nmethods;
	struct named *idtypes; size_t nidtypes;
	struct brand_rule *brands; size_t nbrands;
	struct region *regions; size_t nregions; /* six-digit GB/T 2260 */
};

const char *catalog_kind_name(int kind);  /* "occupations" ... file stem */
int catalog_kind_parse(const char *s);    /* -1 unknown */
/* Parses one catalog file's text into c (replacing that kind). */
int catalog_parse(struct catalog *c, int kind, const char *text, size_t n,
    struct err *e);
void catalog_free(struct catalog *c);

const struct occupation *catalog_occ_by_name(const struct catalog *c, const char *name);
const struct occupation *catalog_occ_by_code(const struct catalog *c, const char *code);
/* Accepts the name or the numeric code. */
const struct named *catalog_method(const struct catalog *c, const char *s);
const struct named *catalog_method_by_code(const struct catalog *c, int code);
const struct named *catalog_idtype(const struct catalog *c, const char *s);
const struct named *catalog_idtype_by_code(const struct catalog *c, int code);
/* A two-digit province code (1-99) stands for NN0000. */
const char *catalog_region_name(const struct catalog *c, int code);
const struct region *catalog_region_by_code(const struct catalog *c, int code);
/* NULL for a province or an unknown code. */
const struct region *catalog_region_parent(const struct catalog *c,
    const struct region *r);
/* 1 if region code lies inside (or is) region outer, following parents. */
int catalog_region_within(const struct catalog *c, int code, int outer);
/* "360100" (six digits) or "36" (two) -> six-digit code; -1 if malformed. */
int catalog_region_code_parse(const char *s);
/* The first matching rule wins; NULL when no mark applies. */
const struct brand_rule *catalog_brand_for(const struct catalog *c, int province,
    const char *occ_code);
int catalog_occ_has_trade(const struct occupation *o, const char *trade);

#endif
