/*
 * test_quote_terms.c: a quote's stored terms survive the trip to text and
 * back, and text that is not terms is refused.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "campaign/quote_terms.h"

static qt_line product_line(void)
{
    qt_line l = {.product = "ecs.general", .region = "cn-north-4", .mode = "monthly",
                 .quantity = 3, .months = 2, .hours = -1, .list = 179400, .final = 150000,
                 .napplied = 2};
    l.applied[0] = (qt_applied){"pol_a\"quoted", 0, 20000};
    l.applied[1] = (qt_applied){"pol_b", 1, 9400};
    return l;
}

Test(quote_terms, round_trip)
{
    arena *a = arena_new(1 << 20);
    qt_line lines[2] = {product_line(),
                        {.pack = "pck_shop", .region = "cn-north-4", .quantity = 1, .months = -1,
                         .hours = -1, .list = 131600, .pack_discount = 26320,
                         .pack_effect = "percent_off", .final = 105280}};
    quote_terms t = {.nlines = 2, .lines = lines, .list = 311000, .discount = 55720,
                     .final = 255280}, back;
    size_t len = 0;
    const char *text = quote_terms_encode(a, &t, &len);
    cr_assert_not_null(text);
    cr_assert_eq(strlen(text), len);
    err_ctx e = {0};
    cr_assert_eq(quote_terms_decode(a, text, &back, &e), 0, "%s", e.detail);
    cr_assert_eq(back.nlines, 2);
    cr_assert_eq(back.list, 311000);
    cr_assert_eq(back.discount, 55720);
    cr_assert_eq(back.final, 255280);
    const qt_line *p = &back.lines[0], *k = &back.lines[1];
    cr_assert_str_eq(p->product, "ecs.general");
    cr_assert_null(p->pack);
    cr_assert_str_eq(p->mode, "monthly");
    cr_assert_eq(p->months, 2);
    cr_assert_eq(p->hours, -1);
    cr_assert_null(p->pack_effect);
    cr_assert_eq(p->napplied, 2);
    cr_assert_str_eq(p->applied[0].policy, "pol_a\"quoted");
    cr_assert_eq(p->applied[0].index, -1);
    cr_assert_eq(p->applied[1].amount, 9400);
    cr_assert_str_eq(k->pack, "pck_shop");
    cr_assert_null(k->product);
    cr_assert_null(k->mode);
    cr_assert_eq(k->months, -1);
    cr_assert_str_eq(k->pack_effect, "percent_off");
    cr_assert_eq(k->pack_discount, 26320);
    cr_assert_eq(k->napplied, 0);
    arena_free(a);
}

Test(quote_terms, other_text_is_refused)
{
    static const char *bad[] = {
        "", "{}", "[]", "[1,2,3]", "[1,2,3,{}]", "[1,2,3,[[]]]",
        "[1,2,3,[[null,null,\"r\",null,1,null,null,1,0,null,1,[\"pol\"]]]]",
        "[1,2,3,[[null,null,null,null,1,null,null,1,0,null,1,[]]]]",
        "[1,2,\"3\",[]]",
    };
    arena *a = arena_new(1 << 20);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        quote_terms t;
        err_ctx e = {0};
        cr_assert_eq(quote_terms_decode(a, bad[i], &t, &e), ERR_INTERNAL, "%s", bad[i]);
    }
    quote_terms t;
    err_ctx e = {0};
    cr_assert_eq(quote_terms_decode(a, "[0,0,0,[]]", &t, &e), 0, "an empty quote is terms");
    arena_free(a);
}
