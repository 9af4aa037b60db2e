/*
 * session.c: token issue, lookup and revocation; the login throttle.
 */
#include "account/session.h"

#include <stdbool.h>
#include <string.h>

#include "account/password.h"
#include "base/clock.h"
#include "base/text.h"

/* last_seen_at is refreshed at most this often, so reading is not writing. */
#define SESSION_TOUCH_MS 60000

int session_open(db_conn *c, const session_policy *p, const char *user_id, int64_t now,
                 session_login *out, err_ctx *e)
{
    char hash[65];
    rand_token(out->token);
    rand_sha256_hex(out->token, hash);
    out->expires_at = now + p->max_ms;
    return db_exec(c,
                   "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at,"
                   " expires_at) VALUES (?, ?, ?, ?, ?)",
                   DB_ARGS(DB_TEXT(hash), DB_TEXT(user_id), DB_INT(now), DB_INT(now),
                           DB_INT(out->expires_at)),
                   NULL, e);
}

/* Seconds left on a lock for key, 0 when not locked. */
static int throttle_locked(db_conn *c, const char *key, int64_t now, int *retry, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found;
    int rc = db_query_row(c, "SELECT locked_until FROM login_throttle WHERE key = ?",
                          DB_ARGS(DB_TEXT(key)), &st, &found, e);
    if (!rc && found && db_int(st, 0) > now) {
        int s = (int)((db_int(st, 0) - now + 999) / 1000);
        if (s > *retry)
            *retry = s;
    }
    db_done(st);
    return rc;
}

/* Counts one failure for key within the window and locks at the limit. */
static int throttle_fail(db_conn *c, const session_policy *p, const char *key, int limit,
                         int64_t now, err_ctx *e)
{
    int64_t window_start = now - p->window_ms;
    int rc = db_exec(c,
                     "INSERT INTO login_throttle (key, failures, window_start, locked_until)"
                     " VALUES (?, 1, ?, 0) ON CONFLICT (key) DO UPDATE SET"
                     " failures = CASE WHEN login_throttle.window_start < ? THEN 1"
                     "   ELSE login_throttle.failures + 1 END,"
                     " window_start = CASE WHEN login_throttle.window_start < ? THEN ?"
                     "   ELSE login_throttle.window_start END",
                     DB_ARGS(DB_TEXT(key), DB_INT(now), DB_INT(window_start),
                             DB_INT(window_start), DB_INT(now)),
                     NULL, e);
    if (!rc)
        rc = db_exec(c,
                     "UPDATE login_throttle SET locked_until = ?, failures = 0, window_start = ?"
                     " WHERE key = ? AND failures >= ?",
                     DB_ARGS(DB_INT(now + p->lock_ms), DB_INT(now), DB_TEXT(key),
                             DB_INT(limit)),
                     NULL, e);
    return rc;
}

int session_login_password(db_conn *c, arena *a, const session_policy *p, const char *email,
                           const char *password, const char *address, session_login *out,
                           err_ctx *e)
{
    int rc, retry = 0;
    bool found = false;
    const char *hash = NULL;
    int64_t now = clock_now_ms();
    char *lower = arena_strdup(a, email);
    char *acct_key = lower ? arena_printf(a, "acct:%s", text_lower(lower)) : NULL;
    char *addr_key = arena_printf(a, "addr:%s", address ? address : "-");
    if (!acct_key || !addr_key)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = throttle_locked(c, acct_key, now, &retry, e);
    if (!rc)
        rc = throttle_locked(c, addr_key, now, &retry, e);
    if (rc)
        return rc;
    if (retry) {
        e->retry_after = retry;
        return err_set(e, ERR_TOO_MANY, "too many failed logins; try again in %d s", retry);
    }
    rc = account_user_by_email(c, a, email, &out->user, &hash, &found, e);
    if (rc)
        return rc;
    if (!password_verify(password, found ? hash : NULL)) {
        rc = db_begin(c, e);
        if (!rc)
            rc = throttle_fail(c, p, acct_key, p->max_failures_account, now, e);
        if (!rc)
            rc = throttle_fail(c, p, addr_key, p->max_failures_address, now, e);
        if (!rc)
            rc = db_commit(c, e);
        if (rc) {
            db_rollback(c);
            return rc;
        }
        return err_set(e, ERR_UNAUTHENTICATED, "wrong email or password");
    }
    rc = db_begin(c, e);
    if (!rc)
        rc = db_exec(c, "DELETE FROM login_throttle WHERE key = ?", DB_ARGS(DB_TEXT(acct_key)),
                     NULL, e);
    if (!rc)
        rc = session_open(c, p, out->user.id, now, out, e);
    if (!rc)
        rc = db_commit(c, e);
    if (rc)
        db_rollback(c);
    return rc;
}

/* The stored key of a token (its SHA-256 in hex); false for a token that
 * cannot be one of ours. */
static bool token_key(const char *token, char token_hash[65])
{
    if (strlen(token) >= RAND_TOKEN_LEN || strncmp(token, "cct_", 4) != 0)
        return false;
    rand_sha256_hex(token, token_hash);
    return true;
}

/* last_seen_at is refreshed once a use comes this long after it. */
static int64_t touch_ms(const session_policy *p)
{
    return p->idle_ms / 4 < SESSION_TOUCH_MS ? p->idle_ms / 4 : SESSION_TOUCH_MS;
}

/* A cache entry: this, then the user's id, email, name, role and org id
 * (when has_org), each ending in a NUL; SESSION_KEPT_MAX bytes at most
 * (ids, a 254-byte email and a 100-character name fit). */
#define SESSION_KEPT_MAX 1024
typedef struct kept {
    int64_t last_seen, expires_at, created_at, updated_at;
    bool admin, has_org;
} kept;

static void keep(cache *k, uint64_t epoch, const char *token_hash, const account_user *u,
                 int64_t last_seen, int64_t expires_at)
{
    char buf[SESSION_KEPT_MAX];
    if (!k)
        return;
    kept head = {last_seen, expires_at, u->created_at, u->updated_at, u->admin, u->org_id != NULL};
    const char *strings[] = {u->id, u->email, u->name, u->role, u->org_id};
    size_t len = sizeof head;
    memcpy(buf, &head, sizeof head);
    for (int i = 0; i < 4 + head.has_org; i++) {
        size_t n = strlen(strings[i]) + 1;
        if (n > sizeof buf - len)
            return; /* too big to keep: read each time */
        memcpy(buf + len, strings[i], n);
        len += n;
    }
    cache_put(k, token_hash, u->id, epoch, clock_now_ms(), buf, len);
}

bool session_recall(cache *k, arena *a, const session_policy *p, const char *token,
                    account_user *user, char token_hash[65], uint64_t *epoch)
{
    int64_t now = clock_now_ms();
    *epoch = cache_epoch(k);
    char *buf = arena_alloc_raw(a, SESSION_KEPT_MAX);
    size_t len = buf && token_key(token, token_hash)
                     ? cache_get(k, token_hash, now, buf, SESSION_KEPT_MAX)
                     : 0;
    kept head;
    if (len < sizeof head)
        return false;
    memcpy(&head, buf, sizeof head);
    if (now >= head.expires_at || now - head.last_seen >= touch_ms(p))
        return false; /* expired, or its last use is to be written: the database decides */
    const char *strings[5] = {NULL};
    char *at = buf + sizeof head, *end = buf + len;
    for (int i = 0; i < 4 + head.has_org && at < end; i++) {
        strings[i] = at;
        at += strlen(at) + 1; /* keep wrote each with its NUL */
    }
    *user = (account_user){strings[0], strings[1], strings[2], strings[3], strings[4],
                           head.admin, head.created_at, head.updated_at};
    return true;
}

int session_check(db_conn *c, cache *k, uint64_t epoch, arena *a, const session_policy *p,
                  const char *token, account_user *user, char token_hash[65], err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int64_t now = clock_now_ms(), last_seen = 0, expires_at = 0;
    if (!token_key(token, token_hash))
        return err_set(e, ERR_UNAUTHENTICATED, "the token is not valid");
    /* The session and its user in one read: every signed-in request pays it. */
    int rc = db_query_row(c,
                          "SELECT " ACCOUNT_USER_COLS_U ", s.last_seen_at, s.expires_at"
                          " FROM sessions s JOIN users u ON u.id = s.user_id"
                          " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?"
                          " AND s.last_seen_at > ?",
                          DB_ARGS(DB_TEXT(token_hash), DB_INT(now), DB_INT(now - p->idle_ms)),
                          &st, &found, e);
    if (!rc && found) {
        rc = account_user_read(a, st, user, e);
        last_seen = db_int(st, ACCOUNT_USER_NCOLS);
        expires_at = db_int(st, ACCOUNT_USER_NCOLS + 1);
    }
    db_done(st);
    if (rc)
        return rc;
    if (!found)
        return err_set(e, ERR_UNAUTHENTICATED, "the token is unknown, revoked or expired");
    if (now - last_seen >= touch_ms(p)) {
        rc = db_exec(c, "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                     DB_ARGS(DB_INT(now), DB_TEXT(token_hash)), NULL, e);
        last_seen = now;
    }
    if (!rc)
        keep(k, epoch, token_hash, user, last_seen, expires_at);
    return rc;
}

int session_revoke(db_conn *c, const char *token_hash, int64_t now, err_ctx *e)
{
    return db_exec(c, "UPDATE sessions SET revoked_at = ? WHERE token_hash = ?"
                      " AND revoked_at IS NULL",
                   DB_ARGS(DB_INT(now), DB_TEXT(token_hash)), NULL, e);
}

int session_revoke_user(db_conn *c, const char *user_id, int64_t now, err_ctx *e)
{
    return db_exec(c, "UPDATE sessions SET revoked_at = ? WHERE user_id = ?"
                      " AND revoked_at IS NULL",
                   DB_ARGS(DB_INT(now), DB_TEXT(user_id)), NULL, e);
}
