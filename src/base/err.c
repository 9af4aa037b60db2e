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

int err_set(err_ctx *e, int code, const char *fmt, ...)
{
    if (!e)
        return code;
    e->code = code;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->detail, sizeof e->detail, fmt, ap);
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
        snprintf(f->field, sizeof f->field, "%s", field);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->message, sizeof f->message, fmt, ap);
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
