/*
 * quote.c: the pricing rules (see quote.h): list prices, the checks of a
 * candidate policy, lanes, and the answer. The index they read is built by
 * quote_index.c. Pure: no I/O, no globals that change, no allocation
 * outside the caller's arena.
 */
#include "campaign/quote.h"

#include "campaign/quote_bits.h"

#include <stdint.h>
#include <stdio.h>
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
    int *keep, *fresh;         /* the same: a line's live candidates; those first met */
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
    int n, nrej = w->nrej, nkeep = 0, nfresh = 0, *keep = w->keep, *fresh = w->fresh;
    const int *cand = candidates(s, in, &n);
    /* A policy dead for the cart was reported when first met, and one
     * reported that fails the line's region or billing mode cannot do
     * anything on it: drop both. */
    for (int k = 0; k < n; k++) {
        int pi = cand[k];
        uint32_t f = st[pi];
        uint32_t fixed = (uint32_t)((rf[pi >> 6] | mf[pi >> 6]) >> (pi & 63)) & 1;
        fresh[nfresh] = pi;
        nfresh += !(f & ST_KNOWN);
        keep[nkeep] = pi;
        nkeep += !(f & ST_CART) & !(((f & ST_REPORTED) != 0) & fixed);
    }
    for (int k = 0; k < nfresh; k++)
        st[fresh[k]] |= cart_bits(&vc, fresh[k]) | ST_KNOWN;
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
    w.fresh = arena_alloc_raw(a, (size_t)(s->max_line + 1) * sizeof *w.fresh);
    w.capspent = cart->nlines * 10; /* lanes 0..9 */
    w.spent = arena_alloc_raw(a, (size_t)(w.capspent + 1) * sizeof *w.spent);
    w.rej = arena_alloc_raw(a, (size_t)(s->npolicies + 1) * sizeof *w.rej);
    if (!out->lines || !w.st || !w.campaign_bits || !w.con || !w.live || !w.keep || !w.fresh ||
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
