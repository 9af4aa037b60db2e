/*
 * quote_store.c: SQL behind quotes.
 */
#include "campaign/quote_store.h"

int quote_org_usage(db_conn *c, const qe_snapshot *s, const char *org_id, int64_t *uses,
                    bool *used_any, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    *used_any = false;
    for (int i = 0; i < s->npolicies; i++)
        uses[i] = 0;
    int rc = db_query(c, "SELECT policy_id, uses FROM policy_usage WHERE org_id = ?",
                      DB_ARGS(DB_TEXT(org_id)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        int p = qe_policy_find(s, db_text(st, 0));
        if (p >= 0)
            uses[p] = db_int(st, 1);
        *used_any |= db_int(st, 1) > 0;
    }
    db_done(st);
    return rc;
}

int quote_org_load(db_conn *c, arena *a, const qe_snapshot *s, const char *org_id,
                   const char **industry, const char **size, int64_t *uses, bool *used_any,
                   err_ctx *e)
{
    db_stmt *st = NULL;
    bool row, found = false;
    *used_any = false;
    *industry = *size = NULL;
    for (int i = 0; i < s->npolicies; i++)
        uses[i] = 0;
    int rc = db_query(c,
                      "SELECT o.industry, o.size, u.policy_id, u.uses FROM orgs o"
                      " LEFT JOIN policy_usage u ON u.org_id = o.id WHERE o.id = ?",
                      DB_ARGS(DB_TEXT(org_id)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        if (!found) {
            found = true;
            *industry = arena_strdup(a, db_text(st, 0));
            *size = arena_strdup(a, db_text(st, 1));
            if (!*industry || !*size)
                rc = err_set(e, ERR_NOMEM, "out of memory");
        }
        const char *policy = db_text(st, 2);
        if (!policy)
            continue; /* no usage at all */
        int p = qe_policy_find(s, policy);
        if (p >= 0)
            uses[p] = db_int(st, 3);
        *used_any |= db_int(st, 3) > 0;
    }
    db_done(st);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no org %s", org_id);
    return rc;
}

int quote_save(db_conn *c, const quote_row *q, err_ctx *e)
{
    return db_exec(c,
                   "INSERT INTO quotes (id, org_id, at, expires_at, currency, total, body,"
                   " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   DB_ARGS(DB_TEXT(q->id), DB_TEXT(q->org_id), DB_INT(q->at),
                           DB_INT(q->expires_at), DB_TEXT(q->currency), DB_INT(q->total),
                           DB_TEXT(q->body), DB_INT(q->created_at)),
                   NULL, e);
}

int quote_load(db_conn *c, arena *a, const char *id, const char *org_id, quote_row *out,
               err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c,
                          "SELECT id, org_id, currency, body, at, expires_at, total, created_at"
                          " FROM quotes WHERE id = ? AND (CAST(? AS TEXT) IS NULL OR org_id = ?)",
                          DB_ARGS(DB_TEXT(id), DB_TEXT(org_id), DB_TEXT(org_id)), &st, &found,
                          e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no quote %s", id);
    if (!rc) {
        *out = (quote_row){
            .id = arena_strdup(a, db_text(st, 0)), .org_id = arena_strdup(a, db_text(st, 1)),
            .currency = arena_strdup(a, db_text(st, 2)), .body = arena_strdup(a, db_text(st, 3)),
            .at = db_int(st, 4), .expires_at = db_int(st, 5), .total = db_int(st, 6),
            .created_at = db_int(st, 7),
        };
        if (!out->body || !out->id || !out->org_id || !out->currency)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    db_done(st);
    return rc;
}
