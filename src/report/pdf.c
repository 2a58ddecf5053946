/* pdf.c - the report as an A4 PDF (libharu 2.3.0): the document and its
 * fonts (per-document HarfBuzz subsets of a TrueType chain, see fontsub.h
 * and LIBRARIES.md on libharu's CJK traps); layout in pdfdraw.c. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/base/utf8.h"
#include "pdfw.h"

/* Hei first: a table reads better in a sans face; then Song, then Kai. */
#define PW_FONTS "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc:" \
	"/usr/share/fonts/truetype/arphic/uming.ttc:" \
	"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

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
