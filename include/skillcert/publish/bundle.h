/* bundle.h - the trust bundle the authority publishes, built from the
 * registry: every organization with its keys, the latest signed tree head
 * and the revocation list, signed with the authority key. */
#ifndef SKILLCERT_BUNDLE_H
#define SKILLCERT_BUNDLE_H

#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"
#include "skillcert/store/registry.h"

/* Builds and signs the bundle into out (the authority's secret key must
 * be loaded: registry_load_secrets), valid for TRUST_VALID_DEFAULT. */
int bundle_build(struct registry *r, MDB_txn *txn, struct buf *out,
    struct err *e);
/* Builds it, valid for valid_for seconds from now (0 to 3650 days), and
 * stores it in the registry for the server (write txn). */
int bundle_publish(struct registry *r, MDB_txn *txn, int64_t valid_for,
    struct buf *out, struct err *e);

#endif
