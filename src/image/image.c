/* image.c - photo checks with libjpeg-turbo and libpng: the renderer
 * embeds JPEGs as they are (libharu reads only the frame header) and
 * decodes PNGs, so a photo is accepted only when the real decoders read
 * all of it, never on the strength of a hand-written header probe. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "skillcert/image/image.h"

/* libjpeg reports through callbacks: errors longjmp back here, and
 * warnings (a truncated file is only a warning) are made errors. */
struct jpeg_guard {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX];
};

static void
jpeg_on_error(j_common_ptr c)
{
	struct jpeg_guard *g = (struct jpeg_guard *)c->err;

	(*c->err->format_message)(c, g->msg);
	longjmp(g->jb, 1);
}

static void
jpeg_on_message(j_common_ptr c, int level)
{
	if (level < 0)   /* a warning: corrupt data libjpeg would paper over */
		jpeg_on_error(c);
}

/* The checks of the frame header that libharu's embedding relies on. */
static int
jpeg_frame_ok(const struct jpeg_decompress_struct *c, struct err *e)
{
	if (c->arith_code)
		return err_set(e, ERR_INVALID, "JPEG photo: arithmetic coding "
		    "is not supported; save it as a standard JPEG");
	if (c->data_precision != 8)
		return err_set(e, ERR_INVALID, "JPEG photo: %d-bit samples are "
		    "not supported; save it as an 8-bit JPEG", c->data_precision);
	if (c->num_components != 1 && c->num_components != 3 &&
	    c->num_components != 4)
		return err_set(e, ERR_INVALID, "JPEG photo: %d colour components "
		    "are not supported", c->num_components);
	if ((uint64_t)c->image_width * c->image_height > IMAGE_PIXELS_MAX)
		return err_set(e, ERR_INVALID, "JPEG photo of %ux%u pixels is "
		    "too large", c->image_width, c->image_height);
	return 0;
}

static int
jpeg_check_all(const uint8_t *p, size_t n, struct image_info *info,
    struct err *e)
{
	struct jpeg_decompress_struct c;
	struct jpeg_guard g;
	JSAMPARRAY row;
	volatile int rc = ERR_INVALID;

	memset(&c, 0, sizeof(c));
	c.err = jpeg_std_error(&g.mgr);
	g.mgr.error_exit = jpeg_on_error;
	g.mgr.emit_message = jpeg_on_message;
	g.msg[0] = '\0';
	if (setjmp(g.jb) != 0) {
		jpeg_destroy_decompress(&c);
		return err_set(e, ERR_INVALID, "JPEG photo is damaged or not "
		    "supported (%s)", g.msg);
	}
	jpeg_create_decompress(&c);
	jpeg_mem_src(&c, p, (unsigned long)n);
	jpeg_read_header(&c, TRUE);
	if ((rc = jpeg_frame_ok(&c, e)) != 0) {
		jpeg_destroy_decompress(&c);
		return rc;
	}
	c.out_color_space = JCS_GRAYSCALE;  /* cheapest full decode */
	if (c.jpeg_color_space == JCS_CMYK || c.jpeg_color_space == JCS_YCCK)
		c.out_color_space = JCS_CMYK;
	jpeg_start_decompress(&c);
	row = (*c.mem->alloc_sarray)((j_common_ptr)&c, JPOOL_IMAGE,
	    c.output_width * (JDIMENSION)c.output_components, 1);
	while (c.output_scanline < c.output_height)
		jpeg_read_scanlines(&c, row, 1);
	jpeg_finish_decompress(&c);
	if (info) {
		info->type = IMAGE_JPEG;
		info->width = c.image_width;
		info->height = c.image_height;
	}
	jpeg_destroy_decompress(&c);
	return 0;
}

int
image_png_rgb(const uint8_t *p, size_t n, uint8_t **pix, unsigned *w,
    unsigned *h, struct err *e)
{
	png_image im;
	png_color bg = { 255, 255, 255 };

	*pix = NULL;
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, p, n))
		return err_set(e, ERR_INVALID, "PNG photo is damaged (%s)",
		    im.message);
	if (im.width == 0 || im.height == 0 ||
	    (uint64_t)im.width * im.height > IMAGE_PIXELS_MAX) {
		png_image_free(&im);
		return err_set(e, ERR_INVALID, "PNG photo of %ux%u pixels is out "
		    "of range", im.width, im.height);
	}
	im.format = PNG_FORMAT_RGB;
	if ((*pix = malloc(PNG_IMAGE_SIZE(im))) == NULL) {
		png_image_free(&im);
		return err_set(e, ERR_NOMEM, "out of memory");
	}
	if (!png_image_finish_read(&im, &bg, *pix, 0, NULL)) {
		free(*pix);
		*pix = NULL;
		return err_set(e, ERR_INVALID, "PNG photo is damaged (%s)",
		    im.message);
	}
	*w = im.width;
	*h = im.height;
	return 0;
}

/* Formats people send that are not JPEG or PNG, named so they can act. */
static int
image_refuse(const uint8_t *p, size_t n, struct err *e)
{
	if (n >= 12 && memcmp(p + 4, "ftyp", 4) == 0 &&
	    (memcmp(p + 8, "heic", 4) == 0 || memcmp(p + 8, "heix", 4) == 0 ||
	    memcmp(p + 8, "mif1", 4) == 0))
		return err_set(e, ERR_INVALID, "photo is HEIC (a phone format); "
		    "export it as JPEG");
	if (n >= 6 && (memcmp(p, "GIF87a", 6) == 0 || memcmp(p, "GIF89a", 6) == 0))
		return err_set(e, ERR_INVALID, "photo is GIF; use JPEG or PNG");
	if (n >= 12 && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WEBP", 4) == 0)
		return err_set(e, ERR_INVALID, "photo is WebP; use JPEG or PNG");
	if (n >= 2 && p[0] == 'B' && p[1] == 'M')
		return err_set(e, ERR_INVALID, "photo is BMP; use JPEG or PNG");
	return err_set(e, ERR_INVALID, "photo is neither JPEG nor PNG");
}

int
image_type_of(const uint8_t *p, size_t n)
{
	static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1A, '\n' };

	if (p != NULL && n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return IMAGE_JPEG;
	if (p != NULL && n >= 8 && memcmp(p, png_sig, 8) == 0)
		return IMAGE_PNG;
	return 0;
}

int
image_check(const uint8_t *p, size_t n, struct image_info *info,
    struct err *e)
{
	uint8_t *pix;
	unsigned w, h;
	int rc, type = image_type_of(p, n);

	if (p == NULL || n == 0)
		return err_set(e, ERR_INVALID, "photo is empty");
	if (type == IMAGE_JPEG)
		return jpeg_check_all(p, n, info, e);
	if (type != IMAGE_PNG)
		return image_refuse(p, n, e);
	if ((rc = image_png_rgb(p, n, &pix, &w, &h, e)) != 0)
		return rc;
	free(pix);
	if (info) {
		info->type = IMAGE_PNG;
		info->width = w;
		info->height = h;
	}
	return 0;
}
