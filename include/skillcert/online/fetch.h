/* fetch.h - HTTPS GETs for the online check (libcurl): connect and total
 * timeouts, IPv4 and IPv6, redirects refused, bodies capped, the system's
 * CA store or a given CA file. Plain http:// only to a loopback address. */
#ifndef SKILLCERT_FETCH_H
#define SKILLCERT_FETCH_H

#include <stddef.h>
#include <stdint.h>
#include "skillcert/base/buf.h"
#include "skillcert/base/err.h"

#define FETCH_TIMEOUT_DEFAULT_MS 10000
#define FETCH_CONNECT_DEFAULT_MS 5000
#define FETCH_BASE_MAX 512

struct fetch_opts {
	const char *ca;                /* CA file; NULL = the system store */
	long timeout_ms;               /* per request; 0 = default */
	long connect_ms;               /* 0 = default */
	size_t max_body;               /* 0 = ANSWER_BODY_MAX */
};

struct fetch {
	void *curl;                    /* CURL *, reused: one connection */
	char base[FETCH_BASE_MAX];     /* without a trailing slash */
	struct fetch_opts o;
	uint64_t bytes;                /* headers and bodies received */
	int requests;
};

/* Checks base (https://, or http:// to 127.0.0.0/8 or ::1) and makes the
 * handle. ERR_USAGE for a refused URL. */
int fetch_open(struct fetch *f, const char *base, const struct fetch_opts *o,
    struct err *e);
/* GET base + path into body: 0 on HTTP 200; ERR_NOTFOUND on 404;
 * ERR_IO for anything else (timeouts, redirects, truncation, size). */
int fetch_get(struct fetch *f, const char *path, struct buf *body,
    struct err *e);
void fetch_close(struct fetch *f);

#endif
