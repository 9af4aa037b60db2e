/*
 * cache.h: a small, bounded, thread-safe map from short keys to copies of
 * short values, each good for a set time. It holds what nearly every
 * request would otherwise read from the database: a session with its user,
 * an org's pricing facts.
 *
 * Staleness has two bounds:
 * - A change made by this process drops its entries at once (cache_drop,
 *   cache_drop_tag), after the change commits.
 * - A change made by another process reaches here when the entry ages
 *   out, at most ttl after it was read.
 *
 * A drop is never undone by a read that raced it. A reader that misses
 * takes cache_epoch before it reads the database, and passes the epoch to
 * cache_put. Every drop moves the epoch, so a put whose read may predate a
 * drop is refused.
 *
 * Entries live in 16 shards, each under its own mutex, in sets of 4. A
 * full set gives up its entry closest to expiry. Keys are hashed with
 * SipHash under a key drawn at start, so chosen keys cannot crowd one set.
 */
#ifndef COCLOUD_CACHE_H
#define COCLOUD_CACHE_H

#include <stddef.h>
#include <stdint.h>

typedef struct cache cache;

#define CACHE_KEY_MAX 64     /* bytes in a key or a tag, not counting the NUL */
#define CACHE_VALUE_MAX 4096 /* bytes in a value; larger ones are not kept */

/* A cache of about `capacity` entries (rounded up), each kept ttl_ms.
 * ttl_ms 0 makes a cache that keeps nothing. NULL when out of memory. */
cache *cache_new(size_t capacity, int64_t ttl_ms);
void cache_free(cache *c); /* NULL is a no-op */

/* The epoch to pass to cache_put for a value about to be read. */
uint64_t cache_epoch(const cache *c);

/* Copies key's value into buf when it holds one that is fresh at `now`
 * and fits in cap bytes: returns its length, or 0 when it does not. */
size_t cache_get(cache *c, const char *key, int64_t now, void *buf, size_t cap);

/* Keeps a copy of the len bytes at val (1 ..  CACHE_VALUE_MAX) under key,
 * until now + ttl, with a tag (NULL for none) that cache_drop_tag can drop
 * it by. Refused when anything was dropped since `epoch`, and, being only
 * a cache, when the key or the tag is too long or memory is short. */
void cache_put(cache *c, const char *key, const char *tag, uint64_t epoch, int64_t now,
               const void *val, size_t len);

/* What a cache has done since it was made, for GET /metrics. */
typedef struct cache_stats {
    uint64_t hits, misses; /* cache_get calls that found a fresh value, that did not */
    uint64_t entries;      /* held now, fresh or not */
} cache_stats;
cache_stats cache_stats_of(cache *c);

/* Drops key's entry; drops every entry tagged `tag`. */
void cache_drop(cache *c, const char *key);
void cache_drop_tag(cache *c, const char *tag);

#endif
