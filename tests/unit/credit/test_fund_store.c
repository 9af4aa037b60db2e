/*
 * test_fund_store.c: funds and drops on a migrated SQLite database: issuing
 * into a fund, Idempotency-Key replays and misuse, reserving a drop and
 * splitting its places over shard rows, refusing a drop the fund cannot
 * pay for, and closing a drop early, each checked against the fund, the
 * shard rows and the ledger.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "credit/ledger.h"
#include "credit_fixture.h"
#include "../support.h"

static char *dir;
static db *d;
static db_conn *c;
static arena *a;

static void setup(void)
{
    err_ctx e = {0};
    dir = tmp_dir_new();
    d = tmp_db_migrated(dir, 2);
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    a = arena_new(1 << 20);
    cr_assert_not_null(a);
}

static void teardown(void)
{
    arena_free(a);
    db_release(c);
    db_free(d);
    tmp_dir_free(dir);
}

TestSuite(credit_fund_store, .init = setup, .fini = teardown);

#define FUND_AMOUNT INT64_C(1000000) /* 10,000.00 CNY */

/* ---- funds ------------------------------------------------------------ */

Test(credit_fund_store, create_issues_into_the_fund)
{
    fund f;
    bool replayed = true;
    err_ctx e = {0};
    fund_input in = {.name = {"上云津贴", "Cloud credit"}, .amount = {true, FUND_AMOUNT}};
    credit_idem k = cf_idem("fund-1", 'a');
    int64_t before = clock_now_ms();
    cr_assert_eq(fund_create(c, a, &in, &k, &f, &replayed, &e), 0, "%s", e.detail);
    cr_assert_not(replayed);
    cr_assert_eq(strncmp(f.id, "fund_", 5), 0, "%s", f.id);
    cr_assert_str_eq(f.currency, "CNY", "currency defaults to CNY");
    cr_assert_str_eq(f.name.zh, "上云津贴");
    cr_assert_str_eq(f.name.en, "Cloud credit");
    cr_assert_str_eq(f.description.zh, "");
    cr_assert_str_eq(f.description.en, "");
    cr_assert_eq(f.amount, FUND_AMOUNT);
    cr_assert_eq(f.available, FUND_AMOUNT);
    cr_assert_eq(f.reserved, 0);
    cr_assert_eq(f.granted, 0);
    cr_assert_geq(f.created_at, before);
    cr_assert_eq(f.updated_at, f.created_at);
    /* program -> fund, one issue transaction. */
    cr_assert_eq(cf_balance(c, "program", "CNY"), -FUND_AMOUNT);
    cr_assert_eq(cf_balance(c, "fund", f.id), FUND_AMOUNT);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns WHERE kind = 'issue' AND ref = ?",
                        f.id),
                 1);
    /* fund_get reads the same. */
    fund g;
    cr_assert_eq(fund_get(c, a, f.id, &g, &e), 0, "%s", e.detail);
    cr_assert_str_eq(g.id, f.id);
    cr_assert_eq(g.available, FUND_AMOUNT);
    err_clear(&e);
    cr_assert_eq(fund_get(c, a, "fund_nope", &g, &e), ERR_NOT_FOUND);
}

Test(credit_fund_store, two_funds_add_up_on_the_program_account)
{
    fund f1, f2;
    cf_fund(c, a, 300, "k1", &f1);
    cf_fund(c, a, 700, "k2", &f2);
    cr_assert_str_neq(f1.id, f2.id);
    cr_assert_eq(cf_balance(c, "program", "CNY"), -1000);
    cr_assert_eq(cf_balance(c, "fund", f1.id), 300);
    cr_assert_eq(cf_balance(c, "fund", f2.id), 700);
}

Test(credit_fund_store, same_key_same_request_replays)
{
    fund f, again;
    bool replayed = true;
    err_ctx e = {0};
    fund_input in = {.name = {"津贴", "Credit"}, .currency = "CNY", .amount = {true, 5000}};
    credit_idem k = cf_idem("fund-replay", 'a');
    cr_assert_eq(fund_create(c, a, &in, &k, &f, &replayed, &e), 0, "%s", e.detail);
    cr_assert_not(replayed);
    cr_assert_eq(fund_create(c, a, &in, &k, &again, &replayed, &e), 0, "%s", e.detail);
    cr_assert(replayed);
    cr_assert_str_eq(again.id, f.id);
    cr_assert_eq(again.amount, 5000);
    /* Issued once, not twice. */
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM funds", NULL), 1);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns", NULL), 1);
    cr_assert_eq(cf_balance(c, "program", "CNY"), -5000);
}

Test(credit_fund_store, same_key_other_request_is_refused)
{
    fund f, other;
    bool replayed = true;
    err_ctx e = {0};
    fund_input in = {.name = {"津贴", "Credit"}, .amount = {true, 5000}};
    credit_idem k = cf_idem("fund-reuse", 'a');
    cr_assert_eq(fund_create(c, a, &in, &k, &f, &replayed, &e), 0, "%s", e.detail);
    credit_idem k2 = cf_idem("fund-reuse", 'c');
    in.amount.v = 6000;
    cr_assert_eq(fund_create(c, a, &in, &k2, &other, &replayed, &e), ERR_VALIDATION);
    cr_assert_not(replayed);
    ASSERT_FIELDS(e, "Idempotency-Key");
    cr_assert_str_eq(message_of(&e, "Idempotency-Key"), "was already used for another request");
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM funds", NULL), 1);
    cr_assert_eq(cf_balance(c, "program", "CNY"), -5000);
}

Test(credit_fund_store, list_newest_first)
{
    fund f1, f2, f3, *items;
    int n;
    const char *next;
    err_ctx e = {0};
    cf_fund(c, a, 100, "l1", &f1);
    cf_fund(c, a, 200, "l2", &f2);
    cf_fund(c, a, 300, "l3", &f3);
    /* Same millisecond is possible: order then falls to the id, so only
     * check membership and paging. */
    cr_assert_eq(fund_list(c, a, (account_page){2, NULL}, &items, &n, &next, &e), 0, "%s",
                 e.detail);
    cr_assert_eq(n, 2);
    cr_assert_not_null(next);
    cr_assert_str_eq(next, items[1].id);
    fund *rest;
    cr_assert_eq(fund_list(c, a, (account_page){2, next}, &rest, &n, &next, &e), 0, "%s",
                 e.detail);
    cr_assert_eq(n, 1);
    cr_assert_null(next);
    int64_t sum = items[0].amount + items[1].amount + rest[0].amount;
    cr_assert_eq(sum, 600);
}

/* ---- drops ------------------------------------------------------------ */

/* A drop of 5 places of 10,000 over 3 shards, open for an hour. */
static drop_input five_over_three(void)
{
    int64_t now = clock_now_ms();
    return cf_drop_input(a, 10000, 5, 3, now - CF_MINUTE_MS, now + CF_HOUR_MS);
}

Test(credit_fund_store, drop_create_reserves_and_splits_shards)
{
    fund f;
    drop dr;
    err_ctx e = {0};
    cf_fund(c, a, FUND_AMOUNT, "f", &f);
    drop_input in = five_over_three();
    static const char *ind[] = {"gaming", "ecommerce"};
    in.industries = (jv_strings){true, 2, ind};
    cf_drop(c, a, f.id, &in, "d", &dr);
    cr_assert_eq(strncmp(dr.id, "drp_", 4), 0, "%s", dr.id);
    cr_assert_str_eq(dr.fund_id, f.id);
    cr_assert_str_eq(dr.currency, "CNY");
    cr_assert_eq(dr.amount, 10000);
    cr_assert_eq(dr.quantity, 5);
    cr_assert_eq(dr.remaining, 5);
    cr_assert_eq(dr.released, 0);
    cr_assert_eq(dr.shards, 3);
    cr_assert_eq(dr.grant_days, CREDIT_GRANT_DAYS_DEFAULT);
    cr_assert_str_eq(dr.industries, "gaming,ecommerce");
    cr_assert_str_eq(dr.sizes, "");
    cr_assert_eq(drop_status(&dr, clock_now_ms()), DROP_OPEN);
    /* Shard rows 2, 2, 1. */
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drop_shards WHERE drop_id = ?", dr.id), 3);
    cr_assert_eq(cf_int(c, "SELECT SUM(remaining) FROM drop_shards WHERE drop_id = ?", dr.id), 5);
    cr_assert_eq(cf_int(c, "SELECT remaining FROM drop_shards WHERE drop_id = ? AND shard = 0",
                        dr.id),
                 2);
    cr_assert_eq(cf_int(c, "SELECT remaining FROM drop_shards WHERE drop_id = ? AND shard = 1",
                        dr.id),
                 2);
    cr_assert_eq(cf_int(c, "SELECT remaining FROM drop_shards WHERE drop_id = ? AND shard = 2",
                        dr.id),
                 1);
    /* 50,000 moved from the fund to the drop. */
    fund g;
    cr_assert_eq(fund_get(c, a, f.id, &g, &e), 0, "%s", e.detail);
    cr_assert_eq(g.available, FUND_AMOUNT - 50000);
    cr_assert_eq(g.reserved, 50000);
    cr_assert_eq(g.granted, 0);
    cr_assert_eq(g.amount, FUND_AMOUNT);
    cr_assert_eq(cf_balance(c, "fund", f.id), FUND_AMOUNT - 50000);
    cr_assert_eq(cf_balance(c, "drop", dr.id), 50000);
    cr_assert_eq(cf_balance(c, "program", "CNY"), -FUND_AMOUNT);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns WHERE kind = 'reserve' AND ref = ?",
                        dr.id),
                 1);
}

Test(credit_fund_store, shards_default_to_sixteen_and_never_exceed_quantity)
{
    fund f;
    drop big, small;
    int64_t now = clock_now_ms();
    cf_fund(c, a, FUND_AMOUNT, "f", &f);
    drop_input in = cf_drop_input(a, 100, 100, 0, now, now + CF_HOUR_MS);
    cf_drop(c, a, f.id, &in, "big", &big);
    cr_assert_eq(big.shards, CREDIT_SHARDS_DEFAULT);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drop_shards WHERE drop_id = ?", big.id), 16);
    cr_assert_eq(cf_int(c, "SELECT SUM(remaining) FROM drop_shards WHERE drop_id = ?", big.id),
                 100);
    /* 100 over 16: the first four shards hold 7, the rest 6. */
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drop_shards WHERE drop_id = ? AND remaining = 7",
                        big.id),
                 4);
    cr_assert_eq(cf_int(c, "SELECT MIN(remaining) FROM drop_shards WHERE drop_id = ?", big.id), 6);
    /* 2 places asked over 64 shards: 2 shards, no empty rows. */
    in = cf_drop_input(a, 100, 2, 64, now, now + CF_HOUR_MS);
    cf_drop(c, a, f.id, &in, "small", &small);
    cr_assert_eq(small.shards, 2);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drop_shards WHERE drop_id = ?", small.id), 2);
    cr_assert_eq(cf_int(c, "SELECT MIN(remaining) FROM drop_shards WHERE drop_id = ?", small.id),
                 1);
}

Test(credit_fund_store, shard_rows_sum_to_quantity)
{
    static const struct {
        int64_t quantity;
        int shards;
    } cases[] = {{1, 1}, {1, 64}, {7, 3}, {63, 64}, {64, 64}, {65, 64}, {1000, 7}, {999, 16}};
    fund f;
    int64_t now = clock_now_ms();
    cf_fund(c, a, FUND_AMOUNT, "f", &f);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char key[32];
        drop dr;
        snprintf(key, sizeof key, "d%zu", i);
        drop_input in = cf_drop_input(a, 1, cases[i].quantity, cases[i].shards, now,
                                      now + CF_HOUR_MS);
        cf_drop(c, a, f.id, &in, key, &dr);
        int want = cases[i].quantity < cases[i].shards ? (int)cases[i].quantity : cases[i].shards;
        cr_assert_eq(dr.shards, want, "case %zu", i);
        cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drop_shards WHERE drop_id = ?", dr.id), want);
        cr_assert_eq(cf_int(c, "SELECT SUM(remaining) FROM drop_shards WHERE drop_id = ?", dr.id),
                     cases[i].quantity, "case %zu", i);
        cr_assert_leq(cf_int(c, "SELECT MAX(remaining) - MIN(remaining) FROM drop_shards"
                                " WHERE drop_id = ?",
                             dr.id),
                      1, "case %zu", i);
        cr_assert_eq(dr.remaining, cases[i].quantity);
    }
}

Test(credit_fund_store, a_drop_the_fund_cannot_pay_for_is_a_conflict)
{
    fund f, g;
    drop dr, ok;
    bool replayed = true;
    err_ctx e = {0};
    int64_t now = clock_now_ms();
    cf_fund(c, a, FUND_AMOUNT, "f", &f);
    /* 3 x 400,000 = 1,200,000 > 1,000,000. */
    drop_input in = cf_drop_input(a, 400000, 3, 0, now, now + CF_HOUR_MS);
    credit_idem k = cf_idem("too-much", 'b');
    cr_assert_eq(drop_create(c, a, f.id, &in, &k, &dr, &replayed, &e), ERR_CONFLICT);
    cr_assert_eq(e.code, ERR_CONFLICT);
    ASSERT_FIELDS(e, "quantity");
    cr_assert_str_eq(message_of(&e, "quantity"),
                     "times amount is more than the fund has available");
    cr_assert_not_null(strstr(e.detail, "1000000 available"), "%s", e.detail);
    cr_assert_not_null(strstr(e.detail, "needs 1200000"), "%s", e.detail);
    /* Nothing moved, nothing written. */
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drops", NULL), 0);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drop_shards", NULL), 0);
    cr_assert_eq(cf_balance(c, "fund", f.id), FUND_AMOUNT);
    cr_assert_eq(fund_get(c, a, f.id, &g, &e), 0, "%s", e.detail);
    cr_assert_eq(g.available, FUND_AMOUNT);
    /* Exactly what is available is fine (2 x 500,000), and then 1 fen is too much. */
    in = cf_drop_input(a, 500000, 2, 0, now, now + CF_HOUR_MS);
    cf_drop(c, a, f.id, &in, "all", &ok);
    cr_assert_eq(fund_get(c, a, f.id, &g, &e), 0, "%s", e.detail);
    cr_assert_eq(g.available, 0);
    cr_assert_eq(g.reserved, FUND_AMOUNT);
    in = cf_drop_input(a, 1, 1, 0, now, now + CF_HOUR_MS);
    credit_idem k2 = cf_idem("one-fen", 'b');
    err_clear(&e);
    cr_assert_eq(drop_create(c, a, f.id, &in, &k2, &dr, &replayed, &e), ERR_CONFLICT);
    ASSERT_FIELDS(e, "quantity");
}

Test(credit_fund_store, a_drop_on_an_unknown_fund_is_not_found)
{
    drop dr;
    bool replayed = true;
    err_ctx e = {0};
    drop_input in = five_over_three();
    credit_idem k = cf_idem("nofund", 'b');
    cr_assert_eq(drop_create(c, a, "fund_nope", &in, &k, &dr, &replayed, &e), ERR_NOT_FOUND);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drops", NULL), 0);
}

Test(credit_fund_store, drop_keys_replay_and_refuse_other_requests)
{
    fund f, g;
    drop dr, again;
    bool replayed = true;
    err_ctx e = {0};
    cf_fund(c, a, FUND_AMOUNT, "f", &f);
    drop_input in = five_over_three();
    credit_idem k = cf_idem("drop-1", 'b');
    cr_assert_eq(drop_create(c, a, f.id, &in, &k, &dr, &replayed, &e), 0, "%s", e.detail);
    cr_assert_not(replayed);
    cr_assert_eq(drop_create(c, a, f.id, &in, &k, &again, &replayed, &e), 0, "%s", e.detail);
    cr_assert(replayed);
    cr_assert_str_eq(again.id, dr.id);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drops", NULL), 1);
    cr_assert_eq(fund_get(c, a, f.id, &g, &e), 0, "%s", e.detail);
    cr_assert_eq(g.available, FUND_AMOUNT - 50000, "reserved once");
    credit_idem k2 = cf_idem("drop-1", 'e');
    cr_assert_eq(drop_create(c, a, f.id, &in, &k2, &again, &replayed, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "Idempotency-Key");
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM drops", NULL), 1);
}

Test(credit_fund_store, close_releases_what_is_left_once)
{
    fund f, g;
    drop dr, closed, again;
    err_ctx e = {0};
    cf_fund(c, a, FUND_AMOUNT, "f", &f);
    drop_input in = five_over_three();
    cf_drop(c, a, f.id, &in, "d", &dr);
    int64_t before = clock_now_ms();
    cr_assert_eq(drop_close(c, a, dr.id, &closed, &e), 0, "%s", e.detail);
    cr_assert_eq(closed.remaining, 0);
    cr_assert_eq(closed.released, 5);
    cr_assert_geq(closed.closes_at, before);
    cr_assert_leq(closed.closes_at, clock_now_ms());
    cr_assert_eq(drop_status(&closed, clock_now_ms()), DROP_CLOSED);
    cr_assert_eq(cf_int(c, "SELECT SUM(remaining) FROM drop_shards WHERE drop_id = ?", dr.id), 0);
    /* All 50,000 back in the fund, through one release transaction. */
    cr_assert_eq(fund_get(c, a, f.id, &g, &e), 0, "%s", e.detail);
    cr_assert_eq(g.available, FUND_AMOUNT);
    cr_assert_eq(g.reserved, 0);
    cr_assert_eq(cf_balance(c, "fund", f.id), FUND_AMOUNT);
    cr_assert_eq(cf_balance(c, "drop", dr.id), 0);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns WHERE kind = 'release' AND ref = ?",
                        dr.id),
                 1);
    /* A second close is a conflict and moves nothing. */
    cr_assert_eq(drop_close(c, a, dr.id, &again, &e), ERR_CONFLICT);
    cr_assert_not_null(strstr(e.detail, "already closed"), "%s", e.detail);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns WHERE kind = 'release'", NULL), 1);
    cr_assert_eq(cf_balance(c, "fund", f.id), FUND_AMOUNT);
    cr_assert_eq(cf_int(c, "SELECT released FROM drops WHERE id = ?", dr.id), 5);
    err_clear(&e);
    cr_assert_eq(drop_close(c, a, "drp_nope", &again, &e), ERR_NOT_FOUND);
}

Test(credit_fund_store, list_drops_of_a_fund)
{
    fund f1, f2;
    drop d1, d2, d3, *items;
    int n;
    const char *next;
    err_ctx e = {0};
    cf_fund(c, a, FUND_AMOUNT, "f1", &f1);
    cf_fund(c, a, FUND_AMOUNT, "f2", &f2);
    drop_input in = five_over_three();
    cf_drop(c, a, f1.id, &in, "d1", &d1);
    cf_drop(c, a, f1.id, &in, "d2", &d2);
    cf_drop(c, a, f2.id, &in, "d3", &d3);
    cr_assert_eq(drop_list(c, a, f2.id, (account_page){10, NULL}, &items, &n, &next, &e), 0,
                 "%s", e.detail);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(items[0].id, d3.id);
    cr_assert_null(next);
    cr_assert_eq(drop_list(c, a, NULL, (account_page){10, NULL}, &items, &n, &next, &e), 0, "%s",
                 e.detail);
    cr_assert_eq(n, 3);
    /* A drop of another fund is no cursor for this one. */
    cr_assert_eq(drop_list(c, a, f1.id, (account_page){10, d3.id}, &items, &n, &next, &e),
                 ERR_BAD_REQUEST);
    err_clear(&e);
    cr_assert_eq(drop_list(c, a, "fund_nope", (account_page){10, NULL}, &items, &n, &next, &e),
                 ERR_NOT_FOUND);
}
