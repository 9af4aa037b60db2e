/*
 * campaign.h: exclusive campaigns (a time window with its regions,
 * industries and sizes) and their policies (conditions, an effect on the
 * price, limits), as operators set them up and everyone reads them.
 *
 * Validation (campaign_rules.c) is pure; storage (campaign_store.c) runs
 * the SQL and the checks that need the database (does the region, product
 * or pack exist). Every write bumps the quote engine's change version in
 * the same transaction (engine_touch), so every instance reprices with it.
 * Field names in errors are the API's JSON paths (regions[1],
 * conditions.products[0], effect.value).
 *
 * Visibility: an unpublished campaign (a draft) and its policies exist
 * only for operators; for anyone else they answer ERR_NOT_FOUND. Who may
 * write is the route table's business (operators only).
 *
 * Lists of codes are kept as comma-separated text ("" = no restriction),
 * the form the quote engine reads.
 */
#ifndef COCLOUD_CAMPAIGN_H
#define COCLOUD_CAMPAIGN_H

#include <stdbool.h>
#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/jsonv.h"
#include "base/text.h"
#include "db/db.h"

#define CAMPAIGN_NAME_MAX 200
#define CAMPAIGN_DESCRIPTION_MAX 2000
#define CAMPAIGN_TZ_MAX 64
#define CAMPAIGN_REGIONS_MAX 256 /* the quote engine's region bit set */
#define CAMPAIGN_WORDS_MAX 16    /* industries, sizes, categories ... */
#define CAMPAIGN_CODES_MAX 100   /* products, packs in a policy */
#define CAMPAIGN_POLICIES_MAX 200
#define POLICY_LANE_MAX 9
#define POLICY_MIN_MAX INT64_C(1000000000000)     /* min_quantity, min_*_amount */
#define POLICY_LIMIT_MAX INT64_C(1000000000000)   /* per_org, total, budget */
#define POLICY_VALUE_MAX INT64_C(10000000000)     /* fen or units */
#define POLICY_BP_MAX 10000                       /* percent_off */

/* Text in both languages (base/text.h). */
typedef text_i18n campaign_text;

typedef enum {
    CAMPAIGN_DRAFT,
    CAMPAIGN_SCHEDULED,
    CAMPAIGN_LIVE,
    CAMPAIGN_ENDED,
} campaign_state;

/* "draft", "scheduled", "live", "ended", indexed by campaign_state. */
extern const char *const campaign_states[];

/* Where a campaign stands at now (Unix ms): a draft while unpublished,
 * then scheduled before starts, live from starts until ends (exclusive),
 * ended from ends on. */
campaign_state campaign_status(bool published, int64_t starts, int64_t ends, int64_t now);

typedef struct campaign {
    const char *id, *time_zone;
    campaign_text name, description;
    int64_t starts_at, ends_at;
    const char *regions, *industries, *sizes; /* comma-separated, "" = any */
    bool new_customer_only, published;
    int64_t created_at, updated_at;
} campaign;

/* Fields a campaign is created or changed with; NULL / !set = absent.
 * Times are RFC 3339 text as received. */
typedef struct campaign_input {
    campaign_text name, description;
    const char *starts_at, *ends_at, *time_zone;
    jv_strings regions, industries, sizes;
    jv_bool new_customer_only, published;
} campaign_input;

typedef struct policy_conditions {
    const char *regions, *industries, *sizes, *products, *categories, *packs, *billing_modes,
        *order_types; /* comma-separated, "" = any */
    bool new_customer_only;
    int64_t min_quantity, min_line_amount, min_order_amount;
} policy_conditions;

typedef struct policy {
    const char *id, *campaign_id;
    campaign_text name;
    int lane;
    policy_conditions cond;
    const char *effect; /* percent_off, amount_off, fixed_unit_price, pack_price, free_units */
    int64_t value;
    int64_t per_org, total, budget; /* limits, 0 = none */
    bool enabled;
    int64_t uses, discount; /* usage so far, over all orgs */
    int64_t created_at, updated_at;
} policy;

typedef struct policy_conditions_input {
    jv_strings regions, industries, sizes, products, categories, packs, billing_modes,
        order_types;
    jv_bool new_customer_only;
    jv_int min_quantity, min_line_amount, min_order_amount;
} policy_conditions_input;

typedef struct policy_effect_input {
    const char *kind;
    jv_int value;
} policy_effect_input;

typedef struct policy_limits_input {
    jv_int per_org, total, budget;
} policy_limits_input;

/* On a change, conditions and limits merge key by key; an effect, when
 * given, is given whole (kind and value). */
typedef struct policy_input {
    campaign_text name;
    jv_int lane;
    policy_conditions_input conditions;
    policy_effect_input effect;
    policy_limits_input limits;
    jv_bool enabled;
} policy_input;

/* Pure checks of the fields present. partial: a change (PATCH), where
 * nothing is required. Errors are added to e; each returns e->code. */
int campaign_check(const campaign_input *in, bool partial, err_ctx *e);
/* The window of a campaign as it will be stored: starts before ends. */
int campaign_check_window(int64_t starts, int64_t ends, err_ctx *e);
/* A time zone name like Asia/Shanghai or Etc/GMT-8. */
bool campaign_tz_ok(const char *v);

int policy_check(const policy_input *in, bool partial, err_ctx *e);
/* What depends on several fields of the policy as it will be stored: the
 * effect value's range for its kind, and pack_price naming packs. */
int policy_check_effect(const policy *p, err_ctx *e);

/* Campaigns newest first (created_at, id descending). actor may be NULL
 * (anonymous); only operators see drafts. pg.after must be an id of the
 * list the actor sees (else ERR_BAD_REQUEST). next is the following page's
 * cursor or NULL. */
int campaign_list(db_conn *c, arena *a, const account_actor *actor, account_page pg,
                  campaign **items, int *n, const char **next, err_ctx *e);
int campaign_get(db_conn *c, arena *a, const account_actor *actor, const char *id,
                 campaign *out, err_ctx *e);
/* An unknown region is ERR_VALIDATION on regions[i]. */
int campaign_create(db_conn *c, arena *a, const campaign_input *in, campaign *out,
                    err_ctx *e);
int campaign_update(db_conn *c, arena *a, const char *id, const campaign_input *in,
                    campaign *out, err_ctx *e);

/* A campaign's policies by lane, then age. ERR_NOT_FOUND when the actor
 * cannot see the campaign. */
int policy_list(db_conn *c, arena *a, const account_actor *actor, const char *campaign_id,
                policy **items, int *n, err_ctx *e);
int policy_get(db_conn *c, arena *a, const account_actor *actor, const char *id, policy *out,
               err_ctx *e);
/* An unknown region, product or pack is ERR_VALIDATION on
 * conditions.regions[i] (products, packs). ERR_NOT_FOUND for an unknown
 * campaign; ERR_CONFLICT when it already has CAMPAIGN_POLICIES_MAX. */
int policy_create(db_conn *c, arena *a, const char *campaign_id, const policy_input *in,
                  policy *out, err_ctx *e);
int policy_update(db_conn *c, arena *a, const char *id, const policy_input *in, policy *out,
                  err_ctx *e);

/* Makes sure policy `id` has its totals row (slot 0), which an order
 * updates first when it takes from the policy and a change to its limits
 * locks before checking them: that row is where the two meet. */
int policy_totals_row(db_conn *c, const char *id, err_ctx *e);

#endif
