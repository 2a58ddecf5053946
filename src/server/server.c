/* server.c - the lookup server's process: N threads, each with its own
 * event_base, evhttp and SO_REUSEPORT listener; the main thread waits for
 * SIGTERM/SIGINT on its own event_base and then stops and joins them.
 *
 * evhttp (libevent 2.1) defaults changed here: timeouts, header and body
 * limits, a connection cap per thread, the methods it answers itself (we
 * answer 405, it would say 501), the default Content-Type's charset, and
 * EMFILE handling on accept. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "ctx.h"
#include "dispatch.h"
#include "metrics.h"
#include "respond.h"
#include "style.h"

#define LOG_FLUSH_AT 16384   /* access-log bytes buffered per thread */

struct server;

struct worker {
	int id;
	struct server *srv;
	pthread_t thr;
	int started;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *lev;
	struct event *registrar;       /* attaches close callbacks */
	struct event *log_timer;
	struct bufferevent **pending;  /* new connections, referenced */
	size_t npending, cappending;
	int conns;                     /* open connections */
	int paused;                    /* listener disabled at the cap */
	int stopping;                  /* tearing down: listener is gone */
	struct buf log;
	time_t log_sec;
	char log_ts[32];
	struct srv_ctx ctx;
} __attribute__((aligned(64)));

struct server {
	struct server_config cfg;
	struct srv_shared sh;
	struct worker *w;
	int n;
	SSL_CTX *ssl;
	int logfd;                     /* -1 none */
	struct sockaddr_storage addr;
	ev_socklen_t addrlen;
	char addrtext[80];
	struct event_base *ctl;        /* the main thread's: signals only */
	struct event *sigint, *sigterm;
};

void
server_config_defaults(struct server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = "127.0.0.1:8080";
	c->threads = 1;
	c->rate = 10;
	c->burst = 20;
	c->max_conns = 1024;
	c->timeout_s = 15;
	c->max_headers = 8192;
	c->max_body = 1024;
	c->backlog = 1024;
	c->rl_entries = 16384;
}

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- address ---- */

/* "127.0.0.1:8080", "[::1]:8080", ":8080" (= 127.0.0.1: loopback unless
 * an address is given explicitly). */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, ev_socklen_t *len,
    struct err *e)
{
	char host[64];
	const char *colon, *hs = s, *he;
	char *end;
	long port;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		hs = s + 1;
		if ((he = strchr(hs, ']')) == NULL || he[1] != ':')
			return err_set(e, ERR_USAGE, "bad --listen %s: want "
			    "[ADDR]:PORT", s);
		colon = he + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return err_set(e, ERR_USAGE, "bad --listen %s: want "
			    "ADDR:PORT", s);
		he = colon;
	}
	if ((size_t)(he - hs) >= sizeof(host))
		return err_set(e, ERR_USAGE, "bad --listen %s", s);
	memcpy(host, hs, (size_t)(he - hs));
	host[he - hs] = '\0';
	if (host[0] == '\0')
		snprintf(host, sizeof(host), "127.0.0.1");
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end != '\0' || colon[1] == '\0' || port < 0 ||
	    port > 65535)
		return err_set(e, ERR_USAGE, "bad port in --listen %s", s);
	if (s[0] != '[') {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return err_set(e, ERR_USAGE, "bad IPv4 address in "
			    "--listen %s", s);
		*len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return err_set(e, ERR_USAGE, "bad IPv6 address in "
			    "--listen %s", s);
		*len = sizeof(*sin6);
	}
	return 0;
}

static uint16_t
addr_port(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ?
	    ntohs(((const struct sockaddr_in6 *)ss)->sin6_port) :
	    ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static void
addr_format(const struct sockaddr_storage *ss, char *out, size_t cap)
{
	char h[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    h, sizeof(h));
		snprintf(out, cap, "[%s]:%u", h, addr_port(ss));
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
		    h, sizeof(h));
		snprintf(out, cap, "%s:%u", h, addr_port(ss));
	}
}

/* ---- access log ---- */

static void
log_flush(struct worker *w)
{
	size_t off = 0;
	ssize_t n;

	if (w->srv->logfd < 0 || w->log.len == 0)
		return;
	/* One write per batch of whole lines: O_APPEND keeps threads'
	 * batches from interleaving inside a line. */
	while (off < w->log.len) {
		n = write(w->srv->logfd, w->log.data + off, w->log.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* a full disk must not stop lookups */
		off += (size_t)n;
	}
	buf_reset(&w->log);
}

static void
on_log_timer(evutil_socket_t fd, short what, void *arg)
{
	log_flush(arg);
}

static const char *
method_name(enum evhttp_cmd_type c)
{
	switch (c) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	case EVHTTP_REQ_TRACE: return "TRACE";
	case EVHTTP_REQ_CONNECT: return "CONNECT";
	case EVHTTP_REQ_PATCH: return "PATCH";
	default: return "OTHER";
	}
}

/* The route pattern, never the path: no numbers, names or tokens. */
static void
log_request(struct worker *w, const char *client, const char *method,
    int route, int status, size_t bytes, uint64_t us)
{
	struct timespec ts;

	if (w->srv->logfd < 0)
		return;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	if (ts.tv_sec != w->log_sec) {
		time_t t = ts.tv_sec + 8 * 3600;   /* China Standard Time */
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(w->log_ts, sizeof(w->log_ts), "%Y-%m-%dT%H:%M:%S+08:00",
		    &tm);
		w->log_sec = ts.tv_sec;
	}
	buf_printf(&w->log, "%s %s %s %s %d %zu %lluus t%d\n", w->log_ts,
	    client != NULL ? client : "-", method, http_route_pattern(route),
	    status, bytes, (unsigned long long)us, w->id);
	if (w->log.len >= LOG_FLUSH_AT)
		log_flush(w);
}

/* ---- requests ---- */

/* evhttp queues a response and enables EV_WRITE; the bytes leave one loop
 * iteration later, after an epoll_ctl to watch for writability and one to
 * stop. A response almost always fits in the socket buffer at once, so
 * write it now and, when nothing is left, run the bufferevent's write
 * callback the way the socket's write event would have (evhttp then
 * finishes the request and starts reading the next; its EV_WRITE add and
 * del meet in the changelist and cost no system call). Partial writes and
 * errors leave the rest to the normal path. Plain sockets only (TLS
 * writes go through the SSL bufferevent). */
static void
write_now(struct evhttp_connection *evcon)
{
	struct bufferevent *bev = evhttp_connection_get_bufferevent(evcon);
	struct evbuffer *out;
	bufferevent_data_cb rd = NULL, wr = NULL;
	bufferevent_event_cb ev = NULL;
	void *cbarg = NULL;
	evutil_socket_t fd;

	if (bev == NULL || (fd = bufferevent_getfd(bev)) < 0)
		return;
	out = bufferevent_get_output(bev);
	if (evbuffer_get_length(out) == 0 || evbuffer_write(out, fd) <= 0 ||
	    evbuffer_get_length(out) != 0)
		return;
	bufferevent_getcb(bev, &rd, &wr, &ev, &cbarg);
	if (wr != NULL && cbarg == (void *)evcon)
		wr(bev, cbarg);
}

/* The headers every response carries, then those its route and status
 * call for; Content-Length is the caller's (HEAD). */
static void
add_headers(struct worker *w, struct evkeyvalq *oh,
    const struct server_response *rs)
{
	char retry[16];

	evhttp_add_header(oh, "Content-Type", rs->content_type);
	evhttp_add_header(oh, "Cache-Control", rs->cache == SRV_CACHE_PUBLIC ?
	    "public, max-age=60" : "no-store");
	evhttp_add_header(oh, "Content-Security-Policy", w->srv->sh.csp);
	evhttp_add_header(oh, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(oh, "X-Frame-Options", "DENY");
	evhttp_add_header(oh, "Referrer-Policy", "no-referrer");
	if (w->srv->ssl != NULL)
		evhttp_add_header(oh, "Strict-Transport-Security",
		    "max-age=31536000");
	if (rs->route == ROUTE_API_CERT || rs->route == ROUTE_API_VERIFY ||
	    rs->route == ROUTE_API_ORG || rs->route >= ROUTE_LOG_HEAD)
		evhttp_add_header(oh, "Access-Control-Allow-Origin", "*");
	if (rs->etag[0])
		evhttp_add_header(oh, "ETag", rs->etag);
	if (rs->status == 405)
		evhttp_add_header(oh, "Allow", "GET, HEAD");
	if (rs->status == 429) {
		snprintf(retry, sizeof(retry), "%u", rs->retry_after);
		evhttp_add_header(oh, "Retry-After", retry);
	}
}

static void
on_request(struct evhttp_request *req, void *arg)
{
	struct worker *w = arg;
	struct evhttp_connection *evcon = evhttp_request_get_connection(req);
	struct evkeyvalq *oh = evhttp_request_get_output_headers(req);
	struct evbuffer *ob = evhttp_request_get_output_buffer(req);
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	struct server_response rs;
	struct srv_req rq;
	char *peer = NULL, clen[24], client[64];
	ev_uint16_t port = 0;
	uint64_t t0 = now_us();

	memset(&rq, 0, sizeof(rq));
	rq.method = method_name(cmd);
	rq.uri = evhttp_request_get_uri(req);
	if (rq.uri == NULL)
		rq.uri = "";
	rq.uri_len = strlen(rq.uri);
	rq.is_get = cmd == EVHTTP_REQ_GET;
	rq.is_head = cmd == EVHTTP_REQ_HEAD;
	if (evcon != NULL)
		evhttp_connection_get_peer(evcon, &peer, &port);
	rq.client_ok = http_client_key(peer, rq.client) == 0;
	/* The connection (and its address string) may be freed by the time
	 * the request is logged: keep a copy. */
	snprintf(client, sizeof(client), "%s", peer != NULL ? peer : "-");
	rq.now_us = t0;
	rq.if_none_match = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "If-None-Match");

	srv_dispatch(&w->ctx, &rq, &rs);

	add_headers(w, oh, &rs);
	if (rq.is_head) {
		/* evhttp sends whatever is in the buffer, even for HEAD. */
		snprintf(clen, sizeof(clen), "%zu", rs.body_len);
		evhttp_add_header(oh, "Content-Length", clen);
	} else if (rs.body_len > 0 && evbuffer_add(ob, rs.body, rs.body_len)
	    != 0) {
		srv_done(&w->ctx);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	srv_done(&w->ctx);    /* the body is copied: the read view can go */
	evhttp_send_reply(req, rs.status, srv_reason(rs.status), NULL);
	/* req may be gone from here on: only evcon (still ours) is used. */
	if (evcon != NULL && w->srv->ssl == NULL)
		write_now(evcon);

	{
		uint64_t us = now_us() - t0;

		srv_metrics_record(&w->ctx.m, rs.route, rs.status, us,
		    rq.is_head ? 0 : rs.body_len);
		log_request(w, client, rq.method, rs.route, rs.status,
		    rq.is_head ? 0 : rs.body_len, us);
	}
}

/* ---- connections: the cap ----
 * libevent 2.1's evhttp owns the listener callback and has no connection
 * limit, so the count is kept around it: +1 when evhttp asks us for the
 * new connection's bufferevent, -1 in the connection's close callback.
 * That callback can only be attached once evhttp has built the connection
 * (right after it asked for the bufferevent), so new bufferevents wait,
 * referenced, for the `registrar` event that runs next in the same loop
 * iteration. At the cap the listener is disabled: further clients wait in
 * the kernel's backlog until a connection closes. */

static void
conn_gone(struct worker *w)
{
	w->conns--;
	atomic_store_explicit(&w->ctx.m.conns_open, (uint64_t)w->conns,
	    memory_order_relaxed);
	if (w->paused && !w->stopping && w->conns < w->srv->cfg.max_conns) {
		if (evconnlistener_enable(w->lev) == 0)
			w->paused = 0;
	}
}

static void
on_conn_close(struct evhttp_connection *evcon, void *arg)
{
	conn_gone(arg);
}

static void
on_registrar(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;
	size_t i;

	for (i = 0; i < w->npending; i++) {
		struct bufferevent *bev = w->pending[i];
		bufferevent_data_cb rd, wr;
		bufferevent_event_cb ev;
		void *cbarg = NULL;

		/* evhttp set the bufferevent's callbacks with its connection
		 * as the argument; bufferevent_free cleared them if it has
		 * already given up on the connection. */
		bufferevent_getcb(bev, &rd, &wr, &ev, &cbarg);
		if (cbarg != NULL)
			evhttp_connection_set_closecb(cbarg, on_conn_close, w);
		else
			conn_gone(w);
		bufferevent_decref(bev);
	}
	w->npending = 0;
}

static struct bufferevent *
on_new_conn(struct event_base *base, void *arg)
{
	struct worker *w = arg;
	struct bufferevent *bev;

	if (w->npending == w->cappending) {
		size_t cap = w->cappending ? w->cappending * 2 : 64;
		struct bufferevent **p = realloc(w->pending, cap * sizeof(*p));

		if (p == NULL)
			return NULL;
		w->pending = p;
		w->cappending = cap;
	}
	if (w->srv->ssl != NULL) {
		SSL *ssl = SSL_new(w->srv->ssl);

		if (ssl == NULL)
			return NULL;
		bev = bufferevent_openssl_socket_new(base, -1, ssl,
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
		if (bev == NULL)
			SSL_free(ssl);
	} else
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	bufferevent_incref(bev);
	w->pending[w->npending++] = bev;
	if (w->npending == 1)
		event_active(w->registrar, EV_TIMEOUT, 0);
	w->conns++;
	srv_count(&w->ctx.m.conns_total, 1);
	atomic_store_explicit(&w->ctx.m.conns_open, (uint64_t)w->conns,
	    memory_order_relaxed);
	if (w->conns >= w->srv->cfg.max_conns && !w->paused) {
		/* listener_read_cb checks `enabled` after each accept. */
		if (evconnlistener_disable(w->lev) == 0) {
			w->paused = 1;
			srv_count(&w->ctx.m.conns_paused, 1);
		}
	}
	return bev;
}

static void
on_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	evconnlistener_enable(arg);
}

/* accept(2) failed for a reason other than EAGAIN/EINTR: most often
 * EMFILE/ENFILE. Without this the listener would spin on a readable
 * socket it cannot accept from; pause it for 100 ms instead. */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, 100000 };

	fprintf(stderr, "skillcertd: accept: %s; pausing 100 ms\n",
	    evutil_socket_error_to_string(err));
	evconnlistener_disable(lev);
	if (event_base_once(evconnlistener_get_base(lev), -1, EV_TIMEOUT,
	    on_accept_resume, lev, &tv) != 0)
		evconnlistener_enable(lev);
}

/* ---- threads ---- */

static int
worker_setup(struct worker *w, struct err *e)
{
	struct server *s = w->srv;
	const struct server_config *c = &s->cfg;
	struct timeval flush = { 1, 0 };
	struct event_config *ec;
	int rc;

	/* The changelist folds evhttp's per-request disable/enable of EV_READ
	 * into at most one epoll_ctl per loop iteration. */
	if ((ec = event_config_new()) == NULL)
		return err_set(e, ERR_NOMEM, "cannot create an event config");
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	w->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (w->base == NULL)
		return err_set(e, ERR_NOMEM, "cannot create an event base");
	if ((rc = srv_ctx_init(&w->ctx, &s->sh, e)) != 0)
		return rc;
	buf_init(&w->log);
	if ((w->registrar = event_new(w->base, -1, 0, on_registrar, w)) == NULL ||
	    (w->log_timer = event_new(w->base, -1, EV_PERSIST, on_log_timer,
	    w)) == NULL || event_add(w->log_timer, &flush) != 0)
		return err_set(e, ERR_NOMEM, "cannot create events");
	if ((w->http = evhttp_new(w->base)) == NULL)
		return err_set(e, ERR_NOMEM, "cannot create evhttp");
	evhttp_set_timeout(w->http, c->timeout_s);
	evhttp_set_max_headers_size(w->http, (ev_ssize_t)c->max_headers);
	evhttp_set_max_body_size(w->http, (ev_ssize_t)c->max_body);
	/* Let every standard method reach us so the answer is 405 + Allow
	 * (evhttp would answer 501 to a method outside this set). */
	evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
	    EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT |
	    EVHTTP_REQ_PATCH);
	/* Used by evhttp's own error pages (evhttp_send_error). */
	evhttp_set_default_content_type(w->http, CT_HTML);
	evhttp_set_gencb(w->http, on_request, w);
	evhttp_set_bevcb(w->http, on_new_conn, w);

	w->lev = evconnlistener_new_bind(w->base, NULL, NULL,
	    LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC, c->backlog, (struct sockaddr *)&s->addr,
	    (int)s->addrlen);
	if (w->lev == NULL)
		return err_set(e, ERR_IO, "cannot listen on %s: %s",
		    s->addrtext, strerror(errno));
	if (evhttp_bind_listener(w->http, w->lev) == NULL) {
		evconnlistener_free(w->lev);
		w->lev = NULL;
		return err_set(e, ERR_NOMEM, "cannot bind evhttp");
	}
	evconnlistener_set_error_cb(w->lev, on_accept_error);
	if (addr_port(&s->addr) == 0) {
		/* Port 0: the first listener picked one; the others join it. */
		struct sockaddr_storage got;
		socklen_t gl = sizeof(got);

		if (getsockname(evconnlistener_get_fd(w->lev),
		    (struct sockaddr *)&got, &gl) != 0)
			return err_set(e, ERR_IO, "getsockname: %s",
			    strerror(errno));
		if (got.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&s->addr)->sin6_port =
			    ((struct sockaddr_in6 *)&got)->sin6_port;
		else
			((struct sockaddr_in *)&s->addr)->sin_port =
			    ((struct sockaddr_in *)&got)->sin_port;
		addr_format(&s->addr, s->addrtext, sizeof(s->addrtext));
	}
	return 0;
}

static void
worker_teardown(struct worker *w)
{
	w->stopping = 1;
	if (w->http != NULL) {
		evhttp_free(w->http);   /* frees the listener and connections */
		w->http = NULL;
		w->lev = NULL;
	} else if (w->lev != NULL)
		evconnlistener_free(w->lev);
	if (w->registrar != NULL) {
		on_registrar(-1, 0, w);   /* drop the last references */
		event_free(w->registrar);
	}
	if (w->log_timer != NULL)
		event_free(w->log_timer);
	log_flush(w);
	buf_free(&w->log);
	free(w->pending);
	srv_ctx_free(&w->ctx);
	if (w->base != NULL)
		event_base_free(w->base);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	if (event_base_dispatch(w->base) < 0)
		fprintf(stderr, "skillcertd: thread %d: event loop failed\n",
		    w->id);
	return NULL;
}

/* ---- signals ---- */

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->w[i].base != NULL)
			event_base_loopexit(s->w[i].base, NULL);
	event_base_loopexit(s->ctl, NULL);
}

/* ---- TLS ---- */

static int
tls_setup(struct server *s, struct err *e)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	unsigned long ossl;

	if (ctx == NULL)
		return err_set(e, ERR_NOMEM, "cannot create a TLS context");
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
	if (SSL_CTX_use_certificate_chain_file(ctx, s->cfg.tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, s->cfg.tls_key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		char msg[256];

		ossl = ERR_get_error();
		ERR_error_string_n(ossl, msg, sizeof(msg));
		ERR_clear_error();
		SSL_CTX_free(ctx);
		return err_set(e, ERR_IO, "TLS certificate %s / key %s: %s",
		    s->cfg.tls_cert, s->cfg.tls_key, msg);
	}
	s->ssl = ctx;
	return 0;
}

/* ---- run ---- */

static int
config_check(struct server_config *c, struct err *e)
{
	struct rlimit rl;
	long need;

	if (c->threads < 1 || c->threads > 256)
		return err_set(e, ERR_USAGE, "--threads must be 1..256");
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return err_set(e, ERR_USAGE, "--tls-cert and --tls-key go "
		    "together");
	if (c->max_conns < 1)
		return err_set(e, ERR_USAGE, "--max-conns must be >= 1");
	if (c->timeout_s < 1)
		return err_set(e, ERR_USAGE, "--timeout must be >= 1");
	if (c->rate < 0)
		return err_set(e, ERR_USAGE, "--rate must be >= 0");
	if (c->max_headers < 1024)
		c->max_headers = 1024;
	if (c->backlog < 16)
		c->backlog = 16;
	if (c->rl_entries < 64)
		c->rl_entries = 64;
	/* Descriptors: connections + listeners + log + LMDB + slack. Raise
	 * the soft limit to the hard one, then fit the cap under it. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		need = (long)c->threads * (c->max_conns + 8) + 64;
		if ((rlim_t)need > rl.rlim_cur && rl.rlim_cur < rl.rlim_max) {
			rl.rlim_cur = (rlim_t)need < rl.rlim_max ? (rlim_t)need :
			    rl.rlim_max;
			setrlimit(RLIMIT_NOFILE, &rl);
			getrlimit(RLIMIT_NOFILE, &rl);
		}
		if ((rlim_t)need > rl.rlim_cur) {
			long fit = ((long)rl.rlim_cur - 64) / c->threads - 8;

			c->max_conns = fit > 16 ? (int)fit : 16;
			fprintf(stderr, "skillcertd: open-file limit %ld: "
			    "capping connections at %d per thread\n",
			    (long)rl.rlim_cur, c->max_conns);
		}
	}
	return 0;
}

/* Process-wide settings the threads rely on. */
static int
process_setup(struct err *e)
{
	struct sigaction sa;

	/* Writes to a closed connection must fail with EPIPE, not kill us. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return err_set(e, ERR_INTERNAL, "cannot ignore SIGPIPE: %s",
		    strerror(errno));
	/* Locks in every base so other threads may call loopexit. */
	if (evthread_use_pthreads() != 0)
		return err_set(e, ERR_INTERNAL, "libevent threads unavailable");
	return 0;
}

static int
log_open(struct server *s, struct err *e)
{
	if (s->cfg.access_log == NULL)
		return 0;
	if (strcmp(s->cfg.access_log, "-") == 0)
		s->logfd = STDOUT_FILENO;
	else if ((s->logfd = open(s->cfg.access_log, O_WRONLY | O_APPEND |
	    O_CREAT | O_CLOEXEC, 0640)) < 0)
		return err_set(e, ERR_IO, "cannot open access log %s: %s",
		    s->cfg.access_log, strerror(errno));
	return 0;
}

/* What every thread reads and none writes: the registry, the CSP, the
 * TLS context, the access log's descriptor. */
static int
shared_open(struct server *s, struct err *e)
{
	int rc;

	if ((rc = registry_open(&s->sh.reg, s->cfg.db_dir,
	    &(struct registry_opts){ s->cfg.keys_dir, REG_RDONLY, 0 }, e)) != 0)
		return rc;
	s->sh.cfg = &s->cfg;
	s->sh.started = time(NULL);
	s->sh.tls = s->cfg.tls_cert != NULL;
	if (srv_csp_build(s->sh.csp, s->sh.tls) != 0)
		return err_set(e, ERR_INTERNAL, "cannot hash the stylesheet");
	if (s->sh.tls && (rc = tls_setup(s, e)) != 0)
		return rc;
	return log_open(s, e);
}

/* Every worker set up and listening; none running yet. */
static int
workers_setup(struct server *s, struct err *e)
{
	int i, rc;

	s->n = s->cfg.threads;
	/* Cache-line aligned: each thread's hot counters stay its own. */
	if ((s->w = aligned_alloc(64, (size_t)s->n * sizeof(*s->w))) != NULL)
		memset(s->w, 0, (size_t)s->n * sizeof(*s->w));
	if (s->w == NULL ||
	    (s->sh.ctxs = calloc((size_t)s->n, sizeof(*s->sh.ctxs))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	s->sh.nctx = s->n;
	for (i = 0; i < s->n; i++) {
		s->w[i].id = i;
		s->w[i].srv = s;
		s->sh.ctxs[i] = &s->w[i].ctx;
		if ((rc = worker_setup(&s->w[i], e)) != 0)
			return rc;
	}
	return 0;
}

/* The main thread's event loop, which only waits for SIGINT or SIGTERM. */
static int
signals_setup(struct server *s, struct err *e)
{
	if ((s->ctl = event_base_new()) == NULL ||
	    (s->sigint = evsignal_new(s->ctl, SIGINT, on_signal, s)) == NULL ||
	    (s->sigterm = evsignal_new(s->ctl, SIGTERM, on_signal, s)) == NULL ||
	    event_add(s->sigint, NULL) != 0 || event_add(s->sigterm, NULL) != 0)
		return err_set(e, ERR_INTERNAL, "cannot set up signal handling");
	return 0;
}

static int
threads_start(struct server *s, struct err *e)
{
	int i;

	for (i = 0; i < s->n; i++) {
		if (pthread_create(&s->w[i].thr, NULL, worker_main, &s->w[i]) != 0)
			return err_set(e, ERR_INTERNAL, "cannot start thread %d", i);
		s->w[i].started = 1;
	}
	return 0;
}

/* Runs the threads until a signal (or a thread that would not start),
 * then stops and joins every one that started. */
static int
threads_run(struct server *s, struct err *e)
{
	int i, rc;

	if ((rc = threads_start(s, e)) == 0) {
		if (!s->cfg.quiet)
			fprintf(stderr, "skillcertd: listening on %s://%s (%d "
			    "thread%s, registry %s)\n", s->ssl ? "https" : "http",
			    s->addrtext, s->n, s->n == 1 ? "" : "s",
			    s->cfg.db_dir);
		if (event_base_dispatch(s->ctl) < 0)
			rc = err_set(e, ERR_INTERNAL, "signal loop failed");
	}
	on_signal(SIGTERM, 0, s);
	for (i = 0; i < s->n; i++)
		if (s->w[i].started)
			pthread_join(s->w[i].thr, NULL);
	if (!s->cfg.quiet && rc == 0)
		fprintf(stderr, "skillcertd: stopped\n");
	return rc;
}

/* Frees whatever part of the server was set up. */
static void
server_teardown(struct server *s)
{
	int i;

	if (s->sigint != NULL)
		event_free(s->sigint);
	if (s->sigterm != NULL)
		event_free(s->sigterm);
	if (s->ctl != NULL)
		event_base_free(s->ctl);
	for (i = 0; s->w != NULL && i < s->n; i++)
		worker_teardown(&s->w[i]);
	free(s->w);
	free(s->sh.ctxs);
	if (s->sh.reg != NULL)
		registry_close(s->sh.reg);
	if (s->ssl != NULL)
		SSL_CTX_free(s->ssl);
	if (s->logfd > STDOUT_FILENO)
		close(s->logfd);
	free(s);
}

int
server_run(const struct server_config *cfg, struct err *e)
{
	struct server *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return err_set(e, ERR_NOMEM, "out of memory");
	s->cfg = *cfg;
	s->logfd = -1;
	if (s->cfg.db_dir == NULL)
		s->cfg.db_dir = REG_DIR_DEFAULT;
	if (s->cfg.listen == NULL)
		s->cfg.listen = "127.0.0.1:8080";
	if ((rc = config_check(&s->cfg, e)) != 0 ||
	    (rc = parse_listen(s->cfg.listen, &s->addr, &s->addrlen, e)) != 0)
		goto out;
	addr_format(&s->addr, s->addrtext, sizeof(s->addrtext));
	if ((rc = process_setup(e)) != 0 || (rc = shared_open(s, e)) != 0 ||
	    (rc = workers_setup(s, e)) != 0 || (rc = signals_setup(s, e)) != 0)
		goto out;
	rc = threads_run(s, e);
out:
	server_teardown(s);
	return rc;
}
