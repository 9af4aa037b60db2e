/*
 * h_credit.c: handlers for the cloud-credit fund: funds and their drops
 * (public to read, operators write), claims on a drop (enterprises, with
 * an Idempotency-Key), and an org's wallet, grants and ledger.
 */
#include <stddef.h>

#include "api/handlers.h"
#include "api/http.h"
#include "api/jsonout.h"
#include "base/clock.h"
#include "credit/claim.h"
#include "credit/credit.h"
#include "credit/ledger.h"
#include "credit/wallet.h"

/* ---- JSON out --------------------------------------------------------- */

static json_t *fund_json(const fund *f)
{
    return json_pack("{s:s, s:o, s:o, s:s, s:I, s:I, s:I, s:I, s:o, s:o}", "id", f->id, "name",
                     jo_text(&f->name), "description", jo_text(&f->description), "currency",
                     f->currency, "amount", (json_int_t)f->amount, "available",
                     (json_int_t)f->available, "reserved", (json_int_t)f->reserved, "granted",
                     (json_int_t)f->granted, "created_at", jo_time(f->created_at),
                     "updated_at", jo_time(f->updated_at));
}

/* The caller's org, read once per request for mine_json: NULL for an
 * anonymous caller or one without an org. */
static int caller_org(req *r, db_conn *c, const account_actor *actor, account_org *buf,
                      const account_org **out)
{
    *out = NULL;
    if (!actor || !actor->org_id)
        return 0;
    int rc = account_org_get(c, r->a, actor, actor->org_id, buf, &r->err);
    *out = rc ? NULL : buf;
    return rc;
}

/* What the drop means for the caller's org: its claim, or whether it may
 * claim and why not. Nothing without an org. */
static int mine_json(req *r, db_conn *c, const drop *d, const account_org *org, int64_t now,
                     json_t *out)
{
    db_stmt *st = NULL;
    bool found;
    const char *why;
    if (!org)
        return 0;
    int rc = db_query_row(c, "SELECT id FROM claims WHERE drop_id = ? AND org_id = ?",
                          DB_ARGS(DB_TEXT(d->id), DB_TEXT(org->id)), &st, &found, &r->err);
    json_t *held = !rc && found ? json_string(db_text(st, 0)) : json_null();
    db_done(st);
    if (rc) {
        json_decref(held);
        return rc;
    }
    if (drop_refusal(d, org, now, &why) == 0 && d->remaining == 0)
        why = DROP_WHY_SOLD_OUT;
    if (json_is_string(held))
        why = DROP_WHY_CLAIMED;
    json_object_set_new(out, "mine",
                        json_pack("{s:o, s:b, s:s?, s:s?}", "claim", held, "eligible",
                                  why == NULL, "reason", why, "reason_code",
                                  drop_reason_code(why)));
    return 0;
}

static json_t *drop_json(const drop *d, int64_t now)
{
    int64_t claimed = d->quantity - d->remaining - d->released;
    return json_pack("{s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:i,"
                     " s:i, s:s, s:o}",
                     "id", d->id, "fund_id", d->fund_id, "name", jo_text(&d->name), "currency",
                     d->currency, "amount", (json_int_t)d->amount, "quantity",
                     (json_int_t)d->quantity, "remaining", (json_int_t)d->remaining, "claimed",
                     (json_int_t)claimed, "released", (json_int_t)d->released, "opens_at",
                     jo_time(d->opens_at), "closes_at", jo_time(d->closes_at), "industries",
                     jo_csv(d->industries), "sizes", jo_csv(d->sizes), "grant_days",
                     d->grant_days, "shards", d->shards, "status",
                     drop_states[drop_status(d, now)], "created_at", jo_time(d->created_at));
}

static json_t *claim_json(const claim *cl)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", cl->id, "drop_id", cl->drop_id,
                     "org_id", cl->org_id, "user_id", cl->user_id, "created_at",
                     jo_time(cl->created_at));
}

static json_t *grant_json(const grant *g, int64_t now)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s?, s:s, s:I, s:I, s:o, s:b, s:o}", "id",
                     g->id, "org_id", g->org_id, "fund_id", g->fund_id, "source", g->source,
                     "source_id", g->source_id, "drop_id", g->drop_id, "currency", g->currency,
                     "amount",
                     (json_int_t)g->amount, "remaining", (json_int_t)g->remaining, "expires_at",
                     jo_time(g->expires_at), "expired", now >= g->expires_at, "created_at",
                     jo_time(g->created_at));
}

static json_t *txn_json(const ledger_txn *t)
{
    json_t *entries = json_array();
    for (int i = 0; entries && i < t->n; i++)
        json_array_append_new(entries, json_pack("{s:s, s:I}", "account", t->entries[i].account,
                                                 "amount", (json_int_t)t->entries[i].amount));
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:o, s:o}", "id", t->id, "kind", t->kind,
                     "ref", t->ref, "org_id", t->org_id, "currency", t->currency, "entries",
                     entries, "created_at", jo_time(t->created_at));
}

/* ---- funds -------------------------------------------------------------- */

static const jv_field text_fields[] = {
    {"zh", JV_STRING, JV_REQUIRED, offsetof(text_i18n, zh), 0, NULL},
    {"en", JV_STRING, JV_REQUIRED, offsetof(text_i18n, en), 0, NULL},
    JV_END,
};

/* The key and the hash of the body, for a creation that moves money. */
static int idem_of(req *r, credit_idem *idem)
{
    int rc = req_idempotency_key(r, &idem->key);
    if (!rc)
        req_body_hash(r, idem->hash);
    return rc;
}

/* 201 with Location; a replay answers the same, marked Idempotent-Replayed. */
static int created(req *r, bool replayed, const char *location, json_t *body)
{
    if (replayed)
        req_header(r, "Idempotent-Replayed", "true");
    req_header(r, "Location", location);
    return req_json(r, 201, body);
}

int h_fund_create(req *r)
{
    static const jv_field fields[] = {
        {"name", JV_OBJECT, JV_REQUIRED, offsetof(fund_input, name), 0, text_fields},
        {"description", JV_OBJECT, 0, offsetof(fund_input, description), 0, text_fields},
        {"currency", JV_STRING, 0, offsetof(fund_input, currency), 0, NULL},
        {"amount", JV_INT, JV_REQUIRED, offsetof(fund_input, amount), 0, NULL},
        JV_END,
    };
    fund_input in = {0};
    credit_idem idem;
    fund f;
    bool replayed;
    db_conn *c;
    int rc = idem_of(r, &idem);
    if (rc || (rc = req_decode(r, fields, &in)) || (rc = fund_check(&in, &r->err)) ||
        (rc = req_db(r, &c)) ||
        (rc = fund_create(c, r->a, &in, &idem, &f, &replayed, &r->err)))
        return rc;
    return created(r, replayed, arena_printf(r->a, "/api/v1/funds/%s", f.id), fund_json(&f));
}

int h_fund_list(req *r)
{
    account_page pg;
    fund *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = fund_list(c, r->a, pg, &items, &n, &next, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, fund_json(&items[i]));
    return req_list(r, list, next);
}

int h_fund_get(req *r)
{
    fund f;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = fund_get(c, r->a, r->params[0], &f, &r->err)))
        return rc;
    return req_json(r, 200, fund_json(&f));
}

/* ---- drops -------------------------------------------------------------- */

int h_drop_create(req *r)
{
    static const jv_field fields[] = {
        {"name", JV_OBJECT, JV_REQUIRED, offsetof(drop_input, name), 0, text_fields},
        {"amount", JV_INT, JV_REQUIRED, offsetof(drop_input, amount), 0, NULL},
        {"quantity", JV_INT, JV_REQUIRED, offsetof(drop_input, quantity), 0, NULL},
        {"opens_at", JV_STRING, JV_REQUIRED, offsetof(drop_input, opens_at), 0, NULL},
        {"closes_at", JV_STRING, JV_REQUIRED, offsetof(drop_input, closes_at), 0, NULL},
        {"industries", JV_STRINGS, 0, offsetof(drop_input, industries), CREDIT_WORDS_MAX, NULL},
        {"sizes", JV_STRINGS, 0, offsetof(drop_input, sizes), CREDIT_WORDS_MAX, NULL},
        {"grant_days", JV_INT, 0, offsetof(drop_input, grant_days), 0, NULL},
        {"shards", JV_INT, 0, offsetof(drop_input, shards), 0, NULL},
        JV_END,
    };
    drop_input in = {0};
    credit_idem idem;
    drop d;
    bool replayed;
    db_conn *c;
    int rc = idem_of(r, &idem);
    if (rc || (rc = req_decode(r, fields, &in)) || (rc = drop_check(&in, &r->err)) ||
        (rc = req_db(r, &c)) ||
        (rc = drop_create(c, r->a, r->params[0], &in, &idem, &d, &replayed, &r->err)))
        return rc;
    return created(r, replayed, arena_printf(r->a, "/api/v1/drops/%s", d.id),
                   drop_json(&d, clock_now_ms()));
}

/* A page of drops, of one fund (fund_id) or all. */
static int drop_page(req *r, const char *fund_id)
{
    account_page pg;
    drop *items;
    int n;
    const char *next;
    const account_actor *actor;
    account_org buf;
    const account_org *org;
    db_conn *c;
    int64_t now = clock_now_ms();
    int rc = req_page(r, &pg);
    if (rc || (rc = req_sign_in_optional(r, &actor)) || (rc = req_db(r, &c)) ||
        (rc = caller_org(r, c, actor, &buf, &org)) ||
        (rc = drop_list(c, r->a, fund_id, pg, &items, &n, &next, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; !rc && list && i < n; i++) {
        json_t *d = drop_json(&items[i], now);
        json_array_append_new(list, d);
        rc = d ? mine_json(r, c, &items[i], org, now, d) : 0;
    }
    if (rc) {
        json_decref(list);
        return rc;
    }
    return req_list(r, list, next);
}

int h_drop_list(req *r) { return drop_page(r, req_query(r, "fund")); }
int h_fund_drops(req *r) { return drop_page(r, r->params[0]); }

int h_drop_get(req *r)
{
    drop d;
    const account_actor *actor;
    account_org buf;
    const account_org *org;
    db_conn *c;
    int64_t now = clock_now_ms();
    int rc = req_sign_in_optional(r, &actor);
    if (rc || (rc = req_db(r, &c)) || (rc = caller_org(r, c, actor, &buf, &org)) ||
        (rc = drop_get(c, r->a, r->params[0], &d, &r->err)))
        return rc;
    json_t *body = drop_json(&d, now);
    if (body && (rc = mine_json(r, c, &d, org, now, body))) {
        json_decref(body);
        return rc;
    }
    return req_json(r, 200, body);
}

int h_drop_close(req *r)
{
    drop d;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = drop_close(c, r->a, r->params[0], &d, &r->err)))
        return rc;
    return req_json(r, 200, drop_json(&d, clock_now_ms()));
}

/* ---- claims, wallet, ledger ------------------------------------------- */

/* The answer to a claim, once decided. */
static int claim_answer(req *r, bool replayed, const claim *cl, const grant *g)
{
    return created(r, replayed,
                   arena_printf(r->a, "/api/v1/drops/%s/claims/%s", cl->drop_id, cl->id),
                   json_pack("{s:o, s:o}", "claim", claim_json(cl), "grant",
                             grant_json(g, clock_now_ms())));
}

static void claim_settled(void *arg) { req_wake(arg); }

/* The second half of a claim: its batch has settled it. */
static int claim_resumed(req *r)
{
    claim cl;
    grant g;
    bool replayed;
    db_conn *c;
    if (!r->claim)
        return r->err.code ? r->err.code : ERR_INTERNAL;
    int rc = req_db(r, &c);
    if (rc || (rc = claim_finish(r->app->claims, r->claim, c, r->a, &cl, &g, &replayed,
                                 &r->err)))
        return rc;
    return claim_answer(r, replayed, &cl, &g);
}

/* A claim is checked here, then parked while the claim batcher settles it
 * with others in one transaction: a crowd of claims holds neither worker
 * threads nor database connections while it waits. */
int h_claim_create(req *r)
{
    const char *key;
    claim cl;
    grant g;
    bool replayed, decided;
    db_conn *c;
    int rc = req_idempotency_key(r, &key);
    if (rc || (rc = req_db(r, &c)))
        return rc;
    rc = claim_check(c, r->a, &r->actor, r->params[0], key, &cl, &g, &replayed, &decided,
                     &r->err);
    if (decided)
        return rc ? rc : claim_answer(r, replayed, &cl, &g);
    req_suspend(r, claim_resumed); /* before queueing: the batcher may wake us at once */
    if (claim_queue(r->app->claims, r->a, &r->actor, r->params[0], key, claim_settled, r,
                    &r->claim, &r->err))
        req_wake(r); /* not queued: claim_resumed answers the error */
    return 0;
}

int h_claim_list(req *r)
{
    account_page pg;
    claim *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = claim_list(c, r->a, &r->actor, r->params[0], pg, &items, &n, &next, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, claim_json(&items[i]));
    return req_list(r, list, next);
}

int h_wallet(req *r)
{
    wallet w;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = wallet_get(c, r->a, &r->actor, req_query(r, "org"), clock_now_ms(), &w,
                               &r->err)))
        return rc;
    json_t *balances = json_array();
    for (int i = 0; balances && i < w.n; i++) {
        const wallet_balance *b = &w.balances[i];
        json_array_append_new(balances,
                              json_pack("{s:s, s:I, s:I, s:I}", "currency", b->currency,
                                        "available", (json_int_t)b->available, "expired",
                                        (json_int_t)b->expired, "granted",
                                        (json_int_t)b->granted));
    }
    return req_json(r, 200, json_pack("{s:s, s:o}", "org_id", w.org_id, "balances", balances));
}

int h_grant_list(req *r)
{
    account_page pg;
    grant *items;
    int n;
    const char *next;
    db_conn *c;
    int64_t now = clock_now_ms();
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = grant_list(c, r->a, &r->actor, req_query(r, "org"), pg, &items, &n, &next,
                         &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, grant_json(&items[i], now));
    return req_list(r, list, next);
}

int h_ledger(req *r)
{
    account_page pg;
    ledger_txn *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = ledger_list(c, r->a, &r->actor, req_query(r, "org"), pg, &items, &n, &next,
                          &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, txn_json(&items[i]));
    return req_list(r, list, next);
}
