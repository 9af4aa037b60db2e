/*
 * credit_fixture.c: see credit_fixture.h.
 */
#include "credit_fixture.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "credit/ledger.h"

void cf_org(db_conn *c, const char *id, const char *kind, const char *industry,
            const char *size)
{
    char user[64], email[96];
    err_ctx e = {0};
    snprintf(user, sizeof user, "usr_%s", id);
    snprintf(email, sizeof email, "%s@example.com", id);
    cr_assert_eq(db_exec(c,
                         "INSERT INTO orgs (id, kind, name, industry, size, region, clouds,"
                         " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'cn-north-4', '', 1, 1)",
                         DB_ARGS(DB_TEXT(id), DB_TEXT(kind), DB_TEXT(id), DB_TEXT(industry),
                                 DB_TEXT(size)),
                         NULL, &e),
                 0, "%s", e.detail);
    cr_assert_eq(db_exec(c,
                         "INSERT INTO users (id, email, name, role, org_id, is_admin,"
                         " password_hash, created_at, updated_at)"
                         " VALUES (?, ?, ?, ?, ?, 1, 'x', 1, 1)",
                         DB_ARGS(DB_TEXT(user), DB_TEXT(email), DB_TEXT(id), DB_TEXT(kind),
                                 DB_TEXT(id)),
                         NULL, &e),
                 0, "%s", e.detail);
}

void cf_actor_of(cf_actor *out, const char *org_id, const char *kind)
{
    snprintf(out->user_id, sizeof out->user_id, "usr_%s", org_id);
    snprintf(out->org_id, sizeof out->org_id, "%s", org_id);
    out->actor = (account_actor){
        .user_id = out->user_id, .org_id = out->org_id, .role = kind,
        .role_bit = account_role_bit(kind), .admin = true,
    };
}

account_actor cf_operator(void)
{
    return (account_actor){.user_id = "usr_op", .role = "operator",
                           .role_bit = ROLE_OPERATOR, .admin = true};
}

credit_idem cf_idem(const char *key, char digit)
{
    credit_idem k = {.key = key};
    memset(k.hash, digit, 64);
    k.hash[64] = '\0';
    return k;
}

void cf_fund(db_conn *c, arena *a, int64_t amount, const char *key, fund *out)
{
    fund_input in = {.name = {"上云津贴", "Cloud credit"}, .currency = "CNY",
                     .amount = {true, amount}};
    credit_idem idem = cf_idem(key, 'a');
    bool replayed = true;
    err_ctx e = {0};
    cr_assert_eq(fund_check(&in, &e), 0, "%s", e.detail);
    cr_assert_eq(fund_create(c, a, &in, &idem, out, &replayed, &e), 0, "%s", e.detail);
    cr_assert_not(replayed);
}

drop_input cf_drop_input(arena *a, int64_t amount, int64_t quantity, int shards,
                         int64_t opens_at, int64_t closes_at)
{
    char *opens = arena_alloc(a, CLOCK_RFC3339_LEN), *closes = arena_alloc(a, CLOCK_RFC3339_LEN);
    cr_assert(opens && closes);
    clock_format(opens_at, opens);
    clock_format(closes_at, closes);
    return (drop_input){
        .name = {"限量发放", "Limited drop"},
        .amount = {true, amount}, .quantity = {true, quantity},
        .shards = {shards > 0, shards},
        .opens_at = opens, .closes_at = closes,
    };
}

void cf_drop(db_conn *c, arena *a, const char *fund_id, const drop_input *in, const char *key,
             drop *out)
{
    credit_idem idem = cf_idem(key, 'b');
    bool replayed = true;
    err_ctx e = {0};
    cr_assert_eq(drop_check(in, &e), 0, "%s", e.detail);
    cr_assert_eq(drop_create(c, a, fund_id, in, &idem, out, &replayed, &e), 0, "%s", e.detail);
    cr_assert_not(replayed);
}

int64_t cf_balance(db_conn *c, const char *kind, const char *id)
{
    char account[LEDGER_ACCOUNT_MAX];
    int64_t v = -1;
    err_ctx e = {0};
    ledger_account(kind, id, account);
    cr_assert_eq(ledger_balance(c, account, &v, &e), 0, "%s", e.detail);
    return v;
}

int64_t cf_int(db_conn *c, const char *sql, const char *arg)
{
    db_stmt *st = NULL;
    bool found = false;
    err_ctx e = {0};
    int rc = arg ? db_query_fresh(c, sql, DB_ARGS(DB_TEXT(arg)), &st, &e)
                 : db_query_fresh(c, sql, DB_NOARGS, &st, &e);
    if (!rc)
        rc = db_step(st, &found, &e);
    cr_assert_eq(rc, 0, "%s: %s", sql, e.detail);
    cr_assert(found, "%s: no row", sql);
    int64_t v = db_int(st, 0);
    db_done(st);
    return v;
}
