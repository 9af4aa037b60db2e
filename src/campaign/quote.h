/*
 * quote.h: pricing, as a pure function of a snapshot, an org and a cart.
 *
 * The snapshot (built by engine.c from the database) holds regions,
 * products with list prices, packs, campaigns and policies, with policies
 * indexed by product so that a line only looks at the policies that can
 * touch it. quote_price does no I/O and allocates only from the caller's
 * arena: the same inputs at the same moment give the same answer.
 *
 * Rules (docs/api.md): a line's list price is unit price x quantity x
 * periods; lanes apply in order, each to what is left of the line; within
 * a lane the largest discount wins (ties: smaller policy id); a policy's
 * discounts in one quote never exceed what is left of its budget; rounding
 * is half-up per line; totals are sums of lines.
 */
#ifndef COCLOUD_QUOTE_H
#define COCLOUD_QUOTE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

enum { QE_ON_DEMAND, QE_MONTHLY, QE_YEARLY, QE_NMODES };
enum { QE_ORDER_NEW, QE_ORDER_RENEWAL };
typedef enum {
    QE_PERCENT_OFF,
    QE_AMOUNT_OFF,
    QE_FIXED_UNIT_PRICE,
    QE_PACK_PRICE,
    QE_FREE_UNITS,
} qe_effect;

#define QE_MAX_REGIONS 256
#define QE_NCATEGORIES 13
#define QE_HOURS_PER_MONTH 730

extern const char *const qe_modes[];      /* on_demand, monthly, yearly */
extern const char *const qe_order_types[];/* new, renewal */
extern const char *const qe_effects[];    /* percent_off ... free_units */
extern const char *const qe_categories[]; /* compute ... other */

/* A set of up to 256 small indices; empty means "no restriction". */
typedef struct qe_bits {
    uint64_t w[QE_MAX_REGIONS / 64];
    bool any; /* true when the set is empty, i.e. everything matches */
} qe_bits;

static inline bool qe_has(const qe_bits *b, int i)
{
    return b->any || (i >= 0 && i < QE_MAX_REGIONS && (b->w[i >> 6] >> (i & 63) & 1));
}

typedef struct qe_text {
    const char *zh, *en;
} qe_text;

typedef struct qe_region {
    const char *code;
} qe_region;

typedef struct qe_product {
    const char *code;
    int category;
    int64_t *price; /* [region * QE_NMODES + mode]; -1 when not sold there */
} qe_product;

typedef struct qe_pack_item {
    int product, mode;
    int64_t quantity, months;
} qe_pack_item;

typedef struct qe_pack {
    const char *id;
    int nitems;
    qe_pack_item *items;
    int64_t price;       /* -1 when priced by discount */
    int64_t discount_bp; /* -1 when priced by price */
} qe_pack;

typedef struct qe_campaign {
    const char *id;
    qe_text name;
    int64_t starts_at, ends_at;
    bool published, new_only;
    qe_bits regions;
    uint32_t industries, sizes; /* bit masks; 0 = all */
    const char *id_json;        /* id as a JSON string (quote_index_build) */
    size_t id_json_len;
} qe_campaign;

typedef struct qe_policy {
    const char *id;
    int campaign; /* index */
    qe_text name;
    int lane;
    qe_bits regions;
    uint32_t industries, sizes, categories, modes, order_types; /* 0 = all */
    bool new_only;
    bool any_item;  /* no product, category or pack restriction (the open list) */
    int64_t min_quantity, min_line, min_order;
    qe_effect effect;
    int64_t value;
    int64_t per_org_limit, total_limit, budget; /* 0 = none */
    int64_t used, spent; /* totals when the snapshot was built */
    /* Set by quote_index_build, for answers that name the policy often:
     * the id as a JSON string and the name as {"zh": ..., "en": ...}. */
    const char *id_json, *name_json;
    size_t id_json_len, name_json_len;
} qe_policy;

/* What pricing a line reads of a policy, packed into one cache line so
 * that the walk over a line's candidates touches little memory.
 * quote_index_build derives it from the policy and its campaign. */
typedef struct qe_hot {
    uint64_t regions[2]; /* regions 0..127 of the campaign's and the policy's, both */
    int64_t min_quantity, min_line, value;
    int64_t room;        /* budget - spent, when has_budget */
    int32_t lane_end;    /* the first policy index past this policy's lane */
    uint32_t modes;      /* 0 = all */
    uint8_t effect;
    bool has_budget;
    bool wide;           /* regions from 128 up are in qe_snapshot.wide_regions */
} qe_hot;

/* A policy's line minimums, INT64_MIN when none, so that the test is one
 * comparison; apart from qe_hot so that checking a candidate reads little. */
typedef struct qe_mins {
    int64_t quantity, line;
} qe_mins;

enum { QE_MODE_ROW_OTHER = 32, QE_MODE_ROW_PACK = 33, QE_MODE_ROWS = 34 };

/* What the cart-level verdict reads of a policy, once per quote: the
 * policy's own conditions (its campaign's are checked apart). */
typedef struct qe_gate {
    int32_t campaign;
    uint32_t industries, sizes, order_types; /* 0 = all */
    int64_t per_org_limit, min_order;
    bool new_only;
    int8_t fixed_reason; /* total limit reached or budget spent, for everyone; else -1 */
    uint32_t fixed_bits; /* the same as one of quote.c's check bits, or 0 */
} qe_gate;

/* What a snapshot holds. Arrays are sorted: regions, products by code,
 * packs by id, policies by (lane, id). */
struct qe_snapshot {
    int nregions, nproducts, npacks, ncampaigns, npolicies;
    qe_region *regions;
    qe_product *products;
    qe_pack *packs;
    qe_campaign *campaigns;
    qe_policy *policies;
    /* The candidate index (quote_index_build): policies that may touch a
     * line, as policy indices in (lane, id) order. A product line looks at
     * its product's list, its category's list and the open list; a pack
     * line at its pack's list and the open list. The lists are disjoint. */
    int **by_product, *by_product_n; /* policies that list the product */
    int **by_pack, *by_pack_n;       /* policies that list the pack */
    int *by_category[QE_NCATEGORIES], by_category_n[QE_NCATEGORIES]; /* categories only */
    int *open, nopen;                /* no product, pack or category restriction */
    /* The same merged once per product and per pack, so that pricing a
     * line walks one list. A product's list leaves out the policies that
     * can never concern one of its lines (pack prices; category lists
     * without its category). */
    int **line_product, *line_product_n;
    int **line_pack, *line_pack_n;
    int max_line; /* the longest of those lists */
    qe_hot *hot;   /* per policy index */
    /* The line checks that depend only on the line's region or billing
     * mode, as bit sets over policy indices (fail_words words each), so
     * that a line's candidates are checked without touching qe_hot: row r
     * of region_fail holds the policies whose (or whose campaign's)
     * regions leave out region r, row QE_MAX_REGIONS every policy; row m of
     * mode_fail those whose billing modes leave out mode m (0..31), row
     * QE_MODE_ROW_OTHER those with any restriction, row QE_MODE_ROW_PACK
     * none (a pack line has no billing mode of its own). */
    int fail_words;
    uint64_t *region_fail, *mode_fail;
    qe_mins *mins; /* per policy index */
    qe_gate *gate; /* per policy index */
    uint64_t (*wide_regions)[QE_MAX_REGIONS / 64]; /* per policy, when nregions > 128 */
    int *by_id;   /* policy indices in id order, for qe_policy_find */
};
typedef struct qe_snapshot qe_snapshot;

/* What a policy is limited to, by index into the snapshot's products and
 * packs (categories are in the policy's own bits). */
typedef struct qe_scope {
    int nproducts, npacks;
    const int *products, *packs;
} qe_scope;

/* Builds the candidate index of s: scopes[i] belongs to s->policies[i]
 * (already in (lane, id) order), with the hot data and the id order. Call
 * it once the regions, products, packs, campaigns and policies are set;
 * they must not change afterwards. Memory comes from a. */
int quote_index_build(qe_snapshot *s, const qe_scope *scopes, arena *a, err_ctx *e);

int qe_region_find(const qe_snapshot *s, const char *code);
int qe_product_find(const qe_snapshot *s, const char *code);
int qe_pack_find(const qe_snapshot *s, const char *id);
int qe_campaign_find(const qe_snapshot *s, const char *id);
int qe_policy_find(const qe_snapshot *s, const char *id);

/* The org being priced for. */
typedef struct qe_org {
    const char *id;
    int industry, size;   /* indices into account_industries / account_sizes */
    bool new_customer;
    const int64_t *uses;  /* per policy index: this org's uses, or NULL */
} qe_org;

typedef struct qe_line_in {
    int product, pack;    /* exactly one >= 0 */
    int region, mode;
    int64_t quantity;
    int64_t months, hours;
} qe_line_in;

typedef struct qe_cart {
    int order_type;
    int nlines;
    const qe_line_in *lines;
    int64_t at;
} qe_cart;

typedef struct qe_applied {
    int policy;
    int64_t amount;
} qe_applied;

typedef struct qe_line_out {
    int64_t list, final;
    int64_t pack_discount; /* the pack's own price or discount, before the lanes */
    int napplied;
    qe_applied applied[10]; /* at most one per lane (lanes 0..9) */
} qe_line_out;

typedef enum {
    QR_CAMPAIGN_NOT_LIVE,
    QR_REGION,
    QR_INDUSTRY,
    QR_SIZE,
    QR_NOT_NEW,
    QR_MODE,
    QR_ORDER_TYPE,
    QR_MIN_QUANTITY,
    QR_MIN_LINE,
    QR_MIN_ORDER,
    QR_PER_ORG_LIMIT,
    QR_TOTAL_LIMIT,
    QR_BUDGET_SPENT,
    QR_OUTDONE,
    QR__COUNT
} qe_reason;

extern const char *const qe_reason_codes[];    /* "campaign_not_live" ... */
extern const char *const qe_reason_messages[]; /* "campaign is not live" ... */

typedef struct qe_rejection {
    int policy, line; /* line -1: the whole cart */
    qe_reason reason;
} qe_rejection;

/* Every policy that concerned the cart but did not apply appears once, with
 * the first reason met (line -1 for reasons that hold for the whole cart). */
typedef struct qe_quote {
    int nlines;
    qe_line_out *lines;
    int64_t list, discount, final;
    int nrejected;
    qe_rejection *rejected;
} qe_quote;

/* The list price of one line; ERR_VALIDATION with field "lines[i].region" or
 * "lines[i].billing_mode" when the product is not sold there or so. */
int quote_list_price(const qe_snapshot *s, const qe_line_in *in, int index, int64_t *out,
                     err_ctx *e);

/* Prices a cart. out's arrays come from a. */
int quote_price(const qe_snapshot *s, const qe_org *org, const qe_cart *cart, arena *a,
                qe_quote *out, err_ctx *e);

/* Why a policy does not apply to the org at `at` irrespective of any cart
 * (campaign window, industry, size, new customer, limits), or -1 if it may. */
int quote_policy_blocker(const qe_snapshot *s, const qe_org *org, int policy, int64_t at);

#endif
