/* html.c - a report as one self-contained HTML page (or a <section> the
 * portal embeds): inline CSS that reads on a phone and a desktop, inline
 * SVG charts (done against target per region, cumulative issuance per
 * month), no scripts, every text through html_escape. */
#include <string.h>

#include "skillcert/base/html.h"
#include "chart.h"

static const char html_css[] =
    ".skc-report{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Zen Hei\","
    "\"PingFang SC\",\"Microsoft YaHei\",sans-serif;color:#1f2933;"
    "max-width:1200px;margin:0 auto;padding:12px}"
    ".skc-report h1{font-size:1.35em;margin:.4em 0}"
    ".skc-report h2{font-size:1.1em;margin:1.4em 0 .5em;border-left:4px solid "
    "#2563eb;padding-left:8px}"
    ".skc-report .wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}"
    ".skc-report table{border-collapse:collapse;font-size:13px;"
    "white-space:nowrap}"
    ".skc-report th,.skc-report td{border:1px solid #cbd2d9;padding:4px 8px}"
    ".skc-report th{background:#e8f0fe;font-weight:600}"
    ".skc-report td.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".skc-report tr.total td{font-weight:700;background:#f3f4f6}"
    ".skc-report tbody tr:nth-child(even) td{background:#fafbfc}"
    ".skc-report svg{width:100%;height:auto;max-width:720px;display:block}"
    ".skc-report .note{font-size:13px;color:#52606d;line-height:1.6}"
    ".skc-report .legend{font-size:13px}"
    ".skc-report .sw{display:inline-block;width:12px;height:12px;"
    "vertical-align:middle;margin:0 4px 0 12px}"
    ".skc-report .sw.target{background:#c7d2fe}"
    ".skc-report .sw.bar{background:#2563eb}"
    /* a phone shows the 640-unit charts at about half size: larger text */
    "@media (max-width:600px){.skc-report svg text{font-size:18px}"
    ".skc-report table{font-size:12px}}";

static void
html_text(struct buf *out, const char *tag, const char *attr, const char *s)
{
	buf_printf(out, "<%s%s>", tag, attr);
	html_escape(out, s);
	buf_printf(out, "</%s>", tag);
}

static void
html_head_rows(const struct report_table *t, struct buf *out)
{
	int two = 0, i, j;

	for (i = 0; i < t->ncols; i++)
		two |= t->grp[i][0] != '\0';
	buf_append_str(out, "<thead><tr>");
	for (i = 0; i < t->ncols; i = j) {
		for (j = i + 1; t->grp[i][0] && j < t->ncols &&
		    strcmp(t->grp[j], t->grp[i]) == 0; j++)
			;
		if (!t->grp[i][0]) {
			buf_printf(out, "<th%s>", two ? " rowspan=\"2\"" : "");
			html_escape(out, t->sub[i]);
		} else {
			buf_printf(out, "<th colspan=\"%d\">", j - i);
			html_escape(out, t->grp[i]);
		}
		buf_append_str(out, "</th>");
	}
	buf_append_str(out, "</tr>");
	if (two) {
		buf_append_str(out, "<tr>");
		for (i = 0; i < t->ncols; i++)
			if (t->grp[i][0])
				html_text(out, "th", "", t->sub[i]);
		buf_append_str(out, "</tr>");
	}
	buf_append_str(out, "</thead>");
}

static void
html_table(const struct report *rp, const struct report_table *t,
    struct buf *out)
{
	const struct report_cell *c;

	buf_append_str(out, "<div class=\"wrap\"><table>");
	html_head_rows(t, out);
	buf_append_str(out, "<tbody>");
	for (size_t r = 0; r < t->nrows; r++) {
		buf_append_str(out, rp->quarterly && r + 1 == t->nrows &&
		    t->ncols > 4 ? "<tr class=\"total\">" : "<tr>");
		for (int i = 0; i < t->ncols; i++) {
			c = report_cell_at(t, r, i);
			html_text(out, "td", c->kind ? " class=\"n\"" : "", c->s);
		}
		buf_append_str(out, "</tr>");
	}
	buf_append_str(out, "</tbody></table></div>");
}

/* Horizontal bars, a row per region: the target as a pale bar, the count
 * so far over it, and "count / target (pct)" beside. */
static void
html_bars(const struct chart_bars *b, struct buf *out)
{
	uint64_t step, max = chart_axis(b->max, &step);
	const int lw = 132, pw = 316, rh = 26, top = 8;
	int h = top + (int)b->n * rh + 30;
	double sx = (double)pw / (double)max;

	buf_printf(out, "<svg viewBox=\"0 0 640 %d\" role=\"img\" "
	    "font-size=\"14\"><title>", h);
	html_escape(out, b->group);
	buf_append_str(out, "：完成与目标</title>");
	for (uint64_t v = 0; v <= max; v += step)
		buf_printf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		    "stroke=\"#e4e7eb\"/><text x=\"%.1f\" y=\"%d\" "
		    "text-anchor=\"middle\" fill=\"#616e7c\" font-size=\"12\">"
		    "%llu</text>", lw + v * sx, top, lw + v * sx, h - 26,
		    lw + v * sx, h - 10,
		    (unsigned long long)v);
	for (size_t i = 0; i < b->n; i++) {
		int y = top + (int)i * rh;
		double pct = b->target[i] ? 100.0 * (double)b->done[i] /
		    (double)b->target[i] : 0;
		buf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    lw - 8, y + 17);
		html_escape(out, b->label[i]);
		buf_printf(out, "</text><rect class=\"target\" x=\"%d\" y=\"%d\" "
		    "width=\"%.1f\" height=\"18\" fill=\"#c7d2fe\"/>"
		    "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%.1f\" "
		    "height=\"10\" fill=\"#2563eb\"/>",
		    lw, y + 4, (double)b->target[i] * sx, lw, y + 8,
		    (double)b->done[i] * sx);
		buf_printf(out, "<text x=\"%d\" y=\"%d\" fill=\"#323f4b\">%llu / "
		    "%llu", lw + pw + 8, y + 17, (unsigned long long)b->done[i],
		    (unsigned long long)b->target[i]);
		if (b->target[i])
			buf_printf(out, "（%.1f%%）", pct);
		buf_append_str(out, "</text>");
	}
	/* classes, not style= attributes: the portal's CSP (style-src 'self')
	 * refuses inline styles */
	buf_append_str(out, "</svg><p class=\"legend\"><span class=\"sw "
	    "target\"></span>目标<span class=\"sw bar\"></span>累计有效证书</p>");
}

static void
html_line(const struct chart_line *l, struct buf *out)
{
	uint64_t step, max = chart_axis(l->max, &step);
	const int x0 = 56, pw = 560, y0 = 250, ph = 220;
	double sx = (double)pw / 11.0, sy = (double)ph / (double)max;

	buf_append_str(out, "<svg viewBox=\"0 0 640 290\" role=\"img\" "
	    "font-size=\"14\"><title>累计发证（按月）</title>");
	for (uint64_t v = 0; v <= max; v += step)
		buf_printf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
		    "stroke=\"#e4e7eb\"/><text x=\"%d\" y=\"%.1f\" "
		    "text-anchor=\"end\" fill=\"#616e7c\">%llu</text>", x0,
		    y0 - v * sy, x0 + pw, y0 - v * sy, x0 - 8, y0 - v * sy + 4,
		    (unsigned long long)v);
	for (int m = 1; m <= 12; m++)
		buf_printf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" "
		    "fill=\"#616e7c\">%d月</text>", x0 + (m - 1) * sx, y0 + 22, m);
	buf_append_str(out, "<polyline fill=\"none\" stroke=\"#dc2626\" "
	    "stroke-width=\"2.5\" points=\"");
	for (size_t i = 0; i < l->n; i++)
		buf_printf(out, "%.1f,%.1f ", x0 + (l->month[i] - 1) * sx,
		    y0 - (double)l->cum[i] * sy);
	buf_append_str(out, "\"/>");
	for (size_t i = 0; i < l->n; i++)
		buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
		    "fill=\"#dc2626\"><title>%d月 %llu</title></circle>"
		    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		    "font-size=\"11\" fill=\"#323f4b\">%llu</text>",
		    x0 + (l->month[i] - 1) * sx, y0 - (double)l->cum[i] * sy,
		    l->month[i], (unsigned long long)l->cum[i],
		    x0 + (l->month[i] - 1) * sx, y0 - (double)l->cum[i] * sy - 8,
		    (unsigned long long)l->cum[i]);
	buf_append_str(out, "</svg>");
}

static void
html_charts(const struct report *rp, struct buf *out)
{
	struct chart_bars b;
	struct chart_line l;

	for (int g = 0; g < rp->ngroups; g++) {
		chart_bars_of(rp, g, &b);
		buf_append_str(out, "<h2>");
		html_escape(out, b.group);
		buf_append_str(out, "：各地区完成与目标</h2>");
		html_bars(&b, out);
	}
	chart_line_of(rp, &l);
	buf_append_str(out, "<h2>累计有效证书（按月）</h2>");
	html_line(&l, out);
}

const char *
report_css(void)
{
	return html_css;
}

int
report_write_html(const struct report *rp, struct buf *out, int standalone)
{
	if (standalone) {
		buf_append_str(out, "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>"
		    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
		    "content=\"width=device-width,initial-scale=1\">");
		html_text(out, "title", "", rp->title);
		buf_printf(out, "<style>body{margin:0}%s</style></head><body>",
		    html_css);
	}
	/* the fragment carries no <style>: its host serves report_css() as a
	 * stylesheet of its own origin */
	buf_append_str(out, "<section class=\"skc-report\">");
	html_text(out, "h1", "", rp->title);
	for (size_t s = 0; s < rp->nsec; s++) {
		if (rp->quarterly)
			html_text(out, "h2", "", rp->sec[s].title);
		html_table(rp, &rp->sec[s], out);
		if (s == 0 && rp->quarterly) {
			html_text(out, "p", " class=\"note\"", "注：" REPORT_NOTE);
			html_charts(rp, out);
		}
	}
	buf_append_str(out, "</section>");
	if (standalone)
		buf_append_str(out, "</body></html>\n");
	return out->oom ? -1 : 0;
}
