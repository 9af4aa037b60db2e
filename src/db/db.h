/*
 * db.h: the thin storage driver every feature talks to.
 *
 * Features write one portable SQL subset with `?` placeholders; the driver
 * translates what its engine needs. A `db` is a pool of connections; a
 * request takes one with db_acquire and gives it back with db_release.
 * Statements are prepared once per connection and cached by the address of
 * their SQL text, so SQL must be string literals (or otherwise live forever).
 *
 * Errors map onto the project enum: a UNIQUE violation is ERR_CONFLICT, a
 * busy or unreachable database is ERR_UNAVAILABLE, anything else ERR_DB.
 */
#ifndef COCLOUD_DB_H
#define COCLOUD_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "base/log.h"

typedef struct db db;
typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

typedef enum { DB_ARG_NULL, DB_ARG_INT, DB_ARG_TEXT } db_arg_kind;

typedef struct db_arg {
    db_arg_kind kind;
    int64_t i;
    const char *s;
} db_arg;

/* Text arguments: NULL binds SQL NULL. */
static inline db_arg db_arg_text(const char *s)
{
    return (db_arg){s ? DB_ARG_TEXT : DB_ARG_NULL, 0, s};
}

#define DB_INT(x) ((db_arg){DB_ARG_INT, (x), NULL})
#define DB_TEXT(x) db_arg_text(x)
#define DB_NULL ((db_arg){DB_ARG_NULL, 0, NULL})
/* DB_ARGS(a, b, c) expands to "array, count" for db_query and db_exec. */
#define DB_ARGS(...) ((const db_arg[]){__VA_ARGS__}), \
                     (int)(sizeof((db_arg[]){__VA_ARGS__}) / sizeof(db_arg))
#define DB_NOARGS NULL, 0

typedef struct db_config {
    int pool_size;            /* connections; at least 1 */
    int busy_timeout_ms;      /* how long a writer waits for another (lock timeout) */
    int statement_timeout_ms; /* PostgreSQL: longest statement */
} db_config;

/* True when url names a PostgreSQL database (postgres:// or postgresql://). */
bool db_url_is_postgres(const char *url);

/* Opens a database named by url: postgres://... for PostgreSQL, otherwise
 * a SQLite file path (created if missing). Returns 0, or ERR_DB /
 * ERR_UNAVAILABLE with e->detail saying why. */
int db_open(const char *url, const db_config *cfg, const logger *lg, db **out, err_ctx *e);
void db_free(db *d); /* NULL is a no-op; all connections must be released */

const char *db_engine(const db *d);

/* Takes a connection from the pool, waiting for one if all are busy. */
int db_acquire(db *d, db_conn **out, err_ctx *e);
/* For a connection kept beyond one use (a writer thread's own): re-opens
 * it when the server dropped it, as db_acquire does. */
int db_check(db_conn *c, err_ctx *e);
/* Returns it; a transaction still open is rolled back. NULL is a no-op. */
void db_release(db_conn *c);

/* A write transaction (SQLite: BEGIN IMMEDIATE, so no upgrade deadlock). */
int db_begin(db_conn *c, err_ctx *e);

/* A read-only transaction that sees one snapshot; ended by db_rollback or
 * db_release. */
int db_begin_read(db_conn *c, err_ctx *e);

/* Runs fn inside a write transaction and commits. When the engine reports
 * a serialization failure or deadlock (ERR_RETRY) the transaction is
 * rolled back and fn runs again after a randomised, growing pause, a few
 * times; fn must therefore only touch the database and its own arg. */
int db_transact(db_conn *c, int (*fn)(db_conn *c, void *arg, err_ctx *e), void *arg,
                err_ctx *e);
int db_commit(db_conn *c, err_ctx *e);
void db_rollback(db_conn *c); /* no-op outside a transaction */

/* Prepares (or reuses) sql, binds args and returns the statement ready for
 * db_step. The statement belongs to the connection: finish with db_done. */
int db_query(db_conn *c, const char *sql, const db_arg *args, int nargs, db_stmt **out,
             err_ctx *e);
/* Like db_query for SQL built at run time: the statement is prepared for
 * this one use and not cached (the cache is keyed by the SQL's address). */
int db_query_fresh(db_conn *c, const char *sql, const db_arg *args, int nargs, db_stmt **out,
                   err_ctx *e);
/* Advances: *row is true while a row is available. */
int db_step(db_stmt *st, bool *row, err_ctx *e);
int64_t db_int(db_stmt *st, int col);
/* NULL for SQL NULL; valid until the next step or db_done. */
const char *db_text(db_stmt *st, int col);
void db_done(db_stmt *st); /* NULL is a no-op */
/* Columns of the current result (after the first db_step). */
int db_col_count(db_stmt *st);
const char *db_col_name(db_stmt *st, int col);

/* Runs a statement that returns no rows; *changes (may be NULL) gets the
 * number of rows it changed. */
int db_exec(db_conn *c, const char *sql, const db_arg *args, int nargs, int64_t *changes,
            err_ctx *e);

/* Many rows in few statements: sql[k] inserts sizes[k] rows (largest
 * first, the last 1), each of ncols placeholders; args holds nrows * ncols
 * arguments row by row. Chunks of the largest size that fits go first, so
 * 37 rows with sizes {16, 4, 1} take 2 + 1 + 1 statements. When row_fn is
 * given it is called for every row the statements return (RETURNING). */
#define DB_ROWS_SIZES 3
int db_exec_rows(db_conn *c, const char *const sql[DB_ROWS_SIZES],
                 const int sizes[DB_ROWS_SIZES], int ncols, const db_arg *args, int nrows,
                 int (*row_fn)(db_stmt *st, void *arg, err_ctx *e), void *arg, err_ctx *e);

/* Statement text for db_exec_rows: a VALUES list of 1, 4 or 16 copies of
 * one row's placeholders, e.g. DB_ROWS16("(?, ?)"). */
#define DB_ROWS1(r) r
#define DB_ROWS4(r) r ", " r ", " r ", " r
#define DB_ROWS16(r) DB_ROWS4(r) ", " DB_ROWS4(r) ", " DB_ROWS4(r) ", " DB_ROWS4(r)

/* Runs one row query; *found tells whether a row came back. The statement
 * stays open on the row for db_int / db_text until db_done. */
int db_query_row(db_conn *c, const char *sql, const db_arg *args, int nargs, db_stmt **out,
                 bool *found, err_ctx *e);

/* Runs a query (or an UPDATE ... RETURNING) and copies the first n columns
 * of its first row, as integers, to out[0..n-1]; zeros when no row came
 * back. */
int db_query_ints(db_conn *c, const char *sql, const db_arg *args, int nargs, int64_t *out,
                  int n, err_ctx *e);

/* Runs a query and only tells whether it returned a row. */
int db_exists(db_conn *c, const char *sql, const db_arg *args, int nargs, bool *found,
              err_ctx *e);

/* Runs several ;-separated statements without parameters (migrations). */
int db_exec_script(db_conn *c, const char *sql, err_ctx *e);

/* The size of the database in bytes, for metrics. */
int db_size_bytes(db_conn *c, int64_t *out, err_ctx *e);

/* The SQL that serialises migrations across instances, or NULL. */
const char *db_migrate_lock_sql(const db *d);

#endif
