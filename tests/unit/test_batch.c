/* test_batch.c - render/batch.h on a registry issued here: one PDF as the
 * CLI made it, a batch as one document (its one-page case the single
 * PDF's bytes), a ZIP of stored single PDFs, each deterministic; and an
 * XLSX roster passed as bytes (the portal's way) issuing the same rows. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "skillcert/issue/issue.h"
#include "skillcert/render/batch.h"
#include "skillcert/roster/xlsx.h"
#include "gen.h"
#include "test.h"

#define N 5

static int
add_no(const struct cert_record *c, void *arg)
{
	struct buf *b = arg;

	return buf_append(b, c->cert.no, CERTNO_LEN + 1) ? 1 : 0;
}

static size_t
count(const struct buf *b, const char *s)
{
	size_t n = 0, k = strlen(s);

	for (size_t i = 0; i + k <= b->len; i++)
		n += memcmp(b->data + i, s, k) == 0;
	return n;
}

static int
same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && a->len > 0 &&
	    memcmp(a->data, b->data, a->len) == 0;
}

/* Every entry NO.pdf, stored, the bytes of render_record_pdf. */
static void
check_zip(const struct buf *z, const char *const *nos,
    const struct buf *single)
{
	zip_source_t *src = zip_source_buffer_create(z->data, z->len, 0, NULL);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, NULL);
	char name[CERTNO_LEN + 8];
	zip_stat_t st;

	CHECK(za != NULL);
	if (za == NULL) {
		zip_source_free(src);
		return;
	}
	CHECK_EQ_INT(zip_get_num_entries(za, 0), N);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%s.pdf", nos[i]);
		CHECK_STR(zip_get_name(za, (zip_uint64_t)i, 0), name);
		CHECK_EQ_INT(zip_stat_index(za, (zip_uint64_t)i, 0, &st), 0);
		CHECK_EQ_INT(st.comp_method, ZIP_CM_STORE);
		CHECK_EQ_INT(st.size, single[i].len);
		if (i == 0 && st.size == single[0].len) {
			struct buf d = BUF_INIT;
			zip_file_t *f = zip_fopen_index(za, 0, 0);

			buf_reserve(&d, st.size);
			d.len = (size_t)zip_fread(f, d.data, st.size);
			zip_fclose(f);
			CHECK(same(&d, &single[0]));
			buf_free(&d);
		}
	}
	zip_discard(za);
}

static void
test_render(struct registry *r, const struct render_fonts *f)
{
	struct buf list = BUF_INIT, one = BUF_INIT, all = BUF_INIT,
	    again = BUF_INIT, z = BUF_INIT, z2 = BUF_INIT, single[N];
	const char *nos[N + 1];
	MDB_txn *txn;
	struct err e;

	CHECK_EQ_INT(registry_txn_begin(r, 1, &txn, &e), 0);
	CHECK_EQ_INT(registry_each_cert_of_batch(r, txn, "B1", add_no, &list,
	    &e), 0);
	CHECK_EQ_INT(list.len / (CERTNO_LEN + 1), N);
	if (list.len / (CERTNO_LEN + 1) != N)
		return;
	for (int i = 0; i < N; i++) {
		nos[i] = (const char *)list.data + i * (CERTNO_LEN + 1);
		buf_init(&single[i]);
		CHECK_EQ_INT(render_record_pdf(f, r, txn, nos[i], &single[i],
		    &e), 0);
		CHECK(single[i].len > 1000 && memcmp(single[i].data, "%PDF-",
		    5) == 0);
	}
	/* one page: exactly the single PDF */
	CHECK_EQ_INT(render_records_pdf(f, r, txn, nos, 1, &one, &e), 0);
	CHECK(same(&one, &single[0]));
	CHECK_EQ_INT(render_records_pdf(f, r, txn, nos, N, &all, &e), 0);
	CHECK_EQ_INT(count(&all, "/Type /Page") - count(&all, "/Type /Pages"), N);
	/* one font subset for the whole batch, and smaller than the parts */
	CHECK(count(&all, "/FontFile2") >= 1);
	CHECK_EQ_INT(count(&all, "/FontFile2"), count(&single[0], "/FontFile2"));
	CHECK(all.len < single[0].len * N);
	CHECK_EQ_INT(render_records_pdf(f, r, txn, nos, N, &again, &e), 0);
	CHECK(same(&all, &again));
	CHECK_EQ_INT(render_records_zip(f, r, txn, nos, N, &z, &e), 0);
	check_zip(&z, nos, single);
	CHECK_EQ_INT(render_records_zip(f, r, txn, nos, N, &z2, &e), 0);
	CHECK(same(&z, &z2));
	/* a number not in the registry: named, nothing returned */
	nos[N] = "S000036000001245999999";
	CHECK_EQ_INT(render_records_pdf(f, r, txn, nos + 1, N, &all, &e),
	    ERR_NOTFOUND);
	CHECK(all.len == 0 && strstr(e.msg, nos[N]) != NULL);
	CHECK_EQ_INT(render_records_zip(f, r, txn, nos + 1, N, &z, &e),
	    ERR_NOTFOUND);
	CHECK(z.len == 0 && strstr(e.msg, nos[N]) != NULL);
	CHECK_EQ_INT(render_records_pdf(f, r, txn, nos, 0, &all, &e),
	    ERR_NOTFOUND);
	mdb_txn_abort(txn);
	for (int i = 0; i < N; i++)
		buf_free(&single[i]);
	buf_free(&list);
	buf_free(&one);
	buf_free(&all);
	buf_free(&again);
	buf_free(&z);
	buf_free(&z2);
}

static int
issue(struct registry *r, const char *data, size_t n, int dry,
    struct issue_result *res, struct err *e)
{
	struct issue_opts o;

	memset(&o, 0, sizeof(o));
	o.org = GEN_ORG;
	o.roster_data = data;
	o.roster_len = n;
	o.batch = "B1";
	o.threads = 1;
	o.dry_run = dry;
	date_from_ymd(2024, 6, 1, &o.today);
	return issue_roster(r, &o, res, e);
}

static void
put_part(zip_t *za, const char *name, const char *text, size_t n)
{
	zip_file_add(za, name, zip_source_buffer(za, text, n, 0), 0);
}

/* The roster's CSV (plain fields, CRLF) in a minimal workbook, each field
 * an inline string, rows and columns by reference. */
static void
csv_to_xlsx(const struct buf *csv, struct buf *out)
{
	static const char rels[] = "<Relationships><Relationship Id=\"a\" "
	    "Type=\"x/officeDocument\" Target=\"/xl/workbook.xml\"/></Relationships>";
	static const char wb[] = "<workbook xmlns:r=\"http://schemas.openxml"
	    "formats.org/officeDocument/2006/relationships\"><sheets><sheet "
	    "r:id=\"s\"/></sheets></workbook>";
	static const char wbrels[] = "<Relationships><Relationship Id=\"s\" "
	    "Type=\"x/worksheet\" Target=\"worksheets/s.xml\"/></Relationships>";
	struct buf sh = BUF_INIT;
	const char *p = (const char *)csv->data, *end = p + csv->len;
	int row = 1, col;
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
	zip_stat_t st;

	buf_append_str(&sh, "<worksheet><sheetData>");
	while (p < end) {
		const char *eol = memchr(p, '\r', (size_t)(end - p));

		buf_printf(&sh, "<row r=\"%d\">", row);
		for (col = 0; p < eol; col++) {
			size_t n = strcspn(p, ",\r");

			if (n > 0)
				buf_printf(&sh, "<c r=\"%c%d\" t=\"inlineStr\"><is>"
				    "<t>%.*s</t></is></c>", 'A' + col, row,
				    (int)n, p);
			p += n + (p[n] == ',');
		}
		buf_append_str(&sh, "</row>");
		p = eol + 2;
		row++;
	}
	buf_append_str(&sh, "</sheetData></worksheet>");
	zip_source_keep(src);
	put_part(za, "_rels/.rels", rels, strlen(rels));
	put_part(za, "xl/workbook.xml", wb, strlen(wb));
	put_part(za, "xl/_rels/workbook.xml.rels", wbrels, strlen(wbrels));
	put_part(za, "xl/worksheets/s.xml", (const char *)sh.data, sh.len);
	CHECK_EQ_INT(zip_close(za), 0);
	zip_source_stat(src, &st);
	buf_reset(out);
	buf_reserve(out, st.size);
	zip_source_open(src);
	out->len = (size_t)zip_source_read(src, out->data, st.size);
	zip_source_close(src);
	zip_source_free(src);
	buf_free(&sh);
	CHECK(roster_xlsx_sniff(out->data, out->len));
}

int
main(void)
{
	char dir[64] = "/tmp/scrbatchXXXXXX", cmd[128];
	struct render_fonts *f = NULL;
	struct issue_result res;
	struct registry *r;
	struct buf b = BUF_INIT, x = BUF_INIT;
	struct err e;

	CHECK(mkdtemp(dir) != NULL);
	strcat(dir, "/reg");
	r = gen_registry(dir);
	gen_roster(&b, 0, N);
	CHECK_EQ_INT(issue(r, (const char *)b.data, b.len, 0, &res, &e), 0);
	CHECK_EQ_INT(res.issued, N);
	issue_result_free(&res);
	/* the same rows as an .xlsx, as bytes: already issued, all of them */
	csv_to_xlsx(&b, &x);
	CHECK_EQ_INT(issue(r, (const char *)x.data, x.len, 1, &res, &e), 0);
	CHECK_EQ_INT(res.existing, N);
	CHECK_EQ_INT(res.rejected, 0);
	issue_result_free(&res);
	if (render_fonts_open(&f, NULL, &e) != 0) {
		fprintf(stderr, "fonts: %s\n", e.msg);
		CHECK(0);
	} else {
		test_render(r, f);
	}
	render_fonts_close(f);
	registry_close(r);
	buf_free(&b);
	buf_free(&x);
	dir[strlen(dir) - 4] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ_INT(system(cmd), 0);
	TEST_END();
}
