/* write.c - a report as an aligned terminal table, CSV (UTF-8 BOM, so
 * Excel and WPS read it as UTF-8; sections apart by an empty line) or
 * JSON (the first section as before, the others under "sections"). */
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/json.h"
#include "skillcert/base/utf8.h"
#include "rtable.h"

static void
write_csv_table(const struct report_table *t, struct buf *out)
{
	for (int i = 0; i < t->ncols; i++) {
		if (i)
			buf_append_byte(out, ',');
		csv_append_cell(out, t->cols[i]);
	}
	buf_append_str(out, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			if (i)
				buf_append_byte(out, ',');
			csv_append_cell(out, report_cell_at(t, r, i)->s);
		}
		buf_append_str(out, "\r\n");
	}
}

/* CSV: the first section first (what a spreadsheet opens), then each
 * further one after an empty line and a line naming it. */
static void
write_csv(const struct report *rp, struct buf *out)
{
	buf_append_str(out, "\xef\xbb\xbf");
	for (size_t s = 0; s < rp->nsec; s++) {
		if (s) {
			buf_append_str(out, "\r\n");
			csv_append_cell(out, rp->sec[s].title);
			buf_append_str(out, "\r\n");
		}
		write_csv_table(&rp->sec[s], out);
	}
}

static void
write_json_rows(const struct report_table *t, struct json *j)
{
	const struct report_cell *c;

	json_key(j, "columns");
	json_arr_begin(j);
	for (int i = 0; i < t->ncols; i++)
		json_str(j, t->cols[i]);
	json_arr_end(j);
	json_key(j, "rows");
	json_arr_begin(j);
	for (size_t r = 0; r < t->nrows; r++) {
		json_arr_begin(j);
		for (int i = 0; i < t->ncols; i++) {
			c = report_cell_at(t, r, i);
			if (c->kind == 1)
				json_uint(j, c->n);
			else
				json_str(j, c->s);
		}
		json_arr_end(j);
	}
	json_arr_end(j);
}

static void
write_json(const struct report *rp, struct buf *out)
{
	struct json j;

	json_init(&j, out);
	json_obj_begin(&j);
	json_kstr(&j, "title", rp->title);
	write_json_rows(&rp->sec[0], &j);
	if (rp->quarterly) {
		json_key(&j, "sections");
		json_arr_begin(&j);
		for (size_t s = 1; s < rp->nsec; s++) {
			json_obj_begin(&j);
			json_kstr(&j, "title", rp->sec[s].title);
			write_json_rows(&rp->sec[s], &j);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_kstr(&j, "note", REPORT_NOTE);
	}
	json_obj_end(&j);
	buf_append_byte(out, '\n');
}

/* Columns on a terminal: a CJK character is two wide. */
static size_t
text_width(const char *s)
{
	size_t w = 0, n = strlen(s);
	uint32_t cp;
	int k;

	while (n > 0) {
		if ((k = utf8_decode((const uint8_t *)s, n, &cp)) <= 0)
			k = 1, cp = '?';
		w += cp >= 0x1100 ? 2 : 1;
		s += k;
		n -= (size_t)k;
	}
	return w;
}

static void
write_padded(struct buf *out, const char *s, size_t width, int right)
{
	size_t w = text_width(s);

	if (right)
		for (; w < width; w++)
			buf_append_byte(out, ' ');
	buf_append_str(out, s);
	if (!right)
		for (; w < width; w++)
			buf_append_byte(out, ' ');
}

static void
write_table_one(const struct report_table *t, struct buf *out)
{
	size_t w[REPORT_COLS_MAX], cw;

	for (int i = 0; i < t->ncols; i++) {
		w[i] = text_width(t->cols[i]);
		for (size_t r = 0; r < t->nrows; r++) {
			cw = text_width(report_cell_at(t, r, i)->s);
			w[i] = cw > w[i] ? cw : w[i];
		}
	}
	for (int i = 0; i < t->ncols; i++) {
		write_padded(out, t->cols[i], w[i], i >= 2);
		buf_append_str(out, i + 1 < t->ncols ? "  " : "\n");
	}
	for (size_t r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			write_padded(out, report_cell_at(t, r, i)->s, w[i],
			    i >= 2 || (t->ncols == 4 && i >= 1));
			buf_append_str(out, i + 1 < t->ncols ? "  " : "\n");
		}
}

static void
write_table(const struct report *rp, struct buf *out)
{
	buf_printf(out, "%s\n\n", rp->title);
	for (size_t s = 0; s < rp->nsec; s++) {
		if (rp->quarterly)
			buf_printf(out, "%s%s\n", s ? "\n" : "", rp->sec[s].title);
		write_table_one(&rp->sec[s], out);
	}
	if (rp->quarterly)
		buf_printf(out, "\n注：%s\n", REPORT_NOTE);
}

int
report_write(const struct report *rp, int format, struct buf *out)
{
	if (format == FMT_CSV)
		write_csv(rp, out);
	else if (format == FMT_JSON)
		write_json(rp, out);
	else
		write_table(rp, out);
	return out->oom ? -1 : 0;
}
