/* worker.h - the server process and its threads, as the listener
 * (server.c) and the connections (conn.c) both see them. */
#ifndef SKILLCERT_SRV_WORKER_H
#define SKILLCERT_SRV_WORKER_H

#include <pthread.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/ssl.h>

#include "connlimit.h"
#include "ctx.h"

struct conn;
TAILQ_HEAD(conn_list, conn);

/* Read once set up; the limiter and counters inside lock themselves. */
struct server {
	struct server_config cfg;
	struct srv_shared sh;
	struct ratelimit rl;
	struct connlimit cl;
	struct http_cidr proxy;
	int have_proxy;
	struct worker *w;
	int n;
	int conns_cap;                 /* open connections per thread */
	SSL_CTX *ssl;
	int logfd;                     /* -1 none */
	struct sockaddr_storage addr;
	ev_socklen_t addrlen;
	char addrtext[80];
	char fixed_hdrs[1024];         /* the security headers, every reply */
	size_t fixed_len;
	struct event_base *ctl;        /* the main thread's: signals only */
	struct event *sigint, *sigterm, *sighup;
};

/* One thread's: touched by that thread only (metrics are read by all). */
struct worker {
	int id;
	struct server *srv;
	pthread_t thr;
	int started;
	struct event_base *base;
	struct evconnlistener *lev;
	struct event *log_timer;
	const struct timeval *tv_head, *tv_idle, *tv_linger; /* common */
	struct timeval tv_write;
	struct conn_list all;          /* every open connection */
	struct conn_list idle;         /* idle keep-alive, oldest first */
	int conns;
	int paused;                    /* listener disabled at the cap */
	int stopping;
	struct buf out;                /* replies of one batch */
	struct buf log;
	time_t log_sec;
	char log_ts[32];
	time_t date_sec;
	char date[40];                 /* "Date: ...\r\n" */
	struct srv_ctx ctx;
} __attribute__((aligned(64)));

#endif
