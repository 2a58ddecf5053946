/* fontsub.h - a chain of TrueType fonts mapped once, and per-document
 * HarfBuzz subsets of them shaped for libharu 2.3.0.
 *
 * libharu 2.3.0 spends 36-200 ms and 100-510 KB on a whole CJK font per
 * PDF, loses composite glyphs with component ids above 32767, and reads
 * only a (3,1) format-4 cmap, so characters above U+FFFF never reach it.
 * A subset holding just one certificate's characters, with a cmap built
 * here (BMP characters as themselves, others re-addressed through Private
 * Use Area code points), avoids all three. */
#ifndef SKILLCERT_FONTSUB_H
#define SKILLCERT_FONTSUB_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"

#define FONTSUB_MAX 8 /* fonts in a chain */

struct fontsub_chain; /* immutable once open: share it between threads */

/* Opens fonts: paths separated by ':', each a TrueType (glyf) .ttf or
 * the first face of a .ttc. Fails naming the file that cannot be used. */
int fontsub_open(struct fontsub_chain **c, const char *paths, struct err *e);
void fontsub_close(struct fontsub_chain *c);
int fontsub_count(const struct fontsub_chain *c);
const char *fontsub_path(const struct fontsub_chain *c, int i);

/* Index of the first font with a glyph for cp, -1 if none has one. */
int fontsub_find(const struct fontsub_chain *c, uint32_t cp);

/* One character of a subset: the glyph of cp, reached in the subset's
 * cmap through the BMP code point `as` (cp itself, or a PUA stand-in). */
struct fontsub_char {
	uint32_t cp;
	uint32_t as;
};

/* Subsets font i to chars[0..n) (distinct `as`, each cp present in font
 * i) and writes a complete TrueType file into out (cleared first). */
int fontsub_make(const struct fontsub_chain *c, int i,
    const struct fontsub_char *chars, size_t n, struct buf *out,
    struct err *e);

/* Puts font bytes into a sealed memfd so libharu 2.3.0, which loads
 * fonts only from a path, can open "/proc/self/fd/N" (written to path).
 * The caller closes *fd once the font is loaded. */
int fontsub_memfd(const struct buf *ttf, int *fd, char *path, size_t cap,
    struct err *e);

#endif
