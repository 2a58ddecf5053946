/* metrics.c - request counters kept per thread without locks and
 * summed across threads when /metrics is scraped (Prometheus text 0.0.4).
 * A scrape may see one thread's counters a request apart from another's:
 * monotonic counters tolerate that. */
#include <inttypes.h>
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "metrics.h"
#include "respond.h"

const uint32_t srv_buckets_us[SRV_NBUCKETS] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000,
	250000, 1000000
};

static const int status_codes[ST_N] = {
	200, 304, 400, 404, 405, 408, 413, 414, 429, 431, 500, 501, 503, 505, 0
};

static int
status_idx(int status)
{
	int i;

	for (i = 0; i < ST_OTHER; i++)
		if (status_codes[i] == status)
			return i;
	return ST_OTHER;
}

void
srv_metrics_record(struct srv_metrics *m, int route, int status, uint64_t us,
    size_t bytes)
{
	int b;

	if (route < 0 || route >= ROUTE_N)
		route = ROUTE_OTHER;
	srv_count(&m->req[route][status_idx(status)], 1);
	for (b = 0; b < SRV_NBUCKETS && us > srv_buckets_us[b]; b++)
		;
	srv_count(&m->lat[route][b], 1);
	srv_count(&m->lat_sum_us[route], us);
	srv_count(&m->bytes_out, bytes);
}

static uint64_t
sum(const struct srv_shared *sh, size_t off)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < sh->nctx; i++)
		s += srv_read((_Atomic uint64_t *)((char *)&sh->ctxs[i]->m + off));
	return s;
}

#define SUM(field) sum(sh, offsetof(struct srv_metrics, field))

static void
counter(struct buf *b, const char *name, const char *help, const char *type,
    uint64_t v)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", name, help,
	    name, type, name, v);
}

/* skillcert_http_requests_total: one line per route and status seen. */
static void
requests_text(const struct srv_shared *sh, struct buf *b)
{
	uint64_t v;
	int route, s;

	buf_append_str(b, "# HELP skillcert_http_requests_total Requests "
	    "answered, by route pattern and status.\n"
	    "# TYPE skillcert_http_requests_total counter\n");
	for (route = 0; route < ROUTE_N; route++)
		for (s = 0; s < ST_N; s++) {
			v = SUM(req[route][s]);
			if (v == 0)
				continue;
			if (s == ST_OTHER)
				buf_printf(b, "skillcert_http_requests_total{route=\"%s\","
				    "code=\"other\"} %" PRIu64 "\n",
				    http_route_label(route), v);
			else
				buf_printf(b, "skillcert_http_requests_total{route=\"%s\","
				    "code=\"%d\"} %" PRIu64 "\n",
				    http_route_label(route), status_codes[s], v);
		}
}

/* The latency histogram, cumulative buckets, for routes that were hit. */
static void
latency_text(const struct srv_shared *sh, struct buf *b)
{
	uint64_t cum;
	int route, k;

	buf_append_str(b, "# HELP skillcert_http_request_duration_seconds "
	    "Time from the request's arrival at the handler to its reply.\n"
	    "# TYPE skillcert_http_request_duration_seconds histogram\n");
	for (route = 0; route < ROUTE_N; route++) {
		uint64_t total = 0;

		for (k = 0; k <= SRV_NBUCKETS; k++)
			total += SUM(lat[route][k]);
		if (total == 0)
			continue;
		for (k = 0, cum = 0; k <= SRV_NBUCKETS; k++) {
			cum += SUM(lat[route][k]);
			if (k < SRV_NBUCKETS)
				buf_printf(b, "skillcert_http_request_duration_seconds_"
				    "bucket{route=\"%s\",le=\"%g\"} %" PRIu64 "\n",
				    http_route_label(route),
				    srv_buckets_us[k] / 1e6, cum);
			else
				buf_printf(b, "skillcert_http_request_duration_seconds_"
				    "bucket{route=\"%s\",le=\"+Inf\"} %" PRIu64 "\n",
				    http_route_label(route), cum);
		}
		buf_printf(b, "skillcert_http_request_duration_seconds_sum"
		    "{route=\"%s\"} %.6f\n", http_route_label(route),
		    SUM(lat_sum_us[route]) / 1e6);
		buf_printf(b, "skillcert_http_request_duration_seconds_count"
		    "{route=\"%s\"} %" PRIu64 "\n", http_route_label(route), cum);
	}
}

/* The server-wide counters and gauges, one family each. */
static void
totals_text(const struct srv_shared *sh, struct buf *b)
{
	counter(b, "skillcert_http_response_bytes_total", "Body bytes sent.",
	    "counter", SUM(bytes_out));
	counter(b, "skillcert_rate_limited_total", "Lookups refused with 429.",
	    "counter", SUM(rate_limited));
	counter(b, "skillcert_connections_open", "Client connections open now.",
	    "gauge", SUM(conns_open));
	counter(b, "skillcert_connections_total", "Client connections accepted.",
	    "counter", SUM(conns_total));
	counter(b, "skillcert_listener_paused_total", "Times a thread stopped "
	    "accepting at its connection cap.", "counter", SUM(conns_paused));
	counter(b, "skillcert_accept_errors_total", "accept(2) failures "
	    "(EMFILE, ENFILE ...).", "counter", SUM(accept_errors));
	counter(b, "skillcert_connections_refused_total", "Connections closed "
	    "at once: too many from one address.", "counter",
	    SUM(conns_refused));
	counter(b, "skillcert_connections_evicted_total", "Idle keep-alive "
	    "connections closed to make room.", "counter", SUM(conns_evicted));
	counter(b, "skillcert_connections_timed_out_total", "Connections closed "
	    "by the head deadline or the idle or write timeout.", "counter",
	    SUM(conns_timed_out));
	counter(b, "skillcert_reads_paused_total", "Times reading stopped "
	    "because a client did not read its replies.", "counter",
	    SUM(reads_paused));
	counter(b, "skillcert_db_errors_total", "Registry read failures.",
	    "counter", SUM(db_errors));
	counter(b, "skillcert_signature_verifications_total", "Signatures "
	    "verified with public-key cryptography.", "counter",
	    SUM(sig_verifies));
	counter(b, "skillcert_signature_cache_hits_total", "Signatures found "
	    "already verified.", "counter", SUM(sig_cache_hits));
}

void
srv_metrics_text(struct srv_ctx *x, struct server_response *r)
{
	const struct srv_shared *sh = x->sh;
	struct buf *b = &x->body;
	uint64_t certs = 0, revoked = 0, orgs = 0;

	buf_reset(b);
	x->ext = NULL;
	requests_text(sh, b);
	latency_text(sh, b);
	totals_text(sh, b);
	if (srv_txn(x) == 0)
		registry_count(x->reg, x->txn, &certs, &revoked, &orgs);
	counter(b, "skillcert_certificates", "Certificates in the registry "
	    "(valid and revoked).", "gauge", certs);
	counter(b, "skillcert_revocations", "Revoked certificates.", "gauge",
	    revoked);
	counter(b, "skillcert_organizations", "Assessment organizations filed.",
	    "gauge", orgs);
	counter(b, "skillcert_threads", "Server threads.", "gauge",
	    (uint64_t)sh->nctx);
	counter(b, "skillcert_start_time_seconds", "Unix time the server "
	    "started.", "gauge", (uint64_t)sh->started);
	srv_finish(x, r, 200, CT_PROM, SRV_CACHE_NO_STORE);
}
