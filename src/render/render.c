/* render.c - prints a 职业技能等级证书 as an A4 PDF that looks like the
 * paper one and is the same bytes every time it is printed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>
#include <hpdf_pages.h>
#include <hpdf_streams.h>

#include "skillcert/image/image.h"
#include "skillcert/render/fontsub.h"
#include "skillcert/render/qr.h"
#include "skillcert/render/render.h"
#include "skillcert/base/utf8.h"
#include "skillcert/base/date.h"

/* A document is built in three passes: every string the page will show
 * is composed first and its characters collected (each assigned to the
 * first font of the chain that has it); then one HarfBuzz subset per
 * font needed is loaded into libharu 2.3.0 from a memfd; then the page is
 * laid out with widths taken from those subsets. Characters above U+FFFF,
 * which libharu's UTF-8 path cannot carry, are drawn through a Private
 * Use Area stand-in and tagged with /ActualText.
 *
 * Nothing here depends on time, randomness or addresses: the same input
 * gives the same bytes. */

#define DEFAULT_CHAIN \
	"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf:" \
	"/usr/share/fonts/truetype/arphic/uming.ttc:" \
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"

#define FIELD_MAX 1024          /* bytes in one input field */
#define IMAGE_BYTES_MAX (8u << 20)
#define PUA_FIRST 0xE000
#define PUA_LAST 0xF8FF

/* ---- page geometry (points; A4 portrait) ---------------------------- */
#define MM 2.8346457f
#define PAGE_W 595.276f
#define PAGE_H 841.89f

#define FRAME_OUT 22.0f        /* outer border inset */
#define FRAME_MID 28.5f        /* thin line inside it */
#define FRAME_IN 38.0f         /* gold inner line */

#define TITLE_Y 702.0f          /* baseline */
#define TITLE_SIZE 34.0f
#define TITLE_CS 9.0f

#define TEXT_L 84.0f            /* left edge of body and table */
#define TEXT_R 511.0f           /* right edge */
#define BODY_Y 628.0f
#define BODY_SIZE 15.0f
#define BODY_LEAD 27.0f

#define LABEL_SIZE 14.0f
#define LABEL_W 98.0f           /* justified label column */
#define VALUE_X (TEXT_L + LABEL_W + 22.0f)
#define VALUE_SIZE 15.0f
#define VALUE_MIN 9.5f
#define VALUE_LINES 3
#define ROW_PITCH 37.0f
#define ROW_LEAD 20.0f          /* between wrapped lines of one value */

#define PHOTO_W (25.0f * MM)    /* 1-inch photo: 25 x 35 mm */
#define PHOTO_H (35.0f * MM)
#define PHOTO_X (TEXT_R - PHOTO_W)

#define QR_SIZE (28.0f * MM)    /* the symbol, quiet zone outside it */
#define QR_X 84.0f
#define QR_Y 100.0f

#define SEAL_R (21.0f * MM)     /* 42 mm organization seal */
#define SEAL_SPAN_MAX (260.0f * (float)M_PI / 180)
#define SEAL_SPAN_MIN (150.0f * (float)M_PI / 180)

struct render_fonts {
	struct fontsub_chain *chain;
};

/* One distinct character of a document. */
struct dchar {
	uint32_t cp;
	uint32_t as;    /* code point drawn: cp, or its PUA stand-in */
	int font;       /* index in the chain */
	float w;        /* advance in 1/1000 em */
};

struct hstat {
	HPDF_STATUS no;
	HPDF_STATUS detail;
};

struct doc {
	const struct fontsub_chain *chain;
	HPDF_Doc pdf;
	HPDF_Page page;
	struct hstat hs;
	HPDF_Font font[FONTSUB_MAX];
	HPDF_Font cur_font;
	float cur_size;
	struct dchar *ch;
	size_t nch, cap;
	struct err *e;
};

/* Strings of one certificate, composed before drawing. */
struct strings {
	const char *val[9];     /* table values, in label order */
	char body[2048];
	const char *brand;
	const char *query;
};

static const char *const labels[9] = {
	"姓名", "证件类型", "证件号码", "职业名称", "工种/职业方向",
	"职业技能等级", "证书编号", "评价机构名称", "发证日期",
};
enum { ROW_NAME, ROW_IDTYPE, ROW_IDNO, ROW_OCC, ROW_TRADE, ROW_LEVEL,
	ROW_CERTNO, ROW_ORG, ROW_DATE };

static const char TITLE[] = "职业技能等级证书";
static const char QR_CAPTION[] = "扫码验证";
static const char QUERY_LABEL[] = "证书查询：";
static const char PHOTO_HINT[] = "照片";
static const char NONE_MARK[] = "--";

/* ---- fonts ---------------------------------------------------------- */

int
render_fonts_open(struct render_fonts **fp, const char *paths, struct err *e)
{
	struct render_fonts *f;
	int rc;

	*fp = NULL;
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return err_set(e, ERR_NOMEM, "fonts: out of memory");
	rc = fontsub_open(&f->chain, paths ? paths : DEFAULT_CHAIN, e);
	if (rc != ERR_OK) {
		free(f);
		return rc;
	}
	*fp = f;
	return ERR_OK;
}

void
render_fonts_close(struct render_fonts *f)
{
	if (f == NULL)
		return;
	fontsub_close(f->chain);
	free(f);
}

/* ---- libharu errors ------------------------------------------------- */

/* libharu reports through this callback and then returns an error code;
 * the first report is kept for the message. */
static void
render_keep_error(HPDF_STATUS no, HPDF_STATUS detail, void *user)
{
	struct hstat *hs = user;

	if (hs->no == 0) {
		hs->no = no;
		hs->detail = detail;
	}
}

static int
render_fail(struct doc *d, const char *what)
{
	return err_set(d->e, ERR_INTERNAL, "PDF %s: libharu error 0x%04lX "
	    "(detail %lu)", what, (unsigned long)d->hs.no,
	    (unsigned long)d->hs.detail);
}

/* ---- characters ----------------------------------------------------- */

static int
render_compare_char(const void *a, const void *b)
{
	const struct dchar *x = a, *y = b;

	return (x->cp > y->cp) - (x->cp < y->cp);
}

static struct dchar *
render_find_char(const struct doc *d, uint32_t cp)
{
	struct dchar key = { cp, 0, 0, 0 };

	return bsearch(&key, d->ch, d->nch, sizeof(*d->ch),
	    render_compare_char);
}

/* Adds the characters of s (field `field`) to the document's set, each
 * with the first font of the chain that has it. */
static int
render_collect(struct doc *d, const char *field, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t n = strlen(s), i, pos;
	uint32_t cp;
	char u8[5];
	int len, fi;

	for (i = 0; i < n; i += (size_t)len) {
		if ((len = utf8_decode(p + i, n - i, &cp)) == 0)
			return err_set(d->e, ERR_INVALID, "%s is not valid "
			    "UTF-8 (byte %zu)", field, i + 1);
		if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			return err_set(d->e, ERR_INVALID, "%s contains control "
			    "character U+%04X", field, cp);
		if ((cp & 0xFFFE) == 0xFFFE || (cp >= 0xFDD0 && cp <= 0xFDEF))
			return err_set(d->e, ERR_INVALID, "%s contains "
			    "noncharacter U+%04X", field, cp);
		/* sorted insert: a certificate has a few hundred at most */
		for (pos = d->nch; pos > 0 && d->ch[pos - 1].cp >= cp; pos--)
			;
		if (pos < d->nch && d->ch[pos].cp == cp)
			continue;
		if ((fi = fontsub_find(d->chain, cp)) < 0) {
			memcpy(u8, p + i, (size_t)len);
			u8[len] = '\0';
			return err_set(d->e, ERR_INVALID, "%s contains '%s' "
			    "(U+%04X), which no font has", field, u8, cp);
		}
		if (d->nch == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 256;
			struct dchar *nc = realloc(d->ch, cap * sizeof(*nc));

			if (nc == NULL)
				return err_set(d->e, ERR_NOMEM,
				    "characters: out of memory");
			d->ch = nc;
			d->cap = cap;
		}
		memmove(d->ch + pos + 1, d->ch + pos,
		    (d->nch - pos) * sizeof(*d->ch));
		d->ch[pos].cp = cp;
		d->ch[pos].as = cp;
		d->ch[pos].font = fi;
		d->ch[pos].w = 0;
		d->nch++;
	}
	return ERR_OK;
}

/* Gives each character above U+FFFF a PUA stand-in not otherwise used
 * in this document (in code point order: deterministic). */
static int
render_assign_pua(struct doc *d)
{
	uint32_t next = PUA_FIRST;
	size_t i;

	for (i = 0; i < d->nch; i++) {
		if (d->ch[i].cp <= 0xFFFF)
			continue;
		while (next <= PUA_LAST && render_find_char(d, next) != NULL)
			next++;
		if (next > PUA_LAST)
			return err_set(d->e, ERR_INVALID, "too many "
			    "characters above U+FFFF");
		d->ch[i].as = next++;
	}
	return ERR_OK;
}

/* Subsets, loads and measures every font the document uses. */
static int
render_load_fonts(struct doc *d)
{
	struct fontsub_char *sc;
	struct buf ttf = BUF_INIT;
	char path[64], u8[5];
	const char *name;
	size_t i, n;
	int fi, fd, rc = ERR_OK, len;

	if ((sc = calloc(d->nch, sizeof(*sc))) == NULL)
		return err_set(d->e, ERR_NOMEM, "fonts: out of memory");
	for (fi = 0; fi < fontsub_count(d->chain) && rc == ERR_OK; fi++) {
		for (i = 0, n = 0; i < d->nch; i++)
			if (d->ch[i].font == fi) {
				sc[n].cp = d->ch[i].cp;
				sc[n++].as = d->ch[i].as;
			}
		if (n == 0)
			continue;
		if ((rc = fontsub_make(d->chain, fi, sc, n, &ttf, d->e)) !=
		    ERR_OK)
			break;
		if ((rc = fontsub_memfd(&ttf, &fd, path, sizeof(path), d->e)) !=
		    ERR_OK)
			break;
		/* libharu opens its own FILE on the memfd and keeps it until
		 * HPDF_Free; our descriptor is not needed after the load. */
		name = HPDF_LoadTTFontFromFile(d->pdf, path, HPDF_TRUE);
		close(fd);
		if (name != NULL)
			d->font[fi] = HPDF_GetFont(d->pdf, name, "UTF-8");
		if (name == NULL || d->font[fi] == NULL) {
			rc = err_set(d->e, ERR_INTERNAL, "font %s: libharu "
			    "cannot load its subset (0x%04lX detail %lu)",
			    fontsub_path(d->chain, fi), (unsigned long)d->hs.no,
			    (unsigned long)d->hs.detail);
			break;
		}
	}
	for (i = 0; i < d->nch && rc == ERR_OK; i++) {
		HPDF_TextWidth tw;

		len = utf8_encode(d->ch[i].as, u8);
		u8[len] = '\0';
		tw = HPDF_Font_TextWidth(d->font[d->ch[i].font],
		    (const HPDF_BYTE *)u8, (HPDF_UINT)len);
		if (d->hs.no != 0)
			rc = render_fail(d, "measuring text");
		d->ch[i].w = (float)tw.width;
	}
	buf_free(&ttf);
	free(sc);
	return rc;
}

/* ---- text ----------------------------------------------------------- */

/* Next character of s[0..n) at *i; 0 at the end. The input was checked
 * by render_collect(), so decoding cannot fail here. */
static uint32_t
render_next_cp(const char *s, size_t n, size_t *i)
{
	uint32_t cp;
	int len;

	if (*i >= n || (len = utf8_decode((const uint8_t *)s + *i, n - *i,
	    &cp)) == 0)
		return 0;
	*i += (size_t)len;
	return cp;
}

static float
render_advance(const struct doc *d, uint32_t cp, float size)
{
	const struct dchar *c = render_find_char(d, cp);

	return c ? c->w * size / 1000.0f : 0;
}

/* Width of s[0..n) at size with char spacing cs between characters. */
static float
render_measure_text(const struct doc *d, const char *s, size_t n, float size,
    float cs)
{
	size_t i = 0, k = 0;
	float w = 0;
	uint32_t cp;

	while ((cp = render_next_cp(s, n, &i)) != 0) {
		w += render_advance(d, cp, size);
		k++;
	}
	return k ? w + cs * (float)(k - 1) : 0;
}

static size_t
render_count_chars(const char *s, size_t n)
{
	size_t i = 0, k = 0;

	while (render_next_cp(s, n, &i) != 0)
		k++;
	return k;
}

static int
render_write_content(struct doc *d, const char *s)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)d->page->attr;

	return HPDF_Stream_WriteStr(attr->stream, s) == HPDF_OK ? 0 : -1;
}

/* Opens a marked-content span whose extracted text is s (UTF-16BE in
 * /ActualText); "" makes what follows extract as nothing. */
static int
render_begin_span(struct doc *d, const char *s, size_t n)
{
	char hex[8 + 64 * 8 + 24] = "/Span <</ActualText <FEFF";
	size_t i = 0, o = strlen(hex);
	uint32_t cp;

	while ((cp = render_next_cp(s, n, &i)) != 0) {
		if (o + 8 + 16 > sizeof(hex))
			return -1;
		if (cp > 0xFFFF) /* UTF-16 surrogate pair */
			o += (size_t)snprintf(hex + o, sizeof(hex) - o,
			    "%04X%04X", 0xD800 + ((cp - 0x10000) >> 10),
			    0xDC00 + ((cp - 0x10000) & 0x3FF));
		else
			o += (size_t)snprintf(hex + o, sizeof(hex) - o, "%04X",
			    cp);
	}
	snprintf(hex + o, sizeof(hex) - o, ">>> BDC\n");
	return render_write_content(d, hex);
}

static int
render_set_font(struct doc *d, HPDF_Font f, float size)
{
	if (f == d->cur_font && size == d->cur_size)
		return 0;
	if (HPDF_Page_SetFontAndSize(d->page, f, size) != HPDF_OK)
		return -1;
	d->cur_font = f;
	d->cur_size = size;
	return 0;
}

static int
render_flush_run(struct doc *d, char *run, size_t *rl, HPDF_Font f, float size)
{
	if (*rl == 0)
		return 0;
	run[*rl] = '\0';
	*rl = 0;
	if (render_set_font(d, f, size) != 0 ||
	    HPDF_Page_ShowText(d->page, run) != HPDF_OK)
		return -1;
	return 0;
}

/* Shows s[0..n) with text matrix m at size, char spacing cs. Runs of one
 * font go out as one Tj; a character above U+FFFF goes out alone as its
 * PUA stand-in inside a /Span carrying the real character. */
static int
render_show_text(struct doc *d, const float m[6], float size, float cs,
    const char *s, size_t n)
{
	char run[256], u8[5];
	size_t i = 0, rl = 0, at;
	HPDF_Font rf = NULL;
	uint32_t cp;
	struct dchar *c;
	int len, rc = -1;

	if (n == 0)
		return 0;
	d->cur_font = NULL;
	if (HPDF_Page_BeginText(d->page) != HPDF_OK)
		return render_fail(d, "text");
	if (HPDF_Page_SetTextMatrix(d->page, m[0], m[1], m[2], m[3], m[4],
	    m[5]) != HPDF_OK || HPDF_Page_SetCharSpace(d->page, cs) != HPDF_OK)
		goto out;
	for (at = i; (cp = render_next_cp(s, n, &i)) != 0; at = i) {
		if ((c = render_find_char(d, cp)) == NULL)
			goto out;
		len = utf8_encode(c->as, u8);
		if (cp > 0xFFFF) {
			if (render_flush_run(d, run, &rl, rf, size) != 0)
				goto out;
			u8[len] = '\0';
			if (render_begin_span(d, s + at, i - at) != 0 ||
			    render_set_font(d, d->font[c->font], size) != 0 ||
			    HPDF_Page_ShowText(d->page, u8) != HPDF_OK ||
			    render_write_content(d, "EMC\n") != 0)
				goto out;
			continue;
		}
		if (d->font[c->font] != rf || rl + (size_t)len >= sizeof(run)) {
			if (render_flush_run(d, run, &rl, rf, size) != 0)
				goto out;
			rf = d->font[c->font];
		}
		memcpy(run + rl, u8, (size_t)len);
		rl += (size_t)len;
	}
	if (render_flush_run(d, run, &rl, rf, size) != 0)
		goto out;
	rc = 0;
out:
	if (HPDF_Page_EndText(d->page) != HPDF_OK)
		rc = -1;
	return rc == 0 ? 0 : render_fail(d, "text");
}

static int
render_show_at(struct doc *d, float x, float y, float size, float cs,
    const char *s, size_t n)
{
	const float m[6] = { 1, 0, 0, 1, x, y };

	return render_show_text(d, m, size, cs, s, n);
}

/* Letter-spaced text (title, badge, caption) stays one word when
 * extracted: the spacing would otherwise read as spaces. */
static int
render_show_spaced(struct doc *d, float x, float y, float size, float cs,
    const char *s, size_t n)
{
	int rc;

	if (cs <= 0)
		return render_show_at(d, x, y, size, cs, s, n);
	if (render_begin_span(d, s, n) != 0)
		return render_fail(d, "text");
	if ((rc = render_show_at(d, x, y, size, cs, s, n)) != 0)
		return rc;
	if (render_write_content(d, "EMC\n") != 0)
		return render_fail(d, "text");
	return 0;
}

static int
render_show_centred(struct doc *d, float cx, float y, float size, float cs,
    const char *s)
{
	size_t n = strlen(s);
	float w = render_measure_text(d, s, n, size, cs);

	return render_show_spaced(d, cx - w / 2, y, size, cs, s, n);
}

/* Draws s spread over exactly width w (the 姓　　名 look of forms); the
 * span keeps it one word for text extraction despite the spacing. */
static int
render_show_justified(struct doc *d, float x, float y, float w, float size,
    const char *s)
{
	size_t n = strlen(s), k = render_count_chars(s, n);
	float nat = render_measure_text(d, s, n, size, 0);
	int rc;

	if (k < 2)
		return render_show_at(d, x + (w - nat) / 2, y, size, 0, s, n);
	if (render_begin_span(d, s, n) != 0)
		return render_fail(d, "label");
	if ((rc = render_show_at(d, x, y, size, (w - nat) / (float)(k - 1), s,
	    n)) != 0)
		return rc;
	if (render_write_content(d, "EMC\n") != 0)
		return render_fail(d, "label");
	return 0;
}

/* Line breaking for Chinese (HPDF_Page_TextRect breaks only at spaces).
 * A break may not put closing punctuation at a line start, leave
 * opening punctuation at a line end, or split a run of ASCII letters
 * and digits or a middle-dot name unless nothing else fits. */
static int
render_is_closing(uint32_t c)
{
	return c == 0xFF0C || c == 0x3002 || c == 0x3001 || c == 0xFF1B ||
	    c == 0xFF1A || c == 0xFF1F || c == 0xFF01 || c == 0xFF09 ||
	    c == 0x300B || c == 0x300D || c == 0x300F || c == 0x201D ||
	    c == 0x2019 || c == 0x3011 || c == ')' || c == ',' || c == '.' ||
	    c == ';' || c == ':' || c == '!' || c == '?' || c == '%' ||
	    c == 0x2026 || c == 0x00B7 || c == 0x30FB || c == 0xFF0E;
}

static int
render_is_opening(uint32_t c)
{
	return c == 0xFF08 || c == 0x300A || c == 0x300C || c == 0x300E ||
	    c == 0x201C || c == 0x2018 || c == 0x3010 || c == '(' ||
	    c == 0x00B7 || c == 0x30FB;
}

static int
render_is_word(uint32_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

struct line {
	size_t off, len;
};

/* Breaks s into lines no wider than w (the first line first_w). Stores
 * up to max lines and returns how many were needed. */
static size_t
render_wrap_text(const struct doc *d, const char *s, float size, float first_w,
    float w, struct line *ln, size_t max)
{
	size_t n = strlen(s), i = 0, start = 0, brk = 0, count = 0, at;
	uint32_t cp, prev = 0;
	float cur = 0, lim = first_w;

	while (i < n) {
		at = i;
		cp = render_next_cp(s, n, &i);
		if (at > start && !render_is_closing(cp) &&
		    !render_is_opening(prev) &&
		    !(render_is_word(prev) && render_is_word(cp)))
			brk = at;
		cur += render_advance(d, cp, size);
		if (cur > lim + 0.01f && at > start) {
			size_t end = brk > start ? brk : at;

			if (count < max) {
				ln[count].off = start;
				ln[count].len = end - start;
			}
			count++;
			start = end;
			while (start < n && s[start] == ' ')
				start++;
			brk = start;
			lim = w;
			i = start;
			cur = 0;
			prev = 0;
			continue;
		}
		prev = cp;
	}
	if (start < n) {
		if (count < max) {
			ln[count].off = start;
			ln[count].len = n - start;
		}
		count++;
	}
	return count;
}

/* ---- drawing -------------------------------------------------------- */

static HPDF_STATUS
render_set_fill(struct doc *d, float r, float g, float b)
{
	return HPDF_Page_SetRGBFill(d->page, r, g, b);
}

static HPDF_STATUS
render_set_stroke(struct doc *d, float r, float g, float b)
{
	return HPDF_Page_SetRGBStroke(d->page, r, g, b);
}

#define RED_BORDER 0.62f, 0.10f, 0.09f
#define GOLD 0.74f, 0.57f, 0.23f
#define INK 0.08f, 0.08f, 0.08f
#define TITLE_RED 0.72f, 0.07f, 0.07f
#define SEAL_RED 0.88f, 0.09f, 0.10f
#define RULE_GREY 0.55f, 0.55f, 0.55f

/* A small square knot (回纹) at a frame corner; sx, sy point inwards. */
static HPDF_STATUS
render_draw_knot(struct doc *d, float x, float y, float sx, float sy)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	const float a = 18.0f, b = 11.0f, c = 5.0f;

	r |= HPDF_Page_MoveTo(p, x + sx * a, y);
	r |= HPDF_Page_LineTo(p, x + sx * a, y + sy * a);
	r |= HPDF_Page_LineTo(p, x, y + sy * a);
	r |= HPDF_Page_MoveTo(p, x + sx * b, y + sy * 4);
	r |= HPDF_Page_LineTo(p, x + sx * b, y + sy * b);
	r |= HPDF_Page_LineTo(p, x + sx * 4, y + sy * b);
	r |= HPDF_Page_Rectangle(p, x + (sx > 0 ? 0 : -c),
	    y + (sy > 0 ? 0 : -c), c, c);
	return r;
}

static int
render_draw_border(struct doc *d)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	float k;

	r |= render_set_stroke(d, RED_BORDER);
	r |= HPDF_Page_SetLineWidth(p, 3.6f);
	r |= HPDF_Page_Rectangle(p, FRAME_OUT, FRAME_OUT,
	    PAGE_W - 2 * FRAME_OUT, PAGE_H - 2 * FRAME_OUT);
	r |= HPDF_Page_Stroke(p);
	r |= HPDF_Page_SetLineWidth(p, 0.9f);
	r |= HPDF_Page_Rectangle(p, FRAME_MID, FRAME_MID,
	    PAGE_W - 2 * FRAME_MID, PAGE_H - 2 * FRAME_MID);
	r |= HPDF_Page_Stroke(p);
	/* gold inner line with corner knots */
	r |= render_set_stroke(d, GOLD);
	r |= render_set_fill(d, GOLD);
	r |= HPDF_Page_SetLineWidth(p, 1.2f);
	r |= HPDF_Page_Rectangle(p, FRAME_IN, FRAME_IN,
	    PAGE_W - 2 * FRAME_IN, PAGE_H - 2 * FRAME_IN);
	r |= HPDF_Page_Stroke(p);
	k = FRAME_IN + 5.0f;
	r |= HPDF_Page_SetLineWidth(p, 1.0f);
	r |= render_draw_knot(d, k, k, 1, 1);
	r |= render_draw_knot(d, PAGE_W - k, k, -1, 1);
	r |= render_draw_knot(d, k, PAGE_H - k, 1, -1);
	r |= render_draw_knot(d, PAGE_W - k, PAGE_H - k, -1, -1);
	r |= HPDF_Page_Stroke(p);
	return r != HPDF_OK || d->hs.no ? render_fail(d, "border") : 0;
}

/* Title, with a gold rule and diamond under it. */
static int
render_draw_title(struct doc *d)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	float cx = PAGE_W / 2, y = TITLE_Y - 24.0f;
	int rc;

	r |= render_set_fill(d, TITLE_RED);
	r |= render_set_stroke(d, TITLE_RED);
	r |= HPDF_Page_SetLineWidth(p, 0.7f);
	/* fill then stroke: a heavier stroke than the regular face has */
	r |= HPDF_Page_SetTextRenderingMode(p, HPDF_FILL_THEN_STROKE);
	if (r != HPDF_OK)
		return render_fail(d, "title");
	if ((rc = render_show_centred(d, cx, TITLE_Y, TITLE_SIZE, TITLE_CS,
	    TITLE)) != 0)
		return rc;
	r |= HPDF_Page_SetTextRenderingMode(p, HPDF_FILL);
	r |= render_set_stroke(d, GOLD);
	r |= render_set_fill(d, GOLD);
	r |= HPDF_Page_SetLineWidth(p, 1.0f);
	r |= HPDF_Page_MoveTo(p, cx - 150, y);
	r |= HPDF_Page_LineTo(p, cx - 9, y);
	r |= HPDF_Page_MoveTo(p, cx + 9, y);
	r |= HPDF_Page_LineTo(p, cx + 150, y);
	r |= HPDF_Page_Stroke(p);
	r |= HPDF_Page_MoveTo(p, cx - 6, y);
	r |= HPDF_Page_LineTo(p, cx, y + 4);
	r |= HPDF_Page_LineTo(p, cx + 6, y);
	r |= HPDF_Page_LineTo(p, cx, y - 4);
	r |= HPDF_Page_ClosePath(p);
	r |= HPDF_Page_Fill(p);
	return r != HPDF_OK || d->hs.no ? render_fail(d, "title") : 0;
}

/* The body sentence, first line indented two characters; returns the
 * baseline below its last line through *y. */
static int
render_draw_body(struct doc *d, const char *body, float *y)
{
	struct line ln[6];
	float size = BODY_SIZE, indent;
	size_t n, i;
	int rc;

	for (;;) {
		indent = 2 * size; /* two ideographs, one em each */
		n = render_wrap_text(d, body, size, TEXT_R - TEXT_L - indent,
		    TEXT_R - TEXT_L, ln, 6);
		if (n <= 4 || size <= VALUE_MIN)
			break;
		size -= 0.5f;
	}
	if (n > 6)
		return err_set(d->e, ERR_INVALID, "certificate text too long "
		    "to print");
	if (render_set_fill(d, INK) != HPDF_OK)
		return render_fail(d, "body");
	for (i = 0; i < n; i++) {
		if ((rc = render_show_at(d, TEXT_L + (i == 0 ? indent : 0),
		    *y - BODY_LEAD * (float)i, size, 0, body + ln[i].off,
		    ln[i].len)) != 0)
			return rc;
	}
	*y -= BODY_LEAD * (float)n;
	return 0;
}

/* The labelled table from baseline y0; rows above photo_bottom stop
 * short of the photo. Notes the organization and date baselines (for
 * the seal) and the last baseline. */
static int
render_draw_table(struct doc *d, const struct strings *st, float y0,
    float photo_bottom, float *org_y, float *date_y, float *end_y)
{
	HPDF_Page p = d->page;
	struct line ln[VALUE_LINES];
	HPDF_STATUS r;
	float y = y0, size, right;
	size_t n, i;
	int row, rc;

	for (row = 0; row < 9; row++) {
		/* rows beside the photo stop short of it */
		right = y > photo_bottom - 6 ? PHOTO_X - 14 : TEXT_R;
		for (size = VALUE_SIZE; ; size -= 0.5f) {
			n = render_wrap_text(d, st->val[row], size,
			    right - VALUE_X, right - VALUE_X, ln, VALUE_LINES);
			if (n <= 1 || (n <= VALUE_LINES && size <= 12.0f) ||
			    size <= VALUE_MIN)
				break;
		}
		if (n > VALUE_LINES)
			return err_set(d->e, ERR_INVALID, "%s is too long to "
			    "print on one certificate", labels[row]);
		if (render_set_fill(d, INK) != HPDF_OK)
			return render_fail(d, "table");
		if ((rc = render_show_justified(d, TEXT_L, y, LABEL_W,
		    LABEL_SIZE, labels[row])) != 0)
			return rc;
		if ((rc = render_show_at(d, TEXT_L + LABEL_W + 3, y, LABEL_SIZE,
		    0, "：", strlen("："))) != 0)
			return rc;
		if (row == ROW_ORG)
			*org_y = y;
		if (row == ROW_DATE)
			*date_y = y;
		for (i = 0; i < n; i++) {
			float ly = y - ROW_LEAD * (float)i;

			if ((rc = render_show_at(d, VALUE_X, ly, size, 0,
			    st->val[row] + ln[i].off, ln[i].len)) != 0)
				return rc;
			/* a rule under each line of the value, as on a form */
			r = render_set_stroke(d, RULE_GREY);
			r |= HPDF_Page_SetLineWidth(p, 0.5f);
			r |= HPDF_Page_MoveTo(p, VALUE_X - 4, ly - 5);
			r |= HPDF_Page_LineTo(p, right, ly - 5);
			r |= HPDF_Page_Stroke(p);
			if (r != HPDF_OK)
				return render_fail(d, "table");
		}
		y -= ROW_PITCH + ROW_LEAD * (float)(n - 1);
	}
	*end_y = y + ROW_PITCH;
	return 0;
}

/* ---- images --------------------------------------------------------- */

static int
render_load_image(struct doc *d, const uint8_t *p, size_t n, const char *what,
    HPDF_Image *img)
{
	uint8_t *pix;
	unsigned w = 0, h = 0;
	int rc;

	*img = NULL;
	if (n > IMAGE_BYTES_MAX)
		return err_set(d->e, ERR_INVALID, "%s: %zu bytes, more than "
		    "%u", what, n, IMAGE_BYTES_MAX);
	/* The issuer's decoders (image.h), so what was issued renders. A PNG
	 * is checked by the one decode that also gives its pixels (which is
	 * all image_check does for a PNG); anything else goes through
	 * image_check, which decodes a JPEG in full before it is embedded. */
	if (image_type_of(p, n) == IMAGE_PNG) {
		if ((rc = image_png_rgb(p, n, &pix, &w, &h, d->e)) != ERR_OK)
			return err_prefix(d->e, "%s: ", what);
		*img = HPDF_LoadRawImageFromMem(d->pdf, pix, w, h,
		    HPDF_CS_DEVICE_RGB, 8);
		free(pix);
	} else {
		if ((rc = image_check(p, n, NULL, d->e)) != ERR_OK)
			return err_prefix(d->e, "%s: ", what);
		/* embedded as is (DCTDecode): no re-compression */
		*img = HPDF_LoadJpegImageFromMem(d->pdf, p, (HPDF_UINT)n);
	}
	if (*img == NULL)
		return err_set(d->e, ERR_INVALID, "%s: libharu rejected the "
		    "image (0x%04lX)", what, (unsigned long)d->hs.no);
	return ERR_OK;
}

/* Draws img inside the box, aspect kept, centred. */
static HPDF_STATUS
render_fit_image(struct doc *d, HPDF_Image img, float x, float y, float w,
    float h)
{
	float iw = (float)HPDF_Image_GetWidth(img);
	float ih = (float)HPDF_Image_GetHeight(img);
	float s = fminf(w / iw, h / ih);

	return HPDF_Page_DrawImage(d->page, img, x + (w - iw * s) / 2,
	    y + (h - ih * s) / 2, iw * s, ih * s);
}

static int
render_draw_photo(struct doc *d, const struct render_input *in, float top)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	float y = top - PHOTO_H;
	HPDF_Image img;
	int rc;

	if (in->photo != NULL && in->photo_len > 0) {
		if ((rc = render_load_image(d, in->photo, in->photo_len,
		    "photo", &img)) != ERR_OK)
			return rc;
		r |= render_fit_image(d, img, PHOTO_X, y, PHOTO_W, PHOTO_H);
		r |= render_set_stroke(d, RULE_GREY);
		r |= HPDF_Page_SetLineWidth(p, 0.5f);
		r |= HPDF_Page_Rectangle(p, PHOTO_X, y, PHOTO_W, PHOTO_H);
		r |= HPDF_Page_Stroke(p);
		return r != HPDF_OK || d->hs.no ? render_fail(d, "photo") : 0;
	}
	/* placeholder: where the 1-inch photo is pasted on paper */
	{
		static const HPDF_UINT16 dash[] = { 3, 2 };

		r |= render_set_stroke(d, RULE_GREY);
		r |= HPDF_Page_SetLineWidth(p, 0.7f);
		r |= HPDF_Page_SetDash(p, dash, 2, 0);
		r |= HPDF_Page_Rectangle(p, PHOTO_X, y, PHOTO_W, PHOTO_H);
		r |= HPDF_Page_Stroke(p);
		r |= HPDF_Page_SetDash(p, NULL, 0, 0);
		r |= render_set_fill(d, RULE_GREY);
	}
	if (r != HPDF_OK || d->hs.no)
		return render_fail(d, "photo box");
	return render_show_centred(d, PHOTO_X + PHOTO_W / 2,
	    y + PHOTO_H / 2 - 5, 13.0f, 4.0f, PHOTO_HINT);
}

/* ---- QR ------------------------------------------------------------- */

static int
render_draw_qr(struct doc *d, const char *url, const char *query)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	struct qr q;
	struct line ln[3];
	float mod, tx, ty;
	int x, y, x0, rc;
	size_t n, i;

	if ((rc = qr_encode(url, &q, d->e)) != ERR_OK)
		return d->e ? err_prefix(d->e, "二维码网址: ") : rc;
	mod = QR_SIZE / (float)q.width;
	/* Drawn in module units (row 0 at the top) so each rectangle is a
	 * few small integers in the content stream: one per horizontal run
	 * of dark modules, one fill for all. */
	r |= HPDF_Page_GSave(p);
	r |= HPDF_Page_Concat(p, mod, 0, 0, -mod, QR_X, QR_Y + QR_SIZE);
	r |= render_set_fill(d, 0, 0, 0);
	for (y = 0; y < q.width; y++) {
		for (x = 0; x < q.width; ) {
			if (!q.modules[y * q.width + x]) {
				x++;
				continue;
			}
			for (x0 = x; x < q.width && q.modules[y * q.width + x];
			    x++)
				;
			r |= HPDF_Page_Rectangle(p, (float)x0, (float)y,
			    (float)(x - x0), 1);
		}
	}
	r |= HPDF_Page_Fill(p);
	r |= HPDF_Page_GRestore(p);
	qr_free(&q);
	if (r != HPDF_OK || d->hs.no)
		return render_fail(d, "QR");
	/* The same URL as a link over the symbol: a click opens it, and
	 * `skillcert verify` reads it from the file without decoding pixels. */
	{
		HPDF_Rect rect = { QR_X, QR_Y, QR_X + QR_SIZE, QR_Y + QR_SIZE };
		HPDF_Annotation a = HPDF_Page_CreateURILinkAnnot(p, rect, url);
		if (a == NULL || HPDF_LinkAnnot_SetBorderStyle(a, 0, 0, 0) != HPDF_OK)
			return render_fail(d, "QR link");
	}
	/* caption below the quiet zone (4 modules) */
	r |= render_set_fill(d, INK);
	if (r != HPDF_OK)
		return render_fail(d, "QR");
	if ((rc = render_show_centred(d, QR_X + QR_SIZE / 2,
	    QR_Y - 4 * mod - 12, 11.0f, 3.0f, QR_CAPTION)) != 0)
		return rc;
	/* query address to the right of the symbol */
	tx = QR_X + QR_SIZE + 6 * mod;
	ty = QR_Y + QR_SIZE / 2 + 4;
	if ((rc = render_show_at(d, tx, ty, 11.0f, 0, QUERY_LABEL,
	    strlen(QUERY_LABEL))) != 0)
		return rc;
	n = render_wrap_text(d, query, 10.5f, TEXT_R - tx, TEXT_R - tx, ln, 3);
	for (i = 0; i < n && i < 3; i++)
		if ((rc = render_show_at(d, tx, ty - 16 - 14 * (float)i, 10.5f,
		    0, query + ln[i].off, ln[i].len)) != 0)
			return rc;
	return 0;
}

/* ---- seal ----------------------------------------------------------- */

static HPDF_STATUS
render_draw_star(struct doc *d, float cx, float cy, float ro)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	float ri = ro * 0.382f, a, rr;
	int k;

	for (k = 0; k < 10; k++) {
		a = (float)M_PI / 2 + (float)k * (float)M_PI / 5;
		rr = k % 2 ? ri : ro;

		if (k == 0)
			r |= HPDF_Page_MoveTo(p, cx + rr * cosf(a),
			    cy + rr * sinf(a));
		else
			r |= HPDF_Page_LineTo(p, cx + rr * cosf(a),
			    cy + rr * sinf(a));
	}
	r |= HPDF_Page_ClosePath(p);
	r |= HPDF_Page_Fill(p);
	return r;
}

/* How the organization's name goes round its seal. */
struct seal_fit {
	float size;     /* type size */
	float hs;       /* horizontal scale: below 1, condensed */
	float gap;      /* between characters, along the arc */
	float rt;       /* baseline radius */
	float span;     /* angle the name covers */
};

/* Ring and star of the seal, printed with multiply blending so the text
 * under it stays legible; leaves that graphics state open and text set
 * up for the name. */
static int
render_begin_seal(struct doc *d, float cx, float cy)
{
	HPDF_Page p = d->page;
	HPDF_ExtGState gs;
	HPDF_STATUS r = 0;

	if ((gs = HPDF_CreateExtGState(d->pdf)) == NULL ||
	    HPDF_ExtGState_SetBlendMode(gs, HPDF_BM_MULTIPLY) != HPDF_OK ||
	    HPDF_ExtGState_SetAlphaFill(gs, 0.92f) != HPDF_OK ||
	    HPDF_ExtGState_SetAlphaStroke(gs, 0.92f) != HPDF_OK)
		return render_fail(d, "seal");
	r |= HPDF_Page_GSave(p);
	r |= HPDF_Page_SetExtGState(p, gs);
	r |= render_set_stroke(d, SEAL_RED);
	r |= render_set_fill(d, SEAL_RED);
	r |= HPDF_Page_SetLineWidth(p, 3.4f);
	r |= HPDF_Page_Circle(p, cx, cy, SEAL_R - 1.7f);
	r |= HPDF_Page_Stroke(p);
	r |= render_draw_star(d, cx, cy, SEAL_R * 0.30f);
	/* a hairline round each glyph: cut-seal strokes are heavy */
	r |= HPDF_Page_SetLineWidth(p, 0.4f);
	r |= HPDF_Page_SetTextRenderingMode(p, HPDF_FILL_THEN_STROKE);
	/* The seal is a picture: an empty /ActualText keeps its letters
	 * out of text extraction, where they would scatter the page's
	 * lines (the organization is in the table as text). */
	if (r != HPDF_OK || d->hs.no || render_begin_span(d, "", 0) != 0)
		return render_fail(d, "seal");
	return 0;
}

/* Fits the name (n bytes, k characters) into at most 260 degrees of arc:
 * smaller type down to 9 pt, then condensed characters (as cut seals of
 * long names are), then smaller still. Short names spread out to 150
 * degrees. */
static void
render_fit_seal(const struct doc *d, const char *org, size_t n, size_t k,
    struct seal_fit *f)
{
	float arc;

	f->size = 16.5f;
	f->hs = 1.0f;
	for (;;) {
		f->rt = SEAL_R - 6.0f - f->size * 0.86f; /* baseline radius */
		f->gap = f->size * 0.12f * f->hs;
		arc = render_measure_text(d, org, n, f->size, 0) * f->hs +
		    f->gap * (float)(k - 1);
		f->span = arc / f->rt;
		if (f->span <= SEAL_SPAN_MAX)
			break;
		if (f->size > 9.0f)
			f->size -= 0.5f;
		else if (f->hs > 0.5f)
			f->hs = fmaxf(0.5f, f->hs * SEAL_SPAN_MAX / f->span);
		else if (f->size > 6.0f)
			f->size -= 0.5f;
		else
			break;
	}
	if (k >= 4 && f->span < SEAL_SPAN_MIN) {
		f->gap += (SEAL_SPAN_MIN - f->span) * f->rt / (float)(k - 1);
		f->span = SEAL_SPAN_MIN;
	}
}

/* The name along the upper arc, centred on the top, one character at a
 * time rotated to face outwards. */
static int
render_draw_seal_name(struct doc *d, const char *org, size_t n, float cx,
    float cy, const struct seal_fit *f)
{
	float th = (float)M_PI / 2 + f->span / 2; /* where the name starts */
	float m[6], w, a;
	size_t i, at;
	uint32_t cp;
	char u8[5];
	int rc, len;

	for (i = 0; i < n; ) {
		at = i;
		cp = render_next_cp(org, n, &i);
		w = render_advance(d, cp, f->size) * f->hs;
		a = th - (w / 2) / f->rt; /* angle of this character's centre */
		/* baseline-left point: the centre on the arc, back half a
		 * width along the clockwise tangent; x axis of the character
		 * along that tangent, y axis pointing out of the circle */
		m[0] = f->hs * sinf(a);
		m[1] = -f->hs * cosf(a);
		m[2] = cosf(a);
		m[3] = sinf(a);
		m[4] = cx + f->rt * cosf(a) - (w / 2) * sinf(a);
		m[5] = cy + f->rt * sinf(a) + (w / 2) * cosf(a);
		len = (int)(i - at);
		memcpy(u8, org + at, (size_t)len);
		u8[len] = '\0';
		if ((rc = render_show_text(d, m, f->size, 0, u8,
		    (size_t)len)) != 0)
			return rc;
		th -= (w + f->gap) / f->rt;
	}
	return 0;
}

/* The organization's electronic seal: ring, render_draw_star, and its name. */
static int
render_draw_seal(struct doc *d, const char *org, float cx, float cy)
{
	size_t n = strlen(org), k = render_count_chars(org, n);
	struct seal_fit f;
	int rc;

	if ((rc = render_begin_seal(d, cx, cy)) != 0)
		return rc;
	render_fit_seal(d, org, n, k, &f);
	if ((rc = render_draw_seal_name(d, org, n, cx, cy, &f)) != 0)
		return rc;
	if (render_write_content(d, "EMC\n") != 0 ||
	    HPDF_Page_GRestore(d->page) != HPDF_OK)
		return render_fail(d, "seal");
	return 0;
}

/* ---- brand mark ----------------------------------------------------- */

static HPDF_STATUS
render_add_round_rect(struct doc *d, float x, float y, float w, float h,
    float r)
{
	HPDF_Page p = d->page;
	HPDF_STATUS s = 0;
	const float k = 0.5523f * r; /* Bezier quarter circle */

	s |= HPDF_Page_MoveTo(p, x + r, y);
	s |= HPDF_Page_LineTo(p, x + w - r, y);
	s |= HPDF_Page_CurveTo(p, x + w - r + k, y, x + w, y + r - k, x + w,
	    y + r);
	s |= HPDF_Page_LineTo(p, x + w, y + h - r);
	s |= HPDF_Page_CurveTo(p, x + w, y + h - r + k, x + w - r + k, y + h,
	    x + w - r, y + h);
	s |= HPDF_Page_LineTo(p, x + r, y + h);
	s |= HPDF_Page_CurveTo(p, x + r - k, y + h, x, y + h - r + k, x,
	    y + h - r);
	s |= HPDF_Page_LineTo(p, x, y + r);
	s |= HPDF_Page_CurveTo(p, x, y + r - k, x + r - k, y, x + r, y);
	s |= HPDF_Page_ClosePath(p);
	return s;
}

/* Regional brand mark (江西表嫂 …) in the top right corner: the given
 * artwork, or a red rounded badge with ribbon tails and the mark text. */
static int
render_draw_brand(struct doc *d, const char *brand, const char *art)
{
	HPDF_Page p = d->page;
	HPDF_STATUS r = 0;
	struct buf b = BUF_INIT;
	HPDF_Image img;
	float size = 13.0f, cs = 2.0f, tw, w, h = 26.0f, x, y, top, xr;
	int rc;

	top = PAGE_H - FRAME_IN - 16.0f;
	xr = PAGE_W - FRAME_IN - 16.0f;
	if (art != NULL && *art != '\0') {
		if (buf_read_file(&b, art, IMAGE_BYTES_MAX) != 0) {
			buf_free(&b);
			return err_set(d->e, ERR_NOTFOUND, "brand artwork %s: "
			    "cannot read it", art);
		}
		rc = render_load_image(d, b.data, b.len, "brand artwork", &img);
		buf_free(&b);
		if (rc != ERR_OK)
			return rc;
		if (render_fit_image(d, img, xr - 110, top - 44, 110, 44) !=
		    HPDF_OK)
			return render_fail(d, "brand artwork");
		return 0;
	}
	tw = render_measure_text(d, brand, strlen(brand), size, cs);
	while (tw > 150 && size > 8) {
		size -= 0.5f;
		tw = render_measure_text(d, brand, strlen(brand), size, cs);
	}
	w = tw + 28;
	x = xr - w;
	y = top - h;
	r |= render_set_fill(d, TITLE_RED);
	/* ribbon tails behind the badge */
	r |= HPDF_Page_MoveTo(p, x + 10, y + 4);
	r |= HPDF_Page_LineTo(p, x + 4, y - 10);
	r |= HPDF_Page_LineTo(p, x + 11, y - 6);
	r |= HPDF_Page_LineTo(p, x + 15, y - 12);
	r |= HPDF_Page_LineTo(p, x + 22, y + 4);
	r |= HPDF_Page_ClosePath(p);
	r |= HPDF_Page_MoveTo(p, x + w - 10, y + 4);
	r |= HPDF_Page_LineTo(p, x + w - 4, y - 10);
	r |= HPDF_Page_LineTo(p, x + w - 11, y - 6);
	r |= HPDF_Page_LineTo(p, x + w - 15, y - 12);
	r |= HPDF_Page_LineTo(p, x + w - 22, y + 4);
	r |= HPDF_Page_ClosePath(p);
	r |= HPDF_Page_Fill(p);
	r |= render_add_round_rect(d, x, y, w, h, 7);
	r |= HPDF_Page_Fill(p);
	r |= render_set_stroke(d, GOLD);
	r |= HPDF_Page_SetLineWidth(p, 0.9f);
	r |= render_add_round_rect(d, x + 2.5f, y + 2.5f, w - 5, h - 5, 5);
	r |= HPDF_Page_Stroke(p);
	r |= render_set_fill(d, 1, 1, 1);
	if (r != HPDF_OK || d->hs.no)
		return render_fail(d, "brand mark");
	return render_show_spaced(d, x + (w - tw) / 2,
	    y + (h - size * 0.72f) / 2, size, cs, brand, strlen(brand));
}

/* ---- document ------------------------------------------------------- */

static int
render_check_field(struct err *e, const char *label, const char *s,
    int required)
{
	if (s == NULL || *s == '\0')
		return required ? err_set(e, ERR_INVALID, "%s is empty",
		    label) : ERR_OK;
	if (strlen(s) > FIELD_MAX)
		return err_set(e, ERR_INVALID, "%s is longer than %d bytes",
		    label, FIELD_MAX);
	return ERR_OK;
}

static int
render_compose(const struct render_input *in, struct strings *st, struct err *e)
{
	const struct {
		const char *label, *s;
		int required;
	} f[] = {
		{ "证书编号", in->certno, 1 },
		{ "姓名", in->name, 1 },
		{ "证件类型", in->id_type, 1 },
		{ "证件号码", in->id_number, 1 },
		{ "职业名称", in->occupation, 1 },
		{ "工种/职业方向", in->trade, 0 },
		{ "职业技能等级", in->level, 1 },
		{ "评价机构名称", in->org_name, 1 },
		{ "发证日期", in->issued_cn, 1 },
		{ "查询网址", in->query_url, 1 },
		{ "二维码网址", in->qr_url, 1 },
		{ "标识", in->brand, 0 },
	};
	const char *trade = in->trade && *in->trade ? in->trade : NULL;
	size_t i;
	int rc, n;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if ((rc = render_check_field(e, f[i].label, f[i].s,
		    f[i].required)) != ERR_OK)
			return rc;
	st->val[ROW_NAME] = in->name;
	st->val[ROW_IDTYPE] = in->id_type;
	st->val[ROW_IDNO] = in->id_number;
	st->val[ROW_OCC] = in->occupation;
	st->val[ROW_TRADE] = trade ? trade : NONE_MARK;
	st->val[ROW_LEVEL] = in->level;
	st->val[ROW_CERTNO] = in->certno;
	st->val[ROW_ORG] = in->org_name;
	st->val[ROW_DATE] = in->issued_cn;
	st->brand = in->brand && *in->brand ? in->brand : NULL;
	st->query = in->query_url;
	/* The certifying sentence, made of the fields only, e.g.
	 * 经评价，该同志于2021年3月15日取得养老护理员
	 * 三级/高级工职业技能等级，特发此证。 */
	n = snprintf(st->body, sizeof(st->body),
	    "经评价，该同志于%s取得%s%s%s%s%s职业技能等级，特发此证。",
	    in->issued_cn, in->occupation, trade ? "（" : "",
	    trade ? trade : "", trade ? "）" : "", in->level);
	if (n < 0 || (size_t)n >= sizeof(st->body))
		return err_set(e, ERR_INVALID, "certificate text too long");
	return ERR_OK;
}

static int
render_collect_all(struct doc *d, const struct strings *st)
{
	int i, rc;

	/* input fields first, so a missing glyph names its field */
	for (i = 0; i < 9; i++)
		if ((rc = render_collect(d, labels[i], st->val[i])) != ERR_OK)
			return rc;
	if ((rc = render_collect(d, "查询网址", st->query)) != ERR_OK ||
	    (st->brand &&
	    (rc = render_collect(d, "标识", st->brand)) != ERR_OK))
		return rc;
	for (i = 0; i < 9; i++)
		if ((rc = render_collect(d, "label", labels[i])) != ERR_OK)
			return rc;
	if ((rc = render_collect(d, "label", TITLE)) != ERR_OK ||
	    (rc = render_collect(d, "label", st->body)) != ERR_OK ||
	    (rc = render_collect(d, "label", QR_CAPTION)) != ERR_OK ||
	    (rc = render_collect(d, "label", QUERY_LABEL)) != ERR_OK ||
	    (rc = render_collect(d, "label", "：")) != ERR_OK ||
	    (rc = render_collect(d, "label", PHOTO_HINT)) != ERR_OK)
		return rc;
	return ERR_OK;
}

static int
render_set_dates(struct doc *d, int32_t days)
{
	HPDF_Date dt;
	int y, m, dd;

	date_to_ymd(days, &y, &m, &dd);
	if (y < 1970 || y > 9999)
		return err_set(d->e, ERR_INVALID, "issued_on %ld is out of "
		    "range", (long)days);
	memset(&dt, 0, sizeof(dt));
	dt.year = y;
	dt.month = m;
	dt.day = dd;
	dt.ind = '+';   /* China Standard Time: the date on the page */
	dt.off_hour = 8;
	if (HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_CREATION_DATE, dt) !=
	    HPDF_OK ||
	    HPDF_SetInfoDateAttr(d->pdf, HPDF_INFO_MOD_DATE, dt) != HPDF_OK ||
	    HPDF_SetInfoAttr(d->pdf, HPDF_INFO_CREATOR, "skillcert") !=
	    HPDF_OK)
		return render_fail(d, "document info");
	return ERR_OK;
}

static int
render_save(struct doc *d, struct buf *out)
{
	HPDF_UINT32 size, got;

	if (HPDF_SaveToStream(d->pdf) != HPDF_OK)
		return render_fail(d, "save");
	size = HPDF_GetStreamSize(d->pdf);
	if (buf_reserve(out, size) != 0)
		return err_set(d->e, ERR_NOMEM, "PDF: out of memory");
	while (out->len < size) {
		HPDF_STATUS s;

		got = (HPDF_UINT32)(size - out->len);
		s = HPDF_ReadFromStream(d->pdf, out->data + out->len, &got);
		out->len += got;
		if (s == HPDF_STREAM_EOF)
			break;
		if (s != HPDF_OK || got == 0)
			return render_fail(d, "save");
	}
	if (out->len != size)
		return err_set(d->e, ERR_INTERNAL, "PDF: short stream");
	return ERR_OK;
}

static int
render_draw_page(struct doc *d, const struct render_input *in,
    const struct strings *st)
{
	float y, org_y = 0, date_y = 0, end_y = 0, top;
	int rc;

	if ((rc = render_draw_border(d)) != 0 ||
	    (rc = render_draw_title(d)) != 0)
		return rc;
	if (st->brand &&
	    (rc = render_draw_brand(d, st->brand, in->brand_art)) != 0)
		return rc;
	y = BODY_Y;
	if ((rc = render_draw_body(d, st->body, &y)) != 0)
		return rc;
	top = y - 6.0f;                 /* table's first baseline */
	if ((rc = render_draw_photo(d, in, top + 12.0f)) != 0 ||
	    (rc = render_draw_table(d, st, top, top + 12.0f - PHOTO_H, &org_y,
	    &date_y, &end_y)) != 0)
		return rc;
	if (end_y < QR_Y + QR_SIZE + 30)
		return err_set(d->e, ERR_INVALID, "certificate text too long "
		    "to fit one page");
	if ((rc = render_draw_qr(d, in->qr_url, st->query)) != 0)
		return rc;
	/* the seal sits over the organization and date, right of centre */
	return render_draw_seal(d, in->org_name, TEXT_R - SEAL_R - 16,
	    (org_y + date_y) / 2 + 6);
}

/* A new document with the settings every certificate PDF shares. */
static int
render_begin_doc(struct doc *d, int32_t issued_on)
{
	if ((d->pdf = HPDF_New(render_keep_error, &d->hs)) == NULL)
		return err_set(d->e, ERR_NOMEM, "PDF: out of memory");
	/* compression before fonts, or font streams stay uncompressed */
	if (HPDF_SetCompressionMode(d->pdf, HPDF_COMP_ALL) != HPDF_OK ||
	    HPDF_UseUTFEncodings(d->pdf) != HPDF_OK)
		return render_fail(d, "setup");
	return render_set_dates(d, issued_on);
}

static int
render_add_page(struct doc *d)
{
	if ((d->page = HPDF_AddPage(d->pdf)) == NULL ||
	    HPDF_Page_SetSize(d->page, HPDF_PAGE_SIZE_A4,
	    HPDF_PAGE_PORTRAIT) != HPDF_OK)
		return render_fail(d, "page");
	d->cur_font = NULL;
	return ERR_OK;
}

/* Composes every certificate and collects all their characters, so one
 * subset per font serves every page; with several, errors name the
 * certificate. */
static int
render_prepare_all(struct doc *d, const struct render_input *in, size_t n,
    struct strings *st)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if ((rc = render_compose(&in[i], &st[i], d->e)) != ERR_OK ||
		    (rc = render_collect_all(d, &st[i])) != ERR_OK) {
			if (n > 1)
				err_prefix(d->e, "certificate %s: ",
				    in[i].certno ? in[i].certno : "?");
			return rc;
		}
	}
	return render_assign_pua(d);
}

/* Page after page; the first page exists before the fonts are loaded,
 * as it always has (single certificates keep their bytes). */
static int
render_draw_pages(struct doc *d, const struct render_input *in, size_t n,
    const struct strings *st)
{
	size_t i;
	int rc;

	if ((rc = render_add_page(d)) != ERR_OK ||
	    (rc = render_load_fonts(d)) != ERR_OK)
		return rc;
	for (i = 0; i < n; i++) {
		if (i > 0 && (rc = render_add_page(d)) != ERR_OK)
			return rc;
		if ((rc = render_draw_page(d, &in[i], &st[i])) != ERR_OK) {
			if (n > 1)
				err_prefix(d->e, "certificate %s: ",
				    in[i].certno);
			return rc;
		}
	}
	return ERR_OK;
}

int
render_certs_pdf(const struct render_fonts *f, const struct render_input *in,
    size_t n, struct buf *out, struct err *e)
{
	struct strings *st;
	struct doc d;
	int rc;

	buf_reset(out);
	if (n == 0)
		return err_set(e, ERR_INVALID, "no certificates to render");
	if ((st = calloc(n, sizeof(*st))) == NULL)
		return err_set(e, ERR_NOMEM, "PDF: out of memory");
	memset(&d, 0, sizeof(d));
	d.chain = f->chain;
	d.e = e;
	if ((rc = render_prepare_all(&d, in, n, st)) == ERR_OK &&
	    (rc = render_begin_doc(&d, in[0].issued_on)) == ERR_OK &&
	    (rc = render_draw_pages(&d, in, n, st)) == ERR_OK)
		rc = render_save(&d, out);
	if (rc != ERR_OK)
		buf_reset(out); /* nothing half-written reaches the caller */
	if (d.pdf != NULL)
		HPDF_Free(d.pdf);
	free(d.ch);
	free(st);
	return rc;
}

int
render_cert_pdf(const struct render_fonts *f, const struct render_input *in,
    struct buf *out, struct err *e)
{
	return render_certs_pdf(f, in, 1, out, e);
}
