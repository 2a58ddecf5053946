/* alog.c - the access log: lines batched per thread, written whole with
 * O_APPEND so threads' batches never interleave inside a line. */
#include <errno.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "alog.h"
#include "worker.h"

#define ALOG_FLUSH_AT 16384   /* bytes buffered per thread */

void
alog_flush(struct worker *w)
{
	size_t off = 0;
	ssize_t n;

	if (w->srv->logfd < 0 || w->log.len == 0)
		return;
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

void
alog_line(struct worker *w, const char *client, const char *method,
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
	if (w->log.len >= ALOG_FLUSH_AT)
		alog_flush(w);
}
