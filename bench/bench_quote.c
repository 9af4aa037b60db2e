/*
 * bench_quote.c: in-process speed of the quote engine (quote_price).
 *
 * Builds a qe_snapshot in memory the way engine.c does (sorted arrays,
 * policies in (lane, id) order, per-product and per-pack candidate lists
 * plus the per-category and open lists), then prices random 10-line carts from a fixed
 * seed, one arena per quote. The baseline is the same loop without the
 * engine: it makes the arena, builds the cart and computes list prices
 * (quote_list_price) only. Rounds alternate baseline and engine so that
 * drifts in machine speed hit both; the median of each is reported.
 *
 * Prints a summary and machine-readable `key=value` lines for bench/run.sh.
 * Usage: bench_quote [SECONDS_PER_ROUND]  (default 1.0, 3 rounds each)
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/err.h"
#include "campaign/quote.h"

#define NREGIONS 20
#define NPRODUCTS 200
#define NPACKS 20
#define NCAMPAIGNS 50
#define NPOLICIES 1000
#define NLANES 4
#define NLINES 10
#define NROUNDS 3
#define SEED 42u
#define NOW 1634700000000LL /* 2021-10-20, inside the live campaigns */
#define DAY 86400000LL

/* xorshift64*: small, fast and the same everywhere. */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}
static int rndn(int n) { return (int)(rnd() % (uint64_t)n); }
static bool chance(int percent) { return rndn(100) < percent; }

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_quote: %s\n", what);
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        die("out of memory");
    return p;
}

static char *fmt(const char *f, int i)
{
    char *s = xcalloc(32, 1);
    snprintf(s, 32, f, i);
    return s;
}

static void bit_set(qe_bits *b, int i) { b->w[i >> 6] |= 1ull << (i & 63); }

/* A random region set: empty (any) most of the time, else 3..12 regions. */
static qe_bits some_regions(int any_percent)
{
    qe_bits b = {.any = chance(any_percent)};
    if (!b.any)
        for (int k = 3 + rndn(10); k > 0; k--)
            bit_set(&b, rndn(NREGIONS));
    return b;
}

/* A policy and the item lists that engine.c keeps aside for the index. */
typedef struct gen_policy {
    qe_policy p;
    int nprod, prod[5];
    int npack, pack[3];
} gen_policy;

static int cmp_gen_policy(const void *a, const void *b)
{
    const qe_policy *x = &((const gen_policy *)a)->p, *y = &((const gen_policy *)b)->p;
    return x->lane != y->lane ? x->lane - y->lane : strcmp(x->id, y->id);
}

static void build_snapshot(qe_snapshot *s)
{
    memset(s, 0, sizeof *s);
    s->nregions = NREGIONS;
    s->regions = xcalloc(NREGIONS, sizeof *s->regions);
    for (int r = 0; r < NREGIONS; r++)
        s->regions[r].code = fmt("region-%02d", r); /* sorted by construction */

    s->nproducts = NPRODUCTS;
    s->products = xcalloc(NPRODUCTS, sizeof *s->products);
    for (int i = 0; i < NPRODUCTS; i++) {
        qe_product *p = &s->products[i];
        p->code = fmt("prod.%03d", i);
        p->category = rndn(13);
        p->price = xcalloc(NREGIONS * QE_NMODES, sizeof *p->price);
        bool on_demand = chance(60);
        for (int r = 0; r < NREGIONS; r++) {
            int64_t month = 1000 + rndn(200000);
            /* Monthly and yearly everywhere (carts and packs rely on it),
             * on demand for some products. */
            p->price[r * QE_NMODES + QE_ON_DEMAND] = on_demand ? month / 730 + 1 : -1;
            p->price[r * QE_NMODES + QE_MONTHLY] = month;
            p->price[r * QE_NMODES + QE_YEARLY] = month * 10;
        }
    }

    s->npacks = NPACKS;
    s->packs = xcalloc(NPACKS, sizeof *s->packs);
    for (int i = 0; i < NPACKS; i++) {
        qe_pack *k = &s->packs[i];
        k->id = fmt("pck_%04d", i);
        k->nitems = 2 + rndn(4);
        k->items = xcalloc((size_t)k->nitems, sizeof *k->items);
        for (int j = 0; j < k->nitems; j++)
            k->items[j] = (qe_pack_item){rndn(NPRODUCTS), chance(70) ? QE_MONTHLY : QE_YEARLY,
                                         1 + rndn(8), 12};
        bool by_price = chance(50);
        k->price = by_price ? 50000 + rndn(500000) : -1;
        k->discount_bp = by_price ? -1 : 500 + rndn(2500);
    }

    s->ncampaigns = NCAMPAIGNS;
    s->campaigns = xcalloc(NCAMPAIGNS, sizeof *s->campaigns);
    for (int i = 0; i < NCAMPAIGNS; i++) {
        qe_campaign *c = &s->campaigns[i];
        bool live = chance(85);
        *c = (qe_campaign){
            .id = fmt("cmp_%04d", i),
            .name = {fmt("活动 %d", i), fmt("Campaign %d", i)},
            .starts_at = live ? NOW - 5 * DAY : NOW + 5 * DAY,
            .ends_at = NOW + 30 * DAY,
            .published = chance(95),
            .new_only = chance(10),
            .regions = some_regions(70),
            .industries = chance(70) ? 0 : (uint32_t)(1 + rndn(127)),
            .sizes = chance(80) ? 0 : (uint32_t)(1 + rndn(15)),
        };
    }

    gen_policy *g = xcalloc(NPOLICIES, sizeof *g);
    for (int i = 0; i < NPOLICIES; i++) {
        gen_policy *x = &g[i];
        qe_policy *p = &x->p;
        /* A campaign policy usually names products (ECS 20% off) or a
         * category (databases 30% off); few apply to everything. */
        int kind = rndn(100); /* 60 products, 25 categories, 5 none, 10 packs */
        *p = (qe_policy){
            .id = fmt("pol_%05d", i * 7919 % 100000), /* unique: 7919 is prime */
            .campaign = rndn(NCAMPAIGNS),
            .name = {fmt("策略 %d", i), fmt("Policy %d", i)},
            .lane = i % NLANES,
            .regions = some_regions(75),
            .industries = chance(85) ? 0 : (uint32_t)(1 + rndn(127)),
            .sizes = chance(90) ? 0 : (uint32_t)(1 + rndn(15)),
            .new_only = chance(5),
            .modes = chance(70) ? 0 : (uint32_t)(1 + rndn(7)),
            .order_types = chance(80) ? 0 : 1u << rndn(2),
            .min_quantity = chance(80) ? 0 : 1 + rndn(10),
            .min_line = chance(85) ? 0 : rndn(500000),
            .min_order = chance(90) ? 0 : rndn(5000000),
            .per_org_limit = chance(80) ? 0 : 1 + rndn(5),
            .total_limit = chance(90) ? 0 : 100 + rndn(1000),
            .budget = chance(75) ? 0 : 100000 + rndn(5000000),
        };
        p->used = p->total_limit ? rndn((int)p->total_limit + 10) : rndn(50);
        p->spent = p->budget ? rnd() % (uint64_t)p->budget : 0;
        if (kind < 60) {
            x->nprod = 1 + rndn(5);
            for (int j = 0; j < x->nprod; j++)
                x->prod[j] = rndn(NPRODUCTS);
        } else if (kind < 85) {
            for (int j = 1 + rndn(3); j > 0; j--)
                p->categories |= 1u << rndn(13);
        } else if (kind >= 90) {
            x->npack = 1 + rndn(3);
            for (int j = 0; j < x->npack; j++)
                x->pack[j] = rndn(NPACKS);
        }
        int effect = rndn(100);
        if (x->npack && effect < 40) {
            p->effect = QE_PACK_PRICE;
            p->value = 30000 + rndn(300000);
        } else if (effect < 45) {
            p->effect = QE_PERCENT_OFF;
            p->value = 100 + rndn(3000);
        } else if (effect < 65) {
            p->effect = QE_AMOUNT_OFF;
            p->value = 1000 + rndn(100000);
        } else if (effect < 80) {
            p->effect = QE_FIXED_UNIT_PRICE;
            p->value = 500 + rndn(100000);
        } else {
            p->effect = QE_FREE_UNITS;
            p->value = 1 + rndn(3);
        }
    }
    qsort(g, NPOLICIES, sizeof *g, cmp_gen_policy);

    /* The index, built by the engine's own builder. */
    s->npolicies = NPOLICIES;
    s->policies = xcalloc(NPOLICIES, sizeof *s->policies);
    qe_scope *scopes = xcalloc(NPOLICIES, sizeof *scopes);
    for (int i = 0; i < NPOLICIES; i++) {
        s->policies[i] = g[i].p;
        scopes[i] = (qe_scope){g[i].nprod, g[i].npack, g[i].prod, g[i].pack};
    }
    err_ctx e = {0};
    arena *index_mem = arena_new((size_t)1 << 28);
    if (!index_mem || quote_index_build(s, scopes, index_mem, &e))
        die("cannot build the index");
    free(scopes); /* the index keeps no pointer into the scopes */
    /* g is kept: scopes pointed into it only while building; index_mem
     * lives as long as the snapshot (the process). */
    free(g);
}

/* A random 10-line cart: mostly products (all billing modes), some packs. */
static void make_cart(const qe_snapshot *s, qe_line_in *lines, qe_cart *cart)
{
    int region = rndn(NREGIONS);
    for (int i = 0; i < NLINES; i++) {
        qe_line_in *l = &lines[i];
        *l = (qe_line_in){.product = -1, .pack = -1, .region = chance(80) ? region : rndn(NREGIONS),
                          .quantity = 1 + rndn(chance(80) ? 10 : 200)};
        if (chance(10)) {
            l->pack = rndn(NPACKS);
            continue;
        }
        l->product = rndn(NPRODUCTS);
        int m = rndn(QE_NMODES);
        if (m == QE_ON_DEMAND && s->products[l->product].price[l->region * QE_NMODES] < 0)
            m = QE_MONTHLY;
        l->mode = m;
        if (m == QE_ON_DEMAND)
            l->hours = 1 + rndn(2000);
        else
            l->months = m == QE_YEARLY ? 12 * (1 + rndn(3)) : 1 + rndn(36);
    }
    *cart = (qe_cart){.order_type = chance(80) ? QE_ORDER_NEW : QE_ORDER_RENEWAL,
                      .nlines = NLINES, .lines = lines, .at = NOW};
}

typedef struct tally {
    long quotes;
    int64_t sum; /* of totals, so that the work cannot be optimised away */
    long applied, rejected;
} tally;

/* Prices (engine) or list-prices (baseline) carts for about `secs`. */
static double run(const qe_snapshot *s, const qe_org *org, bool engine, double secs, tally *t)
{
    qe_line_in lines[NLINES];
    qe_cart cart;
    memset(t, 0, sizeof *t);
    rng_state = SEED * 2654435761u + 1;
    double t0 = now_s(), t1 = t0;
    while (t1 - t0 < secs) {
        for (int batch = 0; batch < 256; batch++) {
            err_ctx e = {0};
            arena *a = arena_new((size_t)1 << 24);
            if (!a)
                die("out of memory");
            make_cart(s, lines, &cart);
            if (engine) {
                qe_quote q;
                if (quote_price(s, org, &cart, a, &q, &e))
                    die(e.nfields ? e.fields[0].message : e.detail);
                t->sum += q.final;
                t->rejected += q.nrejected;
                for (int i = 0; i < q.nlines; i++)
                    t->applied += q.lines[i].napplied;
            } else {
                int64_t *list = arena_alloc(a, NLINES * sizeof *list);
                for (int i = 0; i < NLINES; i++) {
                    if (!list || quote_list_price(s, &lines[i], i, &list[i], &e))
                        die("list price failed");
                    t->sum += list[i];
                }
            }
            arena_free(a);
            t->quotes++;
        }
        t1 = now_s();
    }
    return (double)t->quotes / (t1 - t0);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0;
    if (!(secs > 0 && secs <= 60))
        die("usage: bench_quote [SECONDS_PER_ROUND (0..60]]");
    qe_snapshot s;
    rng_state = SEED;
    build_snapshot(&s);
    int64_t *uses = xcalloc(NPOLICIES, sizeof *uses);
    for (int i = 0; i < NPOLICIES; i += 17)
        uses[i] = 1 + i % 4;
    qe_org org = {.id = "org_bench", .industry = 0, .size = 1, .new_customer = true,
                  .uses = uses};

    long cand = 0;
    for (int i = 0; i < NPRODUCTS; i++)
        cand += s.by_product_n[i];
    printf("bench_quote: %d regions, %d products, %d packs, %d campaigns, %d policies "
           "(lanes 0..%d; %d open, avg %.1f by product), %d-line carts, seed %u\n",
           NREGIONS, NPRODUCTS, NPACKS, NCAMPAIGNS, NPOLICIES, NLANES - 1, s.nopen,
           (double)cand / NPRODUCTS, NLINES, SEED);

    double base[NROUNDS], eng[NROUNDS];
    tally tb, te;
    /* Warm-up, and a checksum of the first 1,000 quotes' totals that only
     * changes when pricing (or this file's data) changes. */
    int64_t checksum = 0;
    rng_state = SEED * 2654435761u + 1;
    for (int i = 0; i < 1000; i++) {
        qe_line_in lines[NLINES];
        qe_cart cart;
        qe_quote q;
        err_ctx e = {0};
        arena *a = arena_new((size_t)1 << 24);
        make_cart(&s, lines, &cart);
        if (!a || quote_price(&s, &org, &cart, a, &q, &e))
            die("warm-up failed");
        checksum += q.final * (i % 7 + 1) + q.nrejected;
        arena_free(a);
    }
    for (int r = 0; r < NROUNDS; r++) {
        base[r] = run(&s, &org, false, secs, &tb);
        eng[r] = run(&s, &org, true, secs, &te);
        printf("bench_quote: round %d: baseline %.0f/s, quote_price %.0f/s\n", r + 1, base[r],
               eng[r]);
    }
    qsort(base, NROUNDS, sizeof *base, cmp_double);
    qsort(eng, NROUNDS, sizeof *eng, cmp_double);
    double b = base[NROUNDS / 2], q = eng[NROUNDS / 2];
    printf("bench_quote: per quote: %.1f policies applied, %.1f rejections reported; "
           "checksum %lld\n",
           (double)te.applied / (double)te.quotes, (double)te.rejected / (double)te.quotes,
           (long long)checksum);
    printf("baseline_per_s=%.0f\nquotes_per_s=%.0f\nengine_us=%.2f\nbaseline_us=%.2f\n", b, q,
           1e6 / q - 1e6 / b, 1e6 / b);
    return 0;
}
