/*
 * quote_writer.c: the queue, its flusher thread, group commits, and the
 * deletion of quotes long expired.
 */
#include "campaign/quote_writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"

#define WRITER_BATCH 512    /* a full queue is written at once */
#define WRITER_BACKLOG 8192 /* rows kept while the database is away */
#define PRUNE_EVERY_MS 1000 /* how often expired quotes are looked for */
#define PRUNE_LIMIT 2048    /* most quotes deleted in one transaction */

typedef struct pending {
    quote_row row;
    char *mem; /* one allocation for the row's strings */
} pending;

struct quote_writer {
    db *db;
    const logger *lg;
    int flush_ms;
    int64_t keep_ms;          /* expired quotes no order took are kept this long */
    pthread_mutex_t mu;       /* guards the queue */
    pthread_mutex_t write_mu; /* one group commit at a time, in order */
    pthread_cond_t wake;
    pending *q;
    int n, cap;
    bool stopping;
    pthread_t thread;
};

static void pending_free(pending *p) { free(p->mem); }

/* Writes rows[0..n) in one transaction, in multi-row statements. */
static int write_batch(quote_writer *w, pending *rows, int n, err_ctx *e)
{
    db_conn *c = NULL;
    quote_row *q = malloc((size_t)n * sizeof *q);
    db_arg *args = malloc((size_t)n * QUOTE_SAVE_ARGS * sizeof *args);
    int rc = q && args ? db_acquire(w->db, &c, e) : err_set(e, ERR_NOMEM, "out of memory");
    for (int i = 0; !rc && i < n; i++)
        q[i] = rows[i].row;
    if (!rc)
        rc = db_begin(c, e);
    if (!rc)
        rc = quote_save_many(c, q, n, args, e);
    if (!rc)
        rc = db_commit(c, e);
    db_release(c);
    free(args);
    free(q);
    return rc;
}

/* Takes the queue and writes it; on failure the rows go back to the front
 * (up to the backlog limit) for the next round. */
static int flush(quote_writer *w, err_ctx *e)
{
    pthread_mutex_lock(&w->write_mu);
    pthread_mutex_lock(&w->mu);
    pending *rows = w->q;
    int n = w->n;
    w->q = NULL;
    w->n = w->cap = 0;
    pthread_mutex_unlock(&w->mu);
    int rc = n ? write_batch(w, rows, n, e) : 0;
    if (rc) {
        pthread_mutex_lock(&w->mu);
        int keep = n < WRITER_BACKLOG ? n : WRITER_BACKLOG;
        pending *merged = malloc((size_t)(keep + w->n + 1) * sizeof *merged);
        if (merged) {
            memcpy(merged, rows, (size_t)keep * sizeof *merged);
            if (w->n)
                memcpy(merged + keep, w->q, (size_t)w->n * sizeof *merged);
            for (int i = keep; i < n; i++)
                pending_free(&rows[i]);
            free(w->q);
            w->q = merged;
            w->cap = w->n = keep + w->n;
        } else {
            for (int i = 0; i < n; i++)
                pending_free(&rows[i]);
        }
        pthread_mutex_unlock(&w->mu);
        log_warn(w->lg, NULL, "quotes: cannot write %d quote(s) yet: %s", n, e->detail);
    } else {
        for (int i = 0; i < n; i++)
            pending_free(&rows[i]);
    }
    free(rows);
    pthread_mutex_unlock(&w->write_mu);
    return rc;
}

/* Deletes quotes that expired more than keep_ms ago and that no order
 * took, up to PRUNE_LIMIT of them; returns when to look again: at once
 * while there are more, otherwise after PRUNE_EVERY_MS. */
static int64_t prune(quote_writer *w)
{
    db_conn *c = NULL;
    err_ctx e = {0};
    int64_t now = clock_now_ms(), deleted = 0;
    int rc = db_acquire(w->db, &c, &e);
    if (!rc)
        rc = quote_prune(c, now - w->keep_ms, PRUNE_LIMIT, &deleted, &e);
    db_release(c);
    if (rc)
        log_warn(w->lg, NULL, "quotes: cannot delete expired quotes yet: %s", e.detail);
    return deleted == PRUNE_LIMIT ? now : now + PRUNE_EVERY_MS;
}

/* The flusher. Idle, it sleeps until the first quote is queued or it is
 * time to prune; then it gives the others one flush interval to join that
 * one, or less when a batch fills, and writes them. After a failed write it
 * waits the whole interval before trying again, full queue or not, so
 * that a database that is away is not hammered. */
static void *run(void *arg)
{
    quote_writer *w = arg;
    bool failed = false;
    int64_t next_prune = clock_now_ms();
    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        int64_t wait = next_prune - clock_now_ms();
        if (wait <= 0) {
            pthread_mutex_unlock(&w->mu);
            next_prune = prune(w);
            pthread_mutex_lock(&w->mu);
            continue;
        }
        if (w->n == 0 && !failed) {
            struct timespec ts;
            clock_deadline(wait, &ts);
            pthread_cond_timedwait(&w->wake, &w->mu, &ts);
            continue;
        }
        struct timespec ts;
        clock_deadline(w->flush_ms, &ts);
        while (!w->stopping && (failed || w->n < WRITER_BATCH) &&
               pthread_cond_timedwait(&w->wake, &w->mu, &ts) != ETIMEDOUT)
            ;
        failed = false;
        if (w->n == 0 || w->stopping)
            continue; /* written by quote_writer_sync, or left to quote_writer_free */
        pthread_mutex_unlock(&w->mu);
        err_ctx e = {0};
        failed = flush(w, &e) != 0;
        pthread_mutex_lock(&w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int quote_writer_new(db *d, const logger *lg, int flush_ms, int64_t keep_ms, quote_writer **out,
                     err_ctx *e)
{
    quote_writer *w = calloc(1, sizeof *w);
    if (!w)
        return err_set(e, ERR_NOMEM, "out of memory");
    w->db = d;
    w->lg = lg;
    w->flush_ms = flush_ms > 0 ? flush_ms : 20;
    w->keep_ms = keep_ms > 0 ? keep_ms : 0;
    pthread_mutex_init(&w->mu, NULL);
    pthread_mutex_init(&w->write_mu, NULL);
    pthread_cond_init(&w->wake, NULL);
    if (pthread_create(&w->thread, NULL, run, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->write_mu);
        pthread_mutex_destroy(&w->mu);
        free(w);
        return err_set(e, ERR_INTERNAL, "cannot start the quote writer");
    }
    *out = w;
    return 0;
}

void quote_writer_free(quote_writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    err_ctx e = {0};
    if (flush(w, &e))
        log_error(w->lg, NULL, "quotes: %d quote(s) could not be written at shutdown", w->n);
    for (int i = 0; i < w->n; i++)
        pending_free(&w->q[i]);
    free(w->q);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->write_mu);
    pthread_mutex_destroy(&w->mu);
    free(w);
}

/* Copies the row's strings into one allocation. */
static int copy_row(const quote_row *q, pending *p)
{
    size_t li = strlen(q->id) + 1, lo = strlen(q->org_id) + 1, lc = strlen(q->currency) + 1;
    size_t lb = strlen(q->body) + 1;
    char *m = malloc(li + lo + lc + lb);
    if (!m)
        return ERR_NOMEM;
    p->mem = m;
    p->row = *q;
    p->row.id = memcpy(m, q->id, li);
    p->row.org_id = memcpy(m + li, q->org_id, lo);
    p->row.currency = memcpy(m + li + lo, q->currency, lc);
    p->row.body = memcpy(m + li + lo + lc, q->body, lb);
    return 0;
}

int quote_writer_add(quote_writer *w, const quote_row *q, err_ctx *e)
{
    pending p;
    if (copy_row(q, &p))
        return err_set(e, ERR_NOMEM, "out of memory");
    pthread_mutex_lock(&w->mu);
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 64;
        pending *nq = realloc(w->q, (size_t)cap * sizeof *nq);
        if (!nq) {
            pthread_mutex_unlock(&w->mu);
            pending_free(&p);
            return err_set(e, ERR_NOMEM, "out of memory");
        }
        w->q = nq;
        w->cap = cap;
    }
    w->q[w->n++] = p;
    /* The writer needs waking only to start an interval (it sleeps while
     * the queue is empty) and to cut one short when a batch is full; its
     * waits check the queue, so no other quote signals. */
    if (w->n == 1 || w->n == WRITER_BATCH)
        pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->mu);
    return 0;
}

int quote_writer_sync(quote_writer *w, const char *id, err_ctx *e)
{
    bool queued = false;
    pthread_mutex_lock(&w->mu);
    for (int i = 0; i < w->n && !queued; i++)
        queued = strcmp(w->q[i].row.id, id) == 0;
    pthread_mutex_unlock(&w->mu);
    /* A batch being written right now holds write_mu: flush waits for it,
     * so the quote is on disk when this returns either way. */
    pthread_mutex_lock(&w->write_mu);
    pthread_mutex_unlock(&w->write_mu);
    return queued ? flush(w, e) : 0;
}

int quote_writer_await(quote_writer *w, db_conn *c, const char *id, err_ctx *e)
{
    int rc = quote_writer_sync(w, id, e);
    bool found = false;
    /* Another instance may still hold it for a moment: a few of its flush
     * intervals (the same setting everywhere) are enough. */
    for (int round = 0; !rc && round < 4; round++) {
        rc = db_exists(c, "SELECT 1 FROM quotes WHERE id = ?", DB_ARGS(DB_TEXT(id)), &found, e);
        if (rc || found)
            break;
        struct timespec ts = {0, (long)w->flush_ms * 1000000};
        nanosleep(&ts, NULL);
    }
    return rc;
}
