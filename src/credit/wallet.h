/*
 * wallet.h: the grants an org holds and what they add up to.
 *
 * A grant is credit given to one org, from a claim on a drop (or, later,
 * an approved application), valid until it expires. The wallet is the
 * sum of its grants per currency; the ledger's "wallet:<org>" account
 * holds the same amount (cocloud audit checks it).
 */
#ifndef COCLOUD_WALLET_H
#define COCLOUD_WALLET_H

#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "base/err.h"
#include "db/db.h"

#define WALLET_CURRENCIES_MAX 8

typedef struct grant {
    const char *id, *org_id, *fund_id, *source, *source_id, *currency;
    const char *drop_id; /* the drop claimed from, for a claim's grant; else NULL */
    int64_t amount, remaining, expires_at, created_at;
} grant;

typedef struct wallet_balance {
    const char *currency;
    int64_t available; /* left on grants not yet expired */
    int64_t expired;   /* left on grants past their date */
    int64_t granted;   /* everything ever granted */
} wallet_balance;

typedef struct wallet {
    const char *org_id;
    int n;
    wallet_balance balances[WALLET_CURRENCIES_MAX];
} wallet;

/* The wallet of the actor's org; operators name the org (org_id). */
int wallet_get(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
               int64_t now, wallet *out, err_ctx *e);

/* Grants newest first, of the actor's org (operators: org_id, or all). */
int grant_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
               account_page pg, grant **items, int *n, const char **next, err_ctx *e);

/* The grant a claim (or application) gave. */
int grant_of(db_conn *c, arena *a, const char *source_id, grant *out, err_ctx *e);

#endif
