/*
 * test_db.c: the storage driver on SQLite: queries, arguments, NULLs,
 * statement reuse, error mapping, transactions and the pool.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "db/db.h"

static char *dir;
static db *d;

static void setup(void)
{
    dir = tmp_dir_new();
    d = tmp_db_open(dir, "t.db", 2);
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    cr_assert_eq(db_exec_script(c,
                                "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE,"
                                " note TEXT, n BIGINT NOT NULL DEFAULT 0);",
                                &e),
                 0, "%s", e.detail);
    db_release(c);
}

static void teardown(void)
{
    db_free(d);
    tmp_dir_free(dir);
}

TestSuite(db, .init = setup, .fini = teardown);

static const char *const INSERT_SQL = "INSERT INTO t (id, name, note, n) VALUES (?, ?, ?, ?)";
static const char *const COUNT_SQL = "SELECT COUNT(*) FROM t";

static db_conn *take(void)
{
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    return c;
}

static int64_t count_rows(db_conn *c)
{
    db_stmt *st = NULL;
    bool found = false;
    err_ctx e = {0};
    cr_assert_eq(db_query_row(c, COUNT_SQL, DB_NOARGS, &st, &found, &e), 0, "%s", e.detail);
    cr_assert(found);
    int64_t n = db_int(st, 0);
    db_done(st);
    return n;
}

static int insert(db_conn *c, int64_t id, const char *name, const char *note, err_ctx *e)
{
    return db_exec(c, INSERT_SQL,
                   DB_ARGS(DB_INT(id), DB_TEXT(name), DB_TEXT(note), DB_INT(id * 10)), NULL, e);
}

Test(db, engine_and_url_kind)
{
    cr_assert_str_eq(db_engine(d), "sqlite");
    cr_assert_null(db_migrate_lock_sql(d));
    cr_assert(db_url_is_postgres("postgres://u@h/db"));
    cr_assert(db_url_is_postgres("postgresql://u@h/db"));
    cr_assert_not(db_url_is_postgres("/tmp/postgres.db"));
    cr_assert_not(db_url_is_postgres("postgres:/x"));
}

Test(db, exec_and_query_with_arguments)
{
    db_conn *c = take();
    err_ctx e = {0};
    int64_t changes = -1;
    cr_assert_eq(db_exec(c, INSERT_SQL,
                         DB_ARGS(DB_INT(1), DB_TEXT("ada"), DB_TEXT("第一"), DB_INT(-7)),
                         &changes, &e),
                 0, "%s", e.detail);
    cr_assert_eq(changes, 1);
    cr_assert_eq(insert(c, 2, "bob", "x", &e), 0, "%s", e.detail);
    cr_assert_eq(insert(c, 3, "cy", "y", &e), 0, "%s", e.detail);

    db_stmt *st = NULL;
    bool row = false;
    cr_assert_eq(db_query(c, "SELECT id, name, note, n FROM t WHERE id >= ? ORDER BY id",
                          DB_ARGS(DB_INT(1)), &st, &e),
                 0);
    cr_assert_eq(db_step(st, &row, &e), 0);
    cr_assert(row);
    cr_assert_eq(db_col_count(st), 4);
    cr_assert_str_eq(db_col_name(st, 1), "name");
    cr_assert_eq(db_int(st, 0), 1);
    cr_assert_str_eq(db_text(st, 1), "ada");
    cr_assert_str_eq(db_text(st, 2), "第一");
    cr_assert_eq(db_int(st, 3), -7);
    int ids = 1;
    while (!db_step(st, &row, &e) && row)
        ids++;
    cr_assert_not(row);
    cr_assert_eq(ids, 3);
    db_done(st);

    cr_assert_eq(db_exec(c, "UPDATE t SET n = n + 1 WHERE id > ?", DB_ARGS(DB_INT(1)), &changes,
                         &e),
                 0);
    cr_assert_eq(changes, 2);
    cr_assert_eq(db_exec(c, "DELETE FROM t WHERE name = ?", DB_ARGS(DB_TEXT("nobody")),
                         &changes, &e),
                 0);
    cr_assert_eq(changes, 0);
    db_release(c);
}

Test(db, null_binding_and_null_columns)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(db_exec(c, INSERT_SQL, DB_ARGS(DB_INT(1), DB_TEXT(NULL), DB_NULL, DB_INT(5)),
                         NULL, &e),
                 0, "%s", e.detail);
    db_stmt *st = NULL;
    bool found = false;
    cr_assert_eq(db_query_row(c, "SELECT name, note, note IS NULL, name IS NULL FROM t"
                                 " WHERE id = ?",
                              DB_ARGS(DB_INT(1)), &st, &found, &e),
                 0);
    cr_assert(found);
    cr_assert_null(db_text(st, 0));
    cr_assert_null(db_text(st, 1));
    cr_assert_eq(db_int(st, 2), 1, "DB_NULL binds SQL NULL");
    cr_assert_eq(db_int(st, 3), 1, "DB_TEXT(NULL) binds SQL NULL");
    db_done(st);
    /* A NULL argument matches nothing with '=' */
    cr_assert_eq(db_query_row(c, "SELECT id FROM t WHERE note = ?", DB_ARGS(DB_NULL), &st,
                              &found, &e),
                 0);
    cr_assert_not(found);
    db_done(st);
    db_release(c);
}

Test(db, query_row_not_found)
{
    db_conn *c = take();
    err_ctx e = {0};
    db_stmt *st = NULL;
    bool found = true;
    cr_assert_eq(db_query_row(c, "SELECT id FROM t WHERE id = ?", DB_ARGS(DB_INT(99)), &st,
                              &found, &e),
                 0);
    cr_assert_not(found);
    db_done(st);
    db_release(c);
}

Test(db, query_ints_copies_a_row_or_zeros_and_takes_returning)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(insert(c, 7, "seven", NULL, &e), 0, "%s", e.detail);
    int64_t v[2] = {-1, -1};
    cr_assert_eq(db_query_ints(c, "SELECT id, n FROM t WHERE id = ?", DB_ARGS(DB_INT(7)), v, 2,
                               &e),
                 0, "%s", e.detail);
    cr_assert(v[0] == 7 && v[1] == 70);
    cr_assert_eq(db_query_ints(c, "SELECT id, n FROM t WHERE id = ?", DB_ARGS(DB_INT(8)), v, 2,
                               &e),
                 0);
    cr_assert(v[0] == 0 && v[1] == 0, "no row: zeros");
    cr_assert_eq(db_query_ints(c, "UPDATE t SET n = n + 5 WHERE id = ? RETURNING n",
                               DB_ARGS(DB_INT(7)), v, 1, &e),
                 0, "%s", e.detail);
    cr_assert_eq(v[0], 75);
    cr_assert_eq(db_query_ints(c, "SELECT n FROM t WHERE id = ?", DB_ARGS(DB_INT(7)), v, 1, &e),
                 0);
    cr_assert_eq(v[0], 75, "the update took");
    v[0] = -1;
    cr_assert_neq(db_query_ints(c, "SELECT nope FROM t", DB_NOARGS, v, 1, &e), 0);
    cr_assert_eq(v[0], 0, "an error gives zeros too");
    db_release(c);
}

Test(db, statements_are_reused_with_new_arguments)
{
    db_conn *c = take();
    err_ctx e = {0};
    /* The same SQL (same address) many times: each run sees its own args
     * and a statement left mid-result does not leak into the next run. */
    for (int i = 1; i <= 50; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        cr_assert_eq(insert(c, i, name, NULL, &e), 0, "%d: %s", i, e.detail);
    }
    cr_assert_eq(count_rows(c), 50);
    for (int i = 1; i <= 50; i += 7) {
        db_stmt *st = NULL;
        bool found = false;
        cr_assert_eq(db_query_row(c, "SELECT name FROM t WHERE id = ?", DB_ARGS(DB_INT(i)), &st,
                                  &found, &e),
                     0);
        cr_assert(found);
        char want[16];
        snprintf(want, sizeof want, "n%d", i);
        cr_assert_str_eq(db_text(st, 0), want);
        db_done(st);
    }
    db_release(c);
}

Test(db, same_sql_nested_on_one_connection)
{
    db_conn *c = take();
    err_ctx e = {0};
    static const char *const SQL = "SELECT id FROM t WHERE id > ? ORDER BY id";
    for (int i = 1; i <= 3; i++)
        cr_assert_eq(insert(c, i, NULL, NULL, &e), 0);
    db_stmt *outer = NULL, *inner = NULL;
    bool row = false, irow = false;
    int pairs = 0;
    cr_assert_eq(db_query(c, SQL, DB_ARGS(DB_INT(0)), &outer, &e), 0);
    while (!db_step(outer, &row, &e) && row) {
        int64_t id = db_int(outer, 0);
        cr_assert_eq(db_query(c, SQL, DB_ARGS(DB_INT(id)), &inner, &e), 0, "%s", e.detail);
        while (!db_step(inner, &irow, &e) && irow) {
            cr_assert_gt(db_int(inner, 0), id);
            pairs++;
        }
        db_done(inner);
    }
    db_done(outer);
    cr_assert_eq(pairs, 3, "(1,2) (1,3) (2,3)");
    db_release(c);
}

Test(db, more_distinct_statements_than_the_cache_holds)
{
    /* Static storage: the cache is keyed by the SQL's address, which must
     * live as long as the connection. */
    static char sqls[300][64];
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(insert(c, 1, "a", NULL, &e), 0);
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 300; i++) {
            snprintf(sqls[i], sizeof sqls[i], "SELECT id + %d FROM t WHERE id = ?", i);
            db_stmt *st = NULL;
            bool found = false;
            cr_assert_eq(db_query_row(c, sqls[i], DB_ARGS(DB_INT(1)), &st, &found, &e), 0,
                         "%d: %s", i, e.detail);
            cr_assert(found);
            cr_assert_eq(db_int(st, 0), 1 + i, "statement %d (round %d)", i, round);
            db_done(st);
        }
    /* A statement that failed to prepare does not hold a slot. */
    for (int i = 0; i < 3; i++) {
        db_stmt *st = NULL;
        err_clear(&e);
        cr_assert_eq(db_query(c, "SELECT nope FROM t", DB_NOARGS, &st, &e), ERR_DB);
    }
    cr_assert_eq(count_rows(c), 1);
    db_release(c);
}

Test(db, fresh_queries_for_built_sql)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(insert(c, 1, "a", NULL, &e), 0);
    for (int i = 0; i < 3; i++) {
        char sql[64];
        snprintf(sql, sizeof sql, "SELECT %d + id FROM t WHERE id = ?", i);
        db_stmt *st = NULL;
        bool row = false;
        cr_assert_eq(db_query_fresh(c, sql, DB_ARGS(DB_INT(1)), &st, &e), 0);
        cr_assert_eq(db_step(st, &row, &e), 0);
        cr_assert(row);
        cr_assert_eq(db_int(st, 0), i + 1);
        db_done(st);
    }
    db_release(c);
}

Test(db, unique_and_primary_key_violations_are_conflicts)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(insert(c, 1, "dup", NULL, &e), 0);
    cr_assert_eq(insert(c, 2, "dup", NULL, &e), ERR_CONFLICT);
    cr_assert_eq(e.code, ERR_CONFLICT);
    cr_assert_gt(strlen(e.detail), 0);
    err_clear(&e);
    cr_assert_eq(insert(c, 1, "other", NULL, &e), ERR_CONFLICT);
    /* The connection is still usable afterwards. */
    err_clear(&e);
    cr_assert_eq(insert(c, 3, "fine", NULL, &e), 0, "%s", e.detail);
    cr_assert_eq(count_rows(c), 2);
    db_release(c);
}

Test(db, other_constraints_and_bad_sql_are_db_errors)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(db_exec(c, "INSERT INTO t (id, n) VALUES (?, ?)", DB_ARGS(DB_INT(1), DB_NULL),
                         NULL, &e),
                 ERR_DB, "NOT NULL is not a conflict");
    err_clear(&e);
    db_stmt *st = NULL;
    cr_assert_eq(db_query(c, "SELEKT 1", DB_NOARGS, &st, &e), ERR_DB);
    cr_assert_null(st);
    cr_assert_gt(strlen(e.detail), 0);
    err_clear(&e);
    cr_assert_eq(db_exec_script(c, "CREATE TABLE t (x);", &e), ERR_DB, "table exists");
    /* Still usable. */
    err_clear(&e);
    cr_assert_eq(count_rows(c), 0);
    db_release(c);
}

Test(db, wrong_argument_count_is_refused)
{
    db_conn *c = take();
    err_ctx e = {0};
    db_stmt *st = NULL;
    cr_assert_eq(db_query(c, INSERT_SQL, DB_ARGS(DB_INT(1)), &st, &e), ERR_INTERNAL);
    cr_assert_null(st);
    err_clear(&e);
    /* The cached statement recovers for a correct call. */
    cr_assert_eq(insert(c, 1, "a", "b", &e), 0, "%s", e.detail);
    db_release(c);
}

Test(db, transaction_commit_is_seen_by_another_connection)
{
    db_conn *c1 = take(), *c2 = take();
    err_ctx e = {0};
    cr_assert_eq(db_begin(c1, &e), 0, "%s", e.detail);
    cr_assert_eq(insert(c1, 1, "a", NULL, &e), 0);
    cr_assert_eq(insert(c1, 2, "b", NULL, &e), 0);
    cr_assert_eq(count_rows(c2), 0, "uncommitted rows are invisible");
    cr_assert_eq(db_commit(c1, &e), 0, "%s", e.detail);
    cr_assert_eq(count_rows(c2), 2);
    db_release(c2);
    db_release(c1);
}

Test(db, transaction_rollback_discards)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(insert(c, 1, "kept", NULL, &e), 0);
    cr_assert_eq(db_begin(c, &e), 0);
    cr_assert_eq(insert(c, 2, "gone", NULL, &e), 0);
    cr_assert_eq(count_rows(c), 2);
    db_rollback(c);
    cr_assert_eq(count_rows(c), 1);
    db_rollback(c); /* no-op outside a transaction */
    cr_assert_eq(count_rows(c), 1);
    db_release(c);
}

Test(db, release_rolls_back_an_open_transaction)
{
    db_conn *c = take();
    err_ctx e = {0};
    cr_assert_eq(db_begin(c, &e), 0);
    cr_assert_eq(insert(c, 1, "left open", NULL, &e), 0);
    db_release(c);
    db_conn *c1 = take(), *c2 = take();
    cr_assert_eq(count_rows(c1), 0);
    cr_assert_eq(count_rows(c2), 0);
    /* The write lock is gone too: both connections can write. */
    cr_assert_eq(db_begin(c1, &e), 0, "%s", e.detail);
    cr_assert_eq(insert(c1, 1, "a", NULL, &e), 0);
    cr_assert_eq(db_commit(c1, &e), 0);
    cr_assert_eq(db_begin(c2, &e), 0, "%s", e.detail);
    cr_assert_eq(db_commit(c2, &e), 0);
    db_release(c1);
    db_release(c2);
}

Test(db, a_second_writer_gets_unavailable_with_retry_after)
{
    db_conn *c1 = take(), *c2 = take();
    err_ctx e = {0};
    cr_assert_eq(db_begin(c1, &e), 0);
    cr_assert_eq(db_begin(c2, &e), ERR_UNAVAILABLE, "busy timeout is 100 ms");
    cr_assert_eq(e.retry_after, 1);
    db_rollback(c1);
    err_clear(&e);
    cr_assert_eq(db_begin(c2, &e), 0, "%s", e.detail);
    db_release(c2);
    db_release(c1);
}

struct tx_arg {
    int calls;
    int fail_with;
};

static int tx_body(db_conn *c, void *arg, err_ctx *e)
{
    struct tx_arg *t = arg;
    t->calls++;
    int rc = insert(c, 100 + t->calls, NULL, NULL, e);
    if (!rc && t->fail_with)
        rc = err_set(e, t->fail_with, "asked to fail");
    return rc;
}

Test(db, transact_commits_or_rolls_back)
{
    db_conn *c = take();
    err_ctx e = {0};
    struct tx_arg ok = {0, 0};
    cr_assert_eq(db_transact(c, tx_body, &ok, &e), 0, "%s", e.detail);
    cr_assert_eq(ok.calls, 1);
    cr_assert_eq(count_rows(c), 1);

    struct tx_arg bad = {0, ERR_CONFLICT};
    cr_assert_eq(db_transact(c, tx_body, &bad, &e), ERR_CONFLICT);
    cr_assert_eq(bad.calls, 1, "only contention is retried");
    cr_assert_eq(count_rows(c), 1, "the failed body's insert is rolled back");
    db_release(c);
}

Test(db, transact_retries_contention_then_gives_up)
{
    db_conn *c = take();
    err_ctx e = {0};
    struct tx_arg retry = {0, ERR_RETRY};
    cr_assert_eq(db_transact(c, tx_body, &retry, &e), ERR_RETRY);
    cr_assert_gt(retry.calls, 1);
    cr_assert_eq(e.retry_after, 1);
    cr_assert_eq(count_rows(c), 0);
    db_release(c);
}

Test(db, size_bytes)
{
    db_conn *c = take();
    err_ctx e = {0};
    int64_t n = 0;
    cr_assert_eq(db_size_bytes(c, &n, &e), 0);
    cr_assert_gt(n, 0);
    db_release(c);
}

Test(db, open_fails_cleanly_on_a_bad_path)
{
    db *bad = NULL;
    err_ctx e = {0};
    char path[600];
    tmp_path(path, sizeof path, dir, "no/such/dir/x.db");
    db_config cfg = {.pool_size = 2};
    cr_assert_eq(db_open(path, &cfg, NULL, &bad, &e), ERR_DB);
    cr_assert_null(bad);
    cr_assert_not_null(strstr(e.detail, "x.db"), "%s", e.detail);
    db_free(NULL);
    db_release(NULL);
    db_done(NULL);
}
