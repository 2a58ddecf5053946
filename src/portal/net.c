/* net.c - the portal's sockets: evhttp over bufferevent_openssl, with the
 * limits evhttp does not set by itself (header and body size, timeout,
 * methods, a connection cap).
 *
 * Threads: evhttp is single-threaded per event_base, and a handler may
 * block (a login waits for the Argon2id pool, a batch PDF renders for a
 * second), so the portal runs `threads` event bases, each on its own
 * thread with its own evhttp, all accepting from one listening socket
 * (each base's listener wraps a dup of it). A blocking handler holds only
 * its own base; issuance itself runs on the issuing thread (job.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "portal_int.h"

#define NET_THREADS_MAX 32

struct net;
struct net_thread {
	struct net *n;
	struct event_base *base;
	struct evhttp *http;
	struct evconnlistener *lev;
	pthread_t tid;
	int started;
};

struct net {
	struct portal *p;
	const struct portal_config *c;
	SSL_CTX *ssl;
	int fd;
	atomic_int conns;              /* open TLS connections (the cap) */
	int ssl_idx;
	struct net_thread t[NET_THREADS_MAX];
	int nt;
};

/* "HOST:PORT" or "[V6]:PORT" into a bound, listening socket. */
static int
net_listen(const char *spec, int loopback_only, int *fd_out, char *origin,
    size_t ocap, int tls, struct err *e)
{
	char host[128], port[16];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints, *ai = NULL;
	int fd, one = 1;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(host) ||
	    strlen(colon + 1) >= sizeof(port))
		return err_set(e, ERR_USAGE, "--listen %s: expected HOST:PORT", spec);
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	snprintf(port, sizeof(port), "%s", colon + 1);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &ai) != 0 || ai == NULL)
		return err_set(e, ERR_USAGE, "--listen %s: not a numeric address "
		    "and port", spec);
	if (loopback_only) {
		int lo = 0;
		if (ai->ai_family == AF_INET)
			lo = (ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr)
			    >> 24) == 127;
		else if (ai->ai_family == AF_INET6)
			lo = IN6_IS_ADDR_LOOPBACK(
			    &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr);
		if (!lo) {
			freeaddrinfo(ai);
			return err_set(e, ERR_USAGE, "--insecure-loopback serves plain "
			    "HTTP only on 127.0.0.0/8 or ::1, not %s: use --tls-cert and "
			    "--tls-key for any other address", host);
		}
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) != 0 || bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, 1024) != 0) {
		int en = errno;
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return err_set(e, ERR_IO, "cannot listen on %s: %s", spec,
		    strerror(en));
	}
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char hbuf[64], sbuf[16];
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	getnameinfo((struct sockaddr *)&ss, sl, hbuf, sizeof(hbuf), sbuf,
	    sizeof(sbuf), NI_NUMERICHOST | NI_NUMERICSERV);
	snprintf(origin, ocap, ai->ai_family == AF_INET6 ? "%s://[%s]:%s" :
	    "%s://%s:%s", tls ? "https" : "http", hbuf, sbuf);
	freeaddrinfo(ai);
	*fd_out = fd;
	return 0;
}

static int
net_tls(struct net *n, struct err *e)
{
	const struct portal_config *c = n->c;

	if (c->insecure_loopback)
		return 0;
	if (!c->tls_cert || !c->tls_key)
		return err_set(e, ERR_USAGE, "the portal serves HTTPS: give "
		    "--tls-cert and --tls-key (plain HTTP only with "
		    "--insecure-loopback on 127.0.0.1)");
	if ((n->ssl = SSL_CTX_new(TLS_server_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(n->ssl, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate_chain_file(n->ssl, c->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(n->ssl, c->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(n->ssl) != 1) {
		char m[256];
		ERR_error_string_n(ERR_get_error(), m, sizeof(m));
		return err_set(e, ERR_CRYPTO, "TLS certificate %s / key %s: %s",
		    c->tls_cert, c->tls_key, m);
	}
	SSL_CTX_set_options(n->ssl, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	return 0;
}

/* Counts a TLS connection down when its SSL object is freed (the
 * bufferevent frees it on close): evhttp 2.1 has no connection cap. */
static void
net_ssl_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
    void *argp)
{
	struct net *n = ptr;

	if (n)
		atomic_fetch_sub(&n->conns, 1);
}

static void net_resume(evutil_socket_t fd, short what, void *arg);

/* A new connection's bufferevent (TLS unless --insecure-loopback); at the
 * cap this thread stops accepting until connections close. */
static struct bufferevent *
net_bevcb(struct event_base *base, void *arg)
{
	struct net_thread *t = arg;
	struct net *n = t->n;
	struct timeval tv = { 0, 100000 };
	SSL *ssl;

	if (n->ssl == NULL)
		return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	if ((ssl = SSL_new(n->ssl)) == NULL)
		return NULL;
	if (atomic_fetch_add(&n->conns, 1) + 1 >= n->c->max_conns) {
		evconnlistener_disable(t->lev);
		event_base_once(base, -1, EV_TIMEOUT, net_resume, t, &tv);
	}
	SSL_set_ex_data(ssl, n->ssl_idx, n);
	return bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

/* The request's headers and body as a portal_req. */
static int
net_req(struct evhttp_request *r, struct portal_req *q, char *path,
    size_t pcap)
{
	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(r);
	struct evkeyvalq *h = evhttp_request_get_input_headers(r);
	struct evbuffer *in = evhttp_request_get_input_buffer(r);
	const char *raw = u ? evhttp_uri_get_path(u) : NULL;

	memset(q, 0, sizeof(*q));
	switch (evhttp_request_get_command(r)) {
	case EVHTTP_REQ_GET: q->method = PM_GET; break;
	case EVHTTP_REQ_HEAD: q->method = PM_HEAD; break;
	case EVHTTP_REQ_POST: q->method = PM_POST; break;
	case EVHTTP_REQ_PUT: q->method = PM_PUT; break;
	case EVHTTP_REQ_DELETE: q->method = PM_DELETE; break;
	default: q->method = PM_OTHER; break;
	}
	if (raw == NULL || !*raw)
		raw = "/";
	if (url_decode(raw, strlen(raw), path, pcap, 0) < 0 ||
	    strlen(path) != strcspn(path, "\r\n"))
		return -1;
	q->path = path;
	q->query = u ? evhttp_uri_get_query(u) : NULL;
	q->content_type = evhttp_find_header(h, "Content-Type");
	q->cookie = evhttp_find_header(h, "Cookie");
	q->authorization = evhttp_find_header(h, "Authorization");
	q->origin = evhttp_find_header(h, "Origin");
	q->sec_fetch_site = evhttp_find_header(h, "Sec-Fetch-Site");
	q->accept = evhttp_find_header(h, "Accept");
	q->body_len = evbuffer_get_length(in);
	q->body = q->body_len ? evbuffer_pullup(in, -1) : NULL;
	char *peer = NULL;
	ev_uint16_t port = 0;
	evhttp_connection_get_peer(evhttp_request_get_connection(r), &peer, &port);
	snprintf(q->client, sizeof(q->client), "%s", peer ? peer : "-");
	return 0;
}

/* The headers every response carries (the pages have no script at all). */
static void
net_secure_headers(struct evkeyvalq *o, const char *path, int tls)
{
	evhttp_add_header(o, "Content-Security-Policy", "default-src 'none'; "
	    "style-src 'self'; img-src 'self' data:; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'");
	evhttp_add_header(o, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(o, "Referrer-Policy", "no-referrer");
	evhttp_add_header(o, "X-Frame-Options", "DENY");
	evhttp_add_header(o, "Cross-Origin-Opener-Policy", "same-origin");
	if (strncmp(path, "/static/", 8) == 0)
		evhttp_add_header(o, "Cache-Control", "public, max-age=3600");
	else
		evhttp_add_header(o, "Cache-Control", "no-store");
	if (tls)
		evhttp_add_header(o, "Strict-Transport-Security", "max-age=31536000");
}

static void
net_on_request(struct evhttp_request *r, void *arg)
{
	struct net *n = arg;
	struct portal_req q;
	struct portal_resp resp;
	char path[1024];
	struct evkeyvalq *o = evhttp_request_get_output_headers(r);
	struct evbuffer *out;

	if (net_req(r, &q, path, sizeof(path)) != 0) {
		evhttp_send_error(r, 400, "Bad Request");
		return;
	}
	portal_handle(n->p, &q, &resp);
	/* a long handler (a big batch ZIP) ran past the connection's timers:
	 * restart them so the reply is written, not dropped */
	evhttp_connection_set_timeout(evhttp_request_get_connection(r),
	    n->c->timeout_s);
	net_secure_headers(o, path, n->ssl != NULL);
	evhttp_add_header(o, "Content-Type", resp.content_type[0] ?
	    resp.content_type : "text/plain; charset=utf-8");
	for (int i = 0; i < resp.nhdr; i++)
		evhttp_add_header(o, resp.hdr_name[i], resp.hdr_value[i]);
	out = evbuffer_new();
	if (out && q.method != PM_HEAD && resp.body.len)
		evbuffer_add(out, resp.body.data, resp.body.len);
	evhttp_send_reply(r, resp.status ? resp.status : 200, NULL, out);
	if (out)
		evbuffer_free(out);
	portal_resp_free(&resp);
}

/* Resumes accepting once connections are back under the cap. */
static void
net_resume(evutil_socket_t fd, short what, void *arg)
{
	struct net_thread *t = arg;
	struct timeval tv = { 0, 100000 };

	if (t->n->ssl == NULL || atomic_load(&t->n->conns) < t->n->c->max_conns)
		evconnlistener_enable(t->lev);
	else
		event_base_once(t->base, -1, EV_TIMEOUT, net_resume, t, &tv);
}

static void
net_accept_error(struct evconnlistener *l, void *arg)
{
	struct net_thread *t = arg;
	struct timeval tv = { 0, 200000 };

	/* EMFILE and friends: pause accepting briefly instead of spinning */
	fprintf(stderr, "skillcert-portald: accept: %s\n", strerror(errno));
	evconnlistener_disable(l);
	event_base_once(t->base, -1, EV_TIMEOUT, net_resume, t, &tv);
}

/* One event base with its evhttp and listener (a dup of the socket). */
static int
net_thread_setup(struct net *n, struct net_thread *t, struct err *e)
{
	const struct portal_config *c = n->c;
	int fd;

	t->n = n;
	if ((t->base = event_base_new()) == NULL ||
	    (t->http = evhttp_new(t->base)) == NULL)
		return err_set(e, ERR_INTERNAL, "cannot create an event base");
	evhttp_set_max_headers_size(t->http, (ev_ssize_t)c->max_headers);
	evhttp_set_max_body_size(t->http, (ev_ssize_t)c->max_body);
	evhttp_set_timeout(t->http, c->timeout_s);
	evhttp_set_allowed_methods(t->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE);
	evhttp_set_default_content_type(t->http, "text/plain; charset=utf-8");
	evhttp_set_bevcb(t->http, net_bevcb, t);
	evhttp_set_gencb(t->http, net_on_request, n);
	if ((fd = dup(n->fd)) < 0 ||
	    (t->lev = evconnlistener_new(t->base, NULL, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, -1, fd)) == NULL)
		return err_set(e, ERR_IO, "cannot share the listening socket");
	evconnlistener_set_error_cb(t->lev, net_accept_error);
	if (evhttp_bind_listener(t->http, t->lev) == NULL)
		return err_set(e, ERR_IO, "evhttp cannot take the listener");
	return 0;
}

static void *
net_thread_main(void *arg)
{
	struct net_thread *t = arg;

	event_base_dispatch(t->base);
	return NULL;
}

/* Blocks SIGINT/SIGTERM in every thread; the main thread waits for them. */
static int
net_wait_signal(struct net *n)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigwait(&set, &sig);
	for (int i = 0; i < n->nt; i++)
		event_base_loopbreak(n->t[i].base);
	return 0;
}

static void
net_free(struct net *n)
{
	for (int i = 0; i < n->nt; i++) {
		struct net_thread *t = &n->t[i];
		if (t->started)
			pthread_join(t->tid, NULL);
		if (t->http)
			evhttp_free(t->http);   /* frees the bound listener too */
		if (t->base)
			event_base_free(t->base);
	}
	if (n->fd >= 0)
		close(n->fd);
	if (n->ssl)
		SSL_CTX_free(n->ssl);
}

static int
net_start(struct net *n, struct err *e)
{
	int rc;

	for (int i = 0; i < n->nt; i++) {
		if ((rc = net_thread_setup(n, &n->t[i], e)) != 0)
			return rc;
	}
	for (int i = 0; i < n->nt; i++) {
		if (pthread_create(&n->t[i].tid, NULL, net_thread_main,
		    &n->t[i]) != 0)
			return err_set(e, ERR_INTERNAL, "cannot start thread %d", i);
		n->t[i].started = 1;
	}
	return 0;
}

int
portal_run(const struct portal_config *cin, struct err *e)
{
	struct portal_config c = *cin;
	struct net n;
	char origin[300];
	sigset_t set;
	int rc;

	memset(&n, 0, sizeof(n));
	n.fd = -1;
	n.c = &c;
	n.nt = c.threads < 1 ? 1 : c.threads > NET_THREADS_MAX ?
	    NET_THREADS_MAX : c.threads;
	/* a shell starts background jobs with SIGINT ignored: take it back,
	 * so Ctrl-C on the demo stops the portal too */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (evthread_use_pthreads() != 0)
		return err_set(e, ERR_INTERNAL, "libevent without threads");
	n.ssl_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, net_ssl_free);
	if ((rc = net_tls(&n, e)) != 0 ||
	    (rc = net_listen(c.listen, c.insecure_loopback, &n.fd, origin,
	    sizeof(origin), n.ssl != NULL, e)) != 0)
		goto out;
	if (!c.public_origin)
		c.public_origin = origin;
	if ((rc = portal_open(&n.p, &c, e)) != 0)
		goto out;
	if ((rc = net_start(&n, e)) == 0) {
		fprintf(stderr, "skillcert-portald: listening on %s\n", origin);
		net_wait_signal(&n);
	} else {
		for (int i = 0; i < n.nt; i++)
			if (n.t[i].base)
				event_base_loopbreak(n.t[i].base);
	}
out:
	net_free(&n);
	portal_close(n.p);
	return rc;
}
