/* targetstore.h - the plan's targets kept in the registry as the text
 * that was loaded (meta "targets"), replaced whole, parsed on use. */
#ifndef SKILLCERT_TARGETSTORE_H
#define SKILLCERT_TARGETSTORE_H

#include "skillcert/model/targets.h"
#include "skillcert/store/registry.h"

/* Parses the file first: a bad file never replaces good targets. */
int registry_load_targets(struct registry *r, MDB_txn *txn,
    const char *path, size_t *rows, struct err *e);
/* The stored targets parsed into t; none stored is an empty t. */
int registry_get_targets(struct registry *r, MDB_txn *txn,
    struct targets *t, struct err *e);

#endif
