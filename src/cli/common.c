/* common.c - options, passphrases, errors and output shared by subcommands. */
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
cli_done(struct cli *c)
{
	if (c->passphrase) {
		explicit_bzero(c->passphrase, strlen(c->passphrase));
		free(c->passphrase);
		c->passphrase = NULL;
	}
}

int
cli_common(struct cli *c, int opt, const char *arg)
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

const char *
cli_passphrase(struct cli *c)
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
size_t
cli_map_size(void)
{
	const char *s = getenv("SKILLCERT_MAP_GB");
	long gb = s ? strtol(s, NULL, 10) : 0;

	return gb > 0 && gb <= 1 << 20 ? (size_t)gb << 30 : 0;
}

int
cli_open(struct cli *c, int flags, struct registry **r, struct err *e)
{
	struct registry_opts o = { c->keys, flags, cli_map_size() };

	return registry_open(r, c->db, &o, e);
}

int
cli_fail(const struct cli *c, const struct err *e)
{
	if (c->json) {
		struct buf b = BUF_INIT;
		struct json j;
		json_init(&j, &b);
		json_obj_begin(&j);
		json_key(&j, "error");
		json_obj_begin(&j);
		json_kstr(&j, "code", err_name(e->code));
		json_kstr(&j, "message", e->msg);
		json_obj_end(&j);
		json_obj_end(&j);
		cli_print_json(&b);
		buf_free(&b);
	} else {
		fprintf(stderr, "skillcert: %s\n", e->msg);
	}
	return e->code ? e->code : ERR_INTERNAL;
}

void
cli_print_json(struct buf *b)
{
	fwrite(b->data, 1, b->len, stdout);
	fputc('\n', stdout);
	fflush(stdout);
}

void
cli_progress(void *arg, const char *phase, size_t done, size_t total)
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

int
cli_commit(MDB_txn **txn, struct err *e)
{
	int rc = mdb_txn_commit(*txn);

	*txn = NULL;
	if (rc != 0)
		return err_set(e, rc == MDB_MAP_FULL ? ERR_FULL : ERR_DB,
		    "commit: %s", mdb_strerror(rc));
	return 0;
}
