/*
 * db_sqlite.c: the SQLite engine: WAL, foreign keys, busy timeout, full
 * fsync on commit, prepared statements only.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "db/driver.h"

static int map_error(sqlite3 *h, int src, err_ctx *e)
{
    int code;
    switch (src & 0xff) {
    case SQLITE_CONSTRAINT:
        code = (src == SQLITE_CONSTRAINT_UNIQUE || src == SQLITE_CONSTRAINT_PRIMARYKEY)
                   ? ERR_CONFLICT
                   : ERR_DB;
        break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        code = ERR_UNAVAILABLE;
        if (e)
            e->retry_after = 1;
        break;
    case SQLITE_NOMEM: code = ERR_NOMEM; break;
    default: code = ERR_DB;
    }
    return err_set(e, code, "sqlite: %s", h ? sqlite3_errmsg(h) : sqlite3_errstr(src));
}

static int sq_exec_script(void *conn, const char *sql, err_ctx *e)
{
    int src = sqlite3_exec(conn, sql, NULL, NULL, NULL);
    return src == SQLITE_OK ? 0 : map_error(conn, sqlite3_extended_errcode(conn), e);
}

static int sq_connect(const char *url, const db_config *cfg, void **out, err_ctx *e)
{
    sqlite3 *h = NULL;
    int src = sqlite3_open_v2(url, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                           SQLITE_OPEN_NOMUTEX,
                              NULL);
    if (src != SQLITE_OK) {
        err_set(e, ERR_DB, "cannot open database %s: %s", url,
                h ? sqlite3_errmsg(h) : sqlite3_errstr(src));
        sqlite3_close(h);
        return ERR_DB;
    }
    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : 5000);
    /* WAL with FULL sync: an acknowledged commit survives a crash of the
     * process and of the machine (design section 3). The busy writers
     * (quotes, claims) commit in groups, so the syncs stay few. Switching
     * a new file to WAL needs a moment alone with it: when another process
     * opens the same new file at the same moment, SQLite says "locked" at
     * once rather than waiting, so wait here, up to the busy timeout. */
    int rc, waited = 0, limit = cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : 5000;
    while ((rc = sq_exec_script(h, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=ON;",
                                e)) == ERR_UNAVAILABLE &&
           waited < limit) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        waited += 10;
        err_clear(e);
    }
    if (rc) {
        err_set(e, rc, "cannot use database %s: %s", url, sqlite3_errmsg(h));
        sqlite3_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

static void sq_disconnect(void *conn) { sqlite3_close(conn); }

/* A file does not go away like a server does. */
static bool sq_broken(void *conn)
{
    (void)conn;
    return false;
}

static int sq_reconnect(void *conn, err_ctx *e)
{
    (void)conn, (void)e;
    return 0;
}

static int sq_prepare(void *conn, const char *sql, bool once, void **stmt, err_ctx *e)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v3(conn, sql, -1, once ? 0 : SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (src != SQLITE_OK)
        return map_error(conn, src, e);
    *stmt = st;
    return 0;
}

static void sq_finalize(void *stmt) { sqlite3_finalize(stmt); }

static int sq_bind(void *stmt, const db_arg *args, int n, err_ctx *e)
{
    sqlite3_stmt *st = stmt;
    sqlite3_clear_bindings(st);
    if (n != sqlite3_bind_parameter_count(st))
        return err_set(e, ERR_INTERNAL, "statement wants %d arguments, got %d",
                       sqlite3_bind_parameter_count(st), n);
    for (int i = 0; i < n; i++) {
        int src;
        switch (args[i].kind) {
        case DB_ARG_INT: src = sqlite3_bind_int64(st, i + 1, args[i].i); break;
        case DB_ARG_TEXT: src = sqlite3_bind_text(st, i + 1, args[i].s, -1, SQLITE_STATIC); break;
        default: src = sqlite3_bind_null(st, i + 1);
        }
        if (src != SQLITE_OK)
            return map_error(sqlite3_db_handle(st), src, e);
    }
    return 0;
}

static int sq_step(void *stmt, bool *row, err_ctx *e)
{
    int src = sqlite3_step(stmt);
    *row = src == SQLITE_ROW;
    if (src == SQLITE_ROW || src == SQLITE_DONE)
        return 0;
    return map_error(sqlite3_db_handle(stmt), sqlite3_extended_errcode(sqlite3_db_handle(stmt)),
                     e);
}

static void sq_reset(void *stmt) { sqlite3_reset(stmt); }

static int64_t sq_col_int(void *stmt, int col) { return sqlite3_column_int64(stmt, col); }

static const char *sq_col_text(void *stmt, int col)
{
    return (const char *)sqlite3_column_text(stmt, col);
}

static int sq_col_count(void *stmt) { return sqlite3_column_count(stmt); }
static const char *sq_col_name(void *stmt, int col) { return sqlite3_column_name(stmt, col); }

static int64_t sq_changes(void *conn) { return sqlite3_changes64(conn); }

static int sq_size_bytes(void *conn, int64_t *out, err_ctx *e)
{
    sqlite3_stmt *st = NULL;
    int src = sqlite3_prepare_v2(conn,
                                 "SELECT page_count * page_size FROM pragma_page_count(), "
                                 "pragma_page_size()",
                                 -1, &st, NULL);
    if (src != SQLITE_OK)
        return map_error(conn, src, e);
    src = sqlite3_step(st);
    *out = src == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return src == SQLITE_ROW ? 0 : map_error(conn, src, e);
}

const db_driver db_sqlite_driver = {
    .name = "sqlite",
    .begin_read_sql = "BEGIN",
    .begin_sql = "BEGIN IMMEDIATE",
    .connect = sq_connect,
    .disconnect = sq_disconnect,
    .broken = sq_broken,
    .reconnect = sq_reconnect,
    .exec_script = sq_exec_script,
    .prepare = sq_prepare,
    .finalize = sq_finalize,
    .bind = sq_bind,
    .step = sq_step,
    .reset = sq_reset,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .changes = sq_changes,
    .size_bytes = sq_size_bytes,
};
