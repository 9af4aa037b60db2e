/*
 * test_rules.c: pure validation of org and user input (no database).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "account/password.h"
#include "../support.h"

static account_org_input good_org(void)
{
    return (account_org_input){.name = "ACME Games", .kind = "enterprise",
                               .industry = "gaming", .size = "small", .region = "cn-north-4"};
}

static account_user_input good_user(void)
{
    return (account_user_input){.email = "ada@example.com", .name = "Ada",
                                .password = "correct horse"};
}

Test(rules, vocabularies)
{
    cr_assert_str_eq(account_kinds[0], "enterprise");
    cr_assert_str_eq(account_kinds[1], "partner");
    cr_assert_null(account_kinds[2]);
    cr_assert_eq(account_role_bit("operator"), ROLE_OPERATOR);
    cr_assert_eq(account_role_bit("enterprise"), ROLE_ENTERPRISE);
    cr_assert_eq(account_role_bit("expert"), ROLE_EXPERT);
    cr_assert_eq(account_role_bit("partner"), ROLE_PARTNER);
    cr_assert_eq(account_role_bit("admin"), 0);
    cr_assert_eq(account_role_bit(NULL), 0);
}

Test(rules, actor_of_user)
{
    account_user u = {.id = "usr_1", .role = "partner", .org_id = "org_1", .admin = true};
    account_actor a = account_actor_of(&u);
    cr_assert_str_eq(a.user_id, "usr_1");
    cr_assert_str_eq(a.org_id, "org_1");
    cr_assert_eq(a.role_bit, ROLE_PARTNER);
    cr_assert(a.admin);
}

Test(rules, good_org_passes)
{
    err_ctx e = {0};
    account_org_input in = good_org();
    cr_assert_eq(account_check_org(&in, false, &e), 0, "%s: %s", e.fields[0].field,
                 e.fields[0].message);
    const char *clouds[] = {"aws", "alibaba", "other"};
    in.clouds = (jv_strings){true, 3, clouds};
    cr_assert_eq(account_check_org(&in, false, &e), 0);
    in.clouds = (jv_strings){true, 0, clouds};
    cr_assert_eq(account_check_org(&in, false, &e), 0, "an empty list is fine");
}

Test(rules, org_every_field_is_required)
{
    err_ctx e = {0};
    account_org_input in = {0};
    cr_assert_eq(account_check_org(&in, false, &e), ERR_VALIDATION);
    cr_assert_eq(e.nfields, 5);
    const char *req[] = {"name", "kind", "industry", "size", "region"};
    for (int i = 0; i < 5; i++)
        cr_assert_str_eq(message_of(&e, req[i]), "is required", "%s", req[i]);
    cr_assert_null(message_of(&e, "clouds"), "clouds is optional");
}

Test(rules, org_partial_checks_only_present_fields)
{
    err_ctx e = {0};
    account_org_input in = {0};
    cr_assert_eq(account_check_org(&in, true, &e), 0);
    in.size = "huge";
    cr_assert_eq(account_check_org(&in, true, &e), ERR_VALIDATION);
    cr_assert_eq(e.nfields, 1);
    cr_assert_str_eq(message_of(&e, "size"), "must be one of: micro, small, medium, large");
    err_clear(&e);
    in = (account_org_input){.name = "  "};
    cr_assert_eq(account_check_org(&in, true, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "name"), "must not be empty");
}

Test(rules, org_enum_messages_list_the_choices)
{
    err_ctx e = {0};
    account_org_input in = good_org();
    in.kind = "operator";
    in.industry = "Gaming";
    in.size = "";
    account_check_org(&in, false, &e);
    cr_assert_eq(e.nfields, 3);
    cr_assert_str_eq(message_of(&e, "kind"), "must be one of: enterprise, partner");
    cr_assert_str_eq(message_of(&e, "industry"),
                     "must be one of: ecommerce, gaming, mobility, media, education, fintech,"
                     " other");
    cr_assert_str_eq(message_of(&e, "size"), "must be one of: micro, small, medium, large");
}

Test(rules, org_each_valid_enum_value_passes)
{
    for (const char *const *k = account_kinds; *k; k++)
        for (const char *const *i = account_industries; *i; i++)
            for (const char *const *s = account_sizes; *s; s++) {
                err_ctx e = {0};
                account_org_input in = good_org();
                in.kind = *k, in.industry = *i, in.size = *s;
                cr_assert_eq(account_check_org(&in, false, &e), 0, "%s %s %s", *k, *i, *s);
            }
}

Test(rules, org_name_length_in_characters)
{
    char buf[512];
    err_ctx e = {0};
    account_org_input in = good_org();
    in.name = repeat(buf, sizeof buf, "云", 100); /* 300 bytes, 100 characters */
    cr_assert_eq(account_check_org(&in, false, &e), 0);
    in.name = repeat(buf, sizeof buf, "云", 101);
    cr_assert_eq(account_check_org(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "name"), "must be at most 100 characters");
    err_clear(&e);
    in.name = "";
    account_check_org(&in, false, &e);
    cr_assert_str_eq(message_of(&e, "name"), "must not be empty");
    err_clear(&e);
    in.name = " \t ";
    account_check_org(&in, false, &e);
    cr_assert_str_eq(message_of(&e, "name"), "must not be empty");
}

Test(rules, org_region_codes)
{
    const char *ok[] = {"cn-north-4", "ap-southeast-1", "cn-east-3", "eu", "la-south-2",
                        "abcdefghijklmnopqrstuvwxyz-12345" /* 32 */};
    const char *bad[] = {"", "c", "CN-north-4", "cn--north-4", "cn-north-", "-cn-north",
                         "4cn-north", "cn_north_4", "cn north 4", "cn-north-4\n", "华北-4",
                         "abcdefghijklmnopqrstuvwxyz-123456" /* 33 */};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        err_ctx e = {0};
        account_org_input in = good_org();
        in.region = ok[i];
        cr_assert_eq(account_check_org(&in, false, &e), 0, "'%s' should pass", ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_ctx e = {0};
        account_org_input in = good_org();
        in.region = bad[i];
        cr_assert_eq(account_check_org(&in, false, &e), ERR_VALIDATION, "'%s' should fail",
                     bad[i]);
        cr_assert_str_eq(message_of(&e, "region"), "must be a region code like cn-north-4");
    }
}

Test(rules, org_clouds)
{
    err_ctx e = {0};
    account_org_input in = good_org();
    const char *bad[] = {"aws", "gcp", "ibm", "aws", NULL};
    in.clouds = (jv_strings){true, 5, bad};
    cr_assert_eq(account_check_org(&in, false, &e), ERR_VALIDATION);
    cr_assert_eq(e.nfields, 2, "clouds[4] was already reported as not a string");
    cr_assert_str_eq(message_of(&e, "clouds[2]"),
                     "must be one of: aws, azure, gcp, alibaba, tencent, baidu, volcengine,"
                     " other");
    cr_assert_str_eq(message_of(&e, "clouds[3]"), "is listed twice");
    cr_assert_null(message_of(&e, "clouds[0]"));
}

Test(rules, org_clouds_at_most_eight)
{
    err_ctx e = {0};
    account_org_input in = good_org();
    cr_assert_eq(ACCOUNT_CLOUDS_MAX, 8);
    in.clouds = (jv_strings){true, 8, (const char **)account_clouds};
    cr_assert_eq(account_check_org(&in, false, &e), 0, "all eight distinct clouds");
    const char *nine[] = {"aws", "azure", "gcp", "alibaba", "tencent", "baidu", "volcengine",
                          "other", "aws"};
    in.clouds = (jv_strings){true, 9, nine};
    cr_assert_eq(account_check_org(&in, false, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "clouds"), "must have at most 8 items");
}

Test(rules, good_user_passes_with_prefix)
{
    err_ctx e = {0};
    account_user_input in = good_user();
    cr_assert_eq(account_check_user(&in, "admin.", &e), 0);
    cr_assert_eq(account_check_user(&in, "", &e), 0);
    cr_assert_eq(account_check_user(&in, NULL, &e), 0);
}

Test(rules, user_required_fields_carry_the_prefix)
{
    err_ctx e = {0};
    account_user_input in = {0};
    cr_assert_eq(account_check_user(&in, "admin.", &e), ERR_VALIDATION);
    cr_assert_eq(e.nfields, 3);
    cr_assert_str_eq(message_of(&e, "admin.email"), "is required");
    cr_assert_str_eq(message_of(&e, "admin.name"), "is required");
    cr_assert_str_eq(message_of(&e, "admin.password"), "is required");
    err_clear(&e);
    account_check_user(&in, "", &e);
    cr_assert_str_eq(message_of(&e, "email"), "is required");
}

Test(rules, user_email_forms)
{
    const char *ok[] = {"ada@example.com", "Ada.Lovelace+cc@Example.CN", "a@b.io"};
    const char *bad[] = {"", "ada", "ada@", "@example.com", "ada@example", "ada@@example.com",
                         "ada @example.com", "ada@example..com", "ada@.example.com",
                         "ada@example.com."};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        err_ctx e = {0};
        account_user_input in = good_user();
        in.email = ok[i];
        cr_assert_eq(account_check_user(&in, "", &e), 0, "'%s'", ok[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_ctx e = {0};
        account_user_input in = good_user();
        in.email = bad[i];
        cr_assert_eq(account_check_user(&in, "admin.", &e), ERR_VALIDATION, "'%s'", bad[i]);
        cr_assert_eq(e.nfields, 1);
        cr_assert_str_eq(message_of(&e, "admin.email"), "must be an email address");
    }
}

Test(rules, user_name)
{
    char buf[512];
    err_ctx e = {0};
    account_user_input in = good_user();
    in.name = "   ";
    account_check_user(&in, "", &e);
    cr_assert_str_eq(message_of(&e, "name"), "must not be empty");
    err_clear(&e);
    in.name = repeat(buf, sizeof buf, "a", 101);
    account_check_user(&in, "admin.", &e);
    cr_assert_str_eq(message_of(&e, "admin.name"), "must be at most 100 characters");
}

Test(rules, password_length_bounds)
{
    char buf[1024];
    err_ctx e = {0};
    cr_assert_eq(PASSWORD_MIN_CHARS, 8);
    cr_assert_eq(PASSWORD_MAX_CHARS, 128);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "a", 7), "password", &e),
                 ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "password"), "must be at least 8 characters");
    err_clear(&e);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "a", 8), "password", &e), 0);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "a", 128), "password", &e), 0);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "a", 129), "password", &e),
                 ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "password"), "must be at most 128 characters");
    err_clear(&e);
    cr_assert_eq(account_check_password("", "new_password", &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "new_password"), "must be at least 8 characters");
}

Test(rules, password_counts_characters_not_bytes)
{
    char buf[1024];
    err_ctx e = {0};
    /* 7 characters in 14 bytes: too short although 14 bytes >= 8. */
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "é", 7), "pw", &e),
                 ERR_VALIDATION);
    err_clear(&e);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "é", 8), "pw", &e), 0);
    /* 128 characters in 384 / 512 bytes: fine although > 128 bytes. */
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "密", 128), "pw", &e), 0);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "😀", 128), "pw", &e), 0);
    cr_assert_eq(account_check_password(repeat(buf, sizeof buf, "密", 129), "pw", &e),
                 ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "pw"), "must be at most 128 characters");
}

Test(rules, user_password_goes_through_the_same_check)
{
    err_ctx e = {0};
    account_user_input in = good_user();
    in.password = "short";
    account_check_user(&in, "admin.", &e);
    cr_assert_eq(e.nfields, 1);
    cr_assert_str_eq(message_of(&e, "admin.password"), "must be at least 8 characters");
}
