/* xlsx.h - a roster saved by Excel or WPS (Office Open XML): the first
 * worksheet turned into the CSV the roster parser reads. Read with libzip
 * (the package) and libxml2 (sharedStrings, workbook, the sheet), both
 * bounded: entry sizes, cell count and total inflated bytes are capped
 * before anything is inflated (zip bombs), no external entities, no DTD.
 * Dates stored as serial numbers in a date-formatted cell (1900 system,
 * with Excel's 1900-02-29; or the 1904 system when the workbook says so)
 * come out as YYYY-MM-DD. */
#ifndef SKILLCERT_ROSTER_XLSX_H
#define SKILLCERT_ROSTER_XLSX_H
#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"

#define XLSX_MAX_INFLATED (64u << 20)  /* all entries read, together */
#define XLSX_MAX_CELLS    (2u << 20)

/* Readies libxml2 (xmlInitParser); call once from the main thread before
 * threads convert workbooks (libxml2 2.9's first initialisation is not
 * thread-safe). roster_xlsx_to_csv calls it too, for one-thread use. */
void roster_xlsx_init(void);
/* 1 if p starts like a ZIP (PK\3\4), so callers can sniff an upload. */
int roster_xlsx_sniff(const uint8_t *p, size_t n);
/* Converts; errors name the part and cell ("xl/worksheets/sheet1.xml
 * cell C7: ..."). out receives UTF-8 CSV (RFC 4180 quoting), one line per
 * sheet row up to the last non-empty row. */
int roster_xlsx_to_csv(const uint8_t *p, size_t n, struct buf *out,
    struct err *e);
#endif
