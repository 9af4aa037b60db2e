/*
 * quote_terms.h: what a stored quote keeps: its price promise, compactly.
 *
 * An answer to POST /quotes is ~30 KB, most of it the rejections and the
 * names of what applied; a quote is written for every answer, when a
 * campaign opens thousands a second. What an order and GET /quotes/{id}
 * need is less: per line what was priced, its list and final price and the
 * discounts applied, by policy id. That is the terms, kept as one compact
 * JSON text (about 1/18 of the answer). GET renders the answer again
 * from the terms and the policies' current names.
 */
#ifndef COCLOUD_QUOTE_TERMS_H
#define COCLOUD_QUOTE_TERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "campaign/quote.h"

#define QT_MAX_APPLIED 10 /* at most one policy per lane */

typedef struct qt_applied {
    const char *policy;
    int index; /* into the snapshot priced with, or -1 when read back */
    int64_t amount;
} qt_applied;

typedef struct qt_line {
    const char *product, *pack, *region, *mode; /* NULL: not there */
    int64_t quantity, months, hours;            /* months, hours: -1 when null */
    int64_t list, pack_discount, final;
    const char *pack_effect; /* "pack_price" or "percent_off", NULL without one */
    int napplied;
    qt_applied applied[QT_MAX_APPLIED];
} qt_line;

typedef struct quote_terms {
    int nlines;
    qt_line *lines;
    int64_t list, discount, final;
} quote_terms;

/* The terms of a priced cart; strings point into s (or are constants). */
int quote_terms_of(const qe_snapshot *s, const qe_cart *cart, const qe_quote *q, arena *a,
                   quote_terms *out, err_ctx *e);

/* The policies the terms apply, each once, in the order they first
 * appear, with its amount summed over the lines: (*out)[0..*n), in a. */
int quote_terms_policies(arena *a, const quote_terms *t, qt_applied **out, int *n, err_ctx *e);

/* The terms as compact JSON text, in a; NULL when a runs out. */
const char *quote_terms_encode(arena *a, const quote_terms *t, size_t *len);

/* Whether a stored quote's body is a whole answer (a JSON object), as
 * quotes were kept before migration 0005 (which kept only ordered ones),
 * rather than terms (an array). */
static inline bool quote_terms_is_answer(const char *body) { return body[0] == '{'; }

/* Reads what quote_terms_encode wrote; ERR_INTERNAL when text is not that. */
int quote_terms_decode(arena *a, const char *text, quote_terms *out, err_ctx *e);

#endif
