/* pdfdraw.c - the report's PDF pages: each section as a ruled table
 * (its header repeated on every page it runs over), the note, then the
 * charts drawn with path operators: done against target per region as
 * bars, one chart per target group, and the cumulative issuance per
 * month as a line. */
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "pdfw.h"

#define PW_ROW 13.0f
#define PW_FS 7.5f
#define PW_INK 0x1F2933
#define PW_RULE 0xB8C2CC
#define PW_HEAD 0xE8F0FE
#define PW_TOTAL 0xF0F2F5
#define PW_TARGET 0xC7D2FE
#define PW_DONE 0x2563EB
#define PW_LINE 0xDC2626

struct tlayout {
	float x[REPORT_COLS_MAX + 1];  /* column edges */
	int two;                       /* two header rows */
};

static void
pw_layout(const struct report *rp, const struct report_table *t,
    struct tlayout *l)
{
	float avail = PW_W - 2 * PW_M, w0 = 42, w1 = 74, rest;

	if (!rp->quarterly)
		w0 = 90, w1 = 200;
	l->two = 0;
	for (int i = 0; i < t->ncols; i++)
		l->two |= t->grp[i][0] != '\0';
	rest = t->ncols > 2 ? (avail - w0 - w1) / (float)(t->ncols - 2) : 0;
	if (rest > 72)
		rest = 72;
	l->x[0] = PW_M;
	for (int i = 0; i < t->ncols; i++)
		l->x[i + 1] = l->x[i] + (i == 0 ? w0 : i == 1 ? w1 : rest);
	if (t->ncols == 4)             /* month table: all narrow */
		for (int i = 0; i <= t->ncols; i++)
			l->x[i] = PW_M + 80.0f * (float)i;
}

/* A header cell's text, on two lines at '(' when it does not fit. */
static void
pw_head_text(struct pw *w, float x0, float x1, float ytop, float h,
    const char *s)
{
	char a[REPORT_CELL_MAX];
	const char *p = strstr(s, "(");
	float cx = (x0 + x1) / 2, cy = ytop - h / 2 - 2.5f;

	if (p != NULL && pw_width(w, PW_FS, s) > x1 - x0 - 4) {
		snprintf(a, sizeof(a), "%.*s", (int)(p - s), s);
		pw_text(w, cx, cy + 4.5f, PW_FS, a, PW_CENTER);
		pw_text(w, cx, cy - 4.5f, PW_FS, p, PW_CENTER);
	} else
		pw_text(w, cx, cy, PW_FS, s, PW_CENTER);
}

static void
pw_header(struct pw *w, const struct report_table *t, const struct tlayout *l)
{
	float top = w->y, h = l->two ? 2 * PW_ROW : PW_ROW;
	int i, j;

	for (i = 0; i < t->ncols; i = j) {
		for (j = i + 1; t->grp[i][0] && j < t->ncols &&
		    strcmp(t->grp[j], t->grp[i]) == 0; j++)
			;
		if (!t->grp[i][0]) {
			pw_rect(w, l->x[i], top - h, l->x[j] - l->x[i], h,
			    PW_HEAD, PW_RULE);
			pw_head_text(w, l->x[i], l->x[j], top, h, t->sub[i]);
			continue;
		}
		pw_rect(w, l->x[i], top - PW_ROW, l->x[j] - l->x[i], PW_ROW,
		    PW_HEAD, PW_RULE);
		pw_head_text(w, l->x[i], l->x[j], top, PW_ROW, t->grp[i]);
		for (int k = i; k < j; k++) {
			pw_rect(w, l->x[k], top - h, l->x[k + 1] - l->x[k],
			    PW_ROW, PW_HEAD, PW_RULE);
			pw_head_text(w, l->x[k], l->x[k + 1], top - PW_ROW,
			    PW_ROW, t->sub[k]);
		}
	}
	w->y -= h;
}

static void
pw_row(struct pw *w, const struct report_table *t, const struct tlayout *l,
    size_t r, int total)
{
	const struct report_cell *c;
	float y = w->y - PW_ROW;

	for (int i = 0; i < t->ncols; i++) {
		c = report_cell_at(t, r, i);
		pw_rect(w, l->x[i], y, l->x[i + 1] - l->x[i], PW_ROW,
		    total ? PW_TOTAL : 0xFFFFFF, PW_RULE);
		if (c->kind)
			pw_text(w, l->x[i + 1] - 3, y + 4, PW_FS, c->s, PW_RIGHT);
		else
			pw_text(w, l->x[i] + 3, y + 4, PW_FS, c->s, PW_LEFT);
	}
	w->y = y;
}

static int
pw_table(struct pw *w, const struct report *rp, const struct report_table *t)
{
	struct tlayout l;
	int rc;

	pw_layout(rp, t, &l);
	if (w->y - 4 * PW_ROW < PW_M && (rc = pw_page(w)) != 0)
		return rc;
	if (rp->quarterly) {
		pw_text(w, PW_M, w->y - 12, 11, t->title, PW_LEFT);
		w->y -= 20;
	}
	pw_header(w, t, &l);
	for (size_t r = 0; r < t->nrows; r++) {
		if (w->y - PW_ROW < PW_M) {
			if ((rc = pw_page(w)) != 0)
				return rc;
			pw_header(w, t, &l);
		}
		pw_row(w, t, &l, r, rp->quarterly && t->ncols > 4 &&
		    r + 1 == t->nrows);
	}
	w->y -= 14;
	return 0;
}

/* The note, broken into lines by measured width (libharu's TextRect
 * breaks only at spaces: nothing for Chinese). */
static void
pw_note(struct pw *w, const char *s)
{
	char line[512];
	size_t n = 0, k;
	float maxw = PW_W - 2 * PW_M;

	while (*s) {
		k = 1;
		while ((s[k] & 0xC0) == 0x80)
			k++;
		memcpy(line + n, s, k);
		line[n + k] = '\0';
		if (!w->collect && n && pw_width(w, 8, line) > maxw) {
			line[n] = '\0';
			pw_text(w, PW_M, w->y - 9, 8, line, PW_LEFT);
			w->y -= 12;
			n = 0;
			continue;
		}
		n += k;
		s += k;
		if (n + 8 >= sizeof(line)) {
			line[n] = '\0';
			pw_text(w, PW_M, w->y - 9, 8, line, PW_LEFT);
			w->y -= 12;
			n = 0;
		}
	}
	line[n] = '\0';
	pw_text(w, PW_M, w->y - 9, 8, line, PW_LEFT);
	w->y -= 22;
}

int
pw_draw_report(struct pw *w, const struct report *rp)
{
	int rc;

	if ((rc = pw_page(w)) != 0)
		return rc;
	pw_text(w, PW_M, w->y - 16, 16, rp->title, PW_LEFT);
	w->y -= 30;
	for (size_t s = 0; s < rp->nsec; s++) {
		if ((rc = pw_table(w, rp, &rp->sec[s])) != 0)
			return rc;
		if (s == 0 && rp->quarterly)
			pw_note(w, "注：" REPORT_NOTE);
	}
	return rp->quarterly ? pw_charts(w, rp) : 0;
}
