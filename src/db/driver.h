/*
 * driver.h: what an engine (SQLite now, PostgreSQL later) implements for db.c.
 * Private to src/db/.
 */
#ifndef COCLOUD_DB_DRIVER_H
#define COCLOUD_DB_DRIVER_H

#include "db/db.h"

typedef struct db_driver {
    const char *name;
    const char *begin_sql;        /* starts a write transaction */
    const char *begin_read_sql;   /* starts a read-only snapshot */
    const char *migrate_lock_sql; /* serialises migrations across instances, or NULL */
    int (*connect)(const char *url, const db_config *cfg, void **conn, err_ctx *e);
    void (*disconnect)(void *conn);
    bool (*broken)(void *conn);                   /* the connection was lost */
    int (*reconnect)(void *conn, err_ctx *e);     /* statements are gone afterwards */
    int (*exec_script)(void *conn, const char *sql, err_ctx *e);
    /* once: the statement runs one time (db_query_fresh, or the cache is
     * full); the engine may plan it for its arguments and keep nothing. */
    int (*prepare)(void *conn, const char *sql, bool once, void **stmt, err_ctx *e);
    void (*finalize)(void *stmt);
    int (*bind)(void *stmt, const db_arg *args, int n, err_ctx *e);
    int (*step)(void *stmt, bool *row, err_ctx *e);
    void (*reset)(void *stmt);
    int64_t (*col_int)(void *stmt, int col);
    const char *(*col_text)(void *stmt, int col);
    int (*col_count)(void *stmt);
    const char *(*col_name)(void *stmt, int col);
    int64_t (*changes)(void *conn);
    int (*size_bytes)(void *conn, int64_t *out, err_ctx *e);
} db_driver;

extern const db_driver db_sqlite_driver;
extern const db_driver db_pg_driver;

#endif
