/*
 * arena.h: a region allocator, one per request (after h2o's mem pool).
 *
 * Everything a request needs is carved from its arena and released at once
 * when the request ends; handlers never free piece by piece. An arena has a
 * hard byte limit so that one request cannot eat the machine. Foreign objects
 * (jansson values, prepared statements) are tied to the arena with
 * arena_defer and released with it.
 */
#ifndef COCLOUD_ARENA_H
#define COCLOUD_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

/* Creates an arena that hands out at most `limit` bytes in total.
 * Returns NULL when out of memory. */
arena *arena_new(size_t limit);

/* Runs deferred cleanups (last first) and releases all memory. NULL is a no-op. */
void arena_free(arena *a);

/* Zeroed, 16-byte aligned memory valid until arena_free; NULL past the limit. */
void *arena_alloc(arena *a, size_t n);

/* The same without the zeroing, for scratch the caller fills before reading. */
void *arena_alloc_raw(arena *a, size_t n);

/* Copies of strings; NULL in gives NULL out, NULL on exhaustion too. */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Calls fn(p) when the arena is freed. Returns 0, or -1 when out of memory
 * (in which case fn(p) is called at once so nothing leaks). */
int arena_defer(arena *a, void (*fn)(void *), void *p);

/* Bytes handed out so far (for tests and metrics). */
size_t arena_used(const arena *a);

#endif
