/*
 * claim.c: the claim batcher (its queue, its thread, the batch
 * transaction) and the checks done before a claim is queued. See claim.h.
 */
#include "credit/claim.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/rand.h"
#include "credit/credit.h"
#include "credit/ledger.h"

#define DAY_MS (24LL * 3600 * 1000)
#define CLAIM_BATCH_ARENA (4u << 20) /* statement arguments of one batch */

/* One claim waiting for its batch, in the request's arena. The batcher
 * writes only the result fields, sets done under mu, then notifies. */
typedef struct claim_item {
    const char *drop_id, *org_id, *user_id, *idem_key;
    char claim_id[RAND_ID_LEN], grant_id[RAND_ID_LEN];
    char fund_id[RAND_ID_LEN], currency[8]; /* of the grant, once won */
    /* results */
    int rc;
    err_ctx *e;
    bool replayed, won, done;
    char replay_id[RAND_ID_LEN]; /* the claim an earlier request made */
    grant g;
    void (*notify)(void *arg); /* NULL: a waiter on the done condition */
    void *arg;
    struct claim_item *next;
} claim_item;

/* One settling thread, with a connection of its own taken for good
 * (waiters may hold all the others). */
typedef struct claim_worker {
    struct claim_batcher *cb;
    db_conn *conn;
    pthread_t thread;
    bool started;
} claim_worker;

struct claim_batcher {
    db *db;
    int nworkers;
    claim_worker workers[CLAIM_WORKERS_MAX];
    const logger *lg;
    int max_batch;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* the queue has work, or stop */
    pthread_cond_t done; /* a batch is settled */
    claim_item *head, **tail;
    bool stopping;
};

/* ---- the batch transaction --------------------------------------------- */

typedef struct batch {
    claim_item **items; /* sorted by drop, then arrival */
    int n;
    int64_t now;
    arena *a; /* scratch for the statements' arguments */
} batch;

typedef struct drop_row {
    char fund_id[RAND_ID_LEN], currency[8];
    int64_t amount, opens_at, closes_at;
    int grant_days, shards;
} drop_row;

static int item_fail(claim_item *it, int code, const char *why)
{
    it->rc = err_set(it->e, code, "%s", why);
    return 0; /* one claim's refusal is not the batch's failure */
}

static int load_drop(db_conn *c, const char *id, drop_row *d, bool *found, err_ctx *e)
{
    db_stmt *st = NULL;
    int rc = db_query_row(c,
                          "SELECT fund_id, currency, amount, opens_at, closes_at, grant_days,"
                          " shards FROM drops WHERE id = ?",
                          DB_ARGS(DB_TEXT(id)), &st, found, e);
    if (!rc && *found) {
        snprintf(d->fund_id, sizeof d->fund_id, "%s", db_text(st, 0));
        snprintf(d->currency, sizeof d->currency, "%s", db_text(st, 1));
        d->amount = db_int(st, 2);
        d->opens_at = db_int(st, 3);
        d->closes_at = db_int(st, 4);
        d->grant_days = (int)db_int(st, 5);
        d->shards = (int)db_int(st, 6);
    }
    db_done(st);
    return rc;
}

/* it's claim row was not inserted: another claim holds its place. Says
 * which: the same key (a replay, or 422 when for another drop), or this
 * org's earlier claim on the drop. */
static int resolve_conflict(db_conn *c, claim_item *it, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c,
                          "SELECT id, drop_id, idem_key FROM claims WHERE org_id = ?"
                          " AND (idem_key = ? OR drop_id = ?) ORDER BY idem_key = ? DESC",
                          DB_ARGS(DB_TEXT(it->org_id), DB_TEXT(it->idem_key),
                                  DB_TEXT(it->drop_id), DB_TEXT(it->idem_key)),
                          &st, &found, e);
    if (!rc && found) /* the claim in its way, which may be of this batch */
        snprintf(it->replay_id, sizeof it->replay_id, "%s", db_text(st, 0));
    if (!rc && found && strcmp(db_text(st, 2), it->idem_key) == 0 &&
        strcmp(db_text(st, 1), it->drop_id) == 0)
        it->replayed = true;
    else if (!rc && found && strcmp(db_text(st, 2), it->idem_key) == 0)
        it->rc = err_field_add(it->e, "Idempotency-Key", "was already used for another request");
    else if (!rc)
        item_fail(it, ERR_CONFLICT, DROP_WHY_CLAIMED);
    db_done(st);
    return rc;
}

typedef struct inserted {
    claim_item **items;
    int n;
} inserted;

/* A RETURNING row of insert_claims: that claim won its row. */
static int mark_won(db_stmt *st, void *arg, err_ctx *e)
{
    inserted *ins = arg;
    const char *id = db_text(st, 0);
    (void)e;
    for (int i = 0; id && i < ins->n; i++)
        if (strcmp(ins->items[i]->claim_id, id) == 0) {
            ins->items[i]->won = true;
            break;
        }
    return 0;
}

#define CLAIM_ROW "(?, ?, ?, ?, ?, ?)"
#define CLAIM_INSERT "INSERT INTO claims (id, drop_id, org_id, user_id, idem_key, created_at) VALUES "
#define CLAIM_TAIL " ON CONFLICT DO NOTHING RETURNING id"

/* Inserts the claim rows of items[0..n) in a few statements; those that
 * collide with an existing claim (one per org and drop, one per key) are
 * left out and resolved one by one. */
static int insert_claims(db_conn *c, batch *b, claim_item **items, int n, err_ctx *e)
{
    static const char *const sql[DB_ROWS_SIZES] = {
        CLAIM_INSERT DB_ROWS16(CLAIM_ROW) CLAIM_TAIL, CLAIM_INSERT DB_ROWS4(CLAIM_ROW) CLAIM_TAIL,
        CLAIM_INSERT CLAIM_ROW CLAIM_TAIL};
    static const int sizes[DB_ROWS_SIZES] = {16, 4, 1};
    inserted ins = {items, n};
    db_arg *args = arena_alloc_raw(b->a, (size_t)n * 6 * sizeof *args);
    if (!args)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        claim_item *it = items[i];
        db_arg *row = args + (size_t)i * 6;
        row[0] = DB_TEXT(it->claim_id), row[1] = DB_TEXT(it->drop_id);
        row[2] = DB_TEXT(it->org_id), row[3] = DB_TEXT(it->user_id);
        row[4] = DB_TEXT(it->idem_key), row[5] = DB_INT(b->now);
    }
    int rc = db_exec_rows(c, sql, sizes, 6, args, n, mark_won, &ins, e);
    for (int i = 0; !rc && i < n; i++)
        if (!items[i]->won)
            rc = resolve_conflict(c, items[i], e);
    return rc;
}

/* Takes up to want places from the drop's shards, starting at a random
 * one; *got says how many it could. Each update is conditional, so no
 * shard goes below zero however many instances take at once. */
static int take_places(db_conn *c, const char *drop_id, int64_t want, int64_t *got, err_ctx *e)
{
    int64_t left[CREDIT_SHARDS_MAX];
    int ids[CREDIT_SHARDS_MAX], n = 0;
    db_stmt *st = NULL;
    bool row;
    *got = 0;
    int rc = db_query(c, "SELECT shard, remaining FROM drop_shards"
                         " WHERE drop_id = ? AND remaining > 0",
                      DB_ARGS(DB_TEXT(drop_id)), &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row && n < CREDIT_SHARDS_MAX) {
        ids[n] = (int)db_int(st, 0);
        left[n++] = db_int(st, 1);
    }
    db_done(st);
    int start = n ? (int)randombytes_uniform((uint32_t)n) : 0;
    for (int k = 0; !rc && k < n && *got < want; k++) {
        int i = (start + k) % n;
        int64_t take = want - *got < left[i] ? want - *got : left[i], changed = 0;
        rc = db_exec(c, "UPDATE drop_shards SET remaining = remaining - ?"
                        " WHERE drop_id = ? AND shard = ? AND remaining >= ?",
                     DB_ARGS(DB_INT(take), DB_TEXT(drop_id), DB_INT(ids[i]), DB_INT(take)),
                     &changed, e);
        if (!rc && changed) {
            *got += take;
            continue;
        }
        /* Somebody took from it since we looked: look again, try once more. */
        bool found;
        rc = rc ? rc
                : db_query_row(c, "SELECT remaining FROM drop_shards"
                                  " WHERE drop_id = ? AND shard = ?",
                               DB_ARGS(DB_TEXT(drop_id), DB_INT(ids[i])), &st, &found, e);
        int64_t now_left = !rc && found ? db_int(st, 0) : 0;
        db_done(st);
        if (!rc && now_left > 0) {
            left[i] = now_left;
            k--; /* the same shard again, with what it has now */
        }
    }
    return rc;
}

#define GRANT_ROW "(?, ?, ?, 'claim', ?, ?, ?, ?, ?, ?)"
#define GRANT_INSERT                                                                   \
    "INSERT INTO grants (id, org_id, fund_id, source, source_id, currency, amount,"    \
    " remaining, expires_at, created_at) VALUES "

/* The grants and ledger transactions (drop -> wallet) of the claims that
 * won their places, items[0..n), in a few multi-row statements. */
static int settle(db_conn *c, batch *b, const drop_row *d, claim_item **items, int n,
                  err_ctx *e)
{
    static const char *const sql[DB_ROWS_SIZES] = {
        GRANT_INSERT DB_ROWS16(GRANT_ROW), GRANT_INSERT DB_ROWS4(GRANT_ROW),
        GRANT_INSERT GRANT_ROW};
    static const int sizes[DB_ROWS_SIZES] = {16, 4, 1};
    db_arg *args = arena_alloc_raw(b->a, (size_t)n * 9 * sizeof *args);
    ledger_txn *txns = arena_alloc(b->a, (size_t)n * sizeof *txns);
    char (*accounts)[2][LEDGER_ACCOUNT_MAX] = arena_alloc_raw(b->a, (size_t)n * sizeof *accounts);
    char (*txn_ids)[RAND_ID_LEN] = arena_alloc_raw(b->a, (size_t)n * sizeof *txn_ids);
    if (!args || !txns || !accounts || !txn_ids)
        return err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; i < n; i++) {
        claim_item *it = items[i];
        memcpy(it->fund_id, d->fund_id, sizeof it->fund_id);
        memcpy(it->currency, d->currency, sizeof it->currency);
        it->g = (grant){
            .id = it->grant_id, .org_id = it->org_id, .fund_id = it->fund_id,
            .source = "claim", .source_id = it->claim_id, .currency = it->currency,
            .drop_id = it->drop_id,
            .amount = d->amount, .remaining = d->amount,
            .expires_at = b->now + d->grant_days * DAY_MS, .created_at = b->now,
        };
        db_arg *row = args + (size_t)i * 9;
        row[0] = DB_TEXT(it->grant_id), row[1] = DB_TEXT(it->org_id);
        row[2] = DB_TEXT(d->fund_id), row[3] = DB_TEXT(it->claim_id);
        row[4] = DB_TEXT(d->currency), row[5] = DB_INT(d->amount), row[6] = DB_INT(d->amount);
        row[7] = DB_INT(it->g.expires_at), row[8] = DB_INT(b->now);
        ledger_account("drop", it->drop_id, accounts[i][0]);
        ledger_account("wallet", it->org_id, accounts[i][1]);
        rand_id("txn", txn_ids[i]);
        txns[i] = (ledger_txn){.id = txn_ids[i], .kind = "claim", .ref = it->claim_id,
                               .org_id = it->org_id, .currency = d->currency,
                               .created_at = b->now, .n = 2,
                               .entries = {{accounts[i][0], -d->amount},
                                           {accounts[i][1], d->amount}}};
    }
    int rc = db_exec_rows(c, sql, sizes, 9, args, n, NULL, NULL, e);
    return rc ? rc : ledger_post_many(c, b->a, txns, n, e);
}

/* Settles the claims items[0..n) on one drop: claim rows first (the
 * duplicates drop out), then the places for all winners at once, then
 * their grants; those past the places left are taken back. */
static int settle_drop(db_conn *c, batch *b, claim_item **items, int n, err_ctx *e)
{
    drop_row d;
    bool found;
    claim_item *open[CLAIM_BATCH_MAX], *winners[CLAIM_BATCH_MAX];
    int nopen = 0, nwin = 0;
    int64_t got = 0;
    int rc = load_drop(c, items[0]->drop_id, &d, &found, e);
    for (int i = 0; !rc && i < n; i++) {
        if (!found)
            item_fail(items[i], ERR_NOT_FOUND, "no such drop");
        else if (b->now >= d.closes_at)
            item_fail(items[i], ERR_CONFLICT, "the drop is closed");
        else if (b->now < d.opens_at)
            item_fail(items[i], ERR_CONFLICT, "the drop is not open yet");
        else
            open[nopen++] = items[i];
    }
    if (!rc && nopen)
        rc = insert_claims(c, b, open, nopen, e);
    for (int i = 0; !rc && i < nopen; i++)
        if (open[i]->won)
            winners[nwin++] = open[i];
    if (!rc && nwin)
        rc = take_places(c, items[0]->drop_id, nwin, &got, e);
    for (int i = (int)got; !rc && i < nwin; i++) {
        winners[i]->won = false;
        item_fail(winners[i], ERR_CONFLICT, DROP_WHY_SOLD_OUT);
        rc = db_exec(c, "DELETE FROM claims WHERE id = ?", DB_ARGS(DB_TEXT(winners[i]->claim_id)),
                     NULL, e);
        /* A claim of the same org that collided with this one came later:
         * it finds no place either (a replay of it gets the same answer). */
        for (int k = 0; k < nopen; k++)
            if (!open[k]->won && strcmp(open[k]->replay_id, winners[i]->claim_id) == 0) {
                open[k]->replayed = false;
                item_fail(open[k], ERR_CONFLICT, DROP_WHY_SOLD_OUT);
            }
    }
    return rc || !got ? rc : settle(c, b, &d, winners, (int)got, e);
}

static int batch_tx(db_conn *c, void *arg, err_ctx *e)
{
    batch *b = arg;
    int rc = 0;
    b->now = clock_now_ms();
    for (int i = 0; i < b->n; i++) { /* a retried transaction starts afresh */
        claim_item *it = b->items[i];
        it->rc = 0;
        it->replayed = it->won = false;
        it->replay_id[0] = '\0';
        err_clear(it->e);
    }
    for (int i = 0; !rc && i < b->n;) {
        int j = i + 1;
        while (j < b->n && strcmp(b->items[j]->drop_id, b->items[i]->drop_id) == 0)
            j++;
        rc = settle_drop(c, b, b->items + i, j - i, e);
        i = j;
    }
    return rc;
}

/* By drop, then by arrival (seq kept in the item order of the array). */
static void sort_by_drop(claim_item **v, int n)
{
    for (int i = 1; i < n; i++) { /* insertion sort: stable, and batches are small */
        claim_item *x = v[i];
        int j = i - 1;
        while (j >= 0 && strcmp(v[j]->drop_id, x->drop_id) > 0) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

static void run_batch(claim_worker *w, claim_item **items, int n)
{
    claim_batcher *cb = w->cb;
    err_ctx e = {0};
    batch b = {.items = items, .n = n, .a = arena_new(CLAIM_BATCH_ARENA)};
    sort_by_drop(items, n);
    int rc = b.a ? db_check(w->conn, &e) : err_set(&e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = db_transact(w->conn, batch_tx, &b, &e);
    arena_free(b.a);
    if (!rc)
        return;
    log_warn(cb->lg, NULL, "claims: a batch of %d failed: %s", n, e.detail);
    for (int i = 0; i < n; i++) {
        items[i]->rc = err_set(items[i]->e, rc, "%s", e.detail);
        items[i]->e->retry_after = e.retry_after;
        items[i]->won = items[i]->replayed = false;
    }
}

static void *batcher_main(void *arg)
{
    claim_worker *w = arg;
    claim_batcher *cb = w->cb;
    claim_item *items[CLAIM_BATCH_MAX];
    pthread_mutex_lock(&cb->mu);
    for (;;) {
        while (!cb->head && !cb->stopping)
            pthread_cond_wait(&cb->wake, &cb->mu);
        if (!cb->head)
            break; /* stopping, and nothing left */
        int n = 0;
        while (cb->head && n < cb->max_batch) {
            items[n++] = cb->head;
            cb->head = cb->head->next;
        }
        if (!cb->head)
            cb->tail = &cb->head;
        pthread_mutex_unlock(&cb->mu);
        run_batch(w, items, n);
        /* A waiter may free its item as soon as it is done: take the
         * notifications first, and call them after letting go of mu. */
        void (*notify[CLAIM_BATCH_MAX])(void *);
        void *args[CLAIM_BATCH_MAX];
        pthread_mutex_lock(&cb->mu);
        for (int i = 0; i < n; i++) {
            notify[i] = items[i]->notify;
            args[i] = items[i]->arg;
            items[i]->done = true;
        }
        pthread_cond_broadcast(&cb->done);
        pthread_mutex_unlock(&cb->mu);
        for (int i = 0; i < n; i++)
            if (notify[i])
                notify[i](args[i]);
        pthread_mutex_lock(&cb->mu);
    }
    pthread_mutex_unlock(&cb->mu);
    return NULL;
}

int claim_batcher_new(db *d, const logger *lg, int max_batch, int workers, claim_batcher **out,
                      err_ctx *e)
{
    claim_batcher *cb = calloc(1, sizeof *cb);
    int rc = 0;
    *out = NULL;
    if (!cb)
        return err_set(e, ERR_NOMEM, "out of memory");
    cb->db = d;
    cb->lg = lg;
    cb->max_batch = max_batch < 1 ? 1 : max_batch > CLAIM_BATCH_MAX ? CLAIM_BATCH_MAX : max_batch;
    cb->nworkers = workers < 1 ? 1 : workers > CLAIM_WORKERS_MAX ? CLAIM_WORKERS_MAX : workers;
    cb->tail = &cb->head;
    pthread_mutex_init(&cb->mu, NULL);
    pthread_cond_init(&cb->wake, NULL);
    pthread_cond_init(&cb->done, NULL);
    for (int i = 0; !rc && i < cb->nworkers; i++) {
        claim_worker *w = &cb->workers[i];
        w->cb = cb;
        rc = db_acquire(d, &w->conn, e);
        if (!rc && pthread_create(&w->thread, NULL, batcher_main, w) != 0)
            rc = err_set(e, ERR_INTERNAL, "cannot start the claim batcher");
        w->started = !rc;
    }
    if (rc) {
        claim_batcher_free(cb);
        return rc;
    }
    *out = cb;
    return 0;
}

void claim_batcher_free(claim_batcher *cb)
{
    if (!cb)
        return;
    pthread_mutex_lock(&cb->mu);
    cb->stopping = true;
    pthread_cond_broadcast(&cb->wake);
    pthread_mutex_unlock(&cb->mu);
    for (int i = 0; i < cb->nworkers; i++) {
        if (cb->workers[i].started)
            pthread_join(cb->workers[i].thread, NULL);
        db_release(cb->workers[i].conn);
    }
    pthread_mutex_destroy(&cb->mu);
    pthread_cond_destroy(&cb->wake);
    pthread_cond_destroy(&cb->done);
    free(cb);
}

/* Adds it to the queue (mu held) and wakes a worker. */
static void enqueue(claim_batcher *cb, claim_item *it)
{
    it->next = NULL;
    *cb->tail = it;
    cb->tail = &it->next;
    pthread_cond_signal(&cb->wake);
}

/* ---- on the request's thread ------------------------------------------- */

static int load_claim(db_conn *c, arena *a, const char *id, claim *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, "SELECT id, drop_id, org_id, user_id, created_at FROM claims"
                             " WHERE id = ?",
                          DB_ARGS(DB_TEXT(id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no claim %s", id);
    if (!rc) {
        *out = (claim){arena_strdup(a, db_text(st, 0)), arena_strdup(a, db_text(st, 1)),
                       arena_strdup(a, db_text(st, 2)), arena_strdup(a, db_text(st, 3)),
                       db_int(st, 4)};
        if (!out->id || !out->drop_id || !out->org_id || !out->user_id)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    db_done(st);
    return rc;
}

/* The claim and grant an earlier request made (an Idempotency-Key replay). */
static int replay(db_conn *c, arena *a, const char *claim_id, claim *cl, grant *g, err_ctx *e)
{
    int rc = load_claim(c, a, claim_id, cl, e);
    return rc ? rc : grant_of(c, a, claim_id, g, e);
}

/* What can be decided without the batcher, in one query: an unknown drop,
 * a replay (or a key used for another drop), a drop that is not open or
 * not for this org, a second claim, a sold-out drop. *done says the answer
 * is decided (rc, or a replay in cl and g). */
static int precheck(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
                    const char *idem_key, claim *cl, grant *g, bool *replayed, bool *done,
                    err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    const char *why, *key_claim = NULL, *mine = NULL;
    int64_t now = clock_now_ms();
    *done = true;
    /* Planned at each run (db_query_fresh): a plan that PostgreSQL cached
     * while claims was nearly empty would go on reading all of it while a
     * campaign's first minute fills it (until autovacuum's next analyze),
     * and every claim pays this query. */
    int rc = db_query_fresh(c,
                            "SELECT d.opens_at, d.closes_at, d.industries, d.sizes,"
                            " (SELECT COALESCE(SUM(remaining), 0) FROM drop_shards s"
                            "   WHERE s.drop_id = d.id),"
                            " o.kind, o.industry, o.size,"
                            " (SELECT k.drop_id FROM claims k WHERE k.org_id = o.id"
                            "   AND k.idem_key = ?),"
                            " (SELECT k.id FROM claims k WHERE k.org_id = o.id"
                            "   AND k.idem_key = ?),"
                            " (SELECT m.id FROM claims m WHERE m.drop_id = d.id"
                            "   AND m.org_id = o.id)"
                            " FROM drops d JOIN orgs o ON o.id = ? WHERE d.id = ?",
                            DB_ARGS(DB_TEXT(idem_key), DB_TEXT(idem_key),
                                    DB_TEXT(actor->org_id), DB_TEXT(drop_id)),
                            &st, e);
    if (!rc)
        rc = db_step(st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no drop %s", drop_id);
    if (rc) {
        db_done(st);
        return rc;
    }
    drop d = {.opens_at = db_int(st, 0), .closes_at = db_int(st, 1),
              .industries = arena_strdup(a, db_text(st, 2)),
              .sizes = arena_strdup(a, db_text(st, 3)), .remaining = db_int(st, 4)};
    account_org org = {.kind = arena_strdup(a, db_text(st, 5)),
                       .industry = arena_strdup(a, db_text(st, 6)),
                       .size = arena_strdup(a, db_text(st, 7))};
    const char *key_drop = db_text(st, 8);
    if (key_drop && strcmp(key_drop, drop_id) != 0)
        rc = err_field_add(e, "Idempotency-Key", "was already used for another request");
    else if (key_drop)
        key_claim = arena_strdup(a, db_text(st, 9));
    else if (db_text(st, 10))
        mine = arena_strdup(a, db_text(st, 10));
    db_done(st);
    if (rc)
        return rc;
    if (!d.industries || !d.sizes || !org.kind || !org.industry || !org.size ||
        (key_drop && !key_claim))
        return err_set(e, ERR_NOMEM, "out of memory");
    if (key_claim) {
        *replayed = true;
        return replay(c, a, key_claim, cl, g, e);
    }
    if ((rc = drop_refusal(&d, &org, now, &why)))
        return err_set(e, rc, "%s", why);
    if (mine)
        return err_set(e, ERR_CONFLICT, DROP_WHY_CLAIMED " (%s)", mine);
    if (d.remaining == 0)
        return err_set(e, ERR_CONFLICT, DROP_WHY_SOLD_OUT);
    *done = false;
    return 0;
}

int claim_check(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
                const char *idem_key, claim *cl, grant *g, bool *replayed, bool *decided,
                err_ctx *e)
{
    *replayed = false;
    *decided = true;
    if (!actor->org_id)
        return err_set(e, ERR_FORBIDDEN, "only members of an enterprise claim credits");
    return precheck(c, a, actor, drop_id, idem_key, cl, g, replayed, decided, e);
}

int claim_queue(claim_batcher *cb, arena *a, const account_actor *actor, const char *drop_id,
                const char *idem_key, void (*notify)(void *arg), void *arg,
                claim_ticket **ticket, err_ctx *e)
{
    claim_item *it = arena_alloc(a, sizeof *it);
    *ticket = it;
    if (!it)
        return err_set(e, ERR_NOMEM, "out of memory");
    *it = (claim_item){.drop_id = drop_id, .org_id = actor->org_id,
                       .user_id = actor->user_id, .idem_key = idem_key, .e = e,
                       .notify = notify, .arg = arg};
    rand_id("clm", it->claim_id);
    rand_id("grt", it->grant_id);
    pthread_mutex_lock(&cb->mu);
    enqueue(cb, it);
    pthread_mutex_unlock(&cb->mu);
    return 0;
}

int claim_finish(claim_batcher *cb, claim_ticket *it, db_conn *c, arena *a, claim *cl, grant *g,
                 bool *replayed, err_ctx *e)
{
    pthread_mutex_lock(&cb->mu); /* orders the batcher's writes before our reads */
    bool done = it->done;
    pthread_mutex_unlock(&cb->mu);
    *replayed = false;
    if (!done)
        return err_set(e, ERR_INTERNAL, "claim %s read before it was settled", it->claim_id);
    if (it->rc)
        return it->rc;
    if (it->replayed) {
        *replayed = true;
        return replay(c, a, it->replay_id, cl, g, e);
    }
    /* The batch has committed: the claim and grant are as it wrote them. */
    *cl = (claim){it->claim_id, it->drop_id, it->org_id, it->user_id, it->g.created_at};
    *g = it->g;
    return 0;
}

int claim_submit(claim_batcher *cb, db_conn *c, arena *a, const account_actor *actor,
                 const char *drop_id, const char *idem_key, claim *cl, grant *g,
                 bool *replayed, err_ctx *e)
{
    claim_ticket *t;
    bool decided;
    int rc = claim_check(c, a, actor, drop_id, idem_key, cl, g, replayed, &decided, e);
    if (decided)
        return rc;
    if ((rc = claim_queue(cb, a, actor, drop_id, idem_key, NULL, NULL, &t, e)))
        return rc;
    pthread_mutex_lock(&cb->mu);
    while (!t->done)
        pthread_cond_wait(&cb->done, &cb->mu);
    pthread_mutex_unlock(&cb->mu);
    return claim_finish(cb, t, c, a, cl, g, replayed, e);
}

/* Reads a claims row into item, a claim. */
static int read_claim(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    claim *cl = item;
    *cl = (claim){arena_strdup(a, db_text(st, 0)), arena_strdup(a, db_text(st, 1)),
                  arena_strdup(a, db_text(st, 2)), arena_strdup(a, db_text(st, 3)),
                  db_int(st, 4)};
    return cl->id && cl->drop_id && cl->org_id && cl->user_id
               ? 0
               : err_set(e, ERR_NOMEM, "out of memory");
}

int claim_list(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
               account_page pg, claim **items, int *n, const char **next, err_ctx *e)
{
    bool found = false;
    const char *org;
    int rc = account_org_scope(actor, NULL, &org, e);
    const account_page_query q = {
        ACCOUNT_PAGE_SQL("SELECT id, drop_id, org_id, user_id, created_at FROM claims", "claims",
                         "drop_id = ? AND (" ACCOUNT_ORG_SCOPE ")"),
        DB_ARGS(DB_TEXT(drop_id), DB_TEXT(org), DB_TEXT(org)),
        .size = sizeof(claim),
        .read = read_claim,
    };
    if (!rc)
        rc = db_exists(c, "SELECT 1 FROM drops WHERE id = ?", DB_ARGS(DB_TEXT(drop_id)), &found,
                       e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no drop %s", drop_id);
    if (!rc)
        rc = (*items = account_page_list(c, a, pg, &q, n, next, e)) ? 0 : e->code;
    return rc;
}
