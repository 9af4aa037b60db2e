/*
 * jsonv.c: field-table decoder and depth check.
 */
#include "base/jsonv.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

static const char *type_word(jv_type t)
{
    switch (t) {
    case JV_STRING: return "a string";
    case JV_INT: return "an integer";
    case JV_BOOL: return "a boolean";
    case JV_STRINGS: return "an array";
    case JV_OBJECT: return "an object";
    case JV_ANY: return "a value";
    }
    return "a value";
}

/* path.name into out; only built when a message or a nested object needs
 * it, since most fields decode without one. */
static const char *join_path(char *out, size_t n, const char *path, const char *name)
{
    snprintf(out, n, "%s%s%s", path, *path ? "." : "", name);
    return out;
}

static int decode_field(arena *a, const json_t *v, const char *path, const jv_field *f, void *slot,
                        err_ctx *e)
{
    char buf[ERR_FIELD_LEN];
#define FIELD join_path(buf, sizeof buf, path, f->name)
    switch (f->type) {
    case JV_STRING:
        if (!json_is_string(v))
            break;
        /* An escaped \u0000 shortens the C string: a control character too. */
        if (text_has_control(json_string_value(v)) ||
            strlen(json_string_value(v)) != json_string_length(v))
            return err_field_add(e, FIELD, "must not contain control characters");
        *(const char **)slot = json_string_value(v);
        return 0;
    case JV_INT:
        if (!json_is_integer(v))
            break;
        *(jv_int *)slot = (jv_int){true, json_integer_value(v)};
        return 0;
    case JV_BOOL:
        if (!json_is_boolean(v))
            break;
        *(jv_bool *)slot = (jv_bool){true, json_is_true(v)};
        return 0;
    case JV_STRINGS: {
        if (!json_is_array(v))
            break;
        size_t max = f->max ? f->max : 64, n = json_array_size(v);
        if (n > max)
            return err_field_add(e, FIELD, "must have at most %zu items", max);
        jv_strings *out = slot;
        const char *name = FIELD;
        out->set = true;
        out->n = n;
        out->v = arena_alloc(a, (n + 1) * sizeof *out->v);
        if (!out->v)
            return err_set(e, ERR_NOMEM, "out of memory");
        for (size_t i = 0; i < n; i++) {
            const json_t *item = json_array_get(v, i);
            char sub[ERR_FIELD_LEN];
            snprintf(sub, sizeof sub, "%s[%zu]", name, i);
            if (!json_is_string(item)) {
                err_field_add(e, sub, "must be a string");
                continue;
            }
            if (text_has_control(json_string_value(item)) ||
                strlen(json_string_value(item)) != json_string_length(item)) {
                err_field_add(e, sub, "must not contain control characters");
                continue;
            }
            out->v[i] = json_string_value(item);
        }
        return 0; /* item errors are in e; the caller's verdict counts them */
    }
    case JV_OBJECT:
        if (!json_is_object(v))
            break;
        return jv_decode(a, v, FIELD, f->sub, slot, e);
    case JV_ANY:
        *(const json_t **)slot = v;
        return 0;
    }
    return err_field_add(e, FIELD, "must be %s", type_word(f->type));
#undef FIELD
}

int jv_decode(arena *a, const json_t *obj, const char *path, const jv_field *fields, void *target,
              err_ctx *e)
{
    int before = e->nfields;
    if (!json_is_object(obj))
        return err_field_add(e, *path ? path : "body", "must be an object");
    const char *key;
    const json_t *v;
    char field[ERR_FIELD_LEN];
    json_object_foreach((json_t *)obj, key, v) {
        const jv_field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name) {
            join_path(field, sizeof field, path, key);
            err_field_add(e, field, "is not allowed");
        }
    }
    for (const jv_field *f = fields; f->name; f++) {
        v = json_object_get(obj, f->name);
        if (!v) {
            if (f->flags & JV_REQUIRED)
                err_field_add(e, join_path(field, sizeof field, path, f->name), "is required");
            continue;
        }
        int rc = decode_field(a, v, path, f, (char *)target + f->offset, e);
        if (rc && rc != ERR_VALIDATION)
            return rc;
    }
    /* Only what this call found counts: callers decode items one by one
     * and must see each item's own verdict. */
    return e->nfields > before ? ERR_VALIDATION : 0;
}

void jv_int_range(const jv_int *v, int64_t lo, int64_t hi, const char *field, err_ctx *e)
{
    if (v->set && (v->v < lo || v->v > hi))
        err_field_add(e, field, "must be from %lld to %lld", (long long)lo, (long long)hi);
}

bool jv_depth_ok(const char *buf, size_t len, int max)
{
    int depth = 0;
    bool in_str = false;
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                return false;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return true;
}

static void decref(void *p) { json_decref(p); }

int jv_parse(arena *a, const char *buf, size_t len, int max_depth, json_t **out, err_ctx *e)
{
    if (!jv_depth_ok(buf, len, max_depth))
        return err_set(e, ERR_BAD_JSON, "JSON nested deeper than %d levels", max_depth);
    json_error_t je;
    /* Any well-formed value parses; whether it has the right shape is the
     * decoder's question (422), not the parser's (400). */
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL,
                           &je);
    if (!j)
        return err_set(e, ERR_BAD_JSON, "line %d, column %d: %s", je.line, je.column, je.text);
    if (arena_defer(a, decref, j))
        return err_set(e, ERR_NOMEM, "out of memory");
    *out = j;
    return 0;
}
