/*
 * h_catalog.c: handlers for regions, products and scenario packs. Reads
 * are public; writes are operator-only (route table). After a write the
 * local quote engine is refreshed at once, so this instance's next quote
 * already prices with the change (other instances follow on their poll).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/http.h"
#include "api/jsonout.h"
#include "campaign/engine.h"
#include "catalog/catalog.h"

/* ---- JSON out --------------------------------------------------------- */


static json_t *region_json(const catalog_region *g)
{
    return json_pack("{s:s, s:o, s:s}", "code", g->code, "name", jo_text(&g->name), "area",
                     g->area);
}

static json_t *product_json(const catalog_product *p)
{
    json_t *modes = json_array(), *prices = json_array();
    for (int i = 0; modes && catalog_billing_modes[i]; i++)
        if (p->modes & (1u << i))
            json_array_append_new(modes, json_string(catalog_billing_modes[i]));
    for (int i = 0; prices && i < p->nprices; i++)
        json_array_append_new(prices, json_pack("{s:s, s:s, s:I}", "region", p->prices[i].region,
                                                "billing_mode", p->prices[i].billing_mode,
                                                "unit_price", (json_int_t)p->prices[i].unit_price));
    return json_pack("{s:s, s:o, s:s, s:o, s:o, s:o}", "code", p->code, "name",
                     jo_text(&p->name), "category", p->category, "unit", jo_text(&p->unit),
                     "billing_modes", modes, "prices", prices);
}

/* An amount that may be absent: -1 in the struct, null in JSON. */
static json_t *opt_json(int64_t v) { return v < 0 ? json_null() : json_integer(v); }

static json_t *pack_json(const catalog_pack *p)
{
    json_t *items = json_array();
    for (int i = 0; items && i < p->nitems; i++) {
        const catalog_pack_item *it = &p->items[i];
        json_array_append_new(items, json_pack("{s:s, s:s, s:I, s:I}", "product", it->product,
                                               "billing_mode", it->billing_mode, "quantity",
                                               (json_int_t)it->quantity, "months",
                                               (json_int_t)it->months));
    }
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", p->id, "code",
                     p->code, "industry", p->industry, "scenario", jo_text(&p->scenario),
                     "name", jo_text(&p->name), "description", jo_text(&p->description),
                     "items", items, "price", opt_json(p->price), "discount_bp",
                     opt_json(p->discount_bp));
}

/* ---- JSON in ---------------------------------------------------------- */

static const jv_field text_fields[] = {
    {"zh", JV_STRING, JV_REQUIRED, offsetof(catalog_text, zh), 0, NULL},
    {"en", JV_STRING, JV_REQUIRED, offsetof(catalog_text, en), 0, NULL},
    JV_END,
};

static const jv_field price_fields[] = {
    {"region", JV_STRING, JV_REQUIRED, offsetof(catalog_price_input, region), 0, NULL},
    {"billing_mode", JV_STRING, JV_REQUIRED, offsetof(catalog_price_input, billing_mode), 0,
     NULL},
    {"unit_price", JV_INT, JV_REQUIRED, offsetof(catalog_price_input, unit_price), 0, NULL},
    JV_END,
};

static const jv_field item_fields[] = {
    {"product", JV_STRING, JV_REQUIRED, offsetof(catalog_pack_item_input, product), 0, NULL},
    {"billing_mode", JV_STRING, JV_REQUIRED, offsetof(catalog_pack_item_input, billing_mode), 0,
     NULL},
    {"quantity", JV_INT, JV_REQUIRED, offsetof(catalog_pack_item_input, quantity), 0, NULL},
    {"months", JV_INT, JV_REQUIRED, offsetof(catalog_pack_item_input, months), 0, NULL},
    JV_END,
};

/* An array of objects (a JV_ANY field): each item is decoded with its
 * own table under the path "key[i]". *set tells whether the key was
 * there; a list over max is reported and not decoded. */
typedef struct list_spec {
    const char *key;
    const jv_field *fields;
    size_t size, max;
    bool *set;
    size_t *n;
    void **items;
} list_spec;

static int decode_list(req *r, const json_t *v, const list_spec *ls)
{
    if (!v)
        return 0;
    if (!json_is_array(v))
        return err_field_add(&r->err, ls->key, "must be an array");
    size_t n = json_array_size(v);
    if (n > ls->max)
        return err_field_add(&r->err, ls->key, "must have at most %zu items", ls->max);
    char *base = arena_alloc(r->a, (n ? n : 1) * ls->size);
    if (!base)
        return err_set(&r->err, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        char path[ERR_FIELD_LEN];
        snprintf(path, sizeof path, "%s[%zu]", ls->key, i);
        int rc = jv_decode(r->a, json_array_get(v, i), path, ls->fields, base + i * ls->size,
                           &r->err);
        if (rc && rc != ERR_VALIDATION)
            return rc;
    }
    *ls->set = true;
    *ls->n = n;
    *ls->items = base;
    return r->err.code;
}

/* An integer that may be null (a JV_ANY field): null counts as absent. */
static void nullable_int(req *r, const json_t *v, const char *field, jv_int *out)
{
    if (!v || json_is_null(v))
        return;
    if (!json_is_integer(v))
        err_field_add(&r->err, field, "must be an integer");
    else
        *out = (jv_int){true, json_integer_value(v)};
}

/* After a committed write: this instance's quotes see it at once. A
 * failure here is not the client's: the poller catches up within a second. */
static void refresh_engine(req *r)
{
    err_ctx ignore = {0};
    engine_refresh_now(r->app->engine, &ignore);
}

/* ---- regions ---------------------------------------------------------- */

#define REGION_FIELDS(required)                                                           \
    {"code", JV_STRING, required, offsetof(catalog_region_input, code), 0, NULL},          \
    {"name", JV_OBJECT, required, offsetof(catalog_region_input, name), 0, text_fields},   \
    {"area", JV_STRING, required, offsetof(catalog_region_input, area), 0, NULL}, JV_END

int h_region_list(req *r)
{
    catalog_region *items;
    int n;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = catalog_region_list(c, r->a, &items, &n, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, region_json(&items[i]));
    return req_list(r, list, NULL);
}

int h_region_create(req *r)
{
    static const jv_field fields[] = {REGION_FIELDS(JV_REQUIRED)};
    catalog_region_input in = {0};
    catalog_region out = {0};
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = catalog_region_create(c, r->a, &in, &out, &r->err)))
        return rc;
    refresh_engine(r);
    req_header(r, "Location", arena_printf(r->a, "/api/v1/regions/%s", out.code));
    return req_json(r, 201, region_json(&out));
}

int h_region_update(req *r)
{
    static const jv_field fields[] = {REGION_FIELDS(0)};
    catalog_region_input in = {0};
    catalog_region out = {0};
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = catalog_region_update(c, r->a, r->params[0], &in, &out, &r->err)))
        return rc;
    refresh_engine(r);
    return req_json(r, 200, region_json(&out));
}

/* ---- products --------------------------------------------------------- */

/* The body: the input plus the list jsonv cannot describe. */
typedef struct product_body {
    catalog_product_input in;
    const json_t *prices;
} product_body;

#define PRODUCT_FIELDS(required)                                                        \
    {"code", JV_STRING, required, offsetof(product_body, in.code), 0, NULL},             \
    {"name", JV_OBJECT, required, offsetof(product_body, in.name), 0, text_fields},      \
    {"category", JV_STRING, required, offsetof(product_body, in.category), 0, NULL},     \
    {"unit", JV_OBJECT, required, offsetof(product_body, in.unit), 0, text_fields},      \
    {"billing_modes", JV_STRINGS, required, offsetof(product_body, in.billing_modes), 8, \
     NULL},                                                                               \
    {"prices", JV_ANY, 0, offsetof(product_body, prices), 0, NULL}, JV_END

/* Like req_decode: ERR_VALIDATION with every field problem in r->err, and
 * callers go on so that the rules report the rest too. */
static int product_decode(req *r, const jv_field *fields, product_body *b)
{
    catalog_product_input *in = &b->in;
    list_spec prices = {"prices", price_fields, sizeof(catalog_price_input), CATALOG_PRICES_MAX,
                        &in->prices_set, &in->nprices, (void **)&in->prices};
    int rc = req_decode(r, fields, b);
    if (rc && rc != ERR_VALIDATION)
        return rc;
    rc = decode_list(r, b->prices, &prices);
    return rc ? rc : r->err.code;
}

/* ?limit=1..100 (default 50) and ?after=<product code>. req_page does not
 * fit: its cursor is an id, and codes may be longer. */
static int product_page(req *r, catalog_page *pg)
{
    const char *limit = req_query(r, "limit");
    pg->limit = CATALOG_PAGE_DEFAULT;
    pg->after = req_query(r, "after");
    if (limit) {
        char *end;
        errno = 0;
        long v = strtol(limit, &end, 10);
        if (errno || *end || end == limit || v < 1 || v > CATALOG_PAGE_MAX)
            return err_param(&r->err, "limit", "must be an integer from 1 to 100");
        pg->limit = (int)v;
    }
    if (pg->after && !catalog_code_ok(pg->after))
        return err_param(&r->err, "after", "is not a cursor from this list");
    return 0;
}

int h_product_list(req *r)
{
    catalog_page pg;
    catalog_product_filter f = {req_query(r, "category"), req_query(r, "region")};
    catalog_product *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = product_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = catalog_product_list(c, r->a, &f, pg, &items, &n, &next, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, product_json(&items[i]));
    return req_list(r, list, next);
}

int h_product_get(req *r)
{
    catalog_product p = {0};
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = catalog_product_get(c, r->a, r->params[0], &p, &r->err)))
        return rc;
    return req_json(r, 200, product_json(&p));
}

int h_product_create(req *r)
{
    static const jv_field fields[] = {PRODUCT_FIELDS(JV_REQUIRED)};
    product_body b = {0};
    catalog_product out = {0};
    db_conn *c;
    int rc = product_decode(r, fields, &b);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = catalog_product_create(c, r->a, &b.in, &out, &r->err)))
        return rc;
    refresh_engine(r);
    req_header(r, "Location", arena_printf(r->a, "/api/v1/products/%s", out.code));
    return req_json(r, 201, product_json(&out));
}

int h_product_update(req *r)
{
    static const jv_field fields[] = {PRODUCT_FIELDS(0)};
    product_body b = {0};
    catalog_product out = {0};
    db_conn *c;
    int rc = product_decode(r, fields, &b);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = catalog_product_update(c, r->a, r->params[0], &b.in, &out, &r->err)))
        return rc;
    refresh_engine(r);
    return req_json(r, 200, product_json(&out));
}

/* ---- packs ------------------------------------------------------------ */

typedef struct pack_body {
    catalog_pack_input in;
    const json_t *items, *price, *discount_bp;
} pack_body;

#define PACK_FIELDS(required)                                                              \
    {"code", JV_STRING, required, offsetof(pack_body, in.code), 0, NULL},                   \
    {"industry", JV_STRING, required, offsetof(pack_body, in.industry), 0, NULL},           \
    {"scenario", JV_OBJECT, required, offsetof(pack_body, in.scenario), 0, text_fields},    \
    {"name", JV_OBJECT, required, offsetof(pack_body, in.name), 0, text_fields},            \
    {"description", JV_OBJECT, 0, offsetof(pack_body, in.description), 0, text_fields},     \
    {"items", JV_ANY, 0, offsetof(pack_body, items), 0, NULL},                              \
    {"price", JV_ANY, 0, offsetof(pack_body, price), 0, NULL},                              \
    {"discount_bp", JV_ANY, 0, offsetof(pack_body, discount_bp), 0, NULL}, JV_END

static int pack_decode(req *r, const jv_field *fields, pack_body *b)
{
    catalog_pack_input *in = &b->in;
    list_spec items = {"items", item_fields, sizeof(catalog_pack_item_input), CATALOG_ITEMS_MAX,
                       &in->items_set, &in->nitems, (void **)&in->items};
    int rc = req_decode(r, fields, b);
    if (rc && rc != ERR_VALIDATION)
        return rc;
    /* null is how a pack shows the pricing it does not use, so a body may
     * send it back as it came; naming either key (even as null) sets the
     * pricing anew. */
    in->pricing = b->price || b->discount_bp;
    nullable_int(r, b->price, "price", &in->price);
    nullable_int(r, b->discount_bp, "discount_bp", &in->discount_bp);
    rc = decode_list(r, b->items, &items);
    return rc ? rc : r->err.code;
}

int h_pack_list(req *r)
{
    catalog_pack *items;
    int n;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = catalog_pack_list(c, r->a, req_query(r, "industry"), &items, &n, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, pack_json(&items[i]));
    return req_list(r, list, NULL);
}

int h_pack_get(req *r)
{
    catalog_pack p = {0};
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = catalog_pack_get(c, r->a, r->params[0], &p, &r->err)))
        return rc;
    return req_json(r, 200, pack_json(&p));
}

int h_pack_create(req *r)
{
    static const jv_field fields[] = {PACK_FIELDS(JV_REQUIRED)};
    pack_body b = {0};
    catalog_pack out = {0};
    db_conn *c;
    int rc = pack_decode(r, fields, &b);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = catalog_pack_create(c, r->a, &b.in, &out, &r->err)))
        return rc;
    refresh_engine(r);
    req_header(r, "Location", arena_printf(r->a, "/api/v1/packs/%s", out.id));
    return req_json(r, 201, pack_json(&out));
}

int h_pack_update(req *r)
{
    static const jv_field fields[] = {PACK_FIELDS(0)};
    pack_body b = {0};
    catalog_pack out = {0};
    db_conn *c;
    int rc = pack_decode(r, fields, &b);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = catalog_pack_update(c, r->a, r->params[0], &b.in, &out, &r->err)))
        return rc;
    refresh_engine(r);
    return req_json(r, 200, pack_json(&out));
}
