/*
 * wallet_store.c: reading an org's grants and their sums.
 */
#include "credit/wallet.h"

#include <string.h>

#define GRANT_COLS                                                                     \
    "id, org_id, fund_id, source, source_id, currency, amount, remaining, expires_at," \
    " created_at, (SELECT k.drop_id FROM claims k WHERE k.id = grants.source_id)"

static int nomem(err_ctx *e) { return err_set(e, ERR_NOMEM, "out of memory"); }

/* Reads a grants row (GRANT_COLS) into item, a grant. */
static int read_grant(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    grant *g = item;
    *g = (grant){
        .id = arena_strdup(a, db_text(st, 0)), .org_id = arena_strdup(a, db_text(st, 1)),
        .fund_id = arena_strdup(a, db_text(st, 2)), .source = arena_strdup(a, db_text(st, 3)),
        .source_id = arena_strdup(a, db_text(st, 4)),
        .currency = arena_strdup(a, db_text(st, 5)), .amount = db_int(st, 6),
        .remaining = db_int(st, 7), .expires_at = db_int(st, 8), .created_at = db_int(st, 9),
        .drop_id = db_text(st, 10) ? arena_strdup(a, db_text(st, 10)) : NULL,
    };
    return g->id && g->org_id && g->fund_id && g->source && g->source_id && g->currency &&
                   (g->drop_id || !db_text(st, 10))
               ? 0
               : nomem(e);
}

int wallet_get(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
               int64_t now, wallet *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    const char *org;
    int rc = account_org_scope(actor, org_id, &org, e);
    memset(out, 0, sizeof *out);
    if (!rc && !org)
        rc = err_param(e, "org", "is required for operators");
    if (!rc && actor->role_bit == ROLE_OPERATOR &&
        !(rc = db_exists(c, "SELECT 1 FROM orgs WHERE id = ?", DB_ARGS(DB_TEXT(org)), &row, e)) &&
        !row)
        rc = err_set(e, ERR_NOT_FOUND, "no org %s", org);
    if (rc)
        return rc;
    out->org_id = org;
    rc = db_query(c,
                  "SELECT currency,"
                  " COALESCE(SUM(CASE WHEN expires_at > ? THEN remaining ELSE 0 END), 0),"
                  " COALESCE(SUM(CASE WHEN expires_at > ? THEN 0 ELSE remaining END), 0),"
                  " COALESCE(SUM(amount), 0)"
                  " FROM grants WHERE org_id = ? GROUP BY currency ORDER BY currency",
                  DB_ARGS(DB_INT(now), DB_INT(now), DB_TEXT(org)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && out->n < WALLET_CURRENCIES_MAX) {
        wallet_balance *b = &out->balances[out->n++];
        *b = (wallet_balance){arena_strdup(a, db_text(st, 0)), db_int(st, 1), db_int(st, 2),
                              db_int(st, 3)};
        if (!b->currency)
            rc = nomem(e);
    }
    db_done(st);
    return rc;
}

int grant_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
               account_page pg, grant **items, int *n, const char **next, err_ctx *e)
{
    const account_page_query q = {
        ACCOUNT_PAGE_SQL("SELECT " GRANT_COLS " FROM grants", "grants", ACCOUNT_ORG_SCOPE),
        .size = sizeof(grant),
        .read = read_grant,
    };
    *items = account_org_page_list(c, a, actor, org_id, pg, q, n, next, e);
    return *items ? 0 : e->code;
}

int grant_of(db_conn *c, arena *a, const char *source_id, grant *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, "SELECT " GRANT_COLS " FROM grants WHERE source_id = ?",
                          DB_ARGS(DB_TEXT(source_id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no grant for %s", source_id);
    if (!rc)
        rc = read_grant(a, st, out, e);
    db_done(st);
    return rc;
}
