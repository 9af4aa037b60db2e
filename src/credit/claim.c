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

struct claim_batcher {
    db *db;
    const logger *lg;
    int max_batch;
    pthread_mutex_t mu;
    pthread_cond_t wake; /* the queue has work, or stop */
    pthread_cond_t done; /* a batch is settled */
    claim_item *head, **tail;
    bool stopping;
    pthread_t thread;
};

/* ---- the batch transaction --------------------------------------------- */

typedef struct batch {
    claim_item **items; /* sorted by drop, then arrival */
    int n;
    int64_t now;
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

/* Inserts it's claim row; when another claim holds its place (the same
 * key, or this org's earlier claim on the drop) says which. */
static int insert_claim(db_conn *c, batch *b, claim_item *it, err_ctx *e)
{
    int64_t changed = 0;
    db_stmt *st = NULL;
    bool found;
    int rc = db_exec(c,
                     "INSERT INTO claims (id, drop_id, org_id, user_id, idem_key, created_at)"
                     " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                     DB_ARGS(DB_TEXT(it->claim_id), DB_TEXT(it->drop_id), DB_TEXT(it->org_id),
                             DB_TEXT(it->user_id), DB_TEXT(it->idem_key), DB_INT(b->now)),
                     &changed, e);
    if (rc || changed) {
        it->won = changed;
        return rc;
    }
    rc = db_query_row(c, "SELECT id, drop_id FROM claims WHERE org_id = ? AND idem_key = ?",
                      DB_ARGS(DB_TEXT(it->org_id), DB_TEXT(it->idem_key)), &st, &found, e);
    if (!rc && found && strcmp(db_text(st, 1), it->drop_id) == 0) {
        it->replayed = true;
        snprintf(it->replay_id, sizeof it->replay_id, "%s", db_text(st, 0));
    } else if (!rc && found) {
        it->rc = err_field_add(it->e, "Idempotency-Key", "was already used for another request");
    } else if (!rc) {
        item_fail(it, ERR_CONFLICT, "this org has already claimed from the drop");
    }
    db_done(st);
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

/* The grant and the ledger transaction of a claim that won its place. */
static int settle(db_conn *c, batch *b, const drop_row *d, claim_item *it, err_ctx *e)
{
    char from[LEDGER_ACCOUNT_MAX], to[LEDGER_ACCOUNT_MAX], txn[RAND_ID_LEN];
    memcpy(it->fund_id, d->fund_id, sizeof it->fund_id);
    memcpy(it->currency, d->currency, sizeof it->currency);
    it->g = (grant){
        .id = it->grant_id, .org_id = it->org_id, .fund_id = it->fund_id, .source = "claim",
        .source_id = it->claim_id, .currency = it->currency, .amount = d->amount,
        .remaining = d->amount, .expires_at = b->now + d->grant_days * DAY_MS,
        .created_at = b->now,
    };
    int rc = db_exec(c,
                     "INSERT INTO grants (id, org_id, fund_id, source, source_id, currency,"
                     " amount, remaining, expires_at, created_at)"
                     " VALUES (?, ?, ?, 'claim', ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(it->grant_id), DB_TEXT(it->org_id), DB_TEXT(d->fund_id),
                             DB_TEXT(it->claim_id), DB_TEXT(d->currency), DB_INT(d->amount),
                             DB_INT(d->amount), DB_INT(it->g.expires_at), DB_INT(b->now)),
                     NULL, e);
    ledger_account("drop", it->drop_id, from);
    ledger_account("wallet", it->org_id, to);
    ledger_txn lt = {.kind = "claim", .ref = it->claim_id, .org_id = it->org_id,
                     .currency = d->currency, .created_at = b->now, .n = 2,
                     .entries = {{from, -d->amount}, {to, d->amount}}};
    return rc ? rc : ledger_post(c, &lt, txn, e);
}

/* Settles the claims items[0..n) on one drop. */
static int settle_drop(db_conn *c, batch *b, claim_item **items, int n, err_ctx *e)
{
    drop_row d;
    bool found;
    claim_item *winners[CLAIM_BATCH_MAX];
    int nwin = 0;
    int64_t got = 0;
    int rc = load_drop(c, items[0]->drop_id, &d, &found, e);
    for (int i = 0; !rc && i < n; i++) {
        if (!found)
            item_fail(items[i], ERR_NOT_FOUND, "no such drop");
        else if (b->now < d.opens_at)
            item_fail(items[i], ERR_CONFLICT, "the drop is not open yet");
        else if (b->now >= d.closes_at)
            item_fail(items[i], ERR_CONFLICT, "the drop is closed");
        else if (!(rc = insert_claim(c, b, items[i], e)) && items[i]->won)
            winners[nwin++] = items[i];
    }
    if (!rc && nwin)
        rc = take_places(c, items[0]->drop_id, nwin, &got, e);
    for (int i = 0; !rc && i < nwin; i++) {
        claim_item *it = winners[i];
        if (i < got) {
            rc = settle(c, b, &d, it, e);
            continue;
        }
        it->won = false;
        item_fail(it, ERR_CONFLICT, "the drop is sold out");
        rc = db_exec(c, "DELETE FROM claims WHERE id = ?", DB_ARGS(DB_TEXT(it->claim_id)), NULL,
                     e);
    }
    return rc;
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

static void run_batch(claim_batcher *cb, claim_item **items, int n)
{
    err_ctx e = {0};
    db_conn *c = NULL;
    batch b = {.items = items, .n = n};
    sort_by_drop(items, n);
    int rc = db_acquire(cb->db, &c, &e);
    if (!rc)
        rc = db_transact(c, batch_tx, &b, &e);
    db_release(c);
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
    claim_batcher *cb = arg;
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
        run_batch(cb, items, n);
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

int claim_batcher_new(db *d, const logger *lg, int max_batch, claim_batcher **out, err_ctx *e)
{
    claim_batcher *cb = calloc(1, sizeof *cb);
    *out = NULL;
    if (!cb)
        return err_set(e, ERR_NOMEM, "out of memory");
    cb->db = d;
    cb->lg = lg;
    cb->max_batch = max_batch < 1 ? 1 : max_batch > CLAIM_BATCH_MAX ? CLAIM_BATCH_MAX : max_batch;
    cb->tail = &cb->head;
    pthread_mutex_init(&cb->mu, NULL);
    pthread_cond_init(&cb->wake, NULL);
    pthread_cond_init(&cb->done, NULL);
    if (pthread_create(&cb->thread, NULL, batcher_main, cb) != 0) {
        pthread_mutex_destroy(&cb->mu);
        pthread_cond_destroy(&cb->wake);
        pthread_cond_destroy(&cb->done);
        free(cb);
        return err_set(e, ERR_INTERNAL, "cannot start the claim batcher");
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
    pthread_cond_signal(&cb->wake);
    pthread_mutex_unlock(&cb->mu);
    pthread_join(cb->thread, NULL);
    pthread_mutex_destroy(&cb->mu);
    pthread_cond_destroy(&cb->wake);
    pthread_cond_destroy(&cb->done);
    free(cb);
}

/* Adds it to the queue (mu held) and wakes the batcher. */
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

/* What can be refused without the batcher: a replay, an unknown drop, an
 * org the drop is not for, a second claim, a sold-out drop. *done says
 * the answer is already decided (rc, or a replay in cl and g). */
static int precheck(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
                    const char *idem_key, claim *cl, grant *g, bool *replayed, bool *done,
                    err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    drop d;
    account_org org;
    const char *why, *old = NULL;
    int64_t now = clock_now_ms();
    *done = true;
    int rc = db_query_row(c, "SELECT id, drop_id FROM claims WHERE org_id = ? AND idem_key = ?",
                          DB_ARGS(DB_TEXT(actor->org_id), DB_TEXT(idem_key)), &st, &found, e);
    if (!rc && found && strcmp(db_text(st, 1), drop_id) != 0)
        rc = err_field_add(e, "Idempotency-Key", "was already used for another request");
    else if (!rc && found && !(old = arena_strdup(a, db_text(st, 0))))
        rc = err_set(e, ERR_NOMEM, "out of memory");
    db_done(st);
    if (rc || old) {
        *replayed = old != NULL;
        return rc ? rc : replay(c, a, old, cl, g, e);
    }
    if ((rc = drop_get(c, a, drop_id, &d, e)) ||
        (rc = account_org_get(c, a, actor, actor->org_id, &org, e)))
        return rc;
    if ((rc = drop_refusal(&d, &org, now, &why)))
        return err_set(e, rc, "%s", why);
    rc = db_query_row(c, "SELECT id FROM claims WHERE drop_id = ? AND org_id = ?",
                      DB_ARGS(DB_TEXT(drop_id), DB_TEXT(actor->org_id)), &st, &found, e);
    if (!rc && found)
        rc = err_set(e, ERR_CONFLICT, "this org has already claimed from the drop (%s)",
                     db_text(st, 0));
    db_done(st);
    if (!rc && d.remaining == 0)
        rc = err_set(e, ERR_CONFLICT, "the drop is sold out");
    *done = rc != 0;
    return rc;
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

int claim_list(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
               account_page pg, claim **items, int *n, const char **next, err_ctx *e)
{
    db_stmt *st = NULL;
    bool row;
    int rc = 0, count = 0;
    const char *org = actor->role_bit == ROLE_OPERATOR ? NULL : actor->org_id;
    if (actor->role_bit != ROLE_OPERATOR && !org)
        return err_set(e, ERR_FORBIDDEN, "only operators and members of an org see claims");
    if (pg.limit < 1 || pg.limit > ACCOUNT_PAGE_MAX)
        return err_set(e, ERR_BAD_REQUEST, "limit must be 1 to %d", ACCOUNT_PAGE_MAX);
    claim *out = arena_alloc(a, (size_t)(pg.limit + 1) * sizeof *out);
    if (!out)
        return err_set(e, ERR_NOMEM, "out of memory");
    if (!(rc = db_exists(c, "SELECT 1 FROM drops WHERE id = ?", DB_ARGS(DB_TEXT(drop_id)), &row,
                         e)) &&
        !row)
        return err_set(e, ERR_NOT_FOUND, "no drop %s", drop_id);
    if (!rc && pg.after &&
        !(rc = db_exists(c, "SELECT 1 FROM claims WHERE id = ? AND drop_id = ?"
                            " AND (CAST(? AS TEXT) IS NULL OR org_id = ?)",
                         DB_ARGS(DB_TEXT(pg.after), DB_TEXT(drop_id), DB_TEXT(org),
                                 DB_TEXT(org)),
                         &row, e)) &&
        !row)
        return err_param(e, "after", "is not a cursor from this list");
    if (!rc)
        rc = db_query(c,
                      "SELECT id, drop_id, org_id, user_id, created_at FROM claims"
                      " WHERE drop_id = ? AND (CAST(? AS TEXT) IS NULL OR org_id = ?)"
                      " AND (CAST(? AS TEXT) IS NULL OR (created_at, id) <"
                      " (SELECT created_at, id FROM claims WHERE id = ?))"
                      " ORDER BY created_at DESC, id DESC LIMIT ?",
                      DB_ARGS(DB_TEXT(drop_id), DB_TEXT(org), DB_TEXT(org), DB_TEXT(pg.after),
                              DB_TEXT(pg.after), DB_INT(pg.limit + 1)),
                      &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        claim *cl = &out[count++];
        *cl = (claim){arena_strdup(a, db_text(st, 0)), arena_strdup(a, db_text(st, 1)),
                      arena_strdup(a, db_text(st, 2)), arena_strdup(a, db_text(st, 3)),
                      db_int(st, 4)};
        if (!cl->id || !cl->drop_id || !cl->org_id || !cl->user_id)
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    db_done(st);
    *next = !rc && count > pg.limit ? out[--count - 1].id : NULL;
    *items = out;
    *n = count;
    return rc;
}
