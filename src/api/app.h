/*
 * app.h: the application context passed everywhere instead of globals:
 * configuration, logger, database pool, metrics, the quote engine, the
 * background writers and the caches.
 */
#ifndef COCLOUD_APP_H
#define COCLOUD_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "account/session.h"
#include "base/log.h"
#include "db/db.h"

typedef struct metrics metrics;
typedef struct engine engine;
typedef struct quote_writer quote_writer;
typedef struct claim_batcher claim_batcher;
typedef struct cache cache;

typedef struct app_config {
    const char *listen;      /* "127.0.0.1:8080", "[::1]:8080", port 0 = any */
    const char *db_url;      /* SQLite file path or postgres:// URL */
    int db_pool;             /* connections; 0 = threads + claim_workers + 2 */
    int db_timeout_ms;       /* statement and lock timeout */
    int threads;             /* HTTP worker threads */
    size_t max_body;         /* bytes; routes may declare less */
    size_t max_header;       /* bytes of request line + headers */
    int max_connections;     /* open connections in total */
    int max_per_address;     /* open connections per client address; 0 = no limit */
    int json_depth;          /* deepest nesting accepted */
    int timeout_s;           /* idle connection timeout */
    int engine_poll_ms;      /* how often to look for changes made elsewhere */
    int cache_ms;            /* how long a session or an org read is reused; 0 = never */
    int quote_ttl_s;         /* how long a quote stays valid */
    int quote_keep_s;        /* how long an expired quote no order took is kept */
    int quote_flush_ms;      /* how long new quotes wait to be written together */
    int claim_batch;         /* most credit claims settled in one transaction */
    int claim_workers;       /* threads settling claims, each with a connection */
    bool secure_cookies;     /* add Secure to the session cookie (behind TLS) */
    log_level log_min;
    session_policy session;
} app_config;

typedef struct app {
    app_config cfg;
    logger log;
    db *db;
    metrics *metrics;
    engine *engine;       /* the quote engine's snapshots */
    quote_writer *quotes; /* new quotes, written behind the requests */
    claim_batcher *claims; /* credit claims, settled in batches */
    cache *sessions;       /* recent session checks, by token hash (session_recall) */
    cache *orgs;           /* recent reads of an org for pricing, by org id (quote_org_recall) */
} app;

/* Fills cfg with the documented defaults. */
void app_config_defaults(app_config *cfg);

/* Opens the database, applies migrations and prepares metrics. On error
 * e says why (ERR_DB, ERR_SCHEMA_NEWER ...) and *out is NULL. */
int app_open(const app_config *cfg, app **out, err_ctx *e);
void app_free(app *a); /* NULL is a no-op */

#endif
