/*
 * ledger_store.c: writing ledger transactions and reading them back.
 */
#include "credit/ledger.h"

#include <string.h>

static int nomem(err_ctx *e) { return err_set(e, ERR_NOMEM, "out of memory"); }

int ledger_post(db_conn *c, ledger_txn *t, char idbuf[RAND_ID_LEN], err_ctx *e)
{
    int rc = ledger_check(t, e);
    if (rc)
        return rc;
    if (!t->id) {
        rand_id("txn", idbuf);
        t->id = idbuf;
    }
    rc = db_exec(c, "INSERT INTO ledger_txns (id, kind, ref, org_id, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                 DB_ARGS(DB_TEXT(t->id), DB_TEXT(t->kind), DB_TEXT(t->ref),
                         DB_TEXT(t->org_id), DB_INT(t->created_at)),
                 NULL, e);
    /* Every movement so far has two legs: one statement for both. */
    if (!rc && t->n == 2)
        return db_exec(c, "INSERT INTO ledger_entries (txn_id, seq, account, currency, amount)"
                          " VALUES (?, 0, ?, ?, ?), (?, 1, ?, ?, ?)",
                       DB_ARGS(DB_TEXT(t->id), DB_TEXT(t->entries[0].account),
                               DB_TEXT(t->currency), DB_INT(t->entries[0].amount),
                               DB_TEXT(t->id), DB_TEXT(t->entries[1].account),
                               DB_TEXT(t->currency), DB_INT(t->entries[1].amount)),
                       NULL, e);
    for (int i = 0; !rc && i < t->n; i++)
        rc = db_exec(c, "INSERT INTO ledger_entries (txn_id, seq, account, currency, amount)"
                        " VALUES (?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(t->id), DB_INT(i), DB_TEXT(t->entries[i].account),
                             DB_TEXT(t->currency), DB_INT(t->entries[i].amount)),
                     NULL, e);
    return rc;
}

#define TXN_ROW "(?, ?, ?, ?, ?)"
#define TXN_INSERT "INSERT INTO ledger_txns (id, kind, ref, org_id, created_at) VALUES "
#define ENTRY_ROW "(?, ?, ?, ?, ?)"
#define ENTRY_INSERT "INSERT INTO ledger_entries (txn_id, seq, account, currency, amount) VALUES "

int ledger_post_many(db_conn *c, arena *a, const ledger_txn *t, int n, err_ctx *e)
{
    static const char *const txn_sql[DB_ROWS_SIZES] = {
        TXN_INSERT DB_ROWS16(TXN_ROW), TXN_INSERT DB_ROWS4(TXN_ROW), TXN_INSERT TXN_ROW};
    /* Two entries per transaction: 8, 2 and 1 transactions' worth. */
    static const char *const entry_sql[DB_ROWS_SIZES] = {
        ENTRY_INSERT DB_ROWS16(ENTRY_ROW), ENTRY_INSERT DB_ROWS4(ENTRY_ROW),
        ENTRY_INSERT ENTRY_ROW ", " ENTRY_ROW};
    static const int txn_sizes[DB_ROWS_SIZES] = {16, 4, 1};
    static const int entry_sizes[DB_ROWS_SIZES] = {8, 2, 1};
    int rc = 0;
    db_arg *targs = arena_alloc_raw(a, (size_t)n * 5 * sizeof *targs);
    db_arg *eargs = arena_alloc_raw(a, (size_t)n * 10 * sizeof *eargs);
    if (!targs || !eargs)
        return nomem(e);
    for (int i = 0; !rc && i < n; i++) {
        const ledger_txn *x = &t[i];
        if ((rc = ledger_check(x, e)))
            break;
        if (x->n != 2 || !x->id)
            return err_set(e, ERR_INTERNAL, "ledger_post_many: two entries and an id each");
        db_arg *ta = targs + (size_t)i * 5, *ea = eargs + (size_t)i * 10;
        ta[0] = DB_TEXT(x->id), ta[1] = DB_TEXT(x->kind), ta[2] = DB_TEXT(x->ref);
        ta[3] = DB_TEXT(x->org_id), ta[4] = DB_INT(x->created_at);
        for (int k = 0; k < 2; k++) {
            db_arg *row = ea + k * 5;
            row[0] = DB_TEXT(x->id), row[1] = DB_INT(k), row[2] = DB_TEXT(x->entries[k].account);
            row[3] = DB_TEXT(x->currency), row[4] = DB_INT(x->entries[k].amount);
        }
    }
    if (!rc)
        rc = db_exec_rows(c, txn_sql, txn_sizes, 5, targs, n, NULL, NULL, e);
    if (!rc)
        rc = db_exec_rows(c, entry_sql, entry_sizes, 10, eargs, n, NULL, NULL, e);
    return rc;
}

int ledger_balance(db_conn *c, const char *account, int64_t *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, "SELECT COALESCE(SUM(amount), 0) FROM ledger_entries"
                             " WHERE account = ?",
                          DB_ARGS(DB_TEXT(account)), &st, &found, e);
    *out = !rc && found ? db_int(st, 0) : 0;
    db_done(st);
    return rc;
}

/* Reads the entries of each transaction in items[0..n). */
static int read_entries(db_conn *c, arena *a, ledger_txn *items, int n, err_ctx *e)
{
    int rc = 0;
    for (int i = 0; !rc && i < n; i++) {
        db_stmt *st = NULL;
        bool row;
        ledger_txn *t = &items[i];
        rc = db_query(c, "SELECT account, currency, amount FROM ledger_entries"
                         " WHERE txn_id = ? ORDER BY seq",
                      DB_ARGS(DB_TEXT(t->id)), &st, e);
        while (!rc && !(rc = db_step(st, &row, e)) && row && t->n < LEDGER_ENTRIES_MAX) {
            ledger_entry *en = &t->entries[t->n++];
            en->account = arena_strdup(a, db_text(st, 0));
            en->amount = db_int(st, 2);
            if (!t->currency)
                t->currency = arena_strdup(a, db_text(st, 1));
            if (!en->account || !t->currency)
                rc = nomem(e);
        }
        db_done(st);
    }
    return rc;
}

/* Reads a ledger_txns row into item, a ledger_txn without its entries. */
static int read_txn(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    ledger_txn *t = item;
    memset(t, 0, sizeof *t);
    t->id = arena_strdup(a, db_text(st, 0));
    t->kind = arena_strdup(a, db_text(st, 1));
    t->ref = arena_strdup(a, db_text(st, 2));
    t->org_id = db_text(st, 3) ? arena_strdup(a, db_text(st, 3)) : NULL;
    t->created_at = db_int(st, 4);
    return t->id && t->kind && t->ref ? 0 : nomem(e);
}

int ledger_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
                account_page pg, ledger_txn **items, int *n, const char **next, err_ctx *e)
{
    const account_page_query q = {
        ACCOUNT_PAGE_SQL("SELECT id, kind, ref, org_id, created_at FROM ledger_txns", "ledger_txns",
                         ACCOUNT_ORG_SCOPE),
        .size = sizeof(ledger_txn),
        .read = read_txn,
    };
    *items = account_org_page_list(c, a, actor, org_id, pg, q, n, next, e);
    return *items ? read_entries(c, a, *items, *n, e) : e->code;
}
