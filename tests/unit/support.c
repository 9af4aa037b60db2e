/*
 * support.c: scratch directories and databases for the unit tests.
 */
#include "support.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "base/embed.h"
#include "db/migrate.h"

char *tmp_dir_new(void)
{
    const char *base = getenv("TMPDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/cocloud-unit-XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(path);
    cr_assert_not_null(dir, "mkdtemp(%s) failed", path);
    char *copy = strdup(dir);
    cr_assert_not_null(copy);
    return copy;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(path);
}

void tmp_dir_free(char *dir)
{
    if (!dir)
        return;
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

void tmp_path(char *out, size_t n, const char *dir, const char *name)
{
    snprintf(out, n, "%s/%s", dir, name);
}

db *tmp_db_open(const char *dir, const char *name, int pool_size)
{
    char path[600];
    tmp_path(path, sizeof path, dir, name);
    db_config cfg = {.pool_size = pool_size, .busy_timeout_ms = 100};
    err_ctx e = {0};
    db *d = NULL;
    int rc = db_open(path, &cfg, NULL, &d, &e);
    cr_assert_eq(rc, 0, "db_open(%s): %s", path, e.detail);
    cr_assert_not_null(d);
    return d;
}

db *tmp_db_migrated(const char *dir, int pool_size)
{
    db *d = tmp_db_open(dir, "test.db", pool_size);
    err_ctx e = {0};
    int applied = -1;
    int rc = migrate_run(d, embed_migrations, &applied, &e);
    cr_assert_eq(rc, 0, "migrate_run: %s", e.detail);
    cr_assert_gt(applied, 0);
    return d;
}

void tmp_db_script(db *d, const char *sql)
{
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(db_exec_script(c, sql, &e), 0, "%s", e.detail);
    db_release(c);
}

int tmp_audit(db *d, char *out, size_t n)
{
    err_ctx e = {0};
    int failures = -1;
    FILE *f = fmemopen(out, n, "w");
    cr_assert_not_null(f);
    cr_assert_eq(audit_run(d, f, &failures, &e), 0, "%s", e.detail);
    fclose(f);
    return failures;
}

long long tmp_db_count(db *d, const char *sql)
{
    db_conn *c = NULL;
    db_stmt *st = NULL;
    err_ctx e = {0};
    bool found = false;
    long long n = -1;
    if (db_acquire(d, &c, &e))
        return -1;
    if (!db_query_fresh(c, sql, DB_NOARGS, &st, &e) && !db_step(st, &found, &e) && found)
        n = db_int(st, 0);
    db_done(st);
    db_release(c);
    return n;
}

const char *message_of(const err_ctx *e, const char *field)
{
    for (int i = 0; i < e->nfields && i < ERR_MAX_FIELDS; i++)
        if (strcmp(e->fields[i].field, field) == 0)
            return e->fields[i].message;
    return NULL;
}

const char *fields_of(const err_ctx *e, char *out, size_t n)
{
    out[0] = '\0';
    for (int i = 0; i < e->nfields && i < ERR_MAX_FIELDS; i++) {
        if (i)
            strncat(out, " ", n - strlen(out) - 1);
        strncat(out, e->fields[i].field, n - strlen(out) - 1);
    }
    return out;
}

char *repeat(char *out, size_t cap, const char *s, int n)
{
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        cr_assert_lt(strlen(out) + strlen(s), cap);
        strcat(out, s);
    }
    return out;
}
