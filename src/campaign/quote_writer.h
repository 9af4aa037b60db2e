/*
 * quote_writer.h: quotes stored behind the request, many per transaction.
 *
 * A campaign's opening is a storm of quotes; writing each in its own
 * transaction costs more than pricing it. The writer keeps the new quotes
 * in memory and a thread writes them every flush interval (or as soon as
 * enough are waiting) in one transaction. A quote is not money: one lost
 * in a crash in those milliseconds is simply asked for again. Reads of a
 * quote this instance still holds flush first (quote_writer_sync), and
 * stopping the writer writes everything left.
 *
 * The writer's thread also deletes the quotes that expired more than
 * keep_ms ago and that no order took, a bounded batch at a time, about
 * once a second and at once while there are more.
 */
#ifndef COCLOUD_QUOTE_WRITER_H
#define COCLOUD_QUOTE_WRITER_H

#include "base/log.h"
#include "campaign/quote_store.h"
#include "db/db.h"

typedef struct quote_writer quote_writer;

int quote_writer_new(db *d, const logger *lg, int flush_ms, int64_t keep_ms, quote_writer **out,
                     err_ctx *e);
void quote_writer_free(quote_writer *w); /* writes what is pending; NULL is a no-op */

/* Queues a copy of q. Never waits for the disk unless the queue is full. */
int quote_writer_add(quote_writer *w, const quote_row *q, err_ctx *e);

/* When quote id is still queued here, writes the queue now. */
int quote_writer_sync(quote_writer *w, const char *id, err_ctx *e);

/* Before reading quote id: syncs it here, and gives another instance that
 * may still hold it a few flush intervals to write it. Returns 0 whether
 * or not the quote turned up (the read that follows says). */
int quote_writer_await(quote_writer *w, db_conn *c, const char *id, err_ctx *e);

#endif
