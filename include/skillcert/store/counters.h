/* counters.h - issuance counters per (organization, region, home region,
 * occupation, level, method, month), valid and revoked apart, kept in the
 * meta database under "ctr/" and changed in the write transaction that
 * issues or revokes, so a report costs O(groups), never O(certificates).
 *
 * Key: "ctr/" org code (13) u32 region u32 home region occ[4] u8 level
 * u8 method u32 month (YYYYMM), big-endian; value: u64 valid u64 revoked.
 * Beside them, changed by the same counters_add, the roll-up the
 * quarterly report reads: "ctq/" u32 region occ[4] u8 level u32 month
 * (at most regions x occupations x levels x months keys, however many
 * organizations and home regions), same value.
 * "ctr.v2" marks counters and roll-up complete (set by init and by a
 * rebuild); registries made before them have none until rebuilt. */
#ifndef SKILLCERT_COUNTERS_H
#define SKILLCERT_COUNTERS_H

#include <stdint.h>
#include "skillcert/store/registry.h"

struct counter {
	char org[ORGCODE_LEN + 1];
	int32_t region;                /* the org's region at the issue date */
	int32_t home;                  /* holder's home region, 0 if none */
	char occ[CERT_OCC_MAX + 1];
	int level;
	int method;
	int month;                     /* YYYYMM of the issue date */
	uint64_t valid, revoked;
};

/* The organization's region on day: its current region with every change
 * dated on or after day undone (a change counts from the next day). */
int32_t counters_region_at(const struct org *o, int32_t day);
#define COUNTERS_KEY_LEN (4 + ORGCODE_LEN + 4 + 4 + 4 + 1 + 1 + 4)
void counters_key_encode(const struct counter *c, uint8_t k[COUNTERS_KEY_LEN]);
#define COUNTERS_ROLLUP_KEY_LEN (4 + 4 + 4 + 1 + 4)
void counters_rollup_key_encode(const struct counter *c,
    uint8_t k[COUNTERS_ROLLUP_KEY_LEN]);
/* Adds dvalid and drevoked to c's counter and its roll-up (never below
 * zero). */
int counters_add(struct registry *r, MDB_txn *txn, const struct counter *c,
    int64_t dvalid, int64_t drevoked, struct err *e);
/* Removes every counter (and not the mark). */
int counters_clear(struct registry *r, MDB_txn *txn, struct err *e);
/* Fills c's key fields for certificate rec (counts zero): registry.c,
 * which counts each issuance (valid + 1) and revocation (valid - 1,
 * revoked + 1) in the transaction that writes it. */
int registry_counter_of(struct registry *r, MDB_txn *txn,
    const struct cert_record *rec, struct counter *c, struct err *e);
/* Every counter in key order; fn returns non-zero to stop. */
int counters_each(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct counter *, void *), void *arg, struct err *e);
/* Every roll-up entry in key order (org "", home and method 0). */
int counters_each_rollup(struct registry *r, MDB_txn *txn,
    int (*fn)(const struct counter *, void *), void *arg, struct err *e);
/* 1 when the counters are complete (made by init or a rebuild). */
int counters_ready(struct registry *r, MDB_txn *txn);
/* Recomputes them from the certificates, and the roll-up from them: 0
 * when all agree, else ERR_INVALID with the first difference in e. */
int counters_check(struct registry *r, MDB_txn *txn, struct err *e);
/* Replaces them with the recomputation and marks them complete. */
int counters_rebuild(struct registry *r, MDB_txn *txn, struct err *e);
int counters_mark_ready(struct registry *r, MDB_txn *txn, struct err *e);

#endif
