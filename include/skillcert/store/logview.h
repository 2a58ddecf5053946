/* logview.h - the transparency log as JSON for the CLI and the server
 * (head, inclusion and consistency proofs, leaves) and the full audit. */
#ifndef SKILLCERT_LOGVIEW_H
#define SKILLCERT_LOGVIEW_H

#include "skillcert/base/json.h"
#include "skillcert/store/registry.h"

#define LOGVIEW_LEAVES_MAX 1000

int logview_head(struct registry *r, MDB_txn *txn, struct json *j, struct err *e);
/* Inclusion proof of a certificate's issuance leaf (and its revocation
 * leaf, if any) against the latest signed head. */
int logview_proof(struct registry *r, MDB_txn *txn, const char *certno,
    struct json *j, struct err *e);
/* The revocation status list of certno's group (stlist.h) as of the
 * latest head: the head, the signed commitment, the group's index, bits,
 * base64 bitstring and inclusion path. */
int logview_status(struct registry *r, MDB_txn *txn, const char *certno,
    struct json *j, struct err *e);
int logview_consistency(struct registry *r, MDB_txn *txn, uint64_t from,
    uint64_t to, struct json *j, struct err *e);
/* Leaves [start, end), at most LOGVIEW_LEAVES_MAX. */
int logview_leaves(struct registry *r, MDB_txn *txn, uint64_t start,
    uint64_t end, struct json *j, struct err *e);
/* Recomputes the tree from the leaves, each leaf from its record, every
 * certificate signature and every stored head. Returns the number of
 * problems found (0 = clean) and lists them in j; < 0 on failure. */
long logview_audit(struct registry *r, MDB_txn *txn, struct json *j,
    struct err *e);

#endif
