/*
 * err.c: lookup tables for the error enum and the err_ctx helpers.
 */
#include "base/err.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *slug;
    int status;
    const char *title;
} err_info[ERR__COUNT] = {
#define ERR_ROW(code, s, st, t) [code] = {s, st, t},
    ERR_TABLE(ERR_ROW)
#undef ERR_ROW
};

static int err_valid(int code) { return code >= 0 && code < ERR__COUNT; }

const char *err_slug(int code) { return err_valid(code) ? err_info[code].slug : "internal"; }
const char *err_title(int code) { return err_valid(code) ? err_info[code].title : "Internal error"; }
int err_http_status(int code) { return err_valid(code) ? err_info[code].status : 500; }

/* After a vsnprintf into buf[cap] that returned n: when the text was cut
 * at the limit, drops a UTF-8 sequence the cut left incomplete, so that a
 * long Chinese name in a detail does not end in half a character. */
static void cut_whole(char *buf, int n, size_t cap)
{
    if (n < 0 || (size_t)n < cap)
        return;
    size_t len = strlen(buf), lead = len;
    while (lead > 0 && len - lead < 3 && ((unsigned char)buf[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0)
        return;
    unsigned char c = (unsigned char)buf[lead - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len - (lead - 1) < need)
        buf[lead - 1] = '\0';
}

int err_set(err_ctx *e, int code, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        cut_whole(e->detail, vsnprintf(e->detail, sizeof e->detail, fmt, ap), sizeof e->detail);
        va_end(ap);
    }
    return code;
}

int err_field_add(err_ctx *e, const char *field, const char *fmt, ...)
{
    if (!e)
        return ERR_VALIDATION;
    if (!e->code)
        e->code = ERR_VALIDATION;
    for (int i = 0; i < e->nfields && i < ERR_MAX_FIELDS; i++)
        if (strcmp(e->fields[i].field, field) == 0)
            return ERR_VALIDATION; /* the first message for a field is the one that counts */
    if (e->nfields < ERR_MAX_FIELDS) {
        err_field *f = &e->fields[e->nfields];
        cut_whole(f->field, snprintf(f->field, sizeof f->field, "%s", field), sizeof f->field);
        va_list ap;
        va_start(ap, fmt);
        cut_whole(f->message, vsnprintf(f->message, sizeof f->message, fmt, ap),
                  sizeof f->message);
        va_end(ap);
    }
    e->nfields++;
    return ERR_VALIDATION;
}

int err_param(err_ctx *e, const char *field, const char *message)
{
    err_set(e, ERR_BAD_REQUEST, "%s %s", field, message);
    err_field_add(e, field, "%s", message);
    return e->code = ERR_BAD_REQUEST;
}

void err_clear(err_ctx *e) { memset(e, 0, sizeof *e); }
