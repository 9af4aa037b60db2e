/*
 * ledger.c: the ledger's rules, without I/O: what makes a transaction
 * acceptable, and how accounts are named. ledger_store.c writes them.
 */
#include "credit/ledger.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"

const char *const ledger_kinds[] = {"issue", "reserve", "claim", "release", NULL};

static bool currency_ok(const char *c)
{
    if (!c || strlen(c) != 3)
        return false;
    for (int i = 0; i < 3; i++)
        if (c[i] < 'A' || c[i] > 'Z')
            return false;
    return true;
}

int ledger_check(const ledger_txn *t, err_ctx *e)
{
    int64_t sum = 0;
    if (!t->kind || text_index(ledger_kinds, t->kind) < 0 || !t->ref || !currency_ok(t->currency))
        return err_set(e, ERR_INTERNAL, "ledger: a transaction without kind, ref or currency");
    if (t->n < 2 || t->n > LEDGER_ENTRIES_MAX)
        return err_set(e, ERR_INTERNAL, "ledger: %d entries in a %s transaction", t->n, t->kind);
    for (int i = 0; i < t->n; i++) {
        const ledger_entry *en = &t->entries[i];
        if (!en->account || !*en->account || strlen(en->account) >= LEDGER_ACCOUNT_MAX ||
            en->amount == 0)
            return err_set(e, ERR_INTERNAL, "ledger: entry %d of a %s transaction is empty", i,
                           t->kind);
        /* Amounts are bounded far below INT64_MAX / LEDGER_ENTRIES_MAX by
         * every caller's limits, so the sum cannot overflow. */
        sum += en->amount;
    }
    if (sum != 0)
        return err_set(e, ERR_INTERNAL, "ledger: a %s transaction does not balance", t->kind);
    return 0;
}

void ledger_account(const char *kind, const char *id, char out[LEDGER_ACCOUNT_MAX])
{
    snprintf(out, LEDGER_ACCOUNT_MAX, "%s:%s", kind, id);
}
