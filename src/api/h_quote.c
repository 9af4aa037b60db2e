/*
 * h_quote.c: handlers for offers and quotes. They read the caller's org
 * and its policy usage, take the engine's current snapshot (no waiting),
 * price in memory, and store the quote so that an order can use it. The
 * answer's JSON is written by quote_json.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/http.h"
#include "api/jsonout.h"
#include "api/quote_json.h"
#include "base/clock.h"
#include "base/jw.h"
#include "base/text.h"
#include "campaign/campaign.h"
#include "campaign/engine.h"
#include "campaign/quote.h"
#include "campaign/quote_store.h"
#include "campaign/quote_terms.h"
#include "campaign/quote_writer.h"

#define QUOTE_MAX_LINES 50
#define QUOTE_MAX_QUANTITY 100000
#define QUOTE_MAX_MONTHS 60
#define QUOTE_MAX_HOURS 8784

static json_t *text_json(qe_text t) { return jo_text(&(text_i18n){t.zh, t.en}); }

static void release_snapshot(void *p)
{
    req *r = p;
    engine_release(r->app->engine, r->snapshot);
}

/* The snapshot for this request, released with the request's arena. */
static const qe_snapshot *snapshot(req *r)
{
    if (!r->snapshot) {
        r->snapshot = engine_acquire(r->app->engine);
        arena_defer(r->a, release_snapshot, r);
    }
    return r->snapshot;
}

/* The org priced for: the caller's own, or for operators the one named.
 * One statement reads what pricing needs of it (industry, size, usage);
 * org->id is the only other field set. */
static int priced_org(req *r, const char *named, account_org *org, qe_org *q)
{
    db_conn *c;
    bool used_any;
    const char *id = r->user.org_id, *industry = NULL, *size = NULL;
    if (r->actor.role_bit == ROLE_OPERATOR) {
        if (!named)
            return err_field_add(&r->err, "org", "is required for operators");
        id = named;
    } else if (named && (!id || strcmp(named, id) != 0)) {
        return err_field_add(&r->err, "org", "is for operators only");
    }
    if (!id) /* a user of no org: as account_org_get would say */
        return err_set(&r->err, ERR_NOT_FOUND, "no org");
    const qe_snapshot *s = snapshot(r);
    int64_t *uses = arena_alloc_raw(r->a, (size_t)(s->npolicies + 1) * sizeof *uses);
    uint64_t epoch;
    cache *k = r->app->orgs;
    int rc = uses ? 0 : err_set(&r->err, ERR_NOMEM, "out of memory");
    if (!rc && !quote_org_recall(k, r->a, s, id, &industry, &size, uses, &used_any, &epoch) &&
        !(rc = req_db(r, &c)))
        rc = quote_org_load(c, k, epoch, r->a, s, id, &industry, &size, uses, &used_any, &r->err);
    if (rc == ERR_NOT_FOUND && named) {
        err_clear(&r->err);
        return err_field_add(&r->err, "org", "is not a known org");
    }
    if (rc)
        return rc;
    memset(org, 0, sizeof *org);
    org->id = id;
    org->industry = industry;
    org->size = size;
    *q = (qe_org){
        .id = org->id,
        .industry = text_index(account_industries, industry),
        .size = text_index(account_sizes, size),
        .new_customer = !used_any,
        .uses = uses,
    };
    return 0;
}

/* The names of the bits set in mask, from names (NULL-terminated). */
static json_t *mask_names(uint32_t mask, const char *const *names)
{
    json_t *a = json_array();
    for (int i = 0; names[i] && i < 32; i++)
        if (mask >> i & 1)
            json_array_append_new(a, json_string(names[i]));
    return a;
}

/* The codes of a set of regions; [] for "every region". */
static json_t *region_codes(const qe_snapshot *s, const qe_bits *b)
{
    json_t *a = json_array();
    for (int i = 0; !b->any && i < s->nregions; i++)
        if (qe_has(b, i))
            json_array_append_new(a, json_string(s->regions[i].code));
    return a;
}

/* A campaign as the offers show it: enough to tell who it is for. */
static json_t *campaign_json(const qe_snapshot *s, const qe_campaign *c, int64_t now)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:o, s:o, s:o, s:b}", "id", c->id,
                     "name", text_json(c->name), "description", text_json(c->description),
                     "starts_at", jo_time(c->starts_at), "ends_at", jo_time(c->ends_at),
                     "time_zone", c->time_zone, "status", campaign_states[qj_status(c, now)],
                     "regions", region_codes(s, &c->regions), "industries",
                     mask_names(c->industries, account_industries), "sizes",
                     mask_names(c->sizes, account_sizes), "new_customer_only", c->new_only);
}

/* What a policy names (the snapshot keeps it only as lists by product and
 * by pack): its products' codes and its packs' ids, as JSON arrays. */
typedef struct named {
    json_t *products, *packs;
} named;

static void named_free(const qe_snapshot *s, named *n)
{
    for (int pi = 0; n && pi < s->npolicies; pi++) {
        json_decref(n[pi].products);
        json_decref(n[pi].packs);
    }
    free(n);
}

/* What each policy names, by policy index; NULL when out of memory. */
static named *named_of(const qe_snapshot *s)
{
    named *n = calloc((size_t)s->npolicies + 1, sizeof *n);
    bool ok = n != NULL;
    for (int pi = 0; ok && pi < s->npolicies; pi++)
        ok = (n[pi].products = json_array()) && (n[pi].packs = json_array());
    for (int k = 0; ok && k < s->nproducts; k++)
        for (int i = 0; i < s->by_product_n[k]; i++)
            ok &= !json_array_append_new(n[s->by_product[k][i]].products,
                                         json_string(s->products[k].code));
    for (int k = 0; ok && k < s->npacks; k++)
        for (int i = 0; i < s->by_pack_n[k]; i++)
            ok &= !json_array_append_new(n[s->by_pack[k][i]].packs, json_string(s->packs[k].id));
    if (!ok) {
        named_free(s, n);
        return NULL;
    }
    return n;
}

/* A policy as the offers show it: its effect, its conditions (the shape of
 * the policy object's) and its published limits. n: what it names. */
static json_t *policy_json(const qe_snapshot *s, const qe_policy *p, const named *n)
{
    json_t *conditions = json_pack(
        "{s:o, s:o, s:o, s:b, s:O, s:o, s:O, s:o, s:o, s:I, s:I, s:I}", "regions",
        region_codes(s, &p->regions), "industries", mask_names(p->industries, account_industries),
        "sizes", mask_names(p->sizes, account_sizes), "new_customer_only", p->new_only,
        "products", n->products, "categories", mask_names(p->categories, qe_categories), "packs",
        n->packs, "billing_modes", mask_names(p->modes, qe_modes), "order_types",
        mask_names(p->order_types, qe_order_types), "min_quantity", (json_int_t)p->min_quantity,
        "min_line_amount", (json_int_t)p->min_line, "min_order_amount", (json_int_t)p->min_order);
    return json_pack("{s:s, s:s, s:o, s:i, s:o, s:{s:s, s:I}, s:{s:I, s:I, s:I}}", "id", p->id,
                     "campaign_id", s->campaigns[p->campaign].id, "name", text_json(p->name),
                     "lane", p->lane, "conditions", conditions, "effect", "kind",
                     qe_effects[p->effect], "value", (json_int_t)p->value, "limits", "per_org",
                     (json_int_t)p->per_org_limit, "total", (json_int_t)p->total_limit, "budget",
                     (json_int_t)p->budget);
}

/* A reason as the offers give it: {"code", "campaign_status"?, "message"}. */
static json_t *reason_json(qe_reason why, const qe_campaign *c, int64_t at)
{
    qj_reason t = qj_reason_of(why, c, at);
    json_t *j = json_pack("{s:s, s:s}", "code", t.code, "message", t.message);
    if (j && t.status)
        json_object_set_new(j, "campaign_status", json_string(t.status));
    return j;
}

int h_offers(req *r)
{
    account_org org;
    qe_org q;
    int64_t now = clock_now_ms();
    int rc = priced_org(r, req_query(r, "org"), &org, &q);
    if (rc == ERR_VALIDATION) { /* a query parameter: 400, not 422 */
        char why[ERR_MESSAGE_LEN];
        snprintf(why, sizeof why, "%s", r->err.fields[0].message);
        err_clear(&r->err);
        return err_param(&r->err, "org", why);
    }
    if (rc)
        return rc;
    const qe_snapshot *s = snapshot(r);
    named *names = named_of(s);
    if (!names)
        return err_set(&r->err, ERR_NOMEM, "out of memory");
    json_t *campaigns = json_array(), *packs = json_array();
    for (int ci = 0; ci < s->ncampaigns; ci++) {
        const qe_campaign *c = &s->campaigns[ci];
        if (!c->published || now >= c->ends_at)
            continue;
        json_t *policies = json_array(), *reasons = json_array();
        bool any = false;
        for (int pi = 0; pi < s->npolicies; pi++) {
            if (s->policies[pi].campaign != ci)
                continue;
            int why = quote_policy_blocker(s, &q, pi, now);
            any |= why < 0;
            json_t *whys = why < 0 ? json_array() : json_pack("[o]", reason_json(why, c, now));
            json_array_append_new(policies, json_pack("{s:o, s:b, s:o}", "policy",
                                                      policy_json(s, &s->policies[pi], &names[pi]),
                                                      "eligible", why < 0, "reasons", whys));
        }
        if (now < c->starts_at)
            json_array_append_new(reasons, reason_json(QR_CAMPAIGN_NOT_LIVE, c, now));
        if (c->industries && !(c->industries >> q.industry & 1))
            json_array_append_new(reasons, reason_json(QR_INDUSTRY, c, now));
        if (c->sizes && !(c->sizes >> q.size & 1))
            json_array_append_new(reasons, reason_json(QR_SIZE, c, now));
        if (c->new_only && !q.new_customer)
            json_array_append_new(reasons, reason_json(QR_NOT_NEW, c, now));
        json_array_append_new(campaigns,
                              json_pack("{s:o, s:b, s:o, s:o}", "campaign", campaign_json(s, c, now),
                                        "eligible", json_array_size(reasons) == 0 && any,
                                        "reasons", reasons, "policies", policies));
    }
    for (int k = 0; k < s->npacks; k++) {
        json_t *ids = json_array();
        for (int i = 0; i < s->by_pack_n[k]; i++)
            if (quote_policy_blocker(s, &q, s->by_pack[k][i], now) < 0)
                json_array_append_new(ids, json_string(s->policies[s->by_pack[k][i]].id));
        for (int i = 0; i < s->nopen; i++)
            if (quote_policy_blocker(s, &q, s->open[i], now) < 0)
                json_array_append_new(ids, json_string(s->policies[s->open[i]].id));
        json_array_append_new(packs, json_pack("{s:s, s:o}", "pack", s->packs[k].id, "policies",
                                               ids));
    }
    named_free(s, names);
    return req_json(r, 200,
                    json_pack("{s:o, s:s, s:o, s:o}", "at", jo_time(now), "org_id", org.id,
                              "campaigns", campaigns, "packs", packs));
}

typedef struct line_input {
    const char *product, *pack, *region, *billing_mode;
    jv_int quantity, months, hours;
} line_input;

typedef struct cart_input {
    const char *region, *order_type, *at, *org;
    json_t *lines;
} cart_input;

/* Checks one line and resolves it against the snapshot. */
static void decode_line(req *r, const qe_snapshot *s, const json_t *j, int i, const char *region,
                        qe_line_in *out)
{
    static const jv_field fields[] = {
        {"product", JV_STRING, 0, offsetof(line_input, product), 0, NULL},
        {"pack", JV_STRING, 0, offsetof(line_input, pack), 0, NULL},
        {"region", JV_STRING, 0, offsetof(line_input, region), 0, NULL},
        {"billing_mode", JV_STRING, 0, offsetof(line_input, billing_mode), 0, NULL},
        {"quantity", JV_INT, 0, offsetof(line_input, quantity), 0, NULL},
        {"months", JV_INT, 0, offsetof(line_input, months), 0, NULL},
        {"hours", JV_INT, 0, offsetof(line_input, hours), 0, NULL},
        JV_END,
    };
    line_input in = {0};
    char path[ERR_FIELD_LEN], f[ERR_FIELD_LEN];
    err_ctx *e = &r->err;
    snprintf(path, sizeof path, "lines[%d]", i);
    *out = (qe_line_in){.product = -1, .pack = -1, .region = -1, .mode = QE_MONTHLY,
                        .quantity = 1};
    if (jv_decode(r->a, j, path, fields, &in, e))
        return;
#define FIELD(name) (snprintf(f, sizeof f, "%s.%s", path, name), f)
    if (!!in.product == !!in.pack) {
        err_field_add(e, FIELD("product"), "give exactly one of product and pack");
        return;
    }
    if (in.product && (out->product = qe_product_find(s, in.product)) < 0)
        err_field_add(e, FIELD("product"), "is not a known product");
    if (in.pack && (out->pack = qe_pack_find(s, in.pack)) < 0)
        err_field_add(e, FIELD("pack"), "is not a known pack");
    const char *reg = in.region ? in.region : region;
    if (!reg)
        err_field_add(e, FIELD("region"), "is required (here or for the whole cart)");
    else if ((out->region = qe_region_find(s, reg)) < 0)
        err_field_add(e, FIELD("region"), "is not a known region");
    if (in.quantity.set) {
        if (in.quantity.v < 1 || in.quantity.v > QUOTE_MAX_QUANTITY)
            err_field_add(e, FIELD("quantity"), "must be from 1 to %d", QUOTE_MAX_QUANTITY);
        out->quantity = in.quantity.v;
    }
    if (in.pack) {
        if (in.billing_mode || in.months.set || in.hours.set)
            err_field_add(e, FIELD(in.billing_mode ? "billing_mode" : in.months.set ? "months"
                                                                                    : "hours"),
                          "is set by the pack's items");
        return;
    }
    if (in.billing_mode && (out->mode = text_index(qe_modes, in.billing_mode)) < 0) {
        err_field_add(e, FIELD("billing_mode"), "must be one of: on_demand, monthly, yearly");
        return;
    }
    if (out->mode == QE_ON_DEMAND) {
        if (in.months.set)
            err_field_add(e, FIELD("months"), "is not allowed on demand: use hours");
        else if (!in.hours.set || in.hours.v < 1 || in.hours.v > QUOTE_MAX_HOURS)
            err_field_add(e, FIELD("hours"), "must be from 1 to %d", QUOTE_MAX_HOURS);
        out->hours = in.hours.v;
        return;
    }
    if (in.hours.set)
        err_field_add(e, FIELD("hours"), "is only for on_demand lines");
    else if (!in.months.set || in.months.v < 1 || in.months.v > QUOTE_MAX_MONTHS)
        err_field_add(e, FIELD("months"), "must be from 1 to %d", QUOTE_MAX_MONTHS);
    else if (out->mode == QE_YEARLY && in.months.v % 12)
        err_field_add(e, FIELD("months"), "must be a multiple of 12 for yearly billing");
    out->months = in.months.v;
#undef FIELD
}

int h_quote_create(req *r)
{
    static const jv_field fields[] = {
        {"region", JV_STRING, 0, offsetof(cart_input, region), 0, NULL},
        {"order_type", JV_STRING, 0, offsetof(cart_input, order_type), 0, NULL},
        {"at", JV_STRING, 0, offsetof(cart_input, at), 0, NULL},
        {"org", JV_STRING, 0, offsetof(cart_input, org), 0, NULL},
        {"lines", JV_ANY, JV_REQUIRED, offsetof(cart_input, lines), 0, NULL},
        JV_END,
    };
    cart_input in = {0};
    account_org org;
    qe_org q;
    qe_quote out;
    err_ctx *e = &r->err;
    int64_t now = clock_now_ms();
    qe_cart cart = {.order_type = QE_ORDER_NEW, .at = now};
    int rc = req_decode(r, fields, &in);
    if (rc && rc != ERR_VALIDATION)
        return rc;
    bool operator = r->actor.role_bit == ROLE_OPERATOR;
    if (in.at && !operator)
        err_field_add(e, "at", "is for operators only");
    else if (in.at && clock_parse(in.at, &cart.at))
        err_field_add(e, "at", "must be an RFC 3339 time");
    if (in.order_type && (cart.order_type = text_index(qe_order_types, in.order_type)) < 0)
        err_field_add(e, "order_type", "must be one of: new, renewal");
    size_t n = json_array_size(in.lines);
    if (in.lines && !json_is_array(in.lines))
        err_field_add(e, "lines", "must be an array");
    else if (in.lines && (n < 1 || n > QUOTE_MAX_LINES))
        err_field_add(e, "lines", "must have 1 to %d lines", QUOTE_MAX_LINES);
    if (e->code)
        return e->code;
    if ((rc = priced_org(r, in.org, &org, &q)))
        return rc;
    const qe_snapshot *s = snapshot(r);
    qe_line_in *lines = arena_alloc(r->a, n * sizeof *lines);
    if (!lines)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        decode_line(r, s, json_array_get(in.lines, i), (int)i, in.region, &lines[i]);
    if (e->code)
        return e->code;
    cart.nlines = (int)n;
    cart.lines = lines;
    if ((rc = quote_price(s, &q, &cart, r->a, &out, e)))
        return rc;
    char id[RAND_ID_LEN];
    rand_id_at("quo", now, id);
    int64_t expires = now + (int64_t)r->app->cfg.quote_ttl_s * 1000;
    size_t len = 0, terms_len = 0;
    quote_terms terms;
    if ((rc = quote_terms_of(s, &cart, &out, r->a, &terms, e)))
        return rc;
    const char *text =
        qj_answer(r->a, s, &out, &terms, id, org.id, cart.at, expires, operator, &len);
    const char *stored = quote_terms_encode(r->a, &terms, &terms_len);
    if (!text || !stored)
        return err_set(e, ERR_NOMEM, "out of memory");
    quote_row row = {id, org.id, "CNY", stored, cart.at, expires, out.final, now};
    if ((rc = quote_writer_add(r->app->quotes, &row, e)))
        return rc;
    req_header(r, "Location", arena_printf(r->a, "/api/v1/quotes/%s", id));
    r->status = 201;
    r->text = text; /* lives in the request's arena until the answer is sent */
    r->text_len = len;
    r->content_type = "application/json";
    return 0;
}

/* The policies a stored quote applied, as GET shows them: one entry per
 * policy id, read from the database. */
typedef struct shown_table {
    int n;
    const char **ids;
    qj_shown *rows;
} shown_table;

static int shown_find(const shown_table *t, const char *id)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->ids[i], id) == 0)
            return i;
    return -1;
}

static void shown_in_table(const void *ctx, const qt_applied *ap, qj_shown *out)
{
    const shown_table *t = ctx;
    *out = t->rows[shown_find(t, ap->policy)]; /* shown_load put every id there */
}

/* Reads the policies of the terms, each once, in one statement (one per
 * QUOTE_VIEWS_CHUNK policies). */
static int shown_load(req *r, db_conn *c, const quote_terms *terms, shown_table *t)
{
    qt_applied *used;
    *t = (shown_table){0};
    int rc = quote_terms_policies(r->a, terms, &used, &t->n, &r->err);
    if (rc)
        return rc;
    size_t n = (size_t)t->n + 1;
    t->ids = arena_alloc(r->a, n * sizeof *t->ids);
    t->rows = arena_alloc(r->a, n * sizeof *t->rows);
    bool *known = arena_alloc(r->a, n * sizeof *known);
    quote_policy_view *views = arena_alloc(r->a, n * sizeof *views);
    if (!t->ids || !t->rows || !known || !views)
        return err_set(&r->err, ERR_NOMEM, "out of memory");
    for (int i = 0; i < t->n; i++)
        t->ids[i] = used[i].policy;
    rc = quote_policy_views_load(c, r->a, t->ids, t->n, views, known, &r->err);
    for (int i = 0; !rc && i < t->n; i++) {
        const quote_policy_view *v = &views[i];
        qj_shown *row = &t->rows[i];
        size_t id_len = 0;
        const char *id = jw_quote(r->a, t->ids[i], &id_len);
        *row = (qj_shown){.id = id, .id_len = id_len, .lane = -1, .effect = -1};
        if (!id)
            rc = err_set(&r->err, ERR_NOMEM, "out of memory");
        if (rc || !known[i])
            continue; /* a policy gone: its id, and nulls */
        row->campaign = jw_quote(r->a, v->campaign_id, &row->campaign_len);
        row->name = qe_text_json(r->a, (qe_text){v->name_zh, v->name_en}, &row->name_len);
        row->lane = v->lane;
        row->effect = text_index(qe_effects, v->effect); /* -1: shown as null */
        if (!row->campaign || !row->name)
            rc = err_set(&r->err, ERR_NOMEM, "out of memory");
    }
    return rc;
}

int h_quote_get(req *r)
{
    db_conn *c;
    quote_row q;
    quote_terms terms;
    shown_table table;
    bool operator = r->actor.role_bit == ROLE_OPERATOR;
    int rc = req_db(r, &c);
    if (rc || (rc = quote_writer_await(r->app->quotes, c, r->params[0], &r->err)) ||
        (rc = quote_load(c, r->a, r->params[0], operator ? NULL : r->user.org_id, &q,
                               &r->err)))
        return rc;
    r->status = 200;
    r->content_type = "application/json";
    if (quote_terms_is_answer(q.body)) { /* stored before 0005: returned as it is */
        r->text = q.body;
        r->text_len = strlen(q.body);
        return 0;
    }
    if ((rc = quote_terms_decode(r->a, q.body, &terms, &r->err)) ||
        (rc = shown_load(r, c, &terms, &table)))
        return rc;
    jw w;
    jw_init(&w, r->a, 4096 + (size_t)terms.nlines * 1024);
    qj_head(&w, q.id, q.org_id, q.at, q.expires_at, &terms, shown_in_table, &table);
    jw_end(&w);
    r->text = jw_done(&w, &r->text_len);
    return r->text ? 0 : err_set(&r->err, ERR_NOMEM, "out of memory");
}
