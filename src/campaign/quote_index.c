/*
 * quote_index.c: the quote engine's index over a snapshot (see quote.h):
 * lookups by code and id, the per-product and per-pack candidate lists,
 * each policy's hot data and gate, the region and billing-mode failure
 * sets, and the JSON texts written into answers. Built once per snapshot,
 * then only read. Pure: no I/O, no allocation outside the given arena.
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

/* Merges up to three sorted, disjoint lists of policy indices into out,
 * keeping those that can concern a line of product category `category`
 * (-2: a pack line, which every listed policy concerns). */
static int merge3(const qe_snapshot *s, int category, const int *a, int na, const int *b, int nb,
                  const int *c, int nc, int *out)
{
    int i = 0, j = 0, k = 0, n = 0;
    while (i < na || j < nb || k < nc) {
        int best = INT32_MAX, which = 0;
        if (i < na && a[i] < best)
            best = a[i], which = 1;
        if (j < nb && b[j] < best)
            best = b[j], which = 2;
        if (k < nc && c[k] < best)
            best = c[k], which = 3;
        i += which == 1, j += which == 2, k += which == 3;
        const qe_policy *p = &s->policies[best];
        if (category != -2 && (p->effect == QE_PACK_PRICE ||
                               (p->categories && !bit_of(p->categories, category))))
            continue; /* never concerns a product line of this category */
        out[n++] = best;
    }
    return n;
}

/* The per-product and per-pack candidate lists: each line's lists merged. */
static int merge_lines(qe_snapshot *s, arena *a, err_ctx *e)
{
    s->line_product = arena_alloc(a, (size_t)(s->nproducts + 1) * sizeof *s->line_product);
    s->line_product_n = arena_alloc(a, (size_t)(s->nproducts + 1) * sizeof *s->line_product_n);
    s->line_pack = arena_alloc(a, (size_t)(s->npacks + 1) * sizeof *s->line_pack);
    s->line_pack_n = arena_alloc(a, (size_t)(s->npacks + 1) * sizeof *s->line_pack_n);
    if (!s->line_product || !s->line_product_n || !s->line_pack || !s->line_pack_n)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int p = 0; p < s->nproducts; p++) {
        int cat = s->products[p].category;
        bool has = cat >= 0 && cat < QE_NCATEGORIES;
        int nc = has ? s->by_category_n[cat] : 0;
        int *v = arena_alloc(a, (size_t)(s->by_product_n[p] + nc + s->nopen + 1) * sizeof *v);
        if (!v)
            return err_set(e, ERR_NOMEM, "out of memory");
        s->line_product[p] = v;
        s->line_product_n[p] = merge3(s, has ? cat : -1, s->by_product[p], s->by_product_n[p],
                                      has ? s->by_category[cat] : NULL, nc, s->open, s->nopen, v);
        if (s->line_product_n[p] > s->max_line)
            s->max_line = s->line_product_n[p];
    }
    static const int no_category[1]; /* a pack line has no category list */
    for (int k = 0; k < s->npacks; k++) {
        int *v = arena_alloc(a, (size_t)(s->by_pack_n[k] + s->nopen + 1) * sizeof *v);
        if (!v)
            return err_set(e, ERR_NOMEM, "out of memory");
        s->line_pack[k] = v;
        s->line_pack_n[k] =
            merge3(s, -2, s->by_pack[k], s->by_pack_n[k], no_category, 0, s->open, s->nopen, v);
        if (s->line_pack_n[k] > s->max_line)
            s->max_line = s->line_pack_n[k];
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
        jw w;
        jw_init(&w, a, 64);
        jw_object(&w);
        JW_KEY(&w, "zh");
        jw_string(&w, p->name.zh);
        JW_KEY(&w, "en");
        jw_string(&w, p->name.en);
        jw_end(&w);
        p->name_json = jw_done(&w, &p->name_json_len);
        p->id_json = jw_quote(a, p->id, &p->id_json_len);
        if (!p->name_json || !p->id_json)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    return 0;
}

/* The hot data and the gate of every policy (see qe_hot, qe_gate). */
static int build_hot(qe_snapshot *s, arena *a, err_ctx *e)
{
    size_t n = (size_t)s->npolicies + 1;
    s->hot = arena_alloc(a, n * sizeof *s->hot);
    s->gate = arena_alloc(a, n * sizeof *s->gate);
    s->wide_regions = s->nregions > 128 ? arena_alloc(a, n * sizeof *s->wide_regions) : NULL;
    if (!s->hot || !s->gate || (s->nregions > 128 && !s->wide_regions))
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int pi = s->npolicies - 1; pi >= 0; pi--) {
        const qe_policy *p = &s->policies[pi];
        const qe_campaign *c = &s->campaigns[p->campaign];
        qe_hot *h = &s->hot[pi];
        uint64_t regions[QE_MAX_REGIONS / 64];
        for (int i = 0; i < QE_MAX_REGIONS / 64; i++)
            regions[i] = (c->regions.any ? ~UINT64_C(0) : c->regions.w[i]) &
                         (p->regions.any ? ~UINT64_C(0) : p->regions.w[i]);
        memcpy(h->regions, regions, sizeof h->regions);
        if (s->wide_regions) {
            h->wide = true;
            memcpy(s->wide_regions[pi], regions, sizeof regions);
        }
        h->min_quantity = p->min_quantity;
        h->min_line = p->min_line;
        h->value = p->value;
        h->has_budget = p->budget != 0;
        h->room = p->budget - p->spent;
        h->modes = p->modes;
        h->effect = (uint8_t)p->effect;
        bool last = pi == s->npolicies - 1 || s->policies[pi + 1].lane != p->lane;
        h->lane_end = last ? pi + 1 : s->hot[pi + 1].lane_end;
        s->gate[pi] = (qe_gate){
            .campaign = p->campaign,
            .industries = p->industries,
            .sizes = p->sizes,
            .order_types = p->order_types,
            .per_org_limit = p->per_org_limit,
            .min_order = p->min_order,
            .new_only = p->new_only,
            .fixed_reason = (int8_t)(p->total_limit && p->used >= p->total_limit ? QR_TOTAL_LIMIT
                                     : p->budget && p->spent >= p->budget    ? QR_BUDGET_SPENT
                                                                             : -1),
        };
        int fixed = s->gate[pi].fixed_reason;
        s->gate[pi].fixed_bits = fixed == QR_TOTAL_LIMIT    ? 1u << FB_TOTAL_LIMIT
                                 : fixed == QR_BUDGET_SPENT ? 1u << FB_CART_BUDGET
                                                            : 0;
    }
    return 0;
}

/* The region and billing-mode bit sets and the minimums (see qe_snapshot). */
static int build_fail_sets(qe_snapshot *s, arena *a, err_ctx *e)
{
    int words = (s->npolicies + 63) / 64 + 1;
    s->fail_words = words;
    size_t row = (size_t)words * sizeof(uint64_t);
    s->region_fail = arena_alloc(a, (size_t)(QE_MAX_REGIONS + 1) * row);
    s->mode_fail = arena_alloc(a, (size_t)QE_MODE_ROWS * row);
    s->mins = arena_alloc(a, ((size_t)s->npolicies + 1) * sizeof *s->mins);
    if (!s->region_fail || !s->mode_fail || !s->mins)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int pi = 0; pi < s->npolicies; pi++) {
        const qe_policy *p = &s->policies[pi];
        uint64_t bit = UINT64_C(1) << (pi & 63);
        int w = pi >> 6;
        for (int r = 0; r <= QE_MAX_REGIONS; r++)
            if (r == QE_MAX_REGIONS || !region_ok(s, &s->hot[pi], pi, r))
                s->region_fail[(size_t)r * (size_t)words + (size_t)w] |= bit;
        for (int m = 0; m < QE_MODE_ROWS; m++)
            if (p->modes && m != QE_MODE_ROW_PACK &&
                (m == QE_MODE_ROW_OTHER || !(p->modes >> m & 1)))
                s->mode_fail[(size_t)m * (size_t)words + (size_t)w] |= bit;
        s->mins[pi] = (qe_mins){p->min_quantity ? p->min_quantity : INT64_MIN,
                                p->min_line ? p->min_line : INT64_MIN};
    }
    return 0;
}

/* Policy ids in order, for qe_policy_find (usage rows name policies by
 * id). A merge sort of indices: qsort would need the snapshot in a global. */
static int build_by_id(qe_snapshot *s, arena *a, err_ctx *e)
{
    int n = s->npolicies;
    int *v = arena_alloc(a, (size_t)(n + 1) * sizeof *v);
    int *tmp = arena_alloc(a, (size_t)(n + 1) * sizeof *tmp);
    if (!v || !tmp)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++)
        v[i] = i;
    for (int width = 1; width < n; width *= 2) {
        for (int lo = 0; lo < n; lo += 2 * width) {
            int mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            int i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] =
                    strcmp(s->policies[v[i]].id, s->policies[v[j]].id) <= 0 ? v[i++] : v[j++];
            while (i < mid)
                tmp[k++] = v[i++];
            while (j < hi)
                tmp[k++] = v[j++];
        }
        memcpy(v, tmp, (size_t)n * sizeof *v);
    }
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
    int rc = merge_lines(s, a, e);
    if (!rc)
        rc = build_hot(s, a, e);
    if (!rc)
        rc = build_fail_sets(s, a, e);
    if (!rc)
        rc = build_by_id(s, a, e);
    if (!rc)
        rc = build_json(s, a, e);
    return rc;
}
