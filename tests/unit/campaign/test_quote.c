/*
 * test_quote.c: the pure quote engine (src/campaign/quote.c) against
 * snapshots built in memory (qe_fixture.h). First hand-checked cases, each
 * expected amount worked out in a comment from docs/api.md ("Offers and
 * quotes", "Pricing:") and DESIGN.md section 2; then properties over
 * random carts and policies from a seeded generator, so runs repeat.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "campaign/quote.h"
#include "qe_fixture.h"

/* ------------------------------------------------------------------------
 * The catalog of the hand-checked cases.
 *
 *   ecs.general  (compute)  cn-north-4: on_demand 60, monthly 29900, yearly 299000
 *                           cn-south-1: monthly 28000
 *   obs.standard (storage)  cn-north-4: monthly 333; cn-south-1, ap-southeast-1: monthly 10
 *   cdn.traffic  (cdn)      cn-north-4: on_demand 10, monthly 7300
 *
 *   pck_a  price 99900:      ecs.general monthly x4 for 1 month  = 119600
 *                            obs.standard monthly x100 for 1 month = 33300
 *                            list of one pack in cn-north-4:        152900
 *   pck_b  discount 2000 bp: ecs.general yearly x1 for 12 months  = 299000
 *                            cdn.traffic on_demand x1 for 1 month
 *                              (730 hours x 10)                    =   7300
 *                            list of one pack in cn-north-4:        306300
 *   pck_c  price 200000:     obs.standard monthly x1 for 1 month  =    333
 *                            (the pack costs more than its items)
 *
 * Campaign cmp_live runs [1000, 2000); quotes are at 1500 unless told.
 * ------------------------------------------------------------------------ */

enum { CAT_COMPUTE = 0, CAT_STORAGE = 2, CAT_CDN = 4 };
#define AT 1500
#define NORTH "cn-north-4"
#define SOUTH "cn-south-1"
#define AP "ap-southeast-1"

static const char *const regions[] = {"cn-south-1", "cn-north-4", "ap-southeast-1"};
static const qf_product products[] = {
    {"obs.standard", CAT_STORAGE},
    {"ecs.general", CAT_COMPUTE},
    {"cdn.traffic", CAT_CDN},
};
static const qf_price prices[] = {
    {"ecs.general", NORTH, QE_ON_DEMAND, 60},
    {"ecs.general", NORTH, QE_MONTHLY, 29900},
    {"ecs.general", NORTH, QE_YEARLY, 299000},
    {"ecs.general", SOUTH, QE_MONTHLY, 28000},
    {"obs.standard", NORTH, QE_MONTHLY, 333},
    {"obs.standard", SOUTH, QE_MONTHLY, 10},
    {"obs.standard", AP, QE_MONTHLY, 10},
    {"cdn.traffic", NORTH, QE_ON_DEMAND, 10},
    {"cdn.traffic", NORTH, QE_MONTHLY, 7300},
};
static const qf_pack packs[] = {
    {"pck_c", 200000, -1, 1, {{"obs.standard", QE_MONTHLY, 1, 1}}},
    {"pck_b", -1, 2000, 2, {{"ecs.general", QE_YEARLY, 1, 12}, {"cdn.traffic", QE_ON_DEMAND, 1, 1}}},
    {"pck_a", 99900, -1, 2, {{"ecs.general", QE_MONTHLY, 4, 1}, {"obs.standard", QE_MONTHLY, 100, 1}}},
};
static const qf_campaign live[] = {{.id = "cmp_live", .starts_at = 1000, .ends_at = 2000}};

#define N(x) ((int)(sizeof(x) / sizeof *(x)))

static arena *a;
static qe_snapshot snap;
static const qe_org plain_org = {.id = "org_1", .industry = 1, .size = 1};

static void setup(void) { a = arena_new(64 << 20); }
static void teardown(void) { arena_free(a); }
TestSuite(quote, .init = setup, .fini = teardown);
TestSuite(quote_prop, .init = setup, .fini = teardown);

static void build_c(const qf_campaign *campaigns, int ncampaigns, const qf_policy *policies,
                    int npolicies)
{
    qf_spec spec = {
        .nregions = N(regions), .regions = regions,
        .nproducts = N(products), .products = products,
        .nprices = N(prices), .prices = prices,
        .npacks = N(packs), .packs = packs,
        .ncampaigns = ncampaigns, .campaigns = campaigns,
        .npolicies = npolicies, .policies = policies,
    };
    qf_build(a, &spec, &snap);
}

static void build(const qf_policy *policies, int npolicies)
{
    build_c(live, N(live), policies, npolicies);
}

/* Prices a cart that must price; returns the quote. */
static qe_quote price_full(const qe_org *org, int order_type, int64_t at, const qe_line_in *lines,
                           int nlines)
{
    qe_cart cart = {.order_type = order_type, .nlines = nlines, .lines = lines, .at = at};
    qe_quote q;
    err_ctx e = {0};
    int rc = quote_price(&snap, org, &cart, a, &q, &e);
    cr_assert_eq(rc, 0, "quote_price: %d %s %s", rc, e.nfields ? e.fields[0].field : "",
                 e.nfields ? e.fields[0].message : e.detail);
    cr_assert_eq(q.nlines, nlines);
    return q;
}

static qe_quote price(const qe_line_in *lines, int nlines)
{
    return price_full(&plain_org, QE_ORDER_NEW, AT, lines, nlines);
}

/* The one line of a one-line quote. */
static qe_line_out price1(qe_line_in line)
{
    qe_quote q = price(&line, 1);
    cr_assert_eq(q.list, q.lines[0].list);
    cr_assert_eq(q.final, q.lines[0].final);
    cr_assert_eq(q.discount, q.list - q.final);
    return q.lines[0];
}

static qe_line_in ecs(int mode, int64_t quantity, int64_t months, int64_t hours)
{
    return qf_product_line(&snap, "ecs.general", NORTH, mode, quantity, months, hours);
}

/* ecs.general, cn-north-4, monthly, 4 for 12 months: 29900 x 4 x 12 = 1435200. */
#define ECS_4x12 ecs(QE_MONTHLY, 4, 12, 0)
#define ECS_4x12_LIST 1435200

static const char *policy_id(int pi) { return pi >= 0 ? snap.policies[pi].id : "(none)"; }

/* Asserts the applied entries of a line, as "id:amount id:amount". */
static void expect_applied(const qe_line_out *l, const char *expected)
{
    char got[512] = "";
    for (int i = 0; i < l->napplied; i++) {
        size_t n = strlen(got);
        snprintf(got + n, sizeof got - n, "%s%s:%" PRId64, i ? " " : "",
                 policy_id(l->applied[i].policy), l->applied[i].amount);
    }
    cr_assert_str_eq(got, expected);
}

/* The rejection of policy `id` in q, or NULL. */
static const qe_rejection *rejection(const qe_quote *q, const char *id)
{
    int pi = qf_policy_index(&snap, id);
    for (int i = 0; i < q->nrejected; i++)
        if (q->rejected[i].policy == pi)
            return &q->rejected[i];
    return NULL;
}

static void expect_rejected(const qe_quote *q, const char *id, int line, qe_reason why)
{
    const qe_rejection *r = rejection(q, id);
    cr_assert_not_null(r, "%s not rejected", id);
    cr_assert_eq(r->line, line, "%s: line %d, expected %d", id, r->line, line);
    cr_assert_eq(r->reason, why, "%s: reason %s, expected %s", id, qe_reason_codes[r->reason],
                 qe_reason_codes[why]);
}

/* One-line quote of ECS_4x12 with policies; returns the quote. */
static qe_quote ecs_quote(const qf_policy *policies, int n)
{
    build(policies, n);
    qe_line_in l = ECS_4x12;
    return price(&l, 1);
}

/* ---------------------------------------------------------------- list prices */

Test(quote, list_price_is_unit_times_quantity_times_periods)
{
    build(NULL, 0);
    err_ctx e = {0};
    int64_t v = -1;
    qe_line_in l = ECS_4x12; /* 29900 x 4 x 12 = 1435200 */
    cr_assert_eq(quote_list_price(&snap, &l, 0, &v, &e), 0);
    cr_assert_eq(v, 1435200);
    l = ecs(QE_YEARLY, 2, 24, 0); /* 299000 x 2 x (24 / 12) = 1196000 */
    cr_assert_eq(quote_list_price(&snap, &l, 0, &v, &e), 0);
    cr_assert_eq(v, 1196000);
    l = ecs(QE_ON_DEMAND, 3, 0, 100); /* 60 x 3 x 100 hours = 18000 */
    cr_assert_eq(quote_list_price(&snap, &l, 0, &v, &e), 0);
    cr_assert_eq(v, 18000);
    l = qf_product_line(&snap, "ecs.general", SOUTH, QE_MONTHLY, 1, 3, 0); /* 28000 x 3 = 84000 */
    cr_assert_eq(quote_list_price(&snap, &l, 0, &v, &e), 0);
    cr_assert_eq(v, 84000);
    cr_assert_eq(e.code, 0);
}

Test(quote, pack_list_is_items_times_quantity)
{
    build(NULL, 0);
    err_ctx e = {0};
    int64_t v = -1;
    qe_line_in l = qf_pack_line(&snap, "pck_a", NORTH, 2); /* (119600 + 33300) x 2 = 305800 */
    cr_assert_eq(quote_list_price(&snap, &l, 0, &v, &e), 0);
    cr_assert_eq(v, 305800);
    l = qf_pack_line(&snap, "pck_b", NORTH, 1); /* 299000 + 730 x 10 = 306300 */
    cr_assert_eq(quote_list_price(&snap, &l, 0, &v, &e), 0);
    cr_assert_eq(v, 306300);
}

Test(quote, product_lines_without_policies_are_at_list)
{
    build(NULL, 0);
    qe_line_out l = price1(ECS_4x12);
    cr_assert_eq(l.list, ECS_4x12_LIST);
    cr_assert_eq(l.final, ECS_4x12_LIST);
    cr_assert_eq(l.pack_discount, 0);
    cr_assert_eq(l.napplied, 0);
}

Test(quote, pack_price_against_discount_bp)
{
    build(NULL, 0);
    /* pck_a x2: list 305800; the pack's price 99900 x 2 = 199800, so the
     * pack's own discount is 305800 - 199800 = 106000. */
    qe_line_out l = price1(qf_pack_line(&snap, "pck_a", NORTH, 2));
    cr_assert_eq(l.list, 305800);
    cr_assert_eq(l.pack_discount, 106000);
    cr_assert_eq(l.final, 199800);
    cr_assert_eq(l.napplied, 0);
    /* pck_b x1: 306300 x 20 % = 61260 off, 245040 to pay. */
    l = price1(qf_pack_line(&snap, "pck_b", NORTH, 1));
    cr_assert_eq(l.list, 306300);
    cr_assert_eq(l.pack_discount, 61260);
    cr_assert_eq(l.final, 245040);
    /* pck_b x3: 918900 x 20 % = 183780 off, 735120. */
    l = price1(qf_pack_line(&snap, "pck_b", NORTH, 3));
    cr_assert_eq(l.list, 918900);
    cr_assert_eq(l.pack_discount, 183780);
    cr_assert_eq(l.final, 735120);
    /* pck_c costs 200000 but its items list at 333: never above list. */
    l = price1(qf_pack_line(&snap, "pck_c", NORTH, 1));
    cr_assert_eq(l.list, 333);
    cr_assert_eq(l.pack_discount, 0);
    cr_assert_eq(l.final, 333);
}

/* ---------------------------------------------------------------- effects */

Test(quote, percent_off_rounds_half_up)
{
    qf_policy p[] = {
        {.id = "pol_15", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1500,
         .regions = NORTH},
        {.id = "pol_25", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 2500,
         .regions = SOUTH, .categories = 1u << CAT_STORAGE},
        {.id = "pol_24", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 2400,
         .regions = AP},
    };
    build(p, N(p));
    /* 333 x 15 % = 49.95 -> 50; 283 left. */
    qe_line_out l = price1(qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 1, 1, 0));
    cr_assert_eq(l.list, 333);
    expect_applied(&l, "pol_15:50");
    cr_assert_eq(l.final, 283);
    /* 10 x 25 % = 2.5 -> 3; 7 left. */
    l = price1(qf_product_line(&snap, "obs.standard", SOUTH, QE_MONTHLY, 1, 1, 0));
    expect_applied(&l, "pol_25:3");
    cr_assert_eq(l.final, 7);
    /* 10 x 24 % = 2.4 -> 2; 8 left. */
    l = price1(qf_product_line(&snap, "obs.standard", AP, QE_MONTHLY, 1, 1, 0));
    expect_applied(&l, "pol_24:2");
    cr_assert_eq(l.final, 8);
    /* 1435200 x 15 % = 215280 exactly (the example in docs/api.md). */
    l = price1(ECS_4x12);
    expect_applied(&l, "pol_15:215280");
    cr_assert_eq(l.final, 1219920);
}

Test(quote, percent_off_rounding_to_zero_applies_nothing)
{
    /* 333 x 0.15 % = 0.4995 -> 0: no discount, so nothing applied. */
    qf_policy p[] = {{.id = "pol_tiny", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 15}};
    build(p, N(p));
    qe_line_out l = price1(qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 1, 1, 0));
    cr_assert_eq(l.napplied, 0);
    cr_assert_eq(l.final, 333);
}

Test(quote, percent_off_10000_bp_is_free)
{
    qf_policy p[] = {{.id = "pol_all", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 10000}};
    build(p, N(p));
    qe_line_out l = price1(ECS_4x12);
    expect_applied(&l, "pol_all:1435200");
    cr_assert_eq(l.final, 0);
}

Test(quote, amount_off_is_per_line_and_capped_at_the_line)
{
    qf_policy p[] = {
        {.id = "pol_100", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 100,
         .products = "obs.standard"},
        {.id = "pol_500", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 500,
         .products = "cdn.traffic"},
    };
    build(p, N(p));
    /* obs 333 x 3 = 999, 100 off the line (not per unit): 899. */
    qe_line_out l = price1(qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 3, 1, 0));
    cr_assert_eq(l.list, 999);
    expect_applied(&l, "pol_100:100");
    cr_assert_eq(l.final, 899);
    /* cdn on demand 10 x 1 x 30 hours = 300; 500 off is capped at 300. */
    l = price1(qf_product_line(&snap, "cdn.traffic", NORTH, QE_ON_DEMAND, 1, 0, 30));
    cr_assert_eq(l.list, 300);
    expect_applied(&l, "pol_500:300");
    cr_assert_eq(l.final, 0);
}

Test(quote, fixed_unit_price)
{
    qf_policy p[] = {
        {.id = "pol_fix", .campaign = "cmp_live", .effect = QE_FIXED_UNIT_PRICE, .value = 20000,
         .modes = 1u << QE_MONTHLY, .products = "ecs.general"},
        {.id = "pol_fix_y", .campaign = "cmp_live", .effect = QE_FIXED_UNIT_PRICE, .value = 250000,
         .modes = 1u << QE_YEARLY, .products = "ecs.general"},
        {.id = "pol_fix_high", .campaign = "cmp_live", .effect = QE_FIXED_UNIT_PRICE,
         .value = 30000, .products = "obs.standard"},
    };
    build(p, N(p));
    /* 20000 x 4 x 12 = 960000 to pay: 1435200 - 960000 = 475200 off. */
    qe_line_out l = price1(ECS_4x12);
    expect_applied(&l, "pol_fix:475200");
    cr_assert_eq(l.final, 960000);
    /* yearly: 250000 x 2 x 2 years = 1000000; list 1196000; 196000 off. */
    l = price1(ecs(QE_YEARLY, 2, 24, 0));
    expect_applied(&l, "pol_fix_y:196000");
    cr_assert_eq(l.final, 1000000);
    /* A fixed price above the list price gives nothing. */
    l = price1(qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 2, 1, 0));
    cr_assert_eq(l.napplied, 0);
    cr_assert_eq(l.final, 666);
}

Test(quote, pack_price_applies_to_pack_lines_only)
{
    qf_policy p[] = {
        {.id = "pol_pp", .campaign = "cmp_live", .effect = QE_PACK_PRICE, .value = 80000},
    };
    build(p, N(p));
    /* pck_a x2: 199800 after the pack's own price; 80000 x 2 = 160000
     * to pay, so 39800 more off. */
    qe_line_out l = price1(qf_pack_line(&snap, "pck_a", NORTH, 2));
    cr_assert_eq(l.pack_discount, 106000);
    expect_applied(&l, "pol_pp:39800");
    cr_assert_eq(l.final, 160000);
    /* pck_b x1: 245040 after its 20 %; 80000 to pay: 165040 off. */
    l = price1(qf_pack_line(&snap, "pck_b", NORTH, 1));
    expect_applied(&l, "pol_pp:165040");
    cr_assert_eq(l.final, 80000);
    /* A product line: the policy does not concern it (no rejection). */
    qe_line_in pl = ECS_4x12;
    qe_quote q = price(&pl, 1);
    cr_assert_eq(q.lines[0].napplied, 0);
    cr_assert_eq(q.lines[0].final, ECS_4x12_LIST);
    cr_assert_eq(q.nrejected, 0);
}

Test(quote, pack_price_listing_a_pack)
{
    qf_policy p[] = {
        {.id = "pol_pp", .campaign = "cmp_live", .effect = QE_PACK_PRICE, .value = 80000,
         .packs = "pck_a"},
    };
    build(p, N(p));
    qe_line_out l = price1(qf_pack_line(&snap, "pck_a", NORTH, 2));
    expect_applied(&l, "pol_pp:39800");
    l = price1(qf_pack_line(&snap, "pck_b", NORTH, 1)); /* not listed */
    cr_assert_eq(l.napplied, 0);
    cr_assert_eq(l.final, 245040);
}

Test(quote, free_units)
{
    qf_policy p[] = {
        {.id = "pol_1free", .campaign = "cmp_live", .effect = QE_FREE_UNITS, .value = 1,
         .products = "ecs.general", .modes = 1u << QE_MONTHLY},
        {.id = "pol_10free", .campaign = "cmp_live", .effect = QE_FREE_UNITS, .value = 10,
         .products = "ecs.general", .modes = 1u << QE_YEARLY},
    };
    build(p, N(p));
    /* 1 of 4 units free: 1435200 / 4 = 358800 off. */
    qe_line_out l = price1(ECS_4x12);
    expect_applied(&l, "pol_1free:358800");
    cr_assert_eq(l.final, 1076400);
    /* 10 free of 2 units: the whole line, 1196000. */
    l = price1(ecs(QE_YEARLY, 2, 24, 0));
    expect_applied(&l, "pol_10free:1196000");
    cr_assert_eq(l.final, 0);
}

Test(quote, free_units_round_half_up_on_what_is_left)
{
    qf_policy p[] = {
        {.id = "pol_one", .campaign = "cmp_live", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 1},
        {.id = "pol_free", .campaign = "cmp_live", .lane = 1, .effect = QE_FREE_UNITS, .value = 1},
    };
    build(p, N(p));
    /* obs 333 x 3 = 999; lane 0 takes 1 -> 998; lane 1: 1 of 3 units of
     * 998 = 332.67 -> 333; 665 left. */
    qe_line_out l = price1(qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 3, 1, 0));
    expect_applied(&l, "pol_one:1 pol_free:333");
    cr_assert_eq(l.final, 665);
}

/* ---------------------------------------------------------------- lanes */

Test(quote, best_in_lane_wins_and_the_other_is_outdone)
{
    /* 10 % of 1435200 = 143520 against 200000 off: 200000 wins. */
    qf_policy p[] = {
        {.id = "pol_a", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000},
        {.id = "pol_b", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 200000},
    };
    qe_quote q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_b:200000");
    cr_assert_eq(q.lines[0].final, 1235200);
    expect_rejected(&q, "pol_a", 0, QR_OUTDONE);
    cr_assert_eq(q.nrejected, 1);
}

Test(quote, tie_in_lane_goes_to_the_smaller_id)
{
    /* Both give 143520: pol_a wins whichever effect it has. */
    qf_policy p[] = {
        {.id = "pol_b", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000},
        {.id = "pol_a", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 143520},
    };
    qe_quote q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_a:143520");
    expect_rejected(&q, "pol_b", 0, QR_OUTDONE);

    qf_policy r[] = {
        {.id = "pol_b", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 143520},
        {.id = "pol_a", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000},
    };
    q = ecs_quote(r, N(r));
    expect_applied(&q.lines[0], "pol_a:143520");
    expect_rejected(&q, "pol_b", 0, QR_OUTDONE);
}

Test(quote, lanes_apply_in_order_on_what_is_left)
{
    /* Ids run against the lanes, so only the lane can order them.
     * lane 0 pol_z 10 %:     143520, 1291680 left
     * lane 2 pol_m 100000:   100000, 1191680 left
     * lane 5 pol_a 50 %:     595840, 595840 left (not 50 % of the list). */
    qf_policy p[] = {
        {.id = "pol_a", .campaign = "cmp_live", .lane = 5, .effect = QE_PERCENT_OFF, .value = 5000},
        {.id = "pol_m", .campaign = "cmp_live", .lane = 2, .effect = QE_AMOUNT_OFF, .value = 100000},
        {.id = "pol_z", .campaign = "cmp_live", .lane = 0, .effect = QE_PERCENT_OFF, .value = 1000},
    };
    qe_quote q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_z:143520 pol_m:100000 pol_a:595840");
    cr_assert_eq(q.lines[0].final, 595840);
    cr_assert_eq(q.discount, ECS_4x12_LIST - 595840);
    cr_assert_eq(q.nrejected, 0);
}

Test(quote, a_lane_that_gives_nothing_is_skipped)
{
    /* Lane 0 fixes the unit at 29900 (the list price): nothing; lane 1 takes 1000. */
    qf_policy p[] = {
        {.id = "pol_fix", .campaign = "cmp_live", .lane = 0, .effect = QE_FIXED_UNIT_PRICE,
         .value = 29900},
        {.id = "pol_off", .campaign = "cmp_live", .lane = 1, .effect = QE_AMOUNT_OFF, .value = 1000},
    };
    qe_quote q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_off:1000");
    cr_assert_eq(q.nrejected, 0);
}

Test(quote, policies_for_other_products_or_categories_are_not_looked_at)
{
    qf_policy p[] = {
        {.id = "pol_obs", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000,
         .products = "obs.standard"},
        {.id = "pol_storage", .campaign = "cmp_live", .lane = 1, .effect = QE_PERCENT_OFF,
         .value = 1000, .categories = 1u << CAT_STORAGE},
        {.id = "pol_pack", .campaign = "cmp_live", .lane = 2, .effect = QE_PERCENT_OFF,
         .value = 1000, .packs = "pck_a", .industries = 1u << 5 /* would be rejected */},
        {.id = "pol_compute", .campaign = "cmp_live", .lane = 3, .effect = QE_PERCENT_OFF,
         .value = 1000, .categories = 1u << CAT_COMPUTE},
    };
    qe_quote q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_compute:143520");
    cr_assert_eq(q.nrejected, 0);
}

Test(quote, a_product_named_twice_is_indexed_once)
{
    qf_policy p[] = {{.id = "pol_2x", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF,
                      .value = 10, .products = "ecs.general ecs.general", .packs = "pck_a pck_a"}};
    qe_quote q = ecs_quote(p, 1);
    expect_applied(&q.lines[0], "pol_2x:10");
    cr_assert_eq(snap.by_product_n[qf_product_at(&snap, "ecs.general")], 1);
    cr_assert_eq(snap.by_pack_n[qf_pack_at(&snap, "pck_a")], 1);
}

/* ---------------------------------------------------------------- minimums */

Test(quote, min_quantity)
{
    /* min 5: line 0 has 4 (rejected), line 1 has 5: 29900 x 5 = 149500, 10 % = 14950. */
    qf_policy p[] = {{.id = "pol_q", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                      .value = 1000, .min_quantity = 5}};
    build(p, N(p));
    qe_line_in l[] = {ECS_4x12, ecs(QE_MONTHLY, 5, 1, 0)};
    qe_quote q = price(l, 2);
    cr_assert_eq(q.lines[0].napplied, 0);
    expect_applied(&q.lines[1], "pol_q:14950");
    expect_rejected(&q, "pol_q", 0, QR_MIN_QUANTITY);
}

Test(quote, min_line_compares_the_list_price)
{
    qf_policy at_list[] = {{.id = "pol_l", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                            .value = 1000, .min_line = ECS_4x12_LIST}};
    qe_quote q = ecs_quote(at_list, 1);
    expect_applied(&q.lines[0], "pol_l:143520");

    qf_policy above[] = {{.id = "pol_l", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                          .value = 1000, .min_line = ECS_4x12_LIST + 1}};
    q = ecs_quote(above, 1);
    cr_assert_eq(q.lines[0].napplied, 0);
    expect_rejected(&q, "pol_l", 0, QR_MIN_LINE);

    /* A pack line: list 305800, 199800 after the pack's price; min 300000
     * compares the list, so it applies: 10 % of 199800 = 19980. */
    qf_policy pk[] = {{.id = "pol_l", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                       .value = 1000, .min_line = 300000}};
    build(pk, 1);
    qe_line_out l = price1(qf_pack_line(&snap, "pck_a", NORTH, 2));
    expect_applied(&l, "pol_l:19980");
}

/* n policies in one lane, amount off 1, policy i with minimum quantity
 * i + 1 (or minimum line 29900 x (i + 1)): a line of ecs.general, monthly,
 * q units for a month (list 29900 x q) fails the minimum of exactly the n -
 * q policies from q on. The index keeps distinct minimums as threshold sets
 * up to QE_MAX_THRESHOLDS of them and checks one policy at a time beyond:
 * both ways, at and around the ends. */
static void many_minimums(int n, bool quantity)
{
    static qf_policy p[QE_MAX_THRESHOLDS + 64];
    static char ids[QE_MAX_THRESHOLDS + 64][16];
    cr_assert_leq(n, N(p));
    for (int i = 0; i < n; i++) {
        snprintf(ids[i], sizeof ids[i], "pol_%04d", i);
        p[i] = (qf_policy){.id = ids[i], .campaign = "cmp_live", .effect = QE_AMOUNT_OFF,
                           .value = 1, .min_quantity = quantity ? i + 1 : 0,
                           .min_line = quantity ? 0 : 29900 * (int64_t)(i + 1)};
    }
    build(p, n);
    for (int q = 1; q <= n + 2; q += q < 4 || q > n - 4 ? 1 : 13) {
        qe_line_in l = ecs(QE_MONTHLY, q, 1, 0);
        qe_quote out = price(&l, 1);
        int below = 0;
        for (int k = 0; k < out.nrejected; k++)
            below += out.rejected[k].reason == (quantity ? QR_MIN_QUANTITY : QR_MIN_LINE);
        cr_assert_eq(below, n > q ? n - q : 0, "n %d, quantity %d", n, q);
        expect_applied(&out.lines[0], "pol_0000:1");
    }
}

Test(quote, many_minimum_quantities_and_lines)
{
    static const int ns[] = {1, 2, 255, QE_MAX_THRESHOLDS, QE_MAX_THRESHOLDS + 1, 300};
    for (int i = 0; i < N(ns); i++) {
        many_minimums(ns[i], true);
        many_minimums(ns[i], false);
    }
}

Test(quote, min_order_compares_the_cart_list_and_rejects_for_the_cart)
{
    /* Cart list: 1435200 + 333 = 1435533. The policy touches obs only. */
    qf_policy ok[] = {{.id = "pol_o", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                       .value = 1500, .products = "obs.standard", .min_order = 1435533}};
    build(ok, 1);
    qe_line_in l[] = {ECS_4x12, qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 1, 1, 0)};
    qe_quote q = price(l, 2);
    expect_applied(&q.lines[1], "pol_o:50");
    cr_assert_eq(q.list, 1435533);
    cr_assert_eq(q.final, 1435483);

    qf_policy no[] = {{.id = "pol_o", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                       .value = 1500, .products = "obs.standard", .min_order = 1435534}};
    build(no, 1);
    q = price(l, 2);
    cr_assert_eq(q.lines[1].napplied, 0);
    expect_rejected(&q, "pol_o", -1, QR_MIN_ORDER);
    cr_assert_eq(q.nrejected, 1);
}

/* ---------------------------------------------------------------- eligibility */

Test(quote, campaign_window_is_start_inclusive_end_exclusive)
{
    qf_policy p[] = {{.id = "pol_w", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000}};
    build(p, 1);
    qe_line_in l = ECS_4x12;
    int64_t applies[] = {1000, 1001, 1999};
    for (int i = 0; i < N(applies); i++) {
        qe_quote q = price_full(&plain_org, QE_ORDER_NEW, applies[i], &l, 1);
        cr_assert_eq(q.lines[0].napplied, 1, "at %" PRId64, applies[i]);
        cr_assert_eq(q.nrejected, 0);
    }
    int64_t not_live[] = {999, 2000, 2001};
    for (int i = 0; i < N(not_live); i++) {
        qe_quote q = price_full(&plain_org, QE_ORDER_NEW, not_live[i], &l, 1);
        cr_assert_eq(q.lines[0].napplied, 0, "at %" PRId64, not_live[i]);
        expect_rejected(&q, "pol_w", -1, QR_CAMPAIGN_NOT_LIVE);
    }
    cr_assert_eq(quote_policy_blocker(&snap, &plain_org, 0, 1000), -1);
    cr_assert_eq(quote_policy_blocker(&snap, &plain_org, 0, 2000), QR_CAMPAIGN_NOT_LIVE);
}

Test(quote, draft_campaign_is_not_live)
{
    qf_campaign c[] = {{.id = "cmp_draft", .starts_at = 1000, .ends_at = 2000, .draft = true}};
    qf_policy p[] = {{.id = "pol_d", .campaign = "cmp_draft", .effect = QE_PERCENT_OFF, .value = 1000}};
    build_c(c, 1, p, 1);
    qe_line_in l = ECS_4x12;
    qe_quote q = price(&l, 1);
    cr_assert_eq(q.lines[0].napplied, 0);
    expect_rejected(&q, "pol_d", -1, QR_CAMPAIGN_NOT_LIVE);
}

Test(quote, region_of_campaign_and_of_policy)
{
    qf_campaign c[] = {
        {.id = "cmp_south", .starts_at = 1000, .ends_at = 2000, .regions = SOUTH},
        {.id = "cmp_both", .starts_at = 1000, .ends_at = 2000, .regions = "cn-south-1 cn-north-4"},
    };
    qf_policy p[] = {
        {.id = "pol_c", .campaign = "cmp_south", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 1},
        {.id = "pol_p", .campaign = "cmp_both", .lane = 1, .effect = QE_AMOUNT_OFF, .value = 2,
         .regions = SOUTH},
        {.id = "pol_ok", .campaign = "cmp_both", .lane = 2, .effect = QE_AMOUNT_OFF, .value = 4,
         .regions = "ap-southeast-1 cn-north-4"},
    };
    build_c(c, N(c), p, N(p));
    qe_line_in l[] = {ECS_4x12, qf_product_line(&snap, "ecs.general", SOUTH, QE_MONTHLY, 1, 1, 0)};
    qe_quote q = price(l, 2);
    expect_applied(&q.lines[0], "pol_ok:4");
    expect_rejected(&q, "pol_c", 0, QR_REGION);
    expect_rejected(&q, "pol_p", 0, QR_REGION);
    /* In cn-south-1 the first two apply (each already reported for line
     * 0, so not again) and pol_ok is out of its regions. */
    expect_applied(&q.lines[1], "pol_c:1 pol_p:2");
    expect_rejected(&q, "pol_ok", 1, QR_REGION);
    cr_assert_eq(q.nrejected, 3);
}

Test(quote, industry_size_and_new_customer)
{
    /* The org is industry 1, size 1, not new. */
    qf_campaign c[] = {
        {.id = "cmp_any", .starts_at = 1000, .ends_at = 2000},
        {.id = "cmp_ind", .starts_at = 1000, .ends_at = 2000, .industries = 1u << 0},
        {.id = "cmp_new", .starts_at = 1000, .ends_at = 2000, .new_only = true},
        {.id = "cmp_size", .starts_at = 1000, .ends_at = 2000, .sizes = 1u << 3},
    };
    qf_policy p[] = {
        {.id = "pol_c_ind", .campaign = "cmp_ind", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 1},
        {.id = "pol_c_new", .campaign = "cmp_new", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 2},
        {.id = "pol_c_size", .campaign = "cmp_size", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 3},
        {.id = "pol_p_ind", .campaign = "cmp_any", .lane = 1, .effect = QE_AMOUNT_OFF, .value = 4,
         .industries = (1u << 0) | (1u << 2)},
        {.id = "pol_p_new", .campaign = "cmp_any", .lane = 1, .effect = QE_AMOUNT_OFF, .value = 5,
         .new_only = true},
        {.id = "pol_p_size", .campaign = "cmp_any", .lane = 1, .effect = QE_AMOUNT_OFF, .value = 6,
         .sizes = 1u << 0},
        {.id = "pol_ok", .campaign = "cmp_any", .lane = 2, .effect = QE_AMOUNT_OFF, .value = 7,
         .industries = 1u << 1, .sizes = (1u << 1) | (1u << 2)},
    };
    build_c(c, N(c), p, N(p));
    qe_line_in l = ECS_4x12;
    qe_quote q = price(&l, 1);
    expect_applied(&q.lines[0], "pol_ok:7");
    expect_rejected(&q, "pol_c_ind", -1, QR_INDUSTRY);
    expect_rejected(&q, "pol_c_new", -1, QR_NOT_NEW);
    expect_rejected(&q, "pol_c_size", -1, QR_SIZE);
    expect_rejected(&q, "pol_p_ind", -1, QR_INDUSTRY);
    expect_rejected(&q, "pol_p_new", -1, QR_NOT_NEW);
    expect_rejected(&q, "pol_p_size", -1, QR_SIZE);
    cr_assert_eq(q.nrejected, 6);

    /* A new customer of industry 0 and size 3 gets the campaign-level
     * ones: lane 0 best is 3 (cmp_size), lane 1 best is 5 (pol_p_new,
     * pol_p_ind gives 4, pol_p_size is rejected for size). */
    qe_org other = {.id = "org_2", .industry = 0, .size = 3, .new_customer = true};
    q = price_full(&other, QE_ORDER_NEW, AT, &l, 1);
    expect_applied(&q.lines[0], "pol_c_size:3 pol_p_new:5");
    expect_rejected(&q, "pol_c_ind", 0, QR_OUTDONE);
    expect_rejected(&q, "pol_c_new", 0, QR_OUTDONE);
    expect_rejected(&q, "pol_p_ind", 0, QR_OUTDONE);
    expect_rejected(&q, "pol_p_size", -1, QR_SIZE);
    expect_rejected(&q, "pol_ok", -1, QR_INDUSTRY);
}

Test(quote, order_type_and_billing_mode)
{
    qf_policy p[] = {
        {.id = "pol_renew", .campaign = "cmp_live", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 1,
         .order_types = 1u << QE_ORDER_RENEWAL},
        {.id = "pol_yearly", .campaign = "cmp_live", .lane = 1, .effect = QE_AMOUNT_OFF,
         .value = 2, .modes = 1u << QE_YEARLY},
    };
    build(p, N(p));
    qe_line_in l[] = {ECS_4x12, ecs(QE_YEARLY, 1, 12, 0)};
    qe_quote q = price(l, 2);
    cr_assert_eq(q.lines[0].napplied, 0);
    expect_applied(&q.lines[1], "pol_yearly:2");
    expect_rejected(&q, "pol_renew", -1, QR_ORDER_TYPE);
    expect_rejected(&q, "pol_yearly", 0, QR_MODE);

    q = price_full(&plain_org, QE_ORDER_RENEWAL, AT, l, 2);
    expect_applied(&q.lines[0], "pol_renew:1");
    expect_applied(&q.lines[1], "pol_renew:1 pol_yearly:2");
}

Test(quote, per_org_limit)
{
    qf_policy p[] = {{.id = "pol_lim", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF,
                      .value = 1000, .per_org_limit = 2}};
    build(p, 1);
    qe_line_in l = ECS_4x12;
    int64_t uses[1] = {2};
    qe_org org = plain_org;
    org.uses = uses;
    qe_quote q = price_full(&org, QE_ORDER_NEW, AT, &l, 1);
    cr_assert_eq(q.lines[0].napplied, 0);
    expect_rejected(&q, "pol_lim", -1, QR_PER_ORG_LIMIT);
    uses[0] = 1;
    q = price_full(&org, QE_ORDER_NEW, AT, &l, 1);
    expect_applied(&q.lines[0], "pol_lim:1000");
    q = price(&l, 1); /* no uses known */
    expect_applied(&q.lines[0], "pol_lim:1000");
}

Test(quote, total_limit)
{
    qf_policy full[] = {{.id = "pol_t", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF,
                         .value = 1000, .total_limit = 10, .used = 10}};
    qe_quote q = ecs_quote(full, 1);
    cr_assert_eq(q.lines[0].napplied, 0);
    expect_rejected(&q, "pol_t", -1, QR_TOTAL_LIMIT);
    qf_policy room[] = {{.id = "pol_t", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF,
                         .value = 1000, .total_limit = 10, .used = 9}};
    q = ecs_quote(room, 1);
    expect_applied(&q.lines[0], "pol_t:1000");
}

/* ---------------------------------------------------------------- budgets */

Test(quote, budget_caps_the_discount_at_what_is_left)
{
    /* 10 % would be 143520; 100000 - 90000 = 10000 left. */
    qf_policy p[] = {{.id = "pol_b", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                      .value = 1000, .budget = 100000, .spent = 90000}};
    qe_quote q = ecs_quote(p, 1);
    expect_applied(&q.lines[0], "pol_b:10000");
    cr_assert_eq(q.final, ECS_4x12_LIST - 10000);
}

Test(quote, budget_spent)
{
    int64_t spent[] = {100000, 100001};
    for (int i = 0; i < N(spent); i++) {
        qf_policy p[] = {{.id = "pol_b", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                          .value = 1000, .budget = 100000, .spent = spent[i]}};
        qe_quote q = ecs_quote(p, 1);
        cr_assert_eq(q.lines[0].napplied, 0);
        expect_rejected(&q, "pol_b", -1, QR_BUDGET_SPENT);
    }
}

Test(quote, lines_of_one_quote_share_one_budget)
{
    /* 150000 of budget; each line would take 143520:
     * line 0: 143520, line 1: 150000 - 143520 = 6480, line 2: nothing left. */
    qf_policy p[] = {{.id = "pol_b", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                      .value = 1000, .budget = 150000}};
    build(p, 1);
    qe_line_in l[] = {ECS_4x12, ECS_4x12, ECS_4x12};
    qe_quote q = price(l, 3);
    expect_applied(&q.lines[0], "pol_b:143520");
    expect_applied(&q.lines[1], "pol_b:6480");
    cr_assert_eq(q.lines[2].napplied, 0);
    expect_rejected(&q, "pol_b", 2, QR_BUDGET_SPENT);
    cr_assert_eq(q.list, 3 * ECS_4x12_LIST);
    cr_assert_eq(q.discount, 150000);
    cr_assert_eq(q.final, 3 * ECS_4x12_LIST - 150000);
}

Test(quote, capped_budget_competes_with_its_capped_amount)
{
    /* pol_a gives 10 % but has 10000 left; pol_b gives 5000: pol_a wins with 10000. */
    qf_policy p[] = {
        {.id = "pol_a", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000,
         .budget = 20000, .spent = 10000},
        {.id = "pol_b", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 5000},
    };
    qe_quote q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_a:10000");
    expect_rejected(&q, "pol_b", 0, QR_OUTDONE);
    /* With 4000 left, pol_b's 5000 wins. */
    p[0].spent = 16000;
    q = ecs_quote(p, N(p));
    expect_applied(&q.lines[0], "pol_b:5000");
    expect_rejected(&q, "pol_a", 0, QR_OUTDONE);
}

Test(quote, budget_used_up_on_one_line_lets_the_next_best_win_on_the_next)
{
    /* pol_a's budget is exactly one line's 10 %: line 0 pol_a 143520
     * (pol_b outdone), line 1 pol_a has nothing left, pol_b's 100000 wins. */
    qf_policy p[] = {
        {.id = "pol_a", .campaign = "cmp_live", .effect = QE_PERCENT_OFF, .value = 1000,
         .budget = 143520},
        {.id = "pol_b", .campaign = "cmp_live", .effect = QE_AMOUNT_OFF, .value = 100000},
    };
    build(p, N(p));
    qe_line_in l[] = {ECS_4x12, ECS_4x12};
    qe_quote q = price(l, 2);
    expect_applied(&q.lines[0], "pol_a:143520");
    expect_applied(&q.lines[1], "pol_b:100000");
    expect_rejected(&q, "pol_b", 0, QR_OUTDONE);
    expect_rejected(&q, "pol_a", 1, QR_BUDGET_SPENT);
    cr_assert_eq(q.discount, 243520);
}

/* ---------------------------------------------------------------- errors */

static const char *field0(const err_ctx *e) { return e->nfields ? e->fields[0].field : ""; }

Test(quote, product_not_sold_in_region_or_mode)
{
    build(NULL, 0);
    qe_cart cart = {.order_type = QE_ORDER_NEW, .nlines = 1, .at = AT};
    qe_quote q;

    qe_line_in l = qf_product_line(&snap, "ecs.general", AP, QE_MONTHLY, 1, 1, 0);
    cart.lines = &l;
    err_ctx e = {0};
    cr_assert_eq(quote_price(&snap, &plain_org, &cart, a, &q, &e), ERR_VALIDATION);
    cr_assert_eq(e.code, ERR_VALIDATION);
    cr_assert_str_eq(field0(&e), "lines[0].region");

    l = qf_product_line(&snap, "ecs.general", SOUTH, QE_YEARLY, 1, 12, 0); /* monthly only there */
    e = (err_ctx){0};
    cr_assert_eq(quote_price(&snap, &plain_org, &cart, a, &q, &e), ERR_VALIDATION);
    cr_assert_str_eq(field0(&e), "lines[0].billing_mode");

    /* The index of the bad line, and every bad line named. */
    qe_line_in two[] = {ECS_4x12, qf_product_line(&snap, "cdn.traffic", SOUTH, QE_MONTHLY, 1, 1, 0),
                        qf_product_line(&snap, "obs.standard", NORTH, QE_ON_DEMAND, 1, 0, 5)};
    cart.lines = two;
    cart.nlines = 3;
    e = (err_ctx){0};
    cr_assert_eq(quote_price(&snap, &plain_org, &cart, a, &q, &e), ERR_VALIDATION);
    cr_assert_eq(e.nfields, 2);
    cr_assert_str_eq(e.fields[0].field, "lines[1].region");
    cr_assert_str_eq(e.fields[1].field, "lines[2].billing_mode");
}

Test(quote, pack_item_not_sold_in_region)
{
    build(NULL, 0);
    qe_line_in l[] = {ECS_4x12, qf_pack_line(&snap, "pck_a", AP, 1)};
    qe_cart cart = {.order_type = QE_ORDER_NEW, .nlines = 2, .lines = l, .at = AT};
    qe_quote q;
    err_ctx e = {0};
    cr_assert_eq(quote_price(&snap, &plain_org, &cart, a, &q, &e), ERR_VALIDATION);
    cr_assert_str_eq(field0(&e), "lines[1].region");
}

/* ---------------------------------------------------------------- whole quotes */

/* A mixed cart under several policies, priced twice in fresh arenas. */
static const qf_policy mixed[] = {
    {.id = "pol_a", .campaign = "cmp_live", .lane = 0, .effect = QE_PERCENT_OFF, .value = 1500},
    {.id = "pol_b", .campaign = "cmp_live", .lane = 0, .effect = QE_AMOUNT_OFF, .value = 100000,
     .products = "ecs.general", .packs = "pck_a pck_b"},
    {.id = "pol_c", .campaign = "cmp_live", .lane = 1, .effect = QE_FREE_UNITS, .value = 1,
     .categories = 1u << CAT_STORAGE},
    {.id = "pol_d", .campaign = "cmp_live", .lane = 2, .effect = QE_PACK_PRICE, .value = 50000},
    {.id = "pol_e", .campaign = "cmp_live", .lane = 3, .effect = QE_PERCENT_OFF, .value = 500,
     .budget = 30000, .spent = 1000},
    {.id = "pol_f", .campaign = "cmp_live", .lane = 4, .effect = QE_AMOUNT_OFF, .value = 1,
     .min_quantity = 1000},
};

Test(quote, totals_are_sums_of_lines)
{
    build(mixed, N(mixed));
    qe_line_in l[] = {ECS_4x12, qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 3, 2, 0),
                      qf_pack_line(&snap, "pck_a", NORTH, 2), qf_pack_line(&snap, "pck_b", NORTH, 1)};
    qe_quote q = price(l, N(l));
    /* line 0: 1435200; lane 0: 15 % = 215280 beats 100000; 1219920 left;
     *   lane 3: 5 % of 1219920 = 60996 capped at 30000 - 1000 = 29000; 1190920.
     * line 1: obs 333 x 3 x 2 = 1998; lane 0: 15 % = 299.7 -> 300; 1698;
     *   lane 1: 1 of 3 free: 566; 1132; lane 3: budget gone (rejected).
     * line 2: pck_a x2: 305800, pack 106000 off, 199800; lane 0:
     *   100000 beats 15 % = 29970; 99800; lane 2:
     *   pack price 50000 x 2 = 100000 > 99800: nothing.
     * line 3: pck_b: 306300, 61260 off, 245040; lane 0: 100000 beats
     *   36756; 145040; lane 2: target 50000: 95040 off; 50000. */
    expect_applied(&q.lines[0], "pol_a:215280 pol_e:29000");
    cr_assert_eq(q.lines[0].final, 1190920);
    expect_applied(&q.lines[1], "pol_a:300 pol_c:566");
    cr_assert_eq(q.lines[1].final, 1132);
    expect_applied(&q.lines[2], "pol_b:100000");
    cr_assert_eq(q.lines[2].final, 99800);
    expect_applied(&q.lines[3], "pol_b:100000 pol_d:95040");
    cr_assert_eq(q.lines[3].final, 50000);
    cr_assert_eq(q.list, 1435200 + 1998 + 305800 + 306300);
    cr_assert_eq(q.final, 1190920 + 1132 + 99800 + 50000);
    cr_assert_eq(q.discount, q.list - q.final);
    expect_rejected(&q, "pol_b", 0, QR_OUTDONE);
    expect_rejected(&q, "pol_e", 1, QR_BUDGET_SPENT);
    expect_rejected(&q, "pol_f", 0, QR_MIN_QUANTITY);
}

static bool same_quote(const qe_quote *x, const qe_quote *y)
{
    if (x->nlines != y->nlines || x->list != y->list || x->discount != y->discount ||
        x->final != y->final || x->nrejected != y->nrejected)
        return false;
    for (int i = 0; i < x->nlines; i++) {
        const qe_line_out *p = &x->lines[i], *q = &y->lines[i];
        if (p->list != q->list || p->final != q->final || p->pack_discount != q->pack_discount ||
            p->napplied != q->napplied)
            return false;
        for (int j = 0; j < p->napplied; j++)
            if (p->applied[j].policy != q->applied[j].policy ||
                p->applied[j].amount != q->applied[j].amount)
                return false;
    }
    for (int i = 0; i < x->nrejected; i++)
        if (x->rejected[i].policy != y->rejected[i].policy ||
            x->rejected[i].line != y->rejected[i].line ||
            x->rejected[i].reason != y->rejected[i].reason)
            return false;
    return true;
}

Test(quote, same_inputs_same_answer)
{
    build(mixed, N(mixed));
    qe_line_in l[] = {ECS_4x12, qf_product_line(&snap, "obs.standard", NORTH, QE_MONTHLY, 3, 2, 0),
                      qf_pack_line(&snap, "pck_a", NORTH, 2), qf_pack_line(&snap, "pck_b", NORTH, 1)};
    qe_quote first = price(l, N(l));
    for (int i = 0; i < 3; i++) {
        arena *other = arena_new(1 << 20);
        qe_cart cart = {.order_type = QE_ORDER_NEW, .nlines = N(l), .lines = l, .at = AT};
        qe_quote q;
        err_ctx e = {0};
        cr_assert_eq(quote_price(&snap, &plain_org, &cart, other, &q, &e), 0);
        cr_assert(same_quote(&first, &q));
        arena_free(other);
    }
}

Test(quote, a_cart_level_rejection_is_reported_once)
{
    qf_policy p[] = {{.id = "pol_r", .campaign = "cmp_live", .effect = QE_PERCENT_OFF,
                      .value = 1000, .order_types = 1u << QE_ORDER_RENEWAL}};
    build(p, 1);
    qe_line_in l[] = {ECS_4x12, ECS_4x12, ECS_4x12};
    qe_quote q = price(l, 3);
    cr_assert_eq(q.nrejected, 1);
    expect_rejected(&q, "pol_r", -1, QR_ORDER_TYPE);
}

Test(quote, empty_cart)
{
    build(NULL, 0);
    qe_quote q = price(NULL, 0);
    cr_assert_eq(q.list, 0);
    cr_assert_eq(q.final, 0);
    cr_assert_eq(q.nrejected, 0);
}

/* ------------------------------------------------------------------------
 * Properties over random worlds: a small catalog with random prices,
 * packs, two campaigns, up to ten policies with random conditions, effects
 * and limits, a random org and a random cart. The generator is seeded, so
 * every run sees the same cases; a failure names its seed and case.
 *
 * Codes are chosen so that sorting keeps the table order: regions r0..r2,
 * products p0..p4, packs k0..k2, campaigns c0..c1; a cart's indices are
 * then the same in every snapshot built from one world. Region r0 sells
 * every product in every mode, so pack lines are priced there.
 * ------------------------------------------------------------------------ */

#define CASES 2000
#define W_REGIONS 3
#define W_PRODUCTS 5
#define W_PACKS 3
#define W_CAMPAIGNS 2
#define W_MAXPOL 10
#define W_MAXLINES 6

typedef struct rng {
    uint64_t s;
} rng;

/* splitmix64 */
static uint64_t rng_next(rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t rnd(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static bool chance(rng *r, int percent) { return rnd(r, 0, 99) < percent; }

typedef struct world {
    const char *regions[W_REGIONS];
    qf_product products[W_PRODUCTS];
    qf_price prices[W_REGIONS * W_PRODUCTS * QE_NMODES];
    int nprices;
    int64_t unit[W_PRODUCTS][W_REGIONS][QE_NMODES]; /* -1: not sold */
    qf_pack packs[W_PACKS];
    qf_campaign campaigns[W_CAMPAIGNS];
    qf_policy policies[W_MAXPOL];
    int npolicies;
    char lists[W_MAXPOL][4][48]; /* regions, products, packs of each policy */
    int64_t uses[W_MAXPOL];      /* the org's uses, by table row */
    qe_org org;
    int order_type;
    int64_t at;
    int nlines;
    qe_line_in lines[W_MAXLINES];
} world;

static const char *const w_regions[] = {"r0", "r1", "r2"};
static const char *const w_products[] = {"p0", "p1", "p2", "p3", "p4"};
static const char *const w_packs[] = {"k0", "k1", "k2"};
static const char *const w_ids[] = {"q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9"};
static const int w_categories[] = {CAT_COMPUTE, CAT_STORAGE, CAT_CDN};

/* A random non-empty subset of n codes, space-separated, into out. */
static const char *subset(rng *r, const char *const *codes, int n, char *out, size_t cap)
{
    out[0] = '\0';
    uint64_t mask = (uint64_t)rnd(r, 1, (1 << n) - 1);
    for (int i = 0; i < n; i++)
        if (mask >> i & 1) {
            size_t len = strlen(out);
            snprintf(out + len, cap - len, "%s%s", len ? " " : "", codes[i]);
        }
    return out;
}

static uint32_t some_bits(rng *r, int n) { return (uint32_t)rnd(r, 1, (1 << n) - 1); }

typedef struct gen_opts {
    bool budgets; /* policies may have budgets */
} gen_opts;

static void gen_world(rng *r, world *w, gen_opts o)
{
    memset(w, 0, sizeof *w);
    for (int i = 0; i < W_REGIONS; i++)
        w->regions[i] = w_regions[i];
    for (int p = 0; p < W_PRODUCTS; p++) {
        w->products[p] = (qf_product){w_products[p], w_categories[rnd(r, 0, 2)]};
        for (int g = 0; g < W_REGIONS; g++)
            for (int m = 0; m < QE_NMODES; m++) {
                int64_t top = m == QE_ON_DEMAND ? 200 : m == QE_MONTHLY ? 50000 : 500000;
                int64_t u = g == 0 || chance(r, 60) ? (chance(r, 5) ? 0 : rnd(r, 1, top)) : -1;
                w->unit[p][g][m] = u;
                if (u >= 0)
                    w->prices[w->nprices++] = (qf_price){w_products[p], w_regions[g], m, u};
            }
    }
    for (int k = 0; k < W_PACKS; k++) {
        qf_pack *pk = &w->packs[k];
        pk->id = w_packs[k];
        pk->nitems = (int)rnd(r, 1, 3);
        for (int i = 0; i < pk->nitems; i++) {
            int m = (int)rnd(r, 0, QE_NMODES - 1);
            pk->items[i] = (qf_item){w_products[rnd(r, 0, W_PRODUCTS - 1)], m, rnd(r, 1, 5),
                                     m == QE_YEARLY ? 12 * rnd(r, 1, 2) : rnd(r, 1, 3)};
        }
        bool by_price = chance(r, 50);
        pk->price = by_price ? rnd(r, 0, 300000) : -1;
        pk->discount_bp = by_price ? -1 : rnd(r, 0, 10000);
    }
    w->campaigns[0] = (qf_campaign){.id = "c0", .starts_at = 1000, .ends_at = 2000};
    int64_t start = rnd(r, 0, 2000);
    w->campaigns[1] = (qf_campaign){
        .id = "c1",
        .starts_at = start,
        .ends_at = start + rnd(r, 1, 2000),
        .draft = chance(r, 10),
        .new_only = chance(r, 15),
        .regions = chance(r, 20) ? subset(r, w_regions, W_REGIONS, w->lists[0][3], 48) : NULL,
        .industries = chance(r, 20) ? some_bits(r, 4) : 0,
        .sizes = chance(r, 20) ? some_bits(r, 4) : 0,
    };

    w->npolicies = (int)rnd(r, 0, W_MAXPOL);
    for (int i = 0; i < w->npolicies; i++) {
        qf_policy *p = &w->policies[i];
        qe_effect eff = (qe_effect)rnd(r, 0, 4);
        int64_t value = eff == QE_PERCENT_OFF        ? rnd(r, 1, 10000)
                        : eff == QE_AMOUNT_OFF       ? rnd(r, 1, 300000)
                        : eff == QE_FIXED_UNIT_PRICE ? rnd(r, 0, 60000)
                        : eff == QE_PACK_PRICE       ? rnd(r, 0, 300000)
                                                     : rnd(r, 1, 25);
        *p = (qf_policy){
            .id = w_ids[i],
            .campaign = chance(r, 70) ? "c0" : "c1",
            .lane = (int)rnd(r, 0, 3),
            .effect = eff,
            .value = value,
            .regions = chance(r, 15) ? subset(r, w_regions, W_REGIONS, w->lists[i][0], 48) : NULL,
            .products = chance(r, 25) ? subset(r, w_products, W_PRODUCTS, w->lists[i][1], 48) : NULL,
            .packs = chance(r, 20) ? subset(r, w_packs, W_PACKS, w->lists[i][2], 48) : NULL,
            .industries = chance(r, 15) ? some_bits(r, 4) : 0,
            .sizes = chance(r, 15) ? some_bits(r, 4) : 0,
            .categories = chance(r, 20) ? (1u << w_categories[rnd(r, 0, 2)]) |
                                              (chance(r, 30) ? 1u << w_categories[rnd(r, 0, 2)] : 0)
                                        : 0,
            .modes = chance(r, 15) ? some_bits(r, QE_NMODES) : 0,
            .order_types = chance(r, 15) ? some_bits(r, 2) : 0,
            .new_only = chance(r, 10),
            .min_quantity = chance(r, 10) ? rnd(r, 1, 10) : 0,
            .min_line = chance(r, 10) ? rnd(r, 1, 500000) : 0,
            .min_order = chance(r, 10) ? rnd(r, 1, 2000000) : 0,
        };
        if (chance(r, 20)) {
            p->per_org_limit = rnd(r, 1, 3);
            w->uses[i] = rnd(r, 0, 4);
        }
        if (chance(r, 20)) {
            p->total_limit = rnd(r, 1, 100);
            p->used = p->total_limit + rnd(r, -2, 1);
            if (p->used < 0)
                p->used = 0;
        }
        if (o.budgets && chance(r, 35)) {
            p->budget = rnd(r, 1, 300000);
            p->spent = chance(r, 20) ? p->budget + rnd(r, 0, 10) : rnd(r, 0, p->budget - 1);
        }
    }

    w->org = (qe_org){.id = "org_r", .industry = (int)rnd(r, 0, 3), .size = (int)rnd(r, 0, 3),
                      .new_customer = chance(r, 50)};
    w->order_type = (int)rnd(r, 0, 1);
    w->at = chance(r, 80) ? rnd(r, 1000, 1999) : rnd(r, 0, 3000);
    w->nlines = (int)rnd(r, 1, W_MAXLINES);
    for (int i = 0; i < w->nlines; i++) {
        qe_line_in *l = &w->lines[i];
        if (chance(r, 25)) {
            *l = (qe_line_in){.product = -1, .pack = (int)rnd(r, 0, W_PACKS - 1), .region = 0,
                              .mode = QE_MONTHLY, .quantity = rnd(r, 1, 5)};
            continue;
        }
        int p = (int)rnd(r, 0, W_PRODUCTS - 1), g = (int)rnd(r, 0, W_REGIONS - 1);
        int m = (int)rnd(r, 0, QE_NMODES - 1);
        if (w->unit[p][g][m] < 0)
            g = 0;
        *l = (qe_line_in){.product = p, .pack = -1, .region = g, .mode = m,
                          .quantity = chance(r, 80) ? rnd(r, 1, 10) : rnd(r, 1, 1000)};
        if (m == QE_ON_DEMAND)
            l->hours = rnd(r, 1, 8784);
        else if (m == QE_YEARLY)
            l->months = 12 * rnd(r, 1, 5);
        else
            l->months = rnd(r, 1, 60);
    }
}

/* The world's table row of snapshot policy pi (ids are q0..q9). */
static int row_of(const qe_snapshot *s, int pi) { return s->policies[pi].id[1] - '0'; }

/* Builds a snapshot of the world with all its policies (only < 0) or with
 * policy row `only` alone; fills uses (per snapshot policy index). */
static void build_world(arena *ar, const world *w, int only, qe_snapshot *s, int64_t *uses)
{
    qf_spec spec = {
        .nregions = W_REGIONS, .regions = w->regions,
        .nproducts = W_PRODUCTS, .products = w->products,
        .nprices = w->nprices, .prices = w->prices,
        .npacks = W_PACKS, .packs = w->packs,
        .ncampaigns = W_CAMPAIGNS, .campaigns = w->campaigns,
        .npolicies = only < 0 ? w->npolicies : 1,
        .policies = only < 0 ? w->policies : &w->policies[only],
    };
    qf_build(ar, &spec, s);
    for (int i = 0; i < W_REGIONS; i++)
        cr_assert_eq(qe_region_find(s, w_regions[i]), i);
    for (int i = 0; i < W_PRODUCTS; i++)
        cr_assert_eq(qe_product_find(s, w_products[i]), i);
    for (int i = 0; i < W_PACKS; i++)
        cr_assert_eq(qe_pack_find(s, w_packs[i]), i);
    for (int pi = 0; pi < s->npolicies; pi++)
        uses[pi] = w->uses[row_of(s, pi)];
}

/* Prices the world's cart against s; the cart always prices. */
static qe_quote price_world(arena *ar, const world *w, const qe_snapshot *s, const int64_t *uses,
                            const char *ctx)
{
    qe_org org = w->org;
    org.uses = uses;
    qe_cart cart = {.order_type = w->order_type, .nlines = w->nlines, .lines = w->lines,
                    .at = w->at};
    qe_quote q;
    err_ctx e = {0};
    int rc = quote_price(s, &org, &cart, ar, &q, &e);
    cr_assert_eq(rc, 0, "%s: quote_price %d: %s %s", ctx, rc, field0(&e), e.detail);
    cr_assert_eq(q.nlines, w->nlines, "%s", ctx);
    return q;
}

/* Runs the body (the rest of the arguments) over CASES random worlds from
 * seed; the body sees ar, w, s, uses, q (the full quote) and ctx (the
 * case's name for messages). */
#define FOR_CASES(seed, opts, ...)                                                     \
    do {                                                                               \
        rng r_ = {(seed)};                                                             \
        static world w_;                                                               \
        for (int case_ = 0; case_ < CASES; case_++) {                                  \
            char ctx[64];                                                              \
            snprintf(ctx, sizeof ctx, "seed %#llx case %d", (unsigned long long)(seed), \
                     case_);                                                           \
            arena *ar = arena_new(8 << 20);                                            \
            cr_assert_not_null(ar);                                                    \
            gen_world(&r_, &w_, (opts));                                               \
            const world *w = &w_;                                                      \
            qe_snapshot s;                                                             \
            int64_t uses[W_MAXPOL + 1];                                                \
            build_world(ar, w, -1, &s, uses);                                          \
            qe_quote q = price_world(ar, w, &s, uses, ctx);                            \
            __VA_ARGS__;                                                               \
            arena_free(ar);                                                            \
        }                                                                              \
    } while (0)

Test(quote_prop, never_below_zero_never_above_list, .timeout = 20)
{
    FOR_CASES(0x5eed0001, ((gen_opts){.budgets = true}), {
        for (int i = 0; i < q.nlines; i++) {
            const qe_line_out *l = &q.lines[i];
            cr_assert_geq(l->final, 0, "%s line %d: final %" PRId64, ctx, i, l->final);
            cr_assert_leq(l->final, l->list, "%s line %d: final %" PRId64 " > list %" PRId64,
                          ctx, i, l->final, l->list);
            cr_assert_geq(l->pack_discount, 0, "%s line %d", ctx, i);
            if (w->lines[i].pack < 0)
                cr_assert_eq(l->pack_discount, 0, "%s line %d", ctx, i);
            for (int j = 0; j < l->napplied; j++)
                cr_assert_gt(l->applied[j].amount, 0, "%s line %d applied %d", ctx, i, j);
        }
        cr_assert_geq(q.list, 0, "%s", ctx);
        cr_assert_geq(q.discount, 0, "%s", ctx);
        cr_assert_geq(q.final, 0, "%s", ctx);
    });
}

Test(quote_prop, totals_are_sums_of_lines, .timeout = 20)
{
    FOR_CASES(0x5eed0002, ((gen_opts){.budgets = true}), {
        int64_t list = 0, final = 0;
        for (int i = 0; i < q.nlines; i++) {
            const qe_line_out *l = &q.lines[i];
            int64_t off = l->pack_discount;
            for (int j = 0; j < l->napplied; j++)
                off += l->applied[j].amount;
            cr_assert_eq(l->list - off, l->final, "%s line %d: %" PRId64 " - %" PRId64
                         " != %" PRId64, ctx, i, l->list, off, l->final);
            int64_t v;
            err_ctx e = {0};
            cr_assert_eq(quote_list_price(&s, &w->lines[i], i, &v, &e), 0, "%s", ctx);
            cr_assert_eq(v, l->list, "%s line %d", ctx, i);
            list += l->list;
            final += l->final;
        }
        cr_assert_eq(q.list, list, "%s", ctx);
        cr_assert_eq(q.final, final, "%s", ctx);
        cr_assert_eq(q.discount, list - final, "%s", ctx);
    });
}

Test(quote_prop, never_worse_than_the_best_single_policy, .timeout = 20)
{
    /* No budgets: a budget shared with other lines would make "alone" a
     * different question. */
    FOR_CASES(0x5eed0003, ((gen_opts){.budgets = false}), {
        for (int row = 0; row < w->npolicies; row++) {
            qe_snapshot one;
            int64_t one_uses[1];
            build_world(ar, w, row, &one, one_uses);
            qe_quote alone = price_world(ar, w, &one, one_uses, ctx);
            for (int i = 0; i < q.nlines; i++)
                cr_assert_leq(q.lines[i].final, alone.lines[i].final,
                              "%s line %d: %" PRId64 " with all, %" PRId64 " with %s alone", ctx,
                              i, q.lines[i].final, alone.lines[i].final, w->policies[row].id);
        }
    });
}

Test(quote_prop, lanes_in_order_at_most_one_each, .timeout = 20)
{
    FOR_CASES(0x5eed0004, ((gen_opts){.budgets = true}), {
        for (int i = 0; i < q.nlines; i++) {
            const qe_line_out *l = &q.lines[i];
            cr_assert_leq(l->napplied, 10, "%s", ctx);
            for (int j = 0; j < l->napplied; j++) {
                int pi = l->applied[j].policy;
                cr_assert(pi >= 0 && pi < s.npolicies, "%s line %d: policy %d", ctx, i, pi);
                if (j)
                    cr_assert_lt(s.policies[l->applied[j - 1].policy].lane, s.policies[pi].lane,
                                 "%s line %d: applied %d", ctx, i, j);
            }
        }
        /* Rejections name real policies and lines, each policy once. */
        for (int k = 0; k < q.nrejected; k++) {
            const qe_rejection *rj = &q.rejected[k];
            cr_assert(rj->policy >= 0 && rj->policy < s.npolicies, "%s", ctx);
            cr_assert(rj->line >= -1 && rj->line < q.nlines, "%s", ctx);
            cr_assert(rj->reason >= 0 && rj->reason < QR__COUNT, "%s", ctx);
            for (int m = 0; m < k; m++)
                cr_assert_neq(q.rejected[m].policy, rj->policy, "%s: %s twice", ctx,
                              s.policies[rj->policy].id);
        }
    });
}

Test(quote_prop, limits_and_budgets_respected, .timeout = 20)
{
    FOR_CASES(0x5eed0005, ((gen_opts){.budgets = true}), {
        int64_t given[W_MAXPOL] = {0};
        for (int i = 0; i < q.nlines; i++)
            for (int j = 0; j < q.lines[i].napplied; j++) {
                int pi = q.lines[i].applied[j].policy;
                const qe_policy *p = &s.policies[pi];
                cr_assert(!p->per_org_limit || uses[pi] < p->per_org_limit,
                          "%s: %s applied with %" PRId64 " of %" PRId64 " uses", ctx, p->id,
                          uses[pi], p->per_org_limit);
                cr_assert(!p->total_limit || p->used < p->total_limit,
                          "%s: %s applied past its total limit", ctx, p->id);
                given[pi] += q.lines[i].applied[j].amount;
            }
        for (int pi = 0; pi < s.npolicies; pi++) {
            const qe_policy *p = &s.policies[pi];
            if (p->budget)
                cr_assert_leq(given[pi], p->budget > p->spent ? p->budget - p->spent : 0,
                              "%s: %s gave %" PRId64 ", budget %" PRId64 " spent %" PRId64, ctx,
                              p->id, given[pi], p->budget, p->spent);
        }
        /* A policy blocked for the org is never applied, and is reported
         * for the cart when some line could have used it. */
        for (int pi = 0; pi < s.npolicies; pi++) {
            qe_org org = w->org;
            org.uses = uses;
            if (quote_policy_blocker(&s, &org, pi, w->at) < 0)
                continue;
            for (int i = 0; i < q.nlines; i++)
                for (int j = 0; j < q.lines[i].napplied; j++)
                    cr_assert_neq(q.lines[i].applied[j].policy, pi, "%s: blocked %s applied",
                                  ctx, s.policies[pi].id);
        }
    });
}

Test(quote_prop, same_inputs_same_answer, .timeout = 20)
{
    FOR_CASES(0x5eed0006, ((gen_opts){.budgets = true}), {
        qe_quote again = price_world(ar, w, &s, uses, ctx);
        cr_assert(same_quote(&q, &again), "%s", ctx);
    });
}

/* The generator is worth something only if it reaches the rules: every
 * effect applied, every reason given, several lanes on one line, a budget
 * capping a discount. */
Test(quote_prop, generator_reaches_every_rule, .timeout = 20)
{
    int effects[5] = {0}, reasons[QR__COUNT] = {0}, multi = 0, pack_lines = 0, capped = 0;
    FOR_CASES(0x5eed0001, ((gen_opts){.budgets = true}), {
        for (int i = 0; i < q.nlines; i++) {
            const qe_line_out *l = &q.lines[i];
            multi += l->napplied > 1;
            pack_lines += w->lines[i].pack >= 0 && l->napplied > 0;
            for (int j = 0; j < l->napplied; j++) {
                const qe_policy *p = &s.policies[l->applied[j].policy];
                effects[p->effect]++;
                capped += p->budget && l->applied[j].amount == p->budget - p->spent;
            }
        }
        for (int k = 0; k < q.nrejected; k++)
            reasons[q.rejected[k].reason]++;
    });
    for (int i = 0; i < 5; i++)
        cr_expect_gt(effects[i], 20, "%s applied %d times", qe_effects[i], effects[i]);
    for (int i = 0; i < QR__COUNT; i++)
        cr_expect_gt(reasons[i], 5, "%s given %d times", qe_reason_codes[i], reasons[i]);
    cr_expect_gt(multi, 100, "lines with several lanes: %d", multi);
    cr_expect_gt(pack_lines, 50, "pack lines with a policy: %d", pack_lines);
    cr_expect_gt(capped, 5, "budget-capped discounts: %d", capped);
    cr_log_info("effects %d %d %d %d %d; multi-lane lines %d; pack lines %d; capped %d", effects[0],
                effects[1], effects[2], effects[3], effects[4], multi, pack_lines, capped);
}

/* Whether a space-separated list holds code. */
static bool lists(const char *list, const char *code)
{
    size_t n = strlen(code);
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, code, n) == 0)
            return true;
        p += len + (p[len] == ' ');
    }
    return false;
}

/* Sorted strictly increasing, so merges give (lane, id) order. */
static void expect_sorted(const int *v, int n, const char *what, const char *ctx)
{
    for (int i = 1; i < n; i++)
        cr_assert_lt(v[i - 1], v[i], "%s: %s not sorted", ctx, what);
}

/* The candidate index against a scan of every policy: a product line sees
 * the policies listing its product, and those with no product or pack
 * list whose categories are empty or hold the product's; a pack line sees
 * those listing the pack and those with no list and no category at all. */
Test(quote_prop, index_matches_a_scan_of_every_policy, .timeout = 20)
{
    FOR_CASES(0x5eed0007, ((gen_opts){.budgets = true}), {
        (void)q;
        for (int pi = 0; pi < s.npolicies; pi++) {
            const qf_policy *row = &w->policies[row_of(&s, pi)];
            bool open = !row->products && !row->packs;
            cr_assert_eq(s.policies[pi].any_item, open && !row->categories, "%s", ctx);
            if (pi)
                cr_assert(s.policies[pi - 1].lane < s.policies[pi].lane ||
                              (s.policies[pi - 1].lane == s.policies[pi].lane &&
                               strcmp(s.policies[pi - 1].id, s.policies[pi].id) < 0),
                          "%s: policies not in (lane, id) order", ctx);
        }
        for (int p = 0; p < W_PRODUCTS; p++) {
            int cat = s.products[p].category;
            expect_sorted(s.by_product[p], s.by_product_n[p], "by_product", ctx);
            expect_sorted(s.by_category[cat], s.by_category_n[cat], "by_category", ctx);
            expect_sorted(s.open, s.nopen, "open", ctx);
            for (int pi = 0; pi < s.npolicies; pi++) {
                const qf_policy *row = &w->policies[row_of(&s, pi)];
                bool want = lists(row->products, w_products[p]) ||
                            (!row->products && !row->packs &&
                             (!row->categories || (row->categories >> cat & 1)));
                int seen = 0;
                for (int i = 0; i < s.by_product_n[p]; i++)
                    seen += s.by_product[p][i] == pi;
                for (int i = 0; i < s.by_category_n[cat]; i++)
                    seen += s.by_category[cat][i] == pi;
                for (int i = 0; i < s.nopen; i++)
                    seen += s.open[i] == pi;
                cr_assert_eq(seen, want ? 1 : 0, "%s: %s for product %s seen %d times", ctx,
                             s.policies[pi].id, w_products[p], seen);
            }
        }
        for (int k = 0; k < W_PACKS; k++) {
            expect_sorted(s.by_pack[k], s.by_pack_n[k], "by_pack", ctx);
            for (int pi = 0; pi < s.npolicies; pi++) {
                const qf_policy *row = &w->policies[row_of(&s, pi)];
                bool want = lists(row->packs, w_packs[k]) ||
                            (!row->products && !row->packs && !row->categories);
                int seen = 0;
                for (int i = 0; i < s.by_pack_n[k]; i++)
                    seen += s.by_pack[k][i] == pi;
                for (int i = 0; i < s.nopen; i++)
                    seen += s.open[i] == pi;
                cr_assert_eq(seen, want ? 1 : 0, "%s: %s for pack %s seen %d times", ctx,
                             s.policies[pi].id, w_packs[k], seen);
            }
        }
    });
}
