/* exportxlsx.c - an export as a workbook (libxlsxwriter, constant-memory
 * mode so 100,000 rows stay small in memory): the same columns as the
 * CSV, every value a text cell (ID numbers and certificate numbers must
 * never turn into numbers), the header bold and frozen. Rows arrive as
 * length-prefixed cells (export.c), so nothing is lost or re-escaped. */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <xlsxwriter.h>

#include "skillcert/base/tmpout.h"
#include "skillcert/store/export.h"

struct xlsx_job {
	const struct buf *cells;
};

static int
export_xlsx_rows(lxw_worksheet *ws, lxw_format *head, const struct buf *b,
    struct err *e)
{
	struct rd r = { b->data, b->data + b->len };
	char cell[4096];
	uint16_t n;

	for (lxw_row_t row = 0; r.p < r.end; row++) {
		if (rd_u16(&r, &n) != 0)
			return err_set(e, ERR_INTERNAL, "export: row %u", row);
		for (uint16_t i = 0; i < n; i++) {
			if (rd_str16(&r, cell, sizeof(cell)) != 0)
				return err_set(e, ERR_INVALID, "export: row %u "
				    "cell %u is too long for a worksheet", row, i);
			if (worksheet_write_string(ws, row, i, cell,
			    row == 0 ? head : NULL) != LXW_NO_ERROR)
				return err_set(e, ERR_INVALID, "export: row %u "
				    "cell %u cannot be written", row, i);
		}
	}
	return 0;
}

static int
export_xlsx_build(const char *path, void *arg, struct err *e)
{
	struct xlsx_job *j = arg;
	char dir[PATH_MAX];
	lxw_workbook_options o;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head;
	lxw_error le;
	int rc;

	snprintf(dir, sizeof(dir), "%s", path);
	memset(&o, 0, sizeof(o));
	o.constant_memory = LXW_TRUE;
	o.tmpdir = dirname(dir);       /* the private folder, not /tmp */
	if ((wb = workbook_new_opt(path, &o)) == NULL)
		return err_set(e, ERR_IO, "export: cannot start the workbook");
	if ((ws = workbook_add_worksheet(wb, "导出")) == NULL ||
	    (head = workbook_add_format(wb)) == NULL)
		rc = err_set(e, ERR_NOMEM, "export: out of memory");
	else {
		format_set_bold(head);
		worksheet_freeze_panes(ws, 1, 0);
		rc = export_xlsx_rows(ws, head, j->cells, e);
	}
	if ((le = workbook_close(wb)) != LXW_NO_ERROR && rc == 0)
		rc = err_set(e, ERR_IO, "export: %s", lxw_strerror(le));
	return rc;
}

int
export_xlsx_bytes(const struct buf *cells, struct buf *out, struct err *e)
{
	struct xlsx_job j = { cells };

	buf_reset(out);
	return tmpout_bytes(export_xlsx_build, &j, "export.xlsx", 1u << 30,
	    out, e);
}
