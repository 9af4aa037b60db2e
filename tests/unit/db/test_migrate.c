/*
 * test_migrate.c: the migration runner on fresh, current, partial and
 * newer-than-known databases.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "../support.h"
#include "base/embed.h"
#include "db/migrate.h"

static char *dir;
static db *d;

static void setup(void)
{
    dir = tmp_dir_new();
    d = tmp_db_open(dir, "m.db", 1);
}

static void teardown(void)
{
    db_free(d);
    tmp_dir_free(dir);
}

TestSuite(migrate, .init = setup, .fini = teardown);

#define FILE_OF(path, sql) {path, (const unsigned char *)(sql), sizeof(sql) - 1}
#define END_OF_TABLE {NULL, NULL, 0}

static int table_len(const embed_file *t)
{
    int n = 0;
    while (t[n].path)
        n++;
    return n;
}

static long long table_exists(const char *name)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
                              " AND name = '%s'", name);
    return tmp_db_count(d, sql);
}

Test(migrate, latest)
{
    static const embed_file t[] = {FILE_OF("0001_a.sql", ""), FILE_OF("0003_c.sql", ""),
                                   FILE_OF("0002_b.sql", ""), END_OF_TABLE};
    static const embed_file none[] = {END_OF_TABLE};
    cr_assert_eq(migrate_latest(t), 3);
    cr_assert_eq(migrate_latest(none), 0);
    cr_assert_geq(migrate_latest(embed_migrations), 1);
}

Test(migrate, fresh_database_gets_the_schema)
{
    err_ctx e = {0};
    int applied = -1;
    cr_assert_eq(migrate_run(d, embed_migrations, &applied, &e), 0, "%s", e.detail);
    cr_assert_eq(applied, table_len(embed_migrations));
    const char *tables[] = {"schema_migrations", "orgs", "users", "sessions", "login_throttle"};
    for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
        cr_assert_eq(table_exists(tables[i]), 1, "%s missing", tables[i]);
    cr_assert_eq(tmp_db_count(d, "SELECT MAX(version) FROM schema_migrations"),
                 migrate_latest(embed_migrations));
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM schema_migrations"),
                 table_len(embed_migrations));
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM schema_migrations"
                                 " WHERE name = '0001_accounts.sql' AND applied_at > 0"),
                 1);
}

Test(migrate, running_twice_applies_nothing)
{
    err_ctx e = {0};
    int applied = -1;
    cr_assert_eq(migrate_run(d, embed_migrations, &applied, &e), 0, "%s", e.detail);
    cr_assert_gt(applied, 0);
    applied = -1;
    cr_assert_eq(migrate_run(d, embed_migrations, &applied, &e), 0, "%s", e.detail);
    cr_assert_eq(applied, 0);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM schema_migrations"),
                 table_len(embed_migrations));
    cr_assert_eq(migrate_run(d, embed_migrations, NULL, &e), 0, "applied may be NULL");
}

Test(migrate, only_pending_ones_run)
{
    static const embed_file v1[] = {FILE_OF("0001_a.sql", "CREATE TABLE a (x INTEGER);"),
                                    END_OF_TABLE};
    static const embed_file v2[] = {FILE_OF("0001_a.sql", "CREATE TABLE a (x INTEGER);"),
                                    FILE_OF("0002_b.sql", "CREATE TABLE b (y INTEGER);"
                                                          "INSERT INTO b VALUES (1);"),
                                    END_OF_TABLE};
    err_ctx e = {0};
    int applied = -1;
    cr_assert_eq(migrate_run(d, v1, &applied, &e), 0, "%s", e.detail);
    cr_assert_eq(applied, 1);
    cr_assert_eq(migrate_run(d, v2, &applied, &e), 0, "%s", e.detail);
    cr_assert_eq(applied, 1, "0001 must not run again (it would fail: table a exists)");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM b"), 1);
    cr_assert_eq(tmp_db_count(d, "SELECT MAX(version) FROM schema_migrations"), 2);
}

Test(migrate, a_failing_step_leaves_the_database_as_it_was)
{
    static const embed_file t[] = {FILE_OF("0001_ok.sql", "CREATE TABLE ok1 (x INTEGER);"),
                                   FILE_OF("0002_bad.sql", "CREATE TABL oops (x);"),
                                   END_OF_TABLE};
    err_ctx e = {0};
    int applied = -1;
    cr_assert_eq(migrate_run(d, t, &applied, &e), ERR_DB);
    cr_assert_eq(applied, 0);
    cr_assert_not_null(strstr(e.detail, "0002_bad.sql"), "%s", e.detail);
    cr_assert_eq(table_exists("ok1"), 0, "0001 must be rolled back with 0002");
    cr_assert_eq(table_exists("schema_migrations"), 0);
}

Test(migrate, a_newer_database_is_refused_and_untouched)
{
    int latest = migrate_latest(embed_migrations);
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    cr_assert_eq(db_exec_script(c,
                                "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                                " name TEXT NOT NULL, applied_at BIGINT NOT NULL);"
                                "CREATE TABLE future (z TEXT);",
                                &e),
                 0, "%s", e.detail);
    cr_assert_eq(db_exec(c, "INSERT INTO schema_migrations VALUES (?, 'future.sql', 1)",
                         DB_ARGS(DB_INT(latest + 1)), NULL, &e),
                 0);
    db_release(c);

    int applied = -1;
    cr_assert_eq(migrate_run(d, embed_migrations, &applied, &e), ERR_SCHEMA_NEWER);
    cr_assert_eq(e.code, ERR_SCHEMA_NEWER);
    cr_assert_eq(applied, 0);
    cr_assert_gt(strlen(e.detail), 0);
    cr_assert_eq(table_exists("orgs"), 0, "no migration may run");
    cr_assert_eq(table_exists("future"), 1);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM schema_migrations"), 1);
    cr_assert_eq(tmp_db_count(d, "SELECT MAX(version) FROM schema_migrations"), latest + 1);
    /* And the connection went back to the pool without a transaction:
     * the pool of one can still write. */
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    err_clear(&e);
    cr_assert_eq(db_exec_script(c, "INSERT INTO future VALUES ('x')", &e), 0, "%s", e.detail);
    db_release(c);
}
