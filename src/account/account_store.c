/*
 * account_store.c: the SQL behind orgs and users, and the scoping rules
 * that decide who may read or change them.
 */
#include <string.h>

#include "account/account.h"
#include "account/password.h"
#include "account/session.h"
#include "base/clock.h"
#include "base/text.h"

#define ORG_COLS "id, kind, name, industry, size, region, clouds, created_at, updated_at"
#define USER_COLS "id, email, name, role, org_id, is_admin, created_at, updated_at"

static const char *dup_col(arena *a, db_stmt *st, int col)
{
    return arena_strdup(a, db_text(st, col));
}

/* Reads an orgs row (ORG_COLS) into item, an account_org. */
static int read_org(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    account_org *o = item;
    *o = (account_org){
        .id = dup_col(a, st, 0), .kind = dup_col(a, st, 1), .name = dup_col(a, st, 2),
        .industry = dup_col(a, st, 3), .size = dup_col(a, st, 4), .region = dup_col(a, st, 5),
        .clouds = dup_col(a, st, 6), .created_at = db_int(st, 7), .updated_at = db_int(st, 8),
    };
    bool ok = o->id && o->kind && o->name && o->industry && o->size && o->region && o->clouds;
    return ok ? 0 : err_set(e, ERR_NOMEM, "out of memory");
}

int account_user_read(arena *a, db_stmt *st, account_user *u, err_ctx *e)
{
    *u = (account_user){
        .id = dup_col(a, st, 0), .email = dup_col(a, st, 1), .name = dup_col(a, st, 2),
        .role = dup_col(a, st, 3), .org_id = dup_col(a, st, 4), .admin = db_int(st, 5) != 0,
        .created_at = db_int(st, 6), .updated_at = db_int(st, 7),
    };
    bool ok = u->id && u->email && u->name && u->role && (u->org_id || !db_text(st, 4));
    return ok ? 0 : err_set(e, ERR_NOMEM, "out of memory");
}

/* Joins the clouds array into the stored comma form. */
static const char *clouds_join(arena *a, const jv_strings *c)
{
    size_t len = 1;
    for (size_t i = 0; i < c->n; i++)
        len += strlen(c->v[i]) + 1;
    char *s = arena_alloc(a, len);
    if (!s)
        return NULL;
    for (size_t i = 0; i < c->n; i++) {
        if (i)
            strcat(s, ",");
        strcat(s, c->v[i]);
    }
    return s;
}

static char *lower_copy(arena *a, const char *s)
{
    char *d = arena_strdup(a, s);
    return d ? text_lower(d) : NULL;
}

static bool sees_org(const account_actor *actor, const char *org_id)
{
    return actor->role_bit == ROLE_OPERATOR ||
           (actor->org_id && org_id && strcmp(actor->org_id, org_id) == 0);
}

static int user_insert(db_conn *c, account_user *u, const char *hash, const char *email_field,
                       err_ctx *e)
{
    int rc = db_exec(c,
                     "INSERT INTO users (id, email, name, role, org_id, is_admin, password_hash,"
                     " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(u->id), DB_TEXT(u->email), DB_TEXT(u->name),
                             DB_TEXT(u->role), DB_TEXT(u->org_id), DB_INT(u->admin),
                             DB_TEXT(hash), DB_INT(u->created_at), DB_INT(u->updated_at)),
                     NULL, e);
    if (rc == ERR_CONFLICT) {
        err_clear(e);
        err_set(e, ERR_CONFLICT, "an account with this email already exists");
        err_field_add(e, email_field, "is already registered");
        e->code = ERR_CONFLICT;
    }
    return rc;
}

int account_signup(db_conn *c, arena *a, const account_org_input *org,
                   const account_user_input *admin, account_org *org_out,
                   account_user *user_out, err_ctx *e)
{
    int rc;
    char hash[PASSWORD_HASH_LEN];
    char org_id[RAND_ID_LEN], user_id[RAND_ID_LEN];
    account_check_org(org, false, e);
    account_check_user(admin, "admin.", e);
    if (e->code)
        return e->code;
    rc = password_hash(admin->password, hash); /* slow: outside the transaction */
    if (rc)
        return err_set(e, rc, "cannot hash password");
    int64_t now = clock_now_ms();
    rand_id("org", org_id);
    rand_id("usr", user_id);
    *org_out = (account_org){
        .id = arena_strdup(a, org_id), .kind = org->kind, .name = org->name,
        .industry = org->industry, .size = org->size, .region = org->region,
        .clouds = clouds_join(a, &org->clouds), .created_at = now, .updated_at = now,
    };
    *user_out = (account_user){
        .id = arena_strdup(a, user_id), .email = lower_copy(a, admin->email),
        .name = admin->name, .role = org->kind, .org_id = org_out->id, .admin = true,
        .created_at = now, .updated_at = now,
    };
    if (!org_out->clouds || !user_out->email || !user_out->id)
        return err_set(e, ERR_NOMEM, "out of memory");
    rc = db_begin(c, e);
    if (rc)
        goto out;
    rc = db_exec(c,
                 "INSERT INTO orgs (" ORG_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 DB_ARGS(DB_TEXT(org_out->id), DB_TEXT(org_out->kind), DB_TEXT(org_out->name),
                         DB_TEXT(org_out->industry), DB_TEXT(org_out->size),
                         DB_TEXT(org_out->region), DB_TEXT(org_out->clouds), DB_INT(now),
                         DB_INT(now)),
                 NULL, e);
    if (rc)
        goto out;
    rc = user_insert(c, user_out, hash, "admin.email", e);
    if (rc)
        goto out;
    rc = db_commit(c, e);
out:
    if (rc)
        db_rollback(c);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

static int org_load(db_conn *c, arena *a, const char *id, account_org *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c, "SELECT " ORG_COLS " FROM orgs WHERE id = ?", DB_ARGS(DB_TEXT(id)),
                          &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no org %s", id);
    if (!rc)
        rc = read_org(a, st, out, e);
    db_done(st);
    return rc;
}

int account_org_get(db_conn *c, arena *a, const account_actor *actor, const char *id,
                    account_org *out, err_ctx *e)
{
    if (!sees_org(actor, id))
        return err_set(e, ERR_NOT_FOUND, "no org %s", id);
    return org_load(c, a, id, out, e);
}

int account_org_update(db_conn *c, arena *a, const account_actor *actor, const char *id,
                       const account_org_input *in, account_org *out, err_ctx *e)
{
    int rc;
    if (!sees_org(actor, id))
        return err_set(e, ERR_NOT_FOUND, "no org %s", id);
    if (actor->role_bit != ROLE_OPERATOR && !actor->admin)
        return err_set(e, ERR_FORBIDDEN, "only an admin of this org may change it");
    if (in->kind)
        err_field_add(e, "kind", "cannot be changed");
    if (account_check_org(in, true, e))
        return e->code;
    rc = db_begin(c, e);
    if (rc)
        return rc;
    rc = org_load(c, a, id, out, e);
    if (rc)
        goto out;
    if (in->name)
        out->name = in->name;
    if (in->industry)
        out->industry = in->industry;
    if (in->size)
        out->size = in->size;
    if (in->region)
        out->region = in->region;
    if (in->clouds.set && !(out->clouds = clouds_join(a, &in->clouds))) {
        rc = err_set(e, ERR_NOMEM, "out of memory");
        goto out;
    }
    out->updated_at = clock_now_ms();
    rc = db_exec(c,
                 "UPDATE orgs SET name = ?, industry = ?, size = ?, region = ?, clouds = ?,"
                 " updated_at = ? WHERE id = ?",
                 DB_ARGS(DB_TEXT(out->name), DB_TEXT(out->industry), DB_TEXT(out->size),
                         DB_TEXT(out->region), DB_TEXT(out->clouds), DB_INT(out->updated_at),
                         DB_TEXT(id)),
                 NULL, e);
    if (!rc)
        rc = db_commit(c, e);
out:
    if (rc)
        db_rollback(c);
    return rc;
}

int account_user_load(db_conn *c, arena *a, const char *id, account_user *out, err_ctx *e)
{
    db_stmt *st = NULL;
    bool found = false;
    int rc = db_query_row(c, "SELECT " USER_COLS " FROM users WHERE id = ?",
                          DB_ARGS(DB_TEXT(id)), &st, &found, e);
    if (!rc && !found)
        rc = err_set(e, ERR_NOT_FOUND, "no user %s", id);
    if (!rc)
        rc = account_user_read(a, st, out, e);
    db_done(st);
    return rc;
}

int account_user_get(db_conn *c, arena *a, const account_actor *actor, const char *id,
                     account_user *out, err_ctx *e)
{
    int rc = account_user_load(c, a, id, out, e);
    if (rc)
        return rc;
    if (strcmp(actor->user_id, out->id) != 0 && !sees_org(actor, out->org_id))
        return err_set(e, ERR_NOT_FOUND, "no user %s", id);
    return 0;
}

int account_user_by_email(db_conn *c, arena *a, const char *email, account_user *out,
                          const char **hash, bool *found, err_ctx *e)
{
    db_stmt *st = NULL;
    char *key = lower_copy(a, email);
    if (!key)
        return err_set(e, ERR_NOMEM, "out of memory");
    int rc = db_query_row(c, "SELECT " USER_COLS ", password_hash FROM users WHERE email = ?",
                          DB_ARGS(DB_TEXT(key)), &st, found, e);
    if (!rc && *found) {
        rc = account_user_read(a, st, out, e);
        *hash = dup_col(a, st, 8);
    }
    db_done(st);
    return rc;
}

int account_user_add(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
                     const account_user_input *in, account_user *out, err_ctx *e)
{
    int rc;
    char hash[PASSWORD_HASH_LEN], id[RAND_ID_LEN];
    account_org org;
    const char *role;
    if (org_id) {
        if (!sees_org(actor, org_id))
            return err_set(e, ERR_NOT_FOUND, "no org %s", org_id);
        if (actor->role_bit != ROLE_OPERATOR && !actor->admin)
            return err_set(e, ERR_FORBIDDEN, "only an admin of this org may add users");
        if (in->role)
            err_field_add(e, "role", "is not allowed: it follows the org's kind");
        rc = org_load(c, a, org_id, &org, e);
        if (rc)
            return rc;
        role = org.kind;
    } else {
        if (actor->role_bit != ROLE_OPERATOR)
            return err_set(e, ERR_FORBIDDEN, "only operators may add operators and experts");
        if (!in->role)
            err_field_add(e, "role", "is required");
        else if (strcmp(in->role, "operator") != 0 && strcmp(in->role, "expert") != 0)
            err_field_add(e, "role", "must be one of: operator, expert");
        if (in->admin.set)
            err_field_add(e, "admin", "is not allowed for operators and experts");
        role = in->role;
    }
    if (account_check_user(in, "", e))
        return e->code;
    rc = password_hash(in->password, hash);
    if (rc)
        return err_set(e, rc, "cannot hash password");
    rand_id("usr", id);
    int64_t now = clock_now_ms();
    *out = (account_user){
        .id = arena_strdup(a, id), .email = lower_copy(a, in->email), .name = in->name,
        .role = role, .org_id = org_id, .admin = in->admin.set && in->admin.v,
        .created_at = now, .updated_at = now,
    };
    rc = out->id && out->email ? user_insert(c, out, hash, "email", e)
                               : err_set(e, ERR_NOMEM, "out of memory");
    sodium_memzero(hash, sizeof hash);
    return rc;
}

int account_password_change(db_conn *c, const account_actor *actor, const char *current,
                            const char *next, err_ctx *e)
{
    int rc;
    db_stmt *st = NULL;
    bool found = false, ok;
    char hash[PASSWORD_HASH_LEN];
    if (account_check_password(next, "new_password", e))
        return e->code;
    rc = db_query_row(c, "SELECT password_hash FROM users WHERE id = ?",
                      DB_ARGS(DB_TEXT(actor->user_id)), &st, &found, e);
    if (rc)
        return rc;
    ok = found && password_verify(current, db_text(st, 0));
    db_done(st);
    if (!ok)
        return err_field_add(e, "current_password", "is not correct");
    rc = password_hash(next, hash);
    if (rc)
        return err_set(e, rc, "cannot hash password");
    int64_t now = clock_now_ms();
    rc = db_begin(c, e);
    if (!rc)
        rc = db_exec(c, "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                     DB_ARGS(DB_TEXT(hash), DB_INT(now), DB_TEXT(actor->user_id)), NULL, e);
    if (!rc)
        rc = session_revoke_user(c, actor->user_id, now, e);
    if (!rc)
        rc = db_commit(c, e);
    if (rc)
        db_rollback(c);
    sodium_memzero(hash, sizeof hash);
    return rc;
}

void *account_page_list(db_conn *c, arena *a, account_page pg, const account_page_query *q,
                        int *n, const char **next, err_ctx *e)
{
    db_arg args[ACCOUNT_PAGE_SCOPE_MAX + 3];
    db_stmt *st = NULL;
    bool row = false;
    int count = 0, ns = q->nscope;
    const char *last = NULL; /* the id of the page's last item */
    *n = 0;
    *next = NULL;
    if (ns < 0 || ns > ACCOUNT_PAGE_SCOPE_MAX) {
        err_set(e, ERR_INTERNAL, "a list scope takes %d arguments at most",
                ACCOUNT_PAGE_SCOPE_MAX);
        return NULL;
    }
    if (pg.limit < 1 || pg.limit > ACCOUNT_PAGE_MAX) {
        err_set(e, ERR_BAD_REQUEST, "limit must be 1 to %d", ACCOUNT_PAGE_MAX);
        return NULL;
    }
    unsigned char *out = arena_alloc(a, (size_t)pg.limit * q->size);
    if (!out) {
        err_set(e, ERR_NOMEM, "out of memory");
        return NULL;
    }
    args[0] = DB_TEXT(pg.after); /* the cursor: id = ?, then the scope */
    for (int i = 0; i < ns; i++)
        args[1 + i] = q->scope[i];
    int rc = pg.after ? db_exists(c, q->cursor, args, ns + 1, &row, e) : 0;
    if (!rc && pg.after && !row) {
        err_param(e, "after", "is not a cursor from this list");
        return NULL;
    }
    for (int i = 0; i < ns; i++) /* the list: the scope, */
        args[i] = q->scope[i];
    args[ns] = args[ns + 1] = DB_TEXT(pg.after); /* the cursor twice, */
    args[ns + 2] = DB_INT(pg.limit + 1); /* and one more than a page: is there a next? */
    if (!rc)
        rc = db_query(c, q->list, args, ns + 3, &st, e);
    while (!rc && !(rc = db_step(st, &row, e)) && row) {
        if (count == pg.limit) {
            *next = last;
            break;
        }
        rc = q->read(a, st, out + (size_t)count++ * q->size, e);
        if (!rc && count == pg.limit && !(last = arena_strdup(a, db_text(st, 0))))
            rc = err_set(e, ERR_NOMEM, "out of memory");
    }
    db_done(st);
    if (rc) {
        *next = NULL;
        return NULL;
    }
    *n = count;
    return out;
}

void *account_org_page_list(db_conn *c, arena *a, const account_actor *actor,
                            const char *org_id, account_page pg, account_page_query q, int *n,
                            const char **next, err_ctx *e)
{
    const char *org;
    *n = 0;
    *next = NULL;
    if (account_org_scope(actor, org_id, &org, e))
        return NULL;
    const db_arg scope[] = {DB_TEXT(org), DB_TEXT(org)};
    q.scope = scope;
    q.nscope = 2;
    return account_page_list(c, a, pg, &q, n, next, e);
}

static int read_user_item(arena *a, db_stmt *st, void *item, err_ctx *e)
{
    return account_user_read(a, st, item, e);
}

int account_org_list(db_conn *c, arena *a, const account_actor *actor, account_page pg,
                     account_org **items, int *n, const char **next, err_ctx *e)
{
    static const account_page_query q = {
        ACCOUNT_PAGE_SQL("SELECT " ORG_COLS " FROM orgs", "orgs", "1 = 1"),
        .size = sizeof(account_org),
        .read = read_org,
    };
    if (actor->role_bit != ROLE_OPERATOR)
        return err_set(e, ERR_FORBIDDEN, "only operators may list orgs");
    *items = account_page_list(c, a, pg, &q, n, next, e);
    return *items ? 0 : e->code;
}

int account_user_list(db_conn *c, arena *a, const account_actor *actor, const char *org_id,
                      const char *role, account_page pg, account_user **items, int *n,
                      const char **next, err_ctx *e)
{
    account_page_query q = {
        ACCOUNT_PAGE_SQL("SELECT " USER_COLS " FROM users", "users",
                         "(CAST(? AS TEXT) IS NULL OR org_id = ?)"
                         " AND (CAST(? AS TEXT) IS NULL OR role = ?)"),
        DB_ARGS(DB_TEXT(org_id), DB_TEXT(org_id), DB_TEXT(role), DB_TEXT(role)),
        .size = sizeof(account_user),
        .read = read_user_item,
    };
    if (org_id ? !sees_org(actor, org_id) : actor->role_bit != ROLE_OPERATOR)
        return org_id ? err_set(e, ERR_NOT_FOUND, "no org %s", org_id)
                      : err_set(e, ERR_FORBIDDEN, "only operators may list all users");
    if (org_id) {
        account_org org;
        int rc = org_load(c, a, org_id, &org, e);
        if (rc)
            return rc;
    }
    *items = account_page_list(c, a, pg, &q, n, next, e);
    return *items ? 0 : e->code;
}
