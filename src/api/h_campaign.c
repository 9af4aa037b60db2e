/*
 * h_campaign.c: handlers for campaigns and their policies. Reads are public
 * routes, but an operator who sends a token sees drafts too, so reads sign
 * the caller in when they can (req_sign_in_optional). Writes are operator-only
 * (route table). After a write the local quote engine is refreshed at once,
 * so this instance's next quote already prices with the change (other
 * instances follow on their poll).
 */
#include <stddef.h>
#include <string.h>

#include "api/handlers.h"
#include "api/http.h"
#include "api/jsonout.h"
#include "base/clock.h"
#include "campaign/campaign.h"
#include "campaign/engine.h"

/* ---- JSON out --------------------------------------------------------- */

static json_t *campaign_json(const campaign *k, int64_t now)
{
    campaign_state s = campaign_status(k->published, k->starts_at, k->ends_at, now);
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o, s:b, s:b, s:s, s:o, s:o}",
                     "id", k->id, "name", jo_text(&k->name), "description",
                     jo_text(&k->description), "starts_at", jo_time(k->starts_at),
                     "ends_at", jo_time(k->ends_at), "time_zone", k->time_zone, "regions",
                     jo_csv(k->regions), "industries", jo_csv(k->industries), "sizes",
                     jo_csv(k->sizes), "new_customer_only", k->new_customer_only,
                     "published", k->published, "status", campaign_states[s], "created_at",
                     jo_time(k->created_at), "updated_at", jo_time(k->updated_at));
}

static json_t *conditions_json(const policy_conditions *c)
{
    return json_pack("{s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}", "regions",
                     jo_csv(c->regions), "industries", jo_csv(c->industries), "sizes",
                     jo_csv(c->sizes), "new_customer_only", c->new_customer_only,
                     "products", jo_csv(c->products), "categories", jo_csv(c->categories),
                     "packs", jo_csv(c->packs), "billing_modes", jo_csv(c->billing_modes),
                     "order_types", jo_csv(c->order_types), "min_quantity",
                     (json_int_t)c->min_quantity, "min_line_amount",
                     (json_int_t)c->min_line_amount, "min_order_amount",
                     (json_int_t)c->min_order_amount);
}

static json_t *policy_json(const policy *p)
{
    return json_pack("{s:s, s:s, s:o, s:i, s:o, s:{s:s, s:I}, s:{s:I, s:I, s:I}, s:b,"
                     " s:{s:I, s:I}, s:o, s:o}",
                     "id", p->id, "campaign_id", p->campaign_id, "name", jo_text(&p->name),
                     "lane", p->lane, "conditions", conditions_json(&p->cond), "effect", "kind",
                     p->effect, "value", (json_int_t)p->value, "limits", "per_org",
                     (json_int_t)p->per_org, "total", (json_int_t)p->total, "budget",
                     (json_int_t)p->budget, "enabled", p->enabled, "usage", "uses",
                     (json_int_t)p->uses, "discount", (json_int_t)p->discount, "created_at",
                     jo_time(p->created_at), "updated_at", jo_time(p->updated_at));
}

/* ---- JSON in ---------------------------------------------------------- */

static const jv_field text_fields[] = {
    {"zh", JV_STRING, JV_REQUIRED, offsetof(campaign_text, zh), 0, NULL},
    {"en", JV_STRING, JV_REQUIRED, offsetof(campaign_text, en), 0, NULL},
    JV_END,
};

#define CAMPAIGN_FIELDS(required)                                                            \
    {"name", JV_OBJECT, required, offsetof(campaign_input, name), 0, text_fields},            \
    {"description", JV_OBJECT, 0, offsetof(campaign_input, description), 0, text_fields},     \
    {"starts_at", JV_STRING, required, offsetof(campaign_input, starts_at), 0, NULL},         \
    {"ends_at", JV_STRING, required, offsetof(campaign_input, ends_at), 0, NULL},             \
    {"time_zone", JV_STRING, 0, offsetof(campaign_input, time_zone), 0, NULL},                \
    {"regions", JV_STRINGS, 0, offsetof(campaign_input, regions), CAMPAIGN_REGIONS_MAX, NULL}, \
    {"industries", JV_STRINGS, 0, offsetof(campaign_input, industries), CAMPAIGN_WORDS_MAX,   \
     NULL},                                                                                   \
    {"sizes", JV_STRINGS, 0, offsetof(campaign_input, sizes), CAMPAIGN_WORDS_MAX, NULL},      \
    {"new_customer_only", JV_BOOL, 0, offsetof(campaign_input, new_customer_only), 0, NULL},  \
    {"published", JV_BOOL, 0, offsetof(campaign_input, published), 0, NULL}, JV_END

#define COND(name, type, max) \
    {#name, type, 0, offsetof(policy_conditions_input, name), max, NULL}

static const jv_field conditions_fields[] = {
    COND(regions, JV_STRINGS, CAMPAIGN_REGIONS_MAX),
    COND(industries, JV_STRINGS, CAMPAIGN_WORDS_MAX),
    COND(sizes, JV_STRINGS, CAMPAIGN_WORDS_MAX),
    COND(new_customer_only, JV_BOOL, 0),
    COND(products, JV_STRINGS, CAMPAIGN_CODES_MAX),
    COND(categories, JV_STRINGS, CAMPAIGN_WORDS_MAX),
    COND(packs, JV_STRINGS, CAMPAIGN_CODES_MAX),
    COND(billing_modes, JV_STRINGS, CAMPAIGN_WORDS_MAX),
    COND(order_types, JV_STRINGS, CAMPAIGN_WORDS_MAX),
    COND(min_quantity, JV_INT, 0),
    COND(min_line_amount, JV_INT, 0),
    COND(min_order_amount, JV_INT, 0),
    JV_END,
};

static const jv_field effect_fields[] = {
    {"kind", JV_STRING, JV_REQUIRED, offsetof(policy_effect_input, kind), 0, NULL},
    {"value", JV_INT, JV_REQUIRED, offsetof(policy_effect_input, value), 0, NULL},
    JV_END,
};

static const jv_field limits_fields[] = {
    {"per_org", JV_INT, 0, offsetof(policy_limits_input, per_org), 0, NULL},
    {"total", JV_INT, 0, offsetof(policy_limits_input, total), 0, NULL},
    {"budget", JV_INT, 0, offsetof(policy_limits_input, budget), 0, NULL},
    JV_END,
};

#define POLICY_FIELDS(required)                                                              \
    {"name", JV_OBJECT, required, offsetof(policy_input, name), 0, text_fields},              \
    {"lane", JV_INT, 0, offsetof(policy_input, lane), 0, NULL},                               \
    {"conditions", JV_OBJECT, 0, offsetof(policy_input, conditions), 0, conditions_fields},   \
    {"effect", JV_OBJECT, required, offsetof(policy_input, effect), 0, effect_fields},        \
    {"limits", JV_OBJECT, 0, offsetof(policy_input, limits), 0, limits_fields},               \
    {"enabled", JV_BOOL, 0, offsetof(policy_input, enabled), 0, NULL}, JV_END

/* After a committed write: this instance's quotes see it at once. A
 * failure here is not the client's: the poller catches up within a second. */
static void refresh_engine(req *r)
{
    err_ctx ignore = {0};
    engine_refresh_now(r->app->engine, &ignore);
}

/* ---- campaigns -------------------------------------------------------- */

int h_campaign_list(req *r)
{
    account_page pg;
    const account_actor *actor;
    campaign *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_sign_in_optional(r, &actor)) || (rc = req_db(r, &c)) ||
        (rc = campaign_list(c, r->a, actor, pg, &items, &n, &next, &r->err)))
        return rc;
    int64_t now = clock_now_ms();
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, campaign_json(&items[i], now));
    return req_list(r, list, next);
}

int h_campaign_get(req *r)
{
    const account_actor *actor;
    campaign k;
    db_conn *c;
    int rc = req_sign_in_optional(r, &actor);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = campaign_get(c, r->a, actor, r->params[0], &k, &r->err)))
        return rc;
    return req_json(r, 200, campaign_json(&k, clock_now_ms()));
}

int h_campaign_create(req *r)
{
    static const jv_field fields[] = {CAMPAIGN_FIELDS(JV_REQUIRED)};
    campaign_input in = {0};
    campaign k;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    /* Go on after field errors: the rules report every field at once. */
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = campaign_create(c, r->a, &in, &k, &r->err)))
        return rc;
    refresh_engine(r);
    req_header(r, "Location", arena_printf(r->a, "/api/v1/campaigns/%s", k.id));
    return req_json(r, 201, campaign_json(&k, clock_now_ms()));
}

int h_campaign_update(req *r)
{
    static const jv_field fields[] = {CAMPAIGN_FIELDS(0)};
    campaign_input in = {0};
    campaign k;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = campaign_update(c, r->a, r->params[0], &in, &k, &r->err)))
        return rc;
    refresh_engine(r);
    return req_json(r, 200, campaign_json(&k, clock_now_ms()));
}

/* ---- policies --------------------------------------------------------- */

int h_policy_list(req *r)
{
    const account_actor *actor;
    policy *items;
    int n;
    db_conn *c;
    int rc = req_sign_in_optional(r, &actor);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = policy_list(c, r->a, actor, r->params[0], &items, &n, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, policy_json(&items[i]));
    return req_list(r, list, NULL);
}

int h_policy_get(req *r)
{
    const account_actor *actor;
    policy p;
    db_conn *c;
    int rc = req_sign_in_optional(r, &actor);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = policy_get(c, r->a, actor, r->params[0], &p, &r->err)))
        return rc;
    return req_json(r, 200, policy_json(&p));
}

int h_policy_create(req *r)
{
    static const jv_field fields[] = {POLICY_FIELDS(JV_REQUIRED)};
    policy_input in = {0};
    policy p;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = policy_create(c, r->a, r->params[0], &in, &p, &r->err)))
        return rc;
    refresh_engine(r);
    req_header(r, "Location", arena_printf(r->a, "/api/v1/policies/%s", p.id));
    return req_json(r, 201, policy_json(&p));
}

int h_policy_update(req *r)
{
    static const jv_field fields[] = {POLICY_FIELDS(0)};
    policy_input in = {0};
    policy p;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = policy_update(c, r->a, r->params[0], &in, &p, &r->err)))
        return rc;
    refresh_engine(r);
    return req_json(r, 200, policy_json(&p));
}
