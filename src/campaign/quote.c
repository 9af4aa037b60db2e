/*
 * quote.c: the pricing rules (see quote.h). Pure: no I/O, no globals that
 * change, no allocation outside the caller's arena.
 */
#include "campaign/quote.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const qe_modes[] = {"on_demand", "monthly", "yearly", NULL};
const char *const qe_order_types[] = {"new", "renewal", NULL};
const char *const qe_effects[] = {"percent_off", "amount_off", "fixed_unit_price", "pack_price",
                                  "free_units", NULL};
const char *const qe_categories[] = {"compute", "container", "storage", "network", "cdn",
                                     "database", "ai", "media", "analytics", "middleware",
                                     "devops", "security", "other", NULL};

const char *const qe_reason_codes[] = {
    "campaign_not_live", "region_not_in_campaign", "industry_not_eligible",
    "size_not_eligible", "not_new_customer", "billing_mode_not_covered",
    "order_type_not_covered", "below_min_quantity", "below_min_line_amount",
    "below_min_order_amount", "per_org_limit_reached", "total_limit_reached",
    "budget_spent", "outdone_in_lane",
};
const char *const qe_reason_messages[] = {
    "campaign is not live", "region not in campaign", "industry not eligible",
    "org size not eligible", "for new customers only", "billing mode not covered",
    "order type not covered", "quantity below the minimum", "line amount below the minimum",
    "order amount below the minimum", "per-org limit reached", "total limit reached",
    "budget spent", "another policy in the same lane gives more",
};

/* Line prices are capped so that every product below fits in 64 bits. */
#define QE_MONEY_MAX 1000000000000000LL /* 10^15 fen */

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
    for (int i = 0; i < s->npolicies; i++) /* policies are sorted by lane, not id */
        if (strcmp(s->policies[i].id, id) == 0)
            return i;
    return -1;
}

/* a * b / c rounded half up, for non-negative a, b and positive c. */
static int64_t muldiv(int64_t a, int64_t b, int64_t c)
{
    if (a < (INT64_C(1) << 40) && b < (INT64_C(1) << 20)) /* the usual case: no 128-bit division */
        return (a * b * 2 + c) / (2 * c);
    __int128 p = (__int128)a * b;
    return (int64_t)((p * 2 + c) / (2 * (__int128)c));
}

/* a * b * c, or -1 past QE_MONEY_MAX. */
static int64_t money_mul(int64_t a, int64_t b, int64_t c)
{
    __int128 p = (__int128)a * b * c;
    return p > QE_MONEY_MAX ? -1 : (int64_t)p;
}

static int64_t periods(int mode, int64_t months, int64_t hours)
{
    return mode == QE_YEARLY ? months / 12 : mode == QE_ON_DEMAND ? hours : months;
}

int quote_list_price(const qe_snapshot *s, const qe_line_in *in, int index, int64_t *out,
                     err_ctx *e)
{
    char field[ERR_FIELD_LEN];
    if (in->product >= 0) {
        const qe_product *p = &s->products[in->product];
        int64_t unit = p->price[in->region * QE_NMODES + in->mode];
        if (unit < 0) {
            bool any = false;
            for (int m = 0; m < QE_NMODES; m++)
                any |= p->price[in->region * QE_NMODES + m] >= 0;
            snprintf(field, sizeof field, "lines[%d].%s", index, any ? "billing_mode" : "region");
            return err_field_add(e, field, any ? "%s is not offered for %s in this region"
                                               : "%s is not sold in this region",
                                 any ? qe_modes[in->mode] : p->code, p->code);
        }
        *out = money_mul(unit, in->quantity, periods(in->mode, in->months, in->hours));
    } else {
        const qe_pack *pk = &s->packs[in->pack];
        int64_t sum = 0;
        for (int i = 0; i < pk->nitems && sum >= 0; i++) {
            const qe_pack_item *it = &pk->items[i];
            const qe_product *p = &s->products[it->product];
            int64_t unit = p->price[in->region * QE_NMODES + it->mode];
            if (unit < 0) {
                snprintf(field, sizeof field, "lines[%d].region", index);
                return err_field_add(e, field, "pack item %s is not sold in this region", p->code);
            }
            int64_t per = periods(it->mode, it->months, it->months * QE_HOURS_PER_MONTH);
            int64_t v = money_mul(unit, it->quantity, per);
            sum = v < 0 ? -1 : sum + v;
        }
        *out = sum < 0 ? -1 : money_mul(sum, in->quantity, 1);
    }
    if (*out < 0) {
        snprintf(field, sizeof field, "lines[%d].quantity", index);
        return err_field_add(e, field, "makes the line too large to price");
    }
    return 0;
}

int quote_policy_blocker(const qe_snapshot *s, const qe_org *org, int pi, int64_t at)
{
    const qe_policy *p = &s->policies[pi];
    const qe_campaign *c = &s->campaigns[p->campaign];
    if (!c->published || at < c->starts_at || at >= c->ends_at)
        return QR_CAMPAIGN_NOT_LIVE;
    if ((c->industries && !(c->industries >> org->industry & 1)) ||
        (p->industries && !(p->industries >> org->industry & 1)))
        return QR_INDUSTRY;
    if ((c->sizes && !(c->sizes >> org->size & 1)) || (p->sizes && !(p->sizes >> org->size & 1)))
        return QR_SIZE;
    if ((c->new_only || p->new_only) && !org->new_customer)
        return QR_NOT_NEW;
    if (p->per_org_limit && org->uses && org->uses[pi] >= p->per_org_limit)
        return QR_PER_ORG_LIMIT;
    if (p->total_limit && p->used >= p->total_limit)
        return QR_TOTAL_LIMIT;
    if (p->budget && p->spent >= p->budget)
        return QR_BUDGET_SPENT;
    return -1;
}

typedef struct spent_entry {
    int policy;
    int64_t amount;
} spent_entry;

/* Per-quote scratch: cart-level verdicts, what was reported, budget use. */
typedef struct work {
    arena *a;
    const qe_snapshot *s;
    const qe_org *org;
    const qe_cart *cart;
    int64_t cart_list;
    signed char *verdict;    /* per policy: -2 unknown, -1 may apply, else a reason */
    unsigned char *reported; /* per policy: already in the rejected list */
    int nspent, capspent;
    spent_entry *spent;      /* at most one policy per lane per line */
    qe_rejection *rej;
    int nrej, caprej;
} work;

static int reject(work *w, int policy, int line, qe_reason why)
{
    if (w->reported[policy])
        return 0;
    if (w->nrej == w->caprej) {
        int cap = w->caprej ? w->caprej * 2 : 64;
        qe_rejection *n = arena_alloc_raw(w->a, (size_t)cap * sizeof *n);
        if (!n)
            return ERR_NOMEM;
        if (w->nrej)
            memcpy(n, w->rej, (size_t)w->nrej * sizeof *n);
        w->rej = n;
        w->caprej = cap;
    }
    w->reported[policy] = 1;
    w->rej[w->nrej++] = (qe_rejection){policy, line, why};
    return 0;
}

static int64_t spent_in_quote(const work *w, int policy)
{
    for (int i = 0; i < w->nspent; i++)
        if (w->spent[i].policy == policy)
            return w->spent[i].amount;
    return 0;
}

static void spend(work *w, int policy, int64_t amount)
{
    for (int i = 0; i < w->nspent; i++)
        if (w->spent[i].policy == policy) {
            w->spent[i].amount += amount;
            return;
        }
    if (w->nspent < w->capspent)
        w->spent[w->nspent++] = (spent_entry){policy, amount};
}

/* The reason a policy does not apply to the whole cart, decided once per
 * quote, or -1. */
static int cart_verdict(work *w, int pi)
{
    if (w->verdict[pi] == -2) {
        const qe_policy *p = &w->s->policies[pi];
        int r = quote_policy_blocker(w->s, w->org, pi, w->cart->at);
        if (r < 0 && p->order_types && !(p->order_types >> w->cart->order_type & 1))
            r = QR_ORDER_TYPE;
        if (r < 0 && p->min_order && w->cart_list < p->min_order)
            r = QR_MIN_ORDER;
        w->verdict[pi] = (signed char)r;
    }
    return w->verdict[pi];
}

/* Does the policy concern this line at all? (Not a rejection if not.) The
 * index already matched product, pack or category; what is left is the
 * effect's kind of line and, for policies listing products, categories. */
static bool concerns(const qe_snapshot *s, const qe_policy *p, const qe_line_in *in)
{
    if (in->product >= 0)
        return p->effect != QE_PACK_PRICE &&
               (!p->categories || (p->categories >> s->products[in->product].category & 1));
    return true;
}

/* The line-level reason a policy does not apply, or -1. */
static int line_reason(const qe_snapshot *s, const qe_policy *p, const qe_line_in *in,
                       int64_t list)
{
    const qe_campaign *c = &s->campaigns[p->campaign];
    if (!qe_has(&c->regions, in->region) || !qe_has(&p->regions, in->region))
        return QR_REGION;
    if (in->product >= 0 && p->modes && !(p->modes >> in->mode & 1))
        return QR_MODE;
    if (p->min_quantity && in->quantity < p->min_quantity)
        return QR_MIN_QUANTITY;
    if (p->min_line && list < p->min_line)
        return QR_MIN_LINE;
    return -1;
}

/* The discount a policy gives on what is left of a line. */
static int64_t discount_of(const qe_policy *p, const qe_line_in *in, int64_t left)
{
    int64_t d = 0, target;
    switch (p->effect) {
    case QE_PERCENT_OFF: d = muldiv(left, p->value, 10000); break;
    case QE_AMOUNT_OFF: d = p->value; break;
    case QE_FIXED_UNIT_PRICE:
        target = in->product >= 0
                     ? money_mul(p->value, in->quantity, periods(in->mode, in->months, in->hours))
                     : money_mul(p->value, in->quantity, 1);
        d = target < 0 ? 0 : left - target;
        break;
    case QE_PACK_PRICE:
        target = money_mul(p->value, in->quantity, 1);
        d = target < 0 ? 0 : left - target;
        break;
    case QE_FREE_UNITS:
        d = muldiv(left, p->value < in->quantity ? p->value : in->quantity, in->quantity);
        break;
    }
    return d < 0 ? 0 : d > left ? left : d;
}

/* Merges up to three sorted, disjoint lists of policy indices into out. */
static int merge3(const int *a, int na, const int *b, int nb, const int *c, int nc, int *out)
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
        out[n++] = best;
        i += which == 1, j += which == 2, k += which == 3;
    }
    return n;
}

/* The candidates of a line, merged when the index was built. */
static const int *candidates(const qe_snapshot *s, const qe_line_in *in, int *n)
{
    if (in->product >= 0) {
        *n = s->line_product_n[in->product];
        return s->line_product[in->product];
    }
    *n = s->line_pack_n[in->pack];
    return s->line_pack[in->pack];
}

/* Applies the pack's own price, then the lanes, to one line. dis is a
 * scratch array of s->max_line entries. */
static int price_line(work *w, int li, const qe_line_in *in, qe_line_out *out, int64_t *dis)
{
    const qe_snapshot *s = w->s;
    int64_t left = out->list;
    if (in->pack >= 0) {
        const qe_pack *pk = &s->packs[in->pack];
        int64_t d = pk->price >= 0 ? left - money_mul(pk->price, in->quantity, 1)
                                   : muldiv(left, pk->discount_bp, 10000);
        out->pack_discount = d < 0 ? 0 : d > left ? left : d;
        left -= out->pack_discount;
    }
    int n, k = 0;
    const int *cand = candidates(s, in, &n);
    while (k < n) {
        int lane = s->policies[cand[k]].lane, best = -1, first = k;
        int64_t best_d = 0;
        for (; k < n && s->policies[cand[k]].lane == lane; k++) {
            int pi = cand[k];
            const qe_policy *p = &s->policies[pi];
            dis[k] = -1; /* not a contender */
            if (!concerns(s, p, in))
                continue;
            int r = cart_verdict(w, pi);
            int line = -1;
            if (r < 0 && (r = line_reason(s, p, in, out->list)) >= 0)
                line = li;
            if (r >= 0) {
                if (!w->reported[pi] && reject(w, pi, line, (qe_reason)r))
                    return ERR_NOMEM;
                continue;
            }
            int64_t d = discount_of(p, in, left);
            if (p->budget) {
                int64_t room = p->budget - p->spent - spent_in_quote(w, pi);
                if (room <= 0) {
                    if (reject(w, pi, li, QR_BUDGET_SPENT))
                        return ERR_NOMEM;
                    continue;
                }
                if (d > room)
                    d = room;
            }
            dis[k] = d;
            if (d > best_d) {
                best = pi;
                best_d = d;
            }
        }
        if (best < 0)
            continue;
        for (int m = first; m < k; m++)
            if (cand[m] != best && dis[m] > 0 && !w->reported[cand[m]] &&
                reject(w, cand[m], li, QR_OUTDONE))
                return ERR_NOMEM;
        out->applied[out->napplied++] = (qe_applied){best, best_d};
        spend(w, best, best_d);
        left -= best_d;
    }
    out->final = left;
    return 0;
}

int quote_price(const qe_snapshot *s, const qe_org *org, const qe_cart *cart, arena *a,
                qe_quote *out, err_ctx *e)
{
    work w = {.a = a, .s = s, .org = org, .cart = cart};
    memset(out, 0, sizeof *out);
    out->nlines = cart->nlines;
    out->lines = arena_alloc(a, (size_t)(cart->nlines ? cart->nlines : 1) * sizeof *out->lines);
    size_t np = (size_t)(s->npolicies ? s->npolicies : 1);
    w.verdict = arena_alloc_raw(a, np);
    w.reported = arena_alloc(a, np); /* zeroed */
    int64_t *dis = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *dis);
    w.capspent = cart->nlines * 10; /* lanes 0..9 */
    w.spent = arena_alloc_raw(a, (size_t)(w.capspent + 1) * sizeof *w.spent);
    if (!out->lines || !w.verdict || !w.reported || !dis || !w.spent)
        return err_set(e, ERR_NOMEM, "out of memory");
    memset(w.verdict, -2, np);
    for (int i = 0; i < cart->nlines; i++)
        quote_list_price(s, &cart->lines[i], i, &out->lines[i].list, e);
    if (e->code)
        return e->code;
    for (int i = 0; i < cart->nlines; i++)
        w.cart_list += out->lines[i].list;
    for (int i = 0; i < cart->nlines; i++) {
        if (price_line(&w, i, &cart->lines[i], &out->lines[i], dis))
            return err_set(e, ERR_NOMEM, "out of memory");
        out->list += out->lines[i].list;
        out->final += out->lines[i].final;
    }
    out->discount = out->list - out->final;
    out->rejected = w.rej;
    out->nrejected = w.nrej;
    return 0;
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
        s->line_product_n[p] = merge3(s->by_product[p], s->by_product_n[p],
                                      has ? s->by_category[cat] : NULL, nc, s->open, s->nopen, v);
        if (s->line_product_n[p] > s->max_line)
            s->max_line = s->line_product_n[p];
    }
    for (int k = 0; k < s->npacks; k++) {
        int *v = arena_alloc(a, (size_t)(s->by_pack_n[k] + s->nopen + 1) * sizeof *v);
        if (!v)
            return err_set(e, ERR_NOMEM, "out of memory");
        s->line_pack[k] = v;
        s->line_pack_n[k] = merge3(s->by_pack[k], s->by_pack_n[k], NULL, 0, s->open, s->nopen, v);
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
    return merge_lines(s, a, e);
}
