/*
 * fund_store.c: the SQL behind funds and drops: issuing credit into a
 * fund, reserving it for a drop and splitting the drop's places over its
 * shards, closing a drop and returning what was left. Every movement is a
 * ledger transaction in the same database transaction as the rows it
 * explains, run through db_transact (retried on PostgreSQL conflicts).
 */
#include <inttypes.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "credit/credit.h"
#include "credit/ledger.h"

#define FUND_SELECT                                                                       \
    "SELECT id, name_zh, name_en, description_zh, description_en, currency, amount,"      \
    " available, created_at, updated_at,"                                                 \
    " (SELECT COALESCE(SUM(s.remaining * d.amount), 0) FROM drops d"                      \
    "   JOIN drop_shards s ON s.drop_id = d.id WHERE d.fund_id = funds.id),"              \
    " (SELECT COALESCE(SUM(g.amount), 0) FROM grants g WHERE g.fund_id = funds.id)"       \
    " FROM funds"

#define DROP_SELECT                                                                       \
    "SELECT id, fund_id, name_zh, name_en, currency, amount, quantity, released,"         \
    " opens_at, closes_at, industries, sizes, grant_days, shards, created_at,"            \
    " (SELECT COALESCE(SUM(remaining), 0) FROM drop_shards s WHERE s.drop_id = drops.id)" \
    " FROM drops"

static int nomem(err_ctx *e) { return err_set(e, ERR_NOMEM, "out of memory"); }

static const char *dup_col(arena *a, db_stmt *st, int col)
{
    const char *v = db_text(st, col);
    return arena_strdup(a, v ? v : "");
}

/* Reads a funds row (FUND_SELECT) into item, a fund. */
static int read_fund(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    fund *f = item;
    *f = (fund){
        .id = dup_col(a, st, 0),
        .name = {dup_col(a, st, 1), dup_col(a, st, 2)},
        .description = {dup_col(a, st, 3), dup_col(a, st, 4)},
        .currency = dup_col(a, st, 5),
        .amount = db_int(st, 6), .available = db_int(st, 7),
        .created_at = db_int(st, 8), .updated_at = db_int(st, 9),
        .reserved = db_int(st, 10), .granted = db_int(st, 11),
    };
    return f->id && f->name.zh && f->name.en && f->description.zh && f->description.en &&
                   f->currency
               ? 0
               : nomem(e);
}

/* Reads a drops row (DROP_SELECT) into item, a drop. */
static int read_drop(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    drop *d = item;
    *d = (drop){
        .id = dup_col(a, st, 0), .fund_id = dup_col(a, st, 1),
        .name = {dup_col(a, st, 2), dup_col(a, st, 3)},
        .currency = dup_col(a, st, 4),
        .amount = db_int(st, 5), .quantity = db_int(st, 6), .released = db_int(st, 7),
        .opens_at = db_int(st, 8), .closes_at = db_int(st, 9),
        .industries = dup_col(a, st, 10), .sizes = dup_col(a, st, 11),
        .grant_days = (int)db_int(st, 12), .shards = (int)db_int(st, 13),
        .created_at = db_int(st, 14), .remaining = db_int(st, 15),
    };
    return d->id && d->fund_id && d->name.zh && d->name.en && d->currency && d->industries &&
                   d->sizes
               ? 0
               : nomem(e);
}

static const char *csv_join(arena *a, const jv_strings *l)
{
    size_t len = 1;
    for (size_t i = 0; i < l->n; i++)
        len += strlen(l->v[i]) + 1;
    char *s = arena_alloc(a, len), *p = s;
    if (!s)
        return NULL;
    *p = '\0';
    for (size_t i = 0; i < l->n; i++)
        p += sprintf(p, "%s%s", i ? "," : "", l->v[i]);
    return s;
}

/* An idempotency key already used: the same request (hash) replays the
 * row it created (*id), another one is refused. */
static int idem_lookup(db_conn *c, arena *a, const char *sql, const credit_idem *idem,
                       const char **id, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, sql, DB_ARGS(DB_TEXT(idem->key)), &st, &found, e);
    *id = NULL;
    if (!rc && found) {
        if (strcmp(db_text(st, 1), idem->hash) != 0)
            rc = err_field_add(e, "Idempotency-Key", "was already used for another request");
        else if (!(*id = arena_strdup(a, db_text(st, 0))))
            rc = nomem(e);
    }
    db_done(st);
    return rc;
}

/* After a creation's transaction ended in rc: when it clashed with a
 * request under the same key made at the same moment (a UNIQUE conflict
 * with no field named), the row that one made is the answer, a replay;
 * *id then names it. Any other rc stands. */
static int idem_race(db_conn *c, arena *a, const char *lookup, const credit_idem *idem, int rc,
                     const char *what, const char **id, bool *replayed, err_ctx *e)
{
    const char *old;
    if (rc != ERR_CONFLICT || e->nfields)
        return rc;
    err_clear(e);
    rc = idem_lookup(c, a, lookup, idem, &old, e);
    if (!rc && !old)
        return err_set(e, ERR_CONFLICT, "the %s could not be created; try again", what);
    *replayed = old != NULL;
    *id = rc ? *id : old;
    return rc;
}

/* ---- funds ------------------------------------------------------------- */

int fund_get(db_conn *c, arena *a, const char *id, fund *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, FUND_SELECT " WHERE id = ?", DB_ARGS(DB_TEXT(id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no fund %s", id);
    if (!rc)
        rc = read_fund(a, st, out, e);
    db_done(st);
    return rc;
}

int fund_list(db_conn *c, arena *a, account_page pg, fund **items, int *n, const char **next,
              err_ctx *e)
{
    static const account_page_query q = {
        ACCOUNT_PAGE_SQL(FUND_SELECT, "funds", "1 = 1"),
        .size = sizeof(fund),
        .read = read_fund,
    };
    return (*items = account_page_list(c, a, pg, &q, n, next, e)) ? 0 : e->code;
}

typedef struct fund_tx {
    const fund_input *in;
    const credit_idem *idem;
    const char *id;
    int64_t now;
} fund_tx;

static int fund_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    fund_tx *t = arg;
    const fund_input *in = t->in;
    const char *currency = in->currency ? in->currency : "CNY";
    char program[LEDGER_ACCOUNT_MAX], account[LEDGER_ACCOUNT_MAX], txn[RAND_ID_LEN];
    int rc = db_exec(c,
                     "INSERT INTO funds (id, name_zh, name_en, description_zh, description_en,"
                     " currency, amount, available, idem_key, idem_hash, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(t->id), DB_TEXT(in->name.zh), DB_TEXT(in->name.en),
                             DB_TEXT(in->description.zh ? in->description.zh : ""),
                             DB_TEXT(in->description.en ? in->description.en : ""),
                             DB_TEXT(currency), DB_INT(in->amount.v), DB_INT(in->amount.v),
                             DB_TEXT(t->idem->key), DB_TEXT(t->idem->hash), DB_INT(t->now),
                             DB_INT(t->now)),
                     NULL, e);
    ledger_account("program", currency, program);
    ledger_account("fund", t->id, account);
    ledger_txn lt = {.kind = "issue", .ref = t->id, .currency = currency,
                     .created_at = t->now, .n = 2,
                     .entries = {{program, -in->amount.v}, {account, in->amount.v}}};
    return rc ? rc : ledger_post(c, &lt, txn, e);
}

int fund_create(db_conn *c, arena *a, const fund_input *in, const credit_idem *idem,
                fund *out, bool *replayed, err_ctx *e)
{
    static const char lookup[] = "SELECT id, idem_hash FROM funds WHERE idem_key = ?";
    char id[RAND_ID_LEN];
    const char *old;
    fund_tx t = {.in = in, .idem = idem, .id = id, .now = clock_now_ms()};
    int rc = idem_lookup(c, a, lookup, idem, &old, e);
    *replayed = old != NULL;
    if (rc || old)
        return rc ? rc : fund_get(c, a, old, out, e);
    rand_id("fund", id);
    const char *made = id;
    rc = idem_race(c, a, lookup, idem, db_transact(c, fund_create_tx, &t, e), "fund", &made,
                   replayed, e);
    return rc ? rc : fund_get(c, a, made, out, e);
}

/* ---- drops ------------------------------------------------------------- */

int drop_get(db_conn *c, arena *a, const char *id, drop *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, DROP_SELECT " WHERE id = ?", DB_ARGS(DB_TEXT(id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no drop %s", id);
    if (!rc)
        rc = read_drop(a, st, out, e);
    db_done(st);
    return rc;
}

int drop_list(db_conn *c, arena *a, const char *fund_id, account_page pg, drop **items, int *n,
              const char **next, err_ctx *e)
{
    bool found = true;
    const account_page_query q = {
        ACCOUNT_PAGE_SQL(DROP_SELECT, "drops", "CAST(? AS TEXT) IS NULL OR fund_id = ?"),
        DB_ARGS(DB_TEXT(fund_id), DB_TEXT(fund_id)),
        .size = sizeof(drop),
        .read = read_drop,
    };
    int rc = fund_id ? db_exists(c, "SELECT 1 FROM funds WHERE id = ?", DB_ARGS(DB_TEXT(fund_id)),
                                 &found, e)
                     : 0;
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no fund %s", fund_id);
    if (!rc)
        rc = (*items = account_page_list(c, a, pg, &q, n, next, e)) ? 0 : e->code;
    return rc;
}

typedef struct drop_tx {
    const char *fund_id;
    const credit_idem *idem;
    drop d; /* as it will be stored */
    int64_t now;
} drop_tx;

static int drop_create_tx(db_conn *c, void *arg, err_ctx *e)
{
    drop_tx *t = arg;
    drop *d = &t->d;
    int64_t total = d->amount * d->quantity, changed = 0;
    char from[LEDGER_ACCOUNT_MAX], to[LEDGER_ACCOUNT_MAX], txn[RAND_ID_LEN];
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, "SELECT currency, available FROM funds WHERE id = ?",
                          DB_ARGS(DB_TEXT(t->fund_id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no fund %s", t->fund_id);
    if (!rc && strcmp(db_text(st, 0), d->currency) != 0)
        rc = err_set(e, ERR_INTERNAL, "fund currency changed");
    int64_t available = rc ? 0 : db_int(st, 1);
    db_done(st);
    if (!rc)
        rc = db_exec(c, "UPDATE funds SET available = available - ?, updated_at = ?"
                        " WHERE id = ? AND available >= ?",
                     DB_ARGS(DB_INT(total), DB_INT(t->now), DB_TEXT(t->fund_id), DB_INT(total)),
                     &changed, e);
    if (!rc && !changed) {
        err_set(e, ERR_CONFLICT, "the fund has %" PRId64 " available, the drop needs %" PRId64,
                available, total);
        err_field_add(e, "quantity", "times amount is more than the fund has available");
        return e->code = ERR_CONFLICT;
    }
    if (!rc)
        rc = db_exec(c,
                     "INSERT INTO drops (id, fund_id, name_zh, name_en, currency, amount,"
                     " quantity, opens_at, closes_at, industries, sizes, grant_days, shards,"
                     " idem_key, idem_hash, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(d->id), DB_TEXT(d->fund_id), DB_TEXT(d->name.zh),
                             DB_TEXT(d->name.en), DB_TEXT(d->currency), DB_INT(d->amount),
                             DB_INT(d->quantity), DB_INT(d->opens_at), DB_INT(d->closes_at),
                             DB_TEXT(d->industries), DB_TEXT(d->sizes), DB_INT(d->grant_days),
                             DB_INT(d->shards), DB_TEXT(t->idem->key), DB_TEXT(t->idem->hash),
                             DB_INT(d->created_at)),
                     NULL, e);
    for (int i = 0; !rc && i < d->shards; i++)
        rc = db_exec(c, "INSERT INTO drop_shards (drop_id, shard, remaining) VALUES (?, ?, ?)",
                     DB_ARGS(DB_TEXT(d->id), DB_INT(i),
                             DB_INT(drop_shard_size(d->quantity, d->shards, i))),
                     NULL, e);
    ledger_account("fund", t->fund_id, from);
    ledger_account("drop", d->id, to);
    ledger_txn lt = {.kind = "reserve", .ref = d->id, .currency = d->currency,
                     .created_at = t->now, .n = 2, .entries = {{from, -total}, {to, total}}};
    return rc ? rc : ledger_post(c, &lt, txn, e);
}

int drop_create(db_conn *c, arena *a, const char *fund_id, const drop_input *in,
                const credit_idem *idem, drop *out, bool *replayed, err_ctx *e)
{
    static const char lookup[] = "SELECT id, idem_hash FROM drops WHERE idem_key = ?";
    char id[RAND_ID_LEN];
    const char *old;
    fund f;
    drop_tx t = {.fund_id = fund_id, .idem = idem, .now = clock_now_ms()};
    int rc = idem_lookup(c, a, lookup, idem, &old, e);
    *replayed = old != NULL;
    if (rc || old)
        return rc ? rc : drop_get(c, a, old, out, e);
    if ((rc = fund_get(c, a, fund_id, &f, e)))
        return rc;
    rand_id("drp", id);
    t.d = (drop){
        .id = id, .fund_id = fund_id, .currency = f.currency, .name = in->name,
        .amount = in->amount.v, .quantity = in->quantity.v,
        .grant_days = in->grant_days.set ? (int)in->grant_days.v : CREDIT_GRANT_DAYS_DEFAULT,
        .industries = csv_join(a, &in->industries), .sizes = csv_join(a, &in->sizes),
        .created_at = t.now,
    };
    int shards = in->shards.set ? (int)in->shards.v : CREDIT_SHARDS_DEFAULT;
    t.d.shards = in->quantity.v < shards ? (int)in->quantity.v : shards;
    if (!t.d.industries || !t.d.sizes)
        return nomem(e);
    clock_parse(in->opens_at, &t.d.opens_at);
    clock_parse(in->closes_at, &t.d.closes_at);
    if (t.d.closes_at <= t.now)
        return err_field_add(e, "closes_at", "must be in the future");
    const char *made = id;
    rc = idem_race(c, a, lookup, idem, db_transact(c, drop_create_tx, &t, e), "drop", &made,
                   replayed, e);
    return rc ? rc : drop_get(c, a, made, out, e);
}

typedef struct close_tx {
    const char *id;
    int64_t now;
} close_tx;

/* Empties one shard, whatever claims take from it meanwhile; *took gets
 * the places it held. */
static int empty_shard(db_conn *c, const char *id, int shard, int64_t *took, err_ctx *e)
{
    int64_t changed = 0;
    int rc = 0;
    *took = 0;
    do {
        db_stmt *st = NULL;
        bool found;
        rc = db_query_row(c, "SELECT remaining FROM drop_shards WHERE drop_id = ? AND shard = ?",
                          DB_ARGS(DB_TEXT(id), DB_INT(shard)), &st, &found, e);
        *took = !rc && found ? db_int(st, 0) : 0;
        db_done(st);
        if (rc || *took == 0)
            return rc;
        rc = db_exec(c, "UPDATE drop_shards SET remaining = 0"
                        " WHERE drop_id = ? AND shard = ? AND remaining = ?",
                     DB_ARGS(DB_TEXT(id), DB_INT(shard), DB_INT(*took)), &changed, e);
    } while (!rc && !changed);
    return rc;
}

static int drop_close_tx(db_conn *c, void *arg, err_ctx *e)
{
    close_tx *t = arg;
    db_stmt *st = NULL;
    bool found;
    int64_t changed = 0, places = 0;
    int rc = db_query_row(c, "SELECT fund_id, currency, amount, shards FROM drops WHERE id = ?",
                          DB_ARGS(DB_TEXT(t->id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no drop %s", t->id);
    char fund_id[RAND_ID_LEN] = "", currency[8] = "";
    int64_t amount = rc ? 0 : db_int(st, 2);
    int shards = rc ? 0 : (int)db_int(st, 3);
    if (!rc) {
        snprintf(fund_id, sizeof fund_id, "%s", db_text(st, 0));
        snprintf(currency, sizeof currency, "%s", db_text(st, 1));
    }
    db_done(st);
    if (!rc) /* still open: it ends now (one whose window ended is only settled) */
        rc = db_exec(c, "UPDATE drops SET closes_at = ? WHERE id = ? AND closes_at > ?",
                     DB_ARGS(DB_INT(t->now), DB_TEXT(t->id), DB_INT(t->now)), &changed, e);
    for (int i = 0; !rc && i < shards; i++) {
        int64_t took;
        rc = empty_shard(c, t->id, i, &took, e);
        places += took;
    }
    if (!rc && !changed && places == 0)
        return err_set(e, ERR_CONFLICT, "drop %s is already closed and settled", t->id);
    if (rc || places == 0)
        return rc;
    rc = db_exec(c, "UPDATE drops SET released = released + ? WHERE id = ?",
                 DB_ARGS(DB_INT(places), DB_TEXT(t->id)), NULL, e);
    if (!rc)
        rc = db_exec(c, "UPDATE funds SET available = available + ?, updated_at = ? WHERE id = ?",
                     DB_ARGS(DB_INT(places * amount), DB_INT(t->now), DB_TEXT(fund_id)), NULL,
                     e);
    char from[LEDGER_ACCOUNT_MAX], to[LEDGER_ACCOUNT_MAX], txn[RAND_ID_LEN];
    ledger_account("drop", t->id, from);
    ledger_account("fund", fund_id, to);
    ledger_txn lt = {.kind = "release", .ref = t->id, .currency = currency,
                     .created_at = t->now, .n = 2,
                     .entries = {{from, -places * amount}, {to, places * amount}}};
    return rc ? rc : ledger_post(c, &lt, txn, e);
}

int drop_close(db_conn *c, arena *a, const char *id, drop *out, err_ctx *e)
{
    close_tx t = {.id = id, .now = clock_now_ms()};
    int rc = db_transact(c, drop_close_tx, &t, e);
    return rc ? rc : drop_get(c, a, id, out, e);
}
