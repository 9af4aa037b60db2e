/*
 * quote_store.h: what the quote handlers need from the database: the
 * org's usage of policies, and storing and reading quotes.
 */
#ifndef COCLOUD_QUOTE_STORE_H
#define COCLOUD_QUOTE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/cache.h"
#include "campaign/quote.h"
#include "db/db.h"

/* Fills uses[npolicies] with the org's uses per policy of snapshot s and
 * tells whether the org has ever used a policy (not a new customer). */
int quote_org_usage(db_conn *c, const qe_snapshot *s, const char *org_id, int64_t *uses,
                    bool *used_any, err_ctx *e);

/* What pricing needs of an org, read in one statement: its industry and
 * size (copied into a) and its usage as quote_org_usage gives it.
 * ERR_NOT_FOUND when there is no such org. The answer is kept in k (NULL:
 * nowhere) under the epoch quote_org_recall gave. */
int quote_org_load(db_conn *c, cache *k, uint64_t epoch, arena *a, const qe_snapshot *s,
                   const char *org_id, const char **industry, const char **size, int64_t *uses,
                   bool *used_any, err_ctx *e);

/* The same from k, a cache of recent loads (cache.h): true when it holds
 * one made within the cache's ttl against the same snapshot version
 * (policy indices are the snapshot's). False otherwise: *epoch is then
 * for quote_org_load. Whoever changes an org's industry, size or usage
 * drops it after committing (cache_drop(k, org_id)); other instances'
 * changes apply here within the ttl. */
bool quote_org_recall(cache *k, arena *a, const qe_snapshot *s, const char *org_id,
                      const char **industry, const char **size, int64_t *uses, bool *used_any,
                      uint64_t *epoch);

typedef struct quote_row {
    const char *id, *org_id, *currency;
    const char *body; /* the terms (quote_terms.h); quotes ordered before 0005: the answer */
    int64_t at, expires_at, total, created_at;
} quote_row;

/* Inserts q[0..n) in a few multi-row statements; args has room for n * 8
 * arguments (QUOTE_SAVE_ARGS). */
#define QUOTE_SAVE_ARGS 8
int quote_save_many(db_conn *c, const quote_row *q, int n, db_arg *args, err_ctx *e);

/* Deletes up to `limit` quotes that expired before `before` and that no
 * order took, those that expired first first; *deleted says how many. */
int quote_prune(db_conn *c, int64_t before, int limit, int64_t *deleted, err_ctx *e);

/* Loads a quote; ERR_NOT_FOUND when missing or of another org (org_id
 * NULL: any org, for operators). */
int quote_load(db_conn *c, arena *a, const char *id, const char *org_id, quote_row *out,
               err_ctx *e);

/* What GET /quotes/{id} shows of a policy a stored quote applied, as it
 * is now. */
typedef struct quote_policy_view {
    const char *campaign_id, *name_zh, *name_en, *effect;
    int lane;
} quote_policy_view;

/* Reads the policies ids[0..n) (distinct) in one statement per
 * QUOTE_VIEWS_CHUNK of them: out[i] and found[i] belong to ids[i], found[i]
 * false when there is no such policy. Strings are copied into a. */
#define QUOTE_VIEWS_CHUNK 32
int quote_policy_views_load(db_conn *c, arena *a, const char *const *ids, int n,
                            quote_policy_view *out, bool *found, err_ctx *e);

#endif
