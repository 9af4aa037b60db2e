/*
 * quote_terms.c: a quote's terms (quote_terms.h), from a priced cart, to
 * compact text and back. The text is one JSON array:
 *   [list, discount, final, [line, ...]]
 * and a line
 *   [product, pack, region, billing_mode, quantity, months, hours,
 *    list, pack_discount, pack_effect, final, [policy, amount, ...]]
 * with null for what a line has not.
 */
#include "campaign/quote_terms.h"

#include <jansson.h>
#include <string.h>

#include "base/jw.h"

enum { L_PRODUCT, L_PACK, L_REGION, L_MODE, L_QUANTITY, L_MONTHS, L_HOURS, L_LIST,
       L_PACK_DISCOUNT, L_PACK_EFFECT, L_FINAL, L_APPLIED, L_COUNT };

int quote_terms_of(const qe_snapshot *s, const qe_cart *cart, const qe_quote *q, arena *a,
                   quote_terms *out, err_ctx *e)
{
    *out = (quote_terms){.nlines = q->nlines, .list = q->list, .discount = q->discount,
                         .final = q->final};
    out->lines = arena_alloc_raw(a, (size_t)(q->nlines ? q->nlines : 1) * sizeof *out->lines);
    if (!out->lines)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < q->nlines; i++) {
        const qe_line_in *in = &cart->lines[i];
        const qe_line_out *o = &q->lines[i];
        bool product = in->product >= 0, hourly = product && in->mode == QE_ON_DEMAND;
        qt_line *l = &out->lines[i];
        *l = (qt_line){
            .product = product ? s->products[in->product].code : NULL,
            .pack = product ? NULL : s->packs[in->pack].id,
            .region = s->regions[in->region].code,
            .mode = product ? qe_modes[in->mode] : NULL,
            .quantity = in->quantity,
            .months = product && !hourly ? in->months : -1,
            .hours = hourly ? in->hours : -1,
            .list = o->list, .pack_discount = o->pack_discount, .final = o->final,
            .napplied = o->napplied,
        };
        if (!product && o->pack_discount > 0)
            l->pack_effect = s->packs[in->pack].price >= 0 ? "pack_price" : "percent_off";
        for (int k = 0; k < o->napplied && k < QT_MAX_APPLIED; k++) {
            int pi = o->applied[k].policy;
            l->applied[k] = (qt_applied){s->policies[pi].id, pi, o->applied[k].amount};
        }
    }
    return 0;
}

int quote_terms_policies(arena *a, const quote_terms *t, qt_applied **out, int *n, err_ctx *e)
{
    int cap = 0;
    for (int i = 0; i < t->nlines; i++)
        cap += t->lines[i].napplied;
    qt_applied *u = arena_alloc_raw(a, (size_t)(cap ? cap : 1) * sizeof *u);
    *out = u;
    *n = 0;
    if (!u)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < t->nlines; i++)
        for (int k = 0; k < t->lines[i].napplied; k++) {
            const qt_applied *ap = &t->lines[i].applied[k];
            int j = 0;
            while (j < *n && strcmp(u[j].policy, ap->policy) != 0)
                j++;
            if (j == *n)
                u[(*n)++] = (qt_applied){ap->policy, ap->index, 0};
            u[j].amount += ap->amount;
        }
    return 0;
}

const char *quote_terms_encode(arena *a, const quote_terms *t, size_t *len)
{
    jw w;
    jw_init(&w, a, 256 + (size_t)t->nlines * 400);
    jw_array(&w);
    jw_int(&w, t->list);
    jw_int(&w, t->discount);
    jw_int(&w, t->final);
    jw_array(&w);
    for (int i = 0; i < t->nlines; i++) {
        const qt_line *l = &t->lines[i];
        jw_array(&w);
        jw_string(&w, l->product);
        jw_string(&w, l->pack);
        jw_string(&w, l->region);
        jw_string(&w, l->mode);
        jw_int(&w, l->quantity);
        jw_count(&w, l->months);
        jw_count(&w, l->hours);
        jw_int(&w, l->list);
        jw_int(&w, l->pack_discount);
        jw_string(&w, l->pack_effect);
        jw_int(&w, l->final);
        jw_array(&w);
        for (int k = 0; k < l->napplied; k++) {
            jw_string(&w, l->applied[k].policy);
            jw_int(&w, l->applied[k].amount);
        }
        jw_end(&w);
        jw_end(&w);
    }
    jw_end(&w);
    jw_end(&w);
    return jw_done(&w, len);
}

/* A string member (NULL for null) copied into a; false when it is neither. */
static bool text_at(arena *a, const json_t *arr, size_t i, const char **out)
{
    const json_t *v = json_array_get(arr, i);
    *out = json_is_string(v) ? arena_strdup(a, json_string_value(v)) : NULL;
    return json_is_null(v) || *out;
}

/* An integer member (-1 for null); false when it is neither. */
static bool int_at(const json_t *arr, size_t i, int64_t *out)
{
    const json_t *v = json_array_get(arr, i);
    *out = json_is_integer(v) ? json_integer_value(v) : -1;
    return json_is_null(v) || json_is_integer(v);
}

static bool decode_line(arena *a, const json_t *j, qt_line *l)
{
    const json_t *ap = json_array_get(j, L_APPLIED);
    size_t n = json_array_size(ap);
    memset(l, 0, sizeof *l);
    bool ok = json_array_size(j) == L_COUNT && json_is_array(ap) && n % 2 == 0 &&
              n / 2 <= QT_MAX_APPLIED && text_at(a, j, L_PRODUCT, &l->product) &&
              text_at(a, j, L_PACK, &l->pack) && text_at(a, j, L_REGION, &l->region) &&
              text_at(a, j, L_MODE, &l->mode) && int_at(j, L_QUANTITY, &l->quantity) &&
              int_at(j, L_MONTHS, &l->months) && int_at(j, L_HOURS, &l->hours) &&
              int_at(j, L_LIST, &l->list) && int_at(j, L_PACK_DISCOUNT, &l->pack_discount) &&
              text_at(a, j, L_PACK_EFFECT, &l->pack_effect) && int_at(j, L_FINAL, &l->final);
    l->napplied = (int)(n / 2);
    for (int k = 0; ok && k < l->napplied; k++) {
        l->applied[k].index = -1;
        ok = text_at(a, ap, (size_t)k * 2, &l->applied[k].policy) && l->applied[k].policy &&
             int_at(ap, (size_t)k * 2 + 1, &l->applied[k].amount);
    }
    return ok && l->region && l->quantity >= 0 && l->list >= 0 && l->final >= 0;
}

int quote_terms_decode(arena *a, const char *text, quote_terms *out, err_ctx *e)
{
    json_t *j = json_loads(text, 0, NULL);
    const json_t *lines = json_array_get(j, 3);
    size_t n = json_array_size(lines);
    memset(out, 0, sizeof *out);
    bool ok = json_array_size(j) == 4 && json_is_array(lines) && int_at(j, 0, &out->list) &&
              int_at(j, 1, &out->discount) && int_at(j, 2, &out->final);
    out->lines = ok ? arena_alloc_raw(a, (n ? n : 1) * sizeof *out->lines) : NULL;
    for (size_t i = 0; out->lines && i < n; i++) {
        if (!decode_line(a, json_array_get(lines, i), &out->lines[i]))
            out->lines = NULL;
    }
    out->nlines = (int)n;
    json_decref(j);
    if (!ok || !out->lines)
        return err_set(e, ERR_INTERNAL, "the quote's stored terms cannot be read");
    return 0;
}
