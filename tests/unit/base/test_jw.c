/*
 * test_jw.c: the streaming JSON writer gives the text jansson would parse
 * back to the same value, with escapes and nesting right.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <string.h>

#include "base/jw.h"

Test(jw, nested_values_with_commas_and_escapes)
{
    arena *a = arena_new(1 << 20);
    jw w;
    jw_init(&w, a, 8); /* small, so the buffer has to grow */
    jw_object(&w);
    jw_key(&w, "id");
    jw_string(&w, "quo_1");
    jw_key(&w, "n");
    jw_int(&w, -9007199254740993LL);
    jw_key(&w, "list");
    jw_array(&w);
    jw_int(&w, 1);
    jw_object(&w);
    jw_key(&w, "q\"k");
    jw_string(&w, "a\\b\n\x01 中文");
    jw_end(&w);
    jw_null(&w);
    jw_bool(&w, true);
    jw_array(&w);
    jw_end(&w);
    jw_end(&w);
    jw_key(&w, "none");
    jw_string(&w, NULL);
    jw_end(&w);
    size_t len = 0;
    const char *text = jw_done(&w, &len);
    cr_assert_not_null(text);
    cr_assert_eq(strlen(text), len);
    cr_assert_str_eq(text, "{\"id\":\"quo_1\",\"n\":-9007199254740993,\"list\":[1,{\"q\\\"k\":"
                           "\"a\\\\b\\n\\u0001 中文\"},null,true,[]],\"none\":null}");
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "list"),
                                                                      1),
                                                       "q\"k")),
                     "a\\b\n\x01 中文");
    json_decref(j);
    arena_free(a);
}

/* jw_int_text writes what jw_int writes, at most JW_INT_MAX characters. */
Test(jw, int_text_is_jw_int_s_digits)
{
    static const int64_t cases[] = {0, 7, -7, 1234567890, INT64_MAX, INT64_MIN};
    static const char *const want[] = {"0", "7", "-7", "1234567890", "9223372036854775807",
                                       "-9223372036854775808"};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char out[JW_INT_MAX + 1];
        size_t n = jw_int_text(out, cases[i]);
        cr_assert_leq(n, JW_INT_MAX);
        out[n] = '\0';
        cr_assert_str_eq(out, want[i]);
    }
}

/* Absent values: jw_json of NULL and jw_count of a negative number are
 * null, like jw_string of NULL. */
/* A value put together by hand in the writer's buffer takes its place among
 * the others (commas placed), whatever room was asked beyond what it used,
 * and the buffer grows for it. */
Test(jw, a_value_written_in_place_sits_among_the_others)
{
    arena *a = arena_new(1 << 20);
    jw w;
    jw_init(&w, a, 8); /* small, so the room asked for makes it grow */
    jw_array(&w);
    jw_int(&w, 1);
    char *o = jw_json_begin(&w, 100);
    cr_assert_not_null(o);
    memcpy(o, "{\"k\":2}", 7);
    jw_json_end(&w, 7);
    jw_json(&w, "\"x\"", 3);
    jw_end(&w);
    size_t len;
    const char *text = jw_done(&w, &len);
    cr_assert_str_eq(text, "[1,{\"k\":2},\"x\"]");
    cr_assert_eq(len, strlen(text));
    arena_free(a);
}

Test(jw, absent_values_are_null)
{
    arena *a = arena_new(1 << 20);
    jw w;
    jw_init(&w, a, 64);
    jw_array(&w);
    jw_json(&w, NULL, 0);
    jw_json(&w, "\"x\"", 3);
    jw_count(&w, -1);
    jw_count(&w, 0);
    jw_count(&w, 42);
    jw_end(&w);
    size_t len = 0;
    cr_assert_str_eq(jw_done(&w, &len), "[null,\"x\",null,0,42]");
    arena_free(a);
}

Test(jw, unbalanced_nesting_gives_no_text)
{
    arena *a = arena_new(1 << 20);
    jw w;
    jw_init(&w, a, 64);
    jw_object(&w);
    cr_assert_null(jw_done(&w, NULL), "an object left open");
    jw_init(&w, a, 64);
    jw_end(&w);
    cr_assert_null(jw_done(&w, NULL), "an end without an open");
    arena_free(a);
}

Test(jw, an_arena_that_runs_out_gives_no_text)
{
    arena *a = arena_new(256);
    jw w;
    jw_init(&w, a, 64);
    jw_array(&w);
    for (int i = 0; i < 100; i++)
        jw_string(&w, "a long enough string to outgrow the arena");
    jw_end(&w);
    cr_assert_null(jw_done(&w, NULL));
    arena_free(a);
}

/* Strings of every length up to 40 with one byte that needs escaping (or
 * none) at every position, against jansson's reading of the text. */
Test(jw, escapes_at_every_position_of_long_strings)
{
    static const char specials[] = {'"', '\\', '\n', '\r', '\t', 0x01, 0x1f, 'x'};
    arena *a = arena_new(1 << 20);
    char s[48];
    for (int len = 1; len <= 40; len++)
        for (int at = 0; at < len; at++)
            for (size_t k = 0; k < sizeof specials; k++) {
                for (int i = 0; i < len; i++)
                    s[i] = (char)('a' + i % 26);
                if (len >= 6 && at != 3 && at != 4 && at != 5)
                    memcpy(s + 3, "\xe4\xb8\xad", 3); /* a UTF-8 character passes through */
                s[at] = specials[k];
                s[len] = '\0';
                jw w;
                jw_init(&w, a, 64);
                jw_array(&w);
                jw_string(&w, s);
                jw_end(&w);
                const char *text = jw_done(&w, NULL);
                cr_assert_not_null(text);
                json_error_t je;
                json_t *j = json_loads(text, JSON_ALLOW_NUL, &je);
                cr_assert_not_null(j, "len %d at %d: %s: %s", len, at, je.text, text);
                cr_assert_str_eq(json_string_value(json_array_get(j, 0)), s);
                json_decref(j);
            }
    arena_free(a);
}
