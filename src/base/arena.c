/*
 * arena.c: chunked bump allocator with a byte limit and deferred cleanups.
 */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK 8192             /* the first chunk; each next one is twice the last */
#define ARENA_CHUNK_MAX (256 << 10) /* up to this */
#define ARENA_ALIGN 16

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    _Alignas(ARENA_ALIGN) unsigned char data[];
} chunk;

typedef struct defer {
    struct defer *next;
    void (*fn)(void *);
    void *p;
} defer;

struct arena {
    chunk *head;
    defer *defers;
    size_t limit, total;
    size_t next_cap; /* the size of the next regular chunk */
};

/* The arena and its first chunk are one block (one malloc, one free):
 * the chunk starts at the first aligned offset past the arena. */
#define ARENA_HEAD ((sizeof(arena) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))

static chunk *first_chunk(arena *a) { return (chunk *)((unsigned char *)a + ARENA_HEAD); }

arena *arena_new(size_t limit)
{
    arena *a = malloc(ARENA_HEAD + sizeof(chunk) + ARENA_CHUNK);
    if (!a)
        return NULL;
    chunk *c = first_chunk(a);
    *c = (chunk){.cap = ARENA_CHUNK};
    *a = (arena){.head = c, .limit = limit, .next_cap = 2 * ARENA_CHUNK};
    return a;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    for (defer *d = a->defers; d; d = d->next)
        d->fn(d->p);
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        if (c != first_chunk(a))
            free(c);
        c = next;
    }
    free(a);
}

void *arena_alloc(arena *a, size_t n)
{
    void *p = arena_alloc_raw(a, n);
    if (p)
        memset(p, 0, n ? n : 1);
    return p;
}

void *arena_alloc_raw(arena *a, size_t n)
{
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN)
        return NULL;
    n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (n > a->limit - a->total || a->total > a->limit)
        return NULL;
    chunk *c = a->head;
    if (!c || c->cap - c->used < n) {
        /* Chunks double, so a request that builds a big answer calls
         * malloc a few times, not once per 8 KB. */
        size_t regular = a->next_cap ? a->next_cap : ARENA_CHUNK;
        size_t cap = n > regular ? n : regular;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->cap = cap;
        c->used = 0;
        /* A big one-off block goes behind the current chunk so the
         * current chunk's free tail stays usable. */
        if (a->head && n > regular) {
            c->next = a->head->next;
            a->head->next = c;
        } else {
            c->next = a->head;
            a->head = c;
            a->next_cap = regular < ARENA_CHUNK_MAX ? regular * 2 : regular;
        }
    }
    void *p = c->data + c->used;
    c->used += n;
    a->total += n;
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *d = arena_alloc(a, n + 1);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *d = arena_alloc(a, (size_t)n + 1);
    if (!d)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(d, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return d;
}

int arena_defer(arena *a, void (*fn)(void *), void *p)
{
    defer *d = arena_alloc(a, sizeof *d);
    if (!d) {
        fn(p);
        return -1;
    }
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
    return 0;
}

size_t arena_used(const arena *a) { return a->total; }
