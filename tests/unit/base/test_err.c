/*
 * test_err.c: the error table and the err_ctx helpers.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/err.h"

Test(err, table_maps_codes_to_http)
{
    cr_assert_eq(ERR_OK, 0);
    cr_assert_eq(err_http_status(ERR_OK), 200);
    cr_assert_eq(err_http_status(ERR_BAD_JSON), 400);
    cr_assert_eq(err_http_status(ERR_UNAUTHENTICATED), 401);
    cr_assert_eq(err_http_status(ERR_FORBIDDEN), 403);
    cr_assert_eq(err_http_status(ERR_NOT_FOUND), 404);
    cr_assert_eq(err_http_status(ERR_METHOD), 405);
    cr_assert_eq(err_http_status(ERR_CONFLICT), 409);
    cr_assert_eq(err_http_status(ERR_TOO_LARGE), 413);
    cr_assert_eq(err_http_status(ERR_MEDIA_TYPE), 415);
    cr_assert_eq(err_http_status(ERR_VALIDATION), 422);
    cr_assert_eq(err_http_status(ERR_TOO_MANY), 429);
    cr_assert_eq(err_http_status(ERR_UNAVAILABLE), 503);
    cr_assert_eq(err_http_status(ERR_DB), 500);
    cr_assert_str_eq(err_slug(ERR_NOT_FOUND), "not-found");
    cr_assert_str_eq(err_slug(ERR_TOO_MANY), "too-many-requests");
    cr_assert_str_eq(err_title(ERR_VALIDATION), "Validation failed");
    cr_assert_str_eq(err_slug(ERR_SCHEMA_NEWER), "schema-newer");
}

Test(err, every_code_has_a_slug_title_and_error_status)
{
    for (int c = 1; c < ERR__COUNT; c++) {
        cr_assert_not_null(err_slug(c));
        cr_assert_gt(strlen(err_slug(c)), 0, "code %d", c);
        cr_assert_gt(strlen(err_title(c)), 0, "code %d", c);
        cr_assert_geq(err_http_status(c), 400, "code %d is an error", c);
        cr_assert_lt(err_http_status(c), 600);
        for (int d = 1; d < c; d++)
            cr_assert_str_neq(err_slug(c), err_slug(d), "codes %d and %d share a slug", c, d);
    }
}

Test(err, unknown_codes_are_internal)
{
    cr_assert_eq(err_http_status(-1), 500);
    cr_assert_eq(err_http_status(ERR__COUNT), 500);
    cr_assert_str_eq(err_slug(ERR__COUNT + 7), "internal");
    cr_assert_str_eq(err_title(-3), "Internal error");
}

Test(err, set_records_code_and_detail)
{
    err_ctx e = {0};
    cr_assert_eq(err_set(&e, ERR_NOT_FOUND, "no org %s", "org_x"), ERR_NOT_FOUND);
    cr_assert_eq(e.code, ERR_NOT_FOUND);
    cr_assert_str_eq(e.detail, "no org org_x");
    cr_assert_eq(err_set(NULL, ERR_CONFLICT, "ignored"), ERR_CONFLICT);
}

Test(err, detail_is_truncated_not_overflowed)
{
    err_ctx e = {0};
    char big[1000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    err_set(&e, ERR_BAD_REQUEST, "%s", big);
    cr_assert_eq(strlen(e.detail), ERR_DETAIL_LEN - 1);
}

/* A detail, field or message cut at its limit ends on a whole UTF-8
 * character: 中 is 3 bytes, and 255 is a multiple of 3 only by luck. */
Test(err, a_cut_never_splits_a_character)
{
    char zh[1000] = "x"; /* 1 + 3k bytes: the cut at 255 falls inside a 中 */
    for (int i = 0; i < 300; i++)
        strcat(zh, "中");
    err_ctx e = {0};
    err_set(&e, ERR_NOT_FOUND, "%s", zh);
    size_t n = strlen(e.detail);
    cr_assert(n < ERR_DETAIL_LEN - 1 && n >= ERR_DETAIL_LEN - 4, "cut at %zu", n);
    cr_assert_eq((n - 1) % 3, 0, "whole characters only: %zu bytes", n);
    err_field_add(&e, zh, "%s", zh);
    cr_assert_eq((strlen(e.fields[0].field) - 1) % 3, 0);
    cr_assert_eq((strlen(e.fields[0].message) - 1) % 3, 0);
    err_ctx f = {0};
    err_set(&f, ERR_NOT_FOUND, "%s", zh + 1); /* 255 = 85 x 3: a clean cut stays */
    cr_assert_eq(strlen(f.detail), ERR_DETAIL_LEN - 1);
}

Test(err, field_add_first_message_wins_and_sets_validation)
{
    err_ctx e = {0};
    cr_assert_eq(err_field_add(&e, "name", "must be %s", "a string"), ERR_VALIDATION);
    cr_assert_eq(e.code, ERR_VALIDATION);
    err_field_add(&e, "name", "is required");
    err_field_add(&e, "email", "is required");
    cr_assert_eq(e.nfields, 2);
    cr_assert_str_eq(e.fields[0].field, "name");
    cr_assert_str_eq(e.fields[0].message, "must be a string");
    cr_assert_str_eq(e.fields[1].field, "email");
    cr_assert_str_eq(e.fields[1].message, "is required");
    cr_assert_eq(err_field_add(NULL, "x", "y"), ERR_VALIDATION);
}

Test(err, field_add_keeps_an_earlier_code)
{
    err_ctx e = {0};
    err_set(&e, ERR_CONFLICT, "taken");
    err_field_add(&e, "admin.email", "is already registered");
    cr_assert_eq(e.code, ERR_CONFLICT);
    cr_assert_eq(e.nfields, 1);
}

Test(err, field_add_counts_past_the_limit_and_truncates)
{
    err_ctx e = {0};
    char name[32];
    for (int i = 0; i < ERR_MAX_FIELDS + 3; i++) {
        snprintf(name, sizeof name, "f%d", i);
        err_field_add(&e, name, "bad %d", i);
    }
    cr_assert_eq(e.nfields, ERR_MAX_FIELDS + 3);
    cr_assert_str_eq(e.fields[ERR_MAX_FIELDS - 1].field, "f15");
    err_clear(&e);
    char longname[200];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    err_field_add(&e, longname, "%s", longname);
    cr_assert_eq(strlen(e.fields[0].field), ERR_FIELD_LEN - 1);
    cr_assert_eq(strlen(e.fields[0].message), ERR_MESSAGE_LEN - 1);
}

Test(err, clear_resets_everything)
{
    err_ctx e = {0};
    err_set(&e, ERR_TOO_MANY, "slow down");
    e.retry_after = 5;
    err_field_add(&e, "a", "b");
    err_clear(&e);
    cr_assert_eq(e.code, 0);
    cr_assert_eq(e.retry_after, 0);
    cr_assert_eq(e.nfields, 0);
    cr_assert_str_eq(e.detail, "");
}
