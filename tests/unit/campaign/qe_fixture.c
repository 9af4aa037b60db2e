/*
 * qe_fixture.c: a qe_snapshot from C tables (see qe_fixture.h).
 */
#include "qe_fixture.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#define NEW(a, n, T) ((T *)qf_alloc((a), (size_t)((n) > 0 ? (n) : 1) * sizeof(T)))

static void *qf_alloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    cr_assert_not_null(p, "fixture: arena out of memory");
    return p; /* zeroed */
}

static int cmp_code(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Policies sorted by (lane, id), carrying their table row along. */
typedef struct sorted_policy {
    qe_policy p;
    const qf_policy *row;
} sorted_policy;

static int cmp_policy(const void *x, const void *y)
{
    const qe_policy *a = &((const sorted_policy *)x)->p, *b = &((const sorted_policy *)y)->p;
    return a->lane != b->lane ? a->lane - b->lane : strcmp(a->id, b->id);
}

static int campaign_find(const qe_snapshot *s, const char *id)
{
    for (int i = 0; i < s->ncampaigns; i++)
        if (strcmp(s->campaigns[i].id, id) == 0)
            return i;
    return -1;
}

/* Calls fn(s, code) for each space-separated code in list; returns how
 * many, writing their indices to out (which has room for strlen/2+1). */
static int code_list(const qe_snapshot *s, const char *list, int (*find)(const qe_snapshot *, const char *),
                     const char *what, int *out)
{
    int n = 0;
    char code[96];
    for (const char *p = list; p && *p;) {
        size_t len = strcspn(p, " ");
        if (len) {
            cr_assert_lt(len, sizeof code, "fixture: %s code too long", what);
            memcpy(code, p, len);
            code[len] = '\0';
            int i = find(s, code);
            cr_assert_geq(i, 0, "fixture: unknown %s %s", what, code);
            out[n++] = i;
        }
        p += len + (p[len] == ' ');
    }
    return n;
}

static qe_bits region_bits(arena *a, const qe_snapshot *s, const char *list)
{
    int *idx = NEW(a, list ? (int)strlen(list) / 2 + 1 : 1, int);
    int n = code_list(s, list, qe_region_find, "region", idx);
    qe_bits b = {.any = n == 0};
    for (int i = 0; i < n; i++)
        b.w[idx[i] >> 6] |= 1ull << (idx[i] & 63);
    return b;
}

void qf_build(arena *a, const qf_spec *spec, qe_snapshot *s)
{
    memset(s, 0, sizeof *s);

    /* Regions and products by code. */
    s->nregions = spec->nregions;
    s->regions = NEW(a, s->nregions, qe_region);
    for (int i = 0; i < s->nregions; i++)
        s->regions[i].code = spec->regions[i];
    qsort(s->regions, (size_t)s->nregions, sizeof *s->regions, cmp_code);
    s->nproducts = spec->nproducts;
    s->products = NEW(a, s->nproducts, qe_product);
    for (int i = 0; i < s->nproducts; i++)
        s->products[i] = (qe_product){.code = spec->products[i].code,
                                      .category = spec->products[i].category};
    qsort(s->products, (size_t)s->nproducts, sizeof *s->products, cmp_code);
    for (int i = 0; i < s->nproducts; i++) {
        int n = (s->nregions ? s->nregions : 1) * QE_NMODES;
        s->products[i].price = NEW(a, n, int64_t);
        for (int j = 0; j < n; j++)
            s->products[i].price[j] = -1;
    }
    for (int i = 0; i < spec->nprices; i++) {
        const qf_price *pr = &spec->prices[i];
        int p = qf_product_at(s, pr->product), r = qf_region_at(s, pr->region);
        s->products[p].price[r * QE_NMODES + pr->mode] = pr->unit;
    }

    /* Packs by id. */
    s->npacks = spec->npacks;
    s->packs = NEW(a, s->npacks, qe_pack);
    for (int i = 0; i < s->npacks; i++) {
        const qf_pack *pk = &spec->packs[i];
        s->packs[i] = (qe_pack){.id = pk->id, .nitems = pk->nitems, .price = pk->price,
                                .discount_bp = pk->discount_bp};
    }
    qsort(s->packs, (size_t)s->npacks, sizeof *s->packs, cmp_code);
    for (int i = 0; i < s->npacks; i++) {
        const qf_pack *pk = NULL;
        for (int j = 0; j < spec->npacks; j++)
            if (strcmp(spec->packs[j].id, s->packs[i].id) == 0)
                pk = &spec->packs[j];
        s->packs[i].items = NEW(a, pk->nitems, qe_pack_item);
        for (int j = 0; j < pk->nitems; j++)
            s->packs[i].items[j] = (qe_pack_item){.product = qf_product_at(s, pk->items[j].product),
                                                  .mode = pk->items[j].mode,
                                                  .quantity = pk->items[j].quantity,
                                                  .months = pk->items[j].months};
    }

    /* Campaigns by id. */
    s->ncampaigns = spec->ncampaigns;
    s->campaigns = NEW(a, s->ncampaigns, qe_campaign);
    for (int i = 0; i < s->ncampaigns; i++) {
        const qf_campaign *c = &spec->campaigns[i];
        s->campaigns[i] = (qe_campaign){
            .id = c->id,
            .name = {c->id, c->id},
            .starts_at = c->starts_at,
            .ends_at = c->ends_at ? c->ends_at : INT64_MAX,
            .published = !c->draft,
            .new_only = c->new_only,
            .regions = region_bits(a, s, c->regions),
            .industries = c->industries,
            .sizes = c->sizes,
        };
    }
    qsort(s->campaigns, (size_t)s->ncampaigns, sizeof *s->campaigns, cmp_code);

    /* Policies by (lane, id), then the index. */
    s->npolicies = spec->npolicies;
    sorted_policy *sp = NEW(a, s->npolicies, sorted_policy);
    for (int i = 0; i < s->npolicies; i++) {
        const qf_policy *r = &spec->policies[i];
        int c = campaign_find(s, r->campaign);
        cr_assert_geq(c, 0, "fixture: unknown campaign %s", r->campaign);
        sp[i].row = r;
        sp[i].p = (qe_policy){
            .id = r->id,
            .campaign = c,
            .name = {r->id, r->id},
            .lane = r->lane,
            .regions = region_bits(a, s, r->regions),
            .industries = r->industries,
            .sizes = r->sizes,
            .categories = r->categories,
            .modes = r->modes,
            .order_types = r->order_types,
            .new_only = r->new_only,
            .min_quantity = r->min_quantity,
            .min_line = r->min_line,
            .min_order = r->min_order,
            .effect = r->effect,
            .value = r->value,
            .per_org_limit = r->per_org_limit,
            .total_limit = r->total_limit,
            .budget = r->budget,
            .used = r->used,
            .spent = r->spent,
        };
    }
    qsort(sp, (size_t)s->npolicies, sizeof *sp, cmp_policy);
    s->policies = NEW(a, s->npolicies, qe_policy);
    qe_scope *scopes = NEW(a, s->npolicies, qe_scope);
    for (int i = 0; i < s->npolicies; i++) {
        s->policies[i] = sp[i].p;
        const qf_policy *r = sp[i].row;
        int *prods = NEW(a, r->products ? (int)strlen(r->products) / 2 + 1 : 1, int);
        int *packs = NEW(a, r->packs ? (int)strlen(r->packs) / 2 + 1 : 1, int);
        scopes[i].nproducts = code_list(s, r->products, qe_product_find, "product", prods);
        scopes[i].npacks = code_list(s, r->packs, qe_pack_find, "pack", packs);
        scopes[i].products = prods;
        scopes[i].packs = packs;
    }
    err_ctx e = {0};
    cr_assert_eq(quote_index_build(s, scopes, a, &e), 0, "fixture: index: %s", e.detail);
}

int qf_region_at(const qe_snapshot *s, const char *code)
{
    int i = qe_region_find(s, code);
    cr_assert_geq(i, 0, "fixture: unknown region %s", code);
    return i;
}

int qf_product_at(const qe_snapshot *s, const char *code)
{
    int i = qe_product_find(s, code);
    cr_assert_geq(i, 0, "fixture: unknown product %s", code);
    return i;
}

int qf_pack_at(const qe_snapshot *s, const char *id)
{
    int i = qe_pack_find(s, id);
    cr_assert_geq(i, 0, "fixture: unknown pack %s", id);
    return i;
}

int qf_policy_index(const qe_snapshot *s, const char *id)
{
    int i = qe_policy_find(s, id);
    cr_assert_geq(i, 0, "fixture: unknown policy %s", id);
    return i;
}

qe_line_in qf_product_line(const qe_snapshot *s, const char *product, const char *region, int mode,
                           int64_t quantity, int64_t months, int64_t hours)
{
    return (qe_line_in){.product = qf_product_at(s, product), .pack = -1,
                        .region = qf_region_at(s, region), .mode = mode,
                        .quantity = quantity, .months = months, .hours = hours};
}

qe_line_in qf_pack_line(const qe_snapshot *s, const char *pack, const char *region,
                        int64_t quantity)
{
    return (qe_line_in){.product = -1, .pack = qf_pack_at(s, pack), .region = qf_region_at(s, region),
                        .mode = QE_MONTHLY, .quantity = quantity};
}
