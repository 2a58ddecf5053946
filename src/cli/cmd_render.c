/* cmd_render.c - skillcert render: PDFs from a read-only registry with no
 * private key, so any copy can print; threaded, as a PDF outweighs a lookup. */
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

#define CMD_RENDER_JOBS_MAX 64

struct cmd_render_args {
	const char *out, *batch, *org, *fontpaths;
	int all, jobs;
	int mode;                /* of the PDFs: they hold the full ID number */
	char **certnos;          /* the CERTNO operands */
	int ncertnos;
};

/* What the workers share: the numbers to render and the tallies. */
struct cmd_render_job {
	struct registry *r;
	const struct render_fonts *fonts;
	const char *outdir;
	int mode;
	char (*nos)[CERTNO_LEN + 1];
	size_t n;
	atomic_size_t next, done, failed;
	atomic_int alive;                /* workers still taking numbers */
	atomic_ullong bytes;
	pthread_mutex_t mu;              /* serializes error output */
	int json;
	struct buf errors;               /* JSON fragments of failures */
};

static int
cmd_render_parse_args(int argc, char **argv, struct cli *c,
    struct cmd_render_args *a, struct err *e)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "batch", required_argument, NULL, 'b' },
		{ "org", required_argument, NULL, 'g' },
		{ "all", no_argument, NULL, 'a' },
		{ "fonts", required_argument, NULL, 'f' },
		{ "mode", required_argument, NULL, 'm' },
		CLI_COMMON_OPTS, { 0 }
	};
	int ch;

	memset(a, 0, sizeof(*a));
	a->out = "pdf";
	a->mode = 0600;
	while ((ch = cli_parse_opt(c, argc, argv, opts)) != -1) {
		switch (ch) {
		case 'o': a->out = optarg; break;
		case 'j': a->jobs = atoi(optarg); break;
		case 'b': a->batch = optarg; break;
		case 'g': a->org = optarg; break;
		case 'a': a->all = 1; break;
		case 'f': a->fontpaths = optarg; break;
		case 'm':
			if (cli_parse_mode(optarg, &a->mode, e) != 0)
				return cli_print_error(c, e);
			break;
		case 'h':
			printf("usage: skillcert render [--out DIR] [--jobs N] "
			    "(CERTNO... | --batch ID | --org CODE | --all)\n\n"
			    "One A4 PDF per certificate, DIR/CERTNO.pdf (default DIR: ./pdf), "
			    "replaced\natomically. Reads the registry read-only; needs no "
			    "private key. --jobs\ndefaults to the number of CPUs. --fonts "
			    "A.ttf:B.ttc overrides the font chain. The PDFs hold the full "
			    "ID number:\nthey are written 0600 unless --mode OCTAL says "
			    "otherwise.\n");
			return 0;
		default: return ERR_USAGE;
		}
	}
	if (!a->batch && !a->org && !a->all && optind >= argc) {
		err_set(e, ERR_USAGE, "render what? CERTNO..., --batch ID, --org CODE "
		    "or --all");
		return cli_print_error(c, e);
	}
	a->certnos = argv + optind;
	a->ncertnos = argc - optind;
	if (a->jobs <= 0)
		a->jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (a->jobs < 1)
		a->jobs = 1;
	if (a->jobs > CMD_RENDER_JOBS_MAX)
		a->jobs = CMD_RENDER_JOBS_MAX;
	return CLI_RUN;
}

static int
cmd_render_add_no(const struct cert_record *c, void *arg)
{
	struct buf *b = arg;
	return buf_append(b, c->cert.no, CERTNO_LEN + 1) ? 1 : 0;
}

/* The numbers to render, into list, in one read transaction. */
static int
cmd_render_collect_nos(struct registry *r, const struct cmd_render_args *a,
    struct buf *list, struct err *e)
{
	MDB_txn *txn = NULL;
	int rc = 0;

	if ((rc = registry_txn_begin(r, 1, &txn, e)) != 0)
		return rc;
	if (a->batch)
		rc = registry_each_cert_of_batch(r, txn, a->batch,
		    cmd_render_add_no, list, e);
	else if (a->org || a->all)
		rc = registry_each_cert(r, txn, a->org ? a->org : "",
		    cmd_render_add_no, list, e);
	else
		for (int i = 0; i < a->ncertnos && rc == 0; i++) {
			struct cert_record rec;
			if ((rc = registry_get_cert(r, txn, a->certnos[i], &rec, e)) == 0)
				cmd_render_add_no(&rec, list);
		}
	mdb_txn_abort(txn);
	return rc;
}

/* Fills and renders one certificate; the record's strings live in txn. */
static int
cmd_render_make_pdf(struct cmd_render_job *j, MDB_txn *txn, const char *no,
    struct buf *pdf, struct err *e)
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
	if (buf_write_file_atomic(pdf, path, j->mode) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", path, strerror(errno));
	else
		atomic_fetch_add(&j->bytes, pdf->len);
out:
	buf_free(&tok);
	buf_free(&url);
	return rc;
}

/* One failure, said at once on stderr, or kept for the JSON report. */
static void
cmd_render_report_failure(struct cmd_render_job *j, const char *no,
    const struct err *e)
{
	struct json js;

	atomic_fetch_add(&j->failed, 1);
	pthread_mutex_lock(&j->mu);
	if (j->json) {
		json_init(&js, &j->errors);
		js.first[0] = j->errors.len == 0;
		json_obj_begin(&js);
		json_kstr(&js, "certno", no);
		json_kstr(&js, "error", e->msg);
		json_obj_end(&js);
	} else {
		fprintf(stderr, "\nskillcert render: %s: %s\n", no, e->msg);
	}
	pthread_mutex_unlock(&j->mu);
}

static void *
cmd_render_work(void *arg)
{
	struct cmd_render_job *j = arg;
	struct buf pdf = BUF_INIT;
	MDB_txn *txn = NULL;
	struct err e;
	size_t i;

	if (registry_txn_begin_reader(j->r, &txn, &e) != 0) {
		/* The others (or the final tally) take its share. */
		pthread_mutex_lock(&j->mu);
		if (!j->json)
			fprintf(stderr, "skillcert render: %s\n", e.msg);
		pthread_mutex_unlock(&j->mu);
		atomic_fetch_sub(&j->alive, 1);
		return NULL;
	}
	while ((i = atomic_fetch_add(&j->next, 1)) < j->n) {
		if (cmd_render_make_pdf(j, txn, j->nos[i], &pdf, &e) != 0)
			cmd_render_report_failure(j, j->nos[i], &e);
		atomic_fetch_add(&j->done, 1);
	}
	atomic_fetch_sub(&j->alive, 1);
	mdb_txn_abort(txn);
	buf_free(&pdf);
	return NULL;
}

/* Runs up to jobs workers on j and shows their progress; renders on this
 * thread if none starts. */
static int
cmd_render_run_jobs(struct cmd_render_job *j, int jobs, const struct cli *c,
    struct err *e)
{
	pthread_t tid[CMD_RENDER_JOBS_MAX];
	pthread_attr_t attr;
	int started = 0;

	if ((size_t)jobs > j->n)
		jobs = (int)j->n;
	if (pthread_mutex_init(&j->mu, NULL) != 0)
		return err_set(e, ERR_INTERNAL, "cannot create a mutex");
	atomic_store(&j->alive, jobs);
	if (pthread_attr_init(&attr) == 0) {
		/* libharu keeps big arrays on the stack */
		if (pthread_attr_setstacksize(&attr, 1u << 20) == 0)
			for (int t = 0; t < jobs; t++)
				if (pthread_create(&tid[started], &attr, cmd_render_work,
				    j) == 0)
					started++;
		pthread_attr_destroy(&attr);
	}
	atomic_fetch_sub(&j->alive, jobs - started);
	if (started == 0) {
		atomic_store(&j->alive, 1);
		cmd_render_work(j);
	}
	/* Until all is done, or no worker is left to do it. */
	while (atomic_load(&j->done) < j->n && atomic_load(&j->alive) > 0) {
		if (!c->quiet && !c->json)
			cli_print_progress(NULL, "render", atomic_load(&j->done), j->n);
		usleep(100000);
	}
	for (int t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	/* Numbers no worker could take count as failed. */
	if (atomic_load(&j->done) < j->n) {
		size_t left = j->n - atomic_load(&j->done);
		atomic_fetch_add(&j->failed, left);
		atomic_store(&j->done, j->n);
		err_set(e, ERR_DB, "%zu certificate%s not rendered: no reader "
		    "could start", left, left == 1 ? "" : "s");
		pthread_mutex_destroy(&j->mu);
		return e->code;
	}
	if (!c->quiet && !c->json)
		cli_print_progress(NULL, "render", j->n, j->n);
	pthread_mutex_destroy(&j->mu);
	return 0;
}

static void
cmd_render_print_report(const struct cli *c, const struct cmd_render_job *j)
{
	size_t failed = atomic_load(&j->failed), ok = j->n - failed;
	unsigned long long bytes = atomic_load(&j->bytes);

	if (c->json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		json_kstr(&d.j, "out", j->outdir);
		json_kint(&d.j, "rendered", (int64_t)ok);
		json_kint(&d.j, "failed", (int64_t)failed);
		json_kint(&d.j, "bytes", (int64_t)bytes);
		json_key(&d.j, "errors");
		buf_append_byte(&d.b, '[');
		buf_append(&d.b, j->errors.data, j->errors.len);
		buf_append_byte(&d.b, ']');
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (!c->quiet) {
		printf("rendered %zu PDF%s into %s/ (%.1f KB mean)%s\n", ok,
		    ok == 1 ? "" : "s", j->outdir,
		    ok ? (double)bytes / (double)ok / 1024.0 : 0.0,
		    failed ? ", some failed (see above)" : "");
	}
}

int
cmd_render(int argc, char **argv)
{
	struct cmd_render_args a;
	struct cli c;
	struct err e;
	struct registry *r = NULL;
	struct render_fonts *fonts = NULL;
	struct buf list = BUF_INIT;
	struct cmd_render_job j;
	char outdir[PATH_MAX];
	int rc;

	cli_init(&c);
	err_clear(&e);
	memset(&j, 0, sizeof(j));
	if ((rc = cmd_render_parse_args(argc, argv, &c, &a, &e)) != CLI_RUN)
		return rc;
	/* "out/" and "out" name one directory: paths and messages say "out". */
	snprintf(outdir, sizeof(outdir), "%s", a.out);
	for (size_t n = strlen(outdir); n > 1 && outdir[n - 1] == '/'; n--)
		outdir[n - 1] = '\0';
	a.out = outdir;
	if (mkdir(a.out, 0700) != 0 && errno != EEXIST) {
		rc = err_set(&e, ERR_IO, "cannot create %s: %s", a.out, strerror(errno));
		goto out;
	}
	if ((rc = cli_open_registry(&c, REG_RDONLY, &r, &e)) != 0 ||
	    (rc = render_fonts_open(&fonts, a.fontpaths, &e)) != 0 ||
	    (rc = cmd_render_collect_nos(r, &a, &list, &e)) != 0)
		goto out;
	j.r = r;
	j.fonts = fonts;
	j.outdir = a.out;
	j.mode = a.mode;
	j.nos = (char (*)[CERTNO_LEN + 1])list.data;
	j.n = list.len / (CERTNO_LEN + 1);
	j.json = c.json;
	if (j.n == 0) {
		rc = err_set(&e, ERR_NOTFOUND, "no certificates to render");
		goto out;
	}
	if ((rc = cmd_render_run_jobs(&j, a.jobs, &c, &e)) != 0)
		goto out;
	cmd_render_print_report(&c, &j);
	if (atomic_load(&j.failed))
		rc = ERR_INVALID;
out:
	buf_free(&list);
	buf_free(&j.errors);
	render_fonts_close(fonts);
	/* Each failed certificate was reported as it failed; the rest not. */
	return cli_end_cmd(&c, r, NULL, rc, rc == ERR_INVALID &&
	    atomic_load(&j.failed) ? NULL : &e);
}
