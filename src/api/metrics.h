/*
 * metrics.h: request counters and latency histogram for GET /metrics,
 * lock-free (relaxed atomics) so the hot path never waits, and the gauges
 * read at each scrape.
 */
#ifndef COCLOUD_METRICS_H
#define COCLOUD_METRICS_H

#include <stdint.h>
#include <stdio.h>

typedef struct metrics metrics;

/* nroutes: the route table's length; index nroutes counts unmatched paths. */
metrics *metrics_new(int nroutes);
void metrics_free(metrics *m); /* NULL is a no-op */

void metrics_request(metrics *m, int route, int status, int64_t duration_ns);
void metrics_connection(metrics *m, int delta);
int64_t metrics_open_connections(const metrics *m);

/* What the scrape reads elsewhere: the database's size and each cache's
 * counts (cache_stats). */
#define METRICS_CACHES 2
typedef struct metrics_cache {
    const char *name;
    uint64_t hits, misses, entries;
} metrics_cache;

typedef struct metrics_gauges {
    int64_t db_bytes;
    metrics_cache caches[METRICS_CACHES];
} metrics_gauges;

/* Writes the Prometheus text exposition into a malloc'd string (caller
 * frees); method_of(i) and path_of(i) name route i. */
char *metrics_render(const metrics *m, const char *(*method_of)(int), const char *(*path_of)(int),
                     const metrics_gauges *g, size_t *len);

#endif
