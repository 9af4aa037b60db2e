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

/* The checks of a candidate, in the order the rules take them: a policy's
 * first failure is the lowest bit set. Bits below FB_LINE hold for the whole
 * cart (reported with line -1), the others for one line. */
enum {
    FB_NOT_LIVE, FB_INDUSTRY, FB_SIZE, FB_NOT_NEW, FB_PER_ORG_LIMIT, FB_TOTAL_LIMIT,
    FB_CART_BUDGET, FB_ORDER_TYPE, FB_MIN_ORDER,
    FB_LINE, /* = FB_REGION */
    FB_MODE = FB_LINE + 1, FB_MIN_QUANTITY, FB_MIN_LINE, FB_LINE_BUDGET, FB_NONE
};
static const signed char fb_reason[FB_NONE + 1] = {
    QR_CAMPAIGN_NOT_LIVE, QR_INDUSTRY, QR_SIZE, QR_NOT_NEW, QR_PER_ORG_LIMIT, QR_TOTAL_LIMIT,
    QR_BUDGET_SPENT, QR_ORDER_TYPE, QR_MIN_ORDER, QR_REGION, QR_MODE, QR_MIN_QUANTITY,
    QR_MIN_LINE, QR_BUDGET_SPENT, -1,
};

/* Per-policy state within one quote (work.st): the low 16 bits are the
 * policy's cart-level FB_ bits once taken (with FB_NONE set, so that 0
 * means "not taken yet"), the others flags. */
enum {
    ST_CART = (1u << FB_LINE) - 1, /* the cart-level failures */
    ST_KNOWN = 1u << FB_NONE,      /* the cart-level bits were taken */
    ST_REPORTED = 1u << 16,        /* in the rejected list */
    ST_SPENT = 1u << 17,           /* has an entry in work.spent */
};

/* Per-quote scratch: what was reported, budget use, and the org's and the
 * cart's facts that every candidate is checked against, as masks so that
 * the checks need no branches. */
typedef struct work {
    arena *a;
    const qe_snapshot *s;
    const qe_org *org;
    const qe_cart *cart;
    int64_t cart_list;
    uint32_t *st;              /* per policy: ST_* */
    uint32_t *campaign_bits;   /* per campaign: its blocker (campaign_blocker) as FB_ bits */
    int nspent, capspent;
    spent_entry *spent;        /* at most one policy per lane per line */
    contender *con;            /* s->max_line entries */
    int *live;                 /* s->max_line + 1 entries: a lane's candidates that passed */
    int *keep, *todo;          /* the same: a line's candidates not dead, not known yet */
    qe_rejection *rej;         /* room for every policy, plus one */
    int nrej;
    uint32_t industry, size, order_type; /* the org's and the cart's bits (bit_of) */
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

/* The single bit of index i, or 0 outside 0..31 (nothing matches it). */
static inline uint32_t bit_mask(int i) { return i >= 0 && i < 32 ? UINT32_C(1) << i : 0; }

/* What cart_bits reads, copied out of work so that it stays in registers
 * (stores into the per-policy state would otherwise make the compiler
 * reload every pointer for every candidate). */
typedef struct verdict_ctx {
    const qe_gate *gate;
    const uint32_t *campaign; /* per campaign: its FB_ bits */
    const int64_t *uses;
    int64_t cart_list;
    uint32_t industry, size, order_type, old_customer;
} verdict_ctx;

/* The FB_ bits of the cart-level checks of policy pi: policy_blocker, then
 * the order type and the order minimum. Arithmetic only, so that the
 * compiler makes no branches (every candidate of every line comes here). */
static inline uint32_t cart_bits(const verdict_ctx *v, int pi)
{
    const qe_gate *g = &v->gate[pi];
    int64_t used = v->uses ? v->uses[pi] : 0;
    uint32_t m = v->campaign[g->campaign] | g->fixed_bits;
    m |= (uint32_t)((g->industries != 0) & ((g->industries & v->industry) == 0)) << FB_INDUSTRY;
    m |= (uint32_t)((g->sizes != 0) & ((g->sizes & v->size) == 0)) << FB_SIZE;
    m |= (uint32_t)(g->new_only & v->old_customer) << FB_NOT_NEW;
    m |= (uint32_t)((g->per_org_limit != 0) & (v->uses != NULL) & (used >= g->per_org_limit))
         << FB_PER_ORG_LIMIT;
    m |= (uint32_t)((g->order_types != 0) & ((g->order_types & v->order_type) == 0))
         << FB_ORDER_TYPE;
    m |= (uint32_t)((g->min_order != 0) & (v->cart_list < g->min_order)) << FB_MIN_ORDER;
    return m;
}

/* Is region r in the policy's and its campaign's regions? */
static inline bool region_ok(const qe_snapshot *s, const qe_hot *h, int pi, int r)
{
    if (r >= 0 && r < 128)
        return h->regions[r >> 6] >> (r & 63) & 1;
    return h->wide && r >= 0 && r < QE_MAX_REGIONS &&
           (s->wide_regions[pi][r >> 6] >> (r & 63) & 1);
}

/* The discount a policy gives on what is left of a line: `quantity` and
 * `per` are the line's quantity and its periods (1 for a pack line).
 * Every effect but free units is computed and the right one selected, so
 * that the effect costs no branch (it varies from one candidate to the
 * next); free units divide by the quantity and are worth their branch. */
static inline int64_t discount_of(const qe_hot *h, int64_t quantity, int64_t per, int64_t left)
{
    int64_t d, v = h->value;
    int effect = h->effect;
    if (effect == QE_FREE_UNITS) {
        d = muldiv(left, v < quantity ? v : quantity, quantity);
    } else {
        int64_t off = muldiv(left, effect == QE_PERCENT_OFF ? v : 0, 10000);
        int64_t target = money_mul(v, quantity, effect == QE_FIXED_UNIT_PRICE ? per : 1);
        int64_t to_target = target < 0 ? 0 : left - target; /* fixed unit price, pack price */
        d = effect == QE_PERCENT_OFF ? off : effect == QE_AMOUNT_OFF ? v : to_target;
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

/* Applies the pack's own price, then the lanes, to one line.
 *
 * The rules read as one walk over the line's candidates in (lane, id)
 * order that reports each failure of a policy not reported yet and closes
 * each lane with its best discount. That walk is done in passes, because
 * a branch per check and per candidate was mispredicted about half the
 * time: the first pass drops the policies that can do nothing here (dead
 * for the cart, which was reported when first met; reported already and
 * failing the line's region or billing mode) and gathers those met for the
 * first time, whose cart-level checks are then taken once for the quote;
 * then, lane by lane, every kept candidate is checked without branches
 * (the lowest FB_ bit is its first failure), reported if need be, and the
 * ones that pass are priced. The order of the reports is the walk's: a
 * policy is checked once per line, and what pricing a lane changes (budget
 * use, outdone reports) concerns only that lane's policies. */
static void price_line(work *w, int li, const qe_line_in *in, qe_line_out *out)
{
    const qe_snapshot *s = w->s;
    const qe_hot *hot = s->hot;
    uint32_t *st = w->st;
    qe_rejection *rej = w->rej;
    int *live = w->live;
    int64_t left = out->list, list = out->list, quantity = in->quantity;
    if (in->pack >= 0) {
        const qe_pack *pk = &s->packs[in->pack];
        int64_t d = pk->price >= 0 ? left - money_mul(pk->price, in->quantity, 1)
                                   : muldiv(left, pk->discount_bp, 10000);
        out->pack_discount = d < 0 ? 0 : d > left ? left : d;
        left -= out->pack_discount;
    }
    int64_t per = in->product >= 0 ? periods(in->mode, in->months, in->hours) : 1;
    int words = s->fail_words, region = in->region;
    int mrow = in->pack >= 0 ? QE_MODE_ROW_PACK
               : in->mode >= 0 && in->mode < 32 ? in->mode
                                                 : QE_MODE_ROW_OTHER;
    const uint64_t *rf = s->region_fail + (size_t)(region >= 0 && region < QE_MAX_REGIONS
                                                       ? region
                                                       : QE_MAX_REGIONS) * (size_t)words;
    const uint64_t *mf = s->mode_fail + (size_t)mrow * (size_t)words;
    const qe_mins *mins = s->mins;
    const verdict_ctx vc = {s->gate,     w->campaign_bits, w->org->uses,  w->cart_list,
                            w->industry, w->size,          w->order_type, !w->org->new_customer};
    int n, nrej = w->nrej, nkeep = 0, ntodo = 0, *keep = w->keep, *todo = w->todo;
    const int *cand = candidates(s, in, &n);
    /* A policy dead for the cart was reported when first met, and one
     * reported that fails the line's region or billing mode cannot do
     * anything on it: drop both. */
    for (int k = 0; k < n; k++) {
        int pi = cand[k];
        uint32_t f = st[pi];
        uint32_t fixed = (uint32_t)((rf[pi >> 6] | mf[pi >> 6]) >> (pi & 63)) & 1;
        todo[ntodo] = pi;
        ntodo += !(f & ST_KNOWN);
        keep[nkeep] = pi;
        nkeep += !(f & ST_CART) & !(((f & ST_REPORTED) != 0) & fixed);
    }
    for (int k = 0; k < ntodo; k++)
        st[todo[k]] |= cart_bits(&vc, todo[k]) | ST_KNOWN;
    int k = 0;
    while (k < nkeep) {
        int lane_end = hot[keep[k]].lane_end, nlive = 0;
        for (; k < nkeep && keep[k] < lane_end; k++) {
            int pi = keep[k];
            uint32_t f = st[pi], m = f & (ST_CART | ST_KNOWN);
            m |= (uint32_t)(rf[pi >> 6] >> (pi & 63) & 1) << FB_LINE;
            m |= (uint32_t)(mf[pi >> 6] >> (pi & 63) & 1) << FB_MODE;
            m |= (uint32_t)(quantity < mins[pi].quantity) << FB_MIN_QUANTITY;
            m |= (uint32_t)(list < mins[pi].line) << FB_MIN_LINE;
            if ((f & ST_SPENT) && hot[pi].has_budget) /* rare: spent on an earlier line */
                m |= (uint32_t)(hot[pi].room - spent_in_quote(w, pi) <= 0) << FB_LINE_BUDGET;
            int first = __builtin_ctz(m);
            uint32_t fail = first < FB_NONE, report = fail & !(f & ST_REPORTED);
            rej[nrej] = (qe_rejection){pi, first < FB_LINE ? -1 : li, (qe_reason)fb_reason[first]};
            nrej += (int)report;
            st[pi] = f | (report ? ST_REPORTED : 0);
            live[nlive] = pi;
            nlive += (int)!fail;
        }
        w->nrej = nrej;
        int best = -1, ncon = 0;
        int64_t best_d = 0;
        for (int j = 0; j < nlive; j++) {
            int pi = live[j];
            const qe_hot *h = &hot[pi];
            int64_t d = discount_of(h, quantity, per, left);
            if (h->has_budget) {
                int64_t room = h->room - spent_in_quote(w, pi); /* > 0: checked above */
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
        nrej = w->nrej;
    }
    out->final = left;
}

int quote_price(const qe_snapshot *s, const qe_org *org, const qe_cart *cart, arena *a,
                qe_quote *out, err_ctx *e)
{
    work w = {.a = a, .s = s, .org = org, .cart = cart};
    memset(out, 0, sizeof *out);
    out->nlines = cart->nlines;
    out->lines = arena_alloc(a, (size_t)(cart->nlines ? cart->nlines : 1) * sizeof *out->lines);
    w.st = arena_alloc(a, (size_t)(s->npolicies ? s->npolicies : 1) * sizeof *w.st); /* zeroed */
    w.campaign_bits =
        arena_alloc_raw(a, (size_t)(s->ncampaigns ? s->ncampaigns : 1) * sizeof *w.campaign_bits);
    w.con = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *w.con);
    w.live = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *w.live);
    w.keep = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *w.keep);
    w.todo = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *w.todo);
    w.capspent = cart->nlines * 10; /* lanes 0..9 */
    w.spent = arena_alloc_raw(a, (size_t)(w.capspent + 1) * sizeof *w.spent);
    w.rej = arena_alloc_raw(a, (size_t)(s->npolicies + 1) * sizeof *w.rej);
    if (!out->lines || !w.st || !w.campaign_bits || !w.con || !w.live || !w.keep || !w.todo ||
        !w.spent || !w.rej)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int ci = 0; ci < s->ncampaigns; ci++) { /* fewer than the policies they hold */
        int r = campaign_blocker(&s->campaigns[ci], org, cart->at);
        w.campaign_bits[ci] = r == QR_CAMPAIGN_NOT_LIVE ? 1u << FB_NOT_LIVE
                              : r == QR_INDUSTRY        ? 1u << FB_INDUSTRY
                              : r == QR_SIZE            ? 1u << FB_SIZE
                              : r == QR_NOT_NEW         ? 1u << FB_NOT_NEW
                                                        : 0;
    }
    w.industry = bit_mask(org->industry);
    w.size = bit_mask(org->size);
    w.order_type = bit_mask(cart->order_type);
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
