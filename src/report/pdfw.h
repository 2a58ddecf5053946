/* pdfw.h - the report's PDF writer state (not public): every page is
 * laid out twice, first only collecting the characters it will show (so
 * one HarfBuzz subset per font holds exactly them), then drawn. */
#ifndef SKILLCERT_REPORT_PDFW_H
#define SKILLCERT_REPORT_PDFW_H

#include <hpdf.h>
#include "skillcert/render/fontsub.h"
#include "rtable.h"

#define PW_W 841.89f                   /* A4 landscape, points */
#define PW_H 595.28f
#define PW_M 36.0f                     /* margin */

struct pw {
	HPDF_Doc pdf;
	HPDF_Page page;
	int collect;                   /* 1: first pass, nothing drawn */
	int pages;
	const struct fontsub_chain *chain;
	HPDF_Font font[FONTSUB_MAX];
	int8_t *fidx;                  /* [BMP code point]: font, -1 none */
	uint8_t *seen;                 /* [BMP code point]: used */
	HPDF_STATUS hno, hdetail;
	float y;                       /* where the next line goes */
	struct err *e;
};

void pw_keep_error(HPDF_STATUS no, HPDF_STATUS detail, void *user);
int pw_fail(struct pw *w, const char *what);
enum { PW_LEFT, PW_RIGHT, PW_CENTER };

/* Text s at (x, y) in size; returns its width (0 while collecting). */
float pw_text(struct pw *w, float x, float y, float size, const char *s,
    int align);
float pw_width(struct pw *w, float size, const char *s);
/* A new page (y at its top margin). */
int pw_page(struct pw *w);
void pw_rect(struct pw *w, float x, float y, float wd, float ht,
    uint32_t fill, uint32_t stroke);
void pw_line(struct pw *w, float x0, float y0, float x1, float y1,
    uint32_t rgb, float width);
/* The charts pages (pdfchart.c). */
int pw_charts(struct pw *w, const struct report *rp);
/* Lays out the whole report (both passes call it). */
int pw_draw_report(struct pw *w, const struct report *rp);

#endif
