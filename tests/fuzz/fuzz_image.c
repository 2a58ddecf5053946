/* fuzz_image.c - the photo check on arbitrary bytes: libjpeg's errors
 * and warnings must come back as an error (no abort, no longjmp leak),
 * and an accepted PNG must decode again to the size reported. */
#include <stdint.h>
#include <stdlib.h>

#include "skillcert/image/image.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_info info;
	struct err e;
	uint8_t *pix;
	unsigned w, h;

	if (image_check(data, size, &info, &e) != 0)
		return 0;
	if (info.width == 0 || info.height == 0 ||
	    (uint64_t)info.width * info.height > IMAGE_PIXELS_MAX)
		abort();
	if (info.type == IMAGE_PNG) {
		if (image_png_rgb(data, size, &pix, &w, &h, &e) != 0 ||
		    w != info.width || h != info.height)
			abort();
		free(pix);
	}
	return 0;
}
