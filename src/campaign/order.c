/*
 * order.c: orders from quotes, with the limit and budget checks done
 * under each policy's totals-row lock (see order.h).
 */
#include "campaign/order.h"

#include "base/clock.h"
#include "base/rand.h"
#include "campaign/campaign.h"
#include "campaign/engine.h"
#include "campaign/quote_store.h"
#include "campaign/quote_terms.h"

#define ORDER_COLS "id, org_id, user_id, quote_id, currency, list, discount, total, created_at"

typedef struct place {
    const account_actor *actor;
    order *o;
    qt_applied *used; /* each policy once, its discount summed over the lines */
    int nused;
} place;

static int conflict(err_ctx *e, const char *fmt, const char *what)
{
    err_set(e, ERR_CONFLICT, fmt, what);
    err_field_add(e, "quote_id", fmt, what);
    e->code = ERR_CONFLICT;
    return ERR_CONFLICT;
}

/* Takes one use and the discount from a policy, or says why not. The
 * policy's totals row is updated first: that locks it (on PostgreSQL; on
 * SQLite the transaction holds the database), and a change to the
 * policy's limits takes the same lock before it checks them against the
 * totals (policy_update). So the limits read after it are the ones in
 * force, and a limit cut at the same moment is never passed. A take that
 * does not fit fails, and the transaction rolls back. */
static int take(db_conn *c, const place *p, const qt_applied *u, int64_t now, err_ctx *e)
{
    int64_t totals[2] = {0}; /* uses, discount, this take counted */
    int64_t limits[4] = {0}; /* per_org_limit, total_limit, budget, enabled */
    int64_t org_uses = 0;
    int rc = policy_totals_row(c, u->policy, e);
    if (!rc)
        rc = db_query_ints(c,
                           "UPDATE policy_totals SET uses = uses + 1, discount = discount + ?"
                           " WHERE policy_id = ? AND slot = 0 RETURNING uses, discount",
                           DB_ARGS(DB_INT(u->amount), DB_TEXT(u->policy)), totals, 2, e);
    if (!rc)
        rc = db_query_ints(c, "SELECT per_org_limit, total_limit, budget, enabled FROM policies"
                              " WHERE id = ?",
                           DB_ARGS(DB_TEXT(u->policy)), limits, 4, e);
    if (rc)
        return rc;
    int64_t per_org = limits[0], total = limits[1], budget = limits[2];
    if (!limits[3])
        return conflict(e, "policy %s no longer applies; ask for a new quote", u->policy);
    if ((total && totals[0] > total) || (budget && totals[1] > budget))
        return conflict(e, "policy %s has no room left (total limit or budget); ask for a new "
                           "quote",
                        u->policy);
    rc = db_exec(c, "INSERT INTO policy_usage (policy_id, org_id, uses, discount, updated_at)"
                    " VALUES (?, ?, 0, 0, ?) ON CONFLICT DO NOTHING",
                 DB_ARGS(DB_TEXT(u->policy), DB_TEXT(p->o->org_id), DB_INT(now)), NULL, e);
    if (!rc)
        rc = db_query_ints(c,
                           "UPDATE policy_usage SET uses = uses + 1, discount = discount + ?,"
                           " updated_at = ? WHERE policy_id = ? AND org_id = ? RETURNING uses",
                           DB_ARGS(DB_INT(u->amount), DB_INT(now), DB_TEXT(u->policy),
                                   DB_TEXT(p->o->org_id)),
                           &org_uses, 1, e);
    if (rc)
        return rc;
    if (per_org && org_uses > per_org)
        return conflict(e, "policy %s: this org reached its limit; ask for a new quote",
                        u->policy);
    return db_exec(c, "INSERT INTO order_policies (order_id, policy_id, discount) VALUES (?, ?, ?)",
                   DB_ARGS(DB_TEXT(p->o->id), DB_TEXT(u->policy), DB_INT(u->amount)), NULL, e);
}

static int place_tx(db_conn *c, void *arg, err_ctx *e)
{
    place *p = arg;
    order *o = p->o;
    int rc = db_exec(c, "INSERT INTO orders (" ORDER_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(o->id), DB_TEXT(o->org_id), DB_TEXT(o->user_id),
                             DB_TEXT(o->quote_id), DB_TEXT(o->currency), DB_INT(o->list),
                             DB_INT(o->discount), DB_INT(o->total), DB_INT(o->created_at)),
                     NULL, e);
    if (rc == ERR_CONFLICT)
        return conflict(e, "quote %s is already ordered", o->quote_id);
    for (int i = 0; !rc && i < p->nused; i++)
        rc = take(c, p, &p->used[i], o->created_at, e);
    if (!rc && p->nused)
        rc = engine_touch(c, e); /* usage moved: the engines pick it up on their next poll */
    return rc;
}

int order_place(db_conn *c, arena *a, const account_actor *actor, const char *quote_id,
                order *out, err_ctx *e)
{
    quote_row q;
    quote_terms t;
    char id[RAND_ID_LEN];
    place p = {.actor = actor, .o = out};
    int64_t now = clock_now_ms();
    int rc = quote_load(c, a, quote_id, actor->org_id, &q, e);
    if (rc == ERR_NOT_FOUND) { /* a reference in the body: 422, whoever's it is */
        err_clear(e);
        return err_field_add(e, "quote_id", "is not a quote of this org");
    }
    if (rc)
        return rc;
    if (now >= q.expires_at)
        return conflict(e, "quote %s has expired; ask for a new one", quote_id);
    if (quote_terms_is_answer(q.body)) /* 0005 kept such quotes only when ordered */
        return conflict(e, "quote %s is already ordered", quote_id);
    if ((rc = quote_terms_decode(a, q.body, &t, e)))
        return rc;
    rand_id("ord", id);
    *out = (order){
        .id = arena_strdup(a, id), .org_id = q.org_id, .user_id = actor->user_id,
        .quote_id = q.id, .currency = q.currency, .list = t.list, .discount = t.discount,
        .total = q.total, .created_at = now,
    };
    rc = out->id ? quote_terms_policies(a, &t, &p.used, &p.nused, e)
                 : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = db_transact(c, place_tx, &p, e);
    return rc;
}

/* Reads an orders row (ORDER_COLS) into item, an order. */
static int read_order(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    order *o = item;
    *o = (order){
        .id = arena_strdup(a, db_text(st, 0)), .org_id = arena_strdup(a, db_text(st, 1)),
        .user_id = arena_strdup(a, db_text(st, 2)), .quote_id = arena_strdup(a, db_text(st, 3)),
        .currency = arena_strdup(a, db_text(st, 4)), .list = db_int(st, 5),
        .discount = db_int(st, 6), .total = db_int(st, 7), .created_at = db_int(st, 8),
    };
    return o->id && o->org_id && o->user_id && o->quote_id && o->currency
               ? 0
               : err_set(e, ERR_NOMEM, "out of memory");
}

int order_get(db_conn *c, arena *a, const account_actor *actor, const char *id, order *out,
              err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    const char *org = actor->role_bit == ROLE_OPERATOR ? NULL : actor->org_id;
    int rc = db_query_row(c,
                          "SELECT " ORDER_COLS " FROM orders WHERE id = ?"
                          " AND (CAST(? AS TEXT) IS NULL OR org_id = ?)",
                          DB_ARGS(DB_TEXT(id), DB_TEXT(org), DB_TEXT(org)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no order %s", id);
    if (!rc)
        rc = read_order(a, st, out, e);
    db_done(st);
    return rc;
}

int order_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
               account_page pg, order **items, int *n, const char **next, err_ctx *e)
{
    const account_page_query q = {
        ACCOUNT_PAGE_SQL("SELECT " ORDER_COLS " FROM orders", "orders", ACCOUNT_ORG_SCOPE),
        .size = sizeof(order),
        .read = read_order,
    };
    *items = account_org_page_list(c, a, actor, org_id, pg, q, n, next, e);
    return *items ? 0 : e->code;
}
