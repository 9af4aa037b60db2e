/*
 * text.h: small checks on UTF-8 text used by validation everywhere.
 */
#ifndef COCLOUD_TEXT_H
#define COCLOUD_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/err.h"

/* Number of code points in valid UTF-8 s (bytes 10xxxxxx are not counted). */
size_t text_chars(const char *s);

/* The length of the well-formed UTF-8 sequence at s (RFC 3629: no
 * overlong forms, no surrogates, nothing past U+10FFFF), or 0 if there is
 * none there (or s is at its end). */
size_t text_utf8_len(const char *s);

/* True if all of s is well-formed UTF-8. */
bool text_is_utf8(const char *s);

/* s itself if it is well-formed UTF-8, else a copy in `a` with each byte
 * that is not part of a well-formed sequence replaced by U+FFFD (the
 * Unicode way to show it); NULL when out of memory. For text that echoes
 * what a client sent into an answer, which must be UTF-8. */
const char *text_utf8_safe(arena *a, const char *s);

/* True if s has a C0 control character or DEL. */
bool text_has_control(const char *s);

/* True if s is empty or only ASCII whitespace. */
bool text_blank(const char *s);

/* Index of s in a NULL-terminated list, or -1. */
int text_index(const char *const *list, const char *s);

/* Writes "a, b, c" for a NULL-terminated list into out (truncated to n). */
void text_join(const char *const *list, char *out, size_t n);

/* A plausible address: local@domain.tld, no spaces, at most 254 bytes. */
bool text_is_email(const char *s);

/* ASCII-lowercases s in place and returns it. */
char *text_lower(char *s);

/* Text in both of the UI's languages. Both NULL means absent. */
typedef struct text_i18n {
    const char *zh, *en;
} text_i18n;

/* Checks a bilingual text under field (errors on "field.zh", "field.en"):
 * when absent, "is required" if required; each language must be present,
 * not blank unless may_be_empty, and at most max characters. */
void text_check_i18n(const text_i18n *t, const char *field, bool required, bool may_be_empty,
                     size_t max, err_ctx *e);

#endif
