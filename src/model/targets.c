/* targets.c - the plan's target tables (targets.h): parsing with line and
 * field errors, and which occupations a row covers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/model/targets.h"

static const char *const target_fields[] = { "region_code", "region_name",
	"year", "occupations", "target" };

static int
targets_parse_year(const char *s, int *from, int *to)
{
	char *end;
	long a, b;

	a = strtol(s, &end, 10);
	if (end != s + 4)
		return -1;
	b = a;
	if (*end == '-') {
		b = strtol(end + 1, &end, 10);
		if (end != s + 9)
			return -1;
	}
	if (*end != '\0' || a < 2000 || b > 2099 || b < a)
		return -1;
	*from = (int)a;
	*to = (int)b;
	return 0;
}

static int
targets_check_occs(const struct catalog *cat, struct target *t)
{
	char tmp[TARGET_OCCS_MAX], *p, *sp = NULL;

	t->in_catalog = 1;
	if (strcmp(t->occs, "*") == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s", t->occs);
	if (tmp[0] == '\0' || tmp[strlen(tmp) - 1] == '|' || tmp[0] == '|' ||
	    strstr(tmp, "||") != NULL)
		return -1;
	for (p = strtok_r(tmp, "|", &sp); p; p = strtok_r(NULL, "|", &sp)) {
		if (strcmp(p, "*") == 0 || strlen(p) >= CAT_NAME_MAX)
			return -1;
		if (catalog_occ_by_name(cat, p) == NULL)
			t->in_catalog = 0;
	}
	return 0;
}

static int
targets_fail(struct err *e, int line, int field, const char *what,
    const char *val)
{
	return err_set(e, ERR_INVALID, "line %d, field %d (%s): %s: '%s'",
	    line, field + 1, target_fields[field], what, val);
}

static int
targets_row(const struct catalog *cat, const struct csv_record *rec,
    struct target *t, struct err *e)
{
	char **f = rec->field, *end;
	unsigned long long v;

	memset(t, 0, sizeof(*t));
	t->line = rec->line;
	if (f[0][0] != '\0') {
		t->region = catalog_region_code_parse(f[0]);
		if (t->region < 110000 || strlen(f[0]) != 6)
			return targets_fail(e, rec->line, 0, "not a six-digit "
			    "GB/T 2260 code", f[0]);
		if (catalog_region_by_code(cat, t->region) == NULL)
			return targets_fail(e, rec->line, 0, "not in the region "
			    "catalog", f[0]);
	}
	if (f[1][0] == '\0' || strlen(f[1]) >= CAT_NAME_MAX)
		return targets_fail(e, rec->line, 1, "empty or too long", f[1]);
	snprintf(t->region_name, sizeof(t->region_name), "%s", f[1]);
	if (targets_parse_year(f[2], &t->year_from, &t->year_to) != 0)
		return targets_fail(e, rec->line, 2, "expected YYYY or "
		    "YYYY-YYYY", f[2]);
	if (strlen(f[3]) >= TARGET_OCCS_MAX)
		return targets_fail(e, rec->line, 3, "too long", f[3]);
	snprintf(t->occs, sizeof(t->occs), "%s", f[3]);
	if (targets_check_occs(cat, t) != 0)
		return targets_fail(e, rec->line, 3, "expected names separated "
		    "by | or *", f[3]);
	v = strtoull(f[4], &end, 10);
	if (f[4][0] < '0' || f[4][0] > '9' || *end != '\0' || v == 0 ||
	    v > 100000000)
		return targets_fail(e, rec->line, 4, "expected a positive "
		    "count", f[4]);
	t->target = v;
	return 0;
}

static int
targets_header(const struct csv_record *rec, struct err *e)
{
	for (size_t i = 0; i < 5; i++)
		if (strcmp(rec->field[i], target_fields[i]) != 0)
			return err_set(e, ERR_INVALID, "line %d, field %zu: "
			    "header must be region_code,region_name,year,"
			    "occupations,target", rec->line, i + 1);
	return 0;
}

static int
targets_add(const struct catalog *cat, struct targets *t,
    const struct csv_record *rec, size_t *cap, struct err *e)
{
	struct target *nv;

	if (t->n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((nv = reallocarray(t->v, *cap, sizeof(*nv))) == NULL)
			return err_set(e, ERR_NOMEM, "out of memory");
		t->v = nv;
	}
	if (targets_row(cat, rec, &t->v[t->n], e) != 0)
		return ERR_INVALID;
	t->n++;
	return 0;
}

int
targets_parse(const struct catalog *cat, const char *text, size_t n,
    struct targets *t, struct err *e)
{
	struct csv_reader rd;
	struct csv_record rec;
	char *copy, msg[160];
	size_t cap = 0;
	int st = CSV_END, rc = 0, header = 0;

	memset(t, 0, sizeof(*t));
	if (memchr(text, '\0', n) != NULL)
		return err_set(e, ERR_INVALID, "targets: a NUL byte");
	if ((copy = malloc(n + 1)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	memcpy(copy, text, n);
	if (n >= 3 && memcmp(copy, "\xef\xbb\xbf", 3) == 0)
		memset(copy, ' ', 3);
	csv_reader_init(&rd, copy, n);
	rd.comment = '#';
	while (rc == 0 && (st = csv_next_record(&rd, &rec)) == CSV_RECORD) {
		if (rec.n == 1 && rec.field[0][0] == '\0')
			continue;
		if (rec.n != 5)
			rc = err_set(e, ERR_INVALID, "line %d: %zu fields, "
			    "expected 5", rec.line, rec.n);
		else if (!header) {
			header = 1;
			rc = targets_header(&rec, e);
		} else
			rc = targets_add(cat, t, &rec, &cap, e);
	}
	if (rc == 0 && st != CSV_END) {
		csv_format_error(&rd, st, msg, sizeof(msg));
		rc = err_set(e, ERR_INVALID, "line %d, field %zu: %s",
		    rd.err_line, rd.err_field + 1, msg);
	}
	if (rc == 0 && !header)
		rc = err_set(e, ERR_INVALID, "targets: no header row");
	csv_reader_free(&rd);
	free(copy);
	if (rc != 0)
		targets_free(t);
	return rc;
}

void
targets_free(struct targets *t)
{
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

int
targets_has_occ(const struct catalog *cat, const struct target *g,
    const char *name)
{
	size_t n = strlen(name);
	const char *p = g->occs;

	if (strcmp(g->occs, "*") == 0)
		return catalog_occ_by_name(cat, name) != NULL;
	while (*p) {
		if (strncmp(p, name, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, '|')) == NULL)
			break;
		p++;
	}
	return 0;
}
