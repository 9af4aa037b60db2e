/*
 * catalog_store.c: the SQL behind regions, products (with their prices)
 * and scenario packs, and the checks that need the database: a region or
 * product named in a body must exist, a code must be free.
 *
 * Every write runs in one transaction (db_transact, so a serialization
 * failure on PostgreSQL retries) that also calls engine_touch: the quote
 * engine of every instance sees the change version move and rebuilds.
 * What a write returns is read back inside that transaction, so it is
 * exactly what a later GET shows.
 */
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "base/text.h"
#include "campaign/engine.h"
#include "catalog/catalog.h"

#define REGION_COLS "code, name_zh, name_en, area, created_at, updated_at"
#define PRODUCT_COLS \
    "code, name_zh, name_en, category, unit_zh, unit_en, billing_modes, created_at, updated_at"
#define PACK_COLS                                                                      \
    "id, code, industry, scenario_zh, scenario_en, name_zh, name_en, description_zh," \
    " description_en, price, discount_bp, created_at, updated_at"
#define PRICE_COLS "product_code, region_code, billing_mode, unit_price"
/* Prices by product, region, then mode in vocabulary order. */
#define PRICE_ORDER                                                                    \
    " ORDER BY product_code, region_code, CASE billing_mode WHEN 'on_demand' THEN 0" \
    " WHEN 'monthly' THEN 1 ELSE 2 END"
/* A generous cap so that "all packs" stays a bounded answer. */
#define PACKS_MAX 1000

static int nomem(err_ctx *e) { return err_set(e, ERR_NOMEM, "out of memory"); }

static const char *dup_col(arena *a, db_stmt *st, int col)
{
    return arena_strdup(a, db_text(st, col));
}

/* The vocabulary's own string for a stored billing mode, so that rows do
 * not copy it; NULL for anything else. */
static const char *mode_word(const char *mode)
{
    int i = mode ? text_index(catalog_billing_modes, mode) : -1;
    return i < 0 ? NULL : catalog_billing_modes[i];
}

static unsigned modes_parse(const char *csv)
{
    unsigned bits = 0;
    char word[32];
    while (csv && *csv) {
        const char *end = strchr(csv, ',');
        size_t n = end ? (size_t)(end - csv) : strlen(csv);
        if (n < sizeof word) {
            memcpy(word, csv, n);
            word[n] = '\0';
            bits |= catalog_mode_bit(word);
        }
        csv = end ? end + 1 : NULL;
    }
    return bits;
}

/* The stored comma form, in vocabulary order whatever the input order. */
static void modes_join(unsigned bits, char out[64])
{
    out[0] = '\0';
    for (int i = 0; catalog_billing_modes[i]; i++)
        if (bits & (1u << i)) {
            if (out[0])
                strcat(out, ",");
            strcat(out, catalog_billing_modes[i]);
        }
}

static unsigned modes_of(const jv_strings *m)
{
    unsigned bits = 0;
    for (size_t i = 0; i < m->n; i++)
        bits |= catalog_mode_bit(m->v[i]);
    return bits;
}

/* Grows an arena array to hold at least need elements (doubling). */
static int grow(arena *a, void **v, size_t size, size_t used, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = arena_alloc(a, ncap * size);
    if (!p)
        return ERR_NOMEM;
    if (used)
        memcpy(p, *v, used * size);
    *v = p;
    *cap = ncap;
    return 0;
}

static int conflict(err_ctx *e, const char *what, const char *code)
{
    err_clear(e);
    err_set(e, ERR_CONFLICT, "a %s with code %s already exists", what, code);
    err_field_add(e, "code", "is already used");
    return e->code = ERR_CONFLICT;
}

/* ---- regions ---------------------------------------------------------- */

static int read_region(arena *a, db_stmt *st, catalog_region *r, err_ctx *e)
{
    *r = (catalog_region){
        .code = dup_col(a, st, 0), .name = {dup_col(a, st, 1), dup_col(a, st, 2)},
        .area = dup_col(a, st, 3), .created_at = db_int(st, 4), .updated_at = db_int(st, 5),
    };
    return r->code && r->name.zh && r->name.en && r->area ? 0 : nomem(e);
}

static int region_load(db_conn *c, arena *a, const char *code, catalog_region *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c, "SELECT " REGION_COLS " FROM regions WHERE code = ?",
                          DB_ARGS(DB_TEXT(code)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no region %s", code);
    if (!rc)
        rc = read_region(a, st, out, e);
    db_done(st);
    return rc;
}

int catalog_region_list(db_conn *c, arena *a, catalog_region **items, int *n, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc, count = 0;
    catalog_region *out = arena_alloc(a, CATALOG_REGIONS_MAX * sizeof *out);
    if (!out)
        return nomem(e);
    rc = db_query(c, "SELECT " REGION_COLS " FROM regions ORDER BY code LIMIT ?",
                  DB_ARGS(DB_INT(CATALOG_REGIONS_MAX)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row)
        rc = read_region(a, st, &out[count++], e);
    db_done(st);
    *items = out;
    *n = count;
    return rc;
}

typedef struct region_tx {
    arena *a;
    const char *code; /* NULL on create */
    const catalog_region_input *in;
    catalog_region *out;
} region_tx;

static int region_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    region_tx *t = arg;
    const catalog_region_input *in = t->in;
    int64_t count, now = clock_now_ms();
    int rc = db_query_ints(c, "SELECT COUNT(*) FROM regions", DB_NOARGS, &count, 1, e);
    if (rc)
        return rc;
    if (count >= CATALOG_REGIONS_MAX)
        return err_set(e, ERR_CONFLICT, "there are already %d regions, the most cocloud holds",
                       CATALOG_REGIONS_MAX);
    rc = db_exec(c, "INSERT INTO regions (" REGION_COLS ") VALUES (?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_TEXT(in->code), DB_TEXT(in->name.zh), DB_TEXT(in->name.en),
                         DB_TEXT(in->area), DB_INT(now), DB_INT(now)),
                 NULL, e);
    if (rc == ERR_CONFLICT)
        return conflict(e, "region", in->code);
    if (rc || (rc = engine_touch(c, e)))
        return rc;
    return region_load(c, t->a, in->code, t->out, e);
}

static int region_update_tx(db_conn *c, void *arg, err_ctx *e)
{
    region_tx *t = arg;
    catalog_region *r = t->out;
    int rc = region_load(c, t->a, t->code, r, e);
    if (rc)
        return rc;
    if (t->in->name.zh)
        r->name = t->in->name;
    if (t->in->area)
        r->area = t->in->area;
    r->updated_at = clock_now_ms();
    rc = db_exec(c,
                 "UPDATE regions SET name_zh = ?, name_en = ?, area = ?, updated_at = ?"
                 " WHERE code = ?",
                 DB_ARGS(DB_TEXT(r->name.zh), DB_TEXT(r->name.en), DB_TEXT(r->area),
                         DB_INT(r->updated_at), DB_TEXT(r->code)),
                 NULL, e);
    return rc ? rc : engine_touch(c, e);
}

int catalog_region_create(db_conn *c, arena *a, const catalog_region_input *in,
                          catalog_region *out, err_ctx *e)
{
    region_tx t = {a, NULL, in, out};
    return catalog_check_region(in, false, e) ? e->code : db_transact(c, region_create_tx, &t, e);
}

int catalog_region_update(db_conn *c, arena *a, const char *code,
                          const catalog_region_input *in, catalog_region *out, err_ctx *e)
{
    region_tx t = {a, code, in, out};
    return catalog_check_region(in, true, e) ? e->code : db_transact(c, region_update_tx, &t, e);
}

/* ---- products --------------------------------------------------------- */

static int read_product(arena *a, db_stmt *st, catalog_product *p, err_ctx *e)
{
    *p = (catalog_product){
        .code = dup_col(a, st, 0), .name = {dup_col(a, st, 1), dup_col(a, st, 2)},
        .category = dup_col(a, st, 3), .unit = {dup_col(a, st, 4), dup_col(a, st, 5)},
        .modes = modes_parse(db_text(st, 6)), .created_at = db_int(st, 7),
        .updated_at = db_int(st, 8),
    };
    return p->code && p->name.zh && p->name.en && p->category && p->unit.zh && p->unit.en
               ? 0
               : nomem(e);
}

/* Reads price rows (PRICE_COLS, PRICE_ORDER) and hands each product of
 * ps[0..n) its run of rows. Both come ordered by code from the same
 * database, hence in the same collation, so one pass matching codes for
 * equality pairs them up. */
static int attach_prices(arena *a, db_stmt *st, catalog_product *ps, int n, err_ctx *e)
{
    catalog_price *v = NULL;
    const char **of = NULL;
    size_t used = 0, cap = 0, cap2 = 0;
    bool row;
    int rc, p = 0;
    while (!(rc = db_step(st, &row, e)) && row) {
        if (grow(a, (void **)&v, sizeof *v, used, &cap, used + 1) ||
            grow(a, (void **)&of, sizeof *of, used, &cap2, used + 1))
            return nomem(e);
        of[used] = dup_col(a, st, 0);
        v[used] = (catalog_price){dup_col(a, st, 1), mode_word(db_text(st, 2)), db_int(st, 3)};
        if (!of[used] || !v[used].region || !v[used].billing_mode)
            return nomem(e);
        used++;
    }
    for (size_t i = 0; !rc && i < used; i++) {
        while (p < n && strcmp(ps[p].code, of[i]) != 0)
            p++;
        if (p == n)
            break;
        if (!ps[p].nprices)
            ps[p].prices = &v[i];
        ps[p].nprices++;
    }
    return rc;
}

static int product_load(db_conn *c, arena *a, const char *code, catalog_product *out,
                        err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c, "SELECT " PRODUCT_COLS " FROM products WHERE code = ?",
                          DB_ARGS(DB_TEXT(code)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no product %s", code);
    if (!rc)
        rc = read_product(a, st, out, e);
    db_done(st);
    st = NULL;
    if (!rc)
        rc = db_query(c, "SELECT " PRICE_COLS " FROM prices WHERE product_code = ?" PRICE_ORDER,
                      DB_ARGS(DB_TEXT(code)), &st, e);
    if (!rc)
        rc = attach_prices(a, st, out, 1, e);
    db_done(st);
    return rc;
}

int catalog_product_get(db_conn *c, arena *a, const char *code, catalog_product *out,
                        err_ctx *e)
{
    /* One snapshot, so the prices belong to the product row read. */
    int rc = db_begin_read(c, e);
    if (!rc)
        rc = product_load(c, a, code, out, e);
    db_rollback(c);
    return rc;
}

/* The list's filter and cursor; the same text in both queries below. */
#define PRODUCT_FILTER                                                                  \
    " (CAST(? AS TEXT) IS NULL OR category = ?)"                                        \
    " AND (CAST(? AS TEXT) IS NULL"                                                     \
    "  OR code IN (SELECT product_code FROM prices WHERE region_code = ?))"             \
    " AND (CAST(? AS TEXT) IS NULL OR code > ?)"

static int product_list_check(db_conn *c, const catalog_product_filter *f, catalog_page pg,
                              err_ctx *e)
{
    bool found = true;
    int rc = 0;
    if (pg.limit < 1 || pg.limit > CATALOG_PAGE_MAX)
        return err_param(e, "limit", "must be an integer from 1 to 100");
    if (f->category && text_index(catalog_categories, f->category) < 0)
        return err_param(e, "category", "is not a product category");
    if (f->region &&
        !(rc = db_exists(c, "SELECT 1 FROM regions WHERE code = ?", DB_ARGS(DB_TEXT(f->region)),
                         &found, e)) &&
        !found)
        return err_param(e, "region", "is not a known region");
    if (!rc && pg.after &&
        !(rc = db_exists(c, "SELECT 1 FROM products WHERE code = ?", DB_ARGS(DB_TEXT(pg.after)),
                         &found, e)) &&
        !found)
        return err_param(e, "after", "is not a cursor from this list");
    return rc;
}

int catalog_product_list(db_conn *c, arena *a, const catalog_product_filter *f, catalog_page pg,
                         catalog_product **items, int *n, const char **next, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc, count = 0;
    catalog_product *out = NULL;
    /* One more than asked tells whether another page follows. */
    const db_arg args[] = {DB_TEXT(f->category), DB_TEXT(f->category), DB_TEXT(f->region),
                           DB_TEXT(f->region),   DB_TEXT(pg.after),    DB_TEXT(pg.after),
                           DB_INT(pg.limit + 1)};
    *items = NULL;
    *n = 0;
    *next = NULL;
    if ((rc = db_begin_read(c, e)) || (rc = product_list_check(c, f, pg, e)))
        goto out;
    out = arena_alloc(a, (size_t)(pg.limit + 1) * sizeof *out);
    if (!out) {
        rc = nomem(e);
        goto out;
    }
    rc = db_query(c, "SELECT " PRODUCT_COLS " FROM products WHERE" PRODUCT_FILTER
                     " ORDER BY code LIMIT ?",
                  args, 7, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row)
        rc = read_product(a, st, &out[count++], e);
    db_done(st);
    st = NULL;
    if (!rc && count)
        rc = db_query(c, "SELECT " PRICE_COLS " FROM prices WHERE product_code IN"
                         " (SELECT code FROM products WHERE" PRODUCT_FILTER
                         " ORDER BY code LIMIT ?)" PRICE_ORDER,
                      args, 7, &st, e);
    if (!rc && count)
        rc = attach_prices(a, st, out, count, e);
    db_done(st);
    if (!rc && count > pg.limit) {
        count--;
        *next = out[count - 1].code;
    }
    *items = out;
    *n = rc ? 0 : count;
out:
    db_rollback(c);
    return rc;
}

static int check_price_regions(db_conn *c, const catalog_product_input *in, err_ctx *e)
{
    for (size_t i = 0; i < in->nprices; i++) {
        bool found = false;
        int rc = db_exists(c, "SELECT 1 FROM regions WHERE code = ?",
                           DB_ARGS(DB_TEXT(in->prices[i].region)), &found, e);
        if (rc)
            return rc;
        if (!found) {
            char f[ERR_FIELD_LEN];
            snprintf(f, sizeof f, "prices[%zu].region", i);
            err_field_add(e, f, "is not a known region");
        }
    }
    return e->code;
}

static int insert_prices(db_conn *c, const char *code, const catalog_product_input *in,
                         err_ctx *e)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < in->nprices; i++) {
        const catalog_price_input *p = &in->prices[i];
        rc = db_exec(c,
                     "INSERT INTO prices (product_code, region_code, billing_mode, unit_price,"
                     " currency) VALUES (?, ?, ?, ?, 'CNY')",
                     DB_ARGS(DB_TEXT(code), DB_TEXT(p->region), DB_TEXT(p->billing_mode),
                             DB_INT(p->unit_price.v)),
                     NULL, e);
    }
    return rc;
}

typedef struct product_tx {
    arena *a;
    const char *code;
    const catalog_product_input *in;
    catalog_product *out;
} product_tx;

static int product_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    product_tx *t = arg;
    const catalog_product_input *in = t->in;
    char modes[64];
    int64_t now = clock_now_ms();
    int rc = check_price_regions(c, in, e);
    if (rc)
        return rc;
    modes_join(modes_of(&in->billing_modes), modes);
    rc = db_exec(c,
                 "INSERT INTO products (" PRODUCT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_TEXT(in->code), DB_TEXT(in->name.zh), DB_TEXT(in->name.en),
                         DB_TEXT(in->category), DB_TEXT(in->unit.zh), DB_TEXT(in->unit.en),
                         DB_TEXT(modes), DB_INT(now), DB_INT(now)),
                 NULL, e);
    if (rc == ERR_CONFLICT)
        return conflict(e, "product", in->code);
    if (rc || (rc = insert_prices(c, in->code, in, e)) || (rc = engine_touch(c, e)))
        return rc;
    return product_load(c, t->a, in->code, t->out, e);
}

/* Narrowing billing_modes must not strand a pack item on a mode the
 * product no longer has. */
static int check_pack_modes(db_conn *c, const char *code, unsigned modes, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc = db_query(c,
                      "SELECT p.code, i.billing_mode FROM pack_items i"
                      " JOIN packs p ON p.id = i.pack_id WHERE i.product_code = ?"
                      " ORDER BY p.code, i.position",
                      DB_ARGS(DB_TEXT(code)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row)
        if (!(catalog_mode_bit(db_text(st, 1)) & modes)) {
            err_field_add(e, "billing_modes", "must include %s: pack %s uses it",
                          db_text(st, 1), db_text(st, 0));
            break;
        }
    db_done(st);
    return rc ? rc : e->code;
}

static int product_update_tx(db_conn *c, void *arg, err_ctx *e)
{
    product_tx *t = arg;
    const catalog_product_input *in = t->in;
    catalog_product cur;
    char modes_csv[64];
    int rc = product_load(c, t->a, t->code, &cur, e);
    if (rc)
        return rc;
    unsigned modes = in->billing_modes.set ? modes_of(&in->billing_modes) : cur.modes;
    if (in->prices_set) {
        if ((rc = check_price_regions(c, in, e)) ||
            (!in->billing_modes.set && catalog_check_price_modes(in->prices, in->nprices,
                                                                  modes, e)))
            return rc ? rc : e->code;
    } else if (in->billing_modes.set) {
        for (int i = 0; i < cur.nprices; i++)
            if (!(catalog_mode_bit(cur.prices[i].billing_mode) & modes)) {
                err_field_add(e, "billing_modes",
                              "must include %s: the price in %s uses it (or send prices too)",
                              cur.prices[i].billing_mode, cur.prices[i].region);
                return e->code;
            }
    }
    if (in->billing_modes.set && (rc = check_pack_modes(c, t->code, modes, e)))
        return rc;
    modes_join(modes, modes_csv);
    catalog_text name = in->name.zh ? in->name : cur.name;
    catalog_text unit = in->unit.zh ? in->unit : cur.unit;
    rc = db_exec(c,
                 "UPDATE products SET name_zh = ?, name_en = ?, category = ?, unit_zh = ?,"
                 " unit_en = ?, billing_modes = ?, updated_at = ? WHERE code = ?",
                 DB_ARGS(DB_TEXT(name.zh), DB_TEXT(name.en),
                         DB_TEXT(in->category ? in->category : cur.category),
                         DB_TEXT(unit.zh), DB_TEXT(unit.en), DB_TEXT(modes_csv),
                         DB_INT(clock_now_ms()), DB_TEXT(t->code)),
                 NULL, e);
    if (!rc && in->prices_set &&
        !(rc = db_exec(c, "DELETE FROM prices WHERE product_code = ?",
                       DB_ARGS(DB_TEXT(t->code)), NULL, e)))
        rc = insert_prices(c, t->code, in, e);
    if (rc || (rc = engine_touch(c, e)))
        return rc;
    return product_load(c, t->a, t->code, t->out, e);
}

int catalog_product_create(db_conn *c, arena *a, const catalog_product_input *in,
                           catalog_product *out, err_ctx *e)
{
    product_tx t = {a, NULL, in, out};
    return catalog_check_product(in, false, e) ? e->code : db_transact(c, product_create_tx, &t, e);
}

int catalog_product_update(db_conn *c, arena *a, const char *code,
                           const catalog_product_input *in, catalog_product *out, err_ctx *e)
{
    product_tx t = {a, code, in, out};
    return catalog_check_product(in, true, e) ? e->code : db_transact(c, product_update_tx, &t, e);
}

/* ---- packs ------------------------------------------------------------ */

static int read_pack(arena *a, db_stmt *st, catalog_pack *p, err_ctx *e)
{
    *p = (catalog_pack){
        .id = dup_col(a, st, 0), .code = dup_col(a, st, 1), .industry = dup_col(a, st, 2),
        .scenario = {dup_col(a, st, 3), dup_col(a, st, 4)},
        .name = {dup_col(a, st, 5), dup_col(a, st, 6)},
        .description = {dup_col(a, st, 7), dup_col(a, st, 8)},
        .price = db_text(st, 9) ? db_int(st, 9) : -1,
        .discount_bp = db_text(st, 10) ? db_int(st, 10) : -1,
        .created_at = db_int(st, 11), .updated_at = db_int(st, 12),
    };
    bool ok = p->id && p->code && p->industry && p->scenario.zh && p->scenario.en &&
              p->name.zh && p->name.en && p->description.zh && p->description.en;
    return ok ? 0 : nomem(e);
}

/* Reads item rows (pack id, product, mode, quantity, months) ordered like
 * ps[0..n) and then by position, and hands each pack its run; see
 * attach_prices for why one equality pass is enough. */
static int attach_items(arena *a, db_stmt *st, catalog_pack *ps, int n, err_ctx *e)
{
    catalog_pack_item *v = NULL;
    const char **of = NULL;
    size_t used = 0, cap = 0, cap2 = 0;
    bool row;
    int rc, p = 0;
    while (!(rc = db_step(st, &row, e)) && row) {
        if (grow(a, (void **)&v, sizeof *v, used, &cap, used + 1) ||
            grow(a, (void **)&of, sizeof *of, used, &cap2, used + 1))
            return nomem(e);
        of[used] = dup_col(a, st, 0);
        v[used] = (catalog_pack_item){dup_col(a, st, 1), mode_word(db_text(st, 2)),
                                      db_int(st, 3), db_int(st, 4)};
        if (!of[used] || !v[used].product || !v[used].billing_mode)
            return nomem(e);
        used++;
    }
    for (size_t i = 0; !rc && i < used; i++) {
        while (p < n && strcmp(ps[p].id, of[i]) != 0)
            p++;
        if (p == n)
            break;
        if (!ps[p].nitems)
            ps[p].items = &v[i];
        ps[p].nitems++;
    }
    return rc;
}

static int pack_load(db_conn *c, arena *a, const char *id, catalog_pack *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c, "SELECT " PACK_COLS " FROM packs WHERE id = ?",
                          DB_ARGS(DB_TEXT(id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no pack %s", id);
    if (!rc)
        rc = read_pack(a, st, out, e);
    db_done(st);
    st = NULL;
    if (!rc)
        rc = db_query(c,
                      "SELECT pack_id, product_code, billing_mode, quantity, months"
                      " FROM pack_items WHERE pack_id = ? ORDER BY position",
                      DB_ARGS(DB_TEXT(id)), &st, e);
    if (!rc)
        rc = attach_items(a, st, out, 1, e);
    db_done(st);
    return rc;
}

int catalog_pack_get(db_conn *c, arena *a, const char *id, catalog_pack *out, err_ctx *e)
{
    int rc = db_begin_read(c, e);
    if (!rc)
        rc = pack_load(c, a, id, out, e);
    db_rollback(c);
    return rc;
}

int catalog_pack_list(db_conn *c, arena *a, const char *industry, catalog_pack **items, int *n,
                      err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc;
    size_t count = 0, cap = 0;
    catalog_pack *out = NULL;
    *items = NULL;
    *n = 0;
    if (industry && !catalog_pack_industry_ok(industry))
        return err_param(e, "industry", "is not a pack industry");
    if ((rc = db_begin_read(c, e)))
        goto out;
    rc = db_query(c,
                  "SELECT " PACK_COLS " FROM packs WHERE CAST(? AS TEXT) IS NULL"
                  " OR industry = ? ORDER BY code LIMIT ?",
                  DB_ARGS(DB_TEXT(industry), DB_TEXT(industry), DB_INT(PACKS_MAX)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row)
        rc = grow(a, (void **)&out, sizeof *out, count, &cap, count + 1)
                 ? nomem(e)
                 : read_pack(a, st, &out[count++], e);
    db_done(st);
    st = NULL;
    if (!rc && count)
        rc = db_query(c,
                      "SELECT i.pack_id, i.product_code, i.billing_mode, i.quantity, i.months"
                      " FROM pack_items i JOIN packs p ON p.id = i.pack_id"
                      " WHERE CAST(? AS TEXT) IS NULL OR p.industry = ?"
                      " ORDER BY p.code, i.position",
                      DB_ARGS(DB_TEXT(industry), DB_TEXT(industry)), &st, e);
    if (!rc && count)
        rc = attach_items(a, st, out, (int)count, e);
    db_done(st);
    *items = out;
    *n = rc ? 0 : (int)count;
out:
    db_rollback(c);
    return rc;
}

/* Each item's product must exist and sell in the item's billing mode. */
static int check_item_products(db_conn *c, const catalog_pack_input *in, err_ctx *e)
{
    for (size_t i = 0; i < in->nitems; i++) {
        const catalog_pack_item_input *it = &in->items[i];
        char f[ERR_FIELD_LEN];
        db_stmt *st = NULL;
        bool found = false;
        int rc = db_query_row(c, "SELECT billing_modes FROM products WHERE code = ?",
                              DB_ARGS(DB_TEXT(it->product)), &st, &found, e);
        if (!rc && !found) {
            snprintf(f, sizeof f, "items[%zu].product", i);
            err_field_add(e, f, "is not a known product");
        } else if (!rc && !(modes_parse(db_text(st, 0)) & catalog_mode_bit(it->billing_mode))) {
            snprintf(f, sizeof f, "items[%zu].billing_mode", i);
            err_field_add(e, f, "must be one of the product's billing modes: %s",
                          db_text(st, 0));
        }
        db_done(st);
        if (rc)
            return rc;
    }
    return e->code;
}

static int insert_items(db_conn *c, const char *id, const catalog_pack_input *in, err_ctx *e)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < in->nitems; i++) {
        const catalog_pack_item_input *it = &in->items[i];
        rc = db_exec(c,
                     "INSERT INTO pack_items (pack_id, position, product_code, billing_mode,"
                     " quantity, months) VALUES (?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(id), DB_INT((int64_t)i), DB_TEXT(it->product),
                             DB_TEXT(it->billing_mode), DB_INT(it->quantity.v),
                             DB_INT(it->months.v)),
                     NULL, e);
    }
    return rc;
}

typedef struct pack_tx {
    arena *a;
    const char *id;
    const catalog_pack_input *in;
    catalog_pack *out;
} pack_tx;

static db_arg opt_int(const jv_int *v) { return v->set ? DB_INT(v->v) : DB_NULL; }

static int pack_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    pack_tx *t = arg;
    const catalog_pack_input *in = t->in;
    char id[RAND_ID_LEN];
    int64_t count, now = clock_now_ms();
    int rc = db_query_ints(c, "SELECT COUNT(*) FROM packs", DB_NOARGS, &count, 1, e);
    if (rc)
        return rc;
    if (count >= PACKS_MAX)
        return err_set(e, ERR_CONFLICT, "there are already %d packs, the most cocloud holds",
                       PACKS_MAX);
    if ((rc = check_item_products(c, in, e)))
        return rc;
    rand_id("pck", id);
    /* Descriptions are optional; the columns hold "" for none. */
    const char *dzh = in->description.zh ? in->description.zh : "";
    const char *den = in->description.en ? in->description.en : "";
    rc = db_exec(c,
                 "INSERT INTO packs (" PACK_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_TEXT(id), DB_TEXT(in->code), DB_TEXT(in->industry),
                         DB_TEXT(in->scenario.zh), DB_TEXT(in->scenario.en),
                         DB_TEXT(in->name.zh), DB_TEXT(in->name.en), DB_TEXT(dzh), DB_TEXT(den),
                         opt_int(&in->price), opt_int(&in->discount_bp), DB_INT(now),
                         DB_INT(now)),
                 NULL, e);
    if (rc == ERR_CONFLICT)
        return conflict(e, "pack", in->code);
    if (rc || (rc = insert_items(c, id, in, e)) || (rc = engine_touch(c, e)))
        return rc;
    return pack_load(c, t->a, id, t->out, e);
}

static int pack_update_tx(db_conn *c, void *arg, err_ctx *e)
{
    pack_tx *t = arg;
    const catalog_pack_input *in = t->in;
    catalog_pack cur;
    int rc = pack_load(c, t->a, t->id, &cur, e);
    if (rc || (in->items_set && (rc = check_item_products(c, in, e))))
        return rc;
    if (in->industry)
        cur.industry = in->industry;
    if (in->scenario.zh)
        cur.scenario = in->scenario;
    if (in->name.zh)
        cur.name = in->name;
    if (in->description.zh)
        cur.description = in->description;
    db_arg price = cur.price >= 0 ? DB_INT(cur.price) : DB_NULL;
    db_arg discount = cur.discount_bp >= 0 ? DB_INT(cur.discount_bp) : DB_NULL;
    if (in->pricing) { /* the rules made sure exactly one is set */
        price = opt_int(&in->price);
        discount = opt_int(&in->discount_bp);
    }
    rc = db_exec(c,
                 "UPDATE packs SET industry = ?, scenario_zh = ?, scenario_en = ?, name_zh = ?,"
                 " name_en = ?, description_zh = ?, description_en = ?, price = ?,"
                 " discount_bp = ?, updated_at = ? WHERE id = ?",
                 DB_ARGS(DB_TEXT(cur.industry), DB_TEXT(cur.scenario.zh),
                         DB_TEXT(cur.scenario.en), DB_TEXT(cur.name.zh), DB_TEXT(cur.name.en),
                         DB_TEXT(cur.description.zh), DB_TEXT(cur.description.en), price,
                         discount, DB_INT(clock_now_ms()), DB_TEXT(t->id)),
                 NULL, e);
    if (!rc && in->items_set &&
        !(rc = db_exec(c, "DELETE FROM pack_items WHERE pack_id = ?", DB_ARGS(DB_TEXT(t->id)),
                       NULL, e)))
        rc = insert_items(c, t->id, in, e);
    if (rc || (rc = engine_touch(c, e)))
        return rc;
    return pack_load(c, t->a, t->id, t->out, e);
}

int catalog_pack_create(db_conn *c, arena *a, const catalog_pack_input *in, catalog_pack *out,
                        err_ctx *e)
{
    pack_tx t = {a, NULL, in, out};
    return catalog_check_pack(in, false, e) ? e->code : db_transact(c, pack_create_tx, &t, e);
}

int catalog_pack_update(db_conn *c, arena *a, const char *id, const catalog_pack_input *in,
                        catalog_pack *out, err_ctx *e)
{
    pack_tx t = {a, id, in, out};
    return catalog_check_pack(in, true, e) ? e->code : db_transact(c, pack_update_tx, &t, e);
}
