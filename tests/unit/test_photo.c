/* test_photo.c - a roster's photo is accepted only when libjpeg-turbo or
 * libpng reads all of it (the decoders the renderer relies on): real
 * images made here with those libraries, then damaged in the ways a hand
 * probe of the headers used to let through. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "skillcert/roster/photo.h"
#include "test.h"

/* A w x h RGB gradient as JPEG; progressive and arithmetic as asked. */
static unsigned char *
make_jpeg(int w, int h, int progressive, int arith, unsigned long *n)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr err;
	unsigned char *out = NULL, *row = malloc((size_t)w * 3);

	c.err = jpeg_std_error(&err);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, n);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	jpeg_set_quality(&c, 85, TRUE);
	if (progressive)
		jpeg_simple_progression(&c);
	c.arith_code = arith ? TRUE : FALSE;
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		for (int x = 0; x < w; x++) {
			row[3 * x] = (unsigned char)(x * 255 / w);
			row[3 * x + 1] = (unsigned char)(c.next_scanline * 255 / h);
			row[3 * x + 2] = (unsigned char)((x ^ c.next_scanline) & 0xff);
		}
		JSAMPROW r = row;
		jpeg_write_scanlines(&c, &r, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	return out;
}

static unsigned char *
make_png(int w, int h, size_t *n)
{
	png_image im;
	unsigned char *pix = calloc((size_t)w * h, 3), *out;

	for (int i = 0; i < w * h * 3; i++)
		pix[i] = (unsigned char)(i * 7);
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	im.width = (png_uint_32)w;
	im.height = (png_uint_32)h;
	im.format = PNG_FORMAT_RGB;
	*n = 0;
	png_image_write_to_memory(&im, NULL, n, 0, pix, 0, NULL);
	out = malloc(*n);
	png_image_write_to_memory(&im, out, n, 0, pix, 0, NULL);
	free(pix);
	return out;
}

static void
test_jpeg(void)
{
	unsigned long n;
	unsigned char *j;
	struct err e;
	int w = 0, h = 0;

	j = make_jpeg(295, 413, 0, 0, &n);
	CHECK_EQ_INT(photo_check(j, n, 1 << 20, &w, &h, &e), 1);
	CHECK_EQ_INT(w, 295);
	CHECK_EQ_INT(h, 413);
	CHECK_EQ_INT(photo_check(j, n, n, NULL, NULL, &e), 1);
	CHECK_EQ_INT(photo_check(j, n, n - 1, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "limit") != NULL);
	/* Cut short: the frame header is there, the picture is not. */
	CHECK_EQ_INT(photo_check(j, n * 2 / 3, 1 << 20, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "damaged") != NULL);
	/* No end-of-image marker. */
	CHECK_EQ_INT(photo_check(j, n - 2, 1 << 20, &w, &h, &e), -1);
	/* Entropy-coded data damaged in the middle. */
	for (unsigned long i = n / 2; i < n / 2 + 40; i++)
		j[i] = 0xFF;
	CHECK_EQ_INT(photo_check(j, n, 1 << 20, &w, &h, &e), -1);
	free(j);
	CHECK_EQ_INT(photo_check((const unsigned char *)"", 0, 1 << 20, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "empty") != NULL);

	j = make_jpeg(64, 48, 1, 0, &n);
	CHECK_EQ_INT(photo_check(j, n, 1 << 20, &w, &h, &e), 1);  /* progressive */
	free(j);
	/* Arithmetic coding: libharu cannot embed it, so neither may issue. */
	j = make_jpeg(64, 48, 0, 1, &n);
	CHECK_EQ_INT(photo_check(j, n, 1 << 20, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "arithmetic") != NULL);
	free(j);
}

static void
test_png(void)
{
	size_t n;
	unsigned char *p;
	struct err e;
	int w = 0, h = 0;

	p = make_png(358, 441, &n);
	CHECK_EQ_INT(photo_check(p, n, 1 << 20, &w, &h, &e), 2);
	CHECK_EQ_INT(w, 358);
	CHECK_EQ_INT(h, 441);
	/* Only the signature and IHDR: a header probe took it for a photo. */
	CHECK_EQ_INT(photo_check(p, 33, 1 << 20, &w, &h, &e), -1);
	/* Image data damaged (its CRC and zlib stream no longer agree). */
	p[n / 2] ^= 0x55;
	p[n / 2 + 1] ^= 0x55;
	CHECK_EQ_INT(photo_check(p, n, 1 << 20, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "PNG photo is damaged") != NULL);
	free(p);
}

static void
test_other_formats(void)
{
	struct err e;
	int w, h;

	CHECK_EQ_INT(photo_check((const unsigned char *)"GIF89a\x01\x00", 8,
	    100, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "GIF") != NULL);
	CHECK_EQ_INT(photo_check((const unsigned char *)
	    "\0\0\0\x18" "ftypheic\0\0\0\0", 16, 100, &w, &h, &e), -1);
	CHECK(strstr(e.msg, "HEIC") != NULL);
	CHECK_EQ_INT(photo_check((const unsigned char *)"hello", 5, 100, &w, &h,
	    &e), -1);
	CHECK(strstr(e.msg, "neither JPEG nor PNG") != NULL);
}

int
main(void)
{
	test_jpeg();
	test_png();
	test_other_formats();
	TEST_END();
}
