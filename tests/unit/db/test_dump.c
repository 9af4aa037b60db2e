/*
 * test_dump.c: export and import as JSON Lines: a round trip gives the same
 * rows, and a bad dump is refused without writing anything.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "account/account.h"
#include "account/session.h"
#include "base/clock.h"
#include "base/embed.h"
#include "base/rand.h"
#include "db/dump.h"
#include "db/migrate.h"

static char *dir;
static db *src, *dst;

static void setup(void)
{
    cr_assert_eq(rand_init(), 0);
    dir = tmp_dir_new();
    src = tmp_db_migrated(dir, 1);
    dst = tmp_db_open(dir, "target.db", 1);
}

static void teardown(void)
{
    db_free(src);
    db_free(dst);
    tmp_dir_free(dir);
}

TestSuite(dump, .init = setup, .fini = teardown);

/* One org with its admin, an expert, a session and a throttle row. */
static void fill(db *d)
{
    db_conn *c = NULL;
    err_ctx e = {0};
    arena *a = arena_new(1 << 20);
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    account_org_input oi = {.name = "云渲染 \"Studio\"", .kind = "partner", .industry = "media",
                            .size = "small", .region = "cn-south-1"};
    const char *clouds[] = {"aws", "gcp"};
    oi.clouds = (jv_strings){true, 2, clouds};
    account_user_input ui = {.email = "a@example.com", .name = "A", .password = "password a"};
    account_org org;
    account_user u;
    cr_assert_eq(account_signup(c, a, &oi, &ui, &org, &u, &e), 0, "%s", e.detail);
    session_policy p = {.idle_ms = 1000, .max_ms = 2000};
    session_login s;
    cr_assert_eq(session_open(c, &p, u.id, 1000, &s, &e), 0, "%s", e.detail);
    cr_assert_eq(db_exec(c, "INSERT INTO users (id, email, name, role, org_id, is_admin,"
                            " password_hash, created_at, updated_at) VALUES ('usr_x',"
                            " 'ex@example.com', 'Ex', 'expert', NULL, 0, 'h', 1, 2)",
                         DB_NOARGS, NULL, &e),
                 0, "%s", e.detail);
    cr_assert_eq(db_exec(c, "INSERT INTO login_throttle VALUES ('acct:x', 2, 5, 0)", DB_NOARGS,
                         NULL, &e),
                 0, "%s", e.detail);
    db_release(c);
    arena_free(a);
}

static char *export_text(db *d, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    err_ctx e = {0};
    cr_assert_eq(dump_export(d, f, &e), 0, "%s", e.detail);
    fclose(f);
    return buf;
}

static int import_text(db *d, const char *text, long *rows, err_ctx *e)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    cr_assert_not_null(f);
    int rc = dump_import(d, embed_migrations, f, rows, e);
    fclose(f);
    return rc;
}

static char *header(void)
{
    static char h[100];
    snprintf(h, sizeof h, "{\"cocloud_dump\":1,\"schema_version\":%d}\n",
             migrate_latest(embed_migrations));
    return h;
}

Test(dump, round_trip_gives_the_same_rows)
{
    fill(src);
    size_t len = 0;
    char *text = export_text(src, &len);
    cr_assert_eq(strncmp(text, header(), strlen(header())), 0, "%s", text);
    long rows = -1;
    err_ctx e = {0};
    cr_assert_eq(import_text(dst, text, &rows, &e), 0, "%s", e.detail);
    cr_assert_eq(rows, 5, "org, 2 users, session, throttle");
    size_t len2 = 0;
    char *again = export_text(dst, &len2);
    cr_assert_str_eq(again, text, "export(import(export(x))) == export(x)");
    /* Types survive the trip through text. */
    cr_assert_eq(tmp_db_count(dst, "SELECT SUM(is_admin) FROM users"), 1);
    cr_assert_eq(tmp_db_count(dst, "SELECT COUNT(*) FROM users WHERE org_id IS NULL"), 1);
    cr_assert_eq(tmp_db_count(dst, "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL"
                                   " AND expires_at = 3000 AND typeof(expires_at) = 'integer'"),
                 1);
    cr_assert_eq(tmp_db_count(dst, "SELECT COUNT(*) FROM orgs WHERE name = '云渲染 \"Studio\"'"
                                   " AND clouds = 'aws,gcp'"),
                 1);
    free(text);
    free(again);
}

Test(dump, export_of_an_empty_database_is_just_the_header)
{
    size_t len = 0;
    char *text = export_text(src, &len);
    cr_assert_str_eq(text, header());
    long rows = -1;
    err_ctx e = {0};
    cr_assert_eq(import_text(dst, text, &rows, &e), 0, "%s", e.detail);
    cr_assert_eq(rows, 0);
    free(text);
}

Test(dump, import_needs_an_empty_database)
{
    fill(src);
    size_t len = 0;
    char *text = export_text(src, &len);
    long rows = -1;
    err_ctx e = {0};
    cr_assert_eq(import_text(src, text, &rows, &e), ERR_CONFLICT);
    cr_assert_eq(rows, 0);
    cr_assert_eq(tmp_db_count(src, "SELECT COUNT(*) FROM users"), 2);
    free(text);
}

static void expect_refused(const char *body, int code)
{
    char text[4096];
    snprintf(text, sizeof text, "%s%s", header(), body);
    long rows = -1;
    err_ctx e = {0};
    cr_assert_eq(import_text(dst, text, &rows, &e), code, "%s -> %s", body, e.detail);
    cr_assert_eq(rows, 0);
    cr_assert_eq(tmp_db_count(dst, "SELECT COUNT(*) FROM orgs"), 0, "nothing written: %s", body);
}

#define ORG_ROW                                                                          \
    "{\"table\":\"orgs\",\"row\":{\"id\":\"org_1\",\"kind\":\"enterprise\",\"name\":\"N\"," \
    "\"industry\":\"other\",\"size\":\"micro\",\"region\":\"eu\",\"clouds\":\"\","      \
    "\"created_at\":\"1\",\"updated_at\":\"1\"}}\n"

Test(dump, bad_dumps_are_refused_and_nothing_is_written)
{
    expect_refused(ORG_ROW "{\"table\":\"nope\",\"row\":{\"a\":\"b\"}}\n", ERR_VALIDATION);
    expect_refused(ORG_ROW "{\"table\":\"orgs\"}\n", ERR_VALIDATION);
    expect_refused(ORG_ROW "not json\n", ERR_BAD_JSON);
    expect_refused(ORG_ROW "{\"table\":\"orgs\",\"row\":{\"id; DROP TABLE orgs\":\"x\"}}\n",
                   ERR_VALIDATION);
    expect_refused(ORG_ROW "{\"table\":\"orgs\",\"row\":{\"id\":5}}\n", ERR_VALIDATION);
    expect_refused(ORG_ROW ORG_ROW, ERR_CONFLICT);
    /* Children before parents. */
    expect_refused("{\"table\":\"users\",\"row\":{\"id\":\"usr_1\",\"email\":\"e@x.io\","
                   "\"name\":\"E\",\"role\":\"expert\",\"password_hash\":\"h\","
                   "\"created_at\":\"1\",\"updated_at\":\"1\"}}\n" ORG_ROW,
                   ERR_VALIDATION);
}

Test(dump, header_is_checked)
{
    long rows = -1;
    err_ctx e = {0};
    cr_assert_eq(import_text(dst, "", &rows, &e), ERR_VALIDATION, "empty dump");
    err_clear(&e);
    cr_assert_eq(import_text(dst, "{\"cocloud_dump\":2,\"schema_version\":1}\n", &rows, &e),
                 ERR_VALIDATION);
    err_clear(&e);
    char other[100];
    snprintf(other, sizeof other, "{\"cocloud_dump\":1,\"schema_version\":%d}\n" ORG_ROW,
             migrate_latest(embed_migrations) + 1);
    cr_assert_eq(import_text(dst, other, &rows, &e), ERR_VALIDATION);
    cr_assert_eq(tmp_db_count(dst, "SELECT COUNT(*) FROM orgs"), 0);
}

Test(dump, many_long_column_names_are_refused_not_overflowed)
{
    /* 40 columns with 60-character names: plain identifiers, within the
     * 64-column limit, but 2,480 bytes of column list. */
    char *text = malloc(16384);
    size_t used = (size_t)snprintf(text, 16384, "%s{\"table\":\"orgs\",\"row\":{", header());
    for (int i = 0; i < 40; i++) {
        char name[61];
        memset(name, 'c', 60);
        snprintf(name + 54, 7, "%06d", i);
        used += (size_t)snprintf(text + used, 16384 - used, "%s\"%s\":\"v\"", i ? "," : "", name);
    }
    snprintf(text + used, 16384 - used, "}}\n");
    long rows = -1;
    err_ctx e = {0};
    cr_assert_neq(import_text(dst, text, &rows, &e), 0, "no such columns");
    cr_assert_eq(rows, 0);
    free(text);
}
