/* portal.h - the issuer portal (skillcert-portald, `skillcert portal`):
 * organizations issue and revoke, the authority files organizations and
 * supervises, from a browser or through the JSON API under /api/v1/.
 *
 * The process opens the registry read-write and loads the organizations'
 * keys once (passphrase file at start; wiped at exit). HTTPS is required
 * (libevent's evhttp over bufferevent_openssl) except on a loopback
 * address with --insecure-loopback. Requests are handled in-process by
 * portal_handle(), the same function the socket layer calls, so tests
 * and fuzzers drive it without a network. */
#ifndef SKILLCERT_PORTAL_H
#define SKILLCERT_PORTAL_H
#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"
#include "skillcert/base/buf.h"

struct portal_config {
	const char *db_dir;          /* registry (read-write) */
	const char *keys_dir;        /* NULL = DB/keys */
	const char *passphrase_file; /* decrypts the organizations' keys */
	const char *listen;          /* "127.0.0.1:8443" */
	const char *tls_cert, *tls_key;
	int insecure_loopback;       /* plain HTTP, only on 127.0.0.0/8 or ::1 */
	const char *public_origin;   /* "https://portal.example" for Origin checks;
	                                NULL = derived from listen */
	const char *fonts;           /* render font chain, NULL = default */
	int threads;                 /* request threads */
	int hash_threads;            /* password-hashing pool */
	size_t max_body;             /* upload bound, bytes (default 16 MiB) */
	size_t max_headers;          /* default 16 KiB */
	int timeout_s;               /* per connection, default 30 */
	int max_conns;               /* default 1024 */
	const char *access_log;      /* NULL, "-" or file (never full ID numbers) */
	int quiet;
};
void portal_config_defaults(struct portal_config *c);

/* One request as read off the socket (or built by a test). */
enum portal_method { PM_GET = 1, PM_HEAD, PM_POST, PM_PUT, PM_DELETE, PM_OTHER };
struct portal_req {
	int method;                  /* enum portal_method */
	const char *path;            /* decoded path, no query */
	const char *query;           /* raw query string or NULL */
	const char *content_type;    /* header values, NULL if absent */
	const char *cookie;
	const char *authorization;
	const char *origin;
	const char *sec_fetch_site;
	const char *accept;
	const uint8_t *body;
	size_t body_len;
	char client[48];             /* peer address */
};
#define PORTAL_HDRS 8
struct portal_resp {
	int status;
	char content_type[96];
	struct buf body;             /* owned by the response */
	int nhdr;
	char hdr_name[PORTAL_HDRS][32];
	char hdr_value[PORTAL_HDRS][512];  /* Set-Cookie, Location, ... */
};

struct portal;                   /* the process state; thread-safe */
int portal_open(struct portal **p, const struct portal_config *c,
    struct err *e);
void portal_close(struct portal *p);
/* Handles one request (any thread). resp is initialised by the call and
 * must be released with portal_resp_free. */
void portal_handle(struct portal *p, const struct portal_req *rq,
    struct portal_resp *resp);
void portal_resp_free(struct portal_resp *resp);
/* Binds, serves until SIGTERM/SIGINT; prints
 * "skillcert-portald: listening on http(s)://ADDR:PORT" on stderr. */
int portal_run(const struct portal_config *c, struct err *e);
/* Command line shared by skillcert-portald and `skillcert portal`. */
int portal_main(int argc, char **argv);
#endif
