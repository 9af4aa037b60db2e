/*
 * db.c: connection pool, statement cache and transaction bookkeeping, on
 * top of an engine driver. Engine-specific code lives in db_<engine>.c.
 */
#include "db/db.h"

#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/driver.h"

#define DB_CACHE_SLOTS 128 /* prepared statements kept per connection */
#define DB_TX_ATTEMPTS 6   /* runs of a transaction that keeps hitting contention */

struct db_stmt {
    db_conn *conn;
    const char *sql; /* cache key: the address of the SQL text */
    void *handle;
    bool busy, cached;
};

struct db_conn {
    db *owner;
    void *handle;
    bool in_tx, taken;
    db_stmt cache[DB_CACHE_SLOTS];
};

struct db {
    const db_driver *drv;
    const logger *lg;
    pthread_mutex_t mu;
    pthread_cond_t freed;
    int nconns;
    db_conn *conns;
};

/* Forgets every cached statement (before closing, or after a reconnect
 * when the server has forgotten them too). */
static void cache_clear(db_conn *c)
{
    for (int i = 0; i < DB_CACHE_SLOTS; i++) {
        if (c->cache[i].handle)
            c->owner->drv->finalize(c->cache[i].handle);
        memset(&c->cache[i], 0, sizeof c->cache[i]);
    }
}

static void conn_close(db_conn *c)
{
    cache_clear(c);
    if (c->handle)
        c->owner->drv->disconnect(c->handle);
}

bool db_url_is_postgres(const char *url)
{
    return strncmp(url, "postgres://", 11) == 0 || strncmp(url, "postgresql://", 13) == 0;
}

const char *db_migrate_lock_sql(const db *d) { return d->drv->migrate_lock_sql; }

int db_open(const char *url, const db_config *cfg, const logger *lg, db **out, err_ctx *e)
{
    int rc = 0;
    db *d = calloc(1, sizeof *d);
    if (!d)
        return err_set(e, ERR_NOMEM, "out of memory");
    d->drv = db_url_is_postgres(url) ? &db_pg_driver : &db_sqlite_driver;
    d->lg = lg;
    d->nconns = cfg->pool_size > 0 ? cfg->pool_size : 1;
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->freed, NULL);
    d->conns = calloc((size_t)d->nconns, sizeof *d->conns);
    if (!d->conns) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    for (int i = 0; i < d->nconns; i++) {
        d->conns[i].owner = d;
        rc = d->drv->connect(url, cfg, &d->conns[i].handle, e);
        if (rc)
            goto out;
    }
out:
    if (rc) {
        db_free(d);
        d = NULL;
    }
    *out = d;
    return rc;
}

void db_free(db *d)
{
    if (!d)
        return;
    for (int i = 0; d->conns && i < d->nconns; i++)
        conn_close(&d->conns[i]);
    free(d->conns);
    pthread_cond_destroy(&d->freed);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

const char *db_engine(const db *d) { return d->drv->name; }

int db_acquire(db *d, db_conn **out, err_ctx *e)
{
    pthread_mutex_lock(&d->mu);
    db_conn *c = NULL;
    for (;;) {
        for (int i = 0; i < d->nconns && !c; i++)
            if (!d->conns[i].taken)
                c = &d->conns[i];
        if (c)
            break;
        pthread_cond_wait(&d->freed, &d->mu);
    }
    c->taken = true;
    pthread_mutex_unlock(&d->mu);
    int rc = db_check(c, e);
    if (rc) {
        db_release(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

int db_check(db_conn *c, err_ctx *e)
{
    db *d = c->owner;
    if (!d->drv->broken(c->handle))
        return 0;
    /* The server went away and may be back: start afresh. */
    cache_clear(c);
    c->in_tx = false;
    int rc = d->drv->reconnect(c->handle, e);
    if (!rc)
        log_warn(d->lg, NULL, "database connection re-established");
    return rc;
}

void db_release(db_conn *c)
{
    if (!c)
        return;
    db_rollback(c);
    db *d = c->owner;
    pthread_mutex_lock(&d->mu);
    c->taken = false;
    pthread_cond_signal(&d->freed);
    pthread_mutex_unlock(&d->mu);
}

int db_begin(db_conn *c, err_ctx *e)
{
    int rc = c->owner->drv->exec_script(c->handle, c->owner->drv->begin_sql, e);
    if (!rc)
        c->in_tx = true;
    return rc;
}

int db_begin_read(db_conn *c, err_ctx *e)
{
    int rc = c->owner->drv->exec_script(c->handle, c->owner->drv->begin_read_sql, e);
    if (!rc)
        c->in_tx = true;
    return rc;
}

int db_commit(db_conn *c, err_ctx *e)
{
    int rc = c->owner->drv->exec_script(c->handle, "COMMIT", e);
    if (rc) {
        db_rollback(c);
        return rc;
    }
    c->in_tx = false;
    return 0;
}

int db_transact(db_conn *c, int (*fn)(db_conn *c, void *arg, err_ctx *e), void *arg,
                err_ctx *e)
{
    int rc = 0;
    for (int attempt = 0; attempt < DB_TX_ATTEMPTS; attempt++) {
        if (attempt) {
            /* 2, 4, 8 ... ms plus jitter, so colliding writers spread out. */
            long ms = (1L << attempt) + (long)randombytes_uniform(1u << attempt);
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
            nanosleep(&ts, NULL);
            err_clear(e);
        }
        rc = db_begin(c, e);
        if (!rc)
            rc = fn(c, arg, e);
        if (!rc)
            rc = db_commit(c, e);
        else
            db_rollback(c);
        if (rc != ERR_RETRY)
            return rc;
    }
    e->retry_after = 1;
    return rc;
}

void db_rollback(db_conn *c)
{
    if (!c->in_tx)
        return;
    err_ctx ignore = {0};
    c->owner->drv->exec_script(c->handle, "ROLLBACK", &ignore);
    c->in_tx = false;
}

static db_stmt *cache_slot(db_conn *c, const char *sql)
{
    uintptr_t h = (uintptr_t)sql;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15u;
    size_t start = (size_t)(h % DB_CACHE_SLOTS);
    for (size_t k = 0; k < DB_CACHE_SLOTS; k++) {
        db_stmt *s = &c->cache[(start + k) % DB_CACHE_SLOTS];
        if (!s->sql || s->sql == sql)
            return s;
    }
    return NULL; /* full: the caller prepares an uncached statement */
}

static int query(db_conn *c, const char *sql, bool cache, const db_arg *args, int nargs,
                 db_stmt **out, err_ctx *e)
{
    const db_driver *drv = c->owner->drv;
    int rc = 0;
    db_stmt *st = cache ? cache_slot(c, sql) : NULL;
    if (!st || st->busy) {
        /* Rare: the cache is full, or the same SQL is already open on this
         * connection (a nested loop). Use a one-off statement. */
        st = calloc(1, sizeof *st);
        if (!st)
            return err_set(e, ERR_NOMEM, "out of memory");
        st->conn = c;
        st->sql = sql;
    } else {
        st->cached = true;
        st->conn = c;
    }
    if (!st->handle) {
        rc = drv->prepare(c->handle, sql, !st->cached, &st->handle, e);
        if (rc)
            goto out;
        st->sql = sql;
    }
    st->busy = true;
    rc = drv->bind(st->handle, args, nargs, e);
out:
    if (rc) {
        db_done(st);
        st = NULL;
    }
    *out = st;
    return rc;
}

int db_query(db_conn *c, const char *sql, const db_arg *args, int nargs, db_stmt **out,
             err_ctx *e)
{
    return query(c, sql, true, args, nargs, out, e);
}

int db_query_fresh(db_conn *c, const char *sql, const db_arg *args, int nargs, db_stmt **out,
                   err_ctx *e)
{
    return query(c, sql, false, args, nargs, out, e);
}

int db_step(db_stmt *st, bool *row, err_ctx *e)
{
    return st->conn->owner->drv->step(st->handle, row, e);
}

int64_t db_int(db_stmt *st, int col) { return st->conn->owner->drv->col_int(st->handle, col); }

const char *db_text(db_stmt *st, int col)
{
    return st->conn->owner->drv->col_text(st->handle, col);
}

int db_col_count(db_stmt *st) { return st->conn->owner->drv->col_count(st->handle); }

const char *db_col_name(db_stmt *st, int col)
{
    return st->conn->owner->drv->col_name(st->handle, col);
}

void db_done(db_stmt *st)
{
    if (!st)
        return;
    const db_driver *drv = st->conn->owner->drv;
    if (!st->cached) {
        if (st->handle)
            drv->finalize(st->handle);
        free(st);
        return;
    }
    if (st->handle)
        drv->reset(st->handle);
    else
        st->sql = NULL; /* prepare failed: free the slot */
    st->busy = false;
}

int db_exec(db_conn *c, const char *sql, const db_arg *args, int nargs, int64_t *changes,
            err_ctx *e)
{
    db_stmt *st = NULL;
    bool row = true;
    int rc = db_query(c, sql, args, nargs, &st, e);
    while (!rc && row)
        rc = db_step(st, &row, e);
    if (!rc && changes)
        *changes = c->owner->drv->changes(c->handle);
    db_done(st);
    return rc;
}

int db_exec_rows(db_conn *c, const char *const sql[DB_ROWS_SIZES],
                 const int sizes[DB_ROWS_SIZES], int ncols, const db_arg *args, int nrows,
                 int (*row_fn)(db_stmt *st, void *arg, err_ctx *e), void *arg, err_ctx *e)
{
    int rc = 0, done = 0;
    for (int k = 0; !rc && k < DB_ROWS_SIZES; k++) {
        while (!rc && nrows - done >= sizes[k]) {
            db_stmt *st = NULL;
            bool row = true;
            rc = db_query(c, sql[k], args + (size_t)done * (size_t)ncols, sizes[k] * ncols, &st,
                          e);
            while (!rc && !(rc = db_step(st, &row, e)) && row)
                rc = row_fn ? row_fn(st, arg, e) : 0;
            db_done(st);
            done += sizes[k];
        }
    }
    if (!rc && done < nrows)
        rc = err_set(e, ERR_INTERNAL, "db_exec_rows: the smallest chunk must be 1 row");
    return rc;
}

int db_query_row(db_conn *c, const char *sql, const db_arg *args, int nargs, db_stmt **out,
                 bool *found, err_ctx *e)
{
    db_stmt *st = NULL;
    int rc = db_query(c, sql, args, nargs, &st, e);
    if (!rc)
        rc = db_step(st, found, e);
    if (rc) {
        db_done(st);
        st = NULL;
    }
    *out = st;
    return rc;
}

int db_query_ints(db_conn *c, const char *sql, const db_arg *args, int nargs, int64_t *out,
                  int n, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row = false;
    int rc = db_query_row(c, sql, args, nargs, &st, &row, e);
    for (int i = 0; i < n; i++)
        out[i] = !rc && row ? db_int(st, i) : 0;
    db_done(st);
    return rc;
}

int db_exists(db_conn *c, const char *sql, const db_arg *args, int nargs, bool *found,
              err_ctx *e)
{
    db_stmt *st = NULL;
    int rc = db_query_row(c, sql, args, nargs, &st, found, e);
    db_done(st);
    return rc;
}

int db_exec_script(db_conn *c, const char *sql, err_ctx *e)
{
    return c->owner->drv->exec_script(c->handle, sql, e);
}

int db_size_bytes(db_conn *c, int64_t *out, err_ctx *e)
{
    return c->owner->drv->size_bytes(c->handle, out, e);
}
