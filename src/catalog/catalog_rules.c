/*
 * catalog_rules.c: the catalog's vocabularies and the pure validation of
 * regions, products (with their prices) and packs. No I/O here; unit tests
 * call these directly. What needs the database (unknown region or product,
 * a taken code) is catalog_store.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "base/text.h"
#include "catalog/catalog.h"

const char *const catalog_areas[] = {"domestic", "overseas", NULL};
const char *const catalog_categories[] = {"compute",   "container", "storage",    "network",
                                          "cdn",       "database",  "ai",         "media",
                                          "analytics", "middleware", "devops",    "security",
                                          "other",     NULL};
const char *const catalog_billing_modes[] = {"on_demand", "monthly", "yearly", NULL};

bool catalog_pack_industry_ok(const char *v)
{
    return v && (text_index(account_industries, v) >= 0 || strcmp(v, "overseas") == 0);
}

bool catalog_code_ok(const char *v)
{
    size_t n = strlen(v);
    if (n < CATALOG_CODE_MIN || n > CATALOG_CODE_MAX)
        return false;
    for (const char *p = v; *p; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (!alnum && (p == v || (*p != '.' && *p != '-')))
            return false;
    }
    return true;
}

unsigned catalog_mode_bit(const char *mode)
{
    int i = mode ? text_index(catalog_billing_modes, mode) : -1;
    return i < 0 ? 0 : 1u << i;
}

static void item_field(char *out, size_t n, const char *list, size_t i, const char *name)
{
    if (name)
        snprintf(out, n, "%s[%zu].%s", list, i, name);
    else
        snprintf(out, n, "%s[%zu]", list, i);
}

static bool check_enum(const char *v, const char *const *list, const char *field, err_ctx *e)
{
    if (text_index(list, v) >= 0)
        return true;
    char words[200];
    text_join(list, words, sizeof words);
    err_field_add(e, field, "must be one of: %s", words);
    return false;
}

static void check_code(const char *v, const char *field, const char *what, err_ctx *e)
{
    if (!catalog_code_ok(v))
        err_field_add(e, field,
                      "must be a %s code: %d to %d lowercase letters, digits, dots and dashes,"
                      " starting with a letter or digit",
                      what, CATALOG_CODE_MIN, CATALOG_CODE_MAX);
}

/* The code is the key: required on create, fixed afterwards. */
static void check_key(const char *code, bool partial, const char *what, err_ctx *e)
{
    if (partial) {
        if (code)
            err_field_add(e, "code", "cannot be changed");
    } else if (!code) {
        err_field_add(e, "code", "is required");
    } else {
        check_code(code, "code", what, e);
    }
}

static void check_name(const catalog_text *name, bool partial, err_ctx *e)
{
    text_check_i18n(name, "name", !partial, false, CATALOG_NAME_MAX, e);
}

int catalog_check_region(const catalog_region_input *in, bool partial, err_ctx *e)
{
    check_key(in->code, partial, "region", e);
    check_name(&in->name, partial, e);
    if (in->area)
        check_enum(in->area, catalog_areas, "area", e);
    else if (!partial)
        err_field_add(e, "area", "is required");
    return e->code;
}

/* Billing modes as bits; 0 when the list is not usable (errors reported). */
static unsigned check_modes(const jv_strings *m, err_ctx *e)
{
    unsigned bits = 0;
    bool ok = true;
    if (m->n == 0) {
        err_field_add(e, "billing_modes", "must not be empty");
        return 0;
    }
    for (size_t i = 0; i < m->n; i++) {
        char f[ERR_FIELD_LEN];
        snprintf(f, sizeof f, "billing_modes[%zu]", i);
        if (!m->v[i]) { /* already reported as not a string */
            ok = false;
            continue;
        }
        unsigned bit = catalog_mode_bit(m->v[i]);
        if (!check_enum(m->v[i], catalog_billing_modes, f, e))
            ok = false;
        else if (bits & bit) {
            err_field_add(e, f, "is listed twice");
            ok = false;
        }
        bits |= bit;
    }
    return ok ? bits : 0;
}

int catalog_check_price_modes(const catalog_price_input *prices, size_t n, unsigned modes,
                              err_ctx *e)
{
    for (size_t i = 0; i < n; i++) {
        char f[ERR_FIELD_LEN];
        unsigned bit = catalog_mode_bit(prices[i].billing_mode);
        if (!bit || (bit & modes))
            continue; /* unknown modes are check_prices' to report */
        item_field(f, sizeof f, "prices", i, "billing_mode");
        err_field_add(e, f, "must be one of the product's billing_modes");
    }
    return e->code;
}

static void check_prices(const catalog_product_input *in, unsigned modes, err_ctx *e)
{
    char f[ERR_FIELD_LEN];
    if (in->nprices > CATALOG_PRICES_MAX) {
        err_field_add(e, "prices", "must have at most %d items", CATALOG_PRICES_MAX);
        return;
    }
    for (size_t i = 0; i < in->nprices; i++) {
        const catalog_price_input *p = &in->prices[i];
        item_field(f, sizeof f, "prices", i, "region");
        if (!p->region)
            err_field_add(e, f, "is required");
        else
            check_code(p->region, f, "region", e);
        item_field(f, sizeof f, "prices", i, "billing_mode");
        if (!p->billing_mode)
            err_field_add(e, f, "is required");
        else
            check_enum(p->billing_mode, catalog_billing_modes, f, e);
        item_field(f, sizeof f, "prices", i, "unit_price");
        if (!p->unit_price.set)
            err_field_add(e, f, "is required");
        else
            jv_int_range(&p->unit_price, 0, CATALOG_UNIT_PRICE_MAX, f, e);
        for (size_t j = 0; j < i && p->region && p->billing_mode; j++) {
            const catalog_price_input *q = &in->prices[j];
            if (q->region && q->billing_mode && strcmp(p->region, q->region) == 0 &&
                strcmp(p->billing_mode, q->billing_mode) == 0) {
                item_field(f, sizeof f, "prices", i, NULL);
                err_field_add(e, f, "is listed twice (same region and billing_mode)");
                break;
            }
        }
    }
    if (modes)
        catalog_check_price_modes(in->prices, in->nprices, modes, e);
}

int catalog_check_product(const catalog_product_input *in, bool partial, err_ctx *e)
{
    unsigned modes = 0;
    check_key(in->code, partial, "product", e);
    check_name(&in->name, partial, e);
    if (in->category)
        check_enum(in->category, catalog_categories, "category", e);
    else if (!partial)
        err_field_add(e, "category", "is required");
    text_check_i18n(&in->unit, "unit", !partial, false, CATALOG_UNIT_MAX, e);
    if (in->billing_modes.set)
        modes = check_modes(&in->billing_modes, e);
    else if (!partial)
        err_field_add(e, "billing_modes", "is required");
    if (in->prices_set)
        check_prices(in, modes, e);
    return e->code;
}

static void check_item(const catalog_pack_item_input *it, size_t i, err_ctx *e)
{
    char f[ERR_FIELD_LEN];
    item_field(f, sizeof f, "items", i, "product");
    if (!it->product)
        err_field_add(e, f, "is required");
    else
        check_code(it->product, f, "product", e);
    item_field(f, sizeof f, "items", i, "billing_mode");
    bool yearly = false;
    if (!it->billing_mode)
        err_field_add(e, f, "is required");
    else if (check_enum(it->billing_mode, catalog_billing_modes, f, e))
        yearly = strcmp(it->billing_mode, "yearly") == 0;
    item_field(f, sizeof f, "items", i, "quantity");
    if (!it->quantity.set)
        err_field_add(e, f, "is required");
    else
        jv_int_range(&it->quantity, 1, CATALOG_QUANTITY_MAX, f, e);
    item_field(f, sizeof f, "items", i, "months");
    if (!it->months.set)
        err_field_add(e, f, "is required");
    else if (it->months.v < 1 || it->months.v > CATALOG_MONTHS_MAX)
        jv_int_range(&it->months, 1, CATALOG_MONTHS_MAX, f, e);
    else if (yearly && it->months.v % 12 != 0)
        err_field_add(e, f, "must be a multiple of 12 for yearly billing");
}

/* A pack is priced one way: its own price, or a discount off its items. */
static void check_pricing(const catalog_pack_input *in, err_ctx *e)
{
    if (in->price.set && in->discount_bp.set)
        err_field_add(e, "discount_bp", "must not be given with price");
    else if (!in->price.set && !in->discount_bp.set)
        err_field_add(e, "price", "is required unless discount_bp is given");
    else if (in->price.set)
        jv_int_range(&in->price, 0, CATALOG_PACK_PRICE_MAX, "price", e);
    else
        jv_int_range(&in->discount_bp, 0, CATALOG_BP_MAX, "discount_bp", e);
}

int catalog_check_pack(const catalog_pack_input *in, bool partial, err_ctx *e)
{
    check_key(in->code, partial, "pack", e);
    if (in->industry) {
        if (!catalog_pack_industry_ok(in->industry)) {
            char words[200];
            text_join(account_industries, words, sizeof words);
            err_field_add(e, "industry", "must be one of: %s, overseas", words);
        }
    } else if (!partial) {
        err_field_add(e, "industry", "is required");
    }
    text_check_i18n(&in->scenario, "scenario", !partial, false, CATALOG_NAME_MAX, e);
    check_name(&in->name, partial, e);
    text_check_i18n(&in->description, "description", false, true, CATALOG_DESCRIPTION_MAX, e);
    if (in->items_set) {
        if (in->nitems == 0)
            err_field_add(e, "items", "must not be empty");
        else if (in->nitems > CATALOG_ITEMS_MAX)
            err_field_add(e, "items", "must have at most %d items", CATALOG_ITEMS_MAX);
        else
            for (size_t i = 0; i < in->nitems; i++)
                check_item(&in->items[i], i, e);
    } else if (!partial) {
        err_field_add(e, "items", "is required");
    }
    if (!partial || in->pricing)
        check_pricing(in, e);
    return e->code;
}
