/*
 * ops.c: handlers for operations and the static web UI: health, metrics,
 * the OpenAPI document, vocabularies, embedded files.
 */
#include <string.h>

#include "api/handlers.h"
#include "api/http.h"
#include "api/metrics.h"
#include "base/cache.h"
#include "base/embed.h"

int h_healthz(req *r)
{
    db_conn *c;
    int64_t bytes;
    int rc = req_db(r, &c);
    if (!rc)
        rc = db_size_bytes(c, &bytes, &r->err);
    if (rc) {
        r->err.retry_after = 5;
        return err_set(&r->err, ERR_UNAVAILABLE, "database unavailable");
    }
    return req_json(r, 200, json_pack("{s:s, s:s, s:s}", "status", "ok", "database", "ok",
                                      "version", COCLOUD_VERSION));
}

static const char *route_method(int i) { return router_table()[i].method; }
static const char *route_path(int i) { return router_table()[i].pattern; }

int h_metrics(req *r)
{
    db_conn *c;
    metrics_gauges g = {0};
    if (!req_db(r, &c))
        db_size_bytes(c, &g.db_bytes, &r->err);
    err_clear(&r->err); /* a missing size is no reason to fail the scrape */
    struct {
        const char *name;
        cache *k;
    } caches[METRICS_CACHES] = {{"sessions", r->app->sessions}, {"orgs", r->app->orgs}};
    for (int i = 0; i < METRICS_CACHES; i++) {
        cache_stats st = cache_stats_of(caches[i].k);
        g.caches[i] = (metrics_cache){caches[i].name, st.hits, st.misses, st.entries};
    }
    size_t len = 0;
    char *text = metrics_render(r->app->metrics, route_method, route_path, &g, &len);
    if (!text)
        return err_set(&r->err, ERR_NOMEM, "out of memory");
    r->status = 200;
    r->text = text;
    r->text_len = len;
    r->text_owned = true;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
    return 0;
}

int h_openapi(req *r)
{
    const embed_file *f = &embed_openapi[0];
    r->status = 200;
    r->text = (const char *)f->data;
    r->text_len = f->len;
    r->content_type = "application/json";
    return 0;
}

static json_t *words(const char *const *list)
{
    json_t *a = json_array();
    for (int i = 0; a && list[i]; i++)
        json_array_append_new(a, json_string(list[i]));
    return a;
}

int h_meta(req *r)
{
    return req_json(r, 200,
                    json_pack("{s:o, s:o, s:o, s:o, s:o, s:i, s:s}", "industries",
                              words(account_industries), "sizes", words(account_sizes),
                              "org_kinds", words(account_kinds), "roles", words(account_roles),
                              "clouds", words(account_clouds), "quote_ttl",
                              r->app->cfg.quote_ttl_s, "version", COCLOUD_VERSION));
}

static const char *mime_of(const char *path)
{
    static const struct { const char *ext, *type; } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},
        {".ico", "image/x-icon"},              {".woff2", "font/woff2"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

int h_static(req *r)
{
    const char *path = r->path[0] == '/' ? r->path + 1 : r->path;
    const embed_file *f = *path ? embed_find(embed_web, path) : NULL;
    if (!f && strchr(path, '.') && *path)
        return err_set(&r->err, ERR_NOT_FOUND, "no file %s", r->path);
    if (!f)
        f = embed_find(embed_web, "index.html"); /* client-side routes */
    if (!f)
        return err_set(&r->err, ERR_NOT_FOUND, "the web UI is not built into this binary");
    r->status = 200;
    r->text = (const char *)f->data;
    r->text_len = f->len;
    r->content_type = mime_of(f->path);
    req_header(r, "Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; style-src 'self'; "
               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    req_header(r, "Referrer-Policy", "no-referrer");
    req_header(r, "Cache-Control", strcmp(f->path, "index.html") == 0 ? "no-cache" : "max-age=300");
    return 0;
}
