/*
 * metrics.c: counters and the Prometheus text rendering.
 */
#include "api/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Statuses counted one by one; anything else falls into "other". */
static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405,
                               409, 413, 415, 422, 429, 431, 500, 503};
#define NSTATUS ((int)(sizeof statuses / sizeof *statuses) + 1)

/* Latency bucket bounds in seconds (upper, inclusive). */
static const double bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,   0.25,   0.5,   1,    2.5, 5};
#define NBUCKET ((int)(sizeof bounds / sizeof *bounds))

struct metrics {
    int nroutes;
    _Atomic int64_t open_conns;
    _Atomic uint64_t buckets[NBUCKET + 1]; /* last: +Inf */
    _Atomic uint64_t sum_ns, count;
    _Atomic uint64_t *requests; /* [(nroutes + 1) * NSTATUS] */
};

metrics *metrics_new(int nroutes)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->nroutes = nroutes;
    m->requests = calloc((size_t)(nroutes + 1) * NSTATUS, sizeof *m->requests);
    if (!m->requests) {
        free(m);
        return NULL;
    }
    return m;
}

void metrics_free(metrics *m)
{
    if (!m)
        return;
    free((void *)m->requests);
    free(m);
}

static int status_index(int status)
{
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status)
            return i;
    return NSTATUS - 1;
}

void metrics_request(metrics *m, int route, int status, int64_t duration_ns)
{
    if (route < 0 || route > m->nroutes)
        route = m->nroutes;
    atomic_fetch_add_explicit(&m->requests[route * NSTATUS + status_index(status)], 1,
                              memory_order_relaxed);
    double s = (double)duration_ns / 1e9;
    int b = 0;
    while (b < NBUCKET && s > bounds[b])
        b++;
    atomic_fetch_add_explicit(&m->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_ns, (uint64_t)(duration_ns > 0 ? duration_ns : 0),
                              memory_order_relaxed);
    atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
}

void metrics_connection(metrics *m, int delta)
{
    atomic_fetch_add_explicit(&m->open_conns, delta, memory_order_relaxed);
}

int64_t metrics_open_connections(const metrics *m)
{
    return atomic_load_explicit(&((metrics *)m)->open_conns, memory_order_relaxed);
}

char *metrics_render(const metrics *m, const char *(*method_of)(int), const char *(*path_of)(int),
                     const metrics_gauges *g, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return NULL;
    metrics *mm = (metrics *)m;
    fputs("# HELP cocloud_http_requests_total HTTP requests by route and status.\n"
          "# TYPE cocloud_http_requests_total counter\n",
          f);
    for (int r = 0; r <= m->nroutes; r++)
        for (int s = 0; s < NSTATUS; s++) {
            uint64_t v = atomic_load_explicit(&mm->requests[r * NSTATUS + s],
                                              memory_order_relaxed);
            if (!v)
                continue;
            char status[8];
            if (s < NSTATUS - 1)
                snprintf(status, sizeof status, "%d", statuses[s]);
            else
                strcpy(status, "other");
            fprintf(f,
                    "cocloud_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} "
                    "%llu\n",
                    r < m->nroutes ? method_of(r) : "", r < m->nroutes ? path_of(r) : "unmatched",
                    status, (unsigned long long)v);
        }
    fputs("# HELP cocloud_http_request_duration_seconds Time from request to response.\n"
          "# TYPE cocloud_http_request_duration_seconds histogram\n",
          f);
    uint64_t cum = 0;
    for (int b = 0; b <= NBUCKET; b++) {
        cum += atomic_load_explicit(&mm->buckets[b], memory_order_relaxed);
        if (b < NBUCKET)
            fprintf(f, "cocloud_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                    bounds[b], (unsigned long long)cum);
        else
            fprintf(f, "cocloud_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                    (unsigned long long)cum);
    }
    fprintf(f, "cocloud_http_request_duration_seconds_sum %.6f\n",
            (double)atomic_load_explicit(&mm->sum_ns, memory_order_relaxed) / 1e9);
    fprintf(f, "cocloud_http_request_duration_seconds_count %llu\n",
            (unsigned long long)atomic_load_explicit(&mm->count, memory_order_relaxed));
    fprintf(f,
            "# HELP cocloud_open_connections Client connections open now.\n"
            "# TYPE cocloud_open_connections gauge\ncocloud_open_connections %lld\n",
            (long long)metrics_open_connections(m));
    fprintf(f,
            "# HELP cocloud_database_size_bytes Size of the database.\n"
            "# TYPE cocloud_database_size_bytes gauge\ncocloud_database_size_bytes %lld\n",
            (long long)g->db_bytes);
    static const struct {
        const char *name, *help, *type;
    } cache_series[] = {
        {"cocloud_cache_hits_total", "Reads answered from a cache (--cache).", "counter"},
        {"cocloud_cache_misses_total", "Reads a cache sent to the database.", "counter"},
        {"cocloud_cache_entries", "Entries a cache holds now.", "gauge"},
    };
    for (int k = 0; k < 3; k++) {
        fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", cache_series[k].name, cache_series[k].help,
                cache_series[k].name, cache_series[k].type);
        for (int i = 0; i < METRICS_CACHES; i++) {
            const metrics_cache *c = &g->caches[i];
            uint64_t v = k == 0 ? c->hits : k == 1 ? c->misses : c->entries;
            fprintf(f, "%s{cache=\"%s\"} %llu\n", cache_series[k].name, c->name,
                    (unsigned long long)v);
        }
    }
    if (fclose(f)) {
        free(buf);
        return NULL;
    }
    return buf;
}
