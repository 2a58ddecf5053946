/* metrics.h - lock-free per-thread counters and the /metrics route. */
#ifndef SKILLCERT_SRV_METRICS_H
#define SKILLCERT_SRV_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "skillcert/server/http_parse.h"

struct srv_ctx;
struct server_response;

enum srv_status_idx {
	ST_200, ST_304, ST_400, ST_404, ST_405, ST_408, ST_413, ST_414,
	ST_429, ST_431, ST_500, ST_501, ST_503, ST_505, ST_OTHER, ST_N
};
#define SRV_NBUCKETS 12   /* latency upper bounds, microseconds (+Inf extra) */

/* Written by the owning thread only, read by whichever thread scrapes. */
struct srv_metrics {
	_Atomic uint64_t req[ROUTE_N][ST_N];
	_Atomic uint64_t lat[ROUTE_N][SRV_NBUCKETS + 1];
	_Atomic uint64_t lat_sum_us[ROUTE_N];
	_Atomic uint64_t bytes_out;
	_Atomic uint64_t rate_limited;
	_Atomic uint64_t conns_open;      /* gauge */
	_Atomic uint64_t conns_total;
	_Atomic uint64_t conns_paused;    /* times the listener hit the cap */
	_Atomic uint64_t accept_errors;
	_Atomic uint64_t conns_refused;   /* over the per-address cap */
	_Atomic uint64_t conns_evicted;   /* idle keep-alive closed at the cap */
	_Atomic uint64_t conns_timed_out; /* head deadline, idle, write */
	_Atomic uint64_t reads_paused;    /* stopped reading: output full */
	_Atomic uint64_t db_errors;
	_Atomic uint64_t sig_verifies;    /* signature checks actually run */
	_Atomic uint64_t sig_cache_hits;
};

extern const uint32_t srv_buckets_us[SRV_NBUCKETS];

/* Single-writer counter bump: a plain load and store (no locked RMW). */
static inline void
srv_count(_Atomic uint64_t *c, uint64_t d)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed)
	    + d, memory_order_relaxed);
}

static inline uint64_t
srv_read(_Atomic uint64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

void srv_metrics_record(struct srv_metrics *m, int route, int status,
    uint64_t us, size_t bytes);
/* The /metrics route: every thread's counters summed, Prometheus text. */
void srv_metrics_text(struct srv_ctx *x, struct server_response *r);

#endif
