/*
 * engine.c: building quote snapshots from the database, swapping them in
 * without blocking readers, and freeing old ones once no reader holds them.
 *
 * Reclamation: a reader bumps `entering` while it loads the current box
 * and takes a reference on it. The reaper frees a retired box only after
 * it saw `entering` at zero (so no reader is between the load and the
 * reference) and then the box's own count at zero.
 */
#include "campaign/engine.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account/account.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/text.h"
#include "campaign/quote.h"

#define ENGINE_ARENA_LIMIT ((size_t)1 << 30)

typedef struct box {
    qe_snapshot s; /* first: engine_release casts back */
    arena *mem;
    _Atomic int refs;
    struct box *next; /* on the retired list */
} box;

struct engine {
    db *db;
    const logger *lg;
    int poll_ms;
    _Atomic(box *) cur;
    _Atomic int entering;
    pthread_mutex_t mu; /* one rebuild at a time; guards retired */
    box *retired;
    pthread_t poller;
    bool running;
    pthread_cond_t stop_cv;
    bool stopping;
};

int engine_touch(db_conn *c, err_ctx *e)
{
    return db_exec(c, "UPDATE change_versions SET version = version + 1 WHERE name = 'catalog'",
                   DB_NOARGS, NULL, e);
}

static int read_version(db_conn *c, int64_t *v, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc = db_query_row(c, "SELECT version FROM change_versions WHERE name = 'catalog'",
                          DB_NOARGS, &st, &row, e);
    if (!rc)
        *v = row ? db_int(st, 0) : 0;
    db_done(st);
    return rc;
}

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Bits of a comma-separated list of words from a vocabulary. */
static uint32_t word_bits(const char *csv, const char *const *vocab)
{
    uint32_t bits = 0;
    char word[80];
    for (const char *p = csv; p && *p;) {
        size_t n = strcspn(p, ",");
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        int i = text_index(vocab, word);
        if (i >= 0 && i < 32)
            bits |= 1u << i;
        p += n + (p[n] == ',');
    }
    return bits;
}

/* A region set from a comma-separated list of codes. Unknown codes (a
 * region deleted meanwhile) match nothing. */
static qe_bits region_bits(const qe_snapshot *s, const char *csv)
{
    qe_bits b = {.any = !csv || !*csv};
    char code[80];
    for (const char *p = csv; p && *p;) {
        size_t n = strcspn(p, ",");
        snprintf(code, sizeof code, "%.*s", (int)n, p);
        int i = qe_region_find(s, code);
        if (i >= 0 && i < QE_MAX_REGIONS)
            b.w[i >> 6] |= 1ull << (i & 63);
        p += n + (p[n] == ',');
    }
    return b;
}

/* Indices of a comma-separated list of codes, found with find (unknown
 * codes, deleted meanwhile, are dropped). */
static int code_indices(arena *a, const qe_snapshot *s, const char *csv,
                        int (*find)(const qe_snapshot *, const char *), const int **out)
{
    int n = 0, cap = 1;
    for (const char *p = csv; p && *p; p++)
        cap += *p == ',';
    int *v = arena_alloc(a, (size_t)cap * sizeof *v);
    char code[80];
    for (const char *p = csv; v && p && *p;) {
        size_t len = strcspn(p, ",");
        snprintf(code, sizeof code, "%.*s", (int)len, p);
        int i = find(s, code);
        if (i >= 0 && n < cap)
            v[n++] = i;
        p += len + (p[len] == ',');
    }
    *out = v;
    return v ? n : -1;
}

/* n elements of size bytes (at least one, so that empty tables are not NULL). */
static void *alloc_n(arena *a, int64_t n, size_t size)
{
    return n < 0 ? NULL : arena_alloc(a, (size_t)(n > 0 ? n : 1) * size);
}
#define ALLOC(a, n, T) ((T *)alloc_n((a), (n), sizeof(T)))

static int load_regions_products(db_conn *c, arena *a, qe_snapshot *s, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int n = 0;
    int64_t count = 0;
    int rc = db_query_ints(c, "SELECT COUNT(*) FROM regions", DB_NOARGS, &count, 1, e);
    int cap = (int)count;
    s->regions = ALLOC(a, cap, qe_region);
    if (!rc)
        rc = db_query(c, "SELECT code FROM regions", DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && n < cap && n < QE_MAX_REGIONS)
        s->regions[n++].code = arena_strdup(a, db_text(st, 0));
    db_done(st);
    s->nregions = n;
    qsort(s->regions, (size_t)n, sizeof *s->regions, cmp_code);

    n = 0;
    if (!rc)
        rc = db_query_ints(c, "SELECT COUNT(*) FROM products", DB_NOARGS, &count, 1, e);
    cap = rc ? 0 : (int)count;
    s->products = ALLOC(a, cap, qe_product);
    if (!rc)
        rc = db_query(c, "SELECT code, category FROM products", DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && n < cap) {
        qe_product *p = &s->products[n++];
        p->code = arena_strdup(a, db_text(st, 0));
        p->category = text_index(qe_categories, db_text(st, 1));
        p->price = ALLOC(a, s->nregions * QE_NMODES, int64_t);
        if (!p->code || !p->price) {
            rc = err_set(e, ERR_NOMEM, "out of memory");
            break;
        }
        for (int k = 0; k < s->nregions * QE_NMODES; k++)
            p->price[k] = -1;
    }
    db_done(st);
    s->nproducts = n;
    qsort(s->products, (size_t)n, sizeof *s->products, cmp_code);
    if (!rc)
        rc = db_query(c, "SELECT product_code, region_code, billing_mode, unit_price FROM prices",
                      DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        int p = qe_product_find(s, db_text(st, 0)), r = qe_region_find(s, db_text(st, 1));
        int m = text_index(qe_modes, db_text(st, 2));
        if (p >= 0 && r >= 0 && m >= 0)
            s->products[p].price[r * QE_NMODES + m] = db_int(st, 3);
    }
    db_done(st);
    return rc;
}

static int load_packs(db_conn *c, arena *a, qe_snapshot *s, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int n = 0;
    int64_t count = 0;
    int rc = db_query_ints(c, "SELECT COUNT(*) FROM packs", DB_NOARGS, &count, 1, e);
    int cap = (int)count;
    s->packs = ALLOC(a, cap, qe_pack);
    if (!rc)
        rc = db_query(c,
                      "SELECT id, COALESCE(price, -1), COALESCE(discount_bp, -1),"
                      " (SELECT COUNT(*) FROM pack_items WHERE pack_id = packs.id) FROM packs",
                      DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && n < cap) {
        qe_pack *p = &s->packs[n++];
        p->id = arena_strdup(a, db_text(st, 0));
        p->price = db_int(st, 1);
        p->discount_bp = db_int(st, 2);
        p->items = ALLOC(a, db_int(st, 3), qe_pack_item);
        if (!p->id || !p->items)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    db_done(st);
    s->npacks = n;
    qsort(s->packs, (size_t)n, sizeof *s->packs, cmp_code);
    if (!rc)
        rc = db_query(c,
                      "SELECT pack_id, product_code, billing_mode, quantity, months"
                      " FROM pack_items ORDER BY pack_id, position",
                      DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        int p = qe_pack_find(s, db_text(st, 0)), prod = qe_product_find(s, db_text(st, 1));
        if (p < 0 || prod < 0)
            continue;
        qe_pack *pk = &s->packs[p];
        pk->items[pk->nitems++] = (qe_pack_item){prod, text_index(qe_modes, db_text(st, 2)),
                                                 db_int(st, 3), db_int(st, 4)};
    }
    db_done(st);
    return rc;
}

static int load_campaigns(db_conn *c, arena *a, qe_snapshot *s, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int n = 0;
    int64_t count = 0;
    int rc = db_query_ints(c, "SELECT COUNT(*) FROM campaigns", DB_NOARGS, &count, 1, e);
    int cap = (int)count;
    s->campaigns = ALLOC(a, cap, qe_campaign);
    if (!rc)
        rc = db_query(c,
                      "SELECT id, name_zh, name_en, starts_at, ends_at, published,"
                      " new_customer_only, regions, industries, sizes, time_zone, description_zh,"
                      " description_en FROM campaigns",
                      DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && n < cap) {
        qe_campaign *k = &s->campaigns[n++];
        *k = (qe_campaign){
            .id = arena_strdup(a, db_text(st, 0)),
            .name = {arena_strdup(a, db_text(st, 1)), arena_strdup(a, db_text(st, 2))},
            .starts_at = db_int(st, 3),
            .ends_at = db_int(st, 4),
            .published = db_int(st, 5) != 0,
            .new_only = db_int(st, 6) != 0,
            .regions = region_bits(s, db_text(st, 7)),
            .industries = word_bits(db_text(st, 8), account_industries),
            .sizes = word_bits(db_text(st, 9), account_sizes),
            .time_zone = arena_strdup(a, db_text(st, 10)),
            .description = {arena_strdup(a, db_text(st, 11)), arena_strdup(a, db_text(st, 12))},
        };
        if (!k->id || !k->name.en || !k->time_zone || !k->description.zh || !k->description.en)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    db_done(st);
    s->ncampaigns = n;
    qsort(s->campaigns, (size_t)n, sizeof *s->campaigns, cmp_code);
    return rc;
}

static int cmp_policy(const void *a, const void *b)
{
    const qe_policy *x = a, *y = b;
    return x->lane != y->lane ? x->lane - y->lane : strcmp(x->id, y->id);
}

/* Policies, with their product and pack lists kept aside for the index. */
static int load_policies(db_conn *c, arena *a, qe_snapshot *s, const char ***products,
                         const char ***packs, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int n = 0;
    int64_t count = 0;
    int rc = db_query_ints(c, "SELECT COUNT(*) FROM policies WHERE enabled = 1", DB_NOARGS,
                           &count, 1, e);
    int cap = (int)count;
    s->policies = ALLOC(a, cap, qe_policy);
    const char **prod = ALLOC(a, cap, const char *), **pk = ALLOC(a, cap, const char *);
    if (!s->policies || !prod || !pk)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = db_query(c,
                      "SELECT id, campaign_id, name_zh, name_en, lane, regions, industries, sizes,"
                      " new_customer_only, products, categories, packs, billing_modes,"
                      " order_types, min_quantity, min_line_amount, min_order_amount, effect,"
                      " effect_value, per_org_limit, total_limit, budget,"
                      " (SELECT COALESCE(SUM(uses), 0) FROM policy_totals t"
                      "   WHERE t.policy_id = policies.id),"
                      " (SELECT COALESCE(SUM(discount), 0) FROM policy_totals t"
                      "   WHERE t.policy_id = policies.id)"
                      " FROM policies WHERE enabled = 1",
                      DB_NOARGS, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && n < cap) {
        int campaign = qe_campaign_find(s, db_text(st, 1));
        if (campaign < 0)
            continue;
        qe_policy *p = &s->policies[n];
        const char *products_csv = db_text(st, 9), *packs_csv = db_text(st, 11);
        *p = (qe_policy){
            .id = arena_strdup(a, db_text(st, 0)),
            .campaign = campaign,
            .name = {arena_strdup(a, db_text(st, 2)), arena_strdup(a, db_text(st, 3))},
            .lane = (int)db_int(st, 4),
            .regions = region_bits(s, db_text(st, 5)),
            .industries = word_bits(db_text(st, 6), account_industries),
            .sizes = word_bits(db_text(st, 7), account_sizes),
            .new_only = db_int(st, 8) != 0,
            .categories = word_bits(db_text(st, 10), qe_categories),
            .modes = word_bits(db_text(st, 12), qe_modes),
            .order_types = word_bits(db_text(st, 13), qe_order_types),
            .min_quantity = db_int(st, 14),
            .min_line = db_int(st, 15),
            .min_order = db_int(st, 16),
            .effect = (qe_effect)text_index(qe_effects, db_text(st, 17)),
            .value = db_int(st, 18),
            .per_org_limit = db_int(st, 19),
            .total_limit = db_int(st, 20),
            .budget = db_int(st, 21),
            .used = db_int(st, 22),
            .spent = db_int(st, 23),
        };
        prod[n] = arena_strdup(a, products_csv);
        pk[n] = arena_strdup(a, packs_csv);
        if (!p->id || !p->name.en || !prod[n] || !pk[n] || (int)p->effect < 0)
            rc = p->id ? err_set(e, ERR_DB, "policy %s has an unknown effect", p->id)
                       : err_set(e, ERR_NOMEM, "out of memory");
        n++;
    }
    db_done(st);
    s->npolicies = n;
    /* Sort policies and their side lists together through an order array. */
    qe_policy *sorted = ALLOC(a, n, qe_policy);
    const char **sp = ALLOC(a, n, const char *), **sk = ALLOC(a, n, const char *);
    int *order = ALLOC(a, n, int);
    if (!sorted || !sp || !sk || !order)
        return rc ? rc : err_set(e, ERR_NOMEM, "out of memory");
    memcpy(sorted, s->policies, (size_t)n * sizeof *sorted);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_policy);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (s->policies[j].id == sorted[i].id) {
                sp[i] = prod[j];
                sk[i] = pk[j];
                break;
            }
    s->policies = sorted;
    *products = sp;
    *packs = sk;
    return rc;
}

static int build_index(arena *a, qe_snapshot *s, const char **products, const char **packs,
                       err_ctx *e)
{
    qe_scope *scopes = ALLOC(a, s->npolicies, qe_scope);
    if (!scopes)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < s->npolicies; i++) {
        qe_scope *sc = &scopes[i];
        sc->nproducts = code_indices(a, s, products[i], qe_product_find, &sc->products);
        sc->npacks = code_indices(a, s, packs[i], qe_pack_find, &sc->packs);
        if (sc->nproducts < 0 || sc->npacks < 0)
            return err_set(e, ERR_NOMEM, "out of memory");
    }
    return quote_index_build(s, scopes, a, e);
}

/* Builds a box from the database in one read snapshot. */
static int box_load(db *d, box **out, err_ctx *e)
{
    db_conn *c = NULL;
    const char **products = NULL, **packs = NULL;
    box *b = calloc(1, sizeof *b);
    int rc = b && (b->mem = arena_new(ENGINE_ARENA_LIMIT)) ? 0
                                                          : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = db_acquire(d, &c, e);
    if (!rc)
        rc = db_begin_read(c, e);
    if (!rc)
        rc = read_version(c, &b->s.version, e);
    if (!rc)
        rc = load_regions_products(c, b->mem, &b->s, e);
    if (!rc)
        rc = load_packs(c, b->mem, &b->s, e);
    if (!rc)
        rc = load_campaigns(c, b->mem, &b->s, e);
    if (!rc)
        rc = load_policies(c, b->mem, &b->s, &products, &packs, e);
    if (!rc)
        rc = build_index(b->mem, &b->s, products, packs, e);
    db_release(c);
    if (rc && b) {
        arena_free(b->mem);
        free(b);
        b = NULL;
    }
    *out = b;
    return rc;
}

static void box_free(box *b)
{
    if (b) {
        arena_free(b->mem);
        free(b);
    }
}

/* Frees retired boxes nobody can reach any more. Caller holds mu. */
static void reap(engine *en)
{
    if (atomic_load(&en->entering) != 0)
        return;
    box **pp = &en->retired;
    while (*pp) {
        box *b = *pp;
        if (atomic_load(&b->refs) == 0) {
            *pp = b->next;
            box_free(b);
        } else {
            pp = &b->next;
        }
    }
}

/* Rebuilds if the stored version differs from the current box's. */
static int refresh(engine *en, err_ctx *e)
{
    int rc = 0;
    pthread_mutex_lock(&en->mu);
    db_conn *c = NULL;
    int64_t v = 0;
    rc = db_acquire(en->db, &c, e);
    if (!rc)
        rc = read_version(c, &v, e);
    db_release(c);
    box *cur = atomic_load(&en->cur);
    if (!rc && (!cur || v != cur->s.version)) {
        box *b = NULL;
        rc = box_load(en->db, &b, e);
        if (!rc) {
            box *old = atomic_exchange(&en->cur, b);
            if (old) {
                old->next = en->retired;
                en->retired = old;
            }
            log_info(en->lg, NULL, "quote engine: version %lld, %d products, %d policies",
                     (long long)b->s.version, b->s.nproducts, b->s.npolicies);
        }
    }
    reap(en);
    pthread_mutex_unlock(&en->mu);
    return rc;
}

int engine_refresh_now(engine *en, err_ctx *e) { return refresh(en, e); }

static void *poll_loop(void *arg)
{
    engine *en = arg;
    pthread_mutex_lock(&en->mu);
    while (!en->stopping) {
        struct timespec ts;
        clock_deadline(en->poll_ms, &ts);
        pthread_cond_timedwait(&en->stop_cv, &en->mu, &ts);
        if (en->stopping)
            break;
        pthread_mutex_unlock(&en->mu);
        err_ctx e = {0};
        if (refresh(en, &e))
            log_warn(en->lg, NULL, "quote engine: refresh failed: %s", e.detail);
        pthread_mutex_lock(&en->mu);
    }
    pthread_mutex_unlock(&en->mu);
    return NULL;
}

int engine_new(db *d, const logger *lg, int poll_ms, engine **out, err_ctx *e)
{
    engine *en = calloc(1, sizeof *en);
    if (!en)
        return err_set(e, ERR_NOMEM, "out of memory");
    en->db = d;
    en->lg = lg;
    en->poll_ms = poll_ms > 0 ? poll_ms : 1000;
    pthread_mutex_init(&en->mu, NULL);
    pthread_cond_init(&en->stop_cv, NULL);
    int rc = refresh(en, e);
    if (!rc && pthread_create(&en->poller, NULL, poll_loop, en) != 0)
        rc = err_set(e, ERR_INTERNAL, "cannot start the quote engine's poller");
    en->running = !rc;
    if (rc) {
        engine_free(en);
        en = NULL;
    }
    *out = en;
    return rc;
}

void engine_free(engine *en)
{
    if (!en)
        return;
    if (en->running) {
        pthread_mutex_lock(&en->mu);
        en->stopping = true;
        pthread_cond_signal(&en->stop_cv);
        pthread_mutex_unlock(&en->mu);
        pthread_join(en->poller, NULL);
    }
    box_free(atomic_load(&en->cur));
    while (en->retired) {
        box *b = en->retired;
        en->retired = b->next;
        box_free(b);
    }
    pthread_cond_destroy(&en->stop_cv);
    pthread_mutex_destroy(&en->mu);
    free(en);
}

const qe_snapshot *engine_acquire(engine *en)
{
    atomic_fetch_add(&en->entering, 1);
    box *b = atomic_load(&en->cur);
    atomic_fetch_add(&b->refs, 1);
    atomic_fetch_sub(&en->entering, 1);
    return &b->s;
}

void engine_release(engine *en, const qe_snapshot *s)
{
    (void)en;
    if (s)
        atomic_fetch_sub(&((box *)(void *)s)->refs, 1);
}
