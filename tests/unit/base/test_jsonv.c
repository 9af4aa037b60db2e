/*
 * test_jsonv.c: strict decoding against a field table, the depth check and
 * request-body parsing.
 */
#include <criterion/criterion.h>
#include <stddef.h>
#include <string.h>

#include "base/jsonv.h"
#include "../support.h"

typedef struct inner {
    const char *email;
    jv_bool admin;
} inner;

typedef struct target {
    const char *name;
    jv_int count;
    jv_bool on;
    jv_strings tags;
    inner who;
} target;

static const jv_field inner_fields[] = {
    {"email", JV_STRING, JV_REQUIRED, offsetof(inner, email), 0, NULL},
    {"admin", JV_BOOL, 0, offsetof(inner, admin), 0, NULL},
    JV_END,
};

static const jv_field fields[] = {
    {"name", JV_STRING, JV_REQUIRED, offsetof(target, name), 0, NULL},
    {"count", JV_INT, 0, offsetof(target, count), 0, NULL},
    {"on", JV_BOOL, 0, offsetof(target, on), 0, NULL},
    {"tags", JV_STRINGS, 0, offsetof(target, tags), 3, NULL},
    {"who", JV_OBJECT, 0, offsetof(target, who), 0, inner_fields},
    JV_END,
};

static arena *a;
static void setup(void) { a = arena_new(1 << 20); }
static void teardown(void) { arena_free(a); }
TestSuite(jsonv, .init = setup, .fini = teardown);

/* Parses text (must be valid JSON) and decodes it; returns the code. */
static int decode(const char *text, target *t, err_ctx *e)
{
    json_t *j = NULL;
    err_ctx pe = {0};
    cr_assert_eq(jv_parse(a, text, strlen(text), 32, &j, &pe), 0, "test JSON: %s", pe.detail);
    memset(t, 0, sizeof *t);
    return jv_decode(a, j, "", fields, t, e);
}

Test(jsonv, decodes_every_type)
{
    target t;
    err_ctx e = {0};
    int rc = decode("{\"name\": \"ACME 云\", \"count\": -42, \"on\": false,"
                    " \"tags\": [\"a\", \"b\"], \"who\": {\"email\": \"x@y.z\", \"admin\": true}}",
                    &t, &e);
    cr_assert_eq(rc, 0, "%d fields, first: %s %s", e.nfields, e.fields[0].field,
                 e.fields[0].message);
    cr_assert_str_eq(t.name, "ACME 云");
    cr_assert(t.count.set);
    cr_assert_eq(t.count.v, -42);
    cr_assert(t.on.set);
    cr_assert_not(t.on.v);
    cr_assert(t.tags.set);
    cr_assert_eq(t.tags.n, 2);
    cr_assert_str_eq(t.tags.v[0], "a");
    cr_assert_str_eq(t.tags.v[1], "b");
    cr_assert_str_eq(t.who.email, "x@y.z");
    cr_assert(t.who.admin.set);
    cr_assert(t.who.admin.v);
}

Test(jsonv, absent_optional_fields_stay_unset)
{
    target t;
    err_ctx e = {0};
    cr_assert_eq(decode("{\"name\": \"n\"}", &t, &e), 0);
    cr_assert_not(t.count.set);
    cr_assert_not(t.on.set);
    cr_assert_not(t.tags.set);
    cr_assert_null(t.who.email);
}

Test(jsonv, missing_required)
{
    target t;
    err_ctx e = {0};
    cr_assert_eq(decode("{}", &t, &e), ERR_VALIDATION);
    cr_assert_eq(e.nfields, 1);
    cr_assert_str_eq(message_of(&e, "name"), "is required");
}

Test(jsonv, wrong_types_name_the_field)
{
    target t;
    err_ctx e = {0};
    cr_assert_eq(decode("{\"name\": 5, \"count\": \"5\", \"on\": 1, \"tags\": \"a\","
                        " \"who\": []}",
                        &t, &e),
                 ERR_VALIDATION);
    cr_assert_eq(e.nfields, 5);
    cr_assert_str_eq(message_of(&e, "name"), "must be a string");
    cr_assert_str_eq(message_of(&e, "count"), "must be an integer");
    cr_assert_str_eq(message_of(&e, "on"), "must be a boolean");
    cr_assert_str_eq(message_of(&e, "tags"), "must be an array");
    cr_assert_str_eq(message_of(&e, "who"), "must be an object");
}

Test(jsonv, real_and_null_are_not_integers_or_strings)
{
    target t;
    err_ctx e = {0};
    decode("{\"name\": null, \"count\": 1.5}", &t, &e);
    cr_assert_str_eq(message_of(&e, "name"), "must be a string");
    cr_assert_str_eq(message_of(&e, "count"), "must be an integer");
}

Test(jsonv, unknown_fields_are_refused_with_their_path)
{
    target t;
    err_ctx e = {0};
    cr_assert_eq(decode("{\"name\": \"n\", \"extra\": 1, \"who\": {\"email\": \"e\","
                        " \"role\": \"x\"}}",
                        &t, &e),
                 ERR_VALIDATION);
    cr_assert_eq(e.nfields, 2);
    cr_assert_str_eq(message_of(&e, "extra"), "is not allowed");
    cr_assert_str_eq(message_of(&e, "who.role"), "is not allowed");
}

Test(jsonv, nested_required_uses_dotted_path)
{
    target t;
    err_ctx e = {0};
    cr_assert_eq(decode("{\"name\": \"n\", \"who\": {\"admin\": \"yes\"}}", &t, &e),
                 ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "who.email"), "is required");
    cr_assert_str_eq(message_of(&e, "who.admin"), "must be a boolean");
}

Test(jsonv, string_array_items_and_limit)
{
    target t;
    err_ctx e = {0};
    decode("{\"name\": \"n\", \"tags\": [\"ok\", 7, \"ok\"]}", &t, &e);
    cr_assert_eq(e.code, ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "tags[1]"), "must be a string");
    cr_assert_null(message_of(&e, "tags[0]"));

    err_clear(&e);
    decode("{\"name\": \"n\", \"tags\": [\"a\", \"b\", \"c\", \"d\"]}", &t, &e);
    cr_assert_str_eq(message_of(&e, "tags"), "must have at most 3 items");

    err_clear(&e);
    cr_assert_eq(decode("{\"name\": \"n\", \"tags\": []}", &t, &e), 0);
    cr_assert(t.tags.set);
    cr_assert_eq(t.tags.n, 0);
}

Test(jsonv, control_characters_are_refused)
{
    target t;
    err_ctx e = {0};
    decode("{\"name\": \"a\\u0001b\", \"tags\": [\"x\\ny\"], \"who\": {\"email\": \"\\t\"}}",
           &t, &e);
    cr_assert_eq(e.code, ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "name"), "must not contain control characters");
    cr_assert_not_null(message_of(&e, "tags[0]"));
    cr_assert_str_eq(message_of(&e, "who.email"), "must not contain control characters");
}

Test(jsonv, top_level_must_be_an_object)
{
    target t;
    err_ctx e = {0};
    json_t *j = json_array();
    cr_assert_eq(jv_decode(a, j, "", fields, &t, &e), ERR_VALIDATION);
    cr_assert_str_eq(message_of(&e, "body"), "must be an object");
    json_decref(j);
}

Test(jsonv, depth_ok_counts_nesting)
{
    const char *s = "[[[1]]]";
    cr_assert(jv_depth_ok(s, strlen(s), 3));
    cr_assert_not(jv_depth_ok(s, strlen(s), 2));
    const char *o = "{\"a\": {\"b\": [{}]}}";
    cr_assert(jv_depth_ok(o, strlen(o), 4));
    cr_assert_not(jv_depth_ok(o, strlen(o), 3));
    /* Siblings do not add up. */
    const char *sib = "[[], [], {}, [[]]]";
    cr_assert(jv_depth_ok(sib, strlen(sib), 3));
    cr_assert_not(jv_depth_ok(sib, strlen(sib), 2));
    cr_assert(jv_depth_ok("", 0, 0));
}

Test(jsonv, depth_ok_skips_brackets_inside_strings)
{
    const char *s = "{\"k\": \"[[[[[[{{{{\"}";
    cr_assert(jv_depth_ok(s, strlen(s), 1));
    /* An escaped quote does not end the string. */
    const char *esc = "[\"\\\"[[[[\"]";
    cr_assert(jv_depth_ok(esc, strlen(esc), 1));
    /* An escaped backslash does end it: the brackets after count. */
    const char *bs = "[\"\\\\\", [[1]]]";
    cr_assert(jv_depth_ok(bs, strlen(bs), 3));
    cr_assert_not(jv_depth_ok(bs, strlen(bs), 2));
}

Test(jsonv, depth_ok_only_reads_len_bytes)
{
    const char buf[] = "[[[[[";
    cr_assert(jv_depth_ok(buf, 2, 2));
    cr_assert_not(jv_depth_ok(buf, 3, 2));
}

Test(jsonv, parse_ok_and_tied_to_the_arena)
{
    json_t *j = NULL;
    err_ctx e = {0};
    const char *s = "{\"a\": [1, 2]}";
    cr_assert_eq(jv_parse(a, s, strlen(s), 8, &j, &e), 0);
    cr_assert(json_is_object(j));
    cr_assert_eq(json_array_size(json_object_get(j, "a")), 2);
    /* No decref here: arena_free in the fixture releases it (ASan would
     * report a leak otherwise). */
}

Test(jsonv, parse_errors_are_bad_json)
{
    json_t *j = NULL;
    err_ctx e = {0};
    const char *bad[] = {"", "{", "{\"a\": }", "[1, 2,]", "nul", "{\"a\": 1} x"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err_clear(&e);
        cr_assert_eq(jv_parse(a, bad[i], strlen(bad[i]), 8, &j, &e), ERR_BAD_JSON, "'%s'",
                     bad[i]);
        cr_assert_gt(strlen(e.detail), 0);
    }
}

Test(jsonv, parse_refuses_duplicates_and_deep_input)
{
    json_t *j = NULL;
    err_ctx e = {0};
    const char *dup = "{\"a\": 1, \"a\": 2}";
    cr_assert_eq(jv_parse(a, dup, strlen(dup), 8, &j, &e), ERR_BAD_JSON);
    err_clear(&e);
    char deep[200];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    cr_assert_eq(jv_parse(a, deep, sizeof deep, 32, &j, &e), ERR_BAD_JSON);
    cr_assert(strstr(e.detail, "32") != NULL, "%s", e.detail);
    err_clear(&e);
    cr_assert_eq(jv_parse(a, deep, sizeof deep, 100, &j, &e), 0);
}
