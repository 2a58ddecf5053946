/* portal.c - the portal's process state (registry, keys, accounts, fonts,
 * the issuing thread) and the router every request goes through. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "portal_int.h"
#include "api.h"
#include "skillcert/base/html.h"
#include "skillcert/model/keys.h"
#include "skillcert/roster/xlsx.h"

void
portal_config_defaults(struct portal_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = "127.0.0.1:8443";
	c->threads = 4;
	c->hash_threads = 1;
	c->max_body = 16u << 20;
	c->max_headers = 16u << 10;
	c->timeout_s = 30;
	c->max_conns = 1024;
}

/* The passphrase file, refused when others may read it (as the CLI). */
static int
portal_read_passphrase(const char *path, char **out, struct err *e)
{
	struct buf b = BUF_INIT;
	struct stat st;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return err_set(e, ERR_DENIED, "cannot read passphrase file %s: %s",
		    path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = err_set(e, ERR_DENIED, "passphrase file %s is not a regular "
		    "file", path);
	else if (st.st_mode & 077)
		rc = err_set(e, ERR_DENIED, "passphrase file %s is mode %04o: "
		    "chmod 600 it", path, (unsigned)(st.st_mode & 07777));
	close(fd);
	if (rc == 0 && buf_read_file(&b, path, 4096) != 0)
		rc = err_set(e, ERR_DENIED, "cannot read passphrase file %s", path);
	while (rc == 0 && b.len && (b.data[b.len - 1] == '\n' ||
	    b.data[b.len - 1] == '\r'))
		b.len--;
	if (rc == 0 && (buf_cstr(&b) == NULL || b.len == 0))
		rc = err_set(e, ERR_DENIED, "passphrase file %s is empty", path);
	if (rc == 0 && (*out = strdup((char *)b.data)) == NULL)
		rc = err_set(e, ERR_NOMEM, "out of memory");
	buf_free_wipe(&b);
	return rc;
}

struct portal_keycheck {
	struct portal *p;
	struct err *e;
	int rc, n;
};

/* Decrypts an active organization's current key once at start, so a
 * wrong passphrase fails here rather than at the first issuance, and
 * keeps it: no issuance reads the key file or runs the KDF again. */
static int
portal_check_orgkey(const struct org *o, void *arg)
{
	struct portal_keycheck *x = arg;
	char path[PATH_MAX];
	const struct key *kept;
	struct key k;

	if (o->status != ORG_ACTIVE)
		return 0;
	registry_org_key_path(x->p->reg, o->code, o->kid, path);
	memset(&k, 0, sizeof(k));
	if ((x->rc = key_load_secret(path, x->p->passphrase, &k, x->e)) != 0) {
		err_prefix(x->e, "organization %s: ", o->code);
		return 1;
	}
	if ((x->rc = portal_key_keep(x->p, o->code, &k, &kept, x->e)) != 0)
		return 1;
	x->n++;
	return 0;
}

static int
portal_load_keys(struct portal *p, struct err *e)
{
	struct portal_keycheck x = { p, e, 0, 0 };
	MDB_txn *txn = NULL;
	int rc;

	if ((rc = registry_load_secrets(p->reg, p->passphrase, e)) != 0)
		return rc;
	if ((rc = registry_txn_begin(p->reg, 1, &txn, e)) != 0)
		return rc;
	rc = registry_each_org(p->reg, txn, portal_check_orgkey, &x, e);
	mdb_txn_abort(txn);
	if (!p->cfg.quiet && rc == 0 && x.rc == 0)
		fprintf(stderr, "skillcert-portald: %d organization key(s) "
		    "checked and loaded\n", x.n);
	return x.rc ? x.rc : rc;
}

/* Tests only: $SKILLCERT_PORTAL_TEST_CLOCK names a file holding a number
 * of seconds added to the real clock, read at every call, so an end-to-end
 * test can let a session expire without waiting 30 minutes. */
static int64_t
portal_test_clock(void *arg)
{
	const struct portal *p = arg;
	char b[32] = "";
	FILE *f = fopen(p->test_clock, "r");

	if (f) {
		if (fgets(b, sizeof(b), f) == NULL)
			b[0] = '\0';
		fclose(f);
	}
	return (int64_t)time(NULL) + strtoll(b, NULL, 10);
}

static int
portal_open_parts(struct portal *p, struct err *e)
{
	struct registry_opts ro = { p->cfg.keys_dir, 0, 0 };
	struct acct_config ac;
	int rc;

	roster_xlsx_init();            /* before any request thread parses XML */
	if (p->cfg.passphrase_file == NULL)
		return err_set(e, ERR_USAGE, "the portal needs --passphrase-file "
		    "(it decrypts the organizations' keys)");
	if ((rc = portal_read_passphrase(p->cfg.passphrase_file,
	    &p->passphrase, e)) != 0 ||
	    (rc = registry_open(&p->reg, p->cfg.db_dir, &ro, e)) != 0 ||
	    (rc = portal_load_keys(p, e)) != 0 ||
	    (rc = render_fonts_open(&p->fonts, p->cfg.fonts, e)) != 0)
		return rc;
	acct_config_defaults(&ac);
	ac.hash_threads = p->cfg.hash_threads > 0 ? p->cfg.hash_threads : 1;
	/* A login waits for the pool only behind one other: the rest are refused
	 * at once (429), so a flood cannot hold the request threads and starve
	 * issuance and the API behind them. */
	ac.hash_queue = 1;
	ac.issuer = "skillcert";
	if ((rc = acct_service_open(&p->acct, p->reg, &ac, e)) != 0)
		return rc;
	const char *tc = getenv("SKILLCERT_PORTAL_TEST_CLOCK");
	if (tc && *tc) {
		snprintf(p->test_clock, sizeof(p->test_clock), "%s", tc);
		p->now = portal_test_clock;
		p->now_arg = p;
		acct_service_set_clock(p->acct, portal_test_clock, p);
		fprintf(stderr, "skillcert-portald: test clock from %s\n", tc);
	}
	if (pthread_create(&p->job_thread, NULL, portal_job_main, p) != 0)
		return err_set(e, ERR_INTERNAL, "cannot start the issuing thread");
	p->job_thread_on = 1;
	return 0;
}

int
portal_open(struct portal **out, const struct portal_config *c, struct err *e)
{
	struct portal *p;
	int rc;

	*out = NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	p->cfg = *c;
	pthread_mutex_init(&p->wlock, NULL);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->job_cv, NULL);
	pthread_cond_init(&p->ireq_cv, NULL);
	pthread_mutex_init(&p->keys_mu, NULL);
	snprintf(p->origin, sizeof(p->origin), "%s",
	    c->public_origin ? c->public_origin : "");
	if ((rc = portal_open_parts(p, e)) != 0) {
		portal_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
portal_close(struct portal *p)
{
	if (p == NULL)
		return;
	if (p->job_thread_on) {
		pthread_mutex_lock(&p->mu);
		p->stopping = 1;
		pthread_cond_broadcast(&p->job_cv);
		pthread_mutex_unlock(&p->mu);
		pthread_join(p->job_thread, NULL);
	}
	for (size_t i = 0; i < PORTAL_ROSTERS; i++) {
		explicit_bzero(p->rosters[i].csv.data, p->rosters[i].csv.cap);
		buf_free(&p->rosters[i].csv);
	}
	if (p->acct)
		acct_service_close(p->acct);
	if (p->fonts)
		render_fonts_close(p->fonts);
	if (p->reg)
		registry_close(p->reg);   /* wipes the loaded secret keys */
	portal_keys_free(p);
	if (p->passphrase) {
		explicit_bzero(p->passphrase, strlen(p->passphrase));
		free(p->passphrase);
	}
	pthread_cond_destroy(&p->job_cv);
	pthread_cond_destroy(&p->ireq_cv);
	pthread_mutex_destroy(&p->keys_mu);
	pthread_mutex_destroy(&p->mu);
	pthread_mutex_destroy(&p->wlock);
	explicit_bzero(p, sizeof(*p));
	free(p);
}

void
portal_resp_free(struct portal_resp *resp)
{
	buf_free(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

void
portal_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body);
	if (strncmp(rq->path, "/api/", 5) == 0 || strcmp(rq->path, "/api") == 0) {
		if (portal_api_handle(p, rq, resp) == 0)
			return;
		resp_json_error(resp, 404, "not_found", "no such API route");
		return;
	}
	if (portal_pages_handle(p, rq, resp) == 0)
		return;
	buf_reset(&resp->body);
	resp->nhdr = 0;
	resp_html(resp, 404);
	buf_append_str(&resp->body, "<!doctype html><meta charset=utf-8>"
	    "<title>未找到</title><p>未找到 (404)</p>\n");
}
