/*
 * metrics.h: request counters and latency histogram for GET /metrics,
 * lock-free (relaxed atomics) so the hot path never waits.
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

/* Writes the Prometheus text exposition into a malloc'd string (caller
 * frees); route_label(i) gives the "METHOD pattern" of route i. */
char *metrics_render(const metrics *m, const char *(*method_of)(int), const char *(*path_of)(int),
                     int64_t db_bytes, size_t *len);

#endif
