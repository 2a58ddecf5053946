/* common.c - what each subcommand would otherwise write again: common
 * options, passphrase, registry open and close, error and JSON output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

void
cli_init(struct cli *c)
{
	memset(c, 0, sizeof(*c));
	const char *d = getenv("SKILLCERT_DB");

	c->db = d && *d ? d : REG_DIR_DEFAULT;
	optind = 1;
}

void
cli_free(struct cli *c)
{
	if (c->passphrase) {
		explicit_bzero(c->passphrase, strlen(c->passphrase));
		free(c->passphrase);
		c->passphrase = NULL;
	}
}

/* Handles a common option; returns 1 if it was one. */
static int
cli_parse_common(struct cli *c, int opt, const char *arg)
{
	switch (opt) {
	case 1001: c->db = arg; return 1;
	case 1002: c->keys = arg; return 1;
	case 1003: c->json = 1; return 1;
	case 1004: c->passfile = arg; return 1;
	case 1005: c->quiet = 1; return 1;
	}
	return 0;
}

int
cli_parse_opt(struct cli *c, int argc, char **argv, const struct option *opts)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (!cli_parse_common(c, ch, optarg))
			break;
	return ch;
}

const char *
cli_read_passphrase(struct cli *c)
{
	const char *env;

	if (c->passphrase)
		return c->passphrase;
	if (c->passfile) {
		struct buf b = BUF_INIT;
		if (buf_read_file(&b, c->passfile, 4096) != 0 || buf_cstr(&b) == NULL) {
			fprintf(stderr, "skillcert: cannot read passphrase file %s\n",
			    c->passfile);
			buf_free(&b);
			return NULL;
		}
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
			b.data[--b.len] = '\0';
		c->passphrase = strdup((char *)b.data);
		explicit_bzero(b.data, b.len);
		buf_free(&b);
		return c->passphrase;
	}
	if ((env = getenv("SKILLCERT_PASSPHRASE")) != NULL && *env)
		return c->passphrase = strdup(env);
	return NULL;
}

/* The map is sparse: its size only bounds growth. SKILLCERT_MAP_GB
 * lowers it where address space is short (valgrind maps at most ~32 GB). */
static size_t
cli_get_map_size(void)
{
	const char *s = getenv("SKILLCERT_MAP_GB");
	long gb = s ? strtol(s, NULL, 10) : 0;

	return gb > 0 && gb <= 1 << 20 ? (size_t)gb << 30 : 0;
}

struct registry_opts
cli_make_opts(const struct cli *c, int flags)
{
	struct registry_opts o = { c->keys, flags, cli_get_map_size() };

	return o;
}

int
cli_open_registry(struct cli *c, int flags, struct registry **r, struct err *e)
{
	struct registry_opts o = cli_make_opts(c, flags);

	return registry_open(r, c->db, &o, e);
}

int
cli_open_txn(struct cli *c, int flags, struct registry **r, MDB_txn **txn,
    struct err *e)
{
	int rc;

	if ((rc = cli_open_registry(c, flags & ~CLI_SECRETS, r, e)) != 0)
		return rc;
	if ((flags & CLI_SECRETS) &&
	    (rc = registry_load_secrets(*r, cli_read_passphrase(c), e)) != 0)
		return rc;
	return registry_txn_begin(*r, (flags & REG_RDONLY) != 0, txn, e);
}

int
cli_commit_txn(MDB_txn **txn, struct err *e)
{
	int rc = mdb_txn_commit(*txn);

	*txn = NULL;
	if (rc != 0)
		return err_set(e, rc == MDB_MAP_FULL ? ERR_FULL : ERR_DB,
		    "commit: %s", mdb_strerror(rc));
	return 0;
}

int
cli_end_cmd(struct cli *c, struct registry *r, MDB_txn *txn, int rc,
    const struct err *e)
{
	if (txn)
		mdb_txn_abort(txn);
	registry_close(r);
	cli_free(c);
	if (rc && e)
		return cli_print_error(c, e);
	return rc;
}

int
cli_print_error(const struct cli *c, const struct err *e)
{
	if (c->json) {
		struct cli_doc d;
		cli_begin_doc(&d);
		json_obj_begin(&d.j);
		cli_write_error(&d.j, e->code, e->msg);
		json_obj_end(&d.j);
		cli_print_doc(&d);
	} else {
		fprintf(stderr, "skillcert: %s\n", e->msg);
	}
	return e->code ? e->code : ERR_INTERNAL;
}

void
cli_write_error(struct json *j, int code, const char *msg)
{
	json_key(j, "error");
	json_obj_begin(j);
	json_kstr(j, "code", err_name(code));
	json_kstr(j, "message", msg);
	json_obj_end(j);
}

void
cli_print_progress(void *arg, const char *phase, size_t done, size_t total)
{
	int width = 30, fill;

	(void)arg;
	if (total < 200 || !isatty(STDERR_FILENO))
		return;
	fill = (int)((double)done / (double)total * width);
	fprintf(stderr, "\r%-8s [%.*s%*s] %zu/%zu", phase, fill,
	    "##############################", width - fill, "", done, total);
	if (done == total)
		fputc('\n', stderr);
	fflush(stderr);
}

void
cli_begin_doc(struct cli_doc *d)
{
	buf_init(&d->b);
	json_init(&d->j, &d->b);
}

void
cli_print_doc(struct cli_doc *d)
{
	fwrite(d->b.data, 1, d->b.len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
	cli_free_doc(d);
}

void
cli_free_doc(struct cli_doc *d)
{
	buf_free(&d->b);
}
