/* photo.h - the checks a roster's photo passes before it is stored. */
#ifndef SKILLCERT_PHOTO_H
#define SKILLCERT_PHOTO_H

#include <stddef.h>
#include "skillcert/base/err.h"

/* Photo bytes: JPEG or PNG that libjpeg-turbo or libpng decode in full
 * (image_check), not larger than max bytes; returns 1 JPEG, 2 PNG, or -1
 * with e set. Fills width/height if not NULL. */
int photo_check(const unsigned char *p, size_t n, size_t max, int *w, int *h,
    struct err *e);

#endif
