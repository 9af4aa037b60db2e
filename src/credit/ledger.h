/*
 * ledger.h: the double-entry ledger every credit movement goes through.
 *
 * A transaction is a few signed entries on named accounts in one currency
 * that sum to zero; once written it is never changed (a correction is a
 * new transaction). Accounts: "program:CNY" (the issuer; its balance is
 * minus what was issued), "fund:<id>", "drop:<id>", "wallet:<org id>".
 *
 * ledger_check is pure; ledger_post writes inside the caller's
 * transaction, so a money movement commits or vanishes together with the
 * state change it belongs to.
 */
#ifndef COCLOUD_LEDGER_H
#define COCLOUD_LEDGER_H

#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/rand.h"
#include "db/db.h"

#define LEDGER_ENTRIES_MAX 8
#define LEDGER_ACCOUNT_MAX 64

typedef struct ledger_entry {
    const char *account;
    int64_t amount; /* minor units; positive adds to the account */
} ledger_entry;

typedef struct ledger_txn {
    const char *id;       /* txn_...; filled in by ledger_post when NULL */
    const char *kind;     /* issue, reserve, claim, release */
    const char *ref;      /* the fund, drop or claim it is for */
    const char *org_id;   /* the org whose wallet it touches, or NULL */
    const char *currency; /* ISO 4217 */
    int64_t created_at;
    int n;
    ledger_entry entries[LEDGER_ENTRIES_MAX];
} ledger_txn;

/* "issue", "reserve", "claim", "release". */
extern const char *const ledger_kinds[];

/* ERR_INTERNAL unless t has 2..LEDGER_ENTRIES_MAX non-zero entries on
 * named accounts, a known kind and currency, and sums to zero. The
 * ledger never takes an unbalanced transaction, whoever builds it. */
int ledger_check(const ledger_txn *t, err_ctx *e);

/* The account name "<kind>:<id>" in out. */
void ledger_account(const char *kind, const char *id, char out[LEDGER_ACCOUNT_MAX]);

/* Checks and writes t inside the caller's transaction. t->id, when NULL,
 * gets a new id in idbuf. */
int ledger_post(db_conn *c, ledger_txn *t, char idbuf[RAND_ID_LEN], err_ctx *e);

/* ledger_post for many two-entry transactions at once (a batch of
 * claims): each is checked, then all are written in a few multi-row
 * statements. Each t->id must be set. Scratch comes from a. */
int ledger_post_many(db_conn *c, arena *a, const ledger_txn *t, int n, err_ctx *e);

/* Transactions newest first, each with its entries: an operator sees all
 * (or one org's with org_id), anyone else only their org's. */
int ledger_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
                account_page pg, ledger_txn **items, int *n, const char **next, err_ctx *e);

/* The balance of one account (0 when it has no entries). */
int ledger_balance(db_conn *c, const char *account, int64_t *out, err_ctx *e);

#endif
