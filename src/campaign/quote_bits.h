/*
 * quote_bits.h: what the quote engine's two halves share and nobody else
 * needs: the order of a candidate's checks as bits, the bit test on small
 * masks, and a policy's region test. Private to quote.c and quote_index.c.
 */
#ifndef COCLOUD_QUOTE_BITS_H
#define COCLOUD_QUOTE_BITS_H

#include <stdbool.h>
#include <stdint.h>

#include "campaign/quote.h"

/* The checks of a candidate, in the order the rules take them: a policy's
 * first failure is the lowest bit set. Bits below FB_LINE hold for the whole
 * cart (reported with line -1), the others for one line. */
enum {
    FB_NOT_LIVE, FB_INDUSTRY, FB_SIZE, FB_NOT_NEW, FB_PER_ORG_LIMIT, FB_TOTAL_LIMIT,
    FB_CART_BUDGET, FB_ORDER_TYPE, FB_MIN_ORDER,
    FB_LINE, /* = FB_REGION */
    FB_MODE = FB_LINE + 1, FB_MIN_QUANTITY, FB_MIN_LINE, FB_LINE_BUDGET, FB_NONE
};

/* Bit i of a mask of up to 32 bits; an index outside it is not in the set. */
static inline bool bit_of(uint32_t mask, int i) { return i >= 0 && i < 32 && (mask >> i & 1); }

/* Is region r in the policy's and its campaign's regions? */
static inline bool region_ok(const qe_snapshot *s, const qe_hot *h, int pi, int r)
{
    if (r >= 0 && r < 128)
        return h->regions[r >> 6] >> (r & 63) & 1;
    return h->wide && r >= 0 && r < QE_MAX_REGIONS &&
           (s->wide_regions[pi][r >> 6] >> (r & 63) & 1);
}

#endif
