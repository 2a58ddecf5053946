/* xlsx.c - a report as a workbook (libxlsxwriter): a sheet per section
 * named in Chinese, the title on top, group headers merged over their
 * columns, counts as numbers, completion as a percentage, the header
 * frozen so it stays in view while scrolling through the regions. */
#include <string.h>
#include <xlsxwriter.h>

#include "skillcert/base/tmpout.h"
#include "rtable.h"

struct xfmt {
	lxw_format *title, *head, *text, *num, *pct, *total, *totalpct, *note;
};

static lxw_format *
xlsx_format(lxw_workbook *wb, int bold, int border, const char *num,
    uint32_t bg)
{
	lxw_format *f = workbook_add_format(wb);

	if (f == NULL)
		return NULL;
	if (bold)
		format_set_bold(f);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	if (num)
		format_set_num_format(f, num);
	if (bg)
		format_set_bg_color(f, bg);
	format_set_font_name(f, "等线");
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	return f;
}

static int
xlsx_formats(lxw_workbook *wb, struct xfmt *x)
{
	x->title = xlsx_format(wb, 1, 0, NULL, 0);
	x->head = xlsx_format(wb, 1, 1, NULL, 0xDDEBF7);
	x->text = xlsx_format(wb, 0, 1, NULL, 0);
	x->num = xlsx_format(wb, 0, 1, "#,##0", 0);
	x->pct = xlsx_format(wb, 0, 1, "0.0%", 0);
	x->total = xlsx_format(wb, 1, 1, "#,##0", 0xF2F2F2);
	x->totalpct = xlsx_format(wb, 1, 1, "0.0%", 0xF2F2F2);
	x->note = xlsx_format(wb, 0, 0, NULL, 0);
	if (!x->title || !x->head || !x->text || !x->num || !x->pct ||
	    !x->total || !x->totalpct || !x->note)
		return -1;
	format_set_font_size(x->title, 14);
	format_set_align(x->head, LXW_ALIGN_CENTER);
	format_set_text_wrap(x->head);
	format_set_text_wrap(x->note);
	return 0;
}

/* Header rows: grouped columns get their group merged over them in the
 * first row and their own name below; a column alone spans both rows. */
static int
xlsx_header(lxw_worksheet *ws, const struct report_table *t, int row,
    const struct xfmt *x)
{
	int two = 0, i, j;

	for (i = 0; i < t->ncols; i++)
		two |= t->grp[i][0] != '\0';
	for (i = 0; i < t->ncols; i = j) {
		for (j = i + 1; t->grp[i][0] && j < t->ncols &&
		    strcmp(t->grp[j], t->grp[i]) == 0; j++)
			;
		if (!two)
			worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)i,
			    t->sub[i], x->head);
		else if (!t->grp[i][0])
			worksheet_merge_range(ws, (lxw_row_t)row, (lxw_col_t)i,
			    (lxw_row_t)row + 1, (lxw_col_t)i, t->sub[i], x->head);
		else {
			if (j - i > 1)
				worksheet_merge_range(ws, (lxw_row_t)row,
				    (lxw_col_t)i, (lxw_row_t)row, (lxw_col_t)j - 1,
				    t->grp[i], x->head);
			else
				worksheet_write_string(ws, (lxw_row_t)row,
				    (lxw_col_t)i, t->grp[i], x->head);
			for (int k = i; k < j; k++)
				worksheet_write_string(ws, (lxw_row_t)row + 1,
				    (lxw_col_t)k, t->sub[k], x->head);
		}
	}
	return row + (two ? 2 : 1);
}

static void
xlsx_cell(lxw_worksheet *ws, int row, int col, const struct report_cell *c,
    int total, const struct xfmt *x)
{
	if (c->kind == 1)
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col,
		    (double)c->n, total ? x->total : x->num);
	else if (c->kind == 2 && c->s[0])
		worksheet_write_number(ws, (lxw_row_t)row, (lxw_col_t)col,
		    c->pct / 100.0, total ? x->totalpct : x->pct);
	else
		worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)col, c->s,
		    total ? x->total : x->text);
}

static int
xlsx_sheet(lxw_workbook *wb, const struct report *rp, size_t s,
    const struct xfmt *x)
{
	const struct report_table *t = &rp->sec[s];
	lxw_worksheet *ws;
	int row, total;

	if ((ws = workbook_add_worksheet(wb, t->title[0] ? t->title :
	    NULL)) == NULL)
		return -1;
	worksheet_write_string(ws, 0, 0, s == 0 ? rp->title : t->title,
	    x->title);
	worksheet_set_row(ws, 0, 24, NULL);
	row = xlsx_header(ws, t, 1, x);
	worksheet_freeze_panes(ws, (lxw_row_t)row, rp->quarterly && s < 2 ?
	    2 : 1);
	for (size_t r = 0; r < t->nrows; r++) {
		total = rp->quarterly && s < 2 && r + 1 == t->nrows;
		for (int i = 0; i < t->ncols; i++)
			xlsx_cell(ws, row + (int)r, i, report_cell_at(t, r, i),
			    total, x);
	}
	worksheet_set_column(ws, 0, 0, 10, NULL);
	worksheet_set_column(ws, 1, 1, rp->quarterly ? 14 : 24, NULL);
	if (t->ncols > 2)
		worksheet_set_column(ws, 2, (lxw_col_t)t->ncols - 1, 11, NULL);
	if (s == 0 && rp->quarterly) {
		row += (int)t->nrows + 1;
		worksheet_merge_range(ws, (lxw_row_t)row, 0, (lxw_row_t)row,
		    (lxw_col_t)(t->ncols > 8 ? 8 : t->ncols - 1), "", x->note);
		worksheet_write_string(ws, (lxw_row_t)row, 0, "注：" REPORT_NOTE,
		    x->note);
		worksheet_set_row(ws, (lxw_row_t)row, 48, NULL);
	}
	return 0;
}

static int
xlsx_build(const char *path, void *arg, struct err *e)
{
	const struct report *rp = arg;
	lxw_workbook *wb;
	struct xfmt x;
	lxw_error le;
	int rc = 0;

	if ((wb = workbook_new(path)) == NULL)
		return err_set(e, ERR_IO, "xlsx: cannot start the workbook");
	if (xlsx_formats(wb, &x) != 0)
		rc = err_set(e, ERR_NOMEM, "xlsx: out of memory");
	for (size_t s = 0; s < rp->nsec && rc == 0; s++)
		if (xlsx_sheet(wb, rp, s, &x) != 0)
			rc = err_set(e, ERR_INVALID, "xlsx: sheet %zu", s + 1);
	if ((le = workbook_close(wb)) != LXW_NO_ERROR && rc == 0)
		rc = err_set(e, ERR_IO, "xlsx: %s", lxw_strerror(le));
	return rc;
}

int
report_write_xlsx(const struct report *rp, struct buf *out, struct err *e)
{
	buf_reset(out);
	return tmpout_bytes(xlsx_build, (void *)rp, "report.xlsx", 256u << 20,
	    out, e);
}
