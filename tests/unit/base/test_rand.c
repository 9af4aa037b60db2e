/*
 * test_rand.c: ids, tokens, request ids and the token hash.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "base/rand.h"

static void init(void) { cr_assert_eq(rand_init(), 0); }

TestSuite(rand, .init = init);

static bool all_in(const char *s, const char *alphabet)
{
    for (; *s; s++)
        if (!strchr(alphabet, *s))
            return false;
    return true;
}

Test(rand, id_has_prefix_and_26_base32_chars)
{
    char id[RAND_ID_LEN];
    rand_id("org", id);
    cr_assert_eq(strlen(id), 4 + 26, "%s", id);
    cr_assert_eq(strncmp(id, "org_", 4), 0, "%s", id);
    /* Crockford base32, lowercase: no i, l, o, u. */
    cr_assert(all_in(id + 4, "0123456789abcdefghjkmnpqrstvwxyz"), "%s", id);
}

Test(rand, id_prefix_is_capped_at_11)
{
    char id[RAND_ID_LEN];
    rand_id("abcdefghijklmnop", id);
    cr_assert_eq(strlen(id), 11 + 1 + 26, "%s", id);
    cr_assert_eq(strncmp(id, "abcdefghijk_", 12), 0, "%s", id);
    cr_assert_lt(strlen(id), RAND_ID_LEN);
}

Test(rand, ids_differ_and_use_the_whole_alphabet)
{
    char seen[64][RAND_ID_LEN];
    int hist[128] = {0};
    for (int i = 0; i < 64; i++) {
        rand_id("x", seen[i]);
        for (int j = 0; j < i; j++)
            cr_assert_str_neq(seen[i], seen[j]);
        for (const char *p = seen[i] + 2; *p; p++)
            hist[(unsigned char)*p]++;
    }
    /* 64 * 26 = 1664 draws over 32 symbols: every symbol shows up. */
    for (const char *p = "0123456789abcdefghjkmnpqrstvwxyz"; *p; p++)
        cr_assert_gt(hist[(unsigned char)*p], 0, "symbol %c never drawn", *p);
}

Test(rand, token_is_cct_and_43_base64url_chars)
{
    char t1[RAND_TOKEN_LEN], t2[RAND_TOKEN_LEN];
    rand_token(t1);
    rand_token(t2);
    cr_assert_eq(strlen(t1), 47, "%s", t1);
    cr_assert_eq(strncmp(t1, "cct_", 4), 0);
    cr_assert(all_in(t1 + 4, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              "%s", t1);
    cr_assert_str_neq(t1, t2);
}

Test(rand, request_id_is_16_hex)
{
    char r1[RAND_RID_LEN], r2[RAND_RID_LEN];
    rand_request_id(r1);
    rand_request_id(r2);
    cr_assert_eq(strlen(r1), 16);
    cr_assert(all_in(r1, "0123456789abcdef"), "%s", r1);
    cr_assert_str_neq(r1, r2);
}

Test(rand, sha256_hex_known_vectors)
{
    char h[65];
    rand_sha256_hex("", h);
    cr_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    rand_sha256_hex("abc", h);
    cr_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(rand, timed_ids_sort_by_time_and_keep_80_random_bits)
{
    char a[RAND_ID_LEN], b[RAND_ID_LEN], c[RAND_ID_LEN], d[RAND_ID_LEN];
    rand_id_at("quo", 1789000000000LL, a);
    rand_id_at("quo", 1789000000001LL, b);
    rand_id_at("quo", 1789000000001LL, c);
    rand_id_at("quo", 1000LL << 40, d); /* past 2^45: the top characters move */
    cr_assert_eq(strlen(a), 4 + 26, "%s", a);
    cr_assert(all_in(a + 4, "0123456789abcdefghjkmnpqrstvwxyz"), "%s", a);
    cr_assert_lt(strcmp(a, b), 0, "%s !< %s", a, b);
    cr_assert_lt(strcmp(b, d), 0, "%s !< %s", b, d);
    /* Same millisecond: the same first 10 characters, different rest. */
    cr_assert_eq(strncmp(b, c, 4 + 10), 0, "%s %s", b, c);
    cr_assert_str_neq(b, c);
    /* 1789000000000 = 0x1a088b5a200, in 5-bit digits: 0 1 20 2 4 11 11 8 16 0. */
    cr_assert_eq(strncmp(a, "quo_01m24bb8g0", 14), 0, "%s", a);
    rand_id_at("q", -5, a); /* before 1970 reads as 0 */
    cr_assert_eq(strncmp(a, "q_0000000000", 12), 0, "%s", a);
}
