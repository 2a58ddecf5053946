/* exportprof.c - the export profiles: which occupations and which fields
 * go to which department, read from the authority's CSV file. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/base/csv.h"
#include "skillcert/store/export.h"

static const char *const export_fields[] = {
	"certno", "name", "id_type", "id_number", "occupation",
	"occupation_code", "level", "org", "org_name", "trade", "method",
	"assessed_on", "issued_on", "status", "revoked_on", "reason",
	"employer", NULL
};

const char *
export_field_name(int i)
{
	if (i < 0 || (size_t)i >= sizeof(export_fields) /
	    sizeof(export_fields[0]))
		return NULL;
	return export_fields[i];
}

static int
export_field_parse(const char *s)
{
	int i;

	for (i = 0; export_fields[i] != NULL; i++)
		if (strcmp(export_fields[i], s) == 0)
			return i;
	return -1;
}

/* The next '|' item of *s (cut in place), NULL at the end. */
static char *
export_next_item(char **s)
{
	char *item = *s, *bar;

	if (item == NULL)
		return NULL;
	if ((bar = strchr(item, '|')) != NULL) {
		*bar = '\0';
		*s = bar + 1;
	} else
		*s = NULL;
	return item;
}

static int
export_parse_occs(const struct catalog *cat, char *s,
    struct export_profile *p, int line, struct err *e)
{
	const struct occupation *o;
	char *item;

	if (strcmp(s, "*") == 0) {
		p->all_occ = 1;
		return 0;
	}
	while ((item = export_next_item(&s)) != NULL) {
		if ((o = catalog_occ_by_name(cat, item)) == NULL &&
		    (o = catalog_occ_by_code(cat, item)) == NULL)
			return err_set(e, ERR_INVALID, "export profiles line %d: "
			    "occupation %s is not in the catalog", line, item);
		if (p->nocc == EXPORT_OCCS_MAX)
			return err_set(e, ERR_INVALID, "export profiles line %d: "
			    "more than %d occupations", line, EXPORT_OCCS_MAX);
		snprintf(p->occ[p->nocc++], sizeof(p->occ[0]), "%s", o->code);
	}
	return 0;
}

static int
export_parse_fields(char *s, struct export_profile *p, int line,
    struct err *e)
{
	char *item;
	int f;

	while ((item = export_next_item(&s)) != NULL) {
		if ((f = export_field_parse(item)) < 0)
			return err_set(e, ERR_INVALID, "export profiles line %d: "
			    "unknown field %s", line, item);
		if (p->nfield == EXPORT_FIELDS_MAX)
			return err_set(e, ERR_INVALID, "export profiles line %d: "
			    "too many fields", line);
		p->field[p->nfield++] = f;
	}
	if (p->nfield == 0)
		return err_set(e, ERR_INVALID, "export profiles line %d: no "
		    "fields", line);
	return 0;
}

static int
export_add_profile(const struct catalog *cat, const struct csv_record *rec,
    struct export_profiles *out, struct err *e)
{
	struct export_profile *p;
	const char *dept = rec->field[0];

	if (rec->n != 3)
		return err_set(e, ERR_INVALID, "export profiles line %d: %zu "
		    "fields, expected 3", rec->line, rec->n);
	if (*dept == '\0' || strlen(dept) > EXPORT_DEPT_MAX ||
	    strchr(dept, '/') != NULL || strcmp(dept, "all") == 0 ||
	    *dept == '.')
		return err_set(e, ERR_INVALID, "export profiles line %d: bad "
		    "department name", rec->line);
	if (export_profile_find(out, dept) != NULL)
		return err_set(e, ERR_INVALID, "export profiles line %d: %s "
		    "twice", rec->line, dept);
	if (out->n == EXPORT_DEPTS_MAX)
		return err_set(e, ERR_INVALID, "export profiles: more than %d "
		    "departments", EXPORT_DEPTS_MAX);
	p = &out->p[out->n];
	memset(p, 0, sizeof(*p));
	snprintf(p->dept, sizeof(p->dept), "%s", dept);
	if (export_parse_occs(cat, rec->field[1], p, rec->line, e) != 0 ||
	    export_parse_fields(rec->field[2], p, rec->line, e) != 0)
		return e->code;
	out->n++;
	return 0;
}

int
export_profiles_parse(const struct catalog *cat, char *text, size_t n,
    struct export_profiles *out, struct err *e)
{
	struct csv_reader rd;
	struct csv_record rec;
	int header = 0, st, rc = 0;

	memset(out, 0, sizeof(*out));
	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		memmove(text, text + 3, n - 3);
		n -= 3;
	}
	csv_reader_init(&rd, text, n);
	rd.comment = '#';
	while ((st = csv_next_record(&rd, &rec)) == CSV_RECORD) {
		if (rec.n == 1 && rec.field[0][0] == '\0')
			continue;
		if (!header) {
			header = 1;
			continue;
		}
		if ((rc = export_add_profile(cat, &rec, out, e)) != 0)
			break;
	}
	if (rc == 0 && st != CSV_END) {
		char what[128];
		csv_format_error(&rd, st, what, sizeof(what));
		rc = err_set(e, ERR_INVALID, "export profiles line %d: %s",
		    rd.err_line, what);
	}
	csv_reader_free(&rd);
	if (rc == 0 && out->n == 0)
		rc = err_set(e, ERR_INVALID, "export profiles: no department");
	return rc;
}

int
export_profiles_load(struct registry *r, const char *path,
    struct export_profiles *out, struct err *e)
{
	char own[PATH_MAX];
	struct buf b = BUF_INIT;
	int rc;

	if (path == NULL) {
		snprintf(own, sizeof(own), "%s/export_profiles.csv", r->dir);
		path = access(own, F_OK) == 0 ? own :
		    SKILLCERT_DATADIR "/export_profiles.csv";
	}
	if ((rc = buf_read_file(&b, path, 1 << 20)) != 0) {
		buf_free(&b);
		return err_set(e, rc == -2 ? ERR_INVALID : ERR_NOTFOUND, "%s: %s",
		    path, rc == -2 ? "too large" : strerror(errno));
	}
	if (buf_reserve(&b, 1) != 0 || memchr(b.data, '\0', b.len) != NULL) {
		buf_free(&b);
		return err_set(e, ERR_INVALID, "%s: not a text file", path);
	}
	rc = export_profiles_parse(&r->cat, (char *)b.data, b.len, out, e);
	if (rc != 0)
		err_prefix(e, "%s: ", path);
	buf_free(&b);
	return rc;
}

const struct export_profile *
export_profile_find(const struct export_profiles *ps, const char *dept)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->p[i].dept, dept) == 0)
			return &ps->p[i];
	return NULL;
}
