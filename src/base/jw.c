/*
 * jw.c: the streaming JSON writer.
 *
 * Speed matters here: a quote answer is tens of kilobytes of short keys and
 * values, so every write is a bounds check and a memcpy on the fast path,
 * strings are scanned with a table for the few bytes that need escaping,
 * and integers are formatted without printf.
 */
#include "base/jw.h"

#include <string.h>

void jw_init(jw *w, arena *a, size_t cap)
{
    *w = (jw){.a = a, .cap = cap < 64 ? 64 : cap};
    w->buf = arena_alloc_raw(a, w->cap);
    w->failed = !w->buf;
    w->first[0] = true;
}

/* Grows the buffer so that n more bytes and a NUL fit; false (and sticky
 * failure) when the arena says no. */
static bool grow(jw *w, size_t n)
{
    if (w->failed)
        return false;
    size_t cap = w->cap * 2;
    while (cap < w->len + n + 1)
        cap *= 2;
    char *nb = arena_alloc_raw(w->a, cap);
    if (!nb) {
        w->failed = true;
        return false;
    }
    memcpy(nb, w->buf, w->len);
    w->buf = nb;
    w->cap = cap;
    return true;
}

static inline bool reserve(jw *w, size_t n)
{
    if (w->len + n + 1 <= w->cap && !w->failed)
        return true;
    return grow(w, n);
}

static inline void put(jw *w, const char *s, size_t n)
{
    if (reserve(w, n)) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    }
}

static inline void put1(jw *w, char c)
{
    if (reserve(w, 1))
        w->buf[w->len++] = c;
}

/* The separator before a value or key at the current depth. */
static inline void before_value(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        put1(w, ',');
    w->first[w->depth] = false;
}

static void open(jw *w, char c)
{
    before_value(w);
    put1(w, c);
    if (w->depth + 1 >= JW_MAX_DEPTH) {
        w->failed = true;
        return;
    }
    w->first[++w->depth] = true;
    w->close[w->depth] = c == '{' ? '}' : ']';
}

void jw_object(jw *w) { open(w, '{'); }
void jw_array(jw *w) { open(w, '['); }

void jw_end(jw *w)
{
    if (w->depth == 0) {
        w->failed = true; /* more ends than opens */
        return;
    }
    put1(w, w->close[w->depth]);
    w->depth--;
}

/* 1 for the bytes a JSON string cannot hold as they are: controls, the
 * quote and the backslash. */
static const unsigned char must_escape[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['"'] = 1, ['\\'] = 1,
};

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/* How many of the n bytes at s can be written as they are, eight at a time:
 * a word is plain when none of its bytes is below 0x20, '"' or '\\' (the
 * test may flag a plain word, never miss one; flagged words go byte by
 * byte). */
static size_t plain_prefix(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x, q, b;
        memcpy(&x, s + i, 8);
        q = x ^ (ONES * '"');
        b = x ^ (ONES * '\\');
        uint64_t hit = ((x - ONES * 0x20) & ~x) | ((q - ONES) & ~q) | ((b - ONES) & ~b);
        if (hit & HIGHS)
            break;
    }
    while (i < n && !must_escape[(unsigned char)s[i]])
        i++;
    return i;
}

/* Writes s as a quoted JSON string, followed by `tail` (tail_len bytes:
 * the ':' after a key, or nothing). */
static void escaped(jw *w, const char *s, const char *tail, size_t tail_len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s), plain = plain_prefix(s, n);
    if (plain == n) { /* the usual case: nothing to escape, one copy */
        if (!reserve(w, n + 2 + tail_len))
            return;
        char *o = w->buf + w->len;
        o[0] = '"';
        memcpy(o + 1, s, n);
        o[n + 1] = '"';
        if (tail_len)
            memcpy(o + n + 2, tail, tail_len);
        w->len += n + 2 + tail_len;
        return;
    }
    put1(w, '"');
    for (;;) {
        put(w, s, plain);
        s += plain;
        n -= plain;
        if (!n)
            break;
        unsigned char c = (unsigned char)*s;
        char esc[6] = {'\\', 0};
        size_t m = 2;
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default:
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            m = 6;
        }
        put(w, esc, m);
        s++;
        n--;
        plain = plain_prefix(s, n);
    }
    put1(w, '"');
    if (tail_len)
        put(w, tail, tail_len);
}

void jw_key(jw *w, const char *key)
{
    before_value(w);
    escaped(w, key, ":", 1);
    w->after_key = true;
}

void jw_key_n(jw *w, const char *key, size_t n)
{
    before_value(w);
    if (!reserve(w, n + 3))
        return;
    char *o = w->buf + w->len;
    o[0] = '"';
    memcpy(o + 1, key, n);
    o[n + 1] = '"';
    o[n + 2] = ':';
    w->len += n + 3;
    w->after_key = true;
}

char *jw_json_begin(jw *w, size_t n)
{
    before_value(w);
    return reserve(w, n) ? w->buf + w->len : NULL;
}

void jw_json_end(jw *w, size_t used)
{
    if (!w->failed)
        w->len += used;
}

void jw_json(jw *w, const char *json, size_t n)
{
    if (!json) {
        jw_null(w);
        return;
    }
    char *o = jw_json_begin(w, n);
    if (o) {
        memcpy(o, json, n);
        jw_json_end(w, n);
    }
}

void jw_string(jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    before_value(w);
    escaped(w, s, NULL, 0);
}

size_t jw_int_text(char *out, int64_t v)
{
    char num[JW_INT_MAX];
    char *end = num + sizeof num, *p = end;
    /* Digits from the magnitude as unsigned, so INT64_MIN works too. */
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    memcpy(out, p, (size_t)(end - p));
    return (size_t)(end - p);
}

void jw_int(jw *w, int64_t v)
{
    char num[JW_INT_MAX];
    size_t n = jw_int_text(num, v);
    before_value(w);
    put(w, num, n);
}

void jw_count(jw *w, int64_t v)
{
    if (v < 0)
        jw_null(w);
    else
        jw_int(w, v);
}

void jw_bool(jw *w, bool v)
{
    before_value(w);
    put(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(jw *w)
{
    before_value(w);
    put(w, "null", 4);
}

const char *jw_done(jw *w, size_t *len)
{
    if (w->failed || w->depth != 0 || !reserve(w, 0))
        return NULL;
    w->buf[w->len] = '\0';
    if (len)
        *len = w->len;
    return w->buf;
}

const char *jw_quote(arena *a, const char *s, size_t *len)
{
    jw w;
    size_t n = strlen(s);
    jw_init(&w, a, n + 8);
    jw_string(&w, s);
    return jw_done(&w, len);
}
