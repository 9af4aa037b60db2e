/*
 * test_text.c: UTF-8 counting, control characters, blanks, lists, email.
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
