/* conn.c - one client connection: bytes in, the strict head parser
 * (http_req.c), the dispatcher, replies out; and the bounds that stop one
 * client from taking the server down: a deadline for the whole head (not
 * reset by each byte), an idle keep-alive timeout, a write timeout, a cap
 * on replies queued for a client that does not read (reading stops), a
 * cap per client address, and at the thread's connection cap the oldest
 * idle keep-alive connection closed to make room.
 *
 * Plain TCP uses plain events and writes replies at once with write(2)
 * (only what the socket refuses is queued, in an evbuffer); TLS goes
 * through bufferevent_openssl. Both feed the same buffer and parser. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/event_struct.h>

#include "skillcert/server/http_req.h"
#include "alog.h"
#include "conn.h"
#include "dispatch.h"
#include "metrics.h"
#include "respond.h"
#include "worker.h"

#define CONN_RBUF_MIN 2048           /* first read buffer; grows to max_headers */
#define CONN_OUT_CAP (256 * 1024)    /* queued reply bytes: then stop reading */
#define CONN_PIPE_MAX 64             /* requests answered per batch */
#define CONN_LINGER_BYTES 65536      /* discarded after the last reply */

enum conn_state { CS_IDLE, CS_HEAD, CS_CLOSING, CS_LINGER };

struct conn {
	struct worker *w;
	evutil_socket_t fd;
	struct bufferevent *bev;        /* TLS; NULL on plain TCP */
	struct event rev, wev, tmr;     /* plain read and write; the deadline */
	struct evbuffer *pend;          /* plain: bytes the socket refused */
	char *rbuf;
	size_t rlen, rcap, lingered;
	int state;
	int served;                     /* replies sent */
	int read_on;
	int in_idle;
	int counted;                    /* holds a per-address slot */
	int key_ok;
	int trusted;                    /* the peer is a trusted proxy */
	uint8_t key[16];
	char peer[INET6_ADDRSTRLEN];
	TAILQ_ENTRY(conn) all_e, idle_e;
};

static int conn_process(struct conn *c);

static uint64_t
conn_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000;
}

static void
conn_idle_leave(struct conn *c)
{
	if (c->in_idle) {
		TAILQ_REMOVE(&c->w->idle, c, idle_e);
		c->in_idle = 0;
	}
}

static void
conn_free(struct conn *c)
{
	struct worker *w = c->w;

	conn_idle_leave(c);
	TAILQ_REMOVE(&w->all, c, all_e);
	event_del(&c->tmr);
	if (c->bev != NULL)
		bufferevent_free(c->bev);   /* closes the socket */
	else {
		event_del(&c->rev);
		event_del(&c->wev);
		if (c->pend != NULL)
			evbuffer_free(c->pend);
		close(c->fd);
	}
	if (c->counted)
		connlimit_put(&w->srv->cl, c->key);
	free(c->rbuf);
	free(c);
	w->conns--;
	atomic_store_explicit(&w->ctx.m.conns_open, (uint64_t)w->conns,
	    memory_order_relaxed);
	if (w->paused && !w->stopping && w->conns < w->srv->conns_cap &&
	    evconnlistener_enable(w->lev) == 0)
		w->paused = 0;
}

static void
conn_read_enable(struct conn *c, int on)
{
	if (c->read_on == on)
		return;
	c->read_on = on;
	if (c->bev != NULL) {
		if (on)
			bufferevent_enable(c->bev, EV_READ);
		else
			bufferevent_disable(c->bev, EV_READ);
	} else if (on)
		event_add(&c->rev, NULL);
	else
		event_del(&c->rev);
}

static size_t
conn_pending(const struct conn *c)
{
	if (c->bev != NULL)
		return evbuffer_get_length(bufferevent_get_output(c->bev));
	return c->pend != NULL ? evbuffer_get_length(c->pend) : 0;
}

/* Sends now what the socket takes; queues the rest. 0 or -1 (close). */
static int
conn_send(struct conn *c, const uint8_t *p, size_t n)
{
	ssize_t k = 0;

	if (n == 0)
		return 0;
	if (c->bev != NULL)
		return bufferevent_write(c->bev, p, n);
	if (conn_pending(c) == 0) {
		k = write(c->fd, p, n);
		if (k < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (k < 0)
			k = 0;
		if ((size_t)k == n)
			return 0;
	}
	if (c->pend == NULL && (c->pend = evbuffer_new()) == NULL)
		return -1;
	if (evbuffer_add(c->pend, p + k, n - (size_t)k) != 0)
		return -1;
	return event_add(&c->wev, &c->w->tv_write);
}

static void
conn_arm(struct conn *c, const struct timeval *tv)
{
	event_add(&c->tmr, tv);
}

/* "Date: ...\r\n", rebuilt once a second. */
static const char *
conn_date(struct worker *w)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	if (ts.tv_sec != w->date_sec) {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(w->date, sizeof(w->date),
		    "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
		w->date_sec = ts.tv_sec;
	}
	return w->date;
}

static void
conn_hdr_u(struct buf *b, const char *name, uint64_t v)
{
	char num[24];
	int i = (int)sizeof(num);

	do {
		num[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	buf_append_str(b, name);
	buf_append(b, num + i, sizeof(num) - (size_t)i);
	buf_append(b, "\r\n", 2);
}

/* Status line, the headers every reply carries (security headers
 * included, errors too), those its route and status call for, and the
 * body unless HEAD or 304. */
static void
conn_reply(struct conn *c, const struct server_response *rs, int minor,
    int keep_alive, int is_head)
{
	struct worker *w = c->w;
	struct buf *b = &w->out;
	int nobody = is_head || rs->status == 304;

	buf_append_str(b, minor ? "HTTP/1.1 " : "HTTP/1.0 ");
	buf_append_uint(b, (uint64_t)rs->status);
	buf_append_byte(b, ' ');
	buf_append_str(b, srv_reason(rs->status));
	buf_append(b, "\r\n", 2);
	buf_append_str(b, conn_date(w));
	buf_append(b, w->srv->fixed_hdrs, w->srv->fixed_len);
	buf_append_str(b, "Content-Type: ");
	buf_append_str(b, rs->content_type != NULL ? rs->content_type : CT_TEXT);
	buf_append_str(b, rs->cache == SRV_CACHE_PUBLIC ?
	    "\r\nCache-Control: public, max-age=60\r\n" :
	    "\r\nCache-Control: no-store\r\n");
	if (rs->status != 304)
		conn_hdr_u(b, "Content-Length: ", rs->body_len);
	if (rs->route == ROUTE_API_CERT || rs->route == ROUTE_API_VERIFY ||
	    rs->route == ROUTE_API_ORG || rs->route >= ROUTE_LOG_HEAD)
		buf_append_str(b, "Access-Control-Allow-Origin: *\r\n");
	if (rs->etag[0]) {
		buf_append_str(b, "ETag: ");
		buf_append_str(b, rs->etag);
		buf_append(b, "\r\n", 2);
	}
	if (rs->status == 405 || rs->status == 501)
		buf_append_str(b, "Allow: GET, HEAD\r\n");
	if (rs->status == 429)
		conn_hdr_u(b, "Retry-After: ", rs->retry_after);
	if (!keep_alive)
		buf_append_str(b, "Connection: close\r\n");
	else if (minor == 0)
		buf_append_str(b, "Connection: keep-alive\r\n");
	buf_append(b, "\r\n", 2);
	if (!nobody)
		buf_append(b, rs->body, rs->body_len);
}

/* The address a request is counted and logged under: the peer's, or
 * behind a trusted proxy the client X-Forwarded-For names. */
static void
conn_client(const struct conn *c, const struct http_req *hr,
    struct srv_req *rq, char *text, size_t cap)
{
	char xff[INET6_ADDRSTRLEN + 8];
	size_t n;

	if (c->trusted && hr != NULL && hr->xff != NULL &&
	    http_xff_client(hr->xff, hr->xff_len, &c->w->srv->proxy, xff,
	    sizeof(xff)) == 0 && http_client_key(xff, rq->client) == 0) {
		rq->client_ok = 1;
		n = strlen(xff);
		memcpy(text, xff, n < cap ? n + 1 : cap);
		text[cap - 1] = '\0';
		return;
	}
	memcpy(rq->client, c->key, 16);
	rq->client_ok = c->key_ok;
	n = strlen(c->peer);
	memcpy(text, c->peer, n < cap ? n + 1 : cap);
	text[cap - 1] = '\0';
}

/* Counts and logs a reply built in w->out. */
static void
conn_account(struct conn *c, const char *client, const char *method,
    const struct server_response *rs, int is_head, uint64_t t0)
{
	uint64_t us = conn_now_us() - t0;
	size_t bytes = is_head ? 0 : rs->body_len;

	srv_metrics_record(&c->w->ctx.m, rs->route, rs->status, us, bytes);
	alog_line(c->w, client, method, rs->route, rs->status, bytes, us);
	c->served++;
}

/* A request refused before any route: status, then the connection
 * closes. hr may be NULL (deadline). */
static void
conn_refuse(struct conn *c, int status, const struct http_req *hr)
{
	struct srv_ctx *x = &c->w->ctx;
	struct server_response rs;
	struct srv_req rq;
	char client[64];
	uint64_t t0 = conn_now_us();

	memset(&rq, 0, sizeof(rq));
	conn_client(c, hr, &rq, client, sizeof(client));
	srv_dispatch_refuse(x, status, hr != NULL ? hr->target : NULL,
	    hr != NULL ? hr->target_len : 0, &rs);
	conn_reply(c, &rs, 1, 0, hr != NULL && hr->method == HTTP_M_HEAD);
	conn_account(c, client, hr != NULL && hr->method_s != NULL ?
	    http_req_method_name(hr->method) : "-", &rs,
	    hr != NULL && hr->method == HTTP_M_HEAD, t0);
	srv_done(x);
	c->state = CS_CLOSING;
}

/* One parsed head: dispatched (or refused: CONNECT, unknown methods). */
static void
conn_request(struct conn *c, const struct http_req *hr)
{
	struct srv_ctx *x = &c->w->ctx;
	struct server_response rs;
	struct srv_req rq;
	char client[64], inm[256];
	uint64_t t0 = conn_now_us();

	if (hr->method == HTTP_M_CONNECT || hr->method == HTTP_M_OTHER) {
		conn_refuse(c, hr->method == HTTP_M_CONNECT ? 405 : 501, hr);
		return;
	}
	memset(&rq, 0, sizeof(rq));
	conn_client(c, hr, &rq, client, sizeof(client));
	rq.method = http_req_method_name(hr->method);
	rq.uri = hr->target;
	rq.uri_len = hr->target_len;
	rq.is_get = hr->method == HTTP_M_GET;
	rq.is_head = hr->method == HTTP_M_HEAD;
	rq.now_us = t0;
	if (hr->if_none_match != NULL && hr->if_none_match_len < sizeof(inm)) {
		memcpy(inm, hr->if_none_match, hr->if_none_match_len);
		inm[hr->if_none_match_len] = '\0';
		rq.if_none_match = inm;
	}
	srv_dispatch(x, &rq, &rs);
	conn_reply(c, &rs, hr->minor, hr->keep_alive, rq.is_head);
	conn_account(c, client, rq.method, &rs, rq.is_head, t0);
	srv_done(x);    /* the body is copied: the read view can go */
	if (!hr->keep_alive)
		c->state = CS_CLOSING;
}

/* After the last reply: stop sending, read and drop what the client
 * still sends for a moment, so closing does not reset the connection
 * before it has read the reply (a reset can discard it). */
static int
conn_linger(struct conn *c)
{
	if (c->bev != NULL || shutdown(c->fd, SHUT_WR) != 0) {
		conn_free(c);
		return -1;
	}
	c->state = CS_LINGER;
	conn_idle_leave(c);
	conn_read_enable(c, 1);
	conn_arm(c, c->w->tv_linger);
	return 0;
}

/* Once the batch's replies are out (or queued): what the connection
 * waits for next. -1 if it was closed. */
static int
conn_settle(struct conn *c, int answered)
{
	struct worker *w = c->w;

	if (c->state == CS_CLOSING) {
		conn_read_enable(c, 0);
		return conn_pending(c) == 0 ? conn_linger(c) : 0;
	}
	if (c->rlen == 0) {
		if (c->state != CS_IDLE || answered) {
			c->state = CS_IDLE;
			conn_arm(c, w->tv_idle);
		}
		if (c->served > 0 && !c->in_idle) {
			if (w->paused && conn_pending(c) == 0) {
				/* Full: someone waits in the backlog. */
				srv_count(&w->ctx.m.conns_evicted, 1);
				conn_free(c);
				return -1;
			}
			TAILQ_INSERT_TAIL(&w->idle, c, idle_e);
			c->in_idle = 1;
		}
		return 0;
	}
	conn_idle_leave(c);
	if (c->state == CS_IDLE || answered) {
		/* A new head began: its deadline runs from now, whole. */
		c->state = CS_HEAD;
		conn_arm(c, w->tv_head);
	}
	return 0;
}

/* Parses and answers up to CONN_PIPE_MAX requests from the buffer.
 * Returns how many, or -1 if the connection was freed. */
static int
conn_batch(struct conn *c, size_t *offp)
{
	struct worker *w = c->w;
	const struct server_config *cfg = &w->srv->cfg;
	struct http_req hr;
	size_t off = *offp;
	int n = 0, rc;

	while (c->state < CS_CLOSING && off < c->rlen && n < CONN_PIPE_MAX &&
	    w->out.len + conn_pending(c) <= CONN_OUT_CAP) {
		rc = http_req_parse(c->rbuf + off, c->rlen - off, cfg->max_headers,
		    HTTP_URI_MAX, &hr);
		if (rc == HTTP_REQ_MORE)
			break;
		if (rc == HTTP_REQ_ERR) {
			conn_refuse(c, hr.status, &hr);
			off = c->rlen;
		} else {
			conn_request(c, &hr);
			off += hr.head_len;
		}
		n++;
	}
	if (c->state >= CS_CLOSING)
		off = c->rlen;   /* a body or junk after the last reply */
	*offp = off;
	if (w->out.oom) {
		conn_free(c);
		return -1;
	}
	if (conn_send(c, w->out.data, w->out.len) != 0) {
		conn_free(c);
		return -1;
	}
	buf_reset(&w->out);
	return n;
}

/* Answers what the buffer holds; -1 if the connection was closed. */
static int
conn_process(struct conn *c)
{
	size_t off = 0;
	int n, answered = 0;

	buf_reset(&c->w->out);
	do {
		if ((n = conn_batch(c, &off)) < 0)
			return -1;
		answered += n;
	} while (n == CONN_PIPE_MAX && conn_pending(c) == 0);
	if (off > 0) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	if (c->state < CS_CLOSING && conn_pending(c) > 0 &&
	    (conn_pending(c) > CONN_OUT_CAP || n == CONN_PIPE_MAX)) {
		/* It does not read its replies: stop reading its requests. */
		if (c->read_on)
			srv_count(&c->w->ctx.m.reads_paused, 1);
		conn_read_enable(c, 0);
	}
	return conn_settle(c, answered);
}

/* Room in the read buffer: grown up to max_headers, allocated only once
 * bytes arrive (an idle connection holds none). */
static size_t
conn_room(struct conn *c)
{
	size_t max = c->w->srv->cfg.max_headers, cap;
	char *p;

	if (c->rlen < c->rcap)
		return c->rcap - c->rlen;
	if (c->rcap >= max)
		return 0;
	cap = c->rcap == 0 ? CONN_RBUF_MIN : c->rcap * 2;
	if (cap > max)
		cap = max;
	if ((p = realloc(c->rbuf, cap)) == NULL)
		return 0;
	c->rbuf = p;
	c->rcap = cap;
	return c->rcap - c->rlen;
}

/* Replies queued earlier have all left: close, or read again. */
static void
conn_drained(struct conn *c)
{
	if (c->state == CS_CLOSING) {
		conn_linger(c);
		return;
	}
	if (c->read_on || c->state == CS_LINGER)
		return;
	conn_read_enable(c, 1);
	if (conn_process(c) == 0 && c->bev != NULL && c->read_on)
		bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_IGNORE_WATERMARKS);
}

/* Plain TCP: bytes in. */
static void
conn_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	char junk[4096];
	size_t room;
	ssize_t n;

	if (c->state == CS_LINGER) {
		n = read(fd, junk, sizeof(junk));
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n > 0 && (c->lingered += (size_t)n) < CONN_LINGER_BYTES)
			return;
		conn_free(c);
		return;
	}
	if ((room = conn_room(c)) == 0) {
		conn_process(c);
		return;
	}
	n = read(fd, c->rbuf + c->rlen, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* Gone, or done sending: finish the replies owed, then close. */
		if (n == 0 && conn_pending(c) > 0) {
			c->state = CS_CLOSING;
			conn_read_enable(c, 0);
		} else
			conn_free(c);
		return;
	}
	c->rlen += (size_t)n;
	conn_process(c);
}

/* Plain TCP: the socket takes more of the queued replies. */
static void
conn_on_write(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;

	if (what & EV_TIMEOUT) {
		srv_count(&c->w->ctx.m.conns_timed_out, 1);
		conn_free(c);
		return;
	}
	if (evbuffer_write(c->pend, fd) < 0 && errno != EAGAIN &&
	    errno != EINTR) {
		conn_free(c);
		return;
	}
	if (evbuffer_get_length(c->pend) > 0) {
		event_add(&c->wev, &c->w->tv_write);
		return;
	}
	conn_drained(c);
}

/* The connection's deadline: the whole head (408), idle keep-alive, or
 * the lingering close. */
static void
conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct conn *c = arg;
	struct worker *w = c->w;

	if (c->state == CS_LINGER) {
		conn_free(c);
		return;
	}
	srv_count(&w->ctx.m.conns_timed_out, 1);
	if (c->state != CS_HEAD || conn_pending(c) > 0) {
		conn_free(c);
		return;
	}
	buf_reset(&w->out);
	conn_refuse(c, 408, NULL);
	if (w->out.oom || conn_send(c, w->out.data, w->out.len) != 0) {
		conn_free(c);
		return;
	}
	buf_reset(&w->out);
	conn_settle(c, 1);
}

/* TLS: decrypted bytes in. */
static void
conn_tls_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	size_t room;
	int n;

	if (c->state >= CS_CLOSING) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while (evbuffer_get_length(in) > 0 && c->read_on &&
	    c->state < CS_CLOSING && (room = conn_room(c)) > 0) {
		if ((n = evbuffer_remove(in, c->rbuf + c->rlen, room)) <= 0)
			break;
		c->rlen += (size_t)n;
		if (conn_process(c) != 0)
			return;
	}
}

static void
conn_tls_write(struct bufferevent *bev, void *arg)
{
	conn_drained(arg);
}

static void
conn_tls_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	if (what & BEV_EVENT_TIMEOUT)
		srv_count(&c->w->ctx.m.conns_timed_out, 1);
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		conn_free(c);
}

static int
conn_io_setup(struct conn *c)
{
	struct worker *w = c->w;
	SSL *ssl;

	event_assign(&c->rev, w->base, c->fd, EV_READ | EV_PERSIST,
	    conn_on_read, c);
	event_assign(&c->wev, w->base, c->fd, EV_WRITE, conn_on_write, c);
	evtimer_assign(&c->tmr, w->base, conn_on_timer, c);
	if (w->srv->ssl == NULL) {
		conn_read_enable(c, 1);
		return c->read_on ? 0 : -1;
	}
	if ((ssl = SSL_new(w->srv->ssl)) == NULL)
		return -1;
	c->bev = bufferevent_openssl_socket_new(w->base, c->fd, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		SSL_free(ssl);
		return -1;
	}
	bufferevent_setcb(c->bev, conn_tls_read, conn_tls_write, conn_tls_event,
	    c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, w->srv->cfg.max_headers);
	bufferevent_set_timeouts(c->bev, NULL, &w->tv_write);
	conn_read_enable(c, 1);
	return 0;
}

/* At the thread's cap: the oldest idle keep-alive connection makes room;
 * with none, the listener waits (new clients queue in the backlog) until
 * a connection closes. */
static void
conn_make_room(struct worker *w)
{
	struct conn *old;

	if (w->conns < w->srv->conns_cap)
		return;
	if ((old = TAILQ_FIRST(&w->idle)) != NULL) {
		srv_count(&w->ctx.m.conns_evicted, 1);
		conn_free(old);
		return;
	}
	if (!w->paused && evconnlistener_disable(w->lev) == 0) {
		w->paused = 1;
		srv_count(&w->ctx.m.conns_paused, 1);
	}
}

static void
conn_peer(struct conn *c, const struct sockaddr *sa)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
	const uint8_t *b = s6->sin6_addr.s6_addr;

	c->peer[0] = '\0';
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    c->peer, sizeof(c->peer));
	else if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		inet_ntop(AF_INET, b + 12, c->peer, sizeof(c->peer));
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, b, c->peer, sizeof(c->peer));
	c->key_ok = http_client_key(c->peer, c->key) == 0;
}

void
conn_accept(struct worker *w, evutil_socket_t fd, const struct sockaddr *sa,
    int salen)
{
	struct server *s = w->srv;
	struct conn *c;
	int one = 1;

	if (w->stopping || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->w = w;
	c->fd = fd;
	conn_peer(c, sa);
	c->trusted = s->have_proxy && http_cidr_match(&s->proxy, c->peer);
	if (c->key_ok && !c->trusted) {
		if (!connlimit_take(&s->cl, c->key)) {
			srv_count(&w->ctx.m.conns_refused, 1);
			close(fd);
			free(c);
			return;
		}
		c->counted = 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	TAILQ_INSERT_TAIL(&w->all, c, all_e);
	w->conns++;
	srv_count(&w->ctx.m.conns_total, 1);
	atomic_store_explicit(&w->ctx.m.conns_open, (uint64_t)w->conns,
	    memory_order_relaxed);
	if (conn_io_setup(c) != 0) {
		conn_free(c);
		return;
	}
	conn_arm(c, w->tv_idle);
	conn_make_room(w);
}

void
conn_close_all(struct worker *w)
{
	struct conn *c;

	w->stopping = 1;
	while ((c = TAILQ_FIRST(&w->all)) != NULL)
		conn_free(c);
}
