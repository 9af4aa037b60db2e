/*
 * err.h: the one error enum of cocloud and the context that carries details.
 *
 * Every fallible function returns an int: 0 (ERR_OK) or one of the codes
 * below. The human detail and any field-level validation messages go into an
 * err_ctx that the caller owns, never into the return value. The table maps
 * each code to its HTTP status and RFC 9457 problem type/title, so the API
 * layer never needs a switch.
 */
#ifndef COCLOUD_ERR_H
#define COCLOUD_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* X(code, slug, http status, title) */
#define ERR_TABLE(X)                                                          \
    X(ERR_OK, "ok", 200, "OK")                                                \
    X(ERR_BAD_JSON, "bad-json", 400, "Malformed JSON")                        \
    X(ERR_BAD_REQUEST, "bad-request", 400, "Bad request")                     \
    X(ERR_UNAUTHENTICATED, "unauthenticated", 401, "Authentication required") \
    X(ERR_FORBIDDEN, "forbidden", 403, "Forbidden")                           \
    X(ERR_NOT_FOUND, "not-found", 404, "Not found")                           \
    X(ERR_METHOD, "method-not-allowed", 405, "Method not allowed")            \
    X(ERR_CONFLICT, "conflict", 409, "Conflict")                              \
    X(ERR_TOO_LARGE, "too-large", 413, "Request body too large")              \
    X(ERR_MEDIA_TYPE, "unsupported-media-type", 415, "Unsupported media type") \
    X(ERR_VALIDATION, "validation", 422, "Validation failed")                 \
    X(ERR_TOO_MANY, "too-many-requests", 429, "Too many requests")            \
    X(ERR_INTERNAL, "internal", 500, "Internal error")                        \
    X(ERR_NOMEM, "out-of-memory", 503, "Out of memory")                       \
    X(ERR_DB, "database", 500, "Database error")                              \
    X(ERR_UNAVAILABLE, "unavailable", 503, "Service unavailable")             \
    X(ERR_RETRY, "contention", 503, "Busy, try again")                        \
    X(ERR_SCHEMA_NEWER, "schema-newer", 500, "Database schema is newer")      \
    X(ERR_IO, "io", 500, "I/O error")

enum {
#define ERR_ENUM(code, slug, status, title) code,
    ERR_TABLE(ERR_ENUM)
#undef ERR_ENUM
    ERR__COUNT
};

#define ERR_MAX_FIELDS 16
#define ERR_FIELD_LEN 64
#define ERR_MESSAGE_LEN 128
#define ERR_DETAIL_LEN 256

typedef struct err_field {
    char field[ERR_FIELD_LEN];
    char message[ERR_MESSAGE_LEN];
} err_field;

/* What went wrong, beyond the code. Zero-initialise it; it owns no memory. */
typedef struct err_ctx {
    int code;
    int retry_after; /* seconds, for 429 and 503; 0 when not set */
    char detail[ERR_DETAIL_LEN];
    int nfields;
    err_field fields[ERR_MAX_FIELDS];
} err_ctx;

const char *err_slug(int code);
const char *err_title(int code);
int err_http_status(int code);

/* Records code and a printf-style detail; returns code so callers can write
 * `return err_set(e, ERR_NOT_FOUND, "no org %s", id);`. e may be NULL. */
int err_set(err_ctx *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Adds a field-level message (truncated to the fixed sizes; extra fields past
 * ERR_MAX_FIELDS are counted in nfields but not kept). A field keeps its
 * first message only, so a type error is not followed by "is required".
 * Sets code to ERR_VALIDATION if no code is set yet. Returns ERR_VALIDATION. */
int err_field_add(err_ctx *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A wrong query parameter: ERR_BAD_REQUEST (400) naming the field, with
 * "field message" as the detail. Returns ERR_BAD_REQUEST. */
int err_param(err_ctx *e, const char *field, const char *message);

/* Clears a context for reuse. */
void err_clear(err_ctx *e);

#endif
