/* targetstore.c - the plan's targets in the meta database (targetstore.h). */
#include <errno.h>
#include <string.h>

#include "skillcert/base/buf.h"
#include "skillcert/store/targetstore.h"
#include "meta.h"

#define TARGETS_KEY "targets"

int
registry_load_targets(struct registry *r, MDB_txn *txn, const char *path,
    size_t *rows, struct err *e)
{
	struct buf b = BUF_INIT;
	struct targets t;
	int rc;

	if ((rc = buf_read_file(&b, path, 1u << 20)) != 0) {
		buf_free(&b);
		return err_set(e, rc == -2 ? ERR_INVALID : ERR_IO,
		    "cannot read targets %s: %s", path,
		    rc == -2 ? "larger than 1 MiB" : strerror(errno));
	}
	if ((rc = targets_parse(&r->cat, (const char *)b.data, b.len, &t,
	    e)) != 0) {
		err_prefix(e, "%s: ", path);
		buf_free(&b);
		return rc;
	}
	*rows = t.n;
	targets_free(&t);
	rc = registry_meta_put(r, txn, TARGETS_KEY, strlen(TARGETS_KEY),
	    b.data, b.len, e);
	buf_free(&b);
	return rc;
}

int
registry_get_targets(struct registry *r, MDB_txn *txn, struct targets *t,
    struct err *e)
{
	MDB_val v;
	int rc;

	memset(t, 0, sizeof(*t));
	rc = registry_meta_get(r, txn, TARGETS_KEY, strlen(TARGETS_KEY), &v);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc != 0)
		return registry_db_error(e, rc, "targets");
	return targets_parse(&r->cat, v.mv_data, v.mv_size, t, e);
}
