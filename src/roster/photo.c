/* photo.c - the rule a roster's photo meets before it is stored: not over
 * the size limit, and read in full by the decoders the renderer uses. */
#include "skillcert/image/image.h"
#include "skillcert/roster/photo.h"

int
photo_check(const unsigned char *p, size_t n, size_t max, int *w, int *h,
    struct err *e)
{
	struct image_info info;

	if (p == NULL || n == 0)
		return err_set(e, ERR_INVALID, "photo is empty"), -1;
	if (n > max)
		return err_set(e, ERR_INVALID, "photo is %zu bytes; the limit "
		    "is %zu", n, max), -1;
	if (image_check(p, n, &info, e) != 0)
		return -1;
	if (w)
		*w = (int)info.width;
	if (h)
		*h = (int)info.height;
	return info.type;
}
