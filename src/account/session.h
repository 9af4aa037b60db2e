/*
 * session.h: bearer tokens for signed-in users, and login throttling.
 *
 * A token is 256 random bits; only its SHA-256 is stored, so a leaked
 * database yields no usable token. A session ends at its absolute expiry,
 * after `idle` without use, on logout, or when the password changes. State
 * lives in the database only, so any instance can check any token.
 */
#ifndef COCLOUD_SESSION_H
#define COCLOUD_SESSION_H

#include <stdint.h>

#include "account/account.h"

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

/* Resolves a token to its user. ERR_UNAUTHENTICATED if unknown, revoked or
 * expired. *token_hash (65 bytes) receives the stored key for logout. */
int session_check(db_conn *c, arena *a, const session_policy *p, const char *token,
                  account_user *user, char token_hash[65], err_ctx *e);

int session_revoke(db_conn *c, const char *token_hash, int64_t now, err_ctx *e);
int session_revoke_user(db_conn *c, const char *user_id, int64_t now, err_ctx *e);

#endif
