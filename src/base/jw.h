/*
 * jw.h: a streaming JSON writer into an arena buffer, for large answers on
 * hot paths (a quote lists every line, offer and rejection). jansson builds
 * a tree of objects first; writing straight to text is several times
 * cheaper and allocates nothing but the growing buffer.
 *
 * Commas and colons are placed by the writer: call jw_key before each value
 * inside an object. Strings are escaped as RFC 8259 requires; UTF-8 passes
 * through. An allocation failure is sticky: jw_done then returns NULL.
 */
#ifndef COCLOUD_JW_H
#define COCLOUD_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"

#define JW_MAX_DEPTH 32

typedef struct jw {
    arena *a;
    char *buf;
    size_t len, cap;
    bool failed;
    int depth;
    bool first[JW_MAX_DEPTH]; /* nothing written yet at this depth */
    char close[JW_MAX_DEPTH]; /* the bracket that ends this depth */
    bool after_key;
} jw;

void jw_init(jw *w, arena *a, size_t cap);
void jw_object(jw *w);
void jw_array(jw *w);
void jw_end(jw *w); /* closes the innermost object or array */
void jw_key(jw *w, const char *key);
/* A key the caller vouches needs no escaping (letters, digits, '_'), of n
 * bytes; JW_KEY takes a string literal. Saves scanning it. */
void jw_key_n(jw *w, const char *key, size_t n);
#define JW_KEY(w, lit) jw_key_n((w), "" lit, sizeof(lit) - 1)
/* A value encoded earlier: json is n bytes of one complete JSON value (a
 * string from jw_quote, say), written as it is; NULL writes null. */
void jw_json(jw *w, const char *json, size_t n);
/* Room for one complete JSON value of at most n bytes, put together by hand
 * at the pointer returned (NULL on failure, which is sticky); jw_json_end
 * then says how many bytes it took. For values assembled from texts
 * encoded once, with no copy in between. */
char *jw_json_begin(jw *w, size_t n);
void jw_json_end(jw *w, size_t used);
void jw_string(jw *w, const char *s); /* NULL writes null */
void jw_int(jw *w, int64_t v);
/* v in decimal at out, as jw_int writes it, for text put together by hand:
 * at most JW_INT_MAX characters, no terminator; returns the length. */
#define JW_INT_MAX 20
size_t jw_int_text(char *out, int64_t v);
/* A quantity that is never negative, or null: a negative v writes null. */
void jw_count(jw *w, int64_t v);
void jw_bool(jw *w, bool v);
void jw_null(jw *w);

/* The text (NUL-terminated, in the arena) and its length; NULL on failure. */
const char *jw_done(jw *w, size_t *len);

/* s as one JSON string (quoted and escaped), NUL-terminated, in a, with its
 * length in *len; NULL when a runs out. For text written many times. */
const char *jw_quote(arena *a, const char *s, size_t *len);

#endif
