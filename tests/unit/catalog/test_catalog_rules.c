/*
 * test_catalog_rules.c: pure validation of regions, products (with their
 * prices) and packs (no database). Every expectation is worked out by hand
 * from docs/api.md.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "catalog/catalog.h"
#include "../support.h"

static const char *modes_mm[] = {"monthly", "yearly"};

static catalog_product_input good_product(void)
{
    return (catalog_product_input){
        .code = "ecs.general", .name = {"通用计算型", "General-purpose ECS"},
        .category = "compute", .unit = {"台", "instance"},
        .billing_modes = {true, 2, modes_mm},
    };
}

static catalog_pack_item_input item(const char *product, const char *mode, int64_t q, int64_t m)
{
    return (catalog_pack_item_input){product, mode, {true, q}, {true, m}};
}

Test(catalog_rules, vocabularies_and_codes)
{
    cr_assert_str_eq(catalog_billing_modes[0], "on_demand");
    cr_assert_str_eq(catalog_billing_modes[2], "yearly");
    cr_assert_null(catalog_billing_modes[3]);
    cr_assert_eq(catalog_mode_bit("on_demand"), 1u);
    cr_assert_eq(catalog_mode_bit("monthly"), 2u);
    cr_assert_eq(catalog_mode_bit("yearly"), 4u);
    cr_assert_eq(catalog_mode_bit("weekly"), 0u);
    cr_assert_eq(catalog_mode_bit(NULL), 0u);
    cr_assert_str_eq(catalog_categories[0], "compute");
    cr_assert_str_eq(catalog_categories[12], "other");
    cr_assert_null(catalog_categories[13]);

    cr_assert(catalog_code_ok("cn-north-4"));
    cr_assert(catalog_code_ok("ecs.general"));
    cr_assert(catalog_code_ok("5g-vr"));
    cr_assert(catalog_code_ok("ab"));
    cr_assert(catalog_code_ok("a."));
    cr_assert_not(catalog_code_ok("a"), "too short");
    cr_assert_not(catalog_code_ok(""));
    cr_assert_not(catalog_code_ok("-ab"), "starts with a dash");
    cr_assert_not(catalog_code_ok(".ab"), "starts with a dot");
    cr_assert_not(catalog_code_ok("Ab"), "upper case");
    cr_assert_not(catalog_code_ok("a b"));
    cr_assert_not(catalog_code_ok("a_b"));
    cr_assert_not(catalog_code_ok("区域"));
    char s[80];
    cr_assert(catalog_code_ok(repeat(s, sizeof s, "a", 64)));
    cr_assert_not(catalog_code_ok(repeat(s, sizeof s, "a", 65)));

    cr_assert(catalog_pack_industry_ok("ecommerce"));
    cr_assert(catalog_pack_industry_ok("other"));
    cr_assert(catalog_pack_industry_ok("overseas"));
    cr_assert_not(catalog_pack_industry_ok("toys"));
    cr_assert_not(catalog_pack_industry_ok(NULL));
}

Test(catalog_rules, region_good_and_required)
{
    err_ctx e = {0};
    catalog_region_input in = {"cn-north-4", "domestic", {"华北-北京四", "CN North-Beijing4"}};
    cr_assert_eq(catalog_check_region(&in, false, &e), 0);
    cr_assert_eq(e.nfields, 0);

    catalog_region_input none = {0};
    cr_assert_eq(catalog_check_region(&none, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "code name area");
    cr_assert_str_eq(message_of(&e, "name"), "is required");

    err_clear(&e);
    cr_assert_eq(catalog_check_region(&none, true, &e), 0, "an empty PATCH is fine");
}

Test(catalog_rules, region_bad_values)
{
    err_ctx e = {0};
    catalog_region_input in = {"CN North", "moon", {"", NULL}};
    cr_assert_eq(catalog_check_region(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "code name.zh name.en area");
    cr_assert_str_eq(message_of(&e, "name.zh"), "must not be empty");
    cr_assert_str_eq(message_of(&e, "name.en"), "is required");
    cr_assert_str_eq(message_of(&e, "area"), "must be one of: domestic, overseas");

    err_clear(&e);
    catalog_region_input patch = {.code = "cn-north-4"};
    cr_assert_eq(catalog_check_region(&patch, true, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "code"), "cannot be changed");
}

Test(catalog_rules, name_length_counts_characters)
{
    err_ctx e = {0};
    char zh[700], en[300];
    /* 200 three-byte characters are 600 bytes but 200 characters. */
    catalog_region_input in = {"cn-north-4", "domestic", {NULL, NULL}};
    in.name.zh = repeat(zh, sizeof zh, "华", 200);
    in.name.en = repeat(en, sizeof en, "a", 200);
    cr_assert_eq(catalog_check_region(&in, false, &e), 0);
    in.name.en = repeat(en, sizeof en, "a", 201);
    cr_assert_eq(catalog_check_region(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "name.en"), "must be at most 200 characters");
    cr_assert_eq(e.nfields, 1);
}

Test(catalog_rules, product_good)
{
    err_ctx e = {0};
    catalog_product_input in = good_product();
    catalog_price_input prices[] = {
        {"cn-north-4", "monthly", {true, 29900}},
        {"cn-north-4", "yearly", {true, 0}},
        {"ap-southeast-1", "monthly", {true, 1000000000}},
    };
    in.prices_set = true;
    in.nprices = 3;
    in.prices = prices;
    cr_assert_eq(catalog_check_product(&in, false, &e), 0, "%s", e.fields[0].field);
}

Test(catalog_rules, product_required_and_enums)
{
    err_ctx e = {0};
    catalog_product_input none = {0};
    cr_assert_eq(catalog_check_product(&none, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "code name category unit billing_modes");

    err_clear(&e);
    const char *modes[] = {"monthly", "weekly", "monthly", NULL};
    catalog_product_input in = good_product();
    in.category = "toys";
    in.unit.zh = " ";
    in.billing_modes = (jv_strings){true, 4, modes}; /* [3] was not a string */
    cr_assert_eq(catalog_check_product(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "category unit.zh billing_modes[1] billing_modes[2]");
    cr_assert_str_eq(message_of(&e, "billing_modes[1]"),
                     "must be one of: on_demand, monthly, yearly");
    cr_assert_str_eq(message_of(&e, "billing_modes[2]"), "is listed twice");
    cr_assert_str_eq(message_of(&e, "unit.zh"), "must not be empty");

    err_clear(&e);
    in = good_product();
    in.billing_modes.n = 0;
    in.unit.en = "123456789012345678901";
    cr_assert_eq(catalog_check_product(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "unit.en billing_modes");
    cr_assert_str_eq(message_of(&e, "unit.en"), "must be at most 20 characters");
    cr_assert_str_eq(message_of(&e, "billing_modes"), "must not be empty");
}

Test(catalog_rules, product_prices)
{
    err_ctx e = {0};
    catalog_product_input in = good_product(); /* monthly, yearly */
    catalog_price_input prices[] = {
        {"cn-north-4", "monthly", {true, 1}},
        {"cn-north-4", "monthly", {true, 2}},          /* (region, mode) again */
        {"cn-north-4", "on_demand", {true, 3}},        /* not a mode of the product */
        {"Mars", "yearly", {true, -1}},                /* bad code, negative */
        {"cn-east-3", "weekly", {true, 1000000001}},   /* unknown mode, too much */
        {NULL, NULL, {false, 0}},                      /* all missing */
    };
    in.prices_set = true;
    in.nprices = 6;
    in.prices = prices;
    cr_assert_eq(catalog_check_product(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "prices[1] prices[3].region prices[3].unit_price prices[4].billing_mode "
                     "prices[4].unit_price prices[5].region prices[5].billing_mode "
                     "prices[5].unit_price prices[2].billing_mode");
    cr_assert_str_eq(message_of(&e, "prices[1]"), "is listed twice (same region and billing_mode)");
    cr_assert_str_eq(message_of(&e, "prices[2].billing_mode"),
                     "must be one of the product's billing_modes");
    cr_assert_str_eq(message_of(&e, "prices[3].unit_price"), "must be from 0 to 1000000000");
    cr_assert_str_eq(message_of(&e, "prices[5].unit_price"), "is required");
}

Test(catalog_rules, product_patch)
{
    err_ctx e = {0};
    catalog_product_input in = {.code = "x.y"};
    cr_assert_eq(catalog_check_product(&in, true, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "code");
    cr_assert_str_eq(message_of(&e, "code"), "cannot be changed");

    /* Prices alone: whether their modes are the product's is the store's
     * question (it knows the product's modes). */
    err_clear(&e);
    catalog_price_input prices[] = {{"cn-north-4", "on_demand", {true, 1}}};
    catalog_product_input p = {.prices_set = true, .nprices = 1, .prices = prices};
    cr_assert_eq(catalog_check_product(&p, true, &e), 0);
    cr_assert_eq(catalog_check_price_modes(prices, 1, catalog_mode_bit("monthly"), &e),
                 ERR_VALIDATION);
    ASSERT_FIELDS(e, "prices[0].billing_mode");
    err_clear(&e);
    cr_assert_eq(catalog_check_price_modes(prices, 1, catalog_mode_bit("on_demand"), &e), 0);
}

Test(catalog_rules, product_too_many_prices)
{
    err_ctx e = {0};
    catalog_product_input in = good_product();
    static catalog_price_input prices[CATALOG_PRICES_MAX + 1];
    in.prices_set = true;
    in.nprices = CATALOG_PRICES_MAX + 1;
    in.prices = prices;
    cr_assert_eq(catalog_check_product(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "prices");
    cr_assert_str_eq(message_of(&e, "prices"), "must have at most 300 items");
}

static catalog_pack_input good_pack(catalog_pack_item_input *items, size_t n)
{
    return (catalog_pack_input){
        .code = "ecommerce-promo", .industry = "ecommerce",
        .scenario = {"大促备战", "Big-sale readiness"}, .name = {"大促包", "Promo pack"},
        .items_set = true, .nitems = n, .items = items,
        .pricing = true, .price = {true, 99900},
    };
}

Test(catalog_rules, pack_good)
{
    err_ctx e = {0};
    catalog_pack_item_input items[] = {
        item("ecs.general", "monthly", 4, 1),
        item("cdn.traffic", "yearly", 100000, 60),
        item("obs.standard", "on_demand", 1, 7),
    };
    catalog_pack_input in = good_pack(items, 3);
    cr_assert_eq(catalog_check_pack(&in, false, &e), 0, "%s", e.fields[0].field);
    in.industry = "overseas";
    in.price = (jv_int){false, 0};
    in.discount_bp = (jv_int){true, 10000};
    in.description = (catalog_text){"", ""};
    cr_assert_eq(catalog_check_pack(&in, false, &e), 0, "%s", e.fields[0].field);
    in.price = (jv_int){true, INT64_C(10000000000)};
    in.discount_bp = (jv_int){false, 0};
    cr_assert_eq(catalog_check_pack(&in, false, &e), 0, "%s", e.fields[0].field);
}

Test(catalog_rules, pack_required)
{
    err_ctx e = {0};
    catalog_pack_input none = {0};
    cr_assert_eq(catalog_check_pack(&none, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "code industry scenario name items price");
    cr_assert_str_eq(message_of(&e, "price"), "is required unless discount_bp is given");

    err_clear(&e);
    cr_assert_eq(catalog_check_pack(&none, true, &e), 0, "an empty PATCH is fine");
}

Test(catalog_rules, pack_items)
{
    err_ctx e = {0};
    catalog_pack_item_input items[] = {
        item("ecs.general", "yearly", 0, 18),     /* quantity low, not whole years */
        item("E", "weekly", 100001, 61),          /* bad code and mode, both too high */
        item("ecs.general", "yearly", 1, 24),     /* fine */
        {NULL, NULL, {false, 0}, {false, 0}},     /* all missing */
    };
    catalog_pack_input in = good_pack(items, 4);
    in.industry = "toys";
    cr_assert_eq(catalog_check_pack(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "industry items[0].quantity items[0].months items[1].product "
                     "items[1].billing_mode items[1].quantity items[1].months "
                     "items[3].product items[3].billing_mode items[3].quantity "
                     "items[3].months");
    cr_assert_str_eq(message_of(&e, "industry"),
                     "must be one of: ecommerce, gaming, mobility, media, education, fintech,"
                     " other, overseas");
    cr_assert_str_eq(message_of(&e, "items[0].quantity"), "must be from 1 to 100000");
    cr_assert_str_eq(message_of(&e, "items[0].months"),
                     "must be a multiple of 12 for yearly billing");
    cr_assert_str_eq(message_of(&e, "items[1].months"), "must be from 1 to 60");
}

Test(catalog_rules, pack_item_count)
{
    err_ctx e = {0};
    catalog_pack_item_input items[CATALOG_ITEMS_MAX + 1];
    for (int i = 0; i <= CATALOG_ITEMS_MAX; i++)
        items[i] = item("ecs.general", "monthly", 1, 1);
    catalog_pack_input in = good_pack(items, CATALOG_ITEMS_MAX);
    cr_assert_eq(catalog_check_pack(&in, false, &e), 0);
    in.nitems = CATALOG_ITEMS_MAX + 1;
    cr_assert_eq(catalog_check_pack(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "items"), "must have at most 20 items");
    err_clear(&e);
    in.nitems = 0;
    cr_assert_eq(catalog_check_pack(&in, true, &e), ERR_VALIDATION, "empty items even in PATCH");
    cr_assert_str_eq(message_of(&e, "items"), "must not be empty");
}

Test(catalog_rules, pack_pricing)
{
    err_ctx e = {0};
    catalog_pack_item_input items[] = {item("ecs.general", "monthly", 1, 1)};
    catalog_pack_input in = good_pack(items, 1);
    in.discount_bp = (jv_int){true, 100};
    cr_assert_eq(catalog_check_pack(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "discount_bp");
    cr_assert_str_eq(message_of(&e, "discount_bp"), "must not be given with price");

    err_clear(&e);
    in.price = (jv_int){false, 0};
    in.discount_bp = (jv_int){true, 10001};
    cr_assert_eq(catalog_check_pack(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "discount_bp"), "must be from 0 to 10000");

    err_clear(&e);
    in.discount_bp = (jv_int){false, 0};
    in.price = (jv_int){true, -1};
    cr_assert_eq(catalog_check_pack(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "price"), "must be from 0 to 10000000000");

    /* A PATCH that does not name the pricing keeps it; one that names it
     * (even only as null) must give exactly one. */
    err_clear(&e);
    catalog_pack_input patch = {.pricing = false};
    cr_assert_eq(catalog_check_pack(&patch, true, &e), 0);
    patch.pricing = true;
    cr_assert_eq(catalog_check_pack(&patch, true, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "price");
}

Test(catalog_rules, pack_texts)
{
    err_ctx e = {0};
    char long_desc[2100], ok_desc[2100];
    catalog_pack_item_input items[] = {item("ecs.general", "monthly", 1, 1)};
    catalog_pack_input in = good_pack(items, 1);
    in.scenario = (catalog_text){"大促", NULL};
    in.description = (catalog_text){repeat(ok_desc, sizeof ok_desc, "a", 2000),
                                    repeat(long_desc, sizeof long_desc, "a", 2001)};
    cr_assert_eq(catalog_check_pack(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "scenario.en description.en");
    cr_assert_str_eq(message_of(&e, "description.en"), "must be at most 2000 characters");
}
