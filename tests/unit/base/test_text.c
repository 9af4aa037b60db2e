/*
 * test_text.c: UTF-8 counting and checking, control characters, blanks, lists, email.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"

Test(text, chars_counts_code_points)
{
    cr_assert_eq(text_chars(""), 0);
    cr_assert_eq(text_chars("abc"), 3);
    cr_assert_eq(text_chars("é"), 1);            /* 2 bytes */
    cr_assert_eq(text_chars("专属月"), 3);       /* 9 bytes */
    cr_assert_eq(text_chars("a😀b"), 3);         /* 4-byte emoji */
    cr_assert_eq(text_chars("上云津贴 ok"), 7);
}

Test(text, utf8_len_takes_well_formed_sequences_only)
{
    cr_assert_eq(text_utf8_len(""), 0);
    cr_assert_eq(text_utf8_len("a"), 1);
    cr_assert_eq(text_utf8_len("é"), 2);
    cr_assert_eq(text_utf8_len("中"), 3);
    cr_assert_eq(text_utf8_len("😀"), 4);
    cr_assert_eq(text_utf8_len("\xF4\x8F\xBF\xBF"), 4); /* U+10FFFF, the last */
    cr_assert_eq(text_utf8_len("\x80"), 0);               /* a continuation alone */
    cr_assert_eq(text_utf8_len("\xC0\xAF"), 0);           /* overlong '/' */
    cr_assert_eq(text_utf8_len("\xC1\xBF"), 0);
    cr_assert_eq(text_utf8_len("\xE0\x9F\xBF"), 0);       /* overlong, 3 bytes */
    cr_assert_eq(text_utf8_len("\xED\xA0\x80"), 0);       /* U+D800, a surrogate */
    cr_assert_eq(text_utf8_len("\xF0\x8F\xBF\xBF"), 0);   /* overlong, 4 bytes */
    cr_assert_eq(text_utf8_len("\xF4\x90\x80\x80"), 0);   /* past U+10FFFF */
    cr_assert_eq(text_utf8_len("\xF5\x80\x80\x80"), 0);
    cr_assert_eq(text_utf8_len("\xFF"), 0);
    cr_assert_eq(text_utf8_len("\xE4\xB8"), 0);            /* cut short by the end */
    cr_assert_eq(text_utf8_len("\xE4x\xAD"), 0);
}

Test(text, is_utf8)
{
    cr_assert(text_is_utf8(""));
    cr_assert(text_is_utf8("plain, 中文 ☁ 😀"));
    cr_assert_not(text_is_utf8("ok\xFF"));
    cr_assert_not(text_is_utf8("\xE4\xB8"));
    cr_assert_not(text_is_utf8("a\xED\xBF\xBFb"));
}

Test(text, utf8_safe_replaces_each_bad_byte)
{
    arena *a = arena_new(1 << 16);
    const char *ok = "中文 ok";
    cr_assert_eq(text_utf8_safe(a, ok), ok, "valid text is not copied");
    cr_assert_str_eq(text_utf8_safe(a, "a\xFF" "b"), "a\xEF\xBF\xBD" "b");
    cr_assert_str_eq(text_utf8_safe(a, "\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
    /* A sequence cut at a length limit: its two bytes each become U+FFFD. */
    cr_assert_str_eq(text_utf8_safe(a, "no product 中\xE4\xB8"),
                     "no product 中\xEF\xBF\xBD\xEF\xBF\xBD");
    cr_assert(text_is_utf8(text_utf8_safe(a, "\xC0\xAF\xED\xA0\x80\xF4\x90\x80\x80")));
    arena_free(a);
}

Test(text, has_control)
{
    cr_assert_not(text_has_control(""));
    cr_assert_not(text_has_control("plain text, 中文 ☁"));
    cr_assert(text_has_control("a\nb"));
    cr_assert(text_has_control("tab\there"));
    cr_assert(text_has_control("\x01"));
    cr_assert(text_has_control("del\x7f"));
    cr_assert(text_has_control("\x1f"));
}

Test(text, blank)
{
    cr_assert(text_blank(""));
    cr_assert(text_blank("   "));
    cr_assert(text_blank(" \t\r\n"));
    cr_assert_not(text_blank(" a "));
    cr_assert_not(text_blank("中"));
}

Test(text, index)
{
    static const char *const list[] = {"enterprise", "partner", NULL};
    static const char *const empty[] = {NULL};
    cr_assert_eq(text_index(list, "enterprise"), 0);
    cr_assert_eq(text_index(list, "partner"), 1);
    cr_assert_eq(text_index(list, "Partner"), -1);
    cr_assert_eq(text_index(list, "part"), -1);
    cr_assert_eq(text_index(list, ""), -1);
    cr_assert_eq(text_index(empty, "x"), -1);
}

Test(text, join)
{
    static const char *const list[] = {"alpha", "beta", "gamma", NULL};
    static const char *const empty[] = {NULL};
    char out[64];
    text_join(list, out, sizeof out);
    cr_assert_str_eq(out, "alpha, beta, gamma");
    text_join(empty, out, sizeof out);
    cr_assert_str_eq(out, "");
}

Test(text, join_truncates_within_the_buffer)
{
    static const char *const list[] = {"alpha", "beta", "gamma", NULL};
    char out[16];
    memset(out, 'Z', sizeof out);
    text_join(list, out, 8);
    cr_assert_lt(strlen(out), 8);
    cr_assert_eq(strncmp(out, "alpha, beta", strlen(out)), 0, "%s", out);
    cr_assert_eq(out[8], 'Z', "wrote past n");
}

Test(text, email_accepts)
{
    const char *ok[] = {"a@b.co", "ada@example.com", "first.last+tag@sub.example.cn",
                        "x@y.z", "UPPER@EXAMPLE.COM", "u_1-2@a-b.io"};
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
        cr_assert(text_is_email(ok[i]), "%s should be accepted", ok[i]);
}

Test(text, email_rejects)
{
    const char *bad[] = {"",
                         "plain",
                         "@example.com",
                         "a@",
                         "a@b",
                         "a@b.",
                         "a@.com",
                         "a@@b.com",
                         "a@b@c.com",
                         "a b@c.com",
                         "a@b .com",
                         "a@b..com",
                         "<a@b.com>",
                         "a,b@c.com",
                         "a;b@c.com",
                         "\"a\"@b.com",
                         "a\\b@c.com",
                         "a@b.com\n",
                         "a\t@b.com"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        cr_assert_not(text_is_email(bad[i]), "\"%s\" should be refused", bad[i]);
}

Test(text, email_length_limits)
{
    char local[80], addr[400];
    memset(local, 'a', 64);
    local[64] = '\0';
    snprintf(addr, sizeof addr, "%s@example.com", local);
    cr_assert(text_is_email(addr), "64-byte local part is fine");
    memset(local, 'a', 65);
    local[65] = '\0';
    snprintf(addr, sizeof addr, "%s@example.com", local);
    cr_assert_not(text_is_email(addr), "65-byte local part is too long");

    /* 254 bytes in all is the limit. */
    char dom[300];
    size_t dlen = 254 - 2 - 4; /* "a@" + dom + ".com" */
    memset(dom, 'd', dlen);
    dom[dlen] = '\0';
    snprintf(addr, sizeof addr, "a@%s.com", dom);
    cr_assert_eq(strlen(addr), 254);
    cr_assert(text_is_email(addr));
    snprintf(addr, sizeof addr, "ab@%s.com", dom);
    cr_assert_eq(strlen(addr), 255);
    cr_assert_not(text_is_email(addr));
}

Test(text, lower)
{
    char s[] = "Ada@Example.COM";
    cr_assert_eq(text_lower(s), s);
    cr_assert_str_eq(s, "ada@example.com");
    char u[] = "ÉCOLE";
    text_lower(u);
    cr_assert_str_eq(u, "École", "only ASCII changes");
}
