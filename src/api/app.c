/*
 * app.c: building and tearing down the application context.
 */
#include "api/app.h"

#include <stdlib.h>
#include <unistd.h>

#include "api/metrics.h"
#include "api/router.h"
#include "base/cache.h"
#include "base/embed.h"
#include "campaign/engine.h"
#include "campaign/quote_writer.h"
#include "credit/claim.h"
#include "db/migrate.h"

/* Entries in each cache: the tokens and orgs busy within one cache_ms. */
#define APP_CACHE_ENTRIES 8192

void app_config_defaults(app_config *cfg)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    *cfg = (app_config){
        .listen = "127.0.0.1:8080",
        .db_url = "cocloud.db",
        .threads = cpus > 2 ? (int)cpus * 2 : 4,
        .db_timeout_ms = 5000,
        .max_body = 1 << 20,
        .max_header = 32 << 10,
        .max_connections = 1000,
        .max_per_address = 0,
        .json_depth = 32,
        .timeout_s = 30,
        .engine_poll_ms = 1000,
        .cache_ms = 1000,
        .quote_ttl_s = 30 * 60,
        .quote_keep_s = 24 * 3600,
        .quote_flush_ms = 20,
        .claim_batch = 128,
        .claim_workers = 3,
        .log_min = LOG_INFO,
        .session = {
            .idle_ms = 2LL * 3600 * 1000,
            .max_ms = 24LL * 3600 * 1000,
            .max_failures_account = 5,
            .max_failures_address = 20,
            .window_ms = 15LL * 60 * 1000,
            .lock_ms = 15LL * 60 * 1000,
        },
    };
}

int app_open(const app_config *cfg, app **out, err_ctx *e)
{
    int rc = 0, applied = 0;
    app *a = calloc(1, sizeof *a);
    if (!a)
        return err_set(e, ERR_NOMEM, "out of memory");
    a->cfg = *cfg;
    a->log = (logger){.out = stderr, .min = cfg->log_min};
    rc = log_buffer(&a->log, 100, e); /* a line per request: written in batches */
    if (rc)
        goto out;
    /* One connection per worker, plus the claim batcher's own (workers
     * wait on it holding theirs), the quote writer's and one spare. */
    int pool = cfg->threads + cfg->claim_workers + 2;
    if (cfg->db_pool > 0) /* never fewer than the batcher keeps, plus two to serve */
        pool = cfg->db_pool > cfg->claim_workers + 2 ? cfg->db_pool : cfg->claim_workers + 2;
    db_config dbc = {.pool_size = pool,
                     .busy_timeout_ms = cfg->db_timeout_ms,
                     .statement_timeout_ms = cfg->db_timeout_ms};
    rc = db_open(cfg->db_url, &dbc, &a->log, &a->db, e);
    if (rc)
        goto out;
    rc = migrate_run(a->db, embed_migrations, &applied, e);
    if (rc)
        goto out;
    if (applied)
        log_info(&a->log, NULL, "database %s: applied %d migration(s)", cfg->db_url, applied);
    a->metrics = metrics_new(router_count());
    if (!a->metrics) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    a->sessions = cache_new(APP_CACHE_ENTRIES, cfg->cache_ms);
    a->orgs = cache_new(APP_CACHE_ENTRIES, cfg->cache_ms);
    if (!a->sessions || !a->orgs) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = engine_new(a->db, &a->log, cfg->engine_poll_ms, &a->engine, e);
    if (!rc)
        rc = quote_writer_new(a->db, &a->log, cfg->quote_flush_ms,
                              (int64_t)cfg->quote_keep_s * 1000, &a->quotes, e);
    if (!rc)
        rc = claim_batcher_new(a->db, &a->log, cfg->claim_batch, cfg->claim_workers,
                               &a->claims, e);
out:
    if (rc) {
        app_free(a);
        a = NULL;
    }
    *out = a;
    return rc;
}

void app_free(app *a)
{
    if (!a)
        return;
    claim_batcher_free(a->claims); /* settles the claims still waiting */
    quote_writer_free(a->quotes);  /* writes the quotes still waiting */
    engine_free(a->engine);
    cache_free(a->orgs);
    cache_free(a->sessions);
    metrics_free(a->metrics);
    db_free(a->db);
    log_unbuffer(&a->log);
    free(a);
}
