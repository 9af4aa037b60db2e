/*
 * quote.c: the pricing rules (see quote.h): list prices, the checks of a
 * candidate policy, lanes, and the answer. The index they read is built by
 * quote_index.c. Pure: no I/O, no globals that change, no allocation
 * outside the caller's arena, nothing kept from one quote to the next.
 *
 * A quote works on bit sets over the index's slots. cart_sets makes the
 * cart-level verdict on every policy at once (dead for the cart, and the
 * reason of each dead policy's first failure). Then, line by line,
 * check_line checks the line's candidates against it and against the
 * line's region, billing mode and minimums, 128 policies per step;
 * price_lane prices each lane's policies that passed; report_failures and
 * the outdone reports write the rejected list in the order of the rules.
 * Single policies are looked at only to be reported or priced, and then
 * with no branch that depends on the policy: such branches went wrong
 * about half the time and cost more than the work.
 */
#include "campaign/quote.h"

#include "campaign/quote_bits.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

const char *const qe_modes[] = {"on_demand", "monthly", "yearly", NULL};
const char *const qe_order_types[] = {"new", "renewal", NULL};
#define QE_EFFECT_CODE(name, code) [name] = code,
const char *const qe_effects[] = {QE_EFFECTS(QE_EFFECT_CODE)[QE_NEFFECTS] = NULL};
#undef QE_EFFECT_CODE
const char *const qe_categories[] = {"compute", "container", "storage", "network", "cdn",
                                     "database", "ai", "media", "analytics", "middleware",
                                     "devops", "security", "other", NULL};

#define QE_REASON_CODE(name, code, message) [name] = code,
#define QE_REASON_MESSAGE(name, code, message) [name] = message,
const char *const qe_reason_codes[] = {QE_REASONS(QE_REASON_CODE)};
const char *const qe_reason_messages[] = {QE_REASONS(QE_REASON_MESSAGE)};
#undef QE_REASON_CODE
#undef QE_REASON_MESSAGE

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

/* The set bits of one word: a walk goes over the bits of a run of these
 * as one sequence, so that its loop has one exit (a loop per word left
 * its exit to the branch predictor once per word, and words hold few bits
 * each). */
typedef struct word_bits {
    uint64_t m;
    uint64_t fresh; /* to price: those of m not reported before */
    int wi;         /* the word */
    int lane;       /* its lane */
} word_bits;

/* How one lane of the line being priced ended. */
typedef struct lane_end {
    int live_end;       /* where its words end in work.lives */
    int best;           /* the slot that applies, or -1 */
    int outdone_before; /* outdone reports of the lanes before it on this line */
    int checks_through; /* check reports of it and the lanes before it */
} lane_end;

/* The sets of a quote and of its line being priced, over slots as the
 * snapshot's (s->words words each), kept as arrays of words so that a pass
 * over the words takes several at a time. */
enum {
    /* the quote's: the cart-level verdict (dead, and the qe_reason of each
     * dead policy's first failure, bit j in why[j]), the policies in the
     * rejected list (never reported again), those with a budget that gave
     * a discount */
    QS_DEAD, QS_WHY0, QS_WHY1, QS_WHY2, QS_WHY3, QS_REPORTED, QS_SPENT,
    /* the line's: failures to report and their qe_reason (bit j in
     * LS_WHY0 + j), policies that passed every check (to price) */
    LS_REP, LS_WHY0, LS_WHY1, LS_WHY2, LS_WHY3, LS_LIVE,
    NSETS
};

/* Per-quote scratch, all from the caller's arena. */
typedef struct work {
    const qe_snapshot *s;
    uint64_t *set[NSETS];   /* s->words each (see QS_DEAD) */
    word_bits *reps, *lives; /* s->words + 1 each: a line's words with failures to report,
                               with policies to price, lane after lane */
    int nrep;
    lane_end *lane;         /* per lane */
    int *con;               /* s->max_line + 1: a line's policies that gave something
                               and were not reported before, lane after lane */
    int64_t *room;          /* like qe_snapshot.room: what is left of budgets in this quote */
    qe_rejection *rej;      /* room for every policy, plus one */
    int nrej;
    struct effect_ctx *effect; /* 8: by effect, for discount_fast */
    uint64_t *below;           /* 2 x s->words: rows for line minimums with no table */
    uint64_t free_known;       /* quantities q < 64 whose free_by[q] is set */
    struct divider *free_by;   /* 64 */
} work;

/* Two words of a set, for passes over every word of a set: the compiler
 * makes one instruction of an operation on both. */
typedef uint64_t vwords __attribute__((vector_size(16)));

static inline vwords vload(const uint64_t *p)
{
    vwords v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void vstore(uint64_t *p, vwords v) { memcpy(p, &v, sizeof v); }

/* The cart-level checks in the order the rules take them: a dead policy is
 * reported with the reason of the first it fails. They report, in order:
 * QR_CAMPAIGN_NOT_LIVE, QR_INDUSTRY, QR_SIZE, QR_NOT_NEW (the campaign's
 * conditions or the policy's own), QR_PER_ORG_LIMIT, QR_TOTAL_LIMIT,
 * QR_BUDGET_SPENT, QR_ORDER_TYPE, QR_MIN_ORDER. */
enum {
    CK_NOT_LIVE, CK_INDUSTRY, CK_SIZE, CK_NOT_NEW, CK_PER_ORG_LIMIT, CK_TOTAL_LIMIT,
    CK_BUDGET_SPENT, CK_ORDER_TYPE, CK_MIN_ORDER, CK__COUNT
};
_Static_assert(QR__COUNT <= 16, "a reason is four bits: four bit planes");

/* The sets cart_sets gathers campaign by campaign or policy by policy
 * before it combines them: CK_NOT_LIVE .. CK_PER_ORG_LIMIT, then: */
enum { G_MIN_ORDER = CK_PER_ORG_LIMIT + 1, G__COUNT };

/* One word of the cart-level verdict from the word of each check's set
 * (f[k]: the policies that fail check k): dead if any, and the reason of
 * the first one failed as four bit planes (written out: the compiler
 * does not unroll a loop over the checks, and every quote comes here). */
_Static_assert(QR_CAMPAIGN_NOT_LIVE == 0 && QR_INDUSTRY == 2 && QR_SIZE == 3 && QR_NOT_NEW == 4 &&
                   QR_ORDER_TYPE == 6 && QR_MIN_ORDER == 9 && QR_PER_ORG_LIMIT == 10 &&
                   QR_TOTAL_LIMIT == 11 && QR_BUDGET_SPENT == 12,
               "cart_word_of's bit planes");
static inline void cart_word_of(const vwords f[CK__COUNT], uint64_t *const set[NSETS], size_t i)
{
    vwords first[CK__COUNT], seen = f[0] & 0, zero = seen;
    for (int k = 0; k < CK__COUNT; k++) {
        first[k] = f[k] & ~seen;
        seen |= f[k];
    }
    vstore(set[QS_DEAD] + i, seen);
    vstore(set[QS_WHY0] + i, first[CK_SIZE] | first[CK_TOTAL_LIMIT] | first[CK_MIN_ORDER]);
    vstore(set[QS_WHY1] + i, first[CK_INDUSTRY] | first[CK_SIZE] | first[CK_PER_ORG_LIMIT] |
                                 first[CK_TOTAL_LIMIT] | first[CK_ORDER_TYPE]);
    vstore(set[QS_WHY2] + i, first[CK_NOT_NEW] | first[CK_BUDGET_SPENT] | first[CK_ORDER_TYPE]);
    vstore(set[QS_WHY3] + i, first[CK_PER_ORG_LIMIT] | first[CK_TOTAL_LIMIT] |
                                 first[CK_BUDGET_SPENT] | first[CK_MIN_ORDER]);
    vstore(set[QS_REPORTED] + i, zero);
    vstore(set[QS_SPENT] + i, zero);
}

/* Fills the quote's sets with the cart-level verdict on every policy,
 * 64 policies at a time: from the sets of the campaigns that block the
 * org, the index's rows for the org's industry, size and customer status
 * and the cart's order type, the fixed sets, and the per-org limits and
 * order minimums that this org and this cart reach. */
static int cart_sets(work *w, const qe_org *org, const qe_cart *cart, int64_t cart_list, arena *a)
{
    const qe_snapshot *s = w->s;
    size_t words = (size_t)s->words;
    uint64_t *g = arena_alloc(a, G__COUNT * words * sizeof *g); /* zeroed */
    if (!g)
        return -1;
    for (int ci = 0; ci < s->ncampaigns; ci++) { /* fewer than the policies they hold */
        int r = campaign_blocker(&s->campaigns[ci], org, cart->at);
        if (r < 0)
            continue;
        int k = r == QR_CAMPAIGN_NOT_LIVE ? CK_NOT_LIVE
                : r == QR_INDUSTRY        ? CK_INDUSTRY
                : r == QR_SIZE            ? CK_SIZE
                                          : CK_NOT_NEW;
        const uint64_t *from = set_row(s, s->campaign_set, ci);
        uint64_t *to = g + (size_t)k * words;
        for (size_t i = 0; i < words; i += 2)
            vstore(to + i, vload(to + i) | vload(from + i));
    }
    if (org->uses) { /* in slot order: a word's bits gather in a register */
        uint64_t *to = g + CK_PER_ORG_LIMIT * words, bits = 0;
        const int64_t *uses = org->uses;
        for (int k = 0; k < s->nper_org; k++) {
            const qe_org_limit *l = &s->per_org[k];
            bits &= (uint64_t)l->fresh - 1;
            bits |= (uint64_t)(uses[l->policy] >= l->limit) << l->bit;
            to[l->word] = bits;
        }
    }
    for (int k = 0; k < s->nmin_order && s->min_order[k].amount > cart_list; k++) {
        int slot = s->min_order[k].slot;
        g[G_MIN_ORDER * words + (size_t)(slot >> 6)] |= UINT64_C(1) << (slot & 63);
    }
    const uint64_t *industry = set_row(s, s->industry_fail, mask_row(org->industry));
    const uint64_t *size = set_row(s, s->size_fail, mask_row(org->size));
    const uint64_t *order_type = set_row(s, s->order_type_fail, mask_row(cart->order_type));
    uint64_t old_customer = org->new_customer ? 0 : ~UINT64_C(0);
    for (size_t i = 0; i < words; i += 2) { /* words is even */
        vwords f[CK__COUNT] = {
            [CK_NOT_LIVE] = vload(g + CK_NOT_LIVE * words + i),
            [CK_INDUSTRY] = vload(g + CK_INDUSTRY * words + i) | vload(industry + i),
            [CK_SIZE] = vload(g + CK_SIZE * words + i) | vload(size + i),
            [CK_NOT_NEW] = vload(g + CK_NOT_NEW * words + i) | (vload(s->new_only + i) & old_customer),
            [CK_PER_ORG_LIMIT] = vload(g + CK_PER_ORG_LIMIT * words + i),
            [CK_TOTAL_LIMIT] = vload(s->total_limit_reached + i),
            [CK_BUDGET_SPENT] = vload(s->budget_spent + i),
            [CK_ORDER_TYPE] = vload(order_type + i),
            [CK_MIN_ORDER] = vload(g + G_MIN_ORDER * words + i),
        };
        cart_word_of(f, w->set, i);
    }
    return 0;
}

/* The discount a policy of effect `effect` and value v gives on what is
 * left of a line: `quantity` and `per` are the line's quantity and its
 * periods (1 for a pack line). The rules' arithmetic; discount_fast is the
 * same for the usual magnitudes. */
static int64_t discount_of(int effect, int64_t v, int64_t quantity, int64_t per, int64_t left)
{
    int64_t d;
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

/* n / d for every n below 2^62, by a multiplication: n / d = n * m >>
 * (64 + shift) when m = 2^(64 + shift) / d + 1 and 64 + shift = 62 + l,
 * d <= 2^l < 4d (Granlund and Montgomery, "Division by invariant integers
 * using multiplication", 1994, theorem 4.2); m then fits 64 bits. */
typedef struct divider {
    uint64_t m;
    unsigned shift;
} divider;

static divider divider_of(uint64_t d) /* d >= 2 */
{
    unsigned l = d == 2 ? 2 : 64 - (unsigned)__builtin_clzll(d - 1); /* ceil(log2 d), >= 2 */
    unsigned __int128 two = (unsigned __int128)1 << (62 + l);
    return (divider){(uint64_t)(two / d) + 1, l - 2};
}

/* What discount_fast reads for one effect on one line: the arithmetic of
 * every effect is one formula, d = A + B, and this picks its parts. */
typedef struct effect_ctx {
    /* A = muldiv(left, min(v, cap), c) = (left x min(v, cap) x 2 + c) / 2c
     * (percent off: c = 10000; free units: cap = c = the quantity), by a
     * divider; cap = c = by.m = 0 for the other effects (A = 0) */
    int64_t cap;
    uint64_t c;
    divider by;
    /* B = (left & with_left) + v x k (fixed unit price: k = -(quantity x
     * periods), pack price: k = -quantity, both left - money_mul(v, ...);
     * amount off: k = 1), usual when v <= vmax */
    uint64_t with_left, k, vmax; /* vmax 0 and v > 0: always discount_of */
} effect_ctx;

#define ALL ~UINT64_C(0)
/* 20000 = 2 x 10000 as divider_of makes it: l = 15. */
#define BY_20000 {(uint64_t)(((unsigned __int128)1 << 77) / 20000 + 1), 13}

/* The effect_ctx of each effect that does not depend on the line: 5..7
 * (no effect) always the odd way. effect_ctxs sets the others. */
static const effect_ctx effect_base[8] = {
    [QE_PERCENT_OFF] = {.cap = INT64_MAX, .c = 10000, .by = BY_20000, .vmax = ALL},
    [QE_AMOUNT_OFF] = {.k = 1, .vmax = ALL},
    /* 5, 6, QE_PRICE_ODD: vmax 0, and v > 0 (see quote_index_build) */
};

/* Sets the effect_ctx of the effects that depend on the line (free
 * units, fixed unit price, pack price) for a line of `quantity` and `per`
 * periods (see discount_fast). */
static void effect_ctxs(work *w, int64_t quantity, int64_t per)
{
    effect_ctx *ctx = w->effect;
    if (quantity >= 1 && quantity < (INT64_C(1) << 40)) {
        divider by;
        if (quantity < 64) { /* the usual quantities: once per quote each */
            if (!(w->free_known >> quantity & 1))
                w->free_by[quantity] = divider_of(2 * (uint64_t)quantity);
            w->free_known |= UINT64_C(1) << quantity;
            by = w->free_by[quantity];
        } else {
            by = divider_of(2 * (uint64_t)quantity);
        }
        ctx[QE_FREE_UNITS] = (effect_ctx){.cap = quantity, .c = (uint64_t)quantity, .by = by,
                                          .vmax = ALL};
    }
    else /* the odd way: v > vmax */
        ctx[QE_FREE_UNITS] = (effect_ctx){0};
    for (int i = 0; i < 2; i++) {
        __int128 t = (__int128)quantity * (i == 0 ? per : 1);
        effect_ctx *x = &ctx[i == 0 ? QE_FIXED_UNIT_PRICE : QE_PACK_PRICE];
        *x = (effect_ctx){.with_left = ALL}; /* vmax 0: only v = 0 is known to give 0 */
        if (t == 0) {
            x->vmax = ALL; /* v x 0 */
        } else if (t > 0 && t <= INT64_MAX) {
            x->k = 0 - (uint64_t)t;
            x->vmax = (uint64_t)(QE_MONEY_MAX / (int64_t)t);
        }
    }
}

/* discount_of with no branch, for the usual magnitudes, from the policy's
 * qe_snapshot.price and the line's effect_ctx of its effect: a branch on the
 * effect, which changes from one policy to the next, went wrong often.
 * Needs left < 2^40 (and quote_index_build makes v < 2^20 for percent off
 * and free units), so that muldiv's usual case holds. Sets *odd to all
 * ones, and the result is not to be used, when discount_of is needed. */
static inline int64_t discount_fast(uint64_t price, const effect_ctx *ctx, int64_t left,
                                    uint64_t *odd)
{
    const effect_ctx *x = &ctx[price & 7];
    int64_t v = (int64_t)(price >> 3);
    uint64_t b = (uint64_t)(v < x->cap ? v : x->cap);
    uint64_t n = (uint64_t)left * b * 2 + x->c; /* below 2^62 */
    uint64_t a = (uint64_t)((unsigned __int128)n * x->by.m >> 64) >> x->by.shift;
    uint64_t bb = ((uint64_t)left & x->with_left) + (uint64_t)v * x->k;
    *odd = 0 - (uint64_t)((uint64_t)v > x->vmax);
    int64_t d = (int64_t)(a + bb);
    d = d < 0 ? 0 : d;
    return d > left ? left : d;
}

/* One line being priced: what its checks and its lanes read. */
typedef struct line_ctx {
    int li;
    int64_t quantity, per, list;
    const uint64_t *cand;    /* the line's candidates */
    const uint64_t *rf, *mf; /* the region_fail and mode_fail rows of its region and mode */
    const uint64_t *fq, *fl; /* the policies below their minimum quantity, line amount
                                (rows of qe_thresholds.above, or work.below) */
    const effect_ctx *effect; /* by effect, for discount_fast */
} line_ctx;

/* The row of t.above for amount x (see qe_thresholds; t->n >= 0). The
 * search takes as many steps for every x. */
static const uint64_t *above(const qe_snapshot *s, const qe_thresholds *t, int64_t x)
{
    int r = 0;
    for (int step = t->step / 2; step; step /= 2) /* r stays below t->step */
        r += t->value[r + step - 1] <= x ? step : 0;
    return set_row(s, t->above, r < t->n ? r : t->n);
}

/* The policies whose minimum (quantity or line amount, by `quantity`)
 * fails x, into row, for a line minimum with no threshold table: one by
 * one, the policies that have one. */
static const uint64_t *below_min(const qe_snapshot *s, const uint64_t *has, int64_t x,
                                 bool quantity, uint64_t *row)
{
    for (int wi = 0; wi < s->words; wi++) {
        row[wi] = 0;
        for (uint64_t m = has[wi]; m; m &= m - 1) {
            const qe_mins *mins = &s->mins[wi * 64 + __builtin_ctzll(m)];
            row[wi] |= (uint64_t)(x < (quantity ? mins->quantity : mins->line))
                       << __builtin_ctzll(m);
        }
    }
    return row;
}

/* The line-level reasons, as check_line lays them into bit planes. */
_Static_assert(QR_REGION == 1 && QR_MODE == 5 && QR_MIN_QUANTITY == 7 && QR_MIN_LINE == 8 &&
                   QR_BUDGET_SPENT == 12,
               "check_line's bit planes");

/* Checks every candidate of a line, two words of 64 at a time: against
 * the cart's verdict, the line's region and billing mode and the line
 * minimums (by threshold), then, for the few with budget spent on an
 * earlier line, their budget. A failure not reported before is to be
 * reported, with its first reason: dead for the cart (line -1), then
 * region, billing mode, minimum quantity, minimum line, budget. It is
 * marked reported at once: nothing a lane decides depends on that (a
 * policy is in one lane and is checked once per line). Lists the words
 * with failures to report and those with policies to price (lane after
 * lane: words are in lane order). */
static void check_line(work *w, const line_ctx *L)
{
    const qe_snapshot *s = w->s;
    uint64_t *const *set = w->set;
    vwords any_spent = {0, 0};
    for (int i = 0; i < s->words; i += 2) { /* words is even */
        vwords c = vload(L->cand + i), dead = vload(set[QS_DEAD] + i);
        vwords rf = vload(L->rf + i), gone = rf | vload(L->mf + i);
        vwords reported = vload(set[QS_REPORTED] + i), alive = c & ~dead;
        vwords lfail = alive & gone, ok = alive & ~gone;
        vwords fq = ok & vload(L->fq + i), fl = ok & vload(L->fl + i), fail = fq | fl;
        vwords rep = ((c & dead) | lfail | fail) & ~reported;
        any_spent |= ok & vload(set[QS_SPENT] + i);
        vstore(set[LS_REP] + i, rep);
        vstore(set[QS_REPORTED] + i, reported | rep);
        vstore(set[LS_LIVE] + i, ok & ~fail);
        vstore(set[LS_WHY0] + i, vload(set[QS_WHY0] + i) | lfail | fq); /* region 1, mode 5, quantity 7 */
        vstore(set[LS_WHY1] + i, vload(set[QS_WHY1] + i) | fq);         /* quantity 7 */
        vstore(set[LS_WHY2] + i, vload(set[QS_WHY2] + i) | (lfail & ~rf) | fq); /* mode 5 */
        vstore(set[LS_WHY3] + i, vload(set[QS_WHY3] + i) | (fl & ~fq)); /* line 8 */
    }
    if (any_spent[0] | any_spent[1]) /* rare: budget used up on an earlier line */
        for (int wi = 0; wi < s->words; wi++)
            for (uint64_t m = set[LS_LIVE][wi] & set[QS_SPENT][wi]; m; m &= m - 1) {
                int b = __builtin_ctzll(m);
                uint64_t bit = UINT64_C(1) << b;
                if (w->room[s->budget[wi * 64 + b]] > 0)
                    continue;
                set[LS_LIVE][wi] &= ~bit;
                set[LS_WHY2][wi] |= bit; /* budget 12 */
                set[LS_WHY3][wi] |= bit;
                set[LS_REP][wi] |= bit & ~set[QS_REPORTED][wi];
                set[QS_REPORTED][wi] |= bit;
            }
    int nrep = 0, nlive = 0;
    for (int j = 0; j < s->nlanes; j++) {
        for (int wi = s->lane_word[j]; wi < s->lane_word[j + 1]; wi++) {
            /* a policy that passed was not reported on this line: fresh
             * if not reported before */
            uint64_t rep = set[LS_REP][wi], live = set[LS_LIVE][wi];
            w->reps[nrep] = (word_bits){rep, 0, wi, j};
            nrep += rep != 0;
            w->lives[nlive] = (word_bits){live, live & ~set[QS_REPORTED][wi], wi, j};
            nlive += live != 0;
        }
        w->lane[j].live_end = nlive;
    }
    w->reps[nrep] = w->lives[nlive] = (word_bits){0, 0, 0, 0};
    w->nrep = nrep;
}

/* x, hidden from the optimizer: a select made of masks stays one, where
 * the compiler would otherwise turn it back into a branch (which goes
 * wrong as often as the loop exits it was meant to save). */
static inline uint64_t opaque(uint64_t x)
{
#if defined(__GNUC__)
    __asm__("" : "+r"(x));
#endif
    return x;
}

/* Starts a walk over the bits of words p .. e - 1 (see word_bits), *e
 * readable; false when there is none. */
#define WALK_START(p, e, m, nm) ((p) < (e) && ((m) = (p)->m, (nm) = (p)[1].m, 1))

/* Steps the walk to the next bit; false at its end. The next word comes in
 * with masks, not a branch, from a load made a step ahead. */
#define WALK_NEXT(p, e, m, nm)                                                                \
    ((m) &= (m)-1, (p) += (m) == 0,                                                           \
     (p) != (e) && ((m) |= (nm) & opaque(0 - (uint64_t)((m) == 0)), (nm) = (p)[1].m, 1))

/* Prices lane j of a line the rare way (unusual magnitudes or effects):
 * every policy one by one with discount_of, within what is left of its
 * budget; otherwise as price_lane. */
static int price_lane_exact(work *w, const line_ctx *L, int j, int ncon, int64_t left,
                            int *best, int64_t *best_d)
{
    const qe_snapshot *s = w->s;
    const word_bits *p = w->lives + (j ? w->lane[j - 1].live_end : 0);
    const word_bits *e = w->lives + w->lane[j].live_end;
    *best = -1;
    *best_d = 0;
    for (; p < e; p++)
        for (uint64_t m = p->m; m; m &= m - 1) {
            int b = __builtin_ctzll(m), slot = p->wi * 64 + b;
            const qe_policy *pol = &s->policies[s->word_policy[p->wi] + b];
            int64_t d = discount_of(pol->effect, pol->value, L->quantity, L->per, left);
            int64_t room = w->room[s->budget[slot]]; /* > 0: checked */
            d = d > room ? room : d;
            if (d > 0 && (p->fresh >> b & 1))
                w->con[ncon++] = slot;
            if (d > *best_d) {
                *best = slot;
                *best_d = d;
            }
        }
    return ncon;
}

/* Prices lane j of a line, checked already, against what is left of it:
 * lists in w->con from ncon on the policies that gave something and were
 * not reported before, in slot order; returns how many there are then,
 * and the best (the first of the largest discounts) in *best, *best_d.
 * The usual way is discount_fast for every policy in one walk with no
 * branch that depends on the policy (such branches went wrong about half
 * the time); the lane is priced again with price_lane_exact when one
 * needs the rare way. */
static int price_lane(work *w, const line_ctx *L, int j, int ncon, int64_t left, int *best,
                      int64_t *best_d)
{
    const uint64_t *price = w->s->price;
    const int32_t *budget = w->s->budget;
    const word_bits *p = w->lives + (j ? w->lane[j - 1].live_end : 0);
    const word_bits *e = w->lives + w->lane[j].live_end;
    int n = ncon, top = -1;
    int64_t top_d = 0;
    uint64_t odd = left >= (INT64_C(1) << 40), m, nm; /* that is muldiv's unusual case */
    if (!odd && WALK_START(p, e, m, nm))
        do {
            int b = __builtin_ctzll(m), slot = p->wi * 64 + b;
            uint64_t o;
            int64_t d = discount_fast(price[slot], L->effect, left, &o);
            int64_t room = w->room[budget[slot]];
            odd |= o;
            d = d > room ? room : d;
            w->con[n] = slot;
            n += (int)((uint64_t)(d > 0) & p->fresh >> b & 1);
            bool better = d > top_d;
            top = better ? slot : top;
            top_d = better ? d : top_d;
        } while (WALK_NEXT(p, e, m, nm));
    if (odd) /* rare */
        return price_lane_exact(w, L, j, ncon, left, best, best_d);
    *best = top;
    *best_d = top_d;
    return n;
}

/* Appends the line's failures to the rejected list, each at its place:
 * lane after lane, a lane's failures in slot order, then its outdone
 * reports (outdone_before makes room for them). */
static void report_failures(work *w, int li)
{
    const word_bits *p = w->reps, *e = w->reps + w->nrep;
    const uint64_t *why0 = w->set[LS_WHY0], *why1 = w->set[LS_WHY1], *why2 = w->set[LS_WHY2];
    const uint64_t *why3 = w->set[LS_WHY3], *dead = w->set[QS_DEAD];
    const int *word_policy = w->s->word_policy;
    lane_end *lane = w->lane;
    qe_rejection *rej = w->rej + w->nrej;
    uint64_t m, nm;
    int k = 0;
    for (int j = 0; j < w->s->nlanes; j++)
        lane[j].checks_through = 0;
    if (WALK_START(p, e, m, nm))
        do {
            int b = __builtin_ctzll(m), wi = p->wi;
            lane_end *ln = &lane[p->lane];
            unsigned why = (unsigned)((why0[wi] >> b & 1) | (why1[wi] >> b & 1) << 1 |
                                      (why2[wi] >> b & 1) << 2 | (why3[wi] >> b & 1) << 3);
            rej[k + ln->outdone_before] = (qe_rejection){
                word_policy[wi] + b, li | -(int)(dead[wi] >> b & 1), (qe_reason)why};
            ln->checks_through = ++k;
        } while (WALK_NEXT(p, e, m, nm));
    for (int j = 1; j < w->s->nlanes; j++) /* a lane with no failures: the count before */
        if (lane[j].checks_through < lane[j - 1].checks_through)
            lane[j].checks_through = lane[j - 1].checks_through;
}

/* Applies the pack's own price, then the lanes in order, to one line.
 *
 * The rules read as one walk over the line's candidates in (lane, id)
 * order that reports each failure of a policy not reported yet (its first
 * reason; line -1 for a cart-level one) and closes each lane with its best
 * discount, the others that gave something reported as outdone. It is
 * done in steps: check_line checks every candidate (no check depends on
 * what a lane decides), price_lane prices each lane in turn on what the
 * lanes before left, then the reports are written, each at its place in
 * the walk's order. Slot order is (lane, id) order. */
static void price_line(work *w, int li, const qe_line_in *in, qe_line_out *out)
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
    int region = in->region >= 0 && in->region < QE_MAX_REGIONS ? in->region : QE_MAX_REGIONS;
    int mrow = in->pack >= 0                       ? QE_MODE_ROW_PACK
               : in->mode >= 0 && in->mode < 32 ? in->mode
                                                 : QE_MODE_ROW_OTHER;
    int64_t per = in->product >= 0 ? periods(in->mode, in->months, in->hours) : 1;
    effect_ctxs(w, in->quantity, per);
    line_ctx L = {
        .li = li,
        .quantity = in->quantity,
        .per = per,
        .list = out->list,
        .cand = in->product >= 0 ? set_row(s, s->cand_product, in->product)
                                 : set_row(s, s->cand_pack, in->pack),
        .rf = set_row(s, s->region_fail, region),
        .mf = set_row(s, s->mode_fail, mrow),
        .fq = s->min_quantity.n >= 0 ? above(s, &s->min_quantity, in->quantity)
                                     : below_min(s, s->has_min_quantity, in->quantity, true, w->below),
        .fl = s->min_line.n >= 0 ? above(s, &s->min_line, out->list)
                                 : below_min(s, s->has_min_line, out->list, false,
                                             w->below + s->words),
        .effect = w->effect,
    };
    check_line(w, &L);
    uint64_t *reported = w->set[QS_REPORTED];
    int ncon = 0, outdone = 0, napplied = 0;
    for (int j = 0; j < s->nlanes; j++) {
        int best, first = ncon;
        int64_t best_d;
        ncon = price_lane(w, &L, j, ncon, left, &best, &best_d);
        /* Closed with no branch (whether a lane applies something is as
         * hard to foretell as the rest): a lane with nothing makes best
         * slot 0 and best_d 0, which change nothing below. */
        uint64_t gave = 0 - (uint64_t)(best_d > 0);
        best &= (int)gave;
        best_d &= (int64_t)gave;
        uint64_t bit = (UINT64_C(1) << (best & 63)) & gave;
        w->lane[j].best = best | ~(int)gave; /* -1 when none */
        w->lane[j].outdone_before = outdone;
        outdone += ncon - first - (int)((bit & ~reported[best >> 6]) != 0); /* listed, not outdone */
        out->applied[napplied < 10 ? napplied : 9] = /* lanes 0..9: room for all */
            (qe_applied){s->word_policy[best >> 6] + (best & 63), best_d};
        napplied += (int)(gave & 1);
        int budget = s->budget[best];
        w->room[budget] -= best_d & (0 - (int64_t)(budget != 0)); /* room[0] stays */
        w->set[QS_SPENT][best >> 6] |= bit & (0 - (uint64_t)(budget != 0));
        left -= best_d;
    }
    out->napplied = napplied;
    out->final = left;
    report_failures(w, li);
    /* The outdone reports: those listed but the best, each lane's after its
     * failures. The best goes to the rejected list's spare entry. */
    int k = 0, spare = s->npolicies;
    for (int i = 0; i < ncon; i++) {
        int slot = w->con[i], wi = slot >> 6;
        const lane_end *lane = &w->lane[s->word_lane[wi]];
        int o = slot != lane->best, to = w->nrej + lane->checks_through + k;
        w->rej[(to & -o) | (spare & (o - 1))] =
            (qe_rejection){s->word_policy[wi] + (slot & 63), li, QR_OUTDONE};
        k += o;
        reported[wi] |= (uint64_t)o << (slot & 63);
    }
    w->nrej += (s->nlanes ? w->lane[s->nlanes - 1].checks_through : 0) + k;
}

int quote_price(const qe_snapshot *s, const qe_org *org, const qe_cart *cart, arena *a,
                qe_quote *out, err_ctx *e)
{
    work w = {.s = s};
    memset(out, 0, sizeof *out);
    out->nlines = cart->nlines;
    out->lines = arena_alloc(a, (size_t)(cart->nlines ? cart->nlines : 1) * sizeof *out->lines);
    size_t words = (size_t)s->words, line = (size_t)s->max_line + 1, lanes = (size_t)s->nlanes;
    uint64_t *sets = arena_alloc_raw(a, NSETS * words * sizeof *sets);
    w.reps = arena_alloc_raw(a, 2 * (words + 1) * sizeof *w.reps);
    w.lane = arena_alloc_raw(a, (lanes + 1) * sizeof *w.lane);
    w.con = arena_alloc_raw(a, line * sizeof *w.con);
    w.room = arena_alloc_raw(a, ((size_t)s->nbudgets + 1) * sizeof *w.room);
    w.rej = arena_alloc_raw(a, (size_t)(s->npolicies + 1) * sizeof *w.rej);
    w.effect = arena_alloc_raw(a, sizeof effect_base);
    w.free_by = arena_alloc_raw(a, 64 * sizeof *w.free_by);
    w.below = arena_alloc_raw(a, 2 * words * sizeof *w.below);
    if (!out->lines || !sets || !w.reps || !w.lane || !w.con || !w.room || !w.rej ||
        !w.effect || !w.free_by || !w.below)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int k = 0; k < NSETS; k++)
        w.set[k] = sets + (size_t)k * words;
    w.lives = w.reps + words + 1;
    memcpy(w.effect, effect_base, sizeof effect_base);
    memcpy(w.room, s->room, ((size_t)s->nbudgets + 1) * sizeof *w.room);
    for (int i = 0; i < cart->nlines; i++)
        quote_list_price(s, &cart->lines[i], i, &out->lines[i].list, e);
    if (e->code)
        return e->code;
    int64_t cart_list = 0;
    for (int i = 0; i < cart->nlines; i++)
        cart_list += out->lines[i].list;
    if (cart_sets(&w, org, cart, cart_list, a))
        return err_set(e, ERR_NOMEM, "out of memory");
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
