/*
 * db_pg.c: the PostgreSQL engine over libpq. Statements are prepared on
 * the server once per connection (named s1, s2, ...); `?` placeholders are
 * rewritten to $1, $2 ... A statement that runs once is sent with its
 * arguments in one round trip instead (unnamed: the server plans it for
 * them and keeps nothing). Every connection has a statement timeout. A
 * broken connection is noticed here and re-opened by db.c on next use.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/driver.h"

#define PG_MAX_PARAMS 1024 /* multi-row inserts (db_exec_rows) need a few hundred */
#define PG_INT_LEN 24

typedef struct pg_conn {
    PGconn *pg;
    int64_t changes;
    unsigned seq; /* for statement names */
    int statement_timeout_ms, lock_timeout_ms;
} pg_conn;

typedef struct pg_stmt {
    pg_conn *c;
    char name[16];
    char *text;                  /* a statement that runs once: its SQL; else NULL */
    int nparams;
    const char **values;         /* nparams of them, ... */
    char (*ints)[PG_INT_LEN];    /* ... and room to print the integers */
    PGresult *res;
    int row, nrows;
} pg_stmt;

/* Maps a failed result (or a dead connection) onto the project enum. */
static int map_error(pg_conn *c, const PGresult *res, err_ctx *e)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : "";
    if (!msg || !*msg)
        msg = PQerrorMessage(c->pg);
    char clean[200];
    snprintf(clean, sizeof clean, "%s", msg);
    clean[strcspn(clean, "\n")] = '\0';
    int code = ERR_DB;
    if (PQstatus(c->pg) != CONNECTION_OK || !state || strncmp(state, "08", 2) == 0 ||
        strcmp(state, "57014") == 0 || strncmp(state, "57P", 3) == 0 ||
        strcmp(state, "53300") == 0) {
        code = ERR_UNAVAILABLE; /* down, restarting, timed out, or out of connections */
        if (e)
            e->retry_after = 1;
    } else if (strcmp(state, "23505") == 0) {
        code = ERR_CONFLICT;
    } else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        code = ERR_RETRY;
    }
    return err_set(e, code, "postgres: %s%s%s", state ? state : "", state ? " " : "", clean);
}

static int pg_exec_script(void *conn, const char *sql, err_ctx *e)
{
    pg_conn *c = conn;
    PGresult *res = PQexec(c->pg, sql);
    ExecStatusType st = PQresultStatus(res);
    int rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? 0 : map_error(c, res, e);
    PQclear(res);
    return rc;
}

/* Per-session settings, after every (re)connect. */
static int session_setup(pg_conn *c, err_ctx *e)
{
    char set[160];
    snprintf(set, sizeof set,
             "SET statement_timeout = %d; SET lock_timeout = %d; SET client_min_messages = warning",
             c->statement_timeout_ms, c->lock_timeout_ms);
    return pg_exec_script(c, set, e);
}

static int pg_connect(const char *url, const db_config *cfg, void **out, err_ctx *e)
{
    pg_conn *c = calloc(1, sizeof *c);
    if (!c)
        return err_set(e, ERR_NOMEM, "out of memory");
    c->pg = PQconnectdb(url);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(c->pg));
        msg[strcspn(msg, "\n")] = '\0';
        err_set(e, ERR_UNAVAILABLE, "cannot connect to PostgreSQL: %s", msg);
        e->retry_after = 1;
        PQfinish(c->pg);
        free(c);
        return ERR_UNAVAILABLE;
    }
    c->statement_timeout_ms = cfg->statement_timeout_ms > 0 ? cfg->statement_timeout_ms : 5000;
    c->lock_timeout_ms = cfg->busy_timeout_ms > 0 ? cfg->busy_timeout_ms : 5000;
    int rc = session_setup(c, e);
    if (rc) {
        PQfinish(c->pg);
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

static void pg_disconnect(void *conn)
{
    pg_conn *c = conn;
    PQfinish(c->pg);
    free(c);
}

static bool pg_broken(void *conn) { return PQstatus(((pg_conn *)conn)->pg) != CONNECTION_OK; }

static int pg_reconnect(void *conn, err_ctx *e)
{
    pg_conn *c = conn;
    PQreset(c->pg);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        e->retry_after = 1;
        return err_set(e, ERR_UNAVAILABLE, "database unavailable");
    }
    c->seq = 0; /* the server forgot our prepared statements */
    return session_setup(c, e);
}

/* Rewrites ? placeholders outside quotes to $n; returns the count. */
static int rewrite(const char *sql, char *out, size_t n)
{
    int count = 0;
    size_t o = 0;
    char quote = 0;
    for (const char *p = sql; *p && o + 4 < n; p++) {
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '?') {
            o += (size_t)snprintf(out + o, n - o, "$%d", ++count);
            continue;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
    return count;
}

static void pg_stmt_free(pg_stmt *st)
{
    free(st->text);
    free(st->values);
    free(st->ints);
    free(st);
}

static int pg_prepare(void *conn, const char *sql, bool once, void **out, err_ctx *e)
{
    pg_conn *c = conn;
    size_t n = strlen(sql) * 2 + 16;
    char *text = malloc(n);
    pg_stmt *st = calloc(1, sizeof *st);
    if (!text || !st) {
        free(text);
        free(st);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    st->c = c;
    st->nparams = rewrite(sql, text, n);
    if (st->nparams > PG_MAX_PARAMS) {
        free(text);
        free(st);
        return err_set(e, ERR_INTERNAL, "too many parameters");
    }
    st->values = calloc((size_t)st->nparams + 1, sizeof *st->values);
    st->ints = calloc((size_t)st->nparams + 1, sizeof *st->ints);
    if (!st->values || !st->ints) {
        free(text);
        pg_stmt_free(st);
        return err_set(e, ERR_NOMEM, "out of memory");
    }
    if (once) {
        st->text = text;
        *out = st;
        return 0;
    }
    snprintf(st->name, sizeof st->name, "s%u", ++c->seq);
    PGresult *res = PQprepare(c->pg, st->name, text, 0, NULL);
    int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : map_error(c, res, e);
    PQclear(res);
    free(text);
    if (rc) {
        pg_stmt_free(st);
        return rc;
    }
    *out = st;
    return 0;
}

static void pg_reset(void *stmt)
{
    pg_stmt *st = stmt;
    PQclear(st->res);
    st->res = NULL;
    st->row = st->nrows = 0;
}

static void pg_finalize(void *stmt)
{
    pg_stmt *st = stmt;
    pg_reset(st);
    if (!st->text && PQstatus(st->c->pg) == CONNECTION_OK) {
        char sql[32];
        snprintf(sql, sizeof sql, "DEALLOCATE %s", st->name);
        PQclear(PQexec(st->c->pg, sql));
    }
    pg_stmt_free(st);
}

static int pg_bind(void *stmt, const db_arg *args, int n, err_ctx *e)
{
    pg_stmt *st = stmt;
    if (n != st->nparams)
        return err_set(e, ERR_INTERNAL, "statement wants %d arguments, got %d", st->nparams, n);
    for (int i = 0; i < n; i++) {
        switch (args[i].kind) {
        case DB_ARG_INT:
            snprintf(st->ints[i], PG_INT_LEN, "%lld", (long long)args[i].i);
            st->values[i] = st->ints[i];
            break;
        case DB_ARG_TEXT: st->values[i] = args[i].s; break;
        default: st->values[i] = NULL;
        }
    }
    return 0;
}

static int pg_step(void *stmt, bool *row, err_ctx *e)
{
    pg_stmt *st = stmt;
    if (!st->res) {
        st->res = st->text ? PQexecParams(st->c->pg, st->text, st->nparams, NULL, st->values,
                                          NULL, NULL, 0)
                           : PQexecPrepared(st->c->pg, st->name, st->nparams, st->values, NULL,
                                            NULL, 0);
        ExecStatusType s = PQresultStatus(st->res);
        if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
            int rc = map_error(st->c, st->res, e);
            pg_reset(st);
            *row = false;
            return rc;
        }
        st->nrows = PQntuples(st->res);
        st->row = -1;
        st->c->changes = atoll(PQcmdTuples(st->res));
    }
    *row = ++st->row < st->nrows;
    return 0;
}

static int64_t pg_col_int(void *stmt, int col)
{
    pg_stmt *st = stmt;
    const char *v = PQgetvalue(st->res, st->row, col);
    if (v[0] == 't' || v[0] == 'f') /* booleans from comparisons */
        return v[0] == 't';
    return strtoll(v, NULL, 10);
}

static const char *pg_col_text(void *stmt, int col)
{
    pg_stmt *st = stmt;
    return PQgetisnull(st->res, st->row, col) ? NULL : PQgetvalue(st->res, st->row, col);
}

static int pg_col_count(void *stmt) { return PQnfields(((pg_stmt *)stmt)->res); }
static const char *pg_col_name(void *stmt, int col) { return PQfname(((pg_stmt *)stmt)->res, col); }

static int64_t pg_changes(void *conn) { return ((pg_conn *)conn)->changes; }

static int pg_size_bytes(void *conn, int64_t *out, err_ctx *e)
{
    pg_conn *c = conn;
    PGresult *res = PQexec(c->pg, "SELECT pg_database_size(current_database())");
    int rc = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1
                 ? 0
                 : map_error(c, res, e);
    if (!rc)
        *out = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return rc;
}

const db_driver db_pg_driver = {
    .name = "postgres",
    .begin_read_sql = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    .begin_sql = "BEGIN",
    /* Several instances may start at once: one migrates, the others wait. */
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7303147)",
    .connect = pg_connect,
    .disconnect = pg_disconnect,
    .broken = pg_broken,
    .reconnect = pg_reconnect,
    .exec_script = pg_exec_script,
    .prepare = pg_prepare,
    .finalize = pg_finalize,
    .bind = pg_bind,
    .step = pg_step,
    .reset = pg_reset,
    .col_int = pg_col_int,
    .col_text = pg_col_text,
    .col_count = pg_col_count,
    .col_name = pg_col_name,
    .changes = pg_changes,
    .size_bytes = pg_size_bytes,
};
