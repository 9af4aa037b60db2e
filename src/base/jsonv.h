/*
 * jsonv.h: strict, table-driven decoding of JSON objects into C structs.
 *
 * jansson parses; this walks the result against a field table and fills a
 * struct, reporting every problem as a field-level error in err_ctx: a
 * missing required field, a field of the wrong type, a field that the table
 * does not know. Strings point into the jansson value, so the value must
 * outlive the struct (tie both to the request arena). Also home to the
 * pre-parse nesting-depth check, since jansson's own limit is a compile-time
 * 2048.
 */
#ifndef COCLOUD_JSONV_H
#define COCLOUD_JSONV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

typedef enum {
    JV_STRING,  /* const char *; NULL when absent */
    JV_INT,     /* jv_int */
    JV_BOOL,    /* jv_bool */
    JV_STRINGS, /* jv_strings: an array of strings */
    JV_OBJECT,  /* a nested struct described by .sub */
    JV_ANY      /* json_t * (borrowed), checked by the caller */
} jv_type;

enum { JV_REQUIRED = 1 };

typedef struct { bool set; int64_t v; } jv_int;
typedef struct { bool set; bool v; } jv_bool;
typedef struct { bool set; size_t n; const char **v; } jv_strings;

typedef struct jv_field {
    const char *name;
    jv_type type;
    unsigned flags;
    size_t offset;              /* offsetof(target struct, member) */
    size_t max;                 /* JV_STRINGS: max items (0 = 64) */
    const struct jv_field *sub; /* JV_OBJECT: its table */
} jv_field;

/* Terminate every table with JV_END. */
#define JV_END {NULL, 0, 0, 0, 0, NULL}

/* Decodes obj (must be a JSON object) into target following fields. path is
 * the prefix for field names in errors ("" at the top). Strings with control
 * characters are rejected. Returns 0, or ERR_VALIDATION when this call added
 * field errors to e (errors already in e from earlier calls do not count). */
int jv_decode(arena *a, const json_t *obj, const char *path, const jv_field *fields, void *target,
              err_ctx *e);

/* When v is set and outside lo..hi, adds "must be from lo to hi" on field. */
void jv_int_range(const jv_int *v, int64_t lo, int64_t hi, const char *field, err_ctx *e);

/* True when buf (len bytes) never nests arrays/objects deeper than max.
 * Brackets inside strings are skipped. */
bool jv_depth_ok(const char *buf, size_t len, int max);

/* Parses a request body: ERR_BAD_JSON for malformed or too deep input. The
 * result is decref'd when the arena is freed. */
int jv_parse(arena *a, const char *buf, size_t len, int max_depth, json_t **out, err_ctx *e);

#endif
