/*
 * h_quote.c: handlers for offers and quotes. They read the caller's org
 * and its policy usage, take the engine's current snapshot (no waiting),
 * price in memory, and store the quote so that an order can use it.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/handlers.h"
#include "api/http.h"
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

static json_t *time_json(int64_t ms)
{
    char buf[CLOCK_RFC3339_LEN];
    clock_format(ms, buf);
    return json_string(buf);
}

static json_t *text_json(qe_text t) { return json_pack("{s:s, s:s}", "zh", t.zh, "en", t.en); }

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

static campaign_state status_of(const qe_campaign *c, int64_t at)
{
    return campaign_status(c->published, c->starts_at, c->ends_at, at);
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
                     "starts_at", time_json(c->starts_at), "ends_at", time_json(c->ends_at),
                     "time_zone", c->time_zone, "status", campaign_states[status_of(c, now)],
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

/* Why a policy does not apply, as offers and rejections say it: its reason
 * and message, and for a campaign not live at the moment asked about, the
 * campaign's status then (draft, scheduled or ended) with a message to
 * match: X(state, status, message). */
#define NOT_LIVE(X)                                                                           \
    X(CAMPAIGN_DRAFT, "draft", "campaign is not published")                                   \
    X(CAMPAIGN_SCHEDULED, "scheduled", "campaign has not started")                            \
    X(CAMPAIGN_LIVE, "live", "campaign is not live") /* not met: the engine agrees */         \
    X(CAMPAIGN_ENDED, "ended", "campaign has ended")

typedef struct reason_words {
    const char *reason, *status, *message;
} reason_words;

/* The kinds of reason_words: one per reason, then one per campaign status. */
enum { KIND_STATUS = QR__COUNT, KIND__COUNT = KIND_STATUS + CAMPAIGN_ENDED + 1 };

static int reason_kind(qe_reason why, const qe_campaign *c, int64_t at)
{
    return why == QR_CAMPAIGN_NOT_LIVE ? KIND_STATUS + (int)status_of(c, at) : (int)why;
}

static reason_words reason_words_of(int k)
{
#define NOT_LIVE_WORDS(state, status, message) [state] = {"campaign_not_live", status, message},
    static const reason_words not_live[CAMPAIGN_ENDED + 1] = {NOT_LIVE(NOT_LIVE_WORDS)};
#undef NOT_LIVE_WORDS
    if (k < KIND_STATUS)
        return (reason_words){qe_reason_codes[k], NULL, qe_reason_messages[k]};
    return not_live[k - KIND_STATUS];
}

/* A JSON text (or a piece of one) known at compile time: plain ASCII that
 * needs no escaping. */
typedef struct literal {
    const char *text;
    size_t len;
} literal;

/* The end of a rejection of each kind, as rejected_json writes it:
 * ,"reason":...[,"campaign_status":...],"message":...} */
#define TAIL(text) {text, sizeof text - 1},
#define REASON_TAIL(name, code, message)                                                      \
    [name] = TAIL(",\"reason\":\"" code "\",\"message\":\"" message "\"}")
#define NOT_LIVE_TAIL(state, status, message)                                                 \
    [KIND_STATUS + state] = TAIL(",\"reason\":\"campaign_not_live\",\"campaign_status\":\"" status \
                                 "\",\"message\":\"" message "\"}")
static const literal reason_tails[KIND__COUNT] = {QE_REASONS(REASON_TAIL)
                                                      NOT_LIVE(NOT_LIVE_TAIL)};
#undef TAIL
#undef REASON_TAIL
#undef NOT_LIVE_TAIL

/* A reason as the offers give it: {"code", "campaign_status"?, "message"}. */
static json_t *reason_json(qe_reason why, const qe_campaign *c, int64_t at)
{
    reason_words t = reason_words_of(reason_kind(why, c, at));
    json_t *j = json_pack("{s:s, s:s}", "code", t.reason, "message", t.message);
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
                    json_pack("{s:o, s:s, s:o, s:o}", "at", time_json(now), "org_id", org.id,
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

/* Keys below are literals that need no escaping (JW_KEY). */
static void jw_time(jw *w, int64_t ms)
{
    char buf[CLOCK_RFC3339_LEN];
    clock_format(ms, buf);
    jw_string(w, buf);
}

/* An entry of a list put together in the writer's buffer (jw_json_begin)
 * from pieces encoded before: JSON texts, or keys and punctuation. */
typedef struct entry {
    char *at;
    size_t n;
} entry;

/* Room enough for an entry's literal pieces (its keys and punctuation) and
 * its nulls, on top of its texts and two numbers. */
#define ENTRY_ROOM (128 + 2 * JW_INT_MAX)

static void put(entry *t, const char *text, size_t len)
{
    memcpy(t->at + t->n, text, len);
    t->n += len;
}

#define PUT_LIT(t, lit) put((t), (lit), sizeof(lit) - 1)

/* A JSON text, or null for NULL. */
static void put_json(entry *t, const char *text, size_t len)
{
    if (text)
        put(t, text, len);
    else
        PUT_LIT(t, "null");
}

/* v, or null for v < 0 (as jw_count). */
static void put_count(entry *t, int64_t v)
{
    if (v < 0)
        PUT_LIT(t, "null");
    else
        t->n += jw_int_text(t->at + t->n, v);
}

/* An effect's code as a JSON text. */
#define EFFECT_JSON(name, code) [name] = {"\"" code "\"", sizeof code + 1},
static const literal effect_json[QE_NEFFECTS] = {QE_EFFECTS(EFFECT_JSON)};
#undef EFFECT_JSON

/* What an answer shows of an applied policy besides its amount, as JSON
 * texts: taken from the snapshot when answering, from the database when a
 * stored quote is read back. */
typedef struct shown {
    const char *id, *campaign, *name; /* campaign, name: NULL for a policy gone */
    size_t id_len, campaign_len, name_len;
    int lane;   /* -1 for a policy gone */
    int effect; /* a qe_effect; -1 for a policy gone */
} shown;

/* Fills *out for ap. */
typedef void (*shown_fn)(const void *ctx, const qt_applied *ap, shown *out);

static void shown_in_snapshot(const void *ctx, const qt_applied *ap, shown *out)
{
    const qe_snapshot *s = ctx;
    const qe_policy *p = &s->policies[ap->index];
    const qe_campaign *c = &s->campaigns[p->campaign];
    *out = (shown){p->id_json, c->id_json, p->name_json, p->id_json_len, c->id_json_len,
                   p->name_json_len, p->lane, (int)p->effect};
}

/* The line's applied list: the pack's own discount, then each policy as
 * {"policy", "campaign", "source", "name", "lane", "effect", "amount"}. */
static void applied_json(jw *w, const qt_line *l, shown_fn show, const void *ctx)
{
    JW_KEY(w, "applied");
    jw_array(w);
    if (l->pack_effect) {
        jw_object(w);
        JW_KEY(w, "policy");
        jw_null(w);
        JW_KEY(w, "campaign");
        jw_null(w);
        JW_KEY(w, "source");
        jw_json(w, "\"pack\"", 6);
        JW_KEY(w, "effect");
        jw_string(w, l->pack_effect);
        JW_KEY(w, "amount");
        jw_int(w, l->pack_discount);
        jw_end(w);
    }
    for (int k = 0; k < l->napplied; k++) {
        shown p;
        show(ctx, &l->applied[k], &p);
        literal effect = p.effect >= 0 && p.effect < QE_NEFFECTS ? effect_json[p.effect]
                                                                 : (literal){NULL, 0};
        entry t = {jw_json_begin(w, ENTRY_ROOM + p.id_len + p.campaign_len + p.name_len +
                                        effect.len),
                   0};
        if (!t.at)
            break; /* the writer has failed: jw_done says so */
        PUT_LIT(&t, "{\"policy\":");
        put(&t, p.id, p.id_len);
        PUT_LIT(&t, ",\"campaign\":");
        put_json(&t, p.campaign, p.campaign_len);
        PUT_LIT(&t, ",\"source\":\"policy\",\"name\":");
        put_json(&t, p.name, p.name_len);
        PUT_LIT(&t, ",\"lane\":");
        put_count(&t, p.lane);
        PUT_LIT(&t, ",\"effect\":");
        put_json(&t, effect.text, effect.len);
        PUT_LIT(&t, ",\"amount\":");
        t.n += jw_int_text(t.at + t.n, l->applied[k].amount);
        PUT_LIT(&t, "}");
        jw_json_end(w, t.n);
    }
    jw_end(w);
}

/* The minimum a rejection for a minimum names (quantity, line or order list
 * price), or -1 for the other reasons. */
static int64_t rejected_minimum(const qe_policy *p, qe_reason why)
{
    return why == QR_MIN_QUANTITY ? p->min_quantity
           : why == QR_MIN_LINE   ? p->min_line
           : why == QR_MIN_ORDER  ? p->min_order
                                  : -1;
}

/* The rejections, each as {"policy", "campaign", "name", "line", "reason",
 * "message"}, "minimum" for a minimum not reached (what it takes) and
 * "campaign_status" for a campaign not live: the policy named as an applied
 * one is, so that a reader can tell which offer it was, even one of an
 * ended campaign that no list of offers shows any more. A draft campaign's
 * are left out unless `drafts` (operators): its offers are not public yet.
 * An entry is put together in the writer's buffer from texts encoded
 * before: the policy's id and name and its campaign's id (in the snapshot)
 * and its reason_tails entry. */
static void rejected_json(jw *w, const qe_snapshot *s, const qe_quote *q, int64_t at, bool drafts)
{
    JW_KEY(w, "rejected");
    jw_array(w);
    for (int i = 0; i < q->nrejected; i++) {
        const qe_rejection *x = &q->rejected[i];
        const qe_policy *p = &s->policies[x->policy];
        const qe_campaign *c = &s->campaigns[p->campaign];
        if (!c->published && !drafts)
            continue;
        const literal *tail = &reason_tails[reason_kind(x->reason, c, at)];
        int64_t minimum = rejected_minimum(p, x->reason);
        entry t = {jw_json_begin(w, ENTRY_ROOM + p->id_json_len + c->id_json_len +
                                        p->name_json_len + tail->len),
                   0};
        if (!t.at)
            break; /* the writer has failed: jw_done says so */
        PUT_LIT(&t, "{\"policy\":");
        put(&t, p->id_json, p->id_json_len);
        PUT_LIT(&t, ",\"campaign\":");
        put(&t, c->id_json, c->id_json_len);
        PUT_LIT(&t, ",\"name\":");
        put(&t, p->name_json, p->name_json_len);
        PUT_LIT(&t, ",\"line\":");
        put_count(&t, x->line);
        if (minimum >= 0) {
            PUT_LIT(&t, ",\"minimum\":");
            t.n += jw_int_text(t.at + t.n, minimum);
        }
        put(&t, tail->text, tail->len);
        jw_json_end(w, t.n);
    }
    jw_end(w);
}

/* A quote as answered (POST) and read back (GET): its head, its lines from
 * the terms, and its totals; the object is left open for what follows. */
static void quote_head_json(jw *w, const char *id, const char *org_id, int64_t at,
                            int64_t expires, const quote_terms *t, shown_fn show,
                            const void *ctx)
{
    jw_object(w);
    JW_KEY(w, "id");
    jw_string(w, id);
    JW_KEY(w, "org_id");
    jw_string(w, org_id);
    JW_KEY(w, "at");
    jw_time(w, at);
    JW_KEY(w, "expires_at");
    jw_time(w, expires);
    JW_KEY(w, "currency");
    jw_json(w, "\"CNY\"", 5);
    JW_KEY(w, "lines");
    jw_array(w);
    for (int i = 0; i < t->nlines; i++) {
        const qt_line *l = &t->lines[i];
        jw_object(w);
        JW_KEY(w, "index");
        jw_int(w, i);
        JW_KEY(w, "product");
        jw_string(w, l->product);
        JW_KEY(w, "pack");
        jw_string(w, l->pack);
        JW_KEY(w, "region");
        jw_string(w, l->region);
        JW_KEY(w, "billing_mode");
        jw_string(w, l->mode);
        JW_KEY(w, "quantity");
        jw_int(w, l->quantity);
        JW_KEY(w, "months");
        jw_count(w, l->months);
        JW_KEY(w, "hours");
        jw_count(w, l->hours);
        JW_KEY(w, "list_price");
        jw_int(w, l->list);
        applied_json(w, l, show, ctx);
        JW_KEY(w, "final_price");
        jw_int(w, l->final);
        jw_end(w);
    }
    jw_end(w);
    JW_KEY(w, "totals");
    jw_object(w);
    JW_KEY(w, "list");
    jw_int(w, t->list);
    JW_KEY(w, "discount");
    jw_int(w, t->discount);
    JW_KEY(w, "final");
    jw_int(w, t->final);
    jw_end(w);
}

/* The answer, written straight to text: a quote can list hundreds of
 * rejections, and this is the hot path of a campaign's opening. What is
 * stored is the terms (quote_terms.h), not the answer. `drafts`: whether
 * the rejected list names a draft campaign's offers (for operators). */
static const char *quote_text(arena *a, const qe_snapshot *s, const qe_quote *q,
                              const quote_terms *t, const char *id, const char *org_id,
                              int64_t at, int64_t expires, bool drafts, size_t *len)
{
    jw w;
    jw_init(&w, a, 4096 + (size_t)q->nlines * 1024 + (size_t)q->nrejected * 256);
    quote_head_json(&w, id, org_id, at, expires, t, shown_in_snapshot, s);
    rejected_json(&w, s, q, at, drafts);
    jw_end(&w);
    return jw_done(&w, len);
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
        quote_text(r->a, s, &out, &terms, id, org.id, cart.at, expires, operator, &len);
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
    shown *rows;
} shown_table;

static int shown_find(const shown_table *t, const char *id)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->ids[i], id) == 0)
            return i;
    return -1;
}

static void shown_in_table(const void *ctx, const qt_applied *ap, shown *out)
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
        shown *row = &t->rows[i];
        size_t id_len = 0;
        const char *id = jw_quote(r->a, t->ids[i], &id_len);
        *row = (shown){.id = id, .id_len = id_len, .lane = -1, .effect = -1};
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
    quote_head_json(&w, q.id, q.org_id, q.at, q.expires_at, &terms, shown_in_table, &table);
    jw_end(&w);
    r->text = jw_done(&w, &r->text_len);
    return r->text ? 0 : err_set(&r->err, ERR_NOMEM, "out of memory");
}
