/*
 * quote_index.c: the quote engine's index over a snapshot (see quote.h):
 * lookups by code and id; the per-product, per-pack, per-category and open
 * candidate lists; the lanes and slots; the bit sets pricing reads (the
 * candidates of each product and pack, the line checks: region, billing
 * mode, minimums by threshold; the cart checks: campaign, industry, size,
 * order type...); what pricing reads of each policy; and the JSON texts
 * written into answers. Built once per snapshot, then only read. Pure: no
 * I/O, no allocation outside the given arena.
 */
#include "campaign/quote.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jw.h"
#include "campaign/quote_bits.h"

static int bsearch_code(const void *base, int n, size_t size, const char *code)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        const char *key = *(const char *const *)((const char *)base + (size_t)mid * size);
        int c = strcmp(key, code);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

int qe_region_find(const qe_snapshot *s, const char *code)
{
    return bsearch_code(s->regions, s->nregions, sizeof *s->regions, code);
}
int qe_product_find(const qe_snapshot *s, const char *code)
{
    return bsearch_code(s->products, s->nproducts, sizeof *s->products, code);
}
int qe_pack_find(const qe_snapshot *s, const char *id)
{
    return bsearch_code(s->packs, s->npacks, sizeof *s->packs, id);
}
int qe_campaign_find(const qe_snapshot *s, const char *id)
{
    return bsearch_code(s->campaigns, s->ncampaigns, sizeof *s->campaigns, id);
}
int qe_policy_find(const qe_snapshot *s, const char *id)
{
    if (!s->by_id) { /* no index yet: policies are sorted by lane, not id */
        for (int i = 0; i < s->npolicies; i++)
            if (strcmp(s->policies[i].id, id) == 0)
                return i;
        return -1;
    }
    int lo = 0, hi = s->npolicies - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2, c = strcmp(s->policies[s->by_id[mid]].id, id);
        if (c == 0)
            return s->by_id[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* The lanes: runs of policies with one lane number, each from a word
 * boundary on in slot order (see qe_snapshot), and each policy's slot. */
static int build_lanes(qe_snapshot *s, arena *a, err_ctx *e)
{
    size_t n = (size_t)s->npolicies + 1;
    s->lane_start = arena_alloc(a, (n + 1) * sizeof *s->lane_start);
    s->lane_word = arena_alloc(a, (n + 1) * sizeof *s->lane_word);
    s->slot = arena_alloc(a, n * sizeof *s->slot);
    if (!s->lane_start || !s->lane_word || !s->slot)
        return err_set(e, ERR_NOMEM, "out of memory");
    s->nlanes = 0;
    for (int pi = 0; pi < s->npolicies; pi++) {
        if (pi == 0 || s->policies[pi - 1].lane != s->policies[pi].lane) {
            int j = s->nlanes++;
            s->lane_start[j] = pi;
            s->lane_word[j] = j ? s->lane_word[j - 1] + (pi - s->lane_start[j - 1] + 63) / 64 : 0;
        }
        int j = s->nlanes - 1;
        s->slot[pi] = pi - s->lane_start[j] + 64 * s->lane_word[j];
    }
    int j = s->nlanes;
    s->lane_start[j] = s->npolicies;
    s->lane_word[j] = j ? s->lane_word[j - 1] + (s->npolicies - s->lane_start[j - 1] + 63) / 64 : 0;
    int used = s->lane_word[j]; /* words is even, at least 2: passes take two at a time */
    s->words = used < 2 ? 2 : (used + 1) & ~1;
    s->word_lane = arena_alloc(a, (size_t)s->words * sizeof *s->word_lane);
    s->word_policy = arena_alloc(a, (size_t)s->words * sizeof *s->word_policy);
    if (!s->word_lane || !s->word_policy)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int wi = 0; wi < s->words; wi++) /* a spare word counts as the last lane's */
        s->word_lane[wi] = s->nlanes ? s->nlanes - 1 : 0;
    for (j = 0; j < s->nlanes; j++)
        for (int wi = s->lane_word[j]; wi < s->lane_word[j + 1]; wi++) {
            s->word_lane[wi] = j;
            s->word_policy[wi] = s->lane_start[j] + 64 * (wi - s->lane_word[j]);
        }
    return 0;
}

/* Adds policy pi to the set. */
static void put(const qe_snapshot *s, uint64_t *set, int pi)
{
    int slot = s->slot[pi];
    set[slot >> 6] |= UINT64_C(1) << (slot & 63);
}

/* A zeroed table of `rows` sets, or NULL. */
static uint64_t *new_table(const qe_snapshot *s, arena *a, int rows)
{
    return arena_alloc(a, (size_t)rows * (size_t)s->words * sizeof(uint64_t));
}

/* Row r of table t. */
static uint64_t *row_of(const qe_snapshot *s, uint64_t *t, int r)
{
    return t + (size_t)r * (size_t)s->words;
}

/* Can policy p concern a product line of category `category` (-1: a
 * category no policy can name)? Not if it sets a pack's price, nor if its
 * categories leave the product's out. */
static bool concerns_product(const qe_policy *p, int category)
{
    return p->effect != QE_PACK_PRICE && (!p->categories || bit_of(p->categories, category));
}

/* Adds to set the policies of list v that may concern a line of product
 * category `category` (-2: a pack line, which every listed policy
 * concerns). */
static void add_list(const qe_snapshot *s, uint64_t *set, const int *v, int n, int category)
{
    for (int i = 0; i < n; i++)
        if (category == -2 || concerns_product(&s->policies[v[i]], category))
            put(s, set, v[i]);
}

/* The candidate sets of every product and pack: each line's lists merged. */
static int build_candidates(qe_snapshot *s, arena *a, err_ctx *e)
{
    s->cand_product = new_table(s, a, s->nproducts + 1);
    s->cand_pack = new_table(s, a, s->npacks + 1);
    if (!s->cand_product || !s->cand_pack)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int p = 0; p < s->nproducts; p++) {
        int cat = s->products[p].category;
        bool has = cat >= 0 && cat < QE_NCATEGORIES;
        uint64_t *set = row_of(s, s->cand_product, p);
        add_list(s, set, s->by_product[p], s->by_product_n[p], has ? cat : -1);
        if (has)
            add_list(s, set, s->by_category[cat], s->by_category_n[cat], cat);
        add_list(s, set, s->open, s->nopen, has ? cat : -1);
    }
    for (int k = 0; k < s->npacks; k++) {
        uint64_t *set = row_of(s, s->cand_pack, k);
        add_list(s, set, s->by_pack[k], s->by_pack_n[k], -2);
        add_list(s, set, s->open, s->nopen, -2);
    }
    s->max_line = 0;
    for (int r = 0; r < s->nproducts + s->npacks; r++) {
        const uint64_t *set = r < s->nproducts ? row_of(s, s->cand_product, r)
                                               : row_of(s, s->cand_pack, r - s->nproducts);
        int n = 0;
        for (int i = 0; i < s->words; i++)
            n += __builtin_popcountll(set[i]);
        if (n > s->max_line)
            s->max_line = n;
    }
    return 0;
}

/* Appends policy pi to list `which` of the index: counting in the first
 * pass, filling in the second. A product or pack named twice by one policy
 * is listed once. */
static void index_put(int **lists, int *counts, int which, int pi, bool fill)
{
    if (!fill) {
        counts[which]++;
        return;
    }
    int n = counts[which];
    if (n && lists[which][n - 1] == pi)
        return;
    lists[which][counts[which]++] = pi;
}

const char *qe_text_json(arena *a, qe_text t, size_t *len)
{
    jw w;
    jw_init(&w, a, 64);
    jw_object(&w);
    JW_KEY(&w, "zh");
    jw_string(&w, t.zh);
    JW_KEY(&w, "en");
    jw_string(&w, t.en);
    jw_end(&w);
    return jw_done(&w, len);
}

/* The JSON texts of policies and campaigns that answers repeat. */
static int build_json(qe_snapshot *s, arena *a, err_ctx *e)
{
    for (int ci = 0; ci < s->ncampaigns; ci++) {
        qe_campaign *c = &s->campaigns[ci];
        if (!(c->id_json = jw_quote(a, c->id, &c->id_json_len)))
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    for (int pi = 0; pi < s->npolicies; pi++) {
        qe_policy *p = &s->policies[pi];
        p->name_json = qe_text_json(a, p->name, &p->name_json_len);
        p->id_json = jw_quote(a, p->id, &p->id_json_len);
        if (!p->name_json || !p->id_json)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    return 0;
}

/* What pricing reads of every policy (per slot: price, budget, mins; room
 * per policy with a budget) and the gate (per policy); see qe_snapshot. */
static int build_hot(qe_snapshot *s, arena *a, err_ctx *e)
{
    size_t slots = (size_t)s->words * 64;
    s->price = arena_alloc(a, slots * sizeof *s->price);
    s->budget = arena_alloc(a, slots * sizeof *s->budget);
    s->room = arena_alloc(a, ((size_t)s->npolicies + 1) * sizeof *s->room);
    s->mins = arena_alloc(a, slots * sizeof *s->mins);
    s->gate = arena_alloc(a, ((size_t)s->npolicies + 1) * sizeof *s->gate);
    if (!s->price || !s->budget || !s->room || !s->mins || !s->gate)
        return err_set(e, ERR_NOMEM, "out of memory");
    s->nbudgets = 0;
    s->room[0] = INT64_MAX;
    for (int pi = 0; pi < s->npolicies; pi++) {
        const qe_policy *p = &s->policies[pi];
        int slot = s->slot[pi];
        bool rounded = p->effect == QE_PERCENT_OFF || p->effect == QE_FREE_UNITS;
        bool usual = p->value >= 0 && p->value < (INT64_C(1) << (rounded ? 20 : 60)) &&
                     (int)p->effect >= 0 && (int)p->effect < QE_NEFFECTS;
        s->price[slot] = usual ? (uint64_t)p->value << 3 | (uint64_t)p->effect : QE_PRICE_ODD_WORD;
        s->budget[slot] = p->budget ? ++s->nbudgets : 0;
        s->room[s->budget[slot]] = p->budget ? p->budget - p->spent : INT64_MAX;
        s->mins[slot] = (qe_mins){p->min_quantity ? p->min_quantity : INT64_MIN,
                                  p->min_line ? p->min_line : INT64_MIN};
        s->gate[pi] = (qe_gate){
            .campaign = p->campaign,
            .industries = p->industries,
            .sizes = p->sizes,
            .per_org_limit = p->per_org_limit,
            .new_only = p->new_only,
            .fixed_reason = (int8_t)(p->total_limit && p->used >= p->total_limit ? QR_TOTAL_LIMIT
                                     : p->budget && p->spent >= p->budget    ? QR_BUDGET_SPENT
                                                                             : -1),
        };
    }
    return 0;
}

/* Adds policy pi to the rows of table t whose index is left out by mask
 * (0 = none left out), rows 0..31 and QE_MASK_ROW_OTHER (see mask_row). */
static void add_left_out(const qe_snapshot *s, uint64_t *t, uint32_t mask, int pi)
{
    if (!mask)
        return;
    for (int r = 0; r < QE_MASK_ROWS; r++)
        if (r == QE_MASK_ROW_OTHER || !(mask >> r & 1))
            put(s, row_of(s, t, r), pi);
}

static int cmp_limit_asc(const void *x, const void *y)
{
    const qe_limit *a = x, *b = y;
    if (a->amount != b->amount)
        return a->amount < b->amount ? -1 : 1;
    return a->policy - b->policy;
}

/* The threshold table of one line minimum (see qe_thresholds): min_of
 * gives each policy's minimum, 0 for none. */
static int build_thresholds(qe_snapshot *s, qe_thresholds *t, int64_t (*min_of)(const qe_policy *),
                            arena *a, err_ctx *e)
{
    qe_limit *v = arena_alloc(a, ((size_t)s->npolicies + 1) * sizeof *v);
    t->value = arena_alloc(a, 2 * QE_MAX_THRESHOLDS * sizeof *t->value); /* step <= 2 x max */
    if (!v || !t->value)
        return err_set(e, ERR_NOMEM, "out of memory");
    int nv = 0;
    for (int pi = 0; pi < s->npolicies; pi++)
        if (min_of(&s->policies[pi]))
            v[nv++] = (qe_limit){min_of(&s->policies[pi]), pi, s->slot[pi]};
    qsort(v, (size_t)nv, sizeof *v, cmp_limit_asc);
    t->n = 0;
    for (int i = 0; i < nv; i++)
        if (i == 0 || v[i].amount != v[i - 1].amount) {
            if (t->n == QE_MAX_THRESHOLDS) {
                t->n = -1; /* too many: one by one */
                return 0;
            }
            t->value[t->n++] = v[i].amount;
        }
    if (!(t->above = new_table(s, a, t->n + 1)))
        return err_set(e, ERR_NOMEM, "out of memory");
    for (t->step = 1; t->step <= t->n; t->step *= 2) /* value[] padded to step */
        ;
    for (int i = t->n; i < t->step; i++)
        t->value[i] = INT64_MAX;
    for (int r = t->n - 1, i = nv - 1; r >= 0; r--) {
        uint64_t *row = row_of(s, t->above, r);
        memcpy(row, row_of(s, t->above, r + 1), (size_t)s->words * sizeof *row);
        for (; i >= 0 && v[i].amount == t->value[r]; i--)
            put(s, row, v[i].policy);
    }
    return 0;
}

static int64_t min_quantity_of(const qe_policy *p) { return p->min_quantity; }
static int64_t min_line_of(const qe_policy *p) { return p->min_line; }

/* The sets of the line checks: region, billing mode, minimums (see
 * qe_snapshot). */
static int build_line_sets(qe_snapshot *s, arena *a, err_ctx *e)
{
    s->region_fail = new_table(s, a, QE_MAX_REGIONS + 1);
    s->mode_fail = new_table(s, a, QE_MODE_ROWS);
    s->has_min_quantity = new_table(s, a, 1);
    s->has_min_line = new_table(s, a, 1);
    if (!s->region_fail || !s->mode_fail || !s->has_min_quantity || !s->has_min_line)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int pi = 0; pi < s->npolicies; pi++) {
        const qe_policy *p = &s->policies[pi];
        const qe_campaign *c = &s->campaigns[p->campaign];
        for (int r = 0; r <= QE_MAX_REGIONS; r++)
            if (r == QE_MAX_REGIONS || !qe_has(&c->regions, r) || !qe_has(&p->regions, r))
                put(s, row_of(s, s->region_fail, r), pi);
        for (int m = 0; m < QE_MODE_ROWS; m++)
            if (p->modes && m != QE_MODE_ROW_PACK &&
                (m == QE_MODE_ROW_OTHER || !(p->modes >> m & 1)))
                put(s, row_of(s, s->mode_fail, m), pi);
        if (p->min_quantity)
            put(s, s->has_min_quantity, pi);
        if (p->min_line)
            put(s, s->has_min_line, pi);
    }
    int rc = build_thresholds(s, &s->min_quantity, min_quantity_of, a, e);
    return rc ? rc : build_thresholds(s, &s->min_line, min_line_of, a, e);
}

static int cmp_limit_desc(const void *x, const void *y)
{
    const qe_limit *a = x, *b = y;
    if (a->amount != b->amount)
        return a->amount < b->amount ? 1 : -1;
    return a->policy - b->policy;
}

/* The sets and lists of the cart-level checks (see qe_snapshot). */
static int build_cart_sets(qe_snapshot *s, arena *a, err_ctx *e)
{
    size_t n = (size_t)s->npolicies + 1;
    s->campaign_set = new_table(s, a, s->ncampaigns + 1);
    s->industry_fail = new_table(s, a, QE_MASK_ROWS);
    s->size_fail = new_table(s, a, QE_MASK_ROWS);
    s->order_type_fail = new_table(s, a, QE_MASK_ROWS);
    s->new_only = new_table(s, a, 1);
    s->total_limit_reached = new_table(s, a, 1);
    s->budget_spent = new_table(s, a, 1);
    s->per_org = arena_alloc(a, n * sizeof *s->per_org);
    s->min_order = arena_alloc(a, n * sizeof *s->min_order);
    if (!s->campaign_set || !s->industry_fail || !s->size_fail || !s->order_type_fail ||
        !s->new_only || !s->total_limit_reached || !s->budget_spent || !s->per_org ||
        !s->min_order)
        return err_set(e, ERR_NOMEM, "out of memory");
    s->nper_org = s->nmin_order = 0;
    for (int pi = 0; pi < s->npolicies; pi++) {
        const qe_policy *p = &s->policies[pi];
        put(s, row_of(s, s->campaign_set, p->campaign), pi);
        add_left_out(s, s->industry_fail, p->industries, pi);
        add_left_out(s, s->size_fail, p->sizes, pi);
        add_left_out(s, s->order_type_fail, p->order_types, pi);
        if (p->new_only)
            put(s, s->new_only, pi);
        if (s->gate[pi].fixed_reason == QR_TOTAL_LIMIT)
            put(s, s->total_limit_reached, pi);
        if (s->gate[pi].fixed_reason == QR_BUDGET_SPENT)
            put(s, s->budget_spent, pi);
        if (p->per_org_limit) {
            int k = s->nper_org++, slot = s->slot[pi];
            s->per_org[k] = (qe_org_limit){
                .limit = p->per_org_limit,
                .policy = pi,
                .word = (uint32_t)(slot >> 6),
                .bit = (uint8_t)(slot & 63),
                .fresh = !k || s->per_org[k - 1].word != (uint32_t)(slot >> 6),
            };
        }
        if (p->min_order)
            s->min_order[s->nmin_order++] = (qe_limit){p->min_order, pi, s->slot[pi]};
    }
    qsort(s->min_order, (size_t)s->nmin_order, sizeof *s->min_order, cmp_limit_desc);
    return 0;
}

/* A policy's id and index, sorted by id for qe_policy_find. */
typedef struct id_index {
    const char *id;
    int index;
} id_index;

static int cmp_id(const void *x, const void *y)
{
    return strcmp(((const id_index *)x)->id, ((const id_index *)y)->id);
}

/* Policy ids in order, for qe_policy_find (usage rows name policies by
 * id): the indices of the policies sorted by id. */
static int build_by_id(qe_snapshot *s, arena *a, err_ctx *e)
{
    int n = s->npolicies;
    int *v = arena_alloc(a, (size_t)(n + 1) * sizeof *v);
    id_index *pairs = arena_alloc(a, (size_t)(n + 1) * sizeof *pairs);
    if (!v || !pairs)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        pairs[i] = (id_index){s->policies[i].id, i};
    qsort(pairs, (size_t)n, sizeof *pairs, cmp_id);
    for (int i = 0; i < n; i++)
        v[i] = pairs[i].index;
    s->by_id = v;
    return 0;
}

int quote_index_build(qe_snapshot *s, const qe_scope *scopes, arena *a, err_ctx *e)
{
    int np = s->nproducts, nk = s->npacks;
    s->by_product = arena_alloc(a, (size_t)(np + 1) * sizeof *s->by_product);
    s->by_product_n = arena_alloc(a, (size_t)(np + 1) * sizeof *s->by_product_n);
    s->by_pack = arena_alloc(a, (size_t)(nk + 1) * sizeof *s->by_pack);
    s->by_pack_n = arena_alloc(a, (size_t)(nk + 1) * sizeof *s->by_pack_n);
    int *open_n = &s->nopen, **open = &s->open;
    if (!s->by_product || !s->by_product_n || !s->by_pack || !s->by_pack_n)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int pass = 0; pass < 2; pass++) {
        bool fill = pass == 1;
        if (fill) {
            for (int i = 0; i < np; i++) {
                s->by_product[i] = arena_alloc(a, (size_t)(s->by_product_n[i] + 1) * sizeof(int));
                s->by_product_n[i] = 0;
            }
            for (int i = 0; i < nk; i++) {
                s->by_pack[i] = arena_alloc(a, (size_t)(s->by_pack_n[i] + 1) * sizeof(int));
                s->by_pack_n[i] = 0;
            }
            for (int c = 0; c < QE_NCATEGORIES; c++) {
                s->by_category[c] = arena_alloc(a, (size_t)(s->by_category_n[c] + 1) * sizeof(int));
                s->by_category_n[c] = 0;
            }
            *open = arena_alloc(a, (size_t)(*open_n + 1) * sizeof(int));
            *open_n = 0;
            for (int i = 0; i < np; i++)
                if (!s->by_product[i])
                    return err_set(e, ERR_NOMEM, "out of memory");
            for (int i = 0; i < nk; i++)
                if (!s->by_pack[i])
                    return err_set(e, ERR_NOMEM, "out of memory");
            for (int c = 0; c < QE_NCATEGORIES; c++)
                if (!s->by_category[c])
                    return err_set(e, ERR_NOMEM, "out of memory");
            if (!*open)
                return err_set(e, ERR_NOMEM, "out of memory");
        }
        for (int pi = 0; pi < s->npolicies; pi++) {
            const qe_scope *sc = &scopes[pi];
            qe_policy *p = &s->policies[pi];
            p->any_item = false;
            for (int j = 0; j < sc->nproducts; j++)
                index_put(s->by_product, s->by_product_n, sc->products[j], pi, fill);
            for (int j = 0; j < sc->npacks; j++)
                index_put(s->by_pack, s->by_pack_n, sc->packs[j], pi, fill);
            if (sc->nproducts || sc->npacks)
                continue;
            if (p->categories) {
                for (int c = 0; c < QE_NCATEGORIES; c++)
                    if (p->categories >> c & 1)
                        index_put(s->by_category, s->by_category_n, c, pi, fill);
            } else {
                index_put(open, open_n, 0, pi, fill);
            }
            p->any_item = !p->categories;
        }
    }
    int rc = build_lanes(s, a, e);
    if (!rc)
        rc = build_hot(s, a, e);
    if (!rc)
        rc = build_candidates(s, a, e);
    if (!rc)
        rc = build_line_sets(s, a, e);
    if (!rc)
        rc = build_cart_sets(s, a, e);
    if (!rc)
        rc = build_by_id(s, a, e);
    if (!rc)
        rc = build_json(s, a, e);
    return rc;
}
