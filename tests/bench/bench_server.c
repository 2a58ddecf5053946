/* bench_server.c - registries for the lookup-server benchmark, and the
 * handler's own cost without sockets.
 *   bench_server gen DIR N [SAMPLE]   issue N synthetic certificates (one
 *       organization, rosters of 10,000) into a new registry DIR and write
 *       SAMPLE (default DIR.sample): 1,000 lookup paths spread over the
 *       registry, "/v1/certificates/NO?name=PERCENT-ENCODED" per line, and
 *       SAMPLE.tokens: the matching /v1/verify paths.
 *   bench_server lookup DIR SAMPLE [SECONDS]   in-process handler: lookups
 *       per second and µs per lookup, then the same for token verifies.
 *   bench_server attack PORT PID MODE CONNS ADDRS SECONDS [INTERVAL_MS]
 *       one client against a server on 127.0.0.1:PORT: MODE slow (a head
 *       sent one line every INTERVAL_MS, default 10,000), idle (connect,
 *       send nothing), pipe (pipeline requests, never read); CONNS
 *       connections from ADDRS source addresses 127.0.1.x, reopened when
 *       the server closes them; meanwhile GET /healthz from 127.0.0.1
 *       every 100 ms, timed, and PID's resident memory sampled. Prints
 *       one "attack ..." line; exit 0 (the caller judges the figures).
 * tools/bench-server drives both and the HTTP comparison with nginx. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"
#include "skillcert/issue/issue.h"
#include "skillcert/store/registry.h"
#include "skillcert/server/server.h"

#define ORG "S000036000001"
#define ROSTER 10000
#define NSAMPLE 1000

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
pct(const char *s, char *out, size_t cap)
{
	size_t o = 0;

	for (; *s && o + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
		    (c >= 'a' && c <= 'z'))
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, cap - o, "%%%02X", c);
	}
	out[o] = '\0';
}

static int
gen(const char *dir, unsigned total, const char *sample)
{
	struct registry *r;
	struct err e;
	MDB_txn *txn;
	struct org o;
	struct buf b = BUF_INIT, tok = BUF_INIT;
	int32_t today;
	unsigned done = 0, step = total / NSAMPLE ? total / NSAMPLE : 1;
	char samples[640], name[256];
	FILE *fs, *ft;
	double t0 = now();

	date_from_ymd(2024, 6, 1, &today);
	if (registry_init(dir, gen_opts(0), 36, "https://cert.example.cn", NULL, NULL, &e) ||
	    registry_open(&r, dir, gen_opts(0), &e) || registry_load_secrets(r, NULL, &e) ||
	    registry_txn_begin(r, 0, &txn, &e)) {
		fprintf(stderr, "gen: %s\n", e.msg);
		return 1;
	}
	memset(&o, 0, sizeof(o));
	strcpy(o.code, ORG);
	o.type = 'S';
	strcpy(o.name, "江西省康养职业技能评价中心");
	o.status = ORG_ACTIVE;
	date_from_ymd(2020, 1, 1, &o.valid_from);
	date_from_ymd(2030, 12, 31, &o.valid_to);
	if (org_scope_parse(&r->cat, "养老护理员:5-1", &o, &e) ||
	    registry_org_new_key(r, txn, &o, KEY_ED25519, o.valid_from, NULL, &e) ||
	    registry_put_org(r, txn, &o, &e) || mdb_txn_commit(txn)) {
		fprintf(stderr, "gen org: %s\n", e.msg);
		return 1;
	}
	snprintf(samples, sizeof(samples), "%s.tokens", sample);
	if ((fs = fopen(sample, "w")) == NULL || (ft = fopen(samples, "w")) == NULL) {
		perror(sample);
		return 1;
	}
	while (done < total) {
		unsigned n = total - done < ROSTER ? total - done : ROSTER;
		struct issue_opts io;
		struct issue_result res;
		struct cert_record rec;

		gen_roster(&b, done, n);
		memset(&io, 0, sizeof(io));
		io.org = ORG;
		io.roster_data = (const char *)b.data;
		io.roster_len = b.len;
		io.today = today;
		if (issue_roster(r, &io, &res, &e) != 0 || res.issued + res.existing != n) {
			fprintf(stderr, "gen issue at %u: %s\n", done, e.msg);
			return 1;
		}
		if (registry_txn_begin(r, 1, &txn, &e) != 0)
			return 1;
		for (size_t i = 0; i < res.nrows; i++) {
			if ((done + i) % step != 0)
				continue;
			pct(res.rows[i].name, name, sizeof(name));
			fprintf(fs, "/v1/certificates/%s?name=%s\n", res.rows[i].certno, name);
			if (registry_get_cert(r, txn, res.rows[i].certno, &rec, &e) == 0 &&
			    cert_token(rec.enc, rec.enc_len, rec.sig, &tok, &e) == 0)
				fprintf(ft, "/v1/verify?token=%.*s\n", (int)tok.len,
				    (const char *)tok.data);
		}
		mdb_txn_abort(txn);
		issue_result_free(&res);
		done += n;
		fprintf(stderr, "\rgen: %u / %u certificates (%.0f/s)", done, total,
		    done / (now() - t0));
	}
	fprintf(stderr, "\n");
	fclose(fs);
	fclose(ft);
	buf_free(&b);
	buf_free(&tok);
	registry_close(r);
	return 0;
}

static int
load(const char *path, char ***lines, size_t *n)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	*n = 0;
	*lines = NULL;
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		*lines = realloc(*lines, (*n + 1) * sizeof(**lines));
		(*lines)[(*n)++] = strdup(line);
	}
	fclose(f);
	return *n ? 0 : -1;
}

static void
run(struct server_handler *h, char **paths, size_t n, double secs,
    const char *what)
{
	struct server_response r;
	double t0 = now(), t;
	size_t i = 0, ok = 0;

	do {
		for (int k = 0; k < 1000; k++, i++)
			ok += server_handler_request(h, "GET", paths[i % n],
			    "127.0.0.1", &r) == 200;
	} while ((t = now() - t0) < secs);
	printf("%-14s %9.0f req/s  %6.2f µs/req  (%zu of %zu answered 200)\n",
	    what, i / t, t / i * 1e6, ok, i);
}

static int
lookup(const char *dir, const char *sample, double secs)
{
	struct server_handler *h;
	struct server_config c;
	struct err e;
	char **p, **tp, tpath[600];
	size_t n, tn;

	snprintf(tpath, sizeof(tpath), "%s.tokens", sample);
	if (load(sample, &p, &n) != 0 || load(tpath, &tp, &tn) != 0) {
		fprintf(stderr, "cannot read %s\n", sample);
		return 1;
	}
	server_config_defaults(&c);
	c.db_dir = dir;
	c.rate = 0;
	if (server_handler_open(&h, &c, &e) != 0) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	run(h, p, n, secs, "lookup");
	run(h, tp, tn, secs, "verify");
	server_handler_close(h);
	return 0;
}

/* ---- attack: slow, idle and non-reading clients, with probes ---- */

enum { AT_SLOW, AT_IDLE, AT_PIPE };

struct atk {
	int fd;
	int lines;          /* slow: header lines sent */
	double next;        /* slow: when the next line is due */
};

struct atk_run {
	int mode, port, naddr, epfd;
	double interval;
	long opened, failed;
	char pipebuf[16384];
	size_t pipelen;
};

static int
atk_open(struct atk_run *r, struct atk *a, int i)
{
	struct sockaddr_in src, dst;
	int fd;
	struct epoll_event ev;

	a->fd = -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0)) < 0)
		return -1;
	memset(&src, 0, sizeof(src));
	src.sin_family = AF_INET;
	src.sin_addr.s_addr = htonl(0x7f000100u + 1 + (uint32_t)(i % r->naddr));
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)r->port);
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)) != 0 ||
	    (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 &&
	    errno != EINPROGRESS)) {
		close(fd);
		r->failed++;
		return -1;
	}
	ev.events = r->mode == AT_PIPE ? EPOLLOUT | EPOLLRDHUP : EPOLLIN | EPOLLRDHUP;
	ev.data.u32 = (uint32_t)i;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		close(fd);
		return -1;
	}
	a->fd = fd;
	a->lines = 0;
	a->next = now() + (double)(i % 1000) / 1000.0 * r->interval;
	r->opened++;
	return 0;
}

static void
atk_event(struct atk_run *r, struct atk *a, int i, uint32_t events)
{
	char junk[4096];
	ssize_t n;

	if (r->mode == AT_PIPE && (events & EPOLLOUT) &&
	    !(events & (EPOLLERR | EPOLLHUP))) {
		while ((n = write(a->fd, r->pipebuf, r->pipelen)) > 0)
			;
		if (n < 0 && errno == EAGAIN)
			return;
	}
	if (events & EPOLLIN) {
		n = read(a->fd, junk, sizeof(junk));
		if (n > 0 || (n < 0 && errno == EAGAIN))
			return;
	}
	if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) &&
	    r->mode != AT_PIPE)
		return;
	close(a->fd);
	atk_open(r, a, i);   /* the server closed it: come back */
}

/* slow: the head, one line at a time (never its end). */
static void
atk_tick(struct atk_run *r, struct atk *a, int n)
{
	double t = now();
	const char *l;
	int i;

	if (r->mode != AT_SLOW)
		return;
	for (i = 0; i < n; i++) {
		if (a[i].fd < 0 || t < a[i].next)
			continue;
		l = a[i].lines == 0 ? "GET /healthz HTTP/1.1\r\n" : "X-Slow: a\r\n";
		if (write(a[i].fd, l, strlen(l)) > 0)
			a[i].lines++;
		a[i].next = t + r->interval;
	}
}

/* One GET /healthz on a new connection: ms to the whole status line and
 * headers, or -1 if no 200 within 2 s. */
static double
atk_probe(int port)
{
	struct sockaddr_in dst;
	struct pollfd pfd;
	const char *req = "GET /healthz HTTP/1.1\r\nHost: probe\r\nConnection: close\r\n\r\n";
	char buf[4096];
	size_t got = 0;
	double t0 = now(), ms = -1;
	ssize_t n;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return -1;
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)port);
	dst.sin_addr.s_addr = htonl(0x7f000001u);
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)) != 0 ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		close(fd);
		return -1;
	}
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (now() - t0 < 2.0 && got < sizeof(buf) - 1) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		if ((n = read(fd, buf + got, sizeof(buf) - 1 - got)) <= 0)
			break;
		got += (size_t)n;
		buf[got] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL) {
			if (strncmp(buf, "HTTP/1.1 200 ", 13) == 0)
				ms = (now() - t0) * 1000;
			break;
		}
	}
	close(fd);
	return ms;
}

static long
atk_rss_kb(int pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int
attack(int port, int pid, const char *mode, int nconn, int naddr,
    double secs, double interval_ms)
{
	static struct atk_run r;
	struct epoll_event evs[512];
	struct rlimit rl;
	struct atk *a;
	double t0, next_probe, ms, worst = 0;
	long rss, rss_max = 0, probes = 0, answered = 0, slow50 = 0;
	int i, n, open_now;

	memset(&r, 0, sizeof(r));
	r.mode = strcmp(mode, "slow") == 0 ? AT_SLOW : strcmp(mode, "idle") == 0 ?
	    AT_IDLE : AT_PIPE;
	r.port = port;
	r.naddr = naddr < 1 ? 1 : naddr;
	r.interval = interval_ms / 1000.0;
	while (r.pipelen + 64 < sizeof(r.pipebuf))
		r.pipelen += (size_t)sprintf(r.pipebuf + r.pipelen,
		    "GET /healthz HTTP/1.1\r\nHost: p\r\n\r\n");
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((a = calloc((size_t)nconn, sizeof(*a))) == NULL ||
	    (r.epfd = epoll_create1(0)) < 0)
		return 1;
	for (i = 0; i < nconn; i++)
		atk_open(&r, &a[i], i);
	t0 = now();
	next_probe = t0 + 0.5;   /* let the connections land first */
	while (now() - t0 < secs) {
		n = epoll_wait(r.epfd, evs, 512, 20);
		for (i = 0; i < n; i++)
			atk_event(&r, &a[evs[i].data.u32], (int)evs[i].data.u32,
			    evs[i].events);
		atk_tick(&r, a, nconn);
		if (now() >= next_probe) {
			next_probe += 0.1;
			probes++;
			if ((ms = atk_probe(port)) >= 0) {
				answered++;
				if (ms > worst)
					worst = ms;
				if (ms > 50)
					slow50++;
			}
			if ((rss = atk_rss_kb(pid)) > rss_max)
				rss_max = rss;
		}
	}
	for (i = 0, open_now = 0; i < nconn; i++)
		if (a[i].fd >= 0) {
			open_now++;
			close(a[i].fd);
		}
	close(r.epfd);
	free(a);
	printf("attack %s: %d connections from %d addresses (%ld opened, %ld "
	    "failed), %.0f s; probes %ld, answered %ld, over 50 ms %ld, worst "
	    "%.1f ms; server RSS max %.1f MB\n", mode, nconn, r.naddr, r.opened,
	    r.failed, secs, probes, answered, slow50, worst, rss_max / 1024.0);
	return 0;
}

int
main(int argc, char **argv)
{
	char sample[600];

	if (argc >= 4 && strcmp(argv[1], "gen") == 0) {
		snprintf(sample, sizeof(sample), "%s.sample", argv[2]);
		return gen(argv[2], (unsigned)strtoul(argv[3], NULL, 10),
		    argc > 4 ? argv[4] : sample);
	}
	if (argc >= 4 && strcmp(argv[1], "lookup") == 0)
		return lookup(argv[2], argv[3], argc > 4 ? atof(argv[4]) : 3);
	if (argc >= 8 && strcmp(argv[1], "attack") == 0)
		return attack(atoi(argv[2]), atoi(argv[3]), argv[4], atoi(argv[5]),
		    atoi(argv[6]), atof(argv[7]), argc > 8 ? atof(argv[8]) : 10000);
	fprintf(stderr, "usage: bench_server gen DIR N [SAMPLE]\n"
	    "       bench_server lookup DIR SAMPLE [SECONDS]\n"
	    "       bench_server attack PORT PID slow|idle|pipe CONNS ADDRS "
	    "SECONDS [INTERVAL_MS]\n");
	return 64;
}
