/*
 * demo_catalog.h: the demo's catalog and program, modelled on the seeds:
 * regions, 40+ products with list prices per region, industry scenario
 * packs, the 2021 "Exclusive Month · Industry Deep-dive" campaign, a live
 * going-global campaign around the moment of seeding, and a draft.
 *
 * The tables live in demo_catalog_data.c; demo_catalog.c writes them (and
 * the campaigns) in one transaction when the regions table is empty.
 */
#ifndef COCLOUD_DEMO_CATALOG_H
#define COCLOUD_DEMO_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"

/* Seeds everything when the regions table is empty, in one write
 * transaction that also bumps the quote engine's version; otherwise does
 * nothing (a second start changes nothing). now (Unix ms) places the live
 * and draft campaigns. */
int demo_catalog_seed(db *d, int64_t now, err_ctx *e);

/* ---- the tables (demo_catalog_data.c) ---- */

typedef struct demo_region {
    const char *code, *name_zh, *name_en, *area;
    int price_bp; /* list prices here, in basis points of the reference (cn-north-4) */
} demo_region;

/* Yearly price = DEMO_Y10 means ten times the monthly price. */
#define DEMO_Y10 (-1)

typedef struct demo_product {
    const char *code, *name_zh, *name_en, *category, *unit_zh, *unit_en;
    int64_t on_demand, monthly, yearly; /* reference prices in fen; 0 = mode not offered */
    uint32_t regions;                   /* bit i: sold in demo_regions[i] */
} demo_product;

typedef struct demo_pack_item {
    const char *product, *billing_mode;
    int64_t quantity;
    int months;
} demo_pack_item;

#define DEMO_PACK_MAX_ITEMS 6

typedef struct demo_pack {
    const char *code, *industry, *scenario_zh, *scenario_en, *name_zh, *name_en;
    const char *description_zh, *description_en;
    int64_t price;   /* > 0: the price of one pack, else */
    int discount_bp; /* the discount off the items' list prices */
    demo_pack_item items[DEMO_PACK_MAX_ITEMS]; /* ended by a NULL product */
} demo_pack;

extern const demo_region demo_regions[];
extern const size_t demo_nregions;
extern const demo_product demo_products[];
extern const size_t demo_nproducts;
extern const demo_pack demo_packs[];
extern const size_t demo_npacks;

/* The list price of p in region r for a billing mode (0 on_demand,
 * 1 monthly, 2 yearly), or -1 when it is not sold there that way. */
int64_t demo_price(const demo_product *p, size_t r, int mode);

#endif
