/*
 * credit_fixture.h: what the credit tests set up over and over: orgs and
 * their users written straight into a migrated database, an operator and
 * org actors, Idempotency-Keys, and funds and drops made through the real
 * fund_create / drop_create. Every helper fails the test on an error, so
 * a test body only holds what it checks.
 */
#ifndef COCLOUD_CREDIT_FIXTURE_H
#define COCLOUD_CREDIT_FIXTURE_H

#include <stdint.h>

#include "account/account.h"
#include "base/arena.h"
#include "credit/credit.h"
#include "db/db.h"

#define CF_MINUTE_MS INT64_C(60000)
#define CF_HOUR_MS INT64_C(3600000)
#define CF_DAY_MS INT64_C(86400000)

/* Inserts org id (kind, industry, size) and its admin user "usr_<id>". */
void cf_org(db_conn *c, const char *id, const char *kind, const char *industry,
            const char *size);

/* The actor of "usr_<org_id>" (role from kind) in out, pointing into bufs. */
typedef struct cf_actor {
    char user_id[64], org_id[64];
    account_actor actor;
} cf_actor;
void cf_actor_of(cf_actor *out, const char *org_id, const char *kind);
account_actor cf_operator(void);

/* An Idempotency-Key with a hash made of one repeated hex digit. */
credit_idem cf_idem(const char *key, char digit);

/* A fund of amount (CNY) through fund_create; fails the test on error. */
void cf_fund(db_conn *c, arena *a, int64_t amount, const char *key, fund *out);

/* A drop input open from opens_at to closes_at (Unix ms), any org; the
 * time strings are written into the arena. shards 0 means unset. */
drop_input cf_drop_input(arena *a, int64_t amount, int64_t quantity, int shards,
                         int64_t opens_at, int64_t closes_at);

/* drop_create of in on fund_id; fails the test on error. */
void cf_drop(db_conn *c, arena *a, const char *fund_id, const drop_input *in, const char *key,
             drop *out);

/* The balance of "<kind>:<id>". */
int64_t cf_balance(db_conn *c, const char *kind, const char *id);

/* One integer a query (one text argument, may be NULL) returns. */
int64_t cf_int(db_conn *c, const char *sql, const char *arg);

#endif
