/*
 * text.c: UTF-8 and ASCII helpers for validation.
 */
#include "base/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

size_t text_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

size_t text_utf8_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[0];
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    /* The second byte's range depends on the first (RFC 3629, section 4);
     * the ones after it are 80..BF. */
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    else
        return 0;
    if (u[1] < lo || u[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (u[i] < 0x80 || u[i] > 0xBF)
            return 0;
    return n;
}

bool text_is_utf8(const char *s)
{
    for (size_t n; *s; s += n)
        if (!(n = text_utf8_len(s)))
            return false;
    return true;
}

const char *text_utf8_safe(arena *a, const char *s)
{
    if (text_is_utf8(s))
        return s;
    char *out = arena_alloc_raw(a, strlen(s) * 3 + 1), *o = out; /* each bad byte: 3 */
    if (!out)
        return NULL;
    for (size_t n; *s; s += n ? n : 1) {
        n = text_utf8_len(s);
        if (n) {
            memcpy(o, s, n);
            o += n;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
        }
    }
    *o = '\0';
    return out;
}

bool text_has_control(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

bool text_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

int text_index(const char *const *list, const char *s)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

void text_join(const char *const *list, char *out, size_t n)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; list[i] && used < n; i++) {
        int w = snprintf(out + used, n - used, "%s%s", i ? ", " : "", list[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

bool text_is_email(const char *s)
{
    size_t len = strlen(s);
    if (len < 5 || len > 254)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@') || at - s > 64)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' || *p == ',' ||
            *p == ';' || *p == '"' || *p == '\\')
            return false;
    const char *dot = strrchr(at + 1, '.');
    if (!dot || dot == at + 1 || dot[1] == '\0' || strstr(at + 1, ".."))
        return false;
    return at[1] != '.' && s[len - 1] != '.';
}

char *text_lower(char *s)
{
    for (char *p = s; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

/* One language: names must not be blank, descriptions may be empty; both
 * are capped in characters, not bytes. */
static void check_lang(const char *v, const char *field, bool may_be_empty, size_t max,
                       err_ctx *e)
{
    if (!v)
        err_field_add(e, field, "is required");
    else if (!may_be_empty && text_blank(v))
        err_field_add(e, field, "must not be empty");
    else if (text_chars(v) > max)
        err_field_add(e, field, "must be at most %zu characters", max);
}

void text_check_i18n(const text_i18n *t, const char *field, bool required, bool may_be_empty,
                     size_t max, err_ctx *e)
{
    char f[ERR_FIELD_LEN];
    if (!t->zh && !t->en) {
        if (required)
            err_field_add(e, field, "is required");
        return;
    }
    snprintf(f, sizeof f, "%s.zh", field);
    check_lang(t->zh, f, may_be_empty, max, e);
    snprintf(f, sizeof f, "%s.en", field);
    check_lang(t->en, f, may_be_empty, max, e);
}
