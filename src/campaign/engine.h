/*
 * engine.h: the quote engine's live state: an immutable in-memory snapshot
 * of everything pricing needs (regions, products and prices, packs,
 * campaigns, policies, usage), indexed by product and region, swapped
 * atomically when the data changes. Readers never wait on writers, and the
 * quote path runs no SQL.
 *
 * Every change to the data bumps change_versions('catalog') in the writer's
 * transaction (engine_touch); a background thread polls that row (on both
 * engines, so several instances stay in step) and rebuilds on change. The
 * instance that made a change calls engine_refresh_now after committing, so
 * its own next answer already sees it.
 */
#ifndef COCLOUD_ENGINE_H
#define COCLOUD_ENGINE_H

#include "base/err.h"
#include "base/log.h"
#include "db/db.h"

typedef struct engine engine;
typedef struct qe_snapshot qe_snapshot;

/* Loads the first snapshot and starts the poller (poll_ms apart). */
int engine_new(db *d, const logger *lg, int poll_ms, engine **out, err_ctx *e);
void engine_free(engine *en); /* stops the poller; NULL is a no-op */

/* Marks the data changed, inside the caller's write transaction. */
int engine_touch(db_conn *c, err_ctx *e);

/* Rebuilds now if the stored version moved (after a local commit). */
int engine_refresh_now(engine *en, err_ctx *e);

/* The current snapshot, held until engine_release. Never blocks. */
const qe_snapshot *engine_acquire(engine *en);
void engine_release(engine *en, const qe_snapshot *s);

#endif
