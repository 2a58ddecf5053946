/* meta.c - LMDB codes as errors and raw meta access, shared by the
 * registry, its checkpoints and its status lists (below all three, so
 * they call down into it and never round in a circle). */
#include <lmdb.h>

#include "meta.h"

int
registry_db_error(struct err *e, int rc, const char *what)
{
	if (rc == MDB_MAP_FULL)
		return err_set(e, ERR_FULL, "%s: registry map is full (%s)", what,
		    mdb_strerror(rc));
	if (rc == MDB_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "%s: not found", what);
	return err_set(e, ERR_DB, "%s: %s", what, mdb_strerror(rc));
}

int
registry_meta_put(struct registry *r, MDB_txn *txn, const void *k,
    size_t kn, const void *v, size_t n, struct err *e)
{
	MDB_val key = { kn, (void *)k }, val = { n, (void *)v };
	int rc = mdb_put(txn, r->meta, &key, &val, 0);

	return rc ? registry_db_error(e, rc, "registry meta") : 0;
}

int
registry_meta_get(struct registry *r, MDB_txn *txn, const void *k,
    size_t kn, MDB_val *v)
{
	MDB_val key = { kn, (void *)k };

	return mdb_get(txn, r->meta, &key, v);
}
