/*
 * quote.c: the pricing rules (see quote.h). Pure: no I/O, no globals that
 * change, no allocation outside the caller's arena.
 */
#include "campaign/quote.h"

#include "base/jw.h"

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

/* Bit i of a mask of up to 32 bits; an index outside it is not in the set. */
static inline bool bit_of(uint32_t mask, int i) { return i >= 0 && i < 32 && (mask >> i & 1); }

/* The first reason among the campaign's own conditions (window, industry,
 * size, new customer) that blocks the org at `at`, or -1. */
static int campaign_blocker(const qe_campaign *c, const qe_org *org, int64_t at)
{
    if (!c->published || at < c->starts_at || at >= c->ends_at)
        return QR_CAMPAIGN_NOT_LIVE;
    if (c->industries && !bit_of(c->industries, org->industry))
        return QR_INDUSTRY;
    if (c->sizes && !bit_of(c->sizes, org->size))
        return QR_SIZE;
    if (c->new_only && !org->new_customer)
        return QR_NOT_NEW;
    return -1;
}

/* The blocker of policy pi given its campaign's (cr, from campaign_blocker):
 * the campaign's and the policy's conditions are checked together, in the
 * order industry, size, new customer, per-org limit, total limit, budget. */
static inline int policy_blocker(const qe_gate *g, const qe_org *org, int pi, int cr)
{
    if (cr == QR_CAMPAIGN_NOT_LIVE)
        return cr;
    if (cr == QR_INDUSTRY || (g->industries && !bit_of(g->industries, org->industry)))
        return QR_INDUSTRY;
    if (cr == QR_SIZE || (g->sizes && !bit_of(g->sizes, org->size)))
        return QR_SIZE;
    if (cr == QR_NOT_NEW || (g->new_only && !org->new_customer))
        return QR_NOT_NEW;
    if (g->per_org_limit && org->uses && org->uses[pi] >= g->per_org_limit)
        return QR_PER_ORG_LIMIT;
    return g->fixed_reason;
}

int quote_policy_blocker(const qe_snapshot *s, const qe_org *org, int pi, int64_t at)
{
    const qe_gate *g = &s->gate[pi];
    return policy_blocker(g, org, pi, campaign_blocker(&s->campaigns[g->campaign], org, at));
}

typedef struct spent_entry {
    int policy;
    int64_t amount;
} spent_entry;

/* A policy that gave a discount in the lane being decided. */
typedef struct contender {
    int policy;
    int64_t amount;
} contender;

/* Per-policy state within one quote (work.st). */
enum {
    ST_KNOWN = 1,    /* the cart-level verdict was taken */
    ST_DEAD = 2,     /* ... and it rejects the policy (already reported) */
    ST_REPORTED = 4, /* in the rejected list */
    ST_SPENT = 8,    /* has an entry in work.spent */
};

/* Per-quote scratch: cart-level verdicts, what was reported, budget use. */
typedef struct work {
    arena *a;
    const qe_snapshot *s;
    const qe_org *org;
    const qe_cart *cart;
    int64_t cart_list;
    unsigned char *st;         /* per policy: ST_* flags */
    signed char *campaign;     /* per campaign: -1 or its blocker (campaign_blocker) */
    int nspent, capspent;
    spent_entry *spent;        /* at most one policy per lane per line */
    contender *con;            /* s->max_line entries */
    qe_rejection *rej;         /* room for every policy */
    int nrej;
} work;

/* Reports policy pi once per quote; later reasons for it are dropped. The
 * list has room for every policy (each is reported at most once). */
static inline void reject(work *w, int pi, int line, qe_reason why)
{
    if (w->st[pi] & ST_REPORTED)
        return;
    w->st[pi] |= ST_REPORTED;
    w->rej[w->nrej++] = (qe_rejection){pi, line, why};
}

static int64_t spent_in_quote(const work *w, int policy)
{
    if (!(w->st[policy] & ST_SPENT))
        return 0;
    for (int i = 0; i < w->nspent; i++)
        if (w->spent[i].policy == policy)
            return w->spent[i].amount;
    return 0;
}

static void spend(work *w, int policy, int64_t amount)
{
    if (w->st[policy] & ST_SPENT)
        for (int i = 0; i < w->nspent; i++)
            if (w->spent[i].policy == policy) {
                w->spent[i].amount += amount;
                return;
            }
    if (w->nspent < w->capspent) {
        w->spent[w->nspent++] = (spent_entry){policy, amount};
        w->st[policy] |= ST_SPENT;
    }
}

/* The reason a policy does not apply to the whole cart, or -1. Taken once
 * per quote (the caller keeps it in st); the campaigns' part is taken for
 * every campaign when the quote starts (they are few). */
static int cart_verdict(work *w, int pi)
{
    const qe_gate *g = &w->s->gate[pi];
    int r = policy_blocker(g, w->org, pi, w->campaign[g->campaign]);
    if (r < 0 && g->order_types && !bit_of(g->order_types, w->cart->order_type))
        r = QR_ORDER_TYPE;
    if (r < 0 && g->min_order && w->cart_list < g->min_order)
        r = QR_MIN_ORDER;
    return r;
}

/* Is region r in the policy's and its campaign's regions? */
static inline bool region_ok(const qe_snapshot *s, const qe_hot *h, int pi, int r)
{
    if (r >= 0 && r < 128)
        return h->regions[r >> 6] >> (r & 63) & 1;
    return h->wide && r >= 0 && r < QE_MAX_REGIONS &&
           (s->wide_regions[pi][r >> 6] >> (r & 63) & 1);
}

/* The line-level reason a policy does not apply, or -1. */
static inline int line_reason(const qe_snapshot *s, const qe_hot *h, int pi, const qe_line_in *in,
                              int64_t list)
{
    if (!region_ok(s, h, pi, in->region))
        return QR_REGION;
    if (in->product >= 0 && h->modes && !bit_of(h->modes, in->mode))
        return QR_MODE;
    if (h->min_quantity && in->quantity < h->min_quantity)
        return QR_MIN_QUANTITY;
    if (h->min_line && list < h->min_line)
        return QR_MIN_LINE;
    return -1;
}

/* The discount a policy gives on what is left of a line. */
static int64_t discount_of(const qe_hot *h, const qe_line_in *in, int64_t left)
{
    int64_t d = 0, target;
    switch ((qe_effect)h->effect) {
    case QE_PERCENT_OFF: d = muldiv(left, h->value, 10000); break;
    case QE_AMOUNT_OFF: d = h->value; break;
    case QE_FIXED_UNIT_PRICE:
        target = in->product >= 0
                     ? money_mul(h->value, in->quantity, periods(in->mode, in->months, in->hours))
                     : money_mul(h->value, in->quantity, 1);
        d = target < 0 ? 0 : left - target;
        break;
    case QE_PACK_PRICE:
        target = money_mul(h->value, in->quantity, 1);
        d = target < 0 ? 0 : left - target;
        break;
    case QE_FREE_UNITS:
        d = muldiv(left, h->value < in->quantity ? h->value : in->quantity, in->quantity);
        break;
    }
    return d < 0 ? 0 : d > left ? left : d;
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

/* Ends a lane of a line: the best contender applies to what is left, the
 * others that would have given something are reported as outdone. */
static void close_lane(work *w, int li, qe_line_out *out, int ncon, int best, int64_t best_d,
                       int64_t *left)
{
    if (best < 0)
        return;
    for (int m = 0; m < ncon; m++)
        if (w->con[m].policy != best)
            reject(w, w->con[m].policy, li, QR_OUTDONE);
    out->applied[out->napplied++] = (qe_applied){best, best_d};
    spend(w, best, best_d);
    *left -= best_d;
}

/* Applies the pack's own price, then the lanes, to one line. A policy
 * rejected for the whole cart is skipped at once on every later line: its
 * verdict cannot change within the quote and it is already reported. */
static void price_line(work *w, int li, const qe_line_in *in, qe_line_out *out)
{
    const qe_snapshot *s = w->s;
    const qe_hot *hot = s->hot;
    unsigned char *st = w->st;
    int64_t left = out->list;
    if (in->pack >= 0) {
        const qe_pack *pk = &s->packs[in->pack];
        int64_t d = pk->price >= 0 ? left - money_mul(pk->price, in->quantity, 1)
                                   : muldiv(left, pk->discount_bp, 10000);
        out->pack_discount = d < 0 ? 0 : d > left ? left : d;
        left -= out->pack_discount;
    }
    int n, lane_end = 0, best = -1, ncon = 0;
    int64_t best_d = 0;
    const int *cand = candidates(s, in, &n);
    for (int k = 0; k < n; k++) {
        int pi = cand[k];
        unsigned f = st[pi];
        if (f & ST_DEAD)
            continue;
        if (pi >= lane_end) { /* candidates are in (lane, id) order */
            close_lane(w, li, out, ncon, best, best_d, &left);
            best = -1, best_d = 0, ncon = 0;
            lane_end = hot[pi].lane_end;
        }
        if (!(f & ST_KNOWN)) {
            int r = cart_verdict(w, pi);
            st[pi] = (unsigned char)(f | ST_KNOWN | (r >= 0 ? ST_DEAD : 0));
            if (r >= 0) {
                reject(w, pi, -1, (qe_reason)r);
                continue;
            }
        }
        const qe_hot *h = &hot[pi];
        int r = line_reason(s, h, pi, in, out->list);
        if (r >= 0) {
            reject(w, pi, li, (qe_reason)r);
            continue;
        }
        int64_t d = discount_of(h, in, left);
        if (h->has_budget) {
            int64_t room = h->room - spent_in_quote(w, pi);
            if (room <= 0) {
                reject(w, pi, li, QR_BUDGET_SPENT);
                continue;
            }
            if (d > room)
                d = room;
        }
        if (d <= 0)
            continue;
        w->con[ncon++] = (contender){pi, d};
        if (d > best_d) {
            best = pi;
            best_d = d;
        }
    }
    close_lane(w, li, out, ncon, best, best_d, &left);
    out->final = left;
}

int quote_price(const qe_snapshot *s, const qe_org *org, const qe_cart *cart, arena *a,
                qe_quote *out, err_ctx *e)
{
    work w = {.a = a, .s = s, .org = org, .cart = cart};
    memset(out, 0, sizeof *out);
    out->nlines = cart->nlines;
    out->lines = arena_alloc(a, (size_t)(cart->nlines ? cart->nlines : 1) * sizeof *out->lines);
    w.st = arena_alloc(a, (size_t)(s->npolicies ? s->npolicies : 1)); /* zeroed */
    w.campaign = arena_alloc_raw(a, (size_t)(s->ncampaigns ? s->ncampaigns : 1));
    w.con = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *w.con);
    w.capspent = cart->nlines * 10; /* lanes 0..9 */
    w.spent = arena_alloc_raw(a, (size_t)(w.capspent + 1) * sizeof *w.spent);
    w.rej = arena_alloc_raw(a, (size_t)(s->npolicies + 1) * sizeof *w.rej);
    if (!out->lines || !w.st || !w.campaign || !w.con || !w.spent || !w.rej)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int ci = 0; ci < s->ncampaigns; ci++) /* fewer than the policies they hold */
        w.campaign[ci] = (signed char)campaign_blocker(&s->campaigns[ci], org, cart->at);
    for (int i = 0; i < cart->nlines; i++)
        quote_list_price(s, &cart->lines[i], i, &out->lines[i].list, e);
    if (e->code)
        return e->code;
    for (int i = 0; i < cart->nlines; i++)
        w.cart_list += out->lines[i].list;
    for (int i = 0; i < cart->nlines; i++) {
        price_line(&w, i, &cart->lines[i], &out->lines[i]);
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
        rc = build_by_id(s, a, e);
    if (!rc)
        rc = build_json(s, a, e);
    return rc;
}
