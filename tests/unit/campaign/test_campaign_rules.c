/*
 * test_campaign_rules.c: a campaign's status at the edges of its window,
 * and the pure validation of campaigns and policies (no database). Every
 * expectation is worked out by hand from docs/api.md.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "campaign/campaign.h"
#include "../support.h"

/* ---- status ----------------------------------------------------------- */

/* 2021-10-15T00:00:00+08:00 and 2021-11-15T00:00:00+08:00 in Unix ms. */
#define STARTS INT64_C(1634227200000)
#define ENDS INT64_C(1636905600000)

Test(campaign_status, window_parses_as_documented)
{
    int64_t s, e;
    cr_assert_eq(clock_parse("2021-10-15T00:00:00+08:00", &s), 0);
    cr_assert_eq(clock_parse("2021-11-15T00:00:00+08:00", &e), 0);
    cr_assert_eq(s, STARTS);
    cr_assert_eq(e, ENDS);
}

Test(campaign_status, starts_at_is_inclusive_ends_at_exclusive)
{
    cr_assert_eq(campaign_status(true, STARTS, ENDS, STARTS - 1), CAMPAIGN_SCHEDULED);
    cr_assert_eq(campaign_status(true, STARTS, ENDS, STARTS), CAMPAIGN_LIVE);
    cr_assert_eq(campaign_status(true, STARTS, ENDS, STARTS + 1), CAMPAIGN_LIVE);
    cr_assert_eq(campaign_status(true, STARTS, ENDS, ENDS - 1), CAMPAIGN_LIVE);
    cr_assert_eq(campaign_status(true, STARTS, ENDS, ENDS), CAMPAIGN_ENDED);
    cr_assert_eq(campaign_status(true, STARTS, ENDS, ENDS + 1), CAMPAIGN_ENDED);
}

Test(campaign_status, unpublished_is_a_draft_at_any_time)
{
    int64_t moments[] = {0, STARTS - 1, STARTS, ENDS - 1, ENDS, INT64_MAX};
    for (size_t i = 0; i < sizeof moments / sizeof *moments; i++)
        cr_assert_eq(campaign_status(false, STARTS, ENDS, moments[i]), CAMPAIGN_DRAFT);
}

Test(campaign_status, names)
{
    cr_assert_str_eq(campaign_states[CAMPAIGN_DRAFT], "draft");
    cr_assert_str_eq(campaign_states[CAMPAIGN_SCHEDULED], "scheduled");
    cr_assert_str_eq(campaign_states[CAMPAIGN_LIVE], "live");
    cr_assert_str_eq(campaign_states[CAMPAIGN_ENDED], "ended");
    cr_assert_null(campaign_states[CAMPAIGN_ENDED + 1]);
}

/* ---- campaigns -------------------------------------------------------- */

static const char *ind_eg[] = {"ecommerce", "gaming"};
static const char *regions_1[] = {"cn-north-4"};

static campaign_input good_campaign(void)
{
    return (campaign_input){
        .name = {"专属月", "Exclusive Month"},
        .description = {"", ""},
        .starts_at = "2021-10-15T00:00:00+08:00",
        .ends_at = "2021-11-15T00:00:00+08:00",
        .time_zone = "Asia/Shanghai",
        .regions = {true, 1, regions_1},
        .industries = {true, 2, ind_eg},
    };
}

Test(campaign_check, a_good_campaign_passes)
{
    err_ctx e = {0};
    campaign_input in = good_campaign();
    cr_assert_eq(campaign_check(&in, false, &e), 0);
    cr_assert_eq(e.nfields, 0);
}

Test(campaign_check, create_requires_name_and_window)
{
    err_ctx e = {0};
    campaign_input in = {0};
    cr_assert_eq(campaign_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "name starts_at ends_at");
    cr_assert_str_eq(message_of(&e, "name"), "is required");
}

Test(campaign_check, patch_requires_nothing)
{
    err_ctx e = {0};
    campaign_input in = {0};
    cr_assert_eq(campaign_check(&in, true, &e), 0);
}

Test(campaign_check, names_and_descriptions_are_capped_in_characters)
{
    char zh200[800], zh201[800], d2000[2100], d2001[2100];
    repeat(zh200, sizeof zh200, "月", 200);
    repeat(zh201, sizeof zh201, "月", 201);
    repeat(d2000, sizeof d2000, "x", 2000);
    repeat(d2001, sizeof d2001, "x", 2001);
    err_ctx e = {0};
    campaign_input in = good_campaign();
    in.name = (campaign_text){zh200, "ok"};
    in.description = (campaign_text){d2000, ""};
    cr_assert_eq(campaign_check(&in, false, &e), 0);
    in.name = (campaign_text){zh201, " "};
    in.description = (campaign_text){d2001, NULL};
    cr_assert_eq(campaign_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "name.zh name.en description.zh description.en");
    cr_assert_str_eq(message_of(&e, "name.zh"), "must be at most 200 characters");
    cr_assert_str_eq(message_of(&e, "name.en"), "must not be empty");
    cr_assert_str_eq(message_of(&e, "description.zh"), "must be at most 2000 characters");
    cr_assert_str_eq(message_of(&e, "description.en"), "is required");
}

Test(campaign_check, window_must_be_rfc3339_and_ordered)
{
    err_ctx e = {0};
    campaign_input in = good_campaign();
    in.starts_at = "2021-10-15";
    in.ends_at = "2021-11-15T00:00:00+08:00";
    cr_assert_eq(campaign_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "starts_at");
    cr_assert_str_eq(message_of(&e, "starts_at"),
                     "must be an RFC 3339 time like 2021-10-15T00:00:00+08:00");

    /* The same instant in two offsets is not a window. */
    err_clear(&e);
    in.starts_at = "2021-10-15T00:00:00+08:00";
    in.ends_at = "2021-10-14T16:00:00Z";
    cr_assert_eq(campaign_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "ends_at");
    cr_assert_str_eq(message_of(&e, "ends_at"), "must be after starts_at");

    err_clear(&e);
    in.ends_at = "2021-10-14T16:00:00.001Z";
    cr_assert_eq(campaign_check(&in, false, &e), 0);
}

Test(campaign_check, window_alone)
{
    err_ctx e = {0};
    cr_assert_eq(campaign_check_window(STARTS, STARTS + 1, &e), 0);
    cr_assert_eq(campaign_check_window(STARTS, STARTS, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "ends_at");
}

Test(campaign_check, time_zone_names)
{
    const char *good[] = {"Asia/Shanghai", "UTC", "Etc/GMT-8", "America/Port-au-Prince",
                          "America/Argentina/Buenos_Aires", "Etc/GMT+12"};
    const char *bad[] = {"", "Asia Shanghai", "/Asia", "8Asia", "Asia/Shanghai;", "Asia\\x"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        cr_assert(campaign_tz_ok(good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(campaign_tz_ok(bad[i]), "%s", bad[i]);
    char long_tz[80];
    cr_assert(campaign_tz_ok(repeat(long_tz, sizeof long_tz, "a", 64)));
    cr_assert_not(campaign_tz_ok(repeat(long_tz, sizeof long_tz, "a", 65)));

    err_ctx e = {0};
    campaign_input in = good_campaign();
    in.time_zone = "Shanghai time";
    cr_assert_eq(campaign_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "time_zone");
}

Test(campaign_check, lists_are_unique_and_known)
{
    static const char *regions[] = {"cn-north-4", "cn-north-4", "a,b"};
    static const char *industries[] = {"gaming", "farming", NULL};
    static const char *sizes[] = {"small", "huge", "small"};
    err_ctx e = {0};
    campaign_input in = good_campaign();
    in.regions = (jv_strings){true, 3, regions};
    in.industries = (jv_strings){true, 3, industries}; /* NULL: not a string, reported by jsonv */
    in.sizes = (jv_strings){true, 3, sizes};
    cr_assert_eq(campaign_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "regions[1] regions[2] industries[1] sizes[1] sizes[2]");
    cr_assert_str_eq(message_of(&e, "regions[1]"), "is listed twice");
    cr_assert_str_eq(message_of(&e, "regions[2]"), "must be a code without commas");
    cr_assert_str_eq(message_of(&e, "industries[1]"),
                     "must be one of: ecommerce, gaming, mobility, media, education, fintech, "
                     "other");
    cr_assert_str_eq(message_of(&e, "sizes[1]"), "must be one of: micro, small, medium, large");
    cr_assert_str_eq(message_of(&e, "sizes[2]"), "is listed twice");
}

Test(campaign_check, empty_lists_mean_no_restriction)
{
    err_ctx e = {0};
    campaign_input in = good_campaign();
    in.regions = (jv_strings){true, 0, NULL};
    in.industries = (jv_strings){true, 0, NULL};
    in.sizes = (jv_strings){true, 0, NULL};
    cr_assert_eq(campaign_check(&in, false, &e), 0);
}

/* ---- policies --------------------------------------------------------- */

static policy_input good_policy(void)
{
    return (policy_input){
        .name = {"计算85折", "Compute 15% off"},
        .effect = {"percent_off", {true, 1500}},
    };
}

Test(policy_check, a_good_policy_passes)
{
    err_ctx e = {0};
    policy_input in = good_policy();
    cr_assert_eq(policy_check(&in, false, &e), 0);
    in.lane = (jv_int){true, 9};
    in.limits = (policy_limits_input){{true, 0}, {true, 1000000000000}, {true, 1}};
    cr_assert_eq(policy_check(&in, false, &e), 0);
}

Test(policy_check, create_requires_name_and_effect)
{
    err_ctx e = {0};
    policy_input in = {0};
    cr_assert_eq(policy_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "name effect");
    err_clear(&e);
    cr_assert_eq(policy_check(&in, true, &e), 0);
}

Test(policy_check, an_effect_comes_whole)
{
    err_ctx e = {0};
    policy_input in = {0};
    in.effect.value = (jv_int){true, 5};
    cr_assert_eq(policy_check(&in, true, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "effect.kind");
    err_clear(&e);
    in.effect = (policy_effect_input){"half_off", {false, 0}};
    cr_assert_eq(policy_check(&in, true, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "effect.kind effect.value");
    cr_assert_str_eq(message_of(&e, "effect.kind"),
                     "must be one of: percent_off, amount_off, fixed_unit_price, pack_price, "
                     "free_units");
}

Test(policy_check, ranges)
{
    err_ctx e = {0};
    policy_input in = good_policy();
    in.lane = (jv_int){true, 10};
    in.conditions.min_quantity = (jv_int){true, -1};
    in.conditions.min_line_amount = (jv_int){true, 1000000000000};
    in.conditions.min_order_amount = (jv_int){true, 1000000000001};
    in.limits = (policy_limits_input){{true, -1}, {true, 0}, {true, 1000000000001}};
    cr_assert_eq(policy_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "lane conditions.min_quantity conditions.min_order_amount limits.per_org "
                     "limits.budget");
    cr_assert_str_eq(message_of(&e, "lane"), "must be from 0 to 9");
    cr_assert_str_eq(message_of(&e, "limits.budget"), "must be from 0 to 1000000000000");
}

Test(policy_check, condition_lists)
{
    static const char *cats[] = {"compute", "toys"};
    static const char *modes[] = {"monthly", "weekly", "monthly"};
    static const char *types[] = {"renewal", "new"};
    static const char *bad_types[] = {"upgrade"};
    static const char *products[] = {"ecs.general", "ecs.general"};
    static const char *packs[] = {"pck_a", ""};
    err_ctx e = {0};
    policy_input in = good_policy();
    in.conditions.categories = (jv_strings){true, 2, cats};
    in.conditions.billing_modes = (jv_strings){true, 3, modes};
    in.conditions.order_types = (jv_strings){true, 2, types};
    in.conditions.products = (jv_strings){true, 2, products};
    in.conditions.packs = (jv_strings){true, 2, packs};
    cr_assert_eq(policy_check(&in, false, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "conditions.products[1] conditions.categories[1] conditions.packs[1] "
                     "conditions.billing_modes[1] conditions.billing_modes[2]");
    cr_assert_str_eq(message_of(&e, "conditions.billing_modes[1]"),
                     "must be one of: on_demand, monthly, yearly");
    err_clear(&e);
    in = good_policy();
    in.conditions.order_types = (jv_strings){true, 1, bad_types};
    cr_assert_eq(policy_check(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "conditions.order_types[0]"), "must be one of: new, renewal");
}

static policy stored(const char *effect, int64_t value, const char *packs)
{
    return (policy){.effect = effect, .value = value, .cond = {.packs = packs}};
}

Test(policy_check_effect, percent_off_is_1_to_10000_bp)
{
    err_ctx e = {0};
    policy p = stored("percent_off", 1, "");
    cr_assert_eq(policy_check_effect(&p, &e), 0);
    p.value = 10000;
    cr_assert_eq(policy_check_effect(&p, &e), 0);
    p.value = 0;
    cr_assert_eq(policy_check_effect(&p, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "effect.value"),
                     "must be from 1 to 10000 basis points for percent_off");
    err_clear(&e);
    p.value = 10001;
    cr_assert_eq(policy_check_effect(&p, &e), ERR_VALIDATION);
}

Test(policy_check_effect, amounts_and_units_are_0_to_1e10)
{
    const char *kinds[] = {"amount_off", "fixed_unit_price", "free_units"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        err_ctx e = {0};
        policy p = stored(kinds[i], 0, "");
        cr_assert_eq(policy_check_effect(&p, &e), 0, "%s", kinds[i]);
        p.value = 10000000000;
        cr_assert_eq(policy_check_effect(&p, &e), 0, "%s", kinds[i]);
        p.value = 10000000001;
        cr_assert_eq(policy_check_effect(&p, &e), ERR_VALIDATION, "%s", kinds[i]);
        err_clear(&e);
        p.value = -1;
        cr_assert_eq(policy_check_effect(&p, &e), ERR_VALIDATION, "%s", kinds[i]);
        cr_assert_str_eq(message_of(&e, "effect.value"), "must be from 0 to 10000000000");
    }
}

Test(policy_check_effect, pack_price_needs_packs)
{
    err_ctx e = {0};
    policy p = stored("pack_price", 99900, "");
    cr_assert_eq(policy_check_effect(&p, &e), ERR_VALIDATION);
    ASSERT_FIELDS(e, "conditions.packs");
    err_clear(&e);
    p.cond.packs = "pck_a,pck_b";
    cr_assert_eq(policy_check_effect(&p, &e), 0);
    /* Other effects may name packs or not. */
    p = stored("amount_off", 100, "");
    cr_assert_eq(policy_check_effect(&p, &e), 0);
}

Test(policy_check_effect, unknown_kind_is_left_to_policy_check)
{
    err_ctx e = {0};
    policy p = stored("half_off", -5, "");
    cr_assert_eq(policy_check_effect(&p, &e), 0);
}
