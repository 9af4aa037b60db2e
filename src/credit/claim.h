/*
 * claim.h: claiming credit from a drop, first come, first served, when a
 * crowd does it in the same second.
 *
 * A claim is checked on the request's thread (the drop is open, the org
 * fits it, has not claimed yet, places are left), then queued to this
 * instance's claim batcher. Its thread takes everything queued and
 * settles it in one database transaction: each claim row (unique per org
 * and drop, so a second one loses), then the places for all of them at
 * once from the drop's shards (conditional updates that never go below
 * zero, starting at a random shard so that batches rarely meet on one
 * row), then a grant and a ledger transaction (drop -> wallet) per
 * winner. Claims beyond the places left are taken back in the same
 * transaction and answered "sold out". One commit (and one disk sync)
 * serves the whole batch, and while it runs the next batch gathers.
 */
#ifndef COCLOUD_CLAIM_H
#define COCLOUD_CLAIM_H

#include <stdbool.h>
#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "base/log.h"
#include "credit/wallet.h"
#include "db/db.h"

#define CLAIM_BATCH_MAX 256
#define CLAIM_WORKERS_MAX 16

typedef struct claim {
    const char *id, *drop_id, *org_id, *user_id;
    int64_t created_at;
} claim;

typedef struct claim_batcher claim_batcher;

/* Starts the batcher: `workers` threads (1..CLAIM_WORKERS_MAX), each with
 * a connection of its own taken from d's pool for good, each settling up
 * to max_batch claims (1..CLAIM_BATCH_MAX) per transaction. While one
 * waits on the database the next takes what has queued meanwhile. */
int claim_batcher_new(db *d, const logger *lg, int max_batch, int workers, claim_batcher **out,
                      err_ctx *e);
/* Settles what is queued, then stops. NULL is a no-op. */
void claim_batcher_free(claim_batcher *b);

/* Claims a place in drop_id for the actor's org under the client's
 * idem_key. A key already used for this drop replays the claim it made
 * (*replayed); used for another drop it is ERR_VALIDATION. ERR_NOT_FOUND
 * for an unknown drop; ERR_FORBIDDEN when the drop is not for this org;
 * ERR_CONFLICT when not open, closed, already claimed or sold out. c is
 * the caller's connection, used for the checks before queueing. */
int claim_submit(claim_batcher *b, db_conn *c, arena *a, const account_actor *actor,
                 const char *drop_id, const char *idem_key, claim *cl, grant *g,
                 bool *replayed, err_ctx *e);

/* claim_submit in two steps, for servers that park the request instead of
 * blocking a thread. claim_check runs the checks on c: when they decide
 * (a refusal, or a replay of an earlier claim) *decided is set and the
 * answer is in rc, cl, g and *replayed. Otherwise claim_queue queues the
 * claim (the ticket lives in arena a, which must outlive it) and returns;
 * notify(arg) is called on the batcher's thread once it is settled, after
 * which claim_finish gives the answer. */
typedef struct claim_item claim_ticket;
int claim_check(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
                const char *idem_key, claim *cl, grant *g, bool *replayed, bool *decided,
                err_ctx *e);
int claim_queue(claim_batcher *b, arena *a, const account_actor *actor, const char *drop_id,
                const char *idem_key, void (*notify)(void *arg), void *arg,
                claim_ticket **ticket, err_ctx *e);
int claim_finish(claim_batcher *b, claim_ticket *t, db_conn *c, arena *a, claim *cl, grant *g,
                 bool *replayed, err_ctx *e);

/* A drop's claims newest first: all for operators, the org's own for
 * anyone else. ERR_NOT_FOUND for an unknown drop. */
int claim_list(db_conn *c, arena *a, const account_actor *actor, const char *drop_id,
               account_page pg, claim **items, int *n, const char **next, err_ctx *e);

#endif
