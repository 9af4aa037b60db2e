/*
 * test_store.c: sign-up, sign-in, sessions, the login throttle and the
 * scoping rules, on a fresh SQLite database per test.
 *
 * Password hashing (argon2id) is slow under ASan, so each test signs up
 * only the accounts it needs.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "../support.h"
#include "account/account.h"
#include "account/session.h"
#include "base/clock.h"
#include "base/rand.h"

static char *dir;
static db *d;
static db_conn *c;
static arena *a;

static const session_policy policy = {
    .idle_ms = 3600 * 1000,
    .max_ms = 24 * 3600 * 1000,
    .max_failures_account = 3,
    .max_failures_address = 100,
    .window_ms = 600 * 1000,
    .lock_ms = 600 * 1000,
};

static void setup(void)
{
    cr_assert_eq(rand_init(), 0);
    dir = tmp_dir_new();
    d = tmp_db_migrated(dir, 2);
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    a = arena_new(1 << 22);
}

static void teardown(void)
{
    arena_free(a);
    db_release(c);
    db_free(d);
    tmp_dir_free(dir);
}

TestSuite(store, .init = setup, .fini = teardown);

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Signs up an org of kind with its admin; asserts success. */
static void signup(const char *email, const char *kind, const char *password, account_org *org,
                   account_user *admin)
{
    account_org_input oi = {.name = "ACME", .kind = kind, .industry = "gaming",
                            .size = "small", .region = "cn-north-4"};
    account_user_input ui = {.email = email, .name = "Admin", .password = password};
    err_ctx e = {0};
    int rc = account_signup(c, a, &oi, &ui, org, admin, &e);
    cr_assert_eq(rc, 0, "signup %s: %d %s %s", email, rc, e.detail,
                 e.nfields ? e.fields[0].field : "");
}

static int login(const char *email, const char *pw, const char *addr, session_login *out,
                 err_ctx *e)
{
    memset(out, 0, sizeof *out);
    return session_login_password(c, a, &policy, email, pw, addr, out, e);
}

static const account_actor operator_actor = {"usr_operator", NULL, "operator", ROLE_OPERATOR,
                                             false};

Test(store, signup_creates_org_and_admin)
{
    account_org_input oi = {.name = "云游戏", .kind = "partner", .industry = "media",
                            .size = "large", .region = "ap-southeast-1"};
    const char *clouds[] = {"aws", "tencent"};
    oi.clouds = (jv_strings){true, 2, clouds};
    account_user_input ui = {.email = "Ada@Example.COM", .name = "Ada",
                             .password = "correct horse"};
    account_org org;
    account_user u;
    err_ctx e = {0};
    cr_assert_eq(account_signup(c, a, &oi, &ui, &org, &u, &e), 0, "%s", e.detail);
    cr_assert_eq(strncmp(org.id, "org_", 4), 0, "%s", org.id);
    cr_assert_eq(strncmp(u.id, "usr_", 4), 0, "%s", u.id);
    cr_assert_str_eq(u.email, "ada@example.com", "email is lowercased");
    cr_assert_str_eq(u.role, "partner", "role follows the org's kind");
    cr_assert_str_eq(u.org_id, org.id);
    cr_assert(u.admin);
    cr_assert_str_eq(org.clouds, "aws,tencent");

    /* What was stored reads back the same. */
    account_actor me = account_actor_of(&u);
    account_org got;
    cr_assert_eq(account_org_get(c, a, &me, org.id, &got, &e), 0, "%s", e.detail);
    cr_assert_str_eq(got.name, "云游戏");
    cr_assert_str_eq(got.kind, "partner");
    cr_assert_str_eq(got.industry, "media");
    cr_assert_str_eq(got.size, "large");
    cr_assert_str_eq(got.region, "ap-southeast-1");
    cr_assert_str_eq(got.clouds, "aws,tencent");
    cr_assert_eq(got.created_at, org.created_at);
    account_user gu;
    cr_assert_eq(account_user_get(c, a, &me, u.id, &gu, &e), 0);
    cr_assert_str_eq(gu.email, "ada@example.com");
    cr_assert(gu.admin);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users WHERE password_hash LIKE"
                                 " '$argon2id$%'"),
                 1, "only the argon2id hash is stored");
}

Test(store, signup_validation_writes_nothing)
{
    account_org_input oi = {.name = "", .kind = "reseller", .industry = "gaming",
                            .size = "small", .region = "cn-north-4"};
    account_user_input ui = {.email = "not-an-email", .name = "A", .password = "short"};
    account_org org;
    account_user u;
    err_ctx e = {0};
    cr_assert_eq(account_signup(c, a, &oi, &ui, &org, &u, &e), ERR_VALIDATION);
    cr_assert_not_null(message_of(&e, "name"));
    cr_assert_not_null(message_of(&e, "kind"));
    cr_assert_not_null(message_of(&e, "admin.email"));
    cr_assert_not_null(message_of(&e, "admin.password"));
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM orgs"), 0);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 0);
}

Test(store, duplicate_email_is_a_conflict_on_admin_email)
{
    account_org org;
    account_user u;
    signup("taken@example.com", "enterprise", "password one", &org, &u);
    account_org_input oi = {.name = "Other", .kind = "partner", .industry = "other",
                            .size = "micro", .region = "cn-east-3"};
    account_user_input ui = {.email = "TAKEN@example.com", .name = "B",
                             .password = "password two"};
    account_org org2;
    account_user u2;
    err_ctx e = {0};
    cr_assert_eq(account_signup(c, a, &oi, &ui, &org2, &u2, &e), ERR_CONFLICT);
    cr_assert_eq(e.code, ERR_CONFLICT);
    cr_assert_eq(e.nfields, 1);
    cr_assert_str_eq(e.fields[0].field, "admin.email");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM orgs"), 1,
                 "the second org is rolled back with its admin");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 1);
}

Test(store, login_check_and_revoke)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_login s;
    err_ctx e = {0};
    int64_t before = clock_now_ms();
    cr_assert_eq(login("ADA@example.com", "correct horse", "10.0.0.1", &s, &e), 0, "%s",
                 e.detail);
    cr_assert_eq(strncmp(s.token, "cct_", 4), 0);
    cr_assert_str_eq(s.user.id, u.id);
    cr_assert_geq(s.expires_at, before + policy.max_ms);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM sessions"), 1);
    /* Only the hash is stored, never the token. */
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM sessions WHERE token_hash = '%s'", s.token);
    cr_assert_eq(tmp_db_count(d, sql), 0);

    account_user who;
    char th[65];
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, s.token, &who, th, &e), 0, "%s", e.detail);
    cr_assert_str_eq(who.id, u.id);
    cr_assert_str_eq(who.org_id, org.id);
    char want[65];
    rand_sha256_hex(s.token, want);
    cr_assert_str_eq(th, want);

    cr_assert_eq(session_revoke(c, th, clock_now_ms(), &e), 0);
    err_clear(&e);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, s.token, &who, th, &e), ERR_UNAUTHENTICATED);
}

Test(store, bad_tokens_are_unauthenticated)
{
    account_user who;
    char th[65];
    err_ctx e = {0};
    char tok[RAND_TOKEN_LEN];
    rand_token(tok);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, tok, &who, th, &e), ERR_UNAUTHENTICATED,
                 "well-formed but unknown");
    err_clear(&e);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, "", &who, th, &e), ERR_UNAUTHENTICATED);
    err_clear(&e);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, "Bearer xyz", &who, th, &e), ERR_UNAUTHENTICATED);
    err_clear(&e);
    char longtok[200];
    memset(longtok, 'a', sizeof longtok - 1);
    memcpy(longtok, "cct_", 4);
    longtok[sizeof longtok - 1] = '\0';
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, longtok, &who, th, &e), ERR_UNAUTHENTICATED);
}

Test(store, wrong_password_and_unknown_email_look_the_same)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_login s;
    err_ctx e1 = {0}, e2 = {0};
    cr_assert_eq(login("ada@example.com", "wrong horse", "10.0.0.1", &s, &e1),
                 ERR_UNAUTHENTICATED);
    cr_assert_eq(login("nobody@example.com", "correct horse", "10.0.0.1", &s, &e2),
                 ERR_UNAUTHENTICATED);
    cr_assert_str_eq(e1.detail, e2.detail);
    cr_assert_eq(e1.nfields, 0);
    cr_assert_eq(e2.nfields, 0);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM sessions"), 0);
}

Test(store, throttle_locks_the_account)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_login s;
    err_ctx e = {0};
    for (int i = 0; i < policy.max_failures_account; i++) {
        err_clear(&e);
        /* From different addresses: this is the per-account limit. */
        char addr[32];
        snprintf(addr, sizeof addr, "10.0.0.%d", i + 1);
        cr_assert_eq(login("ada@example.com", "wrong horse", addr, &s, &e), ERR_UNAUTHENTICATED,
                     "attempt %d", i + 1);
    }
    err_clear(&e);
    cr_assert_eq(login("Ada@Example.com", "correct horse", "10.9.9.9", &s, &e), ERR_TOO_MANY,
                 "locked even with the right password, whatever the case of the email");
    cr_assert_eq(e.code, ERR_TOO_MANY);
    cr_assert_gt(e.retry_after, 0);
    cr_assert_leq(e.retry_after, policy.lock_ms / 1000);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM sessions"), 0);
}

Test(store, the_lock_ends_after_lock_ms)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_policy p = policy;
    p.max_failures_account = 2;
    p.lock_ms = 500;
    session_login s;
    err_ctx e = {0};
    for (int i = 0; i < 2; i++) {
        err_clear(&e);
        cr_assert_eq(session_login_password(c, a, &p, "ada@example.com", "wrong", "10.0.0.1", &s,
                                            &e),
                     ERR_UNAUTHENTICATED);
    }
    err_clear(&e);
    cr_assert_eq(session_login_password(c, a, &p, "ada@example.com", "correct horse", "10.0.0.1",
                                        &s, &e),
                 ERR_TOO_MANY);
    cr_assert_eq(e.retry_after, 1, "500 ms left rounds up to 1 s");
    sleep_ms(700);
    /* The count started again with the lock: one more failure does not
     * lock at once. */
    err_clear(&e);
    cr_assert_eq(session_login_password(c, a, &p, "ada@example.com", "wrong", "10.0.0.1", &s,
                                        &e),
                 ERR_UNAUTHENTICATED);
    err_clear(&e);
    cr_assert_eq(session_login_password(c, a, &p, "ada@example.com", "correct horse", "10.0.0.1",
                                        &s, &e),
                 0, "%s", e.detail);
}

Test(store, successful_login_resets_the_account_count)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_login s;
    err_ctx e = {0};
    for (int i = 0; i < policy.max_failures_account - 1; i++) {
        err_clear(&e);
        cr_assert_eq(login("ada@example.com", "wrong", "10.0.0.1", &s, &e), ERR_UNAUTHENTICATED);
    }
    err_clear(&e);
    cr_assert_eq(login("ada@example.com", "correct horse", "10.0.0.1", &s, &e), 0, "%s",
                 e.detail);
    err_clear(&e);
    cr_assert_eq(login("ada@example.com", "wrong", "10.0.0.1", &s, &e), ERR_UNAUTHENTICATED,
                 "the count started again after the success");
}

Test(store, throttle_locks_an_address)
{
    session_policy p = policy;
    p.max_failures_account = 100;
    p.max_failures_address = 2;
    session_login s;
    err_ctx e = {0};
    /* Unknown emails still cost a (dummy) verification and count. */
    cr_assert_eq(session_login_password(c, a, &p, "a@example.com", "x", "192.0.2.7", &s, &e),
                 ERR_UNAUTHENTICATED);
    err_clear(&e);
    cr_assert_eq(session_login_password(c, a, &p, "b@example.com", "x", "192.0.2.7", &s, &e),
                 ERR_UNAUTHENTICATED);
    err_clear(&e);
    cr_assert_eq(session_login_password(c, a, &p, "c@example.com", "x", "192.0.2.7", &s, &e),
                 ERR_TOO_MANY);
    cr_assert_gt(e.retry_after, 0);
    err_clear(&e);
    cr_assert_eq(session_login_password(c, a, &p, "c@example.com", "x", "192.0.2.8", &s, &e),
                 ERR_UNAUTHENTICATED, "another address is not locked");
}

Test(store, idle_sessions_expire)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_policy p = policy;
    p.idle_ms = 1000;
    session_login s;
    err_ctx e = {0};
    cr_assert_eq(session_open(c, &p, u.id, clock_now_ms(), &s, &e), 0, "%s", e.detail);
    account_user who;
    char th[65];
    /* Use keeps it alive: 600 + 600 ms > idle, but never 1000 ms idle. */
    sleep_ms(600);
    cr_assert_eq(session_check(c, NULL, 0, a, &p, s.token, &who, th, &e), 0, "%s", e.detail);
    sleep_ms(600);
    cr_assert_eq(session_check(c, NULL, 0, a, &p, s.token, &who, th, &e), 0, "%s", e.detail);
    sleep_ms(1300);
    cr_assert_eq(session_check(c, NULL, 0, a, &p, s.token, &who, th, &e), ERR_UNAUTHENTICATED);
}

Test(store, absolute_expiry)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_login s;
    err_ctx e = {0};
    /* Opened two days ago with a one-day lifetime: already over. */
    int64_t then = clock_now_ms() - 2 * policy.max_ms;
    cr_assert_eq(session_open(c, &policy, u.id, then, &s, &e), 0);
    cr_assert_eq(s.expires_at, then + policy.max_ms);
    session_policy lax = policy;
    lax.idle_ms = 10 * policy.max_ms;
    account_user who;
    char th[65];
    cr_assert_eq(session_check(c, NULL, 0, a, &lax, s.token, &who, th, &e), ERR_UNAUTHENTICATED);
}

Test(store, revoke_user_ends_every_session)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "correct horse", &org, &u);
    session_login s1, s2;
    err_ctx e = {0};
    cr_assert_eq(session_open(c, &policy, u.id, clock_now_ms(), &s1, &e), 0);
    cr_assert_eq(session_open(c, &policy, u.id, clock_now_ms(), &s2, &e), 0);
    cr_assert_str_neq(s1.token, s2.token);
    cr_assert_eq(session_revoke_user(c, u.id, clock_now_ms(), &e), 0);
    account_user who;
    char th[65];
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, s1.token, &who, th, &e), ERR_UNAUTHENTICATED);
    err_clear(&e);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, s2.token, &who, th, &e), ERR_UNAUTHENTICATED);
}

Test(store, other_orgs_are_not_found)
{
    account_org oa, ob;
    account_user ua, ub;
    signup("a@example.com", "enterprise", "password a", &oa, &ua);
    signup("b@example.com", "partner", "password b", &ob, &ub);
    account_actor actor = account_actor_of(&ua);
    err_ctx e = {0};
    account_org org;
    account_user user;
    cr_assert_eq(account_org_get(c, a, &actor, ob.id, &org, &e), ERR_NOT_FOUND);
    err_clear(&e);
    cr_assert_eq(account_user_get(c, a, &actor, ub.id, &user, &e), ERR_NOT_FOUND);
    err_clear(&e);
    account_org_input change = {.name = "Hijacked"};
    cr_assert_eq(account_org_update(c, a, &actor, ob.id, &change, &org, &e), ERR_NOT_FOUND);
    err_clear(&e);
    account_user *items;
    int n;
    const char *next;
    cr_assert_eq(account_user_list(c, a, &actor, ob.id, NULL, (account_page){10, NULL}, &items,
                                   &n, &next, &e),
                 ERR_NOT_FOUND);
    err_clear(&e);
    account_user_input in = {.email = "intruder@example.com", .name = "I",
                             .password = "password i"};
    cr_assert_eq(account_user_add(c, a, &actor, ob.id, &in, &user, &e), ERR_NOT_FOUND);
    /* The same calls on its own org work. */
    err_clear(&e);
    cr_assert_eq(account_org_get(c, a, &actor, oa.id, &org, &e), 0);
    cr_assert_eq(account_user_get(c, a, &actor, ua.id, &user, &e), 0);
    /* B's org is unchanged. */
    cr_assert_eq(account_org_get(c, a, &operator_actor, ob.id, &org, &e), 0);
    cr_assert_str_eq(org.name, "ACME");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 2);
}

Test(store, non_admins_cannot_add_users_or_change_the_org)
{
    account_org org;
    account_user admin;
    signup("boss@example.com", "enterprise", "password boss", &org, &admin);
    account_actor boss = account_actor_of(&admin);
    account_user_input in = {.email = "Worker@Example.com", .name = "W",
                             .password = "password worker"};
    account_user worker;
    err_ctx e = {0};
    cr_assert_eq(account_user_add(c, a, &boss, org.id, &in, &worker, &e), 0, "%s", e.detail);
    cr_assert_not(worker.admin);
    cr_assert_str_eq(worker.role, "enterprise");
    cr_assert_str_eq(worker.email, "worker@example.com");
    cr_assert_str_eq(worker.org_id, org.id);

    account_actor w = account_actor_of(&worker);
    account_user_input in2 = {.email = "friend@example.com", .name = "F",
                              .password = "password friend"};
    account_user friend;
    err_clear(&e);
    cr_assert_eq(account_user_add(c, a, &w, org.id, &in2, &friend, &e), ERR_FORBIDDEN);
    err_clear(&e);
    account_org_input change = {.name = "Renamed"};
    account_org out;
    cr_assert_eq(account_org_update(c, a, &w, org.id, &change, &out, &e), ERR_FORBIDDEN);
    /* But the worker may read its org and its colleagues. */
    err_clear(&e);
    cr_assert_eq(account_org_get(c, a, &w, org.id, &out, &e), 0);
    account_user got;
    cr_assert_eq(account_user_get(c, a, &w, admin.id, &got, &e), 0);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 2);
}

Test(store, adding_a_user_with_a_taken_email_is_a_conflict_on_email)
{
    account_org org;
    account_user admin;
    signup("boss@example.com", "enterprise", "password boss", &org, &admin);
    account_actor boss = account_actor_of(&admin);
    account_user_input in = {.email = "BOSS@example.com", .name = "Twin",
                             .password = "password twin"};
    account_user out;
    err_ctx e = {0};
    cr_assert_eq(account_user_add(c, a, &boss, org.id, &in, &out, &e), ERR_CONFLICT);
    cr_assert_eq(e.nfields, 1);
    cr_assert_str_eq(e.fields[0].field, "email");
}

Test(store, org_users_cannot_choose_a_role)
{
    account_org org;
    account_user admin;
    signup("boss@example.com", "enterprise", "password boss", &org, &admin);
    account_actor boss = account_actor_of(&admin);
    account_user_input in = {.email = "op@example.com", .name = "Op",
                             .password = "password op", .role = "operator"};
    account_user out;
    err_ctx e = {0};
    cr_assert_eq(account_user_add(c, a, &boss, org.id, &in, &out, &e), ERR_VALIDATION);
    cr_assert_not_null(message_of(&e, "role"));
    err_clear(&e);
    /* Nor add provider staff. */
    cr_assert_eq(account_user_add(c, a, &boss, NULL, &in, &out, &e), ERR_FORBIDDEN);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 1);
}

Test(store, operators_add_staff_and_see_every_org)
{
    account_org org;
    account_user admin;
    signup("boss@example.com", "partner", "password boss", &org, &admin);
    err_ctx e = {0};
    account_user_input bad = {.email = "x@example.com", .name = "X", .password = "password x",
                              .role = "enterprise"};
    account_user out;
    cr_assert_eq(account_user_add(c, a, &operator_actor, NULL, &bad, &out, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "role"), "must be one of: operator, expert");
    err_clear(&e);
    account_user_input ex = {.email = "Expert@example.com", .name = "Ex",
                             .password = "password ex", .role = "expert"};
    cr_assert_eq(account_user_add(c, a, &operator_actor, NULL, &ex, &out, &e), 0, "%s",
                 e.detail);
    cr_assert_str_eq(out.role, "expert");
    cr_assert_null(out.org_id);

    account_org got;
    cr_assert_eq(account_org_get(c, a, &operator_actor, org.id, &got, &e), 0);
    /* An expert belongs to no org and sees none. */
    account_actor expert = account_actor_of(&out);
    err_clear(&e);
    cr_assert_eq(account_org_get(c, a, &expert, org.id, &got, &e), ERR_NOT_FOUND);
    err_clear(&e);
    account_user me;
    cr_assert_eq(account_user_get(c, a, &expert, out.id, &me, &e), 0, "a user sees itself");
    cr_assert_eq(account_user_get(c, a, &expert, admin.id, &me, &e), ERR_NOT_FOUND);
}

Test(store, org_update_by_admin)
{
    account_org org;
    account_user admin;
    signup("boss@example.com", "enterprise", "password boss", &org, &admin);
    account_actor boss = account_actor_of(&admin);
    err_ctx e = {0};
    account_org out;
    const char *clouds[] = {"gcp"};
    account_org_input change = {.name = "New name", .region = "cn-south-1",
                                .clouds = {true, 1, clouds}};
    cr_assert_eq(account_org_update(c, a, &boss, org.id, &change, &out, &e), 0, "%s",
                 e.detail);
    cr_assert_str_eq(out.name, "New name");
    cr_assert_str_eq(out.region, "cn-south-1");
    cr_assert_str_eq(out.industry, "gaming", "absent fields keep their value");
    cr_assert_str_eq(out.clouds, "gcp");
    account_org got;
    cr_assert_eq(account_org_get(c, a, &boss, org.id, &got, &e), 0);
    cr_assert_str_eq(got.name, "New name");
    cr_assert_geq(got.updated_at, org.updated_at);

    account_org_input kind = {.kind = "partner"};
    cr_assert_eq(account_org_update(c, a, &boss, org.id, &kind, &out, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "kind"), "cannot be changed");
    err_clear(&e);
    account_org_input bad = {.size = "enormous"};
    cr_assert_eq(account_org_update(c, a, &boss, org.id, &bad, &out, &e), ERR_VALIDATION);
    err_clear(&e);
    cr_assert_eq(account_org_update(c, a, &operator_actor, "org_missing", &change, &out, &e),
                 ERR_NOT_FOUND);
}

Test(store, password_change_revokes_sessions)
{
    account_org org;
    account_user u;
    signup("ada@example.com", "enterprise", "old password", &org, &u);
    account_actor me = account_actor_of(&u);
    session_login s;
    err_ctx e = {0};
    cr_assert_eq(session_open(c, &policy, u.id, clock_now_ms(), &s, &e), 0);

    cr_assert_eq(account_password_change(c, &me, "old password", "short", &e), ERR_VALIDATION);
    cr_assert_not_null(message_of(&e, "new_password"));
    err_clear(&e);
    cr_assert_eq(account_password_change(c, &me, "not the old one", "new password", &e),
                 ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "current_password"), "is not correct");
    account_user who;
    char th[65];
    err_clear(&e);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, s.token, &who, th, &e), 0,
                 "a refused change revokes nothing");

    cr_assert_eq(account_password_change(c, &me, "old password", "new password", &e), 0, "%s",
                 e.detail);
    cr_assert_eq(session_check(c, NULL, 0, a, &policy, s.token, &who, th, &e), ERR_UNAUTHENTICATED);
    session_login s2;
    err_clear(&e);
    cr_assert_eq(login("ada@example.com", "old password", "10.0.0.1", &s2, &e),
                 ERR_UNAUTHENTICATED);
    err_clear(&e);
    cr_assert_eq(login("ada@example.com", "new password", "10.0.0.1", &s2, &e), 0, "%s",
                 e.detail);
}

Test(store, listing_is_for_operators_and_paginates)
{
    account_org o1, o2;
    account_user u1, u2;
    signup("one@example.com", "enterprise", "password 1", &o1, &u1);
    signup("two@example.com", "partner", "password 2", &o2, &u2);
    /* A third org without hashing: straight into the table. */
    err_ctx e = {0};
    cr_assert_eq(db_exec(c, "INSERT INTO orgs (id, kind, name, industry, size, region,"
                            " created_at, updated_at) VALUES ('org_zzz', 'enterprise', 'Z',"
                            " 'other', 'micro', 'eu', 1, 1)",
                         DB_NOARGS, NULL, &e),
                 0, "%s", e.detail);
    account_org *items;
    int n;
    const char *next;
    account_actor one = account_actor_of(&u1);
    cr_assert_eq(account_org_list(c, a, &one, (account_page){10, NULL}, &items, &n, &next, &e),
                 ERR_FORBIDDEN);
    err_clear(&e);

    /* Newest first: the two signed-up orgs (newer, ties broken by id
     * descending), then org_zzz created at t=1. */
    const char *seen[3];
    int64_t seen_at[3];
    int total = 0;
    const char *after = NULL;
    do {
        cr_assert_eq(account_org_list(c, a, &operator_actor, (account_page){2, after}, &items, &n,
                                      &next, &e),
                     0, "%s", e.detail);
        cr_assert_leq(n, 2);
        for (int i = 0; i < n; i++) {
            cr_assert_lt(total, 3);
            if (total)
                cr_assert(seen_at[total - 1] > items[i].created_at ||
                              (seen_at[total - 1] == items[i].created_at &&
                               strcmp(seen[total - 1], items[i].id) > 0),
                          "newest first");
            seen_at[total] = items[i].created_at;
            seen[total++] = items[i].id;
        }
        after = next;
    } while (after);
    cr_assert_eq(total, 3);
    cr_assert_str_eq(seen[2], "org_zzz");

    account_user *users;
    cr_assert_eq(account_user_list(c, a, &one, NULL, NULL, (account_page){10, NULL}, &users, &n,
                                   &next, &e),
                 ERR_FORBIDDEN);
    err_clear(&e);
    cr_assert_eq(account_user_list(c, a, &one, o1.id, NULL, (account_page){10, NULL}, &users,
                                   &n, &next, &e),
                 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(users[0].id, u1.id);
    cr_assert_null(next);
    cr_assert_eq(account_user_list(c, a, &operator_actor, NULL, "partner",
                                   (account_page){10, NULL}, &users, &n, &next, &e),
                 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(users[0].id, u2.id);
}
