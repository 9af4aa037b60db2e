/*
 * catalog.h: what the provider sells: regions, products with their list
 * prices per region and billing mode, and scenario packs (bundles of
 * product items for an industry scenario, sold at a pack price or at a
 * discount off the items' list prices).
 *
 * Validation (catalog_rules.c) is pure; storage (catalog_store.c) runs the
 * SQL and the checks that need the database (does the region exist, is
 * the code taken). Every write also bumps the quote engine's change
 * version in the same transaction, so that every instance reprices with
 * the new catalog. Field names in errors are the API's JSON paths
 * (prices[2].region, items[0].product).
 *
 * Who may write is the route table's business (operators only); the
 * catalog itself is public, so these functions take no actor.
 */
#ifndef COCLOUD_CATALOG_H
#define COCLOUD_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/text.h"
#include "base/jsonv.h"
#include "db/db.h"

#define CATALOG_CODE_MIN 2
#define CATALOG_CODE_MAX 64
#define CATALOG_NAME_MAX 200
#define CATALOG_DESCRIPTION_MAX 2000
#define CATALOG_UNIT_MAX 20
#define CATALOG_PRICES_MAX 300 /* per product: 100 regions x 3 modes */
#define CATALOG_ITEMS_MAX 20
#define CATALOG_QUANTITY_MAX 100000
#define CATALOG_MONTHS_MAX 60
#define CATALOG_UNIT_PRICE_MAX INT64_C(1000000000)
#define CATALOG_PACK_PRICE_MAX INT64_C(10000000000)
#define CATALOG_BP_MAX 10000
/* The quote engine indexes regions in a fixed bit set (QE_MAX_REGIONS). */
#define CATALOG_REGIONS_MAX 256
#define CATALOG_PAGE_MAX 100
#define CATALOG_PAGE_DEFAULT 50

/* NULL-terminated vocabularies; the codes are the API's words. The order
 * of catalog_billing_modes is the bit order of catalog_product.modes. */
extern const char *const catalog_areas[];
extern const char *const catalog_categories[];
extern const char *const catalog_billing_modes[];

/* Pack industries: an org industry (account_industries) or "overseas". */
bool catalog_pack_industry_ok(const char *v);

/* A code like cn-north-4, ecs.general, ecommerce-promo. */
bool catalog_code_ok(const char *v);

/* Bit of a billing mode in catalog_product.modes, 0 if unknown. */
unsigned catalog_mode_bit(const char *mode);

/* Text in both languages (base/text.h). */
typedef text_i18n catalog_text;

typedef struct catalog_region {
    const char *code, *area;
    catalog_text name;
    int64_t created_at, updated_at;
} catalog_region;

typedef struct catalog_region_input {
    const char *code, *area;
    catalog_text name;
} catalog_region_input;

typedef struct catalog_price {
    const char *region, *billing_mode;
    int64_t unit_price;
} catalog_price;

typedef struct catalog_price_input {
    const char *region, *billing_mode;
    jv_int unit_price;
} catalog_price_input;

typedef struct catalog_product {
    const char *code, *category;
    catalog_text name, unit; /* unit: what one unit is (台 / instance, GB, Mbps ...) */
    unsigned modes; /* bits of catalog_billing_modes */
    int nprices;
    catalog_price *prices; /* by region, then mode */
    int64_t created_at, updated_at;
} catalog_product;

typedef struct catalog_product_input {
    const char *code, *category;
    catalog_text name, unit;
    jv_strings billing_modes;
    bool prices_set;
    size_t nprices;
    catalog_price_input *prices;
} catalog_product_input;

typedef struct catalog_pack_item {
    const char *product, *billing_mode;
    int64_t quantity, months;
} catalog_pack_item;

typedef struct catalog_pack_item_input {
    const char *product, *billing_mode;
    jv_int quantity, months;
} catalog_pack_item_input;

typedef struct catalog_pack {
    const char *id, *code, *industry;
    catalog_text scenario, name, description;
    int nitems;
    catalog_pack_item *items;
    int64_t price, discount_bp; /* exactly one is >= 0, the other -1 */
    int64_t created_at, updated_at;
} catalog_pack;

typedef struct catalog_pack_input {
    const char *code, *industry;
    catalog_text scenario, name, description;
    bool items_set;
    size_t nitems;
    catalog_pack_item_input *items;
    /* pricing: price or discount_bp was named in the body (even as null);
     * a null counts as absent, so a PATCH can switch from one to the other. */
    bool pricing;
    jv_int price, discount_bp;
} catalog_pack_input;

/* Pure checks. partial: only present fields are checked (PATCH), and a
 * code present is "cannot be changed". Errors are added to e; each
 * returns e->code. */
int catalog_check_region(const catalog_region_input *in, bool partial, err_ctx *e);
int catalog_check_product(const catalog_product_input *in, bool partial, err_ctx *e);
int catalog_check_pack(const catalog_pack_input *in, bool partial, err_ctx *e);

/* Checks that every price's billing mode is among modes (the product's);
 * the product check does this itself when billing_modes is in the input. */
int catalog_check_price_modes(const catalog_price_input *prices, size_t n, unsigned modes,
                              err_ctx *e);

/* Regions, by code. No paging: there are at most CATALOG_REGIONS_MAX. */
int catalog_region_list(db_conn *c, arena *a, catalog_region **items, int *n, err_ctx *e);
/* ERR_CONFLICT (field code) when the code is taken. */
int catalog_region_create(db_conn *c, arena *a, const catalog_region_input *in,
                          catalog_region *out, err_ctx *e);
int catalog_region_update(db_conn *c, arena *a, const char *code,
                          const catalog_region_input *in, catalog_region *out, err_ctx *e);

typedef struct catalog_page {
    int limit;
    const char *after; /* a product code, or NULL for the first page */
} catalog_page;

typedef struct catalog_product_filter {
    const char *category; /* NULL: any */
    const char *region;   /* NULL: any; else products with a price there */
} catalog_product_filter;

/* A page of products in code order. ERR_BAD_REQUEST naming the parameter
 * when a filter value is unknown or after is not a product code. next is
 * the cursor of the following page, or NULL on the last one. */
int catalog_product_list(db_conn *c, arena *a, const catalog_product_filter *f, catalog_page pg,
                         catalog_product **items, int *n, const char **next, err_ctx *e);
int catalog_product_get(db_conn *c, arena *a, const char *code, catalog_product *out,
                        err_ctx *e);
/* An unknown region in prices is ERR_VALIDATION on prices[i].region. */
int catalog_product_create(db_conn *c, arena *a, const catalog_product_input *in,
                           catalog_product *out, err_ctx *e);
/* prices, when given, replace all prices. Dropping a billing mode that a
 * remaining price or a pack item uses is ERR_VALIDATION on billing_modes. */
int catalog_product_update(db_conn *c, arena *a, const char *code,
                           const catalog_product_input *in, catalog_product *out, err_ctx *e);

/* Packs by code; industry NULL for all (ERR_BAD_REQUEST when unknown). */
int catalog_pack_list(db_conn *c, arena *a, const char *industry, catalog_pack **items, int *n,
                      err_ctx *e);
int catalog_pack_get(db_conn *c, arena *a, const char *id, catalog_pack *out, err_ctx *e);
/* An unknown product is ERR_VALIDATION on items[i].product, a billing mode
 * the product does not have on items[i].billing_mode. */
int catalog_pack_create(db_conn *c, arena *a, const catalog_pack_input *in, catalog_pack *out,
                        err_ctx *e);
/* items, when given, replace all items. */
int catalog_pack_update(db_conn *c, arena *a, const char *id, const catalog_pack_input *in,
                        catalog_pack *out, err_ctx *e);

#endif
