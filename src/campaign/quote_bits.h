/*
 * quote_bits.h: what the quote engine's two halves share and nobody else
 * needs: the bit test on small masks, the row of a table of sets for a
 * small value, and a row of a table of sets. Private to quote.c and
 * quote_index.c.
 */
#ifndef COCLOUD_QUOTE_BITS_H
#define COCLOUD_QUOTE_BITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "campaign/quote.h"

/* Bit i of a mask of up to 32 bits; an index outside it is not in the set. */
static inline bool bit_of(uint32_t mask, int i) { return i >= 0 && i < 32 && (mask >> i & 1); }

/* The row for value i of a table indexed by a small value (QE_MASK_ROWS):
 * i itself, or QE_MASK_ROW_OTHER for a value no mask can hold. */
static inline int mask_row(int i) { return i >= 0 && i < 32 ? i : QE_MASK_ROW_OTHER; }

/* Row `row` of a table of bit sets of s->words words each. */
static inline const uint64_t *set_row(const qe_snapshot *s, const uint64_t *table, int row)
{
    return table + (size_t)row * (size_t)s->words;
}

#endif
