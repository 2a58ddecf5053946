/* meta.h - what the store's files share beyond the public registry API:
 * LMDB return codes as errors, and raw access to the meta database for
 * the registry's own stored formats (checkpoints, status lists). */
#ifndef SKILLCERT_STORE_META_H
#define SKILLCERT_STORE_META_H

#include "skillcert/store/registry.h"

/* rc (an LMDB code) as ERR_FULL, ERR_NOTFOUND or ERR_DB naming what. */
int registry_db_error(struct err *e, int rc, const char *what);
int registry_meta_put(struct registry *r, MDB_txn *txn, const void *k,
    size_t kn, const void *v, size_t n, struct err *e);
/* An LMDB code: 0, MDB_NOTFOUND or another. */
int registry_meta_get(struct registry *r, MDB_txn *txn, const void *k,
    size_t kn, MDB_val *v);

#endif
