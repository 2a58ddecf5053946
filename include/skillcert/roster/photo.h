/* photo.h - the checks a roster's photo passes before it is stored. */
#ifndef SKILLCERT_PHOTO_H
#define SKILLCERT_PHOTO_H

#include <stddef.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"

/* Photo bytes: JPEG or PNG that libjpeg-turbo or libpng decode in full
 * (image_check), not larger than max bytes; returns 1 JPEG, 2 PNG, or -1
 * with e set. Fills width/height if not NULL. */
int photo_check(const unsigned char *p, size_t n, size_t max, int *w, int *h,
    struct err *e);

/* Reads the photo a roster names into out: rel must be a relative path
 * ('\\' read as '/') to a regular file inside dir, reached without ".."
 * and without following any symlink; at most max bytes. Every path it
 * refuses gets the same message, so nothing is learnt about files outside
 * dir. dir NULL: refused (a roster given as bytes has no folder). */
int photo_read(const char *dir, const char *rel, size_t max, struct buf *out,
    struct err *e);

#endif
