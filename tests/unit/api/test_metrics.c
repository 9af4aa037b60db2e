/*
 * test_metrics.c: counters, the latency histogram and the Prometheus text.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "api/metrics.h"

static const char *method_of(int i) { return i == 0 ? "GET" : "POST"; }
static const char *path_of(int i) { return i == 0 ? "/healthz" : "/api/v1/orgs/{id}"; }

static char *render(const metrics *m, int64_t db_bytes)
{
    size_t len = 0;
    metrics_gauges g = {db_bytes, {{"sessions", 7, 2, 3}, {"orgs", 0, 0, 0}}};
    char *text = metrics_render(m, method_of, path_of, &g, &len);
    cr_assert_not_null(text);
    cr_assert_eq(strlen(text), len);
    return text;
}

static void has(const char *text, const char *line)
{
    cr_assert_not_null(strstr(text, line), "missing: %s\n--- got:\n%s", line, text);
}

Test(metrics, render_counts_requests_by_route_and_status)
{
    metrics *m = metrics_new(2);
    cr_assert_not_null(m);
    metrics_request(m, 0, 200, 100000);      /* 0.1 ms */
    metrics_request(m, 0, 200, 100000);
    metrics_request(m, 1, 404, 3000000);     /* 3 ms */
    metrics_request(m, 1, 418, 3000000);     /* an uncounted status: other */
    metrics_request(m, 2, 404, 10000000000); /* 10 s, unmatched */
    metrics_request(m, -1, 404, 1000);       /* out of range: unmatched */
    metrics_request(m, 99, 405, 1000);
    char *text = render(m, 12345);
    has(text, "# TYPE cocloud_http_requests_total counter\n");
    has(text, "cocloud_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n");
    has(text, "cocloud_http_requests_total{method=\"POST\",route=\"/api/v1/orgs/{id}\","
              "status=\"404\"} 1\n");
    has(text, "cocloud_http_requests_total{method=\"POST\",route=\"/api/v1/orgs/{id}\","
              "status=\"other\"} 1\n");
    has(text, "cocloud_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 2\n");
    has(text, "cocloud_http_requests_total{method=\"\",route=\"unmatched\",status=\"405\"} 1\n");
    cr_assert_null(strstr(text, "status=\"500\""), "zero counters are left out");
    has(text, "# TYPE cocloud_database_size_bytes gauge\ncocloud_database_size_bytes 12345\n");
    has(text, "# TYPE cocloud_cache_hits_total counter\ncocloud_cache_hits_total{cache=\"sessions\"} 7\n"
              "cocloud_cache_hits_total{cache=\"orgs\"} 0\n");
    has(text, "cocloud_cache_misses_total{cache=\"sessions\"} 2\n");
    has(text, "# TYPE cocloud_cache_entries gauge\ncocloud_cache_entries{cache=\"sessions\"} 3\n");
    free(text);
    metrics_free(m);
}

Test(metrics, histogram_is_cumulative)
{
    metrics *m = metrics_new(1);
    metrics_request(m, 0, 200, 100000);      /* 0.0001 s */
    metrics_request(m, 0, 200, 500000);      /* 0.0005 s: bounds are inclusive */
    metrics_request(m, 0, 200, 3000000);     /* 0.003 s */
    metrics_request(m, 0, 200, 10000000000); /* 10 s: only +Inf */
    char *text = render(m, 0);
    has(text, "# TYPE cocloud_http_request_duration_seconds histogram\n");
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"0.0005\"} 2\n");
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"0.001\"} 2\n");
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"0.0025\"} 2\n");
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"0.005\"} 3\n");
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"5\"} 3\n");
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n");
    has(text, "cocloud_http_request_duration_seconds_count 4\n");
    has(text, "cocloud_http_request_duration_seconds_sum 10.003600\n");
    /* Buckets never decrease. */
    unsigned long long prev = 0;
    int buckets = 0;
    for (const char *p = strstr(text, "_bucket{"); p; p = strstr(p + 1, "_bucket{")) {
        unsigned long long v = strtoull(strstr(p, "} ") + 2, NULL, 10);
        cr_assert_geq(v, prev);
        prev = v;
        buckets++;
    }
    cr_assert_eq(buckets, 14);
    free(text);
    metrics_free(m);
}

Test(metrics, empty_render_and_connections)
{
    metrics *m = metrics_new(3);
    metrics_connection(m, 1);
    metrics_connection(m, 1);
    metrics_connection(m, 1);
    metrics_connection(m, -1);
    cr_assert_eq(metrics_open_connections(m), 2);
    char *text = render(m, 0);
    cr_assert_null(strstr(text, "cocloud_http_requests_total{"));
    has(text, "cocloud_http_request_duration_seconds_bucket{le=\"+Inf\"} 0\n");
    has(text, "cocloud_http_request_duration_seconds_count 0\n");
    has(text, "# TYPE cocloud_open_connections gauge\ncocloud_open_connections 2\n");
    /* Every line ends in a newline and none is blank. */
    cr_assert_eq(text[strlen(text) - 1], '\n');
    cr_assert_null(strstr(text, "\n\n"));
    free(text);
    metrics_free(m);
    metrics_free(NULL);
}
