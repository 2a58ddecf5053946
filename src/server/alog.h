/* alog.h - the access log: one line per reply, batched per thread. */
#ifndef SKILLCERT_SRV_ALOG_H
#define SKILLCERT_SRV_ALOG_H

#include <stddef.h>
#include <stdint.h>

struct worker;

/* The route pattern, never the path: no numbers, names or tokens. */
void alog_line(struct worker *w, const char *client, const char *method,
    int route, int status, size_t bytes, uint64_t us);
/* Writes the thread's batch (whole lines, one write). */
void alog_flush(struct worker *w);

#endif
