/*
 * account.h: orgs, users and who may see what.
 *
 * An org is an enterprise (an internet company) or a partner (ISV, upstream
 * or downstream company). Users of an org carry the org's kind as their
 * role; operators and experts belong to the provider and have no org. An
 * org's admins manage its users. Reads are scoped: an enterprise or partner
 * user asking for another org's object gets ERR_NOT_FOUND, as if it did not
 * exist.
 *
 * Validation (account_rules.c) is pure; storage (account_store.c) runs the
 * SQL. Field names in errors are the API's JSON paths.
 */
#ifndef COCLOUD_ACCOUNT_H
#define COCLOUD_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "base/jsonv.h"
#include "base/rand.h"
#include "db/db.h"

#define ACCOUNT_NAME_MAX 100
#define ACCOUNT_CLOUDS_MAX 8
#define ACCOUNT_PAGE_MAX 100
#define ACCOUNT_PAGE_DEFAULT 50

/* NULL-terminated vocabularies; the codes are the API's words. */
extern const char *const account_kinds[];
extern const char *const account_industries[];
extern const char *const account_sizes[];
extern const char *const account_roles[];
extern const char *const account_clouds[];

typedef enum { ROLE_OPERATOR = 1, ROLE_ENTERPRISE = 2, ROLE_EXPERT = 4, ROLE_PARTNER = 8 } account_role;
#define ROLE_ANY (ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_EXPERT | ROLE_PARTNER)

/* Role bit for a role code, 0 if unknown. */
int account_role_bit(const char *role);

typedef struct account_org {
    const char *id, *kind, *name, *industry, *size, *region;
    const char *clouds; /* comma-separated, "" for none */
    int64_t created_at, updated_at;
} account_org;

typedef struct account_user {
    const char *id, *email, *name, *role;
    const char *org_id; /* NULL for operators and experts */
    bool admin;
    int64_t created_at, updated_at;
} account_user;

/* Fields an org is created or changed with. NULL / !set means absent. */
typedef struct account_org_input {
    const char *name, *kind, *industry, *size, *region;
    jv_strings clouds;
} account_org_input;

typedef struct account_user_input {
    const char *email, *name, *password, *role;
    jv_bool admin;
} account_user_input;

/* The signed-in user a call acts for. */
typedef struct account_actor {
    const char *user_id, *org_id, *role;
    int role_bit;
    bool admin;
} account_actor;

account_actor account_actor_of(const account_user *u);

/* Whose data a list or total shows the actor: for operators the org they
 * name (org_id, NULL for all), for anyone else their own org (org_id is
 * ignored); ERR_FORBIDDEN for a user without an org. */
int account_org_scope(const account_actor *actor, const char *org_id, const char **out,
                      err_ctx *e);

/* A user's columns for a query that joins users as u, and the reader of a
 * row that starts with them (copies into a). */
#define ACCOUNT_USER_COLS_U \
    "u.id, u.email, u.name, u.role, u.org_id, u.is_admin, u.created_at, u.updated_at"
#define ACCOUNT_USER_NCOLS 8
int account_user_read(arena *a, db_stmt *st, account_user *out, err_ctx *e);

/* Pure checks. partial: only present fields are checked (PATCH). Errors
 * are added to e under prefix (e.g. "admin."); returns e->code. */
int account_check_org(const account_org_input *in, bool partial, err_ctx *e);
int account_check_user(const account_user_input *in, const char *prefix, err_ctx *e);
int account_check_password(const char *pw, const char *field, err_ctx *e);

/* Sign-up: creates an org and its first admin in one transaction. The
 * email is lowercased. ERR_CONFLICT with field "admin.email" if taken. */
int account_signup(db_conn *c, arena *a, const account_org_input *org,
                   const account_user_input *admin, account_org *org_out,
                   account_user *user_out, err_ctx *e);

/* Adds a user. For org users (org_id set) the role follows the org's kind;
 * otherwise in->role must be operator or expert. Checks that actor may do
 * it: an admin of that org, or an operator. */
int account_user_add(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
                     const account_user_input *in, account_user *out, err_ctx *e);

int account_org_get(db_conn *c, arena *a, const account_actor *actor, const char *id,
                    account_org *out, err_ctx *e);
int account_org_update(db_conn *c, arena *a, const account_actor *actor, const char *id,
                       const account_org_input *in, account_org *out, err_ctx *e);
int account_user_get(db_conn *c, arena *a, const account_actor *actor, const char *id,
                     account_user *out, err_ctx *e);

/* Loads a user by id without any scoping (the session layer uses it). */
int account_user_load(db_conn *c, arena *a, const char *id, account_user *out, err_ctx *e);

/* Finds a user and their password hash by email (lowercased here). Sets
 * *found; the hash is copied to the arena. */
int account_user_by_email(db_conn *c, arena *a, const char *email, account_user *out,
                          const char **hash, bool *found, err_ctx *e);

/* Replaces a user's password after checking the current one; every session
 * of the user is revoked. ERR_VALIDATION on "current_password" if wrong. */
int account_password_change(db_conn *c, const account_actor *actor, const char *current,
                            const char *next, err_ctx *e);

/* A page of a list, newest first, after the cursor `after` (NULL for the
 * first page; ERR_BAD_REQUEST if it is not an id of the list). next is the
 * cursor for the following page, or NULL on the last one. */
typedef struct account_page {
    int limit;
    const char *after;
} account_page;

/* A list's two queries over `table` (rows with id and created_at), from its
 * SELECT and its scope, a condition that may use placeholders:
 *   .list:   the page, (created_at, id) descending, after the cursor's row;
 *   .cursor: whether the cursor names a row of the same list.
 * The scope is in both, so that an id from another org's list is refused as
 * an id that names nothing. Literals throughout, so statements stay cached. */
#define ACCOUNT_PAGE_SQL(select, table, scope)                                              \
    .list = select " WHERE (" scope ") AND (CAST(? AS TEXT) IS NULL OR (created_at, id) <" \
                   " (SELECT created_at, id FROM " table " WHERE id = ?))"                 \
                   " ORDER BY created_at DESC, id DESC LIMIT ?",                           \
    .cursor = "SELECT 1 FROM " table " WHERE id = ? AND (" scope ")"

#define ACCOUNT_PAGE_SCOPE_MAX 6 /* placeholders in a scope */

typedef struct account_page_query {
    const char *list, *cursor; /* ACCOUNT_PAGE_SQL */
    const db_arg *scope;       /* the scope's arguments, in its order */
    int nscope;
    size_t size; /* of an item */
    /* Reads the current row into item; column 0 of the list is its id. */
    int (*read)(arena *a, db_stmt *st, void *item, err_ctx *e);
} account_page_query;

/* One page of q: returns up to pg.limit items (*n of them), and sets *next
 * to the cursor of the page after, or NULL on the last. NULL with e set on
 * failure: ERR_BAD_REQUEST for a limit outside 1..ACCOUNT_PAGE_MAX or a
 * cursor that names no row of the list. */
void *account_page_list(db_conn *c, arena *a, account_page pg, const account_page_query *q,
                        int *n, const char **next, err_ctx *e);

/* The scope of a list of a table with an org_id, as account_org_scope
 * decides it: operators see every org or the one they name, anyone else
 * their own. */
#define ACCOUNT_ORG_SCOPE "CAST(? AS TEXT) IS NULL OR org_id = ?"

/* account_page_list for a list scoped by ACCOUNT_ORG_SCOPE alone: q's
 * list and cursor are ACCOUNT_PAGE_SQL(..., ACCOUNT_ORG_SCOPE), and its
 * scope is bound here to the org account_org_scope(actor, org_id) gives. */
void *account_org_page_list(db_conn *c, arena *a, const account_actor *actor,
                            const char *org_id, account_page pg, account_page_query q, int *n,
                            const char **next, err_ctx *e);

int account_org_list(db_conn *c, arena *a, const account_actor *actor, account_page pg,
                     account_org **items, int *n, const char **next, err_ctx *e);
/* Users of org_id (NULL: all users; only operators), optionally of a role. */
int account_user_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
                      const char *role, account_page pg, account_user **items, int *n,
                      const char **next, err_ctx *e);

#endif
