/*
 * migrate.c: the migration runner.
 */
#include "db/migrate.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"

static int version_of(const char *path) { return atoi(path); }

int migrate_latest(const embed_file *table)
{
    int v = 0;
    for (const embed_file *f = table; f->path; f++)
        if (version_of(f->path) > v)
            v = version_of(f->path);
    return v;
}

int migrate_run(db *d, const embed_file *table, int *applied, err_ctx *e)
{
    db_conn *c = NULL;
    db_stmt *st = NULL;
    int rc, count = 0;
    bool row;
    const char *lock = db_migrate_lock_sql(d);
    rc = db_acquire(d, &c, e);
    if (rc)
        goto out;
    /* Everything in one transaction: a failed step leaves the database as
     * it was, and a second instance starting at the same time waits on
     * the lock, then finds nothing left to do. */
    rc = db_begin(c, e);
    if (!rc && lock)
        rc = db_exec(c, lock, DB_NOARGS, NULL, e);
    if (!rc)
        rc = db_exec_script(c,
                            "CREATE TABLE IF NOT EXISTS schema_migrations ("
                            " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                            " applied_at BIGINT NOT NULL)",
                            e);
    if (!rc)
        rc = db_query_row(c, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                          DB_NOARGS, &st, &row, e);
    if (rc)
        goto out;
    int current = row ? (int)db_int(st, 0) : 0;
    db_done(st);
    st = NULL;
    int latest = migrate_latest(table);
    if (current > latest) {
        rc = err_set(e, ERR_SCHEMA_NEWER,
                     "database schema is at version %d, newer than this cocloud knows (%d); "
                     "run a newer cocloud",
                     current, latest);
        goto out;
    }
    for (const embed_file *f = table; f->path; f++) {
        int v = version_of(f->path);
        if (v <= current)
            continue;
        rc = db_exec_script(c, (const char *)f->data, e);
        if (!rc)
            rc = db_exec(c, "INSERT INTO schema_migrations (version, name, applied_at) "
                            "VALUES (?, ?, ?)",
                         DB_ARGS(DB_INT(v), DB_TEXT(f->path), DB_INT(clock_now_ms())), NULL, e);
        if (rc) {
            char why[ERR_DETAIL_LEN];
            snprintf(why, sizeof why, "%s", e->detail);
            err_set(e, rc, "migration %s failed: %s", f->path, why);
            goto out;
        }
        count++;
    }
    rc = db_commit(c, e);
out:
    db_done(st);
    if (c)
        db_rollback(c);
    db_release(c);
    if (applied)
        *applied = rc ? 0 : count;
    return rc;
}
