/* common.c - what each subcommand would otherwise write again: common
 * options, passphrase, registry open and close, error and JSON output. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "skillcert/base/utf8.h"

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

/* The passphrase file holds a secret: a file others can read, or one that
 * is empty, is refused rather than trusted. */
static int
cli_load_passfile(struct cli *c, struct err *e)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int fd, rc = 0;

	if ((fd = open(c->passfile, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return err_set(e, ERR_DENIED, "cannot read passphrase file %s: %s",
		    c->passfile, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = err_set(e, ERR_DENIED, "passphrase file %s is not a regular "
		    "file", c->passfile);
	else if (st.st_mode & 077)
		rc = err_set(e, ERR_DENIED, "passphrase file %s is mode %04o: "
		    "others could read it; chmod 600 it", c->passfile,
		    (unsigned)(st.st_mode & 07777));
	close(fd);
	if (rc == 0 && (buf_read_file(&b, c->passfile, 4096) != 0 ||
	    buf_cstr(&b) == NULL))
		rc = err_set(e, ERR_DENIED, "cannot read passphrase file %s",
		    c->passfile);
	while (rc == 0 && b.len && (b.data[b.len - 1] == '\n' ||
	    b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	if (rc == 0 && b.len == 0)
		rc = err_set(e, ERR_DENIED, "passphrase file %s is empty",
		    c->passfile);
	if (rc == 0 && (c->passphrase = strdup((char *)b.data)) == NULL)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	buf_free_wipe(&b);
	return rc;
}

int
cli_read_passphrase(struct cli *c, int creating, const char **out,
    struct err *e)
{
	const char *env;
	size_t n;
	int rc;

	*out = NULL;
	if (!c->passphrase && c->passfile &&
	    (rc = cli_load_passfile(c, e)) != 0)
		return rc;
	if (!c->passphrase && (env = getenv("SKILLCERT_PASSPHRASE")) != NULL &&
	    *env && (c->passphrase = strdup(env)) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	if (c->passphrase == NULL)
		return 0;
	/* Only new keys need a strong one: a key made before this rule must
	 * still open with the passphrase it was made with. */
	if (creating && (n = utf8_count(c->passphrase)) < CLI_PASSPHRASE_MIN)
		return err_set(e, ERR_DENIED, "the passphrase is %zu characters; "
		    "new keys need at least %d", n, CLI_PASSPHRASE_MIN);
	*out = c->passphrase;
	return 0;
}

int
cli_parse_mode(const char *s, int *mode, struct err *e)
{
	char *end;
	long m;

	errno = 0;
	m = strtol(s, &end, 8);
	if (errno || *s == '\0' || *end != '\0' || m < 0 || m > 0777 ||
	    !(m & 0400))
		return err_set(e, ERR_USAGE, "--mode %s: give file permissions in "
		    "octal, readable by the owner (e.g. 600 or 640)", s);
	*mode = (int)m;
	return 0;
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
	if (flags & CLI_SECRETS) {
		const char *pass;
		if ((rc = cli_read_passphrase(c, 0, &pass, e)) != 0 ||
		    (rc = registry_load_secrets(*r, pass, e)) != 0)
			return rc;
	}
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
