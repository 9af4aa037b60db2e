/*
 * cache.c: the shards, sets and epoch of cache.h.
 */
#include "base/cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SHARDS 16
#define CACHE_WAYS 4

typedef struct entry {
    uint64_t hash; /* 0 when the entry is empty */
    int64_t expires;
    char key[CACHE_KEY_MAX + 1];
    char tag[CACHE_KEY_MAX + 1];
    size_t len;
    unsigned char *value;
} entry;

typedef struct shard {
    _Alignas(64) pthread_mutex_t mu; /* one shard per cache line: no false sharing */
    entry *sets;                     /* nsets sets of CACHE_WAYS */
    uint64_t hits, misses, entries;  /* counted under mu: no atomics on the hot path */
} shard;

struct cache {
    int64_t ttl_ms;
    size_t nsets; /* per shard */
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
    _Atomic uint64_t epoch;
    shard shards[CACHE_SHARDS];
};

cache *cache_new(size_t capacity, int64_t ttl_ms)
{
    size_t size = (sizeof(cache) + 63) / 64 * 64; /* aligned_alloc wants a multiple */
    cache *c = aligned_alloc(64, size);
    if (!c)
        return NULL;
    memset(c, 0, size);
    c->ttl_ms = ttl_ms > 0 ? ttl_ms : 0;
    size_t per_set = CACHE_SHARDS * CACHE_WAYS;
    c->nsets = capacity / per_set + (capacity % per_set != 0) + (capacity == 0);
    randombytes_buf(c->hash_key, sizeof c->hash_key);
    atomic_init(&c->epoch, 0);
    for (int i = 0; i < CACHE_SHARDS; i++)
        pthread_mutex_init(&c->shards[i].mu, NULL);
    for (int i = 0; i < CACHE_SHARDS; i++)
        if (!(c->shards[i].sets = calloc(c->nsets * CACHE_WAYS, sizeof(entry)))) {
            cache_free(c);
            return NULL;
        }
    return c;
}

static void entry_clear(shard *s, entry *x)
{
    s->entries -= x->hash != 0;
    free(x->value);
    x->value = NULL;
    x->hash = 0;
}

void cache_free(cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < CACHE_SHARDS; i++) {
        shard *s = &c->shards[i];
        for (size_t k = 0; s->sets && k < c->nsets * CACHE_WAYS; k++)
            entry_clear(s, &s->sets[k]);
        free(s->sets);
        pthread_mutex_destroy(&s->mu);
    }
    free(c);
}

uint64_t cache_epoch(const cache *c) { return atomic_load(&c->epoch); }

/* The key's hash (never 0, which marks an empty entry); its shard and
 * set follow from it. false when the key is too long to be kept. */
static bool locate(const cache *c, const char *key, uint64_t *hash)
{
    size_t n = strlen(key);
    if (n > CACHE_KEY_MAX)
        return false;
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, n, c->hash_key);
    memcpy(hash, h, sizeof *hash);
    *hash |= 1;
    return true;
}

static shard *shard_of(cache *c, uint64_t hash) { return &c->shards[hash % CACHE_SHARDS]; }

static entry *set_of(const cache *c, shard *s, uint64_t hash)
{
    return s->sets + (hash / CACHE_SHARDS % c->nsets) * CACHE_WAYS;
}

/* The entry holding key in its set, or NULL. */
static entry *find(entry *set, uint64_t hash, const char *key)
{
    for (int i = 0; i < CACHE_WAYS; i++)
        if (set[i].hash == hash && strcmp(set[i].key, key) == 0)
            return &set[i];
    return NULL;
}

size_t cache_get(cache *c, const char *key, int64_t now, void *buf, size_t cap)
{
    uint64_t hash;
    size_t n = 0;
    if (!c->ttl_ms || !locate(c, key, &hash))
        return 0;
    shard *s = shard_of(c, hash);
    pthread_mutex_lock(&s->mu);
    const entry *x = find(set_of(c, s, hash), hash, key);
    if (x && now < x->expires && x->len <= cap) {
        memcpy(buf, x->value, x->len);
        n = x->len;
    }
    s->hits += n != 0;
    s->misses += n == 0;
    pthread_mutex_unlock(&s->mu);
    return n;
}

void cache_put(cache *c, const char *key, const char *tag, uint64_t epoch, int64_t now,
               const void *val, size_t len)
{
    uint64_t hash;
    tag = tag ? tag : "";
    if (!c->ttl_ms || !len || len > CACHE_VALUE_MAX || strlen(tag) > CACHE_KEY_MAX ||
        !locate(c, key, &hash))
        return;
    unsigned char *copy = malloc(len);
    if (!copy)
        return;
    memcpy(copy, val, len);
    shard *s = shard_of(c, hash);
    pthread_mutex_lock(&s->mu);
    if (atomic_load(&c->epoch) != epoch) { /* a drop came after the read: it may be stale */
        pthread_mutex_unlock(&s->mu);
        free(copy);
        return;
    }
    entry *set = set_of(c, s, hash), *x = find(set, hash, key);
    for (int i = 0; !x && i < CACHE_WAYS; i++)
        if (!set[i].hash)
            x = &set[i];
    if (!x) { /* the set is full: the entry closest to expiry goes */
        x = &set[0];
        for (int i = 1; i < CACHE_WAYS; i++)
            if (set[i].expires < x->expires)
                x = &set[i];
    }
    entry_clear(s, x);
    s->entries++;
    x->hash = hash;
    x->expires = now + c->ttl_ms;
    strcpy(x->key, key); /* lengths checked above */
    strcpy(x->tag, tag);
    x->len = len;
    x->value = copy;
    pthread_mutex_unlock(&s->mu);
}

void cache_drop(cache *c, const char *key)
{
    uint64_t hash;
    atomic_fetch_add(&c->epoch, 1); /* first: refuses the puts of reads made before now */
    if (!locate(c, key, &hash))
        return;
    shard *s = shard_of(c, hash);
    pthread_mutex_lock(&s->mu);
    entry *x = find(set_of(c, s, hash), hash, key);
    if (x)
        entry_clear(s, x);
    pthread_mutex_unlock(&s->mu);
}

void cache_drop_tag(cache *c, const char *tag)
{
    atomic_fetch_add(&c->epoch, 1);
    for (int i = 0; i < CACHE_SHARDS; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        for (size_t k = 0; k < c->nsets * CACHE_WAYS; k++)
            if (s->sets[k].hash && strcmp(s->sets[k].tag, tag) == 0)
                entry_clear(s, &s->sets[k]);
        pthread_mutex_unlock(&s->mu);
    }
}

cache_stats cache_stats_of(cache *c)
{
    cache_stats t = {0};
    for (int i = 0; i < CACHE_SHARDS; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->mu);
        t.hits += s->hits;
        t.misses += s->misses;
        t.entries += s->entries;
        pthread_mutex_unlock(&s->mu);
    }
    return t;
}
