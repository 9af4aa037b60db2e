/*
 * qe_fixture.h: builds a quote-engine snapshot in memory from compact C
 * tables, the way src/campaign/engine.c builds one from the database:
 * regions and products sorted by code, packs and campaigns by id, policies
 * by (lane, id), and the candidate index made by quote_index_build.
 *
 * Codes and ids are plain strings; lists of codes (regions, products,
 * packs) are space-separated strings, NULL or "" meaning "no restriction".
 * An unknown code in a table fails the test: it is a typo in the test.
 */
#ifndef COCLOUD_QE_FIXTURE_H
#define COCLOUD_QE_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "campaign/quote.h"

#define QF_MAX_ITEMS 8

typedef struct qf_product {
    const char *code;
    int category; /* index into qe_categories */
} qf_product;

/* One list price; every (product, region, mode) not listed is not sold. */
typedef struct qf_price {
    const char *product, *region;
    int mode;
    int64_t unit;
} qf_price;

typedef struct qf_item {
    const char *product;
    int mode;
    int64_t quantity, months;
} qf_item;

typedef struct qf_pack {
    const char *id;
    int64_t price, discount_bp; /* exactly one is -1 */
    int nitems;
    qf_item items[QF_MAX_ITEMS];
} qf_pack;

/* Zero-initialised fields mean: published, open window (ends_at 0 is read
 * as "never ends"), every region, industry and size, any customer. */
typedef struct qf_campaign {
    const char *id;
    int64_t starts_at, ends_at;
    bool draft, new_only;
    const char *regions;
    uint32_t industries, sizes;
} qf_campaign;

typedef struct qf_policy {
    const char *id, *campaign;
    int lane;
    qe_effect effect;
    int64_t value;
    const char *regions, *products, *packs; /* space-separated codes */
    uint32_t industries, sizes, categories, modes, order_types;
    bool new_only;
    int64_t min_quantity, min_line, min_order;
    int64_t per_org_limit, total_limit, budget, used, spent;
} qf_policy;

typedef struct qf_spec {
    int nregions, nproducts, nprices, npacks, ncampaigns, npolicies;
    const char *const *regions;
    const qf_product *products;
    const qf_price *prices;
    const qf_pack *packs;
    const qf_campaign *campaigns;
    const qf_policy *policies;
} qf_spec;

/* Builds the snapshot into *s; everything comes from a. */
void qf_build(arena *a, const qf_spec *spec, qe_snapshot *s);

/* Index lookups that fail the test when the code is unknown. */
int qf_region_at(const qe_snapshot *s, const char *code);
int qf_product_at(const qe_snapshot *s, const char *code);
int qf_pack_at(const qe_snapshot *s, const char *id);
int qf_policy_index(const qe_snapshot *s, const char *id);

/* A product line and a pack line, by code. */
qe_line_in qf_product_line(const qe_snapshot *s, const char *product, const char *region, int mode,
                           int64_t quantity, int64_t months, int64_t hours);
qe_line_in qf_pack_line(const qe_snapshot *s, const char *pack, const char *region,
                        int64_t quantity);

#endif
