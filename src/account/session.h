/*
 * session.h: bearer tokens for signed-in users, and login throttling.
 *
 * A token is 256 random bits; only its SHA-256 is stored, so a leaked
 * database yields no usable token. A session ends at its absolute expiry,
 * after `idle` without use, on logout, or when the password changes. State
 * lives in the database, so any instance can check any token; each keeps
 * its recent checks for a moment (session_recall).
 */
#ifndef COCLOUD_SESSION_H
#define COCLOUD_SESSION_H

#include <stdint.h>

#include "account/account.h"
#include "base/cache.h"

typedef struct session_policy {
    int64_t idle_ms, max_ms;      /* expiry */
    int max_failures_account;     /* failed logins per account per window */
    int max_failures_address;     /* failed logins per client address per window */
    int64_t window_ms, lock_ms;   /* counting window; lock once the limit is hit */
} session_policy;

typedef struct session_login {
    char token[RAND_TOKEN_LEN];
    int64_t expires_at;
    account_user user;
} session_login;

/* Checks the throttle for the account and the address, verifies the
 * password and opens a session. ERR_UNAUTHENTICATED for wrong credentials
 * (the same for an unknown email), ERR_TOO_MANY with e->retry_after while
 * locked. */
int session_login_password(db_conn *c, arena *a, const session_policy *p, const char *email,
                           const char *password, const char *address, session_login *out,
                           err_ctx *e);

/* Opens a session for a known user (CLI and tests). */
int session_open(db_conn *c, const session_policy *p, const char *user_id, int64_t now,
                 session_login *out, err_ctx *e);

/* Resolves a token to its user from k, a cache of recent checks
 * (cache.h): true, with *user in a's memory, when a check made within the
 * cache's ttl still holds. An entry is not used past the session's expiry,
 * nor once its last use is due to be written. False otherwise: *epoch is
 * then for session_check. A token used again and again is read from the
 * database about once per ttl. Whoever revokes sessions drops them from
 * the cache after committing: cache_drop(k, token_hash) for one,
 * cache_drop_tag(k, user_id) for all of a user's. Other instances see the
 * revocation within the ttl. */
bool session_recall(cache *k, arena *a, const session_policy *p, const char *token,
                    account_user *user, char token_hash[65], uint64_t *epoch);

/* Resolves a token to its user from the database, and keeps the answer in
 * k (NULL: nowhere) under the epoch session_recall gave. ERR_UNAUTHENTICATED if unknown,
 * revoked or expired. *token_hash (65 bytes) receives the stored key, for
 * logout and for the cache. */
int session_check(db_conn *c, cache *k, uint64_t epoch, arena *a, const session_policy *p,
                  const char *token, account_user *user, char token_hash[65], err_ctx *e);

int session_revoke(db_conn *c, const char *token_hash, int64_t now, err_ctx *e);
int session_revoke_user(db_conn *c, const char *user_id, int64_t now, err_ctx *e);

#endif
