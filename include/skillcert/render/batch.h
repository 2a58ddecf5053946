/* batch.h - certificates rendered straight from the registry: one PDF,
 * one multi-page PDF of a whole batch (for printing), or a ZIP of the
 * batch's PDFs (libzip). The CLI's `render` and the portal share these,
 * so a certificate looks the same whichever front end printed it. */
#ifndef SKILLCERT_RENDER_BATCH_H
#define SKILLCERT_RENDER_BATCH_H
#include <stddef.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"
#include "skillcert/store/registry.h"
#include "skillcert/render/render.h"

/* Renders certificate `no` (as stored, in txn) into out. */
int render_record_pdf(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *no, struct buf *out, struct err *e);
/* n certificates, one page each, in one PDF (fonts subset once for all). */
int render_records_pdf(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *const *nos, size_t n, struct buf *out,
    struct err *e);
/* A ZIP of NO.pdf for each of nos (stored, not deflated: PDFs are
 * compressed already), built in memory. */
int render_records_zip(const struct render_fonts *f, struct registry *r,
    MDB_txn *txn, const char *const *nos, size_t n, struct buf *out,
    struct err *e);
#endif
