/* fontsub.c - lets libharu 2.3.0 embed big CJK fonts at all: per-document
 * HarfBuzz subsets, with a cmap libharu can read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <hb.h>
#include <hb-subset.h>

#include "skillcert/render/fontsub.h"

/* HarfBuzz does the subsetting (glyph closure, glyf/loca/hmtx rewrite);
 * this file then replaces the subset's cmap with a single (3,1) format-4
 * table of its own, because libharu reads nothing else, and writes the
 * sfnt container itself so the bytes do not depend on HarfBuzz's table
 * order. */

#define TAG(a, b, c, d) HB_TAG(a, b, c, d)

/* libharu builds a CIDToGIDMap by looking each of the 65,536 BMP code
 * points up with a linear walk over the cmap segments: a segment ending
 * at e costs about (65536 - e) steps per document. Merging it with the
 * next one costs the gap's glyphIdArray entries, which libharu reads two
 * bytes per fread, copies and deflates: measured, one entry costs about
 * as much as CMAP_ENTRY_STEPS steps of that walk. */
#define CMAP_ENTRY_STEPS 170
#define CMAP_ARRAY_MAX 30000 /* the format-4 length field is 16 bits */

struct fontsub_font {
	char *path;
	hb_face_t *face;
	hb_font_t *font; /* immutable: cmap lookups from any thread */
};

struct fontsub_chain {
	int n;
	struct fontsub_font f[FONTSUB_MAX];
};

/* Tables libharu ignores, or that would only grow the subset (layout
 * closure pulls in variant glyphs; bitmaps and vertical metrics are
 * unused by a PDF viewer drawing horizontal outlines). */
static const hb_tag_t drop_tags[] = {
	TAG('G','S','U','B'), TAG('G','P','O','S'), TAG('G','D','E','F'),
	TAG('B','A','S','E'), TAG('J','S','T','F'), TAG('M','A','T','H'),
	TAG('v','h','e','a'), TAG('v','m','t','x'), TAG('V','O','R','G'),
	TAG('E','B','D','T'), TAG('E','B','L','C'), TAG('E','B','S','C'),
	TAG('C','B','D','T'), TAG('C','B','L','C'), TAG('s','b','i','x'),
	TAG('b','d','a','t'), TAG('b','l','o','c'), TAG('D','S','I','G'),
	TAG('L','T','S','H'), TAG('h','d','m','x'), TAG('V','D','M','X'),
	TAG('P','C','L','T'), TAG('g','a','s','p'), TAG('k','e','r','n'),
	TAG('m','o','r','x'), TAG('m','o','r','t'), TAG('k','e','r','x'),
	TAG('f','e','a','t'), TAG('m','e','t','a'), TAG('S','T','A','T'),
	TAG('C','O','L','R'), TAG('C','P','A','L'), TAG('S','V','G',' '),
};

/* The tables libharu 2.3.0 reads and embeds, sorted by tag (the order
 * of an sfnt table directory). */
static const hb_tag_t keep_tags[] = {
	TAG('O','S','/','2'), TAG('c','m','a','p'), TAG('c','v','t',' '),
	TAG('f','p','g','m'), TAG('g','l','y','f'), TAG('h','e','a','d'),
	TAG('h','h','e','a'), TAG('h','m','t','x'), TAG('l','o','c','a'),
	TAG('m','a','x','p'), TAG('n','a','m','e'), TAG('p','o','s','t'),
	TAG('p','r','e','p'),
};

/* prep: PUSHB[0] 0, POP - does nothing. */
static const uint8_t prep_nop[] = { 0xB0, 0x00, 0x21 };

static int
fontsub_open_font(struct fontsub_font *f, const char *path, struct err *e)
{
	hb_blob_t *blob, *glyf;
	unsigned int glyf_len;

	if ((f->path = strdup(path)) == NULL)
		return err_set(e, ERR_NOMEM, "font path: out of memory");
	/* HarfBuzz maps the file read-only: shared pages, nothing copied. */
	if ((blob = hb_blob_create_from_file_or_fail(path)) == NULL)
		return err_set(e, ERR_NOTFOUND, "font %s: cannot open or map "
		    "it", path);
	f->face = hb_face_create(blob, 0);
	hb_blob_destroy(blob);
	if (f->face == NULL || hb_face_get_glyph_count(f->face) == 0)
		return err_set(e, ERR_INVALID, "font %s: not a TrueType or "
		    "OpenType font", path);
	glyf = hb_face_reference_table(f->face, TAG('g','l','y','f'));
	glyf_len = hb_blob_get_length(glyf);
	hb_blob_destroy(glyf);
	/* libharu 2.3.0 embeds glyf outlines only (CFF fails with 0x1060). */
	if (glyf_len == 0)
		return err_set(e, ERR_INVALID, "font %s: no TrueType (glyf) "
		    "outlines; CFF fonts cannot be embedded", path);
	hb_face_make_immutable(f->face);
	if ((f->font = hb_font_create(f->face)) == NULL ||
	    f->font == hb_font_get_empty())
		return err_set(e, ERR_NOMEM, "font %s: out of memory", path);
	hb_font_make_immutable(f->font);
	return ERR_OK;
}

/* ---- chain ---------------------------------------------------------- */

int
fontsub_open(struct fontsub_chain **cp, const char *paths, struct err *e)
{
	struct fontsub_chain *c;
	const char *p, *end;
	char path[4096];
	size_t len;
	int rc;

	*cp = NULL;
	if (paths == NULL || *paths == '\0')
		return err_set(e, ERR_USAGE, "font chain is empty");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return err_set(e, ERR_NOMEM, "font chain: out of memory");
	for (p = paths; *p != '\0'; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (end == NULL)
			end = p + strlen(p);
		if ((len = (size_t)(end - p)) == 0)
			continue;
		if (len >= sizeof(path)) {
			rc = err_set(e, ERR_USAGE, "font path too long");
			goto fail;
		}
		if (c->n == FONTSUB_MAX) {
			rc = err_set(e, ERR_USAGE, "more than %d fonts in the "
			    "chain", FONTSUB_MAX);
			goto fail;
		}
		memcpy(path, p, len);
		path[len] = '\0';
		if ((rc = fontsub_open_font(&c->f[c->n++], path, e)) != ERR_OK)
			goto fail;
	}
	if (c->n == 0) {
		rc = err_set(e, ERR_USAGE, "font chain is empty");
		goto fail;
	}
	*cp = c;
	return ERR_OK;
fail:
	fontsub_close(c);
	return rc;
}

void
fontsub_close(struct fontsub_chain *c)
{
	int i;

	if (c == NULL)
		return;
	for (i = 0; i < FONTSUB_MAX; i++) {
		if (c->f[i].font != NULL)
			hb_font_destroy(c->f[i].font);
		if (c->f[i].face != NULL)
			hb_face_destroy(c->f[i].face);
		free(c->f[i].path);
	}
	free(c);
}

int
fontsub_count(const struct fontsub_chain *c)
{
	return c->n;
}

const char *
fontsub_path(const struct fontsub_chain *c, int i)
{
	return i >= 0 && i < c->n ? c->f[i].path : NULL;
}

int
fontsub_find(const struct fontsub_chain *c, uint32_t cp)
{
	hb_codepoint_t g;
	int i;

	for (i = 0; i < c->n; i++)
		if (hb_font_get_nominal_glyph(c->f[i].font, cp, &g) && g != 0)
			return i;
	return -1;
}

/* ---- cmap ---------------------------------------------------------- */

struct cmap_ent {
	uint16_t u;
	uint16_t gid;
};

static int
fontsub_compare_ent(const void *a, const void *b)
{
	const struct cmap_ent *x = a, *y = b;

	return (x->u > y->u) - (x->u < y->u);
}

/* Last entry of the segment that starts at entry i. */
static size_t
fontsub_segment_end(const uint8_t *brk, size_t n, size_t i)
{
	while (i + 1 < n && !brk[i])
		i++;
	return i;
}

/* Marks in brk the entries that end a segment: neighbours share one (the
 * gap filled with glyph 0) when that is cheaper for libharu than a
 * segment boundary. Returns the glyphIdArray length; *nseg is the number
 * of segments, not counting the final 0xFFFF one. */
static size_t
fontsub_plan_cmap(const struct cmap_ent *ents, size_t n, uint8_t *brk,
    size_t *nseg)
{
	size_t i, j, arr = 0;

	*nseg = 1;
	for (i = 0; i + 1 < n; i++) {
		uint32_t gap = (uint32_t)(ents[i + 1].u - ents[i].u - 1);

		if ((uint64_t)gap * CMAP_ENTRY_STEPS >
		    (uint64_t)(65536 - ents[i].u)) {
			brk[i] = 1;
			(*nseg)++;
		}
	}
	for (i = 0; i < n; i = j + 1) {
		j = fontsub_segment_end(brk, n, i);
		arr += (size_t)ents[j].u - ents[i].u + 1;
	}
	if (arr > CMAP_ARRAY_MAX) { /* cannot happen with n < 64K; be safe */
		memset(brk, 1, n);
		*nseg = n;
		arr = n;
	}
	return arr;
}

/* The cmap header and the format-4 subtable's own header. */
static void
fontsub_write_cmap_head(struct buf *out, size_t nseg, size_t arr)
{
	uint16_t search, sel;

	for (search = 1, sel = 0; (size_t)search * 2 <= nseg; search *= 2)
		sel++;
	search *= 2;
	buf_reset(out);
	buf_append_u16(out, 0);          /* version */
	buf_append_u16(out, 1);          /* one encoding record */
	buf_append_u16(out, 3);          /* Windows */
	buf_append_u16(out, 1);          /* Unicode BMP */
	buf_append_u32(out, 12);
	buf_append_u16(out, 4);
	buf_append_u16(out, (uint16_t)(16 + 8 * nseg + 2 * arr));
	buf_append_u16(out, 0);          /* language */
	buf_append_u16(out, (uint16_t)(2 * nseg));
	buf_append_u16(out, search);
	buf_append_u16(out, sel);
	buf_append_u16(out, (uint16_t)(2 * nseg - search));
}

/* The segment arrays, each closed by the 0xFFFF segment, then the
 * glyphIdArray every segment reaches through its idRangeOffset. */
static void
fontsub_write_cmap_segments(struct buf *out, const struct cmap_ent *ents,
    size_t n, const uint8_t *brk, size_t nseg)
{
	size_t i, j = 0, k, arr, m;
	uint32_t u;

	for (i = 0; i < n; i = j + 1) {  /* endCode */
		j = fontsub_segment_end(brk, n, i);
		buf_append_u16(out, ents[j].u);
	}
	buf_append_u16(out, 0xFFFF);
	buf_append_u16(out, 0);          /* reservedPad */
	for (i = 0; i < n; i = j + 1) {  /* startCode */
		j = fontsub_segment_end(brk, n, i);
		buf_append_u16(out, ents[i].u);
	}
	buf_append_u16(out, 0xFFFF);
	for (k = 0; k + 1 < nseg; k++)   /* idDelta */
		buf_append_u16(out, 0);
	buf_append_u16(out, 1);
	/* idRangeOffset: bytes from this word to the segment's first entry */
	for (i = 0, k = 0, arr = 0; i < n; i = j + 1, k++) {
		j = fontsub_segment_end(brk, n, i);
		buf_append_u16(out, (uint16_t)(2 * (nseg - k) + 2 * arr));
		arr += (size_t)ents[j].u - ents[i].u + 1;
	}
	buf_append_u16(out, 0);
	for (i = 0; i < n; i = j + 1) {  /* glyphIdArray */
		j = fontsub_segment_end(brk, n, i);
		for (u = ents[i].u, m = i; u <= ents[j].u; u++) {
			if (ents[m].u == u)
				buf_append_u16(out, ents[m++].gid);
			else
				buf_append_u16(out, 0);
		}
	}
}

/* Builds a (3,1) format-4 cmap for ents (sorted, distinct). */
static int
fontsub_build_cmap(const struct cmap_ent *ents, size_t n, struct buf *out)
{
	uint8_t *brk;
	size_t nseg, arr;
	int rc = -1;

	if (n == 0 || (brk = calloc(n, 1)) == NULL)
		return -1;
	arr = fontsub_plan_cmap(ents, n, brk, &nseg);
	nseg++; /* the mandatory 0xFFFF segment */
	if (ents[n - 1].u != 0xFFFF && 16 + 8 * nseg + 2 * arr <= 0xFFFF) {
		fontsub_write_cmap_head(out, nseg, arr);
		fontsub_write_cmap_segments(out, ents, n, brk, nseg);
		rc = out->oom ? -1 : 0;
	}
	free(brk);
	return rc;
}

/* ---- sfnt writer ---------------------------------------------------- */

struct table {
	hb_tag_t tag;
	const uint8_t *p;
	unsigned int len;
	hb_blob_t *blob;
};

static int
fontsub_compare_table(const void *a, const void *b)
{
	const struct table *x = a, *y = b;

	return (x->tag > y->tag) - (x->tag < y->tag);
}

static uint32_t
fontsub_sum_table(const uint8_t *p, size_t len)
{
	uint32_t s = 0, w;
	size_t i;

	for (i = 0; i < len; i += 4) {
		w = (uint32_t)p[i] << 24;
		if (i + 1 < len) w |= (uint32_t)p[i + 1] << 16;
		if (i + 2 < len) w |= (uint32_t)p[i + 2] << 8;
		if (i + 3 < len) w |= p[i + 3];
		s += w;
	}
	return s;
}

/* Writes tables (sorted by tag) as a TrueType file with correct table
 * checksums and head.checkSumAdjustment. */
static int
fontsub_write_sfnt(struct table *t, size_t n, struct buf *out)
{
	size_t i, off, head_off = 0, pad;
	uint16_t search, sel;
	uint32_t sum;
	static const uint8_t zero[4];

	for (search = 1, sel = 0; (size_t)search * 2 <= n; search *= 2)
		sel++;
	buf_reset(out);
	buf_append_u32(out, 0x00010000);
	buf_append_u16(out, (uint16_t)n);
	buf_append_u16(out, (uint16_t)(search * 16));
	buf_append_u16(out, sel);
	buf_append_u16(out, (uint16_t)(n * 16 - search * 16));
	off = 12 + 16 * n;
	for (i = 0; i < n; i++) {
		int is_head = t[i].tag == TAG('h','e','a','d');

		buf_append_u32(out, t[i].tag);
		/* head's checksum is taken with checkSumAdjustment zero */
		sum = fontsub_sum_table(t[i].p, t[i].len);
		if (is_head && t[i].len >= 12)
			sum -= ((uint32_t)t[i].p[8] << 24 | (uint32_t)t[i].p[9]
			    << 16 | (uint32_t)t[i].p[10] << 8 | t[i].p[11]);
		buf_append_u32(out, sum);
		buf_append_u32(out, (uint32_t)off);
		buf_append_u32(out, t[i].len);
		if (is_head)
			head_off = off;
		off += (t[i].len + 3) & ~3u;
	}
	for (i = 0; i < n; i++) {
		buf_append(out, t[i].p, t[i].len);
		pad = ((t[i].len + 3) & ~3u) - t[i].len;
		buf_append(out, zero, pad);
	}
	if (out->oom)
		return -1;
	if (head_off != 0) {
		uint8_t *adj = out->data + head_off + 8;

		memset(adj, 0, 4);
		sum = 0xB1B0AFBA - fontsub_sum_table(out->data, out->len);
		adj[0] = sum >> 24;
		adj[1] = sum >> 16;
		adj[2] = sum >> 8;
		adj[3] = sum;
	}
	return 0;
}

/* One subset in the making: HarfBuzz's input, plan and face, and the
 * cmap that replaces HarfBuzz's. */
struct subset {
	hb_subset_input_t *in;
	hb_subset_plan_t *plan;
	hb_face_t *face;
	struct cmap_ent *ents;
	struct buf cmap;
};

static void
fontsub_free_subset(struct subset *s)
{
	buf_free(&s->cmap);
	free(s->ents);
	if (s->face != NULL)
		hb_face_destroy(s->face);
	if (s->plan != NULL)
		hb_subset_plan_destroy(s->plan);
	if (s->in != NULL)
		hb_subset_input_destroy(s->in);
}

/* Has HarfBuzz subset font f to the characters. */
static int
fontsub_run_harfbuzz(struct subset *s, const struct fontsub_font *f,
    const struct fontsub_char *chars, size_t n, struct err *e)
{
	hb_set_t *set;
	size_t k;

	if ((s->in = hb_subset_input_create_or_fail()) == NULL)
		return err_set(e, ERR_NOMEM, "font subset: out of memory");
	set = hb_subset_input_unicode_set(s->in);
	for (k = 0; k < n; k++)
		hb_set_add(set, chars[k].cp);
	set = hb_subset_input_set(s->in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (k = 0; k < sizeof(drop_tags) / sizeof(drop_tags[0]); k++)
		hb_set_add(set, drop_tags[k]);
	/* Hinting is useless in a PDF viewer that scales outlines anyway. */
	hb_subset_input_set_flags(s->in, HB_SUBSET_FLAGS_NO_HINTING);
	if ((s->plan = hb_subset_plan_create_or_fail(f->face, s->in)) == NULL ||
	    (s->face = hb_subset_plan_execute_or_fail(s->plan)) == NULL)
		return err_set(e, ERR_INTERNAL, "font %s: HarfBuzz could not "
		    "subset it", f->path);
	return ERR_OK;
}

/* Our cmap for the subset: each character's `as` to its new glyph. */
static int
fontsub_map_chars(struct subset *s, const struct fontsub_font *f,
    const struct fontsub_char *chars, size_t n, struct err *e)
{
	const hb_map_t *u2o, *o2n;
	size_t k;

	u2o = hb_subset_plan_unicode_to_old_glyph_mapping(s->plan);
	o2n = hb_subset_plan_old_to_new_glyph_mapping(s->plan);
	if ((s->ents = calloc(n, sizeof(*s->ents))) == NULL)
		return err_set(e, ERR_NOMEM, "font subset: out of memory");
	for (k = 0; k < n; k++) {
		hb_codepoint_t og = hb_map_get(u2o, chars[k].cp), ng;

		ng = og == HB_MAP_VALUE_INVALID ? og : hb_map_get(o2n, og);
		if (ng == HB_MAP_VALUE_INVALID || ng > 0xFFFF ||
		    chars[k].as > 0xFFFE)
			return err_set(e, ERR_INTERNAL, "font %s: U+%04X "
			    "missing from its subset", f->path, chars[k].cp);
		s->ents[k].u = (uint16_t)chars[k].as;
		s->ents[k].gid = (uint16_t)ng;
	}
	qsort(s->ents, n, sizeof(*s->ents), fontsub_compare_ent);
	for (k = 1; k < n; k++)
		if (s->ents[k].u == s->ents[k - 1].u)
			return err_set(e, ERR_INTERNAL, "font subset: U+%04X "
			    "mapped twice", s->ents[k].u);
	if (fontsub_build_cmap(s->ents, n, &s->cmap) != 0)
		return err_set(e, ERR_NOMEM, "font subset: cmap too large");
	return ERR_OK;
}

/* Fills t with the tables libharu reads (a subset face from HarfBuzz 6 is
 * a builder face that cannot list its tags), our cmap in place of
 * HarfBuzz's; returns how many. The caller destroys their blobs. */
static unsigned int
fontsub_gather_tables(const struct subset *s, struct table *t)
{
	unsigned int i, nt = 0;

	for (i = 0; i < sizeof(keep_tags) / sizeof(keep_tags[0]); i++) {
		if (keep_tags[i] == TAG('c','m','a','p')) {
			t[nt].tag = keep_tags[i];
			t[nt].blob = NULL;
			t[nt].p = s->cmap.data;
			t[nt].len = (unsigned int)s->cmap.len;
			nt++;
			continue;
		}
		t[nt].tag = keep_tags[i];
		t[nt].blob = hb_face_reference_table(s->face, keep_tags[i]);
		t[nt].p = (const uint8_t *)hb_blob_get_data(t[nt].blob,
		    &t[nt].len);
		if (t[nt].len == 0 && keep_tags[i] == TAG('p','r','e','p')) {
			/* libharu 2.3.0 writes a missing table as an empty one,
			 * and prep comes last: seeking its memory stream to an
			 * offset equal to its size fails (0x1033) whenever that
			 * size is a multiple of 4096. A no-op program avoids
			 * the empty table. */
			hb_blob_destroy(t[nt].blob);
			t[nt].blob = NULL;
			t[nt].p = prep_nop;
			t[nt].len = sizeof(prep_nop);
		}
		if (t[nt].len == 0) {
			hb_blob_destroy(t[nt].blob);
			continue; /* optional: cvt, fpgm, post */
		}
		nt++;
	}
	return nt;
}

int
fontsub_make(const struct fontsub_chain *c, int fi,
    const struct fontsub_char *chars, size_t n, struct buf *out,
    struct err *e)
{
	struct subset s = { NULL, NULL, NULL, NULL, BUF_INIT };
	struct table t[sizeof(keep_tags) / sizeof(keep_tags[0])];
	unsigned int i, nt;
	int rc;

	buf_reset(out);
	if (fi < 0 || fi >= c->n || n == 0)
		return err_set(e, ERR_INTERNAL, "fontsub_make: bad arguments");
	if ((rc = fontsub_run_harfbuzz(&s, &c->f[fi], chars, n, e)) != ERR_OK ||
	    (rc = fontsub_map_chars(&s, &c->f[fi], chars, n, e)) != ERR_OK)
		goto done;
	nt = fontsub_gather_tables(&s, t);
	qsort(t, nt, sizeof(t[0]), fontsub_compare_table);
	if (fontsub_write_sfnt(t, nt, out) != 0)
		rc = err_set(e, ERR_NOMEM, "font subset: out of memory");
	for (i = 0; i < nt; i++)
		if (t[i].blob != NULL)
			hb_blob_destroy(t[i].blob);
done:
	if (rc != ERR_OK)
		buf_reset(out);
	fontsub_free_subset(&s);
	return rc;
}

int
fontsub_memfd(const struct buf *ttf, int *fdp, char *path, size_t cap,
    struct err *e)
{
	size_t off = 0;
	ssize_t w;
	int fd;

	*fdp = -1;
	if ((fd = memfd_create("skillcert-font", MFD_CLOEXEC |
	    MFD_ALLOW_SEALING)) < 0)
		return err_set(e, ERR_IO, "memfd_create: %s", strerror(errno));
	while (off < ttf->len) {
		w = write(fd, ttf->data + off, ttf->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int saved = errno;

			close(fd);
			return err_set(e, ERR_IO, "memfd write: %s",
			    strerror(saved));
		}
		off += (size_t)w;
	}
	/* Sealed: the font cannot change under the document reading it. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
	    F_SEAL_WRITE | F_SEAL_SEAL) != 0 ||
	    (size_t)snprintf(path, cap, "/proc/self/fd/%d", fd) >= cap) {
		int saved = errno;

		close(fd);
		return err_set(e, ERR_IO, "memfd seal: %s", strerror(saved));
	}
	*fdp = fd;
	return ERR_OK;
}
