/* image.h - photos as the issuer accepts them and the renderer draws
 * them, decided by the same decoders (libjpeg-turbo, libpng), so a
 * certificate that was issued always renders. */
#ifndef SKILLCERT_IMAGE_H
#define SKILLCERT_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

enum image_type { IMAGE_JPEG = 1, IMAGE_PNG = 2 };

#define IMAGE_PIXELS_MAX (2500u * 2500u)  /* decoded pixels */

struct image_info {
	int type;                      /* enum image_type */
	unsigned width, height;
};

/* Decodes the whole image (every scanline; a libjpeg warning such as a
 * truncated file counts as an error) and checks it is one libharu can
 * embed: JPEG baseline or progressive, Huffman-coded, 8-bit, 1/3/4
 * components; or any PNG libpng reads. Other formats (HEIC, GIF, WebP,
 * BMP) are named in the error. Returns 0 and fills info (if not NULL),
 * or ERR_INVALID with why. */
int image_check(const uint8_t *p, size_t n, struct image_info *info,
    struct err *e);
/* IMAGE_JPEG or IMAGE_PNG by the file's signature, 0 for anything else
 * (a sniff only: image_check decides). */
int image_type_of(const uint8_t *p, size_t n);
/* A PNG decoded to 8-bit RGB composited on white; *pix is the caller's
 * to free. */
int image_png_rgb(const uint8_t *p, size_t n, uint8_t **pix, unsigned *w,
    unsigned *h, struct err *e);

#endif
