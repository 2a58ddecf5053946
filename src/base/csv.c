/* csv.c - the one CSV reader: Excel's quoting and line ends, read in place
 * so that a 200,000-row roster costs no allocation per row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"

void
csv_reader_init(struct csv_reader *rd, char *text, size_t n)
{
	memset(rd, 0, sizeof(*rd));
	rd->t = text;
	rd->end = n;
	rd->line = 1;
}

void
csv_reader_free(struct csv_reader *rd)
{
	free(rd->f);
	rd->f = NULL;
	rd->nf = rd->fcap = 0;
}

/* Length of leading blank at s (ASCII space, tab, CR, LF, U+00A0 or the
 * full-width space U+3000 that Chinese input methods type). */
static size_t
csv_blank_at(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\r' ||
	    u[0] == '\n'))
		return 1;
	if (n >= 2 && u[0] == 0xc2 && u[1] == 0xa0)
		return 2;
	if (n >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
		return 3;
	return 0;
}

static size_t
csv_blank_before(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 1 && (u[n - 1] == ' ' || u[n - 1] == '\t' ||
	    u[n - 1] == '\r' || u[n - 1] == '\n'))
		return 1;
	if (n >= 2 && u[n - 2] == 0xc2 && u[n - 1] == 0xa0)
		return 2;
	if (n >= 3 && u[n - 3] == 0xe3 && u[n - 2] == 0x80 && u[n - 1] == 0x80)
		return 3;
	return 0;
}

/* Trims s[0..*n) in place and NUL-terminates it; returns the new start. */
static char *
csv_trim_field(char *s, size_t *n)
{
	size_t k;

	while ((k = csv_blank_at(s, *n)) > 0) {
		s += k;
		*n -= k;
	}
	while ((k = csv_blank_before(s, *n)) > 0)
		*n -= k;
	s[*n] = '\0';
	return s;
}

static int
csv_fail(struct csv_reader *rd, int status, int line)
{
	rd->err_line = line;
	rd->err_field = rd->nf;
	return status;
}

/* Steps past the line end whose first byte ch is at r, if it is one:
 * LF, CRLF or a lone CR. */
static void
csv_skip_eol(struct csv_reader *rd, int ch)
{
	if (ch == '\r') {
		rd->r++;
		if (rd->r < rd->end && rd->t[rd->r] == '\n')
			rd->r++;
		rd->line++;
	} else if (ch == '\n') {
		rd->r++;
		rd->line++;
	}
}

/* Skips comment lines where a record would start. */
static void
csv_skip_comments(struct csv_reader *rd)
{
	const char *t = rd->t;
	size_t k;

	for (;;) {
		k = rd->r;
		while (k < rd->end && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k >= rd->end || t[k] != rd->comment)
			return;
		while (k < rd->end && t[k] != '\n' && t[k] != '\r')
			k++;
		rd->r = k;
		if (k < rd->end)
			csv_skip_eol(rd, t[k]);
	}
}

/* Unquotes the field whose opening quote is at t[q] to the write offset;
 * leaves r at the delimiter after the closing quote. */
static int
csv_read_quoted(struct csv_reader *rd, size_t q)
{
	char *t = rd->t;
	int qline = rd->line;
	char ch;

	rd->r = q + 1;
	for (;;) {
		if (rd->r >= rd->end)
			return csv_fail(rd, CSV_EQUOTE, qline);
		ch = t[rd->r];
		if (ch == '"') {
			if (rd->r + 1 < rd->end && t[rd->r + 1] == '"') {
				t[rd->w++] = '"';
				rd->r += 2;
				continue;
			}
			rd->r++;
			break;
		}
		if (ch == '\n' || (ch == '\r' && (rd->r + 1 >= rd->end ||
		    t[rd->r + 1] != '\n')))
			rd->line++;
		t[rd->w++] = ch;
		rd->r++;
	}
	while (rd->r < rd->end && (t[rd->r] == ' ' || t[rd->r] == '\t'))
		rd->r++;
	if (rd->r < rd->end && t[rd->r] != ',' && t[rd->r] != '\n' &&
	    t[rd->r] != '\r')
		return csv_fail(rd, CSV_ECLOSE, rd->line);
	return 0;
}

static void
csv_read_plain(struct csv_reader *rd)
{
	char *t = rd->t;

	while (rd->r < rd->end && t[rd->r] != ',' && t[rd->r] != '\n' &&
	    t[rd->r] != '\r')
		t[rd->w++] = t[rd->r++];
}

static int
csv_push_field(struct csv_reader *rd, char *s, int line)
{
	char **nf;
	size_t ncap;

	if (rd->nf == rd->fcap) {
		if (rd->fcap >= CSV_FIELDS_MAX)
			return csv_fail(rd, CSV_EFIELDS, line);
		ncap = rd->fcap ? rd->fcap * 2 : 16;
		if ((nf = realloc(rd->f, ncap * sizeof(*nf))) == NULL)
			return csv_fail(rd, CSV_ENOMEM, line);
		rd->f = nf;
		rd->fcap = ncap;
	}
	rd->f[rd->nf++] = s;
	return 0;
}

/* Ends the field written from start: trims, checks and keeps it. */
static int
csv_end_field(struct csv_reader *rd, size_t start, int line)
{
	size_t n = rd->w - start;
	char *s;

	s = csv_trim_field(rd->t + start, &n);
	rd->w++;        /* past the field's NUL */
	if (rd->field_max != 0 && n > rd->field_max) {
		rd->err_len = n;
		return csv_fail(rd, CSV_ELONG, line);
	}
	return csv_push_field(rd, s, line);
}

int
csv_next_record(struct csv_reader *rd, struct csv_record *rec)
{
	const char *t = rd->t;
	size_t start, k;
	int ch, rc;

	if (rd->comment != 0)
		csv_skip_comments(rd);
	rd->nf = 0;
	rec->field = NULL;
	rec->n = 0;
	rec->line = rd->line;
	if (rd->r >= rd->end)
		return CSV_END;
	for (;;) {
		start = rd->w;
		k = rd->r;
		while (k < rd->end && (t[k] == ' ' || t[k] == '\t'))
			k++;
		if (k < rd->end && t[k] == '"') {
			if ((rc = csv_read_quoted(rd, k)) != 0)
				return rc;
		} else
			csv_read_plain(rd);
		/* Look at the delimiter before the NUL may overwrite it. */
		ch = rd->r < rd->end ? (unsigned char)t[rd->r] : -1;
		if ((rc = csv_end_field(rd, start, rec->line)) != 0)
			return rc;
		if (ch != ',')
			break;
		rd->r++;
	}
	csv_skip_eol(rd, ch);
	rec->field = rd->f;
	rec->n = rd->nf;
	return CSV_RECORD;
}

void
csv_format_error(const struct csv_reader *rd, int status, char *buf,
    size_t cap)
{
	switch (status) {
	case CSV_EQUOTE:
		snprintf(buf, cap, "unterminated quote (the quoted field runs "
		    "to the end of the file)");
		break;
	case CSV_ECLOSE:
		snprintf(buf, cap, "text after the closing quote (a quote "
		    "inside a field must be doubled: \"\")");
		break;
	case CSV_ELONG:
		snprintf(buf, cap, "field is %zu bytes; the limit is %zu",
		    rd->err_len, rd->field_max);
		break;
	case CSV_EFIELDS:
		snprintf(buf, cap, "more than %d fields in one row",
		    CSV_FIELDS_MAX);
		break;
	case CSV_ENOMEM:
		snprintf(buf, cap, "out of memory");
		break;
	default:
		snprintf(buf, cap, "no error");
		break;
	}
}

int
csv_is_formula(const char *s)
{
	return s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
	    s[0] == '\t' || s[0] == '\r';
}

int
csv_append_cell(struct buf *b, const char *s)
{
	buf_append_byte(b, '"');
	if (csv_is_formula(s))
		buf_append_byte(b, '\'');
	for (; *s; s++) {
		buf_append_byte(b, (uint8_t)*s);
		if (*s == '"')
			buf_append_byte(b, '"');
	}
	buf_append_byte(b, '"');
	return b->oom ? -1 : 0;
}
