/*
 * order.h: placing an order from a quote.
 *
 * The quote is the price promise; the order makes it real only if every
 * policy the quote used still has room: the org's uses under its per-org
 * limit, the uses under the total limit, the discount under the budget.
 * Each policy's totals are counted up first, which locks its totals row,
 * and then checked against the limits in force, all in one transaction;
 * a change to the limits takes the same lock. So concurrent orders (on
 * any number of instances) can never overspend a budget or pass a limit,
 * even one cut at that moment; the loser gets ERR_CONFLICT and re-quotes.
 */
#ifndef COCLOUD_ORDER_H
#define COCLOUD_ORDER_H

#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "db/db.h"

typedef struct order {
    const char *id, *org_id, *user_id, *quote_id, *currency;
    int64_t list, discount, total, created_at;
} order;

/* Places an order for the actor's org from quote_id (ERR_VALIDATION if the
 * quote is not the org's, ERR_CONFLICT if expired, already ordered, or a
 * policy ran out of room; the field "quote_id" says which). */
int order_place(db_conn *c, arena *a, const account_actor *actor, const char *quote_id,
                order *out, err_ctx *e);

int order_get(db_conn *c, arena *a, const account_actor *actor, const char *id, order *out,
              err_ctx *e);

/* The org's orders, newest first (operators: org_id NULL for all). */
int order_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
               account_page pg, order **items, int *n, const char **next, err_ctx *e);

#endif
