/* pdfchart.c - the report's charts in the PDF, drawn with libharu's
 * path operators: a bar chart per target group (each region's target as
 * a pale bar, its count so far over it) side by side, then the
 * cumulative issuance per month as a line. */
#include <stdio.h>
#include <stdlib.h>

#include "chart.h"
#include "pdfw.h"

#define C_INK 0x1F2933
#define C_GRID 0xE4E7EB
#define C_TARGET 0xC7D2FE
#define C_DONE 0x2563EB
#define C_LINE 0xDC2626
#define C_AXIS 0x616E7C

static void
pw_set_fill(struct pw *w, uint32_t c)
{
	if (!w->collect)
		HPDF_Page_SetRGBFill(w->page, (float)((c >> 16) & 255) / 255.0f,
		    (float)((c >> 8) & 255) / 255.0f, (float)(c & 255) / 255.0f);
}

/* Bars for one group in the box (x, top) wide wd; returns its height. */
static float
pw_bars(struct pw *w, const struct chart_bars *b, float x, float top,
    float wd, float rh)
{
	uint64_t step, max = chart_axis(b->max, &step);
	float lw = 62, vw = 84, pw = wd - lw - vw, y, sx = pw / (float)max;
	char t[96];

	snprintf(t, sizeof(t), "%s：完成与目标%s", b->group,
	    b->cont ? "（续）" : "");
	pw_text(w, x, top - 11, 10, t, PW_LEFT);
	top -= 20;
	for (uint64_t v = 0; v <= max; v += step) {
		pw_line(w, x + lw + (float)v * sx, top, x + lw + (float)v * sx,
		    top - rh * (float)b->n, C_GRID, 0.5f);
		snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
		pw_set_fill(w, C_AXIS);
		pw_text(w, x + lw + (float)v * sx, top - rh * (float)b->n - 10, 6.5f,
		    t, PW_CENTER);
	}
	for (size_t i = 0; i < b->n; i++) {
		y = top - rh * (float)(i + 1);
		pw_set_fill(w, C_INK);
		pw_text(w, x + lw - 4, y + rh / 2 - 2.5f, 7, b->label[i], PW_RIGHT);
		if (b->target[i])
			pw_rect(w, x + lw, y + 1.5f, (float)b->target[i] * sx,
			    rh - 3, C_TARGET, C_TARGET);
		if (b->done[i])
			pw_rect(w, x + lw, y + rh * 0.3f, (float)b->done[i] * sx,
			    rh * 0.4f, C_DONE, C_DONE);
		if (b->target[i])
			snprintf(t, sizeof(t), "%llu / %llu（%.1f%%）",
			    (unsigned long long)b->done[i],
			    (unsigned long long)b->target[i], 100.0 *
			    (double)b->done[i] / (double)b->target[i]);
		else
			snprintf(t, sizeof(t), "%llu / 0",
			    (unsigned long long)b->done[i]);
		pw_text(w, x + lw + pw + 5, y + rh / 2 - 2.5f, 6.5f, t, PW_LEFT);
	}
	return 20 + rh * (float)b->n + 16;
}

static void
pw_legend(struct pw *w, float x, float y)
{
	pw_rect(w, x, y, 10, 8, C_TARGET, C_TARGET);
	pw_text(w, x + 14, y + 1, 7.5f, "目标", PW_LEFT);
	pw_rect(w, x + 50, y, 10, 8, C_DONE, C_DONE);
	pw_text(w, x + 64, y + 1, 7.5f, "累计有效证书", PW_LEFT);
}

static void
pw_linechart(struct pw *w, const struct chart_line *l, float top, float h)
{
	uint64_t step, max = chart_axis(l->max, &step);
	float x0 = PW_M + 40, wd = PW_W - 2 * PW_M - 60, y0 = top - 20 - h,
	    sx = wd / 11.0f, sy = h / (float)max, px, py;
	char t[32];

	pw_text(w, PW_M, top - 11, 10, "累计有效证书（按月）", PW_LEFT);
	for (uint64_t v = 0; v <= max; v += step) {
		pw_line(w, x0, y0 + (float)v * sy, x0 + wd, y0 + (float)v * sy,
		    C_GRID, 0.5f);
		snprintf(t, sizeof(t), "%llu", (unsigned long long)v);
		pw_set_fill(w, C_AXIS);
		pw_text(w, x0 - 5, y0 + (float)v * sy - 2.5f, 7, t, PW_RIGHT);
	}
	for (int m = 1; m <= 12; m++) {
		snprintf(t, sizeof(t), "%d月", m);
		pw_text(w, x0 + (float)(m - 1) * sx, y0 - 12, 7, t, PW_CENTER);
	}
	for (size_t i = 1; i < l->n; i++)
		pw_line(w, x0 + (float)(l->month[i - 1] - 1) * sx,
		    y0 + (float)l->cum[i - 1] * sy, x0 + (float)(l->month[i] - 1) * sx,
		    y0 + (float)l->cum[i] * sy, C_LINE, 1.8f);
	for (size_t i = 0; i < l->n; i++) {
		px = x0 + (float)(l->month[i] - 1) * sx;
		py = y0 + (float)l->cum[i] * sy;
		pw_rect(w, px - 2, py - 2, 4, 4, C_LINE, C_LINE);
		snprintf(t, sizeof(t), "%llu", (unsigned long long)l->cum[i]);
		pw_set_fill(w, C_INK);
		pw_text(w, px, py + 5, 6.5f, t, PW_CENTER);
	}
}

#define PW_BARS_PER 30            /* regions per bar chart: more go on */

/* Rows [from, from + n) of b, on b's scale. */
static void
pw_chunk(const struct chart_bars *b, size_t from, struct chart_bars *c)
{
	size_t n = b->n - from < PW_BARS_PER ? b->n - from : PW_BARS_PER;

	c->group = b->group;
	c->max = b->max;
	c->cont = from > 0;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		c->label[i] = b->label[from + i];
		c->target[i] = b->target[from + i];
		c->done[i] = b->done[from + i];
	}
}

/* The bar charts, two side by side, each at most PW_BARS_PER regions
 * (a longer one continues in the next chart), pages added as needed. */
static int
pw_all_bars(struct pw *w, const struct report *rp, struct chart_bars *b,
    struct chart_bars *c)
{
	float colw = (PW_W - 2 * PW_M - 24) / 2, h = 0, hh, top = w->y;
	int slot = 0, rc;

	for (int g = 0; g < rp->ngroups; g++) {
		chart_bars_of(rp, g, b);
		for (size_t from = 0; from == 0 || from < b->n;
		    from += PW_BARS_PER, slot++) {
			pw_chunk(b, from, c);
			if (slot && slot % 2 == 0) {
				top -= h + 18;
				h = 0;
				if (top - 36 - 14.0f * (float)c->n < PW_M) {
					if ((rc = pw_page(w)) != 0)
						return rc;
					top = w->y;
				}
			}
			hh = pw_bars(w, c, PW_M + (float)(slot % 2) * (colw + 24),
			    top, colw, 14);
			h = hh > h ? hh : h;
		}
	}
	w->y = top - h - 4;
	return 0;
}

int
pw_charts(struct pw *w, const struct report *rp)
{
	struct chart_bars *b = calloc(2, sizeof(*b));
	struct chart_line l;
	int rc;

	if (b == NULL)
		return err_set(w->e, ERR_NOMEM, "PDF: out of memory");
	if ((rc = pw_page(w)) != 0 || (rc = pw_all_bars(w, rp, b, b + 1)) != 0) {
		free(b);
		return rc;
	}
	free(b);
	if (rp->ngroups)
		pw_legend(w, PW_M + 62, w->y - 10), w->y -= 26;
	if (w->y - 220 < PW_M && (rc = pw_page(w)) != 0)
		return rc;
	chart_line_of(rp, &l);
	pw_linechart(w, &l, w->y, w->y - PW_M - 60 > 260 ? 260 :
	    w->y - PW_M - 60);
	return 0;
}
