/* pdf.c - the report as an A4 PDF (libharu 2.3.0): the document, its
 * fonts (per-document HarfBuzz subsets of the certificate renderer's
 * TrueType chain, see fontsub.h and LIBRARIES.md on libharu's CJK traps)
 * and the text and path primitives the layout in pdfdraw.c uses. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/base/utf8.h"
#include "pdfw.h"

/* Hei first: a table reads better in a sans face; then Song, then Kai. */
#define PW_FONTS "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc:" \
	"/usr/share/fonts/truetype/arphic/uming.ttc:" \
	"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

static void
pw_keep_error(HPDF_STATUS no, HPDF_STATUS detail, void *user)
{
	struct pw *w = user;

	if (w->hno == 0) {
		w->hno = no;
		w->hdetail = detail;
	}
}

static int
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

/* One subset per font that has some of the collected characters. */
static int
pw_load_fonts(struct pw *w)
{
	struct fontsub_char *sc;
	struct buf ttf = BUF_INIT;
	char path[64];
	const char *name;
	size_t n;
	int fd, rc = 0;

	w->seen['?'] = 1;
	if ((sc = calloc(65536, sizeof(*sc))) == NULL)
		return err_set(w->e, ERR_NOMEM, "PDF: out of memory");
	for (uint32_t cp = 0; cp < 65536; cp++)
		w->fidx[cp] = (int8_t)(w->seen[cp] ?
		    fontsub_find(w->chain, cp) : -1);
	for (int fi = 0; fi < fontsub_count(w->chain) && rc == 0; fi++) {
		n = 0;
		for (uint32_t cp = 0; cp < 65536; cp++)
			if (w->fidx[cp] == fi)
				sc[n].cp = sc[n].as = cp, n++;
		if (n == 0)
			continue;
		if ((rc = fontsub_make(w->chain, fi, sc, n, &ttf, w->e)) != 0 ||
		    (rc = fontsub_memfd(&ttf, &fd, path, sizeof(path), w->e)) != 0)
			break;
		name = HPDF_LoadTTFontFromFile(w->pdf, path, HPDF_TRUE);
		close(fd);
		if (name == NULL || (w->font[fi] = HPDF_GetFont(w->pdf, name,
		    "UTF-8")) == NULL)
			rc = pw_fail(w, "font");
	}
	if (rc == 0 && w->fidx['?'] < 0)
		rc = err_set(w->e, ERR_INVALID, "PDF: no font has '?'");
	buf_free(&ttf);
	free(sc);
	return rc;
}

static int
pw_save(struct pw *w, struct buf *out)
{
	HPDF_UINT32 size, got;
	HPDF_STATUS s;

	if (HPDF_SaveToStream(w->pdf) != HPDF_OK)
		return pw_fail(w, "save");
	size = HPDF_GetStreamSize(w->pdf);
	if (buf_reserve(out, size) != 0)
		return err_set(w->e, ERR_NOMEM, "PDF: out of memory");
	while (out->len < size) {
		got = (HPDF_UINT32)(size - out->len);
		s = HPDF_ReadFromStream(w->pdf, out->data + out->len, &got);
		out->len += got;
		if (s == HPDF_STREAM_EOF)
			break;
		if (s != HPDF_OK || got == 0)
			return pw_fail(w, "save");
	}
	return out->len == size ? 0 : err_set(w->e, ERR_INTERNAL,
	    "PDF: short stream");
}

static int
pw_run_doc(struct pw *w, const struct report *rp, struct buf *out)
{
	int rc;

	w->collect = 1;
	if ((rc = pw_draw_report(w, rp)) != 0)
		return rc;
	if ((w->pdf = HPDF_New(pw_keep_error, w)) == NULL)
		return err_set(w->e, ERR_NOMEM, "PDF: out of memory");
	/* compression before fonts, or the font streams stay uncompressed */
	if (HPDF_SetCompressionMode(w->pdf, HPDF_COMP_ALL) != HPDF_OK ||
	    HPDF_UseUTFEncodings(w->pdf) != HPDF_OK ||
	    HPDF_SetInfoAttr(w->pdf, HPDF_INFO_CREATOR, "skillcert") !=
	    HPDF_OK || HPDF_SetInfoAttr(w->pdf, HPDF_INFO_TITLE, rp->title) !=
	    HPDF_OK)
		return pw_fail(w, "setup");
	if ((rc = pw_load_fonts(w)) != 0)
		return rc;
	w->collect = 0;
	w->pages = 0;
	if ((rc = pw_draw_report(w, rp)) != 0)
		return rc;
	return pw_save(w, out);
}

int
report_write_pdf(const struct report *rp, const char *fonts,
    struct buf *out, struct err *e)
{
	struct fontsub_chain *chain = NULL;
	struct pw w;
	int rc;

	buf_reset(out);
	memset(&w, 0, sizeof(w));
	w.e = e;
	if ((rc = fontsub_open(&chain, fonts ? fonts : PW_FONTS, e)) != 0)
		return rc;
	w.chain = chain;
	w.fidx = malloc(65536);
	w.seen = calloc(65536, 1);
	if (w.fidx == NULL || w.seen == NULL)
		rc = err_set(e, ERR_NOMEM, "PDF: out of memory");
	else
		rc = pw_run_doc(&w, rp, out);
	if (rc != 0)
		buf_reset(out);
	if (w.pdf != NULL)
		HPDF_Free(w.pdf);
	free(w.fidx);
	free(w.seen);
	fontsub_close(chain);
	return rc;
}
