/* server.c - the lookup server's process: N threads, each with its own
 * event_base and SO_REUSEPORT listener (evconnlistener) handing sockets
 * to conn.c; the main thread waits for SIGTERM/SIGINT on its own
 * event_base and then stops and joins them. The file-descriptor limit is
 * raised at start so the connection cap can sit far above 1,024. */
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

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <event2/util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "alog.h"
#include "conn.h"
#include "ctx.h"
#include "respond.h"
#include "style.h"
#include "worker.h"

void
server_config_defaults(struct server_config *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = "127.0.0.1:8080";
	c->threads = 1;
	c->rate = 10;
	c->burst = 20;
	c->max_conns = 65536;
	c->max_conns_per_addr = 256;
	c->timeout_s = 15;
	c->head_timeout_s = 10;
	c->max_headers = 8192;
	c->max_body = 1024;
	c->backlog = 4096;   /* the kernel caps it at somaxconn */
	c->rl_entries = 65536;
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

/* ---- threads ---- */

static void
on_log_timer(evutil_socket_t fd, short what, void *arg)
{
	alog_flush(arg);
}

static void
on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	conn_accept(arg, fd, sa, salen);
}

static void
on_accept_resume(evutil_socket_t fd, short what, void *arg)
{
	struct worker *w = arg;

	if (!w->paused)
		evconnlistener_enable(w->lev);
}

/* accept(2) failed for a reason other than EAGAIN/EINTR: most often
 * EMFILE/ENFILE. Without this the listener would spin on a readable
 * socket it cannot accept from; pause it for 100 ms instead. */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct worker *w = arg;
	int err = EVUTIL_SOCKET_ERROR();
	struct timeval tv = { 0, 100000 };

	srv_count(&w->ctx.m.accept_errors, 1);
	fprintf(stderr, "skillcertd: accept: %s; pausing 100 ms\n",
	    evutil_socket_error_to_string(err));
	evconnlistener_disable(lev);
	if (event_base_once(w->base, -1, EV_TIMEOUT, on_accept_resume, w,
	    &tv) != 0)
		evconnlistener_enable(lev);
}

/* The deadlines every connection shares: libevent's common timeouts
 * keep each in a queue (O(1) to re-arm) rather than in the heap. */
static int
worker_timeouts(struct worker *w, struct err *e)
{
	const struct server_config *c = &w->srv->cfg;
	struct timeval head = { c->head_timeout_s, 0 };
	struct timeval idle = { c->timeout_s, 0 };
	struct timeval linger = { 2, 0 };

	w->tv_write.tv_sec = c->timeout_s;
	w->tv_head = event_base_init_common_timeout(w->base, &head);
	w->tv_idle = event_base_init_common_timeout(w->base, &idle);
	w->tv_linger = event_base_init_common_timeout(w->base, &linger);
	if (w->tv_head == NULL || w->tv_idle == NULL || w->tv_linger == NULL)
		return err_set(e, ERR_NOMEM, "cannot set up timeouts");
	return 0;
}

static int
worker_listen(struct worker *w, struct err *e)
{
	struct server *s = w->srv;

	w->lev = evconnlistener_new_bind(w->base, on_accept, w,
	    LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_CLOSE_ON_EXEC, s->cfg.backlog, (struct sockaddr *)&s->addr,
	    (int)s->addrlen);
	if (w->lev == NULL)
		return err_set(e, ERR_IO, "cannot listen on %s: %s",
		    s->addrtext, strerror(errno));
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

static int
worker_setup(struct worker *w, struct err *e)
{
	struct timeval flush = { 1, 0 };
	struct event_config *ec;
	int rc;

	TAILQ_INIT(&w->all);
	TAILQ_INIT(&w->idle);
	buf_init(&w->log);
	buf_init(&w->out);
	/* The changelist folds a read disable and re-enable in one loop
	 * iteration into at most one epoll_ctl. */
	if ((ec = event_config_new()) == NULL)
		return err_set(e, ERR_NOMEM, "cannot create an event config");
	event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	w->base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (w->base == NULL)
		return err_set(e, ERR_NOMEM, "cannot create an event base");
	if ((rc = srv_ctx_init(&w->ctx, &w->srv->sh, e)) != 0)
		return rc;
	if (buf_reserve(&w->out, 65536) != 0)
		return err_set(e, ERR_NOMEM, "out of memory");
	if ((w->log_timer = event_new(w->base, -1, EV_PERSIST, on_log_timer,
	    w)) == NULL || event_add(w->log_timer, &flush) != 0)
		return err_set(e, ERR_NOMEM, "cannot create events");
	if ((rc = worker_timeouts(w, e)) != 0)
		return rc;
	return worker_listen(w, e);
}

static void
worker_teardown(struct worker *w)
{
	if (w->lev != NULL)
		evconnlistener_free(w->lev);
	w->lev = NULL;
	conn_close_all(w);
	if (w->log_timer != NULL)
		event_free(w->log_timer);
	alog_flush(w);
	buf_free(&w->log);
	buf_free(&w->out);
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

/* SIGHUP (logrotate): the access log is opened anew under its name and
 * put in place of the old descriptor with dup2, which is atomic, so the
 * threads go on writing to the same descriptor number, now the new file. */
static void
on_hangup(evutil_socket_t sig, short what, void *arg)
{
	struct server *s = arg;
	int fd;

	if (s->logfd <= STDOUT_FILENO || s->cfg.access_log == NULL)
		return;
	if ((fd = open(s->cfg.access_log, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0640)) < 0) {
		fprintf(stderr, "skillcertd: cannot reopen access log %s: %s "
		    "(still writing to the old one)\n", s->cfg.access_log,
		    strerror(errno));
		return;
	}
	if (dup3(fd, s->logfd, O_CLOEXEC) < 0)
		fprintf(stderr, "skillcertd: cannot reopen access log: %s\n",
		    strerror(errno));
	close(fd);
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

/* Descriptors: the cap in all + listeners + log + LMDB + slack. The soft
 * limit is raised (to the hard one at most), then the cap fitted under. */
static void
config_fds(struct server_config *c)
{
	struct rlimit rl;
	long need = (long)c->max_conns + 8L * c->threads + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if ((rlim_t)need > rl.rlim_cur && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = (rlim_t)need < rl.rlim_max ? (rlim_t)need :
		    rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0 ||
		    getrlimit(RLIMIT_NOFILE, &rl) != 0)
			return;
	}
	if ((rlim_t)need > rl.rlim_cur) {
		long fit = (long)rl.rlim_cur - 8L * c->threads - 64;

		c->max_conns = fit > 16 ? (int)fit : 16;
		if (!c->quiet)
			fprintf(stderr, "skillcertd: open-file limit %ld: "
			    "capping connections at %d\n", (long)rl.rlim_cur,
			    c->max_conns);
	}
}

static int
config_check(struct server_config *c, struct err *e)
{
	if (c->threads < 1 || c->threads > 256)
		return err_set(e, ERR_USAGE, "--threads must be 1..256");
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		return err_set(e, ERR_USAGE, "--tls-cert and --tls-key go "
		    "together");
	if (c->max_conns < 1)
		return err_set(e, ERR_USAGE, "--max-conns must be >= 1");
	if (c->timeout_s < 1 || c->head_timeout_s < 1)
		return err_set(e, ERR_USAGE, "timeouts must be >= 1");
	if (c->rate < 0)
		return err_set(e, ERR_USAGE, "--rate must be >= 0");
	if (c->max_headers < 1024)
		c->max_headers = 1024;
	if (c->backlog < 16)
		c->backlog = 16;
	if (c->rl_entries < 64)
		c->rl_entries = 64;
	config_fds(c);
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

/* What every thread reads: the registry, the CSP and the headers made
 * from it, the TLS context, the access log; and the two tables every
 * thread updates under their own synchronization (rate limit, per-address
 * connection counts). */
static int
shared_open(struct server *s, struct err *e)
{
	int rc, n;

	if ((rc = registry_open(&s->sh.reg, s->cfg.db_dir,
	    &(struct registry_opts){ s->cfg.keys_dir, REG_RDONLY, 0 }, e)) != 0)
		return rc;
	s->sh.cfg = &s->cfg;
	s->sh.started = time(NULL);
	s->sh.tls = s->cfg.tls_cert != NULL;
	if (srv_csp_build(s->sh.csp, s->sh.tls) != 0)
		return err_set(e, ERR_INTERNAL, "cannot hash the stylesheet");
	n = snprintf(s->fixed_hdrs, sizeof(s->fixed_hdrs),
	    "Content-Security-Policy: %s\r\nX-Content-Type-Options: nosniff\r\n"
	    "X-Frame-Options: DENY\r\nReferrer-Policy: no-referrer\r\n%s",
	    s->sh.csp, s->sh.tls ? "Strict-Transport-Security: "
	    "max-age=31536000\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(s->fixed_hdrs))
		return err_set(e, ERR_INTERNAL, "headers too long");
	s->fixed_len = (size_t)n;
	if ((rc = srv_ratelimit_open(&s->rl, &s->cfg, e)) != 0)
		return rc;
	s->sh.rl = &s->rl;
	if (connlimit_init(&s->cl, (uint32_t)s->cfg.max_conns_per_addr) != 0)
		return err_set(e, ERR_NOMEM, "cannot allocate connection counts");
	if (s->cfg.trust_proxy != NULL) {
		if (http_cidr_parse(s->cfg.trust_proxy, &s->proxy) != 0)
			return err_set(e, ERR_USAGE, "bad --trust-proxy %s: want "
			    "ADDR/BITS", s->cfg.trust_proxy);
		s->have_proxy = 1;
	}
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
	s->conns_cap = (s->cfg.max_conns + s->n - 1) / s->n;
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

/* The main thread's event loop, which only waits for SIGINT or SIGTERM,
 * and SIGHUP to reopen the access log. */
static int
signals_setup(struct server *s, struct err *e)
{
	if ((s->ctl = event_base_new()) == NULL ||
	    (s->sigint = evsignal_new(s->ctl, SIGINT, on_signal, s)) == NULL ||
	    (s->sigterm = evsignal_new(s->ctl, SIGTERM, on_signal, s)) == NULL ||
	    (s->sighup = evsignal_new(s->ctl, SIGHUP, on_hangup, s)) == NULL ||
	    event_add(s->sigint, NULL) != 0 || event_add(s->sigterm, NULL) != 0 ||
	    event_add(s->sighup, NULL) != 0)
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
	if (s->sighup != NULL)
		event_free(s->sighup);
	if (s->ctl != NULL)
		event_base_free(s->ctl);
	for (i = 0; s->w != NULL && i < s->n; i++)
		worker_teardown(&s->w[i]);
	free(s->w);
	free(s->sh.ctxs);
	ratelimit_free(&s->rl);
	connlimit_free(&s->cl);
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
