/* tmpout.c - a library's output file read back from a private temporary
 * folder (tmpout.h): nobody else can create, replace or read it there. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skillcert/base/tmpout.h"

int
tmpout_bytes(int (*fn)(const char *path, void *arg, struct err *e),
    void *arg, const char *name, size_t max, struct buf *out, struct err *e)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], path[PATH_MAX];
	int rc, r;

	if (tmp == NULL || tmp[0] != '/')
		tmp = "/tmp";
	if (snprintf(dir, sizeof(dir), "%s/skillcert-XXXXXX", tmp) >=
	    (int)sizeof(dir) || mkdtemp(dir) == NULL)
		return err_set(e, ERR_IO, "cannot make a temporary folder in "
		    "%s: %s", tmp, strerror(errno));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((rc = fn(path, arg, e)) == 0 && (r = buf_read_file(out, path,
	    max)) != 0)
		rc = err_set(e, r == -2 ? ERR_INVALID : ERR_IO, "%s: %s", name,
		    r == -2 ? "larger than allowed" : strerror(errno));
	unlink(path);
	rmdir(dir);
	return rc;
}
