/*
 * jw.c: the streaming JSON writer.
 */
#include "base/jw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void jw_init(jw *w, arena *a, size_t cap)
{
    *w = (jw){.a = a, .cap = cap < 64 ? 64 : cap};
    w->buf = arena_alloc_raw(a, w->cap);
    w->failed = !w->buf;
    w->first[0] = true;
}

static bool reserve(jw *w, size_t n)
{
    if (w->failed)
        return false;
    if (w->len + n + 1 <= w->cap)
        return true;
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

static void put(jw *w, const char *s, size_t n)
{
    if (reserve(w, n)) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    }
}

/* The separator before a value or key at the current depth. */
static void before_value(jw *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first[w->depth])
        put(w, ",", 1);
    w->first[w->depth] = false;
}

static void open(jw *w, char c)
{
    before_value(w);
    put(w, &c, 1);
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
    put(w, &w->close[w->depth], 1);
    w->depth--;
}

static void escaped(jw *w, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        put(w, run, (size_t)(s - run));
        char esc[7] = {'\\', 0};
        size_t n = 2;
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
            n = 6;
        }
        put(w, esc, n);
        run = s + 1;
    }
    put(w, run, (size_t)(s - run));
    put(w, "\"", 1);
}

void jw_key(jw *w, const char *key)
{
    before_value(w);
    escaped(w, key);
    put(w, ":", 1);
    w->after_key = true;
}

void jw_string(jw *w, const char *s)
{
    if (!s) {
        jw_null(w);
        return;
    }
    before_value(w);
    escaped(w, s);
}

void jw_int(jw *w, int64_t v)
{
    char num[24];
    before_value(w);
    put(w, num, (size_t)snprintf(num, sizeof num, "%" PRId64, v));
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
