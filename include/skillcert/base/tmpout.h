/* tmpout.h - the bytes of a file a library can only write by name
 * (libxlsxwriter 1.0 has no memory output): written in a new private
 * folder (mkdtemp, 0700), read back into a buffer, then removed. */
#ifndef SKILLCERT_BASE_TMPOUT_H
#define SKILLCERT_BASE_TMPOUT_H

#include <stddef.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"

/* fn(path, arg) writes the file path (returns 0 or an err code, e set);
 * then out holds its bytes (at most max). */
int tmpout_bytes(int (*fn)(const char *path, void *arg, struct err *e),
    void *arg, const char *name, size_t max, struct buf *out, struct err *e);

#endif
