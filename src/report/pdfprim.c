/* pdfprim.c - the text and path primitives of the report's PDF writer
 * (pdfw.h): text in runs of one subset font, rectangles, lines, pages;
 * each a no-op on the collecting pass but for noting characters. */
#include <string.h>

#include "skillcert/base/utf8.h"
#include "pdfw.h"

void
pw_keep_error(HPDF_STATUS no, HPDF_STATUS detail, void *user)
{
	struct pw *w = user;

	if (w->hno == 0) {
		w->hno = no;
		w->hdetail = detail;
	}
}

int
pw_fail(struct pw *w, const char *what)
{
	return err_set(w->e, ERR_INTERNAL, "PDF %s: libharu error 0x%04lX "
	    "(detail %lu)", what, (unsigned long)w->hno,
	    (unsigned long)w->hdetail);
}

/* The next character of s (advancing it), '?' for what no font has. */
static uint32_t
pw_next(struct pw *w, const char **s)
{
	uint32_t cp;
	size_t n = strlen(*s);
	int k = utf8_decode((const uint8_t *)*s, n, &cp);

	if (k <= 0)
		k = 1, cp = '?';
	*s += k;
	if (cp > 0xFFFF || cp < 0x20)
		cp = '?';
	if (w->collect) {
		w->seen[cp] = 1;
		return cp;
	}
	return w->fidx[cp] >= 0 ? cp : '?';
}

/* Draws (draw set) or measures one run of text in one font. */
static float
pw_flush(struct pw *w, float x, float y, float size, int fi, char *run,
    size_t *len, int draw)
{
	float wd;

	if (*len == 0 || fi < 0)
		return 0;
	run[*len] = '\0';
	if (draw) {
		HPDF_Page_BeginText(w->page);
		HPDF_Page_SetFontAndSize(w->page, w->font[fi], size);
		HPDF_Page_TextOut(w->page, x, y, run);
		HPDF_Page_EndText(w->page);
	}
	wd = (float)HPDF_Font_TextWidth(w->font[fi], (const HPDF_BYTE *)run,
	    (HPDF_UINT)*len).width * size / 1000.0f;
	*len = 0;
	return wd;
}

/* Width of s in points, or with draw set drawn from x, y: runs of the
 * characters one font shows go out as one string. */
static float
pw_run(struct pw *w, float x, float y, float size, const char *s, int draw)
{
	char run[260];
	size_t len = 0;
	float total = 0;
	uint32_t cp;
	int fi = -1;

	while (*s) {
		cp = pw_next(w, &s);
		if (w->collect)
			continue;
		if (w->fidx[cp] != fi || len + 4 >= sizeof(run) - 1) {
			total += pw_flush(w, x + total, y, size, fi, run, &len,
			    draw);
			fi = w->fidx[cp];
		}
		len += (size_t)utf8_encode(cp, run + len);
	}
	return total + pw_flush(w, x + total, y, size, fi, run, &len, draw);
}

float
pw_width(struct pw *w, float size, const char *s)
{
	return pw_run(w, 0, 0, size, s, 0);
}

float
pw_text(struct pw *w, float x, float y, float size, const char *s,
    int align)
{
	float wd = w->collect ? 0 : pw_width(w, size, s);

	if (align == PW_RIGHT)
		x -= wd;
	else if (align == PW_CENTER)
		x -= wd / 2;
	pw_run(w, x, y, size, s, 1);
	return wd;
}

static void
pw_rgb(uint32_t c, float *r, float *g, float *b)
{
	*r = (float)((c >> 16) & 255) / 255.0f;
	*g = (float)((c >> 8) & 255) / 255.0f;
	*b = (float)(c & 255) / 255.0f;
}

void
pw_rect(struct pw *w, float x, float y, float wd, float ht, uint32_t fill,
    uint32_t stroke)
{
	float r, g, b;

	if (w->collect)
		return;
	pw_rgb(fill, &r, &g, &b);
	HPDF_Page_SetRGBFill(w->page, r, g, b);
	pw_rgb(stroke, &r, &g, &b);
	HPDF_Page_SetRGBStroke(w->page, r, g, b);
	HPDF_Page_SetLineWidth(w->page, 0.5f);
	HPDF_Page_Rectangle(w->page, x, y, wd, ht);
	if (stroke == fill)
		HPDF_Page_Fill(w->page);
	else
		HPDF_Page_FillStroke(w->page);
	HPDF_Page_SetRGBFill(w->page, 0.12f, 0.16f, 0.2f);
}

void
pw_line(struct pw *w, float x0, float y0, float x1, float y1, uint32_t rgb,
    float width)
{
	float r, g, b;

	if (w->collect)
		return;
	pw_rgb(rgb, &r, &g, &b);
	HPDF_Page_SetRGBStroke(w->page, r, g, b);
	HPDF_Page_SetLineWidth(w->page, width);
	HPDF_Page_MoveTo(w->page, x0, y0);
	HPDF_Page_LineTo(w->page, x1, y1);
	HPDF_Page_Stroke(w->page);
}

int
pw_page(struct pw *w)
{
	w->y = PW_H - PW_M;
	w->pages++;
	if (w->collect)
		return 0;
	if ((w->page = HPDF_AddPage(w->pdf)) == NULL ||
	    HPDF_Page_SetSize(w->page, HPDF_PAGE_SIZE_A4,
	    HPDF_PAGE_LANDSCAPE) != HPDF_OK)
		return pw_fail(w, "page");
	HPDF_Page_SetRGBFill(w->page, 0.12f, 0.16f, 0.2f);
	return 0;
}

