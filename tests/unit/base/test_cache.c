/*
 * test_cache.c: the cache keeps copies for their ttl and no longer, drops
 * by key and by tag, refuses a put whose read raced a drop, stays within
 * its capacity, and holds up under threads.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "base/cache.h"

static size_t get(cache *c, const char *key, int64_t now, char *buf)
{
    memset(buf, 0, 64);
    return cache_get(c, key, now, buf, 63);
}

Test(cache, keeps_a_copy_until_its_ttl)
{
    cache *c = cache_new(100, 1000);
    char val[] = "alice", buf[64];
    cr_assert_eq(get(c, "k1", 0, buf), 0, "empty at first");
    cache_put(c, "k1", NULL, cache_epoch(c), 5000, val, sizeof val);
    val[0] = 'X'; /* the cache holds its own copy */
    cr_assert_eq(get(c, "k1", 5000, buf), sizeof val);
    cr_assert_str_eq(buf, "alice");
    cr_assert_eq(get(c, "k1", 5999, buf), sizeof val, "fresh until ttl");
    cr_assert_eq(get(c, "k1", 6000, buf), 0, "gone at ttl");
    cr_assert_eq(get(c, "k2", 5000, buf), 0);
    cache_put(c, "k1", NULL, cache_epoch(c), 7000, "bob", 4);
    cr_assert_eq(get(c, "k1", 7000, buf), 4, "a put replaces");
    cr_assert_str_eq(buf, "bob");
    cr_assert_eq(cache_get(c, "k1", 7000, buf, 3), 0, "a value larger than the buffer is a miss");
    cache_stats st = cache_stats_of(c);
    cr_assert_eq(st.hits, 3);
    cr_assert_eq(st.misses, 4);
    cr_assert_eq(st.entries, 1);
    cache_drop(c, "k1");
    cr_assert_eq(cache_stats_of(c).entries, 0);
    cache_free(c);
}

Test(cache, drops_by_key_and_by_tag)
{
    cache *c = cache_new(100, 1000);
    char buf[64];
    uint64_t ep = cache_epoch(c);
    cache_put(c, "tok-a1", "user-a", ep, 0, "a1", 3);
    cache_put(c, "tok-a2", "user-a", ep, 0, "a2", 3);
    cache_put(c, "tok-b1", "user-b", ep, 0, "b1", 3);
    cache_drop(c, "tok-a1");
    cr_assert_eq(get(c, "tok-a1", 1, buf), 0);
    cr_assert_eq(get(c, "tok-a2", 1, buf), 3);
    cache_drop_tag(c, "user-a");
    cr_assert_eq(get(c, "tok-a2", 1, buf), 0);
    cr_assert_eq(get(c, "tok-b1", 1, buf), 3, "other tags stay");
    cache_drop(c, "never-there"); /* no-op */
    cache_free(c);
}

Test(cache, a_put_after_a_drop_it_raced_is_refused)
{
    cache *c = cache_new(100, 1000);
    char buf[64];
    uint64_t before = cache_epoch(c); /* a reader starts reading the database */
    cache_drop(c, "tok");              /* meanwhile a sign-out commits and drops */
    cache_put(c, "tok", NULL, before, 0, "stale", 6);
    cr_assert_eq(get(c, "tok", 1, buf), 0, "the racing read is not kept");
    cache_put(c, "tok", NULL, cache_epoch(c), 0, "fresh", 6);
    cr_assert_eq(get(c, "tok", 1, buf), 6, "a read begun after the drop is");
    cache_free(c);
}

Test(cache, refuses_what_it_cannot_hold)
{
    cache *c = cache_new(100, 1000), *off = cache_new(100, 0);
    char buf[64], key[CACHE_KEY_MAX + 2];
    static char big[CACHE_VALUE_MAX + 1];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    cache_put(c, key, NULL, cache_epoch(c), 0, "v", 2);
    cr_assert_eq(get(c, key, 1, buf), 0, "a key over CACHE_KEY_MAX");
    cache_put(c, "k", key, cache_epoch(c), 0, "v", 2);
    cr_assert_eq(get(c, "k", 1, buf), 0, "a tag over CACHE_KEY_MAX");
    cache_put(c, "k", NULL, cache_epoch(c), 0, big, sizeof big);
    cr_assert_eq(cache_get(c, "k", 1, big, sizeof big), 0, "a value over CACHE_VALUE_MAX");
    cache_put(c, "k", NULL, cache_epoch(c), 0, "v", 0);
    cr_assert_eq(get(c, "k", 1, buf), 0, "an empty value");
    cache_put(off, "k", NULL, cache_epoch(off), 0, "v", 2);
    cr_assert_eq(get(off, "k", 0, buf), 0, "ttl 0 keeps nothing");
    cache_free(c);
    cache_free(off);
    cache_free(NULL);
}

Test(cache, stays_within_its_capacity_and_keeps_the_newest)
{
    cache *c = cache_new(64, 100000); /* one set of 4 per shard */
    char key[32], buf[64];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        cache_put(c, key, NULL, cache_epoch(c), i, key, strlen(key) + 1);
    }
    int held = 0;
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        held += get(c, key, 10000, buf) > 0;
    }
    cr_assert_leq(held, 64, "held %d", held);
    cr_assert_geq(held, 32, "held %d: most sets full", held);
    cr_assert_gt(get(c, "key-9999", 10000, buf), 0, "the last put is held");
    cache_free(c);
}

typedef struct worker {
    cache *c;
    int id;
    int wrong;
} worker;

/* Puts, gets and drops its own keys; a value read back is always one it
 * wrote under that key. */
static void *hammer(void *arg)
{
    worker *w = arg;
    char key[32], val[32], buf[64];
    for (int i = 0; i < 20000; i++) {
        int k = i % 50;
        snprintf(key, sizeof key, "w%d-k%d", w->id, k);
        snprintf(val, sizeof val, "w%d-k%d-v", w->id, k);
        if (i % 7 == 0)
            cache_drop(w->c, key);
        else if (i % 3 == 0)
            cache_put(w->c, key, "t", cache_epoch(w->c), i, val, strlen(val) + 1);
        else if (cache_get(w->c, key, i, buf, sizeof buf) && strcmp(buf, val) != 0)
            w->wrong++;
        if (i % 5000 == 0)
            cache_drop_tag(w->c, "t");
    }
    return NULL;
}

Test(cache, threads_see_only_whole_values)
{
    cache *c = cache_new(256, 1 << 30);
    pthread_t t[4];
    worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){c, i, 0};
        pthread_create(&t[i], NULL, hammer, &w[i]);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(w[i].wrong, 0);
    }
    cache_free(c);
}
