/* cmd_render.c - skillcert render: certificate PDFs from the registry,
 * read-only, no private key, on N threads. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "skillcert/render/render.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

struct job {
	struct registry *r;
	const struct render_fonts *fonts;
	const char *outdir;
	char (*nos)[CERTNO_LEN + 1];
	size_t n;
	atomic_size_t next, done, failed;
	atomic_ullong bytes;
	pthread_mutex_t mu;              /* serializes error output */
	int json;
	struct buf errors;               /* JSON fragments of failures */
};

static int
collect_cb(const struct cert_record *c, void *arg)
{
	struct buf *b = arg;
	return buf_append(b, c->cert.no, CERTNO_LEN + 1) ? 1 : 0;
}

/* Fills and renders one certificate; the record's strings live in txn. */
static int
render_one(struct job *j, MDB_txn *txn, const char *no, struct buf *pdf,
    struct err *e)
{
	struct registry *r = j->r;
	struct cert_record rec;
	struct org org;
	struct render_input in;
	struct buf tok = BUF_INIT, url = BUF_INIT;
	const struct occupation *occ;
	const struct named *idt;
	const struct brand_rule *br;
	char issued[32], path[PATH_MAX];
	int rc;

	if ((rc = registry_get_cert(r, txn, no, &rec, e)) != 0 ||
	    (rc = registry_get_org(r, txn, rec.cert.org, &org, e)) != 0)
		return rc;
	if ((rc = cert_token(rec.enc, rec.enc_len, rec.sig, &tok, e)) != 0 ||
	    buf_cstr(&tok) == NULL ||
	    (rc = cert_token_url(r->public_url, (char *)tok.data, &url, e)) != 0)
		goto out;
	occ = catalog_occ_by_code(&r->cat, rec.cert.occ_code);
	idt = catalog_idtype_by_code(&r->cat, rec.cert.id_type);
	br = rec.cert.brand[0] ? catalog_brand_for(&r->cat,
	    orgcode_province(rec.cert.org), rec.cert.occ_code) : NULL;
	date_format_cn(rec.cert.issued_on, issued);
	memset(&in, 0, sizeof(in));
	in.certno = rec.cert.no;
	in.name = rec.cert.name;
	in.id_type = idt ? idt->name : "居民身份证";
	in.id_number = rec.cert.id_number;
	in.occupation = occ ? occ->name : rec.cert.occ_code;
	in.trade = rec.cert.trade;
	in.level = level_full(rec.cert.level);
	in.org_name = org.name;
	in.issued_cn = issued;
	in.query_url = r->public_url;
	in.qr_url = (char *)url.data;
	in.brand = rec.cert.brand;
	in.brand_art = br && br->art[0] ? br->art : NULL;
	in.issued_on = rec.cert.issued_on;
	if (rec.has_photo)
		registry_get_photo(r, txn, no, &in.photo, &in.photo_len);
	if ((rc = render_cert_pdf(j->fonts, &in, pdf, e)) != 0)
		goto out;
	snprintf(path, sizeof(path), "%s/%s.pdf", j->outdir, no);
	/* Written beside and renamed: a reader never sees half a PDF. */
	if (buf_write_file_atomic(pdf, path, 0644) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", path, strerror(errno));
	else
		atomic_fetch_add(&j->bytes, pdf->len);
out:
	buf_free(&tok);
	buf_free(&url);
	return rc;
}

static void *
worker(void *arg)
{
	struct job *j = arg;
	struct buf pdf = BUF_INIT;
	MDB_txn *txn = NULL;
	struct err e;
	size_t i;

	if (registry_txn_begin(j->r, 1, &txn, &e) != 0) {
		fprintf(stderr, "skillcert render: %s\n", e.msg);
		return NULL;
	}
	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		if (render_one(j, txn, j->nos[i], &pdf, &e) != 0) {
			atomic_fetch_add(&j->failed, 1);
			pthread_mutex_lock(&j->mu);
			if (j->json) {
				struct json js;
				json_init(&js, &j->errors);
				js.first[0] = j->errors.len == 0;
				json_obj_begin(&js);
				json_kstr(&js, "certno", j->nos[i]);
				json_kstr(&js, "error", e.msg);
				json_obj_end(&js);
			} else {
				fprintf(stderr, "\nskillcert render: %s: %s\n", j->nos[i], e.msg);
			}
			pthread_mutex_unlock(&j->mu);
		}
		atomic_fetch_add(&j->done, 1);
	}
	mdb_txn_abort(txn);
	buf_free(&pdf);
	return NULL;
}

int
cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'b' },
		{ "org", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "fonts", required_argument, NULL, 'f' },
		CLI_COMMON_OPTS, { 0 }
	};
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	struct render_fonts *fonts = NULL;
	MDB_txn *txn = NULL;
	struct buf list = BUF_INIT;
	struct job j;
	const char *out = "pdf", *batch = NULL, *org = NULL, *fontpaths = NULL;
	int ch, rc = 0, all = 0, jobs = 0;
	pthread_t tid[64];
	int started = 0;

	cli_init(&c);
	err_clear(&e);
	memset(&j, 0, sizeof(j));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (cli_common(&c, ch, optarg))
			continue;
		switch (ch) {
		case 'o': out = optarg; break;
		case 'j': jobs = atoi(optarg); break;
		case 'b': batch = optarg; break;
		case 'g': org = optarg; break;
		case 'a': all = 1; break;
		case 'f': fontpaths = optarg; break;
		case 'h':
			printf("usage: skillcert render [--out DIR] [--jobs N] "
			    "(CERTNO... | --batch ID | --org CODE | --all)\n\n"
			    "One A4 PDF per certificate, DIR/CERTNO.pdf (default DIR: ./pdf), "
			    "replaced\natomically. Reads the registry read-only; needs no "
			    "private key. --jobs\ndefaults to the number of CPUs. --fonts "
			    "A.ttf:B.ttc overrides the font chain.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (!batch && !org && !all && optind >= argc) {
		err_set(&e, ERR_USAGE, "render what? CERTNO..., --batch ID, --org CODE "
		    "or --all");
		return cli_fail(&c, &e);
	}
	if (jobs <= 0)
		jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	if (jobs > 64)
		jobs = 64;
	if (mkdir(out, 0755) != 0 && errno != EEXIST) {
		rc = err_set(&e, ERR_IO, "cannot create %s: %s", out, strerror(errno));
		goto done;
	}
	if ((rc = cli_open(&c, REG_RDONLY, &r, &e)) != 0 ||
	    (rc = render_fonts_open(&fonts, fontpaths, &e)) != 0 ||
	    (rc = registry_txn_begin(r, 1, &txn, &e)) != 0)
		goto done;
	if (batch)
		rc = registry_each_cert_of_batch(r, txn, batch, collect_cb, &list, &e);
	else if (org || all)
		rc = registry_each_cert(r, txn, org ? org : "", collect_cb, &list, &e);
	else
		for (int i = optind; i < argc && rc == 0; i++) {
			struct cert_record rec;
			if ((rc = registry_get_cert(r, txn, argv[i], &rec, &e)) == 0)
				collect_cb(&rec, &list);
		}
	mdb_txn_abort(txn);
	txn = NULL;
	if (rc)
		goto done;
	j.r = r;
	j.fonts = fonts;
	j.outdir = out;
	j.nos = (char (*)[CERTNO_LEN + 1])list.data;
	j.n = list.len / (CERTNO_LEN + 1);
	j.json = c.json;
	pthread_mutex_init(&j.mu, NULL);
	if (j.n == 0) {
		rc = err_set(&e, ERR_NOTFOUND, "no certificates to render");
		goto done;
	}
	if ((size_t)jobs > j.n)
		jobs = (int)j.n;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 1u << 20); /* libharu keeps big arrays on the stack */
	for (int t = 0; t < jobs; t++)
		if (pthread_create(&tid[started], &attr, worker, &j) == 0)
			started++;
	pthread_attr_destroy(&attr);
	if (started == 0)
		worker(&j);
	while (atomic_load(&j.done) < j.n && started > 0) {
		if (!c.quiet && !c.json)
			cli_progress(NULL, "render", atomic_load(&j.done), j.n);
		usleep(100000);
	}
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	if (!c.quiet && !c.json)
		cli_progress(NULL, "render", j.n, j.n);
	size_t ok = j.n - atomic_load(&j.failed);
	if (c.json) {
		struct buf b = BUF_INIT;
		struct json js;
		json_init(&js, &b);
		json_obj_begin(&js);
		json_kstr(&js, "out", out);
		json_kint(&js, "rendered", (int64_t)ok);
		json_kint(&js, "failed", (int64_t)atomic_load(&j.failed));
		json_kint(&js, "bytes", (int64_t)atomic_load(&j.bytes));
		json_key(&js, "errors");
		buf_append_byte(&b, '[');
		buf_append(&b, j.errors.data, j.errors.len);
		buf_append_byte(&b, ']');
		json_obj_end(&js);
		cli_print_json(&b);
		buf_free(&b);
	} else if (!c.quiet) {
		printf("rendered %zu PDF%s into %s/ (%.1f KB mean)%s\n", ok,
		    ok == 1 ? "" : "s", out,
		    ok ? (double)atomic_load(&j.bytes) / (double)ok / 1024.0 : 0.0,
		    atomic_load(&j.failed) ? ", some failed (see above)" : "");
	}
	if (atomic_load(&j.failed))
		rc = ERR_INVALID;
	pthread_mutex_destroy(&j.mu);
done:
	if (txn)
		mdb_txn_abort(txn);
	buf_free(&list);
	buf_free(&j.errors);
	render_fonts_close(fonts);
	registry_close(r);
	cli_done(&c);
	if (rc && j.n && atomic_load(&j.failed))
		return rc; /* each failure was reported */
	return rc ? cli_fail(&c, &e) : 0;
}
