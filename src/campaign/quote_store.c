/*
 * quote_store.c: SQL behind quotes, and the cache of what pricing reads
 * of an org.
 */
#include "campaign/quote_store.h"

#include <string.h>

#include "base/clock.h"

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

/* A cache entry: this, the industry and the size (each ending in a NUL),
 * then nused pairs of a policy index (int32_t) and its uses (int64_t). */
typedef struct org_kept {
    int64_t version;
    int32_t nused;
    bool used_any;
} org_kept;

#define ORG_PAIR (sizeof(int32_t) + sizeof(int64_t))

static void org_keep(cache *k, uint64_t epoch, const qe_snapshot *s, const char *org_id,
                     const char *industry, const char *size, const int64_t *uses,
                     bool used_any)
{
    char buf[CACHE_VALUE_MAX];
    org_kept head = {s->version, 0, used_any};
    size_t ni = strlen(industry) + 1, ns = strlen(size) + 1, len = sizeof head + ni + ns;
    if (!k || len > sizeof buf)
        return;
    memcpy(buf + sizeof head, industry, ni);
    memcpy(buf + sizeof head + ni, size, ns);
    for (int32_t p = 0; p < s->npolicies; p++) {
        if (!uses[p])
            continue;
        if (ORG_PAIR > sizeof buf - len)
            return; /* too big to keep: read each time */
        memcpy(buf + len, &p, sizeof p);
        memcpy(buf + len + sizeof p, &uses[p], sizeof uses[p]);
        len += ORG_PAIR;
        head.nused++;
    }
    memcpy(buf, &head, sizeof head);
    cache_put(k, org_id, NULL, epoch, clock_now_ms(), buf, len);
}

bool quote_org_recall(cache *k, arena *a, const qe_snapshot *s, const char *org_id,
                      const char **industry, const char **size, int64_t *uses, bool *used_any,
                      uint64_t *epoch)
{
    org_kept head;
    *epoch = cache_epoch(k);
    char *buf = arena_alloc_raw(a, CACHE_VALUE_MAX);
    size_t len = buf ? cache_get(k, org_id, clock_now_ms(), buf, CACHE_VALUE_MAX) : 0;
    if (len < sizeof head)
        return false;
    memcpy(&head, buf, sizeof head);
    if (head.version != s->version)
        return false; /* another snapshot: its policy indices differ */
    *industry = buf + sizeof head;
    *size = *industry + strlen(*industry) + 1;
    *used_any = head.used_any;
    memset(uses, 0, (size_t)s->npolicies * sizeof *uses);
    const char *pair = *size + strlen(*size) + 1;
    for (int32_t i = 0; i < head.nused; i++, pair += ORG_PAIR) {
        int32_t p;
        memcpy(&p, pair, sizeof p);
        memcpy(&uses[p], pair + sizeof p, sizeof uses[p]);
    }
    return true;
}

int quote_org_load(db_conn *c, cache *k, uint64_t epoch, arena *a, const qe_snapshot *s,
                   const char *org_id, const char **industry, const char **size, int64_t *uses,
                   bool *used_any, err_ctx *e)
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
    if (!rc)
        org_keep(k, epoch, s, org_id, *industry, *size, uses, *used_any);
    return rc;
}

#define QUOTE_ROW "(?, ?, ?, ?, ?, ?, ?, ?)"
#define QUOTE_INSERT \
    "INSERT INTO quotes (id, org_id, at, expires_at, currency, total, body, created_at) VALUES "

int quote_save_many(db_conn *c, const quote_row *q, int n, db_arg *args, err_ctx *e)
{
    static const char *const sql[DB_ROWS_SIZES] = {
        QUOTE_INSERT DB_ROWS16(QUOTE_ROW), QUOTE_INSERT DB_ROWS4(QUOTE_ROW),
        QUOTE_INSERT QUOTE_ROW};
    static const int sizes[DB_ROWS_SIZES] = {16, 4, 1};
    for (int i = 0; i < n; i++) {
        db_arg *row = args + (size_t)i * QUOTE_SAVE_ARGS;
        row[0] = DB_TEXT(q[i].id), row[1] = DB_TEXT(q[i].org_id), row[2] = DB_INT(q[i].at);
        row[3] = DB_INT(q[i].expires_at), row[4] = DB_TEXT(q[i].currency);
        row[5] = DB_INT(q[i].total), row[6] = DB_TEXT(q[i].body), row[7] = DB_INT(q[i].created_at);
    }
    return db_exec_rows(c, sql, sizes, QUOTE_SAVE_ARGS, args, n, NULL, NULL, e);
}

int quote_prune(db_conn *c, int64_t before, int limit, int64_t *deleted, err_ctx *e)
{
    return db_exec(c,
                   "DELETE FROM quotes WHERE id IN (SELECT q.id FROM quotes q"
                   " WHERE q.expires_at < ? AND NOT EXISTS"
                   " (SELECT 1 FROM orders o WHERE o.quote_id = q.id)"
                   " ORDER BY q.expires_at LIMIT ?)",
                   DB_ARGS(DB_INT(before), DB_INT(limit)), deleted, e);
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

int quote_policy_views_load(db_conn *c, arena *a, const char *const *ids, int n,
                            quote_policy_view *out, bool *found, err_ctx *e)
{
    /* A fixed list of QUOTE_VIEWS_CHUNK (32) placeholders, the unused ones
     * bound to NULL (which matches no id), so that the statement is
     * prepared once per connection like the others. */
    static const char sql[] = "SELECT id, campaign_id, name_zh, name_en, effect, lane"
                              " FROM policies WHERE id IN (" DB_ROWS16("?") ", "
                              DB_ROWS16("?") ")";
    db_arg args[QUOTE_VIEWS_CHUNK];
    int rc = 0;
    for (int i = 0; i < n; i++)
        found[i] = false;
    for (int from = 0; !rc && from < n; from += QUOTE_VIEWS_CHUNK) {
        int k = n - from < QUOTE_VIEWS_CHUNK ? n - from : QUOTE_VIEWS_CHUNK;
        db_stmt *st = NULL;
        bool row;
        for (int j = 0; j < QUOTE_VIEWS_CHUNK; j++)
            args[j] = j < k ? DB_TEXT(ids[from + j]) : DB_NULL;
        rc = db_query(c, sql, args, QUOTE_VIEWS_CHUNK, &st, e);
        while (!rc && !(rc = db_step(st, &row, e)) && row) {
            const char *id = db_text(st, 0);
            int i = from;
            while (i < from + k && strcmp(ids[i], id) != 0)
                i++;
            if (i == from + k)
                continue;
            found[i] = true;
            out[i] = (quote_policy_view){
                .campaign_id = arena_strdup(a, db_text(st, 1)),
                .name_zh = arena_strdup(a, db_text(st, 2)),
                .name_en = arena_strdup(a, db_text(st, 3)),
                .effect = arena_strdup(a, db_text(st, 4)), .lane = (int)db_int(st, 5),
            };
            if (!out[i].campaign_id || !out[i].name_zh || !out[i].name_en || !out[i].effect)
                rc = err_set(e, ERR_NOMEM, "out of memory");
        }
        db_done(st);
    }
    return rc;
}
