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
#include "skillcert/render/batch.h"
#include "skillcert/base/date.h"
#include "skillcert/model/level.h"

#define CMD_RENDER_JOBS_MAX 64

struct cmd_render_args {
	const char *out, *batch, *org, *fontpaths;
	const char *pdf_all, *zip;       /* one file for all, instead of DIR */
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
		{ "pdf-all", required_argument, NULL, 'P' },
		{ "zip", required_argument, NULL, 'Z' },
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
		case 'P': a->pdf_all = optarg; break;
		case 'Z': a->zip = optarg; break;
		case 'm':
			if (cli_parse_mode(optarg, &a->mode, e) != 0)
				return cli_print_error(c, e);
			break;
		case 'h':
			printf("usage: skillcert render [--out DIR | --pdf-all FILE | "
			    "--zip FILE] [--jobs N] "
			    "(CERTNO... | --batch ID | --org CODE | --all)\n\n"
			    "One A4 PDF per certificate, DIR/CERTNO.pdf (default DIR: ./pdf), "
			    "replaced\natomically. Reads the registry read-only; needs no "
			    "private key. --jobs\ndefaults to the number of CPUs. --fonts "
			    "A.ttf:B.ttc overrides the font chain. The PDFs hold the full "
			    "ID number:\nthey are written 0600 unless --mode OCTAL says "
			    "otherwise.\n\n"
			    "--pdf-all FILE: all of them as pages of one PDF "
			    "(printing a batch), fonts\nsubset once. --zip FILE: a ZIP "
			    "of CERTNO.pdf (stored). Either replaces --out.\n");
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

/* Renders one certificate and writes it to the output directory. */
static int
cmd_render_make_pdf(struct cmd_render_job *j, MDB_txn *txn, const char *no,
    struct buf *pdf, struct err *e)
{
	char path[PATH_MAX];
	int rc;

	if ((rc = render_record_pdf(j->fonts, j->r, txn, no, pdf, e)) != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/%s.pdf", j->outdir, no);
	/* Written beside and renamed: a reader never sees half a PDF. */
	if (buf_write_file_atomic(pdf, path, j->mode) != 0)
		return err_set(e, ERR_IO, "cannot write %s: %s", path,
		    strerror(errno));
	atomic_fetch_add(&j->bytes, pdf->len);
	return 0;
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

/* --pdf-all / --zip: every number into one file, on this thread. */
static int
cmd_render_one_file(struct registry *r, const struct render_fonts *fonts,
    const struct buf *list, const char *path, int zip, int mode,
    struct err *e, size_t *bytes)
{
	const char **nos;
	size_t i, n = list->len / (CERTNO_LEN + 1);
	struct buf out = BUF_INIT;
	MDB_txn *txn = NULL;
	int rc;

	if ((nos = calloc(n, sizeof(*nos))) == NULL)
		return err_set(e, ERR_NOMEM, "render: out of memory");
	for (i = 0; i < n; i++)
		nos[i] = (const char *)list->data + i * (CERTNO_LEN + 1);
	if ((rc = registry_txn_begin(r, 1, &txn, e)) == 0) {
		rc = zip ? render_records_zip(fonts, r, txn, nos, n, &out, e) :
		    render_records_pdf(fonts, r, txn, nos, n, &out, e);
		mdb_txn_abort(txn);
	}
	if (rc == 0 && buf_write_file_atomic(&out, path, mode) != 0)
		rc = err_set(e, ERR_IO, "cannot write %s: %s", path,
		    strerror(errno));
	if (rc == 0)
		*bytes += out.len;
	buf_free(&out);
	free(nos);
	return rc;
}

/* The --pdf-all and --zip files, and what was made. */
static int
cmd_render_files(struct cli *c, const struct cmd_render_args *a,
    struct registry *r, const struct render_fonts *fonts,
    const struct buf *list, struct err *e)
{
	size_t n = list->len / (CERTNO_LEN + 1), bytes = 0;
	int rc = 0;

	if (a->pdf_all && (rc = cmd_render_one_file(r, fonts, list, a->pdf_all,
	    0, a->mode, e, &bytes)) != 0)
		return rc;
	if (a->zip && (rc = cmd_render_one_file(r, fonts, list, a->zip, 1,
	    a->mode, e, &bytes)) != 0)
		return rc;
	if (c->json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		if (a->pdf_all)
			json_kstr(&d.j, "pdf_all", a->pdf_all);
		if (a->zip)
			json_kstr(&d.j, "zip", a->zip);
		json_kint(&d.j, "rendered", (int64_t)n);
		json_kint(&d.j, "bytes", (int64_t)bytes);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else if (!c->quiet) {
		printf("rendered %zu certificate%s into %s%s%s (%zu bytes)\n", n,
		    n == 1 ? "" : "s", a->pdf_all ? a->pdf_all : "",
		    a->pdf_all && a->zip ? " and " : "", a->zip ? a->zip : "",
		    bytes);
	}
	return 0;
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
	if (a.pdf_all || a.zip) {
		if ((rc = cli_open_registry(&c, REG_RDONLY, &r, &e)) != 0 ||
		    (rc = render_fonts_open(&fonts, a.fontpaths, &e)) != 0 ||
		    (rc = cmd_render_collect_nos(r, &a, &list, &e)) != 0)
			goto out;
		rc = list.len == 0 ? err_set(&e, ERR_NOTFOUND, "no certificates "
		    "to render") : cmd_render_files(&c, &a, r, fonts, &list, &e);
		goto out;
	}
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
