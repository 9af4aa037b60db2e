/*
 * test_demo.c: demo seeding creates one user of each role once and prints
 * their logins.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "account/session.h"
#include "base/rand.h"
#include "cli/demo.h"

Test(demo, seeds_once_and_prints_logins)
{
    cr_assert_eq(rand_init(), 0);
    char *dir = tmp_dir_new();
    db *d = tmp_db_migrated(dir, 1);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    err_ctx e = {0};
    cr_assert_eq(demo_seed(d, f, &e), 0, "%s", e.detail);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 4);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(DISTINCT role) FROM users"), 4);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM orgs"), 2);
    cr_assert_eq(demo_seed(d, f, &e), 0, "%s", e.detail);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 4, "a second start adds nothing");
    fclose(f);
    const char *emails[] = {"operator@demo.cocloud", "expert@demo.cocloud",
                            "enterprise@demo.cocloud", "partner@demo.cocloud", DEMO_PASSWORD};
    for (size_t i = 0; i < sizeof emails / sizeof *emails; i++)
        cr_assert_not_null(strstr(out, emails[i]), "missing %s in:\n%s", emails[i], out);
    free(out);

    /* The printed login works. */
    db_conn *c = NULL;
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    arena *a = arena_new(1 << 20);
    session_policy p = {.idle_ms = 60000, .max_ms = 60000, .max_failures_account = 5,
                        .max_failures_address = 5, .window_ms = 60000, .lock_ms = 60000};
    session_login s;
    cr_assert_eq(session_login_password(c, a, &p, "partner@demo.cocloud", DEMO_PASSWORD, NULL,
                                        &s, &e),
                 0, "%s", e.detail);
    cr_assert_str_eq(s.user.role, "partner");
    cr_assert(s.user.admin);
    arena_free(a);
    db_release(c);
    db_free(d);
    tmp_dir_free(dir);
}
