/*
 * test_arena.c: the request arena: zeroed aligned memory, the byte limit,
 * string copies and deferred cleanups in reverse order.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "base/arena.h"

Test(arena, alloc_is_zeroed_aligned_and_counted)
{
    arena *a = arena_new(1 << 20);
    cr_assert_not_null(a);
    cr_assert_eq(arena_used(a), 0);
    unsigned char *p = arena_alloc(a, 100);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % 16, 0);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(p[i], 0);
    memset(p, 0xAB, 100);
    unsigned char *q = arena_alloc(a, 1);
    cr_assert_not_null(q);
    cr_assert_eq((uintptr_t)q % 16, 0);
    cr_assert_eq(*q, 0);
    /* Distinct, non-overlapping blocks. */
    cr_assert(q >= p + 100 || q + 1 <= p);
    cr_assert_eq(arena_used(a), 112 + 16, "used %zu", arena_used(a));
    arena_free(a);
}

Test(arena, zero_size_still_gives_distinct_pointers)
{
    arena *a = arena_new(1024);
    void *p = arena_alloc(a, 0), *q = arena_alloc(a, 0);
    cr_assert_not_null(p);
    cr_assert_not_null(q);
    cr_assert_neq(p, q);
    arena_free(a);
}

Test(arena, big_blocks_beyond_a_chunk)
{
    arena *a = arena_new(1 << 20);
    char *small = arena_alloc(a, 10);
    char *big = arena_alloc(a, 100000);
    char *small2 = arena_alloc(a, 10);
    cr_assert_not_null(small);
    cr_assert_not_null(big);
    cr_assert_not_null(small2);
    memset(big, 'x', 100000); /* ASan catches a short block */
    strcpy(small, "left");
    strcpy(small2, "right");
    cr_assert_eq(big[99999], 'x');
    cr_assert_str_eq(small, "left");
    cr_assert_str_eq(small2, "right");
    arena_free(a);
}

Test(arena, limit_returns_null_and_keeps_what_was_given)
{
    arena *a = arena_new(64);
    char *p = arena_alloc(a, 48);
    cr_assert_not_null(p);
    cr_assert_null(arena_alloc(a, 32), "48 + 32 > 64 must fail");
    cr_assert_not_null(arena_alloc(a, 16), "48 + 16 == 64 fits");
    cr_assert_null(arena_alloc(a, 1));
    cr_assert_eq(arena_used(a), 64);
    cr_assert_null(arena_alloc(a, SIZE_MAX));
    cr_assert_null(arena_alloc(a, SIZE_MAX - 8));
    arena_free(a);

    a = arena_new(0);
    cr_assert_null(arena_alloc(a, 1));
    cr_assert_null(arena_strdup(a, "x"));
    cr_assert_null(arena_printf(a, "%d", 42));
    arena_free(a);
}

Test(arena, strings)
{
    arena *a = arena_new(4096);
    char src[] = "hello";
    char *d = arena_strdup(a, src);
    cr_assert_str_eq(d, "hello");
    cr_assert_neq(d, src);
    cr_assert_str_eq(arena_strndup(a, "abcdef", 3), "abc");
    cr_assert_null(arena_strdup(a, NULL));
    cr_assert_null(arena_strndup(a, NULL, 3));
    cr_assert_str_eq(arena_printf(a, "%s-%03d", "id", 7), "id-007");
    cr_assert_str_eq(arena_printf(a, "%s", ""), "");
    arena_free(a);
}

static int order[8], norder;
static void record(void *p) { order[norder++] = (int)(intptr_t)p; }

Test(arena, defer_runs_last_first_on_free)
{
    arena *a = arena_new(4096);
    norder = 0;
    cr_assert_eq(arena_defer(a, record, (void *)1), 0);
    cr_assert_eq(arena_defer(a, record, (void *)2), 0);
    cr_assert_eq(arena_defer(a, record, (void *)3), 0);
    cr_assert_eq(norder, 0, "nothing runs before arena_free");
    arena_free(a);
    cr_assert_eq(norder, 3);
    cr_assert_eq(order[0], 3);
    cr_assert_eq(order[1], 2);
    cr_assert_eq(order[2], 1);
}

Test(arena, defer_past_the_limit_runs_at_once)
{
    arena *a = arena_new(16);
    norder = 0;
    cr_assert_not_null(arena_alloc(a, 16));
    cr_assert_eq(arena_defer(a, record, (void *)9), -1);
    cr_assert_eq(norder, 1, "fn(p) must run at once so nothing leaks");
    cr_assert_eq(order[0], 9);
    arena_free(a);
    cr_assert_eq(norder, 1, "and must not run a second time");
}

Test(arena, free_null_is_a_noop)
{
    arena_free(NULL);
}
