/* server.h - the public lookup server (skillcertd, `skillcert serve`).
 *
 * HTTP/1.1 on libevent's core: N threads, each with its own event_base
 * and SO_REUSEPORT listener on the same address, a strict request-head
 * parser (http_req.h) and bounds per connection and per client. The
 * registry is opened read-only (no private key is ever loaded); each
 * thread keeps one LMDB read transaction that it renews at the start of
 * a request and resets at its end, so an issuance or revocation committed
 * by the CLI is visible to the next request.
 *
 * Routes:
 *   GET /                           search form (证书编号 + 姓名)
 *   GET /search?no=&name=           result page, holder masked
 *   GET /v/{token}, /V/{token}      QR verdict page: 有效 / 已撤销 / 无法验证
 *   GET /v/{token}/photo            the holder's photo (only with the token)
 *   GET /v1/certificates/{no}?name= JSON, holder masked; number + exact name
 *   GET /v1/verify?token=           JSON verdict
 *   GET /v1/orgs/{code}             JSON organization
 *   GET /healthz, GET /metrics      liveness, Prometheus text */
#ifndef SKILLCERT_SERVER_H
#define SKILLCERT_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/err.h"

struct server_config {
	const char *db_dir;        /* registry; NULL = REG_DIR_DEFAULT */
	const char *keys_dir;      /* NULL = DB/keys (public parts only are read) */
	const char *listen;        /* "127.0.0.1:8080", "[::1]:8080"; port 0 = any */
	int threads;               /* worker threads, >= 1 */
	const char *tls_cert;      /* PEM chain; with tls_key enables HTTPS */
	const char *tls_key;
	double rate;               /* lookups per second per client; 0 = off */
	double burst;              /* bucket size; 0 = max(2 * rate, 10) */
	const char *access_log;    /* NULL none, "-" stdout, else a file (append) */
	int max_conns;             /* open connections, all threads together */
	int max_conns_per_addr;    /* per client address (IPv6: /64); 0 = any */
	int timeout_s;             /* keep-alive idle and write timeout */
	int head_timeout_s;        /* whole request head, from its first byte */
	const char *trust_proxy;   /* CIDR whose X-Forwarded-For is believed */
	size_t max_headers;        /* request line + headers, bytes */
	size_t max_body;           /* request body, bytes */
	int backlog;               /* listen(2) backlog per thread */
	size_t rl_entries;         /* rate-limit table entries (shared) */
	int quiet;                 /* no startup line on stderr */
};

/* Fills the defaults: 127.0.0.1:8080, 1 thread, rate 10/s burst 20,
 * 65,536 connections (fitted under the open-file limit), 256 per address,
 * 15 s idle timeout, 10 s for a whole head, 8 KB headers, 1 KB body,
 * backlog 1024, 65,536 rate-limit entries. */
void server_config_defaults(struct server_config *c);

/* Opens the registry read-only, binds, serves until SIGTERM or SIGINT,
 * then stops every thread, joins them and closes the registry. Prints
 * "skillcertd: listening on http://ADDR:PORT (N threads)" on stderr once
 * every listener is bound (the real port when port 0 was asked for).
 * Returns 0 after a clean shutdown, or an err code (ERR_USAGE for a bad
 * config, ERR_NOTFOUND/ERR_DB for the registry, ERR_IO for a socket or
 * TLS file, ERR_NOMEM). */
int server_run(const struct server_config *c, struct err *e);

/* Command-line front end shared by skillcertd and `skillcert serve`:
 *   [--db DIR] [--keys DIR] [--listen ADDR:PORT] [--threads N]
 *   [--tls-cert F --tls-key F] [--rate N/s|N/m|0] [--burst N]
 *   [--access-log FILE|-] [--max-conns N] [--timeout S] [--quiet] [--help]
 * argv[0] names the program in messages; getopt state is reset first.
 * Returns the process exit code (0, 64 usage, or server_run's code). */
int server_main(int argc, char **argv);
void server_usage(const char *prog, int full);

/* ---- in-process handling (tests, benchmarks, fuzzing) ---------------
 * The same request handler the threads run, without sockets: one handle
 * is one thread's state and must be used by one thread at a time. */
struct server_handler;

enum server_cache { SRV_CACHE_NO_STORE = 0, SRV_CACHE_PUBLIC = 1 };

struct server_response {
	int status;                /* 200, 404, 429 ... */
	int route;                 /* enum http_route (http_parse.h) */
	const char *content_type;  /* always with charset=utf-8 when text */
	int cache;                 /* enum server_cache */
	uint32_t retry_after;      /* seconds, with 429 */
	const uint8_t *body;       /* valid until the next call on the handle */
	size_t body_len;
	char etag[40];             /* "" none; else sent as ETag */
};

int server_handler_open(struct server_handler **h,
    const struct server_config *c, struct err *e);
/* method: "GET", "HEAD", "POST" ...; uri: the request-target as received;
 * client: the peer's textual IP address (rate limiting key). */
int server_handler_request(struct server_handler *h, const char *method,
    const char *uri, const char *client, struct server_response *out);
void server_handler_close(struct server_handler *h);

/* Content-Security-Policy sent with every response: scripts and every
 * other fetch forbidden; the pages' one inline stylesheet allowed by its
 * SHA-256 hash (computed when the handler opens); images from this origin
 * and data: URIs; forms only to this origin; no framing. */
const char *server_handler_csp(const struct server_handler *h);

#endif
