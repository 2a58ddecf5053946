/* exportver.c - checks an export against its manifest: the authority's
 * signature, the tree head's, the file's SHA-256 and its row count, so
 * the receiving department can prove the file complete and unaltered. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skillcert/base/csv.h"
#include "skillcert/base/hex.h"
#include "skillcert/model/sha256.h"
#include "skillcert/store/export.h"

#define EXPORT_MANIFEST_MAX 65536
#define EXPORT_FILE_MAX ((size_t)4 << 30)

/* The manifest's fields, pointing into its text. */
struct export_manifest {
	const char *format, *sha256, *rows, *from, *to, *head, *authority;
	const char *signature;
	size_t signed_len;             /* bytes the signature covers */
};

static int
export_read(const char *path, size_t max, struct buf *b, struct err *e)
{
	int rc = buf_read_file(b, path, max);

	if (rc == -2)
		return err_set(e, ERR_INVALID, "%s: too large", path);
	if (rc != 0)
		return err_set(e, ERR_NOTFOUND, "%s: %s", path, strerror(errno));
	if (buf_cstr(b) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	return 0;
}

static void
export_take_field(struct export_manifest *m, char *k, const char *v)
{
	static const char *const names[] = { "format", "sha256", "rows",
	    "log_from", "log_to", "head", "authority", "signature" };
	const char **slot[] = { &m->format, &m->sha256, &m->rows, &m->from,
	    &m->to, &m->head, &m->authority, &m->signature };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(k, names[i]) == 0 && *slot[i] == NULL)
			*slot[i] = v;
}

/* Splits text (cut in place: the signature is checked over a copy). */
static int
export_parse_manifest(char *text, size_t n, struct export_manifest *m,
    struct err *e)
{
	char *line = text, *nl, *colon, *sig;

	memset(m, 0, sizeof(*m));
	if (memchr(text, '\0', n) != NULL ||
	    strncmp(text, "skillcert-export v1\n", 20) != 0 ||
	    (sig = strstr(text, "\nsignature: ")) == NULL)
		return err_set(e, ERR_INVALID, "not an export manifest");
	m->signed_len = (size_t)(sig - text) + 1;
	while (line < text + n && (nl = strchr(line, '\n')) != NULL) {
		*nl = '\0';
		if ((colon = strstr(line, ": ")) != NULL) {
			*colon = '\0';
			export_take_field(m, line, colon + 2);
		}
		line = nl + 1;
	}
	if (m->format == NULL || m->sha256 == NULL || m->rows == NULL ||
	    m->from == NULL || m->to == NULL || m->head == NULL ||
	    m->authority == NULL || m->signature == NULL)
		return err_set(e, ERR_INVALID, "manifest lacks a field");
	return 0;
}

static int
export_parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return *end != '\0' || errno != 0 ? -1 : 0;
}

/* The signatures: the authority's over the manifest, the log key's over
 * the tree head it was cut at, which must end where the export ends. */
static int
export_check_signed(const struct export_keys *k, const uint8_t *text,
    const struct export_manifest *m, struct export_result *res,
    struct err *e)
{
	uint8_t kid[KEY_ID_LEN], sig[KEY_SIG_LEN], head[STH_LEN];
	struct sth h;

	if (strlen(m->authority) != 2 * KEY_ID_LEN || hex_decode(m->authority,
	    2 * KEY_ID_LEN, kid, sizeof(kid)) != KEY_ID_LEN ||
	    memcmp(kid, k->authority->kid, KEY_ID_LEN) != 0)
		return err_set(e, ERR_INVALID, "manifest is not signed by the "
		    "authority key given");
	if (strlen(m->signature) != 2 * KEY_SIG_LEN || hex_decode(m->signature,
	    2 * KEY_SIG_LEN, sig, sizeof(sig)) != KEY_SIG_LEN ||
	    key_verify(k->authority, EXPORT_SIG_CTX, text, m->signed_len, sig,
	    e) != 0)
		return err_set(e, ERR_INVALID, "manifest signature is not valid");
	if (export_parse_u64(m->from, &res->from) != 0 ||
	    export_parse_u64(m->to, &res->to) != 0 ||
	    export_parse_u64(m->rows, &res->rows) != 0 || res->from > res->to)
		return err_set(e, ERR_INVALID, "manifest: bad log range or rows");
	if (strlen(m->head) != 2 * STH_LEN || hex_decode(m->head, 2 * STH_LEN,
	    head, sizeof(head)) != STH_LEN ||
	    sth_decode(head, sizeof(head), &h, e) != 0 ||
	    sth_verify(&h, k->logkey, e) != 0 || h.size != res->to)
		return err_set(e, ERR_INVALID, "manifest: the tree head is not "
		    "valid or does not end the export");
	return 0;
}

/* Rows of an export file: records after the header (CSV) or lines. */
static int
export_count_rows(struct buf *b, int jsonl, uint64_t *rows)
{
	struct csv_reader rd;
	struct csv_record rec;
	size_t i, skip = 0;
	int st;

	*rows = 0;
	if (jsonl) {
		for (i = 0; i < b->len; i++)
			*rows += b->data[i] == '\n';
		return 0;
	}
	if (b->len >= 3 && memcmp(b->data, "\xef\xbb\xbf", 3) == 0)
		skip = 3;
	if (memchr(b->data, '\0', b->len) != NULL)
		return -1;
	csv_reader_init(&rd, (char *)b->data + skip, b->len - skip);
	while ((st = csv_next_record(&rd, &rec)) == CSV_RECORD)
		(*rows)++;
	csv_reader_free(&rd);
	if (st != CSV_END || *rows == 0)
		return -1;
	(*rows)--;
	return 0;
}

int
export_verify(const struct export_keys *k, const char *manifest, const char *file,
    struct export_result *res, struct err *e)
{
	struct buf mb = BUF_INIT, fb = BUF_INIT, cut = BUF_INIT;
	struct export_manifest m;
	uint8_t sha[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	uint64_t rows;
	int rc;

	memset(res, 0, sizeof(*res));
	if ((rc = export_read(manifest, EXPORT_MANIFEST_MAX, &mb, e)) != 0 ||
	    (rc = export_read(file, EXPORT_FILE_MAX, &fb, e)) != 0)
		goto out;
	if (buf_append(&cut, mb.data, mb.len) != 0 || buf_cstr(&cut) == NULL) {
		rc = err_set(e, ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((rc = export_parse_manifest((char *)cut.data, cut.len, &m,
	    e)) != 0 ||
	    (rc = export_check_signed(k, mb.data, &m, res, e)) != 0)
		goto out;
	sha256_bytes(fb.data, fb.len, sha);
	hex_encode(sha, sizeof(sha), hex);
	if (strcmp(hex, m.sha256) != 0) {
		rc = err_set(e, ERR_INVALID, "%s: SHA-256 differs from the "
		    "manifest's: the file was altered", file);
		goto out;
	}
	/* A workbook's rows are not re-read: its SHA-256, checked above, is
	 * the one the signed manifest names, and so is its row count. */
	if (strcmp(m.format, "xlsx") != 0 && (export_count_rows(&fb,
	    strcmp(m.format, "jsonl") == 0, &rows) != 0 || rows != res->rows))
		rc = err_set(e, ERR_INVALID, "%s: row count differs from the "
		    "manifest's %" PRIu64, file, res->rows);
out:
	buf_free(&cut);
	buf_free(&mb);
	buf_free(&fb);
	return rc;
}
