/*
 * credit.h: the cloud-credit fund (上云津贴) and its limited drops (限量发放).
 *
 * An operator issues credit into a fund, then opens drops on it: a drop
 * offers `quantity` grants of `amount` each, first come, first served, to
 * enterprises that fit its industries and sizes, between opens_at and
 * closes_at. Creating a drop reserves amount * quantity from the fund;
 * closing it early returns what was not claimed. A claim (claim.h) turns
 * one of a drop's places into a grant in the org's wallet. Each of these
 * moves money only through a balanced ledger transaction (ledger.h).
 *
 * Validation and the drop's status and eligibility rules (credit_rules.c)
 * are pure; fund_store.c runs the SQL. Creations carry the client's
 * Idempotency-Key: the same key with the same request gives back the
 * first result (*replayed set), with another request ERR_VALIDATION.
 */
#ifndef COCLOUD_CREDIT_H
#define COCLOUD_CREDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/jsonv.h"
#include "base/text.h"
#include "db/db.h"

#define CREDIT_NAME_MAX 200
#define CREDIT_DESCRIPTION_MAX 2000
#define CREDIT_AMOUNT_MAX INT64_C(100000000000000) /* 1e12 CNY in fen */
#define CREDIT_QUANTITY_MAX INT64_C(10000000)
#define CREDIT_GRANT_DAYS_MAX 3650
#define CREDIT_GRANT_DAYS_DEFAULT 365
#define CREDIT_SHARDS_MAX 64
#define CREDIT_SHARDS_DEFAULT 16
#define CREDIT_WORDS_MAX 16
#define CREDIT_IDEM_KEY_MAX 255

typedef struct fund {
    const char *id, *currency;
    text_i18n name, description;
    int64_t amount;    /* issued into the fund */
    int64_t available; /* not reserved by a drop nor granted */
    int64_t reserved;  /* still held by drops (unclaimed places) */
    int64_t granted;   /* given out as grants */
    int64_t created_at, updated_at;
} fund;

typedef struct fund_input {
    text_i18n name, description;
    const char *currency;
    jv_int amount;
} fund_input;

typedef enum {
    DROP_SCHEDULED, /* before opens_at */
    DROP_OPEN,
    DROP_SOLD_OUT,  /* open, but every place is claimed */
    DROP_CLOSED,    /* from closes_at on */
} drop_state;

/* "scheduled", "open", "sold_out", "closed", indexed by drop_state. */
extern const char *const drop_states[];

typedef struct drop {
    const char *id, *fund_id, *currency;
    text_i18n name;
    int64_t amount, quantity, released;
    int64_t remaining; /* places left, summed over the shards */
    int64_t opens_at, closes_at;
    const char *industries, *sizes; /* comma-separated, "" = any */
    int grant_days, shards;
    int64_t created_at;
} drop;

typedef struct drop_input {
    text_i18n name;
    jv_int amount, quantity, grant_days, shards;
    const char *opens_at, *closes_at;
    jv_strings industries, sizes;
} drop_input;

/* An Idempotency-Key and the hash of the request it came with. */
typedef struct credit_idem {
    const char *key;
    char hash[65];
} credit_idem;

/* ---- pure rules (credit_rules.c) -------------------------------------- */

int fund_check(const fund_input *in, err_ctx *e);
int drop_check(const drop_input *in, err_ctx *e);

/* Where a drop stands at now. */
drop_state drop_status(const drop *d, int64_t now);

/* Whether org may claim from d at now, ignoring whether it already
 * claimed or places are left: 0, or ERR_CONFLICT (not open yet, closed) or
 * ERR_FORBIDDEN (not for this org) with *why saying so. */
int drop_refusal(const drop *d, const account_org *org, int64_t now, const char **why);

/* Why a claim is refused, as the answers word it. */
#define DROP_WHY_SOLD_OUT "the drop is sold out"
#define DROP_WHY_CLAIMED "this org has already claimed from the drop"

/* The stable code of a refusal worded by drop_refusal or DROP_WHY_*
 * (drop_not_open, drop_closed, not_enterprise, industry_not_eligible,
 * size_not_eligible, sold_out, already_claimed), or NULL. */
const char *drop_reason_code(const char *why);

/* How many of quantity places shard i of n starts with: an even split,
 * the first quantity % n shards holding one more. */
int64_t drop_shard_size(int64_t quantity, int n, int i);

/* ---- storage (fund_store.c) ------------------------------------------- */

/* Issues in->amount into a new fund (ledger: program -> fund). */
int fund_create(db_conn *c, arena *a, const fund_input *in, const credit_idem *idem,
                fund *out, bool *replayed, err_ctx *e);
int fund_get(db_conn *c, arena *a, const char *id, fund *out, err_ctx *e);
/* Newest first; pg.after a fund id. */
int fund_list(db_conn *c, arena *a, account_page pg, fund **items, int *n, const char **next,
              err_ctx *e);

/* Opens a drop on fund_id, reserving amount * quantity (ledger: fund ->
 * drop). ERR_NOT_FOUND for an unknown fund; ERR_VALIDATION on "closes_at"
 * when the window is already over; ERR_CONFLICT on "quantity" when the
 * fund has not that much available. */
int drop_create(db_conn *c, arena *a, const char *fund_id, const drop_input *in,
                const credit_idem *idem, drop *out, bool *replayed, err_ctx *e);
int drop_get(db_conn *c, arena *a, const char *id, drop *out, err_ctx *e);
/* Newest first, of one fund or (fund_id NULL) all. */
int drop_list(db_conn *c, arena *a, const char *fund_id, account_page pg, drop **items, int *n,
              const char **next, err_ctx *e);
/* Ends a drop now (if still open) and returns its unclaimed places to the
 * fund (ledger: drop -> fund); a drop whose window ended on its own is
 * settled the same way. ERR_CONFLICT when it is closed with nothing left
 * to return. */
int drop_close(db_conn *c, arena *a, const char *id, drop *out, err_ctx *e);

#endif
