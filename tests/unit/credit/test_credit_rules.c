/*
 * test_credit_rules.c: the pure rules of funds and drops (credit_rules.c):
 * field errors of fund_check and drop_check, a drop's status at the edges
 * of its window, who may claim from it, and the split of its places over
 * shards. Every expectation is worked out by hand from credit.h.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "credit/credit.h"
#include "../support.h"

/* ---- fund_check ------------------------------------------------------- */

static fund_input good_fund(void)
{
    return (fund_input){.name = {"上云津贴", "Cloud credit"},
                        .description = {"", ""},
                        .currency = "CNY",
                        .amount = {true, INT64_C(100000000)}};
}

Test(credit_fund_check, a_good_fund_passes)
{
    err_ctx e = {0};
    fund_input in = good_fund();
    cr_assert_eq(fund_check(&in, &e), 0);
    cr_assert_eq(e.nfields, 0);
    /* Currency and description may be left out (CNY, no description). */
    in.currency = NULL;
    in.description = (text_i18n){NULL, NULL};
    cr_assert_eq(fund_check(&in, &e), 0);
    in.currency = "USD";
    cr_assert_eq(fund_check(&in, &e), 0);
}

Test(credit_fund_check, name_and_amount_are_required)
{
    err_ctx e = {0};
    fund_input in = {0};
    cr_assert_eq(fund_check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "name amount");
    cr_assert_str_eq(message_of(&e, "name"), "is required");
    cr_assert_str_eq(message_of(&e, "amount"), "is required");
}

Test(credit_fund_check, amount_is_from_one_fen_to_the_cap)
{
    int64_t ok[] = {1, 2, CREDIT_AMOUNT_MAX - 1, CREDIT_AMOUNT_MAX};
    int64_t bad[] = {0, -1, CREDIT_AMOUNT_MAX + 1, INT64_MIN, INT64_MAX};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        err_ctx e = {0};
        fund_input in = good_fund();
        in.amount.v = ok[i];
        cr_assert_eq(fund_check(&in, &e), 0, "amount %lld", (long long)ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_ctx e = {0};
        fund_input in = good_fund();
        in.amount.v = bad[i];
        cr_assert_eq(fund_check(&in, &e), ERR_VALIDATION, "amount %lld", (long long)bad[i]);
        ASSERT_FIELDS(e, "amount");
        cr_assert_str_eq(message_of(&e, "amount"), "must be from 1 to 100000000000000");
    }
}

Test(credit_fund_check, currency_is_three_capital_letters)
{
    const char *bad[] = {"cny", "CN", "CNYY", "C1Y", "", "Cny", "人民币"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_ctx e = {0};
        fund_input in = good_fund();
        in.currency = bad[i];
        cr_assert_eq(fund_check(&in, &e), ERR_VALIDATION, "currency %s", bad[i]);
        ASSERT_FIELDS(e, "currency");
        cr_assert_str_eq(message_of(&e, "currency"), "must be an ISO 4217 code like CNY");
    }
}

Test(credit_fund_check, names_and_descriptions_in_both_languages_and_capped)
{
    char zh200[800], zh201[800], d2000[2100], d2001[2100];
    repeat(zh200, sizeof zh200, "津", 200);
    repeat(zh201, sizeof zh201, "津", 201);
    repeat(d2000, sizeof d2000, "x", 2000);
    repeat(d2001, sizeof d2001, "x", 2001);
    err_ctx e = {0};
    fund_input in = good_fund();
    in.name = (text_i18n){zh200, "ok"};
    in.description = (text_i18n){d2000, ""};
    cr_assert_eq(fund_check(&in, &e), 0);
    in.name = (text_i18n){zh201, " "};
    in.description = (text_i18n){d2001, NULL};
    cr_assert_eq(fund_check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "name.zh name.en description.zh description.en");
    cr_assert_str_eq(message_of(&e, "name.zh"), "must be at most 200 characters");
    cr_assert_str_eq(message_of(&e, "name.en"), "must not be empty");
    cr_assert_str_eq(message_of(&e, "description.zh"), "must be at most 2000 characters");
    cr_assert_str_eq(message_of(&e, "description.en"), "is required");
}

/* ---- drop_check ------------------------------------------------------- */

static const char *ind_eg[] = {"ecommerce", "gaming"};
static const char *size_s[] = {"small"};

static drop_input good_drop(void)
{
    return (drop_input){
        .name = {"限量发放", "Limited drop"},
        .amount = {true, 10000},
        .quantity = {true, 100},
        .opens_at = "2021-10-15T10:00:00+08:00",
        .closes_at = "2021-11-15T00:00:00+08:00",
        .industries = {true, 2, ind_eg},
        .sizes = {true, 1, size_s},
    };
}

static int check(const drop_input *in, err_ctx *e)
{
    err_clear(e);
    return drop_check(in, e);
}

Test(credit_drop_check, a_good_drop_passes)
{
    err_ctx e = {0};
    drop_input in = good_drop();
    cr_assert_eq(check(&in, &e), 0);
    in.industries = (jv_strings){0};
    in.sizes = (jv_strings){true, 0, NULL}; /* empty lists: any org */
    cr_assert_eq(check(&in, &e), 0);
    in.grant_days = (jv_int){true, 1};
    in.shards = (jv_int){true, 1};
    cr_assert_eq(check(&in, &e), 0);
    in.grant_days.v = CREDIT_GRANT_DAYS_MAX;
    in.shards.v = CREDIT_SHARDS_MAX;
    cr_assert_eq(check(&in, &e), 0);
}

Test(credit_drop_check, required_fields)
{
    err_ctx e = {0};
    drop_input in = {0};
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "name amount quantity opens_at closes_at");
    cr_assert_str_eq(message_of(&e, "amount"), "is required");
    cr_assert_str_eq(message_of(&e, "quantity"), "is required");
    cr_assert_str_eq(message_of(&e, "opens_at"), "is required");
    cr_assert_str_eq(message_of(&e, "closes_at"), "is required");
}

Test(credit_drop_check, numbers_below_their_ranges)
{
    err_ctx e = {0};
    drop_input in = good_drop();
    in.amount.v = 0;
    in.quantity.v = 0;
    in.grant_days = (jv_int){true, 0};
    in.shards = (jv_int){true, 0};
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "amount quantity grant_days shards");
    cr_assert_str_eq(message_of(&e, "amount"), "must be from 1 to 100000000000000");
    cr_assert_str_eq(message_of(&e, "quantity"), "must be from 1 to 10000000");
    cr_assert_str_eq(message_of(&e, "grant_days"), "must be from 1 to 3650");
    cr_assert_str_eq(message_of(&e, "shards"), "must be from 1 to 64");
}

Test(credit_drop_check, numbers_above_their_ranges)
{
    err_ctx e = {0};
    drop_input in = good_drop();
    in.amount.v = CREDIT_AMOUNT_MAX + 1;
    in.quantity.v = CREDIT_QUANTITY_MAX + 1;
    in.grant_days = (jv_int){true, CREDIT_GRANT_DAYS_MAX + 1};
    in.shards = (jv_int){true, CREDIT_SHARDS_MAX + 1};
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    /* quantity keeps its range message, not the product's. */
    ASSERT_FIELDS(e, "amount quantity grant_days shards");
    cr_assert_str_eq(message_of(&e, "quantity"), "must be from 1 to 10000000");
    cr_assert_str_eq(message_of(&e, "shards"), "must be from 1 to 64");
    in = good_drop();
    in.amount.v = -5;
    in.quantity.v = INT64_MIN;
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "amount quantity");
}

Test(credit_drop_check, quantity_times_amount_stays_under_the_cap)
{
    err_ctx e = {0};
    drop_input in = good_drop();
    /* 1e7 places of 1e7 fen: exactly 1e14, the cap. */
    in.amount.v = 10000000;
    in.quantity.v = CREDIT_QUANTITY_MAX;
    cr_assert_eq(check(&in, &e), 0);
    in.amount.v = 10000001; /* 1e14 + 1e7 */
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "quantity");
    cr_assert_str_eq(message_of(&e, "quantity"), "times amount must be at most 100000000000000");
    /* The whole cap in one place is fine, in two it is not. */
    in.amount.v = CREDIT_AMOUNT_MAX;
    in.quantity.v = 1;
    cr_assert_eq(check(&in, &e), 0);
    in.quantity.v = 2;
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "quantity");
    /* Half the cap twice is the cap; one fen more is over. */
    in.amount.v = CREDIT_AMOUNT_MAX / 2;
    cr_assert_eq(check(&in, &e), 0);
    in.amount.v = CREDIT_AMOUNT_MAX / 2 + 1;
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "quantity");
    /* Each in range but their product far past INT64_MAX: no overflow
     * (UBSan would stop the test), just the field error. */
    in.amount.v = CREDIT_AMOUNT_MAX;
    in.quantity.v = CREDIT_QUANTITY_MAX;
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "quantity");
}

Test(credit_drop_check, times_are_rfc3339)
{
    err_ctx e = {0};
    drop_input in = good_drop();
    in.opens_at = "2021-10-15 10:00";
    in.closes_at = "tomorrow";
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "opens_at closes_at");
    cr_assert_str_eq(message_of(&e, "opens_at"),
                     "must be an RFC 3339 time like 2021-10-15T10:00:00+08:00");
    cr_assert_str_eq(message_of(&e, "closes_at"),
                     "must be an RFC 3339 time like 2021-11-15T00:00:00+08:00");
    /* A bad opens_at does not also make closes_at "not after" it. */
    in.closes_at = "2021-11-15T00:00:00+08:00";
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "opens_at");
}

Test(credit_drop_check, closes_at_must_be_after_opens_at)
{
    err_ctx e = {0};
    drop_input in = good_drop();
    in.closes_at = "2021-10-14T10:00:00+08:00"; /* a day before */
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "closes_at");
    cr_assert_str_eq(message_of(&e, "closes_at"), "must be after opens_at");
    /* The same instant written in another offset is not after it. */
    in.closes_at = "2021-10-15T02:00:00Z";
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "closes_at");
    in.closes_at = "2021-10-15T10:00:00+08:00";
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "closes_at");
    /* One millisecond later is. */
    in.closes_at = "2021-10-15T02:00:00.001Z";
    cr_assert_eq(check(&in, &e), 0);
}

Test(credit_drop_check, industries_and_sizes_from_the_vocabulary_once_each)
{
    static const char *ind[] = {"ecommerce", "retail", "ecommerce", "gaming"};
    static const char *sizes[] = {"huge", "small", "small"};
    err_ctx e = {0};
    drop_input in = good_drop();
    in.industries = (jv_strings){true, 4, ind};
    in.sizes = (jv_strings){true, 3, sizes};
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "industries[1] industries[2] sizes[0] sizes[2]");
    cr_assert_str_eq(message_of(&e, "industries[1]"),
                     "must be one of: ecommerce, gaming, mobility, media, education, fintech, "
                     "other");
    cr_assert_str_eq(message_of(&e, "industries[2]"), "is listed twice");
    cr_assert_str_eq(message_of(&e, "sizes[0]"), "must be one of: micro, small, medium, large");
    cr_assert_str_eq(message_of(&e, "sizes[2]"), "is listed twice");
}

Test(credit_drop_check, at_most_sixteen_words)
{
    static const char *many[17];
    for (int i = 0; i < 17; i++)
        many[i] = "gaming";
    err_ctx e = {0};
    drop_input in = good_drop();
    in.industries = (jv_strings){true, 17, many};
    in.sizes = (jv_strings){true, 17, many};
    cr_assert_eq(check(&in, &e), ERR_VALIDATION);
    /* Only the count is reported, not each of the 17 items. */
    ASSERT_FIELDS(e, "industries sizes");
    cr_assert_str_eq(message_of(&e, "industries"), "must have at most 16 items");
    cr_assert_str_eq(message_of(&e, "sizes"), "must have at most 16 items");
}

/* ---- drop_status ------------------------------------------------------ */

/* 2021-10-15T10:00:00+08:00 and 2021-11-15T00:00:00+08:00 in Unix ms. */
#define OPENS INT64_C(1634263200000)
#define CLOSES INT64_C(1636905600000)

static drop a_drop(int64_t remaining, const char *industries, const char *sizes)
{
    return (drop){.id = "drp_x", .fund_id = "fund_x", .currency = "CNY", .amount = 10000,
                  .quantity = 10, .remaining = remaining, .opens_at = OPENS,
                  .closes_at = CLOSES, .industries = industries, .sizes = sizes,
                  .grant_days = 365, .shards = 4};
}

Test(credit_drop_status, window_parses_as_documented)
{
    int64_t o, c;
    cr_assert_eq(clock_parse("2021-10-15T10:00:00+08:00", &o), 0);
    cr_assert_eq(clock_parse("2021-11-15T00:00:00+08:00", &c), 0);
    cr_assert_eq(o, OPENS);
    cr_assert_eq(c, CLOSES);
}

Test(credit_drop_status, opens_at_inclusive_closes_at_exclusive)
{
    drop d = a_drop(3, "", "");
    cr_assert_eq(drop_status(&d, 0), DROP_SCHEDULED);
    cr_assert_eq(drop_status(&d, OPENS - 1), DROP_SCHEDULED);
    cr_assert_eq(drop_status(&d, OPENS), DROP_OPEN);
    cr_assert_eq(drop_status(&d, OPENS + 1), DROP_OPEN);
    cr_assert_eq(drop_status(&d, CLOSES - 1), DROP_OPEN);
    cr_assert_eq(drop_status(&d, CLOSES), DROP_CLOSED);
    cr_assert_eq(drop_status(&d, CLOSES + 1), DROP_CLOSED);
    cr_assert_eq(drop_status(&d, INT64_MAX), DROP_CLOSED);
}

Test(credit_drop_status, sold_out_only_while_open)
{
    drop d = a_drop(0, "", "");
    cr_assert_eq(drop_status(&d, OPENS - 1), DROP_SCHEDULED);
    cr_assert_eq(drop_status(&d, OPENS), DROP_SOLD_OUT);
    cr_assert_eq(drop_status(&d, CLOSES - 1), DROP_SOLD_OUT);
    cr_assert_eq(drop_status(&d, CLOSES), DROP_CLOSED);
    d.remaining = 1; /* the last place */
    cr_assert_eq(drop_status(&d, OPENS), DROP_OPEN);
}

Test(credit_drop_status, names)
{
    cr_assert_str_eq(drop_states[DROP_SCHEDULED], "scheduled");
    cr_assert_str_eq(drop_states[DROP_OPEN], "open");
    cr_assert_str_eq(drop_states[DROP_SOLD_OUT], "sold_out");
    cr_assert_str_eq(drop_states[DROP_CLOSED], "closed");
    cr_assert_null(drop_states[DROP_CLOSED + 1]);
}

/* ---- drop_refusal ----------------------------------------------------- */

static account_org org_of(const char *kind, const char *industry, const char *size)
{
    return (account_org){.id = "org_x", .kind = kind, .name = "X", .industry = industry,
                         .size = size, .region = "cn-north-4", .clouds = ""};
}

Test(credit_drop_refusal, a_fitting_enterprise_in_the_window_may_claim)
{
    drop d = a_drop(3, "ecommerce,gaming", "small,medium");
    account_org o = org_of("enterprise", "gaming", "medium");
    const char *why = "unset";
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), 0);
    cr_assert_null(why);
    cr_assert_eq(drop_refusal(&d, &o, CLOSES - 1, &why), 0);
    o.industry = "ecommerce";
    o.size = "small";
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), 0);
    /* Places left are not its business: a sold-out drop is still "for" it. */
    d.remaining = 0;
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), 0);
}

Test(credit_drop_refusal, outside_the_window_is_a_conflict)
{
    drop d = a_drop(3, "", "");
    account_org o = org_of("enterprise", "gaming", "small");
    const char *why = NULL;
    cr_assert_eq(drop_refusal(&d, &o, OPENS - 1, &why), ERR_CONFLICT);
    cr_assert_str_eq(why, "the drop is not open yet");
    cr_assert_eq(drop_refusal(&d, &o, CLOSES, &why), ERR_CONFLICT);
    cr_assert_str_eq(why, "the drop is closed");
    cr_assert_eq(drop_refusal(&d, &o, CLOSES + INT64_C(86400000), &why), ERR_CONFLICT);
    cr_assert_str_eq(why, "the drop is closed");
}

Test(credit_drop_refusal, partners_and_no_org_are_forbidden)
{
    drop d = a_drop(3, "", "");
    account_org p = org_of("partner", "gaming", "small");
    const char *why = NULL;
    cr_assert_eq(drop_refusal(&d, &p, OPENS, &why), ERR_FORBIDDEN);
    cr_assert_str_eq(why, "only enterprises claim credits");
    cr_assert_eq(drop_refusal(&d, NULL, OPENS, &why), ERR_FORBIDDEN);
    cr_assert_str_eq(why, "only enterprises claim credits");
    /* The window is judged first: a partner on a closed drop hears "closed". */
    cr_assert_eq(drop_refusal(&d, &p, CLOSES, &why), ERR_CONFLICT);
    cr_assert_str_eq(why, "the drop is closed");
}

Test(credit_drop_refusal, industry_and_size_must_be_listed_exactly)
{
    drop d = a_drop(3, "ecommerce,gaming", "small");
    const char *why = NULL;
    account_org o = org_of("enterprise", "mobility", "small");
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), ERR_FORBIDDEN);
    cr_assert_str_eq(why, "the drop is not for this org's industry");
    /* Neither a part nor a prefix of a listed word counts. */
    const char *near[] = {"commerce", "game", "gamingx", "ecommerce,gaming", ""};
    for (size_t i = 0; i < sizeof near / sizeof *near; i++) {
        o.industry = near[i];
        cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), ERR_FORBIDDEN, "industry '%s'", near[i]);
        cr_assert_str_eq(why, "the drop is not for this org's industry");
    }
    o.industry = "gaming";
    o.size = "large";
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), ERR_FORBIDDEN);
    cr_assert_str_eq(why, "the drop is not for this org's size");
    o.size = "smal";
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), ERR_FORBIDDEN);
    cr_assert_str_eq(why, "the drop is not for this org's size");
}

Test(credit_drop_refusal, empty_lists_mean_any_industry_and_size)
{
    drop d = a_drop(3, "", "");
    const char *why = NULL;
    const char *const *ind = account_industries, *const *sz = account_sizes;
    for (int i = 0; ind[i]; i++)
        for (int j = 0; sz[j]; j++) {
            account_org o = org_of("enterprise", ind[i], sz[j]);
            cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), 0, "%s %s", ind[i], sz[j]);
        }
    /* Only sizes listed: any industry, those sizes. */
    d.sizes = "micro";
    account_org o = org_of("enterprise", "other", "micro");
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), 0);
    o.size = "small";
    cr_assert_eq(drop_refusal(&d, &o, OPENS, &why), ERR_FORBIDDEN);
}

/* ---- drop_shard_size -------------------------------------------------- */

Test(credit_drop_shard_size, hand_checked_splits)
{
    /* 5 over 3: 2, 2, 1. */
    cr_assert_eq(drop_shard_size(5, 3, 0), 2);
    cr_assert_eq(drop_shard_size(5, 3, 1), 2);
    cr_assert_eq(drop_shard_size(5, 3, 2), 1);
    /* 100 over 16: 6 each and 4 left, so shards 0..3 hold 7. */
    for (int i = 0; i < 16; i++)
        cr_assert_eq(drop_shard_size(100, 16, i), i < 4 ? 7 : 6, "shard %d", i);
    /* 10,000,000 over 64 is exactly 156,250; over 7 it is 1,428,571 rest 3. */
    for (int i = 0; i < 64; i++)
        cr_assert_eq(drop_shard_size(10000000, 64, i), 156250);
    for (int i = 0; i < 7; i++)
        cr_assert_eq(drop_shard_size(10000000, 7, i), i < 3 ? 1428572 : 1428571);
    /* One shard holds everything. */
    cr_assert_eq(drop_shard_size(12345, 1, 0), 12345);
}

static void check_split(int64_t q, int n)
{
    int64_t sum = 0, lo = INT64_MAX, hi = INT64_MIN, prev = INT64_MAX;
    for (int i = 0; i < n; i++) {
        int64_t s = drop_shard_size(q, n, i);
        cr_assert_geq(s, 0, "q=%lld n=%d i=%d", (long long)q, n, i);
        cr_assert_leq(s, prev, "q=%lld n=%d: shard %d bigger than the one before", (long long)q,
                      n, i);
        sum += s;
        lo = s < lo ? s : lo;
        hi = s > hi ? s : hi;
        prev = s;
    }
    cr_assert_eq(sum, q, "q=%lld n=%d: shards sum to %lld", (long long)q, n, (long long)sum);
    cr_assert_leq(hi - lo, 1, "q=%lld n=%d: %lld..%lld", (long long)q, n, (long long)lo,
                  (long long)hi);
}

Test(credit_drop_shard_size, sums_to_quantity_and_differs_by_at_most_one)
{
    for (int64_t q = 1; q <= 300; q++)
        for (int n = 1; n <= CREDIT_SHARDS_MAX; n++)
            check_split(q, n);
    int64_t big[] = {999, 1000, 65536, 1000003, CREDIT_QUANTITY_MAX - 1, CREDIT_QUANTITY_MAX};
    for (size_t k = 0; k < sizeof big / sizeof *big; k++)
        for (int n = 1; n <= CREDIT_SHARDS_MAX; n++)
            check_split(big[k], n);
}
