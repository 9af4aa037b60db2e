/*
 * campaign_store.c: the SQL behind campaigns and policies, the checks that
 * need the database (do the named regions, products and packs exist), and
 * who sees drafts. Every write runs in one transaction that also bumps the
 * quote engine's change version (engine_touch), and through db_transact,
 * so a serialization failure on PostgreSQL is retried.
 */
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "campaign/campaign.h"
#include "campaign/engine.h"

#define CAMPAIGN_COLS                                                                     \
    "id, name_zh, name_en, description_zh, description_en, starts_at, ends_at, time_zone," \
    " regions, industries, sizes, new_customer_only, published, created_at, updated_at"

#define POLICY_COLS                                                                        \
    "id, campaign_id, name_zh, name_en, lane, regions, industries, sizes, new_customer_only," \
    " products, categories, packs, billing_modes, order_types, min_quantity,"              \
    " min_line_amount, min_order_amount, effect, effect_value, per_org_limit, total_limit," \
    " budget, enabled, created_at, updated_at"

/* Usage is the sum of the policy's total slots (none yet: 0). */
#define POLICY_SELECT                                                                      \
    "SELECT " POLICY_COLS ","                                                              \
    " (SELECT COALESCE(SUM(uses), 0) FROM policy_totals t WHERE t.policy_id = policies.id)," \
    " (SELECT COALESCE(SUM(discount), 0) FROM policy_totals t"                             \
    "   WHERE t.policy_id = policies.id) FROM policies"

static int nomem(err_ctx *e) { return err_set(e, ERR_NOMEM, "out of memory"); }

static bool sees_drafts(const account_actor *actor)
{
    return actor && actor->role_bit == ROLE_OPERATOR;
}

static const char *dup_col(arena *a, db_stmt *st, int col)
{
    return arena_strdup(a, db_text(st, col));
}

/* Joins a list into the stored comma form ("" for an empty list). */
static const char *csv_join(arena *a, const jv_strings *l)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += (l->v[i] ? strlen(l->v[i]) : 0) + 1;
    char *s = arena_alloc(a, len), *p = s;
    for (size_t i = 0; s && i < l->n; i++) {
        size_t n = l->v[i] ? strlen(l->v[i]) : 0;
        if (i)
            *p++ = ',';
        memcpy(p, l->v[i] ? l->v[i] : "", n);
        p += n;
    }
    return s;
}

static int read_campaign(arena *a, db_stmt *st, campaign *k, err_ctx *e)
{
    *k = (campaign){
        .id = dup_col(a, st, 0),
        .name = {dup_col(a, st, 1), dup_col(a, st, 2)},
        .description = {dup_col(a, st, 3), dup_col(a, st, 4)},
        .starts_at = db_int(st, 5),
        .ends_at = db_int(st, 6),
        .time_zone = dup_col(a, st, 7),
        .regions = dup_col(a, st, 8),
        .industries = dup_col(a, st, 9),
        .sizes = dup_col(a, st, 10),
        .new_customer_only = db_int(st, 11) != 0,
        .published = db_int(st, 12) != 0,
        .created_at = db_int(st, 13),
        .updated_at = db_int(st, 14),
    };
    bool ok = k->id && k->name.zh && k->name.en && k->description.zh && k->description.en &&
              k->time_zone && k->regions && k->industries && k->sizes;
    return ok ? 0 : nomem(e);
}

static int read_policy(arena *a, db_stmt *st, policy *p, err_ctx *e)
{
    *p = (policy){
        .id = dup_col(a, st, 0),
        .campaign_id = dup_col(a, st, 1),
        .name = {dup_col(a, st, 2), dup_col(a, st, 3)},
        .lane = (int)db_int(st, 4),
        .cond = {
            .regions = dup_col(a, st, 5),
            .industries = dup_col(a, st, 6),
            .sizes = dup_col(a, st, 7),
            .new_customer_only = db_int(st, 8) != 0,
            .products = dup_col(a, st, 9),
            .categories = dup_col(a, st, 10),
            .packs = dup_col(a, st, 11),
            .billing_modes = dup_col(a, st, 12),
            .order_types = dup_col(a, st, 13),
            .min_quantity = db_int(st, 14),
            .min_line_amount = db_int(st, 15),
            .min_order_amount = db_int(st, 16),
        },
        .effect = dup_col(a, st, 17),
        .value = db_int(st, 18),
        .per_org = db_int(st, 19),
        .total = db_int(st, 20),
        .budget = db_int(st, 21),
        .enabled = db_int(st, 22) != 0,
        .created_at = db_int(st, 23),
        .updated_at = db_int(st, 24),
        .uses = db_int(st, 25),
        .discount = db_int(st, 26),
    };
    const policy_conditions *c = &p->cond;
    bool ok = p->id && p->campaign_id && p->name.zh && p->name.en && c->regions &&
              c->industries && c->sizes && c->products && c->categories && c->packs &&
              c->billing_modes && c->order_types && p->effect;
    return ok ? 0 : nomem(e);
}

/* Every code of list must be a row: sql selects 1 by key. Each missing one
 * is a field error "field[i]". */
static int check_rows(db_conn *c, const char *sql, const jv_strings *l, const char *field,
                      const char *what, err_ctx *e)
{
    for (size_t i = 0; l->set && i < l->n; i++) {
        db_stmt *st = NULL;
        bool found = false;
        int rc = db_query_row(c, sql, DB_ARGS(DB_TEXT(l->v[i])), &st, &found, e);
        db_done(st);
        if (rc)
            return rc;
        if (!found) {
            char f[ERR_FIELD_LEN];
            snprintf(f, sizeof f, "%s[%zu]", field, i);
            err_field_add(e, f, "is not a known %s", what);
        }
    }
    return 0;
}

/* ---- campaigns -------------------------------------------------------- */

static int campaign_load(db_conn *c, arena *a, const account_actor *actor, const char *id,
                         campaign *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c, "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE id = ?",
                          DB_ARGS(DB_TEXT(id)), &st, &found, e);
    if (!rc && found)
        rc = read_campaign(a, st, out, e);
    db_done(st);
    /* A draft is not there for those who may not see it. */
    if (!rc && (!found || (!out->published && !sees_drafts(actor))))
        rc = err_set(e, ERR_NOT_FOUND, "no campaign %s", id);
    return rc;
}

int campaign_get(db_conn *c, arena *a, const account_actor *actor, const char *id,
                 campaign *out, err_ctx *e)
{
    return campaign_load(c, a, actor, id, out, e);
}

int campaign_list(db_conn *c, arena *a, const account_actor *actor, account_page pg,
                  campaign **items, int *n, const char **next, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc = 0, count = 0;
    int64_t all = sees_drafts(actor);
    if (pg.limit < 1 || pg.limit > ACCOUNT_PAGE_MAX)
        return err_set(e, ERR_BAD_REQUEST, "limit must be 1 to %d", ACCOUNT_PAGE_MAX);
    campaign *out = arena_alloc(a, (size_t)(pg.limit + 1) * sizeof *out);
    if (!out)
        return nomem(e);
    if (pg.after &&
        !(rc = db_exists(c, "SELECT 1 FROM campaigns WHERE id = ? AND (? = 1 OR published = 1)",
                         DB_ARGS(DB_TEXT(pg.after), DB_INT(all)), &row, e)) &&
        !row)
        return err_param(e, "after", "is not a cursor from this list");
    /* One row more than asked tells whether there is a next page. */
    if (!rc)
        rc = db_query(c,
                      "SELECT " CAMPAIGN_COLS " FROM campaigns WHERE (? = 1 OR published = 1)"
                      " AND (CAST(? AS TEXT) IS NULL OR (created_at, id) <"
                      " (SELECT created_at, id FROM campaigns WHERE id = ?))"
                      " ORDER BY created_at DESC, id DESC LIMIT ?",
                      DB_ARGS(DB_INT(all), DB_TEXT(pg.after), DB_TEXT(pg.after),
                              DB_INT(pg.limit + 1)),
                      &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row)
        rc = read_campaign(a, st, &out[count++], e);
    db_done(st);
    *next = !rc && count > pg.limit ? out[--count - 1].id : NULL;
    *items = out;
    *n = count;
    return rc;
}

/* Applies the fields present in `in` to k (already validated). */
static int campaign_apply(arena *a, campaign *k, const campaign_input *in, err_ctx *e)
{
    if (in->name.zh)
        k->name = in->name;
    if (in->description.zh)
        k->description = in->description;
    if (in->starts_at)
        clock_parse(in->starts_at, &k->starts_at);
    if (in->ends_at)
        clock_parse(in->ends_at, &k->ends_at);
    if (in->time_zone)
        k->time_zone = in->time_zone;
    if (in->regions.set && !(k->regions = csv_join(a, &in->regions)))
        return nomem(e);
    if (in->industries.set && !(k->industries = csv_join(a, &in->industries)))
        return nomem(e);
    if (in->sizes.set && !(k->sizes = csv_join(a, &in->sizes)))
        return nomem(e);
    if (in->new_customer_only.set)
        k->new_customer_only = in->new_customer_only.v;
    if (in->published.set)
        k->published = in->published.v;
    return 0;
}

typedef struct campaign_tx {
    arena *a;
    const char *id;
    const campaign_input *in;
    campaign *out;
} campaign_tx;

static int campaign_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    campaign_tx *t = arg;
    campaign *k = t->out;
    int rc = check_rows(c, "SELECT 1 FROM regions WHERE code = ?", &t->in->regions, "regions",
                        "region", e);
    if (rc || e->code)
        return rc ? rc : e->code;
    rc = db_exec(c,
                 "INSERT INTO campaigns (" CAMPAIGN_COLS ") VALUES"
                 " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_TEXT(k->id), DB_TEXT(k->name.zh), DB_TEXT(k->name.en),
                         DB_TEXT(k->description.zh), DB_TEXT(k->description.en),
                         DB_INT(k->starts_at), DB_INT(k->ends_at), DB_TEXT(k->time_zone),
                         DB_TEXT(k->regions), DB_TEXT(k->industries), DB_TEXT(k->sizes),
                         DB_INT(k->new_customer_only), DB_INT(k->published),
                         DB_INT(k->created_at), DB_INT(k->updated_at)),
                 NULL, e);
    return rc ? rc : engine_touch(c, e);
}

int campaign_create(db_conn *c, arena *a, const campaign_input *in, campaign *out,
                    err_ctx *e)
{
    char id[RAND_ID_LEN];
    if (campaign_check(in, false, e))
        return e->code;
    rand_id("cmp", id);
    int64_t now = clock_now_ms();
    *out = (campaign){.id = arena_strdup(a, id), .description = {"", ""}, .time_zone = "UTC",
                      .regions = "", .industries = "", .sizes = "", .created_at = now,
                      .updated_at = now};
    if (!out->id)
        return nomem(e);
    int rc = campaign_apply(a, out, in, e);
    if (rc)
        return rc;
    campaign_tx t = {a, out->id, in, out};
    return db_transact(c, campaign_create_tx, &t, e);
}

static int campaign_update_tx(db_conn *c, void *arg, err_ctx *e)
{
    campaign_tx *t = arg;
    campaign *k = t->out;
    account_actor op = {.role_bit = ROLE_OPERATOR};
    int rc = campaign_load(c, t->a, &op, t->id, k, e);
    if (rc || (rc = campaign_apply(t->a, k, t->in, e)))
        return rc;
    /* Only one end may have moved: the window is checked as it will be. */
    if (t->in->starts_at || t->in->ends_at)
        campaign_check_window(k->starts_at, k->ends_at, e);
    rc = check_rows(c, "SELECT 1 FROM regions WHERE code = ?", &t->in->regions, "regions",
                    "region", e);
    if (rc || e->code)
        return rc ? rc : e->code;
    k->updated_at = clock_now_ms();
    rc = db_exec(c,
                 "UPDATE campaigns SET name_zh = ?, name_en = ?, description_zh = ?,"
                 " description_en = ?, starts_at = ?, ends_at = ?, time_zone = ?, regions = ?,"
                 " industries = ?, sizes = ?, new_customer_only = ?, published = ?,"
                 " updated_at = ? WHERE id = ?",
                 DB_ARGS(DB_TEXT(k->name.zh), DB_TEXT(k->name.en), DB_TEXT(k->description.zh),
                         DB_TEXT(k->description.en), DB_INT(k->starts_at), DB_INT(k->ends_at),
                         DB_TEXT(k->time_zone), DB_TEXT(k->regions), DB_TEXT(k->industries),
                         DB_TEXT(k->sizes), DB_INT(k->new_customer_only), DB_INT(k->published),
                         DB_INT(k->updated_at), DB_TEXT(k->id)),
                 NULL, e);
    return rc ? rc : engine_touch(c, e);
}

int campaign_update(db_conn *c, arena *a, const char *id, const campaign_input *in,
                    campaign *out, err_ctx *e)
{
    if (campaign_check(in, true, e))
        return e->code;
    campaign_tx t = {a, id, in, out};
    return db_transact(c, campaign_update_tx, &t, e);
}

/* ---- policies --------------------------------------------------------- */

int policy_list(db_conn *c, arena *a, const account_actor *actor, const char *campaign_id,
                policy **items, int *n, err_ctx *e)
{
    campaign k;
    db_stmt *st = NULL;
    bool row;
    int count = 0;
    int rc = campaign_load(c, a, actor, campaign_id, &k, e);
    if (rc)
        return rc;
    /* A campaign holds at most CAMPAIGN_POLICIES_MAX policies (policy_create). */
    policy *out = arena_alloc(a, CAMPAIGN_POLICIES_MAX * sizeof *out);
    if (!out)
        return nomem(e);
    rc = db_query(c, POLICY_SELECT " WHERE campaign_id = ? ORDER BY lane, created_at, id",
                  DB_ARGS(DB_TEXT(campaign_id)), &st, e);
    while (!rc && count < CAMPAIGN_POLICIES_MAX && !(rc = db_step(st, &row, e)) && row)
        rc = read_policy(a, st, &out[count++], e);
    db_done(st);
    *items = out;
    *n = count;
    return rc;
}

static int policy_load(db_conn *c, arena *a, const account_actor *actor, const char *id,
                       policy *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    campaign k;
    int rc = db_query_row(c, POLICY_SELECT " WHERE id = ?", DB_ARGS(DB_TEXT(id)), &st, &found,
                          e);
    if (!rc && found)
        rc = read_policy(a, st, out, e);
    db_done(st);
    if (!rc && !found)
        return err_set(e, ERR_NOT_FOUND, "no policy %s", id);
    /* A draft campaign's policies are drafts too. */
    if (!rc && (rc = campaign_load(c, a, actor, out->campaign_id, &k, e)) == ERR_NOT_FOUND) {
        err_clear(e);
        rc = err_set(e, ERR_NOT_FOUND, "no policy %s", id);
    }
    return rc;
}

int policy_get(db_conn *c, arena *a, const account_actor *actor, const char *id, policy *out,
               err_ctx *e)
{
    return policy_load(c, a, actor, id, out, e);
}

/* Applies the fields present in `in` to p (already validated). */
static int policy_apply(arena *a, policy *p, const policy_input *in, err_ctx *e)
{
    const policy_conditions_input *ci = &in->conditions;
    policy_conditions *pc = &p->cond;
    struct {
        const jv_strings *in;
        const char **out;
    } lists[] = {
        {&ci->regions, &pc->regions},       {&ci->industries, &pc->industries},
        {&ci->sizes, &pc->sizes},           {&ci->products, &pc->products},
        {&ci->categories, &pc->categories}, {&ci->packs, &pc->packs},
        {&ci->billing_modes, &pc->billing_modes}, {&ci->order_types, &pc->order_types},
    };
    struct {
        const jv_int *in;
        int64_t *out;
    } ints[] = {
        {&ci->min_quantity, &pc->min_quantity}, {&ci->min_line_amount, &pc->min_line_amount},
        {&ci->min_order_amount, &pc->min_order_amount}, {&in->effect.value, &p->value},
        {&in->limits.per_org, &p->per_org}, {&in->limits.total, &p->total},
        {&in->limits.budget, &p->budget},
    };
    if (in->name.zh)
        p->name = in->name;
    if (in->lane.set)
        p->lane = (int)in->lane.v;
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        if (lists[i].in->set && !(*lists[i].out = csv_join(a, lists[i].in)))
            return nomem(e);
    for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
        if (ints[i].in->set)
            *ints[i].out = ints[i].in->v;
    if (ci->new_customer_only.set)
        pc->new_customer_only = ci->new_customer_only.v;
    if (in->effect.kind)
        p->effect = in->effect.kind;
    if (in->enabled.set)
        p->enabled = in->enabled.v;
    return 0;
}

/* The database checks of a policy's input: named rows exist. */
static int policy_check_rows(db_conn *c, const policy_input *in, err_ctx *e)
{
    const policy_conditions_input *ci = &in->conditions;
    int rc = check_rows(c, "SELECT 1 FROM regions WHERE code = ?", &ci->regions,
                        "conditions.regions", "region", e);
    if (!rc)
        rc = check_rows(c, "SELECT 1 FROM products WHERE code = ?", &ci->products,
                        "conditions.products", "product", e);
    if (!rc)
        rc = check_rows(c, "SELECT 1 FROM packs WHERE id = ?", &ci->packs, "conditions.packs",
                        "pack", e);
    return rc ? rc : e->code;
}

static int policy_write(db_conn *c, const policy *p, bool insert, err_ctx *e)
{
    const policy_conditions *k = &p->cond;
    /* Both statements bind the same values in the same order. */
    static const char *const insert_sql =
        "INSERT INTO policies (name_zh, name_en, lane, regions, industries, sizes,"
        " new_customer_only, products, categories, packs, billing_modes, order_types,"
        " min_quantity, min_line_amount, min_order_amount, effect, effect_value, per_org_limit,"
        " total_limit, budget, enabled, updated_at, created_at, campaign_id, id) VALUES"
        " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static const char *const update_sql =
        "UPDATE policies SET name_zh = ?, name_en = ?, lane = ?, regions = ?, industries = ?,"
        " sizes = ?, new_customer_only = ?, products = ?, categories = ?, packs = ?,"
        " billing_modes = ?, order_types = ?, min_quantity = ?, min_line_amount = ?,"
        " min_order_amount = ?, effect = ?, effect_value = ?, per_org_limit = ?,"
        " total_limit = ?, budget = ?, enabled = ?, updated_at = ?, created_at = ?"
        " WHERE campaign_id = ? AND id = ?";
    int rc = db_exec(c, insert ? insert_sql : update_sql,
                     DB_ARGS(DB_TEXT(p->name.zh), DB_TEXT(p->name.en), DB_INT(p->lane),
                             DB_TEXT(k->regions), DB_TEXT(k->industries), DB_TEXT(k->sizes),
                             DB_INT(k->new_customer_only), DB_TEXT(k->products),
                             DB_TEXT(k->categories), DB_TEXT(k->packs),
                             DB_TEXT(k->billing_modes), DB_TEXT(k->order_types),
                             DB_INT(k->min_quantity), DB_INT(k->min_line_amount),
                             DB_INT(k->min_order_amount), DB_TEXT(p->effect), DB_INT(p->value),
                             DB_INT(p->per_org), DB_INT(p->total), DB_INT(p->budget),
                             DB_INT(p->enabled), DB_INT(p->updated_at), DB_INT(p->created_at),
                             DB_TEXT(p->campaign_id), DB_TEXT(p->id)),
                     NULL, e);
    return rc ? rc : engine_touch(c, e);
}

typedef struct policy_tx {
    arena *a;
    const char *id; /* the campaign's on create, the policy's on change */
    const policy_input *in;
    policy *out;
} policy_tx;

static int policy_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    policy_tx *t = arg;
    account_actor op = {.role_bit = ROLE_OPERATOR};
    campaign k;
    int64_t count = 0;
    int rc = campaign_load(c, t->a, &op, t->id, &k, e);
    if (!rc)
        rc = db_query_ints(c, "SELECT COUNT(*) FROM policies WHERE campaign_id = ?",
                           DB_ARGS(DB_TEXT(t->id)), &count, 1, e);
    if (rc)
        return rc;
    if (count >= CAMPAIGN_POLICIES_MAX)
        return err_set(e, ERR_CONFLICT, "campaign %s already has %d policies, the most it may",
                       t->id, CAMPAIGN_POLICIES_MAX);
    if ((rc = policy_check_rows(c, t->in, e)))
        return rc;
    return policy_write(c, t->out, true, e);
}

int policy_create(db_conn *c, arena *a, const char *campaign_id, const policy_input *in,
                  policy *out, err_ctx *e)
{
    char id[RAND_ID_LEN];
    policy_check(in, false, e);
    rand_id("pol", id);
    int64_t now = clock_now_ms();
    *out = (policy){
        .id = arena_strdup(a, id), .campaign_id = campaign_id,
        .cond = {"", "", "", "", "", "", "", ""},
        .enabled = true, .created_at = now, .updated_at = now,
    };
    if (!out->id)
        return nomem(e);
    int rc = policy_apply(a, out, in, e);
    if (rc)
        return rc;
    if (policy_check_effect(out, e))
        return e->code;
    policy_tx t = {a, campaign_id, in, out};
    return db_transact(c, policy_create_tx, &t, e);
}

int policy_totals_row(db_conn *c, const char *id, err_ctx *e)
{
    return db_exec(c, "INSERT INTO policy_totals (policy_id, slot, uses, discount)"
                      " VALUES (?, 0, 0, 0) ON CONFLICT DO NOTHING",
                   DB_ARGS(DB_TEXT(id)), NULL, e);
}

/* A change to a policy's limits or budget may not put them below what
 * orders have already taken: a budget below the discount given, a total
 * limit below the uses, a per-org limit below an org's uses. The totals
 * row is locked first, as an order locks it before it reads the limits
 * (order.c, take), so no order slips between this check and the change. */
static int policy_check_usage(db_conn *c, const policy *p, const policy_limits_input *in,
                              err_ctx *e)
{
    if (!in->budget.set && !in->total.set && !in->per_org.set)
        return 0;
    int64_t used[3] = {0}; /* uses, discount given, the most uses of one org */
    int rc = policy_totals_row(c, p->id, e);
    if (!rc)
        rc = db_exec(c, "UPDATE policy_totals SET uses = uses WHERE policy_id = ?",
                     DB_ARGS(DB_TEXT(p->id)), NULL, e);
    if (!rc)
        rc = db_query_ints(c,
                           "SELECT COALESCE(SUM(uses), 0), COALESCE(SUM(discount), 0),"
                           " (SELECT COALESCE(MAX(uses), 0) FROM policy_usage WHERE policy_id = ?)"
                           " FROM policy_totals WHERE policy_id = ?",
                           DB_ARGS(DB_TEXT(p->id), DB_TEXT(p->id)), used, 3, e);
    if (rc)
        return rc;
    int64_t uses = used[0], given = used[1], org_uses = used[2];
    if (in->budget.set && p->budget && p->budget < given)
        err_field_add(e, "limits.budget",
                      "must be at least %lld, the discount orders have already taken (or 0 "
                      "for no budget)",
                      (long long)given);
    if (in->total.set && p->total && p->total < uses)
        err_field_add(e, "limits.total",
                      "must be at least %lld, the uses orders have already made (or 0 for no "
                      "limit)",
                      (long long)uses);
    if (in->per_org.set && p->per_org && p->per_org < org_uses)
        err_field_add(e, "limits.per_org",
                      "must be at least %lld, the most uses one org has already made (or 0 "
                      "for no limit)",
                      (long long)org_uses);
    return e->code;
}

static int policy_update_tx(db_conn *c, void *arg, err_ctx *e)
{
    policy_tx *t = arg;
    policy *p = t->out;
    account_actor op = {.role_bit = ROLE_OPERATOR};
    int rc = policy_load(c, t->a, &op, t->id, p, e);
    if (rc || (rc = policy_apply(t->a, p, t->in, e)))
        return rc;
    policy_check_effect(p, e);
    if ((rc = policy_check_rows(c, t->in, e)) || (rc = policy_check_usage(c, p, &t->in->limits, e)))
        return rc;
    p->updated_at = clock_now_ms();
    return policy_write(c, p, false, e);
}

int policy_update(db_conn *c, arena *a, const char *id, const policy_input *in, policy *out,
                  err_ctx *e)
{
    if (policy_check(in, true, e))
        return e->code;
    policy_tx t = {a, id, in, out};
    return db_transact(c, policy_update_tx, &t, e);
}
