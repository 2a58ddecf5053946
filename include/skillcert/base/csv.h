/* csv.h - one reader for the CSV that spreadsheets export, so that rosters
 * and catalogs agree on what a quoted field is. */
#ifndef SKILLCERT_CSV_H
#define SKILLCERT_CSV_H

#include <stddef.h>
#include "skillcert/base/buf.h"

/* More fields than any sane sheet has; bounds the per-record array. */
#define CSV_FIELDS_MAX 1024

/* What csv_next_record returns: a record, the end, or what is wrong. */
enum csv_status {
	CSV_END,                /* nothing left to read */
	CSV_RECORD,             /* one record read */
	CSV_EQUOTE,             /* a quoted field runs to the end of the text */
	CSV_ECLOSE,             /* text after a closing quote */
	CSV_ELONG,              /* a field longer than field_max */
	CSV_EFIELDS,            /* more than CSV_FIELDS_MAX fields */
	CSV_ENOMEM
};

/* Reads text in place. A quoted field may hold commas, line breaks and
 * doubled quotes (""); blanks around the quotes are dropped. LF, CRLF and
 * a lone CR each end a line. Every field is trimmed of ASCII blanks,
 * U+00A0 and U+3000. Unquoting and trimming never lengthen a field, so
 * each ends up NUL-terminated inside text itself, and stays there. */
struct csv_reader {
	char *t;                /* the text: no NUL, one writable byte spare */
	size_t r, w, end;       /* read and write offsets, w <= r <= end */
	int line;               /* physical line at r, 1-based */
	char **f;               /* fields of the current record */
	size_t nf, fcap;
	/* Options, set after csv_reader_init. */
	size_t field_max;       /* bytes in a trimmed field; 0 = no limit */
	int comment;            /* a line whose first non-blank byte is this
	                         * is skipped between records; 0 = none */
	/* Where the last error is: the physical line, the field (0-based)
	 * and, for CSV_ELONG, the field's length in bytes. */
	int err_line;
	size_t err_field, err_len;
};

struct csv_record {
	char **field;           /* valid until the next call; the strings
	                         * themselves as long as the text */
	size_t n;
	int line;               /* physical line where the record starts */
};

/* text[0..n) must hold no NUL byte, and text[n] must be writable. */
void csv_reader_init(struct csv_reader *rd, char *text, size_t n);
void csv_reader_free(struct csv_reader *rd);
/* CSV_RECORD and fills rec, CSV_END, or an error status (rd->err_*). */
int csv_next_record(struct csv_reader *rd, struct csv_record *rec);
/* What an error status means, in words, for the caller to put after its
 * own "line 7, column 3": "unterminated quote (...)". */
void csv_format_error(const struct csv_reader *rd, int status, char *buf,
    size_t cap);

/* Writing. Every CSV the project writes is opened by someone in Excel or
 * WPS, which run a cell starting with = + - @ (or a tab or CR before one)
 * as a formula: such a cell gets a leading ' (OWASP's rule), and every
 * cell is quoted. */
int csv_is_formula(const char *s);
int csv_append_cell(struct buf *b, const char *s);

#endif
