/* catalog.c - the authority's catalogs as editable CSV text, so that a new
 * occupation or 工种 needs `skillcert catalog load`, not a new release. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/utf8.h"
#include "skillcert/model/catalog.h"
#include "skillcert/model/cert.h"
#include "skillcert/model/level.h"

static const char *kind_names[CAT_NKINDS] = {
	"occupations", "methods", "idtypes", "brands", "regions"
};
/* regions: code,name,parent; the old code,name file is read too. */
static const int kind_nfields[CAT_NKINDS] = { 5, 2, 3, 4, 3 };

const char *
catalog_kind_name(int kind)
{
	return kind >= 0 && kind < CAT_NKINDS ? kind_names[kind] : "?";
}

int
catalog_kind_parse(const char *s)
{
	for (int i = 0; i < CAT_NKINDS; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return i;
	return -1;
}

static int
catalog_copy_field(char *dst, size_t cap, const char *src, int line,
    const char *what, struct err *e)
{
	if (strlen(src) >= cap)
		return err_set(e, ERR_INVALID, "line %d: %s too long", line, what);
	if (utf8_check((const uint8_t *)src, strlen(src)) != 0)
		return err_set(e, ERR_INVALID, "line %d: %s is not UTF-8", line, what);
	strcpy(dst, src);
	return 0;
}

/* 工种 separated by '|' (cut in place). */
static int
catalog_split_trades(struct occupation *o, char *list, int line,
    struct err *e)
{
	char *t, *bar;
	int rc;

	for (t = list; t && *t; t = bar ? bar + 1 : NULL) {
		if ((bar = strchr(t, '|')) != NULL)
			*bar = '\0';
		if (o->ntrades == CAT_TRADES_MAX)
			return err_set(e, ERR_INVALID, "line %d: more than %d 工种",
			    line, CAT_TRADES_MAX);
		if ((rc = catalog_copy_field(o->trades[o->ntrades++],
		    CAT_NAME_MAX, t, line, "工种", e)) != 0)
			return rc;
	}
	return 0;
}

/* code, name, levels, trades, confirmed */
static int
catalog_add_occupation(struct catalog *c, char **f, int line, struct err *e)
{
	struct occupation o;
	uint8_t packed[4];
	void *p;
	int rc;

	memset(&o, 0, sizeof(o));
	if (cert_occ_pack(f[0], packed) != 0)
		return err_set(e, ERR_INVALID, "line %d: occupation code '%s' "
		    "is not N-NN-NN-NN", line, f[0]);
	strcpy(o.code, f[0]);
	if ((rc = catalog_copy_field(o.name, sizeof(o.name), f[1], line,
	    "name", e)) != 0)
		return rc;
	if (f[2][0] && (o.levels = level_mask_parse(f[2])) == 0)
		return err_set(e, ERR_INVALID, "line %d: levels '%s' are not "
		    "like 5-1 or 4", line, f[2]);
	if ((rc = catalog_split_trades(&o, f[3], line, e)) != 0)
		return rc;
	o.confirmed = strcmp(f[4], "yes") == 0;
	if (catalog_occ_by_code(c, o.code) || catalog_occ_by_name(c, o.name))
		return err_set(e, ERR_INVALID, "line %d: occupation %s %s listed "
		    "twice", line, o.code, o.name);
	if ((p = realloc(c->occ, (c->nocc + 1) * sizeof(o))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	c->occ = p;
	c->occ[c->nocc++] = o;
	return 0;
}

/* An ID type's check column: rules separated by '|' ("gb11643": the
 * 18-character number with its check character; "latin-names": names as
 * foreign documents print them). */
static int
catalog_idtype_flags(const char *s, int line, int *flags, struct err *e)
{
	static const struct { const char *name; int flag; } rules[] = {
		{ "gb11643", IDTYPE_GB11643 },
		{ "latin-names", IDTYPE_LATIN_NAMES },
	};
	const char *p = s;

	*flags = 0;
	while (*p) {
		size_t n = strcspn(p, "|"), i;
		for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			if (strlen(rules[i].name) == n &&
			    strncmp(p, rules[i].name, n) == 0)
				break;
		if (i == sizeof(rules) / sizeof(rules[0]))
			return err_set(e, ERR_INVALID, "line %d: check '%.*s' is not "
			    "gb11643 or latin-names", line, (int)n, p);
		*flags |= rules[i].flag;
		p += n + (p[n] == '|');
	}
	return 0;
}

/* code, name (and for ID types the check): methods, idtypes */
static int
catalog_add_named(struct catalog *c, int kind, char **f, int line,
    struct err *e)
{
	struct named nm;
	struct named **arr = kind == CAT_METHODS ? &c->methods : &c->idtypes;
	size_t *cnt = kind == CAT_METHODS ? &c->nmethods : &c->nidtypes;
	char *end;
	void *p;
	int rc;

	memset(&nm, 0, sizeof(nm));
	nm.code = (int)strtol(f[0], &end, 10);
	if (*end || nm.code < 1 || nm.code > 255)
		return err_set(e, ERR_INVALID, "line %d: code '%s' must be 1-255",
		    line, f[0]);
	if ((rc = catalog_copy_field(nm.name, sizeof(nm.name), f[1], line,
	    "name", e)) != 0)
		return rc;
	if (kind == CAT_IDTYPES && (rc = catalog_idtype_flags(f[2], line,
	    &nm.flags, e)) != 0)
		return rc;
	for (size_t i = 0; i < *cnt; i++)
		if ((*arr)[i].code == nm.code)
			return err_set(e, ERR_INVALID, "line %d: code %d listed twice",
			    line, nm.code);
	if ((p = realloc(*arr, (*cnt + 1) * sizeof(nm))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	*arr = p;
	(*arr)[(*cnt)++] = nm;
	return 0;
}

int
catalog_region_code_parse(const char *s)
{
	size_t n = strlen(s);
	int code = 0;

	if ((n != 2 && n != 6) || strspn(s, "0123456789") != n)
		return -1;
	for (size_t i = 0; i < n; i++)
		code = code * 10 + (s[i] - '0');
	if (n == 2)
		code *= 10000;
	return code / 10000 >= 11 ? code : -1;
}

/* code, name[, parent]: parent -1 until catalog_link_regions fills it. */
static int
catalog_add_region(struct catalog *c, char **f, size_t nf, int line,
    struct err *e)
{
	struct region rg;
	void *p;
	int rc;

	memset(&rg, 0, sizeof(rg));
	if ((rg.code = catalog_region_code_parse(f[0])) < 0)
		return err_set(e, ERR_INVALID, "line %d: region code '%s' is not "
		    "six digits (GB/T 2260) or a two-digit province", line, f[0]);
	rg.parent = -1;
	if (nf > 2 && f[2][0] && (rg.parent = catalog_region_code_parse(f[2])) < 0)
		return err_set(e, ERR_INVALID, "line %d: parent '%s' is not a "
		    "region code", line, f[2]);
	if (rg.code % 10000 == 0)
		rg.parent = 0;
	if ((rc = catalog_copy_field(rg.name, sizeof(rg.name), f[1], line,
	    "name", e)) != 0)
		return rc;
	if (catalog_region_by_code(c, rg.code) != NULL)
		return err_set(e, ERR_INVALID, "line %d: region %06d listed twice",
		    line, rg.code);
	if ((p = realloc(c->regions, (c->nregions + 1) * sizeof(rg))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	c->regions = p;
	c->regions[c->nregions++] = rg;
	return 0;
}

/* Default parents (the prefecture above a county when listed, else the
 * province); every parent must be listed and in the same province. */
static int
catalog_link_regions(struct catalog *c, struct err *e)
{
	for (size_t i = 0; i < c->nregions; i++) {
		struct region *rg = &c->regions[i];
		int prov = rg->code / 10000 * 10000, pref = rg->code / 100 * 100;

		if (rg->parent == -1)
			rg->parent = rg->code % 100 != 0 &&
			    catalog_region_by_code(c, pref) ? pref : prov;
		if (rg->parent == 0)
			continue;
		if (rg->parent == rg->code || rg->parent / 10000 * 10000 != prov ||
		    catalog_region_by_code(c, rg->parent) == NULL)
			return err_set(e, ERR_INVALID, "regions: %06d %s: parent "
			    "%06d is not a listed region of its province", rg->code,
			    rg->name, rg->parent);
	}
	return 0;
}

/* province, occupations, mark, art */
static int
catalog_add_brand(struct catalog *c, char **f, int line, struct err *e)
{
	struct brand_rule b;
	char *end;
	void *p;
	int rc;

	memset(&b, 0, sizeof(b));
	b.province = (int)strtol(f[0], &end, 10);
	if (*end || b.province < 0 || b.province > 99)
		return err_set(e, ERR_INVALID, "line %d: province '%s'", line, f[0]);
	if ((rc = catalog_copy_field(b.occ_code, sizeof(b.occ_code), f[1],
	    line, "occupations", e)) != 0 ||
	    (rc = catalog_copy_field(b.mark, sizeof(b.mark), f[2], line,
	    "mark", e)) != 0 ||
	    (rc = catalog_copy_field(b.art, sizeof(b.art), f[3], line, "art",
	    e)) != 0)
		return rc;
	if ((p = realloc(c->brands, (c->nbrands + 1) * sizeof(b))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	c->brands = p;
	c->brands[c->nbrands++] = b;
	return 0;
}

static int
catalog_add_row(struct catalog *c, int kind, const struct csv_record *rec,
    struct err *e)
{
	char **f = rec->field;
	int line = rec->line;

	switch (kind) {
	case CAT_OCCUPATIONS:
		return catalog_add_occupation(c, f, line, e);
	case CAT_METHODS:
	case CAT_IDTYPES:
		return catalog_add_named(c, kind, f, line, e);
	case CAT_REGIONS:
		return catalog_add_region(c, f, rec->n, line, e);
	case CAT_BRANDS:
		return catalog_add_brand(c, f, line, e);
	}
	return err_set(e, ERR_INTERNAL, "unknown catalog kind");
}

static void
catalog_clear_kind(struct catalog *c, int kind)
{
	switch (kind) {
	case CAT_OCCUPATIONS: free(c->occ); c->occ = NULL; c->nocc = 0; break;
	case CAT_METHODS: free(c->methods); c->methods = NULL; c->nmethods = 0; break;
	case CAT_IDTYPES: free(c->idtypes); c->idtypes = NULL; c->nidtypes = 0; break;
	case CAT_BRANDS: free(c->brands); c->brands = NULL; c->nbrands = 0; break;
	case CAT_REGIONS: free(c->regions); c->regions = NULL; c->nregions = 0; break;
	}
}

/* An error of the CSV reader, named by catalog, line and column. */
static int
catalog_csv_error(const struct csv_reader *rd, int kind, int status,
    struct err *e)
{
	char what[128];

	csv_format_error(rd, status, what, sizeof(what));
	if (status == CSV_ENOMEM)
		return err_set(e, ERR_NOMEM, "%s", what);
	if (status == CSV_EFIELDS)
		return err_set(e, ERR_INVALID, "%s line %d: %s",
		    kind_names[kind], rd->err_line, what);
	return err_set(e, ERR_INVALID, "%s line %d, column %zu: %s",
	    kind_names[kind], rd->err_line, rd->err_field + 1, what);
}

/* Reads the records after the BOM: '#' lines are comments, blank lines
 * are skipped, the first record names the columns. */
static int
catalog_read(struct catalog *c, int kind, char *text, size_t n,
    struct err *e)
{
	struct csv_reader rd;
	struct csv_record rec;
	int header = 0, st, rc = 0, want = kind_nfields[kind];

	csv_reader_init(&rd, text, n);
	rd.comment = '#';
	while ((st = csv_next_record(&rd, &rec)) == CSV_RECORD) {
		if (rec.n == 1 && rec.field[0][0] == '\0')
			continue;
		if (!header && kind == CAT_REGIONS && rec.n == 2)
			want = 2; /* the old shape: code,name */
		if (rec.n != (size_t)want) {
			rc = err_set(e, ERR_INVALID, "%s line %d: %zu fields, "
			    "expected %d", kind_names[kind], rec.line, rec.n,
			    want);
			break;
		}
		if (!header) {
			header = 1; /* column names */
			continue;
		}
		if ((rc = catalog_add_row(c, kind, &rec, e)) != 0) {
			err_prefix(e, "%s ", kind_names[kind]);
			break;
		}
	}
	if (rc == 0 && st != CSV_END)
		rc = catalog_csv_error(&rd, kind, st, e);
	if (rc == 0 && kind == CAT_REGIONS)
		rc = catalog_link_regions(c, e);
	csv_reader_free(&rd);
	return rc;
}

int
catalog_parse(struct catalog *c, int kind, const char *text, size_t n,
    struct err *e)
{
	char *copy;
	size_t skip = 0;
	int rc;

	if (kind < 0 || kind >= CAT_NKINDS)
		return err_set(e, ERR_USAGE, "unknown catalog kind");
	if ((copy = malloc(n + 1)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	memcpy(copy, text, n);
	copy[n] = '\0';
	if (strlen(copy) != n) {
		free(copy);
		return err_set(e, ERR_INVALID, "%s: NUL byte in catalog", kind_names[kind]);
	}
	catalog_clear_kind(c, kind);
	if (n >= 3 && memcmp(copy, "\xEF\xBB\xBF", 3) == 0)
		skip = 3;
	rc = catalog_read(c, kind, copy + skip, n - skip, e);
	free(copy);
	if (rc != 0)
		catalog_clear_kind(c, kind);
	return rc;
}

void
catalog_free(struct catalog *c)
{
	for (int k = 0; k < CAT_NKINDS; k++)
		catalog_clear_kind(c, k);
}

const struct occupation *
catalog_occ_by_name(const struct catalog *c, const char *name)
{
	for (size_t i = 0; i < c->nocc; i++)
		if (strcmp(c->occ[i].name, name) == 0)
			return &c->occ[i];
	return NULL;
}

const struct occupation *
catalog_occ_by_code(const struct catalog *c, const char *code)
{
	for (size_t i = 0; i < c->nocc; i++)
		if (strcmp(c->occ[i].code, code) == 0)
			return &c->occ[i];
	return NULL;
}

static const struct named *
catalog_find_named(const struct named *a, size_t n, const char *s)
{
	char *end;
	long code = strtol(s, &end, 10);

	for (size_t i = 0; i < n; i++)
		if ((*end == '\0' && end != s && a[i].code == code) ||
		    strcmp(a[i].name, s) == 0)
			return &a[i];
	return NULL;
}

static const struct named *
catalog_find_code(const struct named *a, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (a[i].code == code)
			return &a[i];
	return NULL;
}

const struct named *
catalog_method(const struct catalog *c, const char *s)
{
	return catalog_find_named(c->methods, c->nmethods, s);
}

const struct named *
catalog_method_by_code(const struct catalog *c, int code)
{
	return catalog_find_code(c->methods, c->nmethods, code);
}

const struct named *
catalog_idtype(const struct catalog *c, const char *s)
{
	/* Rosters often say 身份证 for 居民身份证. */
	if (strcmp(s, "身份证") == 0)
		s = "居民身份证";
	return catalog_find_named(c->idtypes, c->nidtypes, s);
}

const struct named *
catalog_idtype_by_code(const struct catalog *c, int code)
{
	return catalog_find_code(c->idtypes, c->nidtypes, code);
}

const struct region *
catalog_region_by_code(const struct catalog *c, int code)
{
	if (code > 0 && code < 100)
		code *= 10000;
	for (size_t i = 0; i < c->nregions; i++)
		if (c->regions[i].code == code)
			return &c->regions[i];
	return NULL;
}

const char *
catalog_region_name(const struct catalog *c, int code)
{
	const struct region *rg = catalog_region_by_code(c, code);

	return rg ? rg->name : NULL;
}

const struct region *
catalog_region_parent(const struct catalog *c, const struct region *r)
{
	return r && r->parent ? catalog_region_by_code(c, r->parent) : NULL;
}

int
catalog_region_within(const struct catalog *c, int code, int outer)
{
	const struct region *rg = catalog_region_by_code(c, code);

	if (outer > 0 && outer < 100)
		outer *= 10000;
	/* Three levels at most; the bound guards a cycle all the same. */
	for (int depth = 0; rg != NULL && depth < 8; depth++) {
		if (rg->code == outer)
			return 1;
		rg = catalog_region_parent(c, rg);
	}
	return 0;
}

const struct brand_rule *
catalog_brand_for(const struct catalog *c, int province, const char *occ_code)
{
	size_t ol = strlen(occ_code);

	for (size_t i = 0; i < c->nbrands; i++) {
		const struct brand_rule *b = &c->brands[i];
		const char *p;
		if (b->province != 0 && b->province != province)
			continue;
		if (strcmp(b->occ_code, "*") == 0)
			return b;
		for (p = b->occ_code; (p = strstr(p, occ_code)) != NULL; p += ol)
			if ((p == b->occ_code || p[-1] == '|') &&
			    (p[ol] == '\0' || p[ol] == '|'))
				return b;
	}
	return NULL;
}

int
catalog_occ_has_trade(const struct occupation *o, const char *trade)
{
	for (int i = 0; i < o->ntrades; i++)
		if (strcmp(o->trades[i], trade) == 0)
			return 1;
	return 0;
}
