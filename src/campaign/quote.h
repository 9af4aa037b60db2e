/*
 * quote.h: pricing, as a pure function of a snapshot, an org and a cart.
 *
 * The snapshot (built by engine.c from the database) holds regions,
 * products with list prices, packs, campaigns and policies, with an index
 * of bit sets over policies (those that may touch a product or a pack,
 * those that fail a region, a billing mode, an industry...) so that
 * pricing checks 64 policies at a time. quote_price does no I/O and
 * allocates only from the caller's arena: the same inputs at the same
 * moment give the same answer.
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
/* What a policy gives: X(name, code). Literals, as QE_REASONS's are. */
#define QE_EFFECTS(X)                                                                         \
    X(QE_PERCENT_OFF, "percent_off")                                                          \
    X(QE_AMOUNT_OFF, "amount_off")                                                            \
    X(QE_FIXED_UNIT_PRICE, "fixed_unit_price")                                                \
    X(QE_PACK_PRICE, "pack_price")                                                            \
    X(QE_FREE_UNITS, "free_units")

typedef enum {
#define QE_EFFECT_NAME(name, code) name,
    QE_EFFECTS(QE_EFFECT_NAME)
#undef QE_EFFECT_NAME
} qe_effect;
#define QE_NEFFECTS 5
_Static_assert(QE_FREE_UNITS + 1 == QE_NEFFECTS, "QE_NEFFECTS counts QE_EFFECTS");

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
    const char *time_zone; /* IANA name, for showing the window (the offers) */
    qe_text description;   /* for the offers */
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

/* A policy's line minimums, INT64_MIN when none, so that the test is one
 * comparison. */
typedef struct qe_mins {
    int64_t quantity, line;
} qe_mins;

/* The policies that fail a line minimum (minimum quantity, minimum line
 * amount), as bit sets by threshold: value[0..n - 1] are the distinct
 * minimums, ascending, and row r of `above` holds the policies whose
 * minimum is value[r] or more; so a line of amount x fails row r, r the
 * number of values <= x. With more than QE_MAX_THRESHOLDS distinct
 * minimums there is no table (n = -1): a line then makes its row one
 * policy at a time. */
#define QE_MAX_THRESHOLDS 256
typedef struct qe_thresholds {
    int n;
    int step;        /* the power of two above n; value[] has step entries, INT64_MAX past n */
    int64_t *value;
    uint64_t *above; /* n + 1 rows */
} qe_thresholds;

/* What pricing reads of a policy, per slot (qe_snapshot.price), small so
 * that it stays in the cache: value << 3 | effect, or QE_PRICE_ODD_WORD
 * when the effect is unknown or the value not in 0..2^60 (0..2^20 for
 * percent off and free units), and pricing reads the policy. */
#define QE_PRICE_ODD 7
#define QE_PRICE_ODD_WORD ((UINT64_C(1) << 60) << 3 | QE_PRICE_ODD) /* v = 2^60, never usual */

/* A policy and an amount it is checked against once per quote: its per-org
 * limit, or its order minimum. */
typedef struct qe_limit {
    int64_t amount;
    int policy, slot;
} qe_limit;

/* A policy with a per-org limit, where its bit is in the policy sets:
 * `fresh` when the policy before it in the list is in another word. */
typedef struct qe_org_limit {
    int64_t limit;
    int32_t policy;
    uint32_t word;
    uint8_t bit, fresh;
} qe_org_limit;

enum { QE_MODE_ROW_OTHER = 32, QE_MODE_ROW_PACK = 33, QE_MODE_ROWS = 34 };
/* Rows of a table of sets indexed by a small value (industry, size, order
 * type): 0..31 for the value, QE_MASK_ROW_OTHER for any value outside. */
enum { QE_MASK_ROW_OTHER = 32, QE_MASK_ROWS = 33 };

/* A policy's own conditions that do not depend on a cart, for
 * quote_policy_blocker (its campaign's are checked apart). */
typedef struct qe_gate {
    int32_t campaign;
    uint32_t industries, sizes; /* 0 = all */
    int64_t per_org_limit;
    bool new_only;
    int8_t fixed_reason; /* total limit reached or budget spent, for everyone; else -1 */
} qe_gate;

/* What a snapshot holds. Arrays are sorted: regions, products by code,
 * packs by id, policies by (lane, id), so that a lane is a run of policy
 * indices and index order is the order of the rules (ties, reports). */
struct qe_snapshot {
    int64_t version; /* of the data it was built from (engine.c); 0 when built otherwise */
    int nregions, nproducts, npacks, ncampaigns, npolicies;
    qe_region *regions;
    qe_product *products;
    qe_pack *packs;
    qe_campaign *campaigns;
    qe_policy *policies;
    /* The candidate lists (quote_index_build): policies that may touch a
     * line, as policy indices in (lane, id) order. A product line looks at
     * its product's list, its category's list and the open list; a pack
     * line at its pack's list and the open list. The lists are disjoint. */
    int **by_product, *by_product_n; /* policies that list the product */
    int **by_pack, *by_pack_n;       /* policies that list the pack */
    int *by_category[QE_NCATEGORIES], by_category_n[QE_NCATEGORIES]; /* categories only */
    int *open, nopen;                /* no product, pack or category restriction */
    /* The index pricing reads (quote_index_build). It works on bit sets
     * over slots: each lane's policies in order, from a word boundary on,
     * so that a word never holds two lanes. Lane j has the policies
     * lane_start[j] .. lane_start[j + 1] - 1 and the words lane_word[j] ..
     * lane_word[j + 1] - 1; policy pi of lane j is slot pi - lane_start[j]
     * + 64 * lane_word[j]: bit slot % 64 of word slot / 64 of a set. A set
     * has `words` words (an even number: a pass takes two at a time), a
     * table of sets `words` words per row. A quote combines sets a word
     * (64 policies) at a time and looks at single policies only to report
     * or price them; the slots past a lane's policies are in no set. */
    int nlanes, *lane_start, *lane_word;
    int words;
    int *slot;        /* per policy index */
    int *word_lane;   /* per word: its lane */
    int *word_policy; /* per word: the policy index of its first slot */
    /* A line's candidates: row p of cand_product is the three lists of
     * product p merged, less the policies that can never concern one of
     * its lines (pack prices; categories without its category); row k of
     * cand_pack is pack k's list and the open list. */
    uint64_t *cand_product, *cand_pack;
    int max_line; /* the most candidates of one line */
    /* The line checks that depend only on the line's region or billing
     * mode: row r of region_fail holds the policies whose (or whose
     * campaign's) regions leave out region r, row QE_MAX_REGIONS every
     * policy; row m of mode_fail those whose billing modes leave out mode
     * m (0..31), row QE_MODE_ROW_OTHER those with any restriction, row
     * QE_MODE_ROW_PACK none (a pack line has no billing mode of its own). */
    uint64_t *region_fail, *mode_fail;
    /* The line minimums: the policies with a minimum quantity, with a
     * minimum line amount, and those that fail them, by threshold. */
    uint64_t *has_min_quantity, *has_min_line;
    qe_thresholds min_quantity, min_line;
    /* What a quote makes the set of policies dead for its cart from: row c
     * of campaign_set is campaign c's policies; row i of industry_fail
     * (size_fail, order_type_fail) the policies whose own industries
     * (sizes, order types) leave out i (QE_MASK_ROWS rows each); new_only,
     * total_limit_reached and budget_spent one set each; per_org the
     * policies with a per-org limit, min_order those with an order minimum,
     * the largest minimum first. */
    uint64_t *campaign_set, *industry_fail, *size_fail, *order_type_fail;
    uint64_t *new_only, *total_limit_reached, *budget_spent;
    qe_org_limit *per_org;
    qe_limit *min_order;
    int nper_org, nmin_order;
    /* What pricing reads of a single policy. */
    uint64_t *price; /* per slot, see QE_PRICE_ODD */
    int32_t *budget; /* per slot: the policy's entry in room, 0 without a budget */
    int64_t *room;   /* budget - spent of each policy with a budget; room[0] = INT64_MAX */
    int nbudgets;    /* room has nbudgets + 1 entries */
    qe_mins *mins;   /* per slot: the line minimums */
    qe_gate *gate;   /* per policy index */
    int *by_id;      /* policy indices in id order, for qe_policy_find */
};
typedef struct qe_snapshot qe_snapshot;

/* What a policy is limited to, by index into the snapshot's products and
 * packs (categories are in the policy's own bits). */
typedef struct qe_scope {
    int nproducts, npacks;
    const int *products, *packs;
} qe_scope;

/* Builds the index of s: scopes[i] belongs to s->policies[i] (already in
 * (lane, id) order): candidate lists and sets, lanes, the sets of the
 * checks, what pricing reads of each policy, and the id order. Call it
 * once the regions, products, packs, campaigns and policies are set; they
 * must not change afterwards. Memory comes from a. */
int quote_index_build(qe_snapshot *s, const qe_scope *scopes, arena *a, err_ctx *e);

/* A name as the JSON text {"zh": ..., "en": ...} in a, its length in *len;
 * NULL when a runs out. For answers that write names as they are. */
const char *qe_text_json(arena *a, qe_text t, size_t *len);

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

/* Why a candidate policy does not apply, in the order the rules check:
 * X(name, code, message). The texts are literals, so that a writer can
 * put them together at compile time (see h_quote.c). */
#define QE_REASONS(X)                                                                         \
    X(QR_CAMPAIGN_NOT_LIVE, "campaign_not_live", "campaign is not live")                      \
    X(QR_REGION, "region_not_in_campaign", "region not in campaign")                          \
    X(QR_INDUSTRY, "industry_not_eligible", "industry not eligible")                          \
    X(QR_SIZE, "size_not_eligible", "org size not eligible")                                  \
    X(QR_NOT_NEW, "not_new_customer", "for new customers only")                               \
    X(QR_MODE, "billing_mode_not_covered", "billing mode not covered")                        \
    X(QR_ORDER_TYPE, "order_type_not_covered", "order type not covered")                      \
    X(QR_MIN_QUANTITY, "below_min_quantity", "quantity below the minimum")                    \
    X(QR_MIN_LINE, "below_min_line_amount", "line amount below the minimum")                  \
    X(QR_MIN_ORDER, "below_min_order_amount", "order amount below the minimum")               \
    X(QR_PER_ORG_LIMIT, "per_org_limit_reached", "per-org limit reached")                     \
    X(QR_TOTAL_LIMIT, "total_limit_reached", "total limit reached")                           \
    X(QR_BUDGET_SPENT, "budget_spent", "budget spent")                                        \
    X(QR_OUTDONE, "outdone_in_lane", "another policy in the same lane gives more")

typedef enum {
#define QE_REASON_NAME(name, code, message) name,
    QE_REASONS(QE_REASON_NAME)
#undef QE_REASON_NAME
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
