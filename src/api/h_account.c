/*
 * h_account.c: handlers for orgs, users, sessions and /me.
 */
#include <stddef.h>
#include <string.h>

#include "api/handlers.h"
#include "api/http.h"
#include "api/jsonout.h"
#include "base/cache.h"
#include "base/clock.h"


static json_t *org_json(const account_org *o)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", o->id, "kind",
                     o->kind, "name", o->name, "industry", o->industry, "size", o->size,
                     "region", o->region, "clouds", jo_csv(o->clouds), "created_at",
                     jo_time(o->created_at), "updated_at", jo_time(o->updated_at));
}

static json_t *user_json(const account_user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s?, s:b, s:o}", "id", u->id, "email", u->email,
                     "name", u->name, "role", u->role, "org_id", u->org_id, "admin", u->admin,
                     "created_at", jo_time(u->created_at));
}

#define ORG_FIELDS(required)                                                          \
    {"name", JV_STRING, required, offsetof(account_org_input, name), 0, NULL},         \
    {"industry", JV_STRING, required, offsetof(account_org_input, industry), 0, NULL}, \
    {"size", JV_STRING, required, offsetof(account_org_input, size), 0, NULL},         \
    {"region", JV_STRING, required, offsetof(account_org_input, region), 0, NULL},     \
    {"clouds", JV_STRINGS, 0, offsetof(account_org_input, clouds), ACCOUNT_CLOUDS_MAX, NULL}

static const jv_field admin_fields[] = {
    {"email", JV_STRING, JV_REQUIRED, offsetof(account_user_input, email), 0, NULL},
    {"password", JV_STRING, JV_REQUIRED, offsetof(account_user_input, password), 0, NULL},
    {"name", JV_STRING, JV_REQUIRED, offsetof(account_user_input, name), 0, NULL},
    JV_END,
};

typedef struct signup_input {
    account_org_input org;
    account_user_input admin;
} signup_input;

int h_org_signup(req *r)
{
    static const jv_field fields[] = {
        ORG_FIELDS(JV_REQUIRED),
        {"kind", JV_STRING, JV_REQUIRED, offsetof(account_org_input, kind), 0, NULL},
        {"admin", JV_OBJECT, JV_REQUIRED, offsetof(signup_input, admin), 0, admin_fields},
        JV_END,
    };
    signup_input in = {0};
    account_org org;
    account_user user;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if (rc && rc != ERR_VALIDATION) /* go on: the checks below report every field at once */
        return rc;
    if ((rc = req_db(r, &c)) || (rc = account_signup(c, r->a, &in.org, &in.admin, &org, &user,
                                                     &r->err)))
        return rc;
    json_t *body = org_json(&org);
    if (body)
        json_object_set_new(body, "admin", user_json(&user));
    char *loc = arena_printf(r->a, "/api/v1/orgs/%s", org.id);
    req_header(r, "Location", loc);
    return req_json(r, 201, body);
}

int h_org_list(req *r)
{
    account_page pg;
    account_org *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = account_org_list(c, r->a, &r->actor, pg, &items, &n, &next, &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, org_json(&items[i]));
    return req_list(r, list, next);
}

int h_org_get(req *r)
{
    account_org org;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = account_org_get(c, r->a, &r->actor, r->params[0], &org, &r->err)))
        return rc;
    return req_json(r, 200, org_json(&org));
}

int h_org_update(req *r)
{
    static const jv_field fields[] = {
        ORG_FIELDS(0),
        {"kind", JV_STRING, 0, offsetof(account_org_input, kind), 0, NULL},
        JV_END,
    };
    account_org_input in = {0};
    account_org org;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = account_org_update(c, r->a, &r->actor, r->params[0], &in, &org, &r->err)))
        return rc;
    cache_drop(r->app->orgs, org.id); /* its industry and size price its quotes */
    return req_json(r, 200, org_json(&org));
}

static int user_list(req *r, const char *org_id, const char *role)
{
    account_page pg;
    account_user *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = account_user_list(c, r->a, &r->actor, org_id, role, pg, &items, &n, &next,
                                &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, user_json(&items[i]));
    return req_list(r, list, next);
}

int h_org_users(req *r) { return user_list(r, r->params[0], NULL); }

int h_user_list(req *r)
{
    const char *role = req_query(r, "role");
    if (role && !account_role_bit(role))
        return err_param(&r->err, "role", "must be one of: operator, enterprise, expert, partner");
    return user_list(r, NULL, role);
}

static int user_add(req *r, const char *org_id, const jv_field *fields)
{
    account_user_input in = {0};
    account_user user;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if ((rc && rc != ERR_VALIDATION) || (rc = req_db(r, &c)) ||
        (rc = account_user_add(c, r->a, &r->actor, org_id, &in, &user, &r->err)))
        return rc;
    req_header(r, "Location", arena_printf(r->a, "/api/v1/users/%s", user.id));
    return req_json(r, 201, user_json(&user));
}

#define USER_FIELDS                                                                   \
    {"email", JV_STRING, JV_REQUIRED, offsetof(account_user_input, email), 0, NULL},   \
    {"password", JV_STRING, JV_REQUIRED, offsetof(account_user_input, password), 0, NULL}, \
    {"name", JV_STRING, JV_REQUIRED, offsetof(account_user_input, name), 0, NULL}

int h_org_user_add(req *r)
{
    static const jv_field fields[] = {
        USER_FIELDS,
        {"admin", JV_BOOL, 0, offsetof(account_user_input, admin), 0, NULL},
        JV_END,
    };
    return user_add(r, r->params[0], fields);
}

int h_user_add(req *r)
{
    static const jv_field fields[] = {
        USER_FIELDS,
        {"role", JV_STRING, JV_REQUIRED, offsetof(account_user_input, role), 0, NULL},
        JV_END,
    };
    return user_add(r, NULL, fields);
}

int h_user_get(req *r)
{
    account_user user;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = account_user_get(c, r->a, &r->actor, r->params[0], &user, &r->err)))
        return rc;
    return req_json(r, 200, user_json(&user));
}

typedef struct login_input {
    const char *email, *password;
} login_input;

int h_session_create(req *r)
{
    static const jv_field fields[] = {
        {"email", JV_STRING, JV_REQUIRED, offsetof(login_input, email), 0, NULL},
        {"password", JV_STRING, JV_REQUIRED, offsetof(login_input, password), 0, NULL},
        JV_END,
    };
    login_input in = {0};
    session_login login;
    db_conn *c;
    const app_config *cfg = &r->app->cfg;
    int rc = req_decode(r, fields, &in);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = session_login_password(c, r->a, &cfg->session, in.email, in.password, r->addr,
                                     &login, &r->err)))
        return rc;
    req_header(r, "Set-Cookie",
               arena_printf(r->a, "%s=%s; Path=/; Max-Age=%lld; HttpOnly; SameSite=Strict%s",
                            HTTP_SESSION_COOKIE, login.token,
                            (long long)(cfg->session.max_ms / 1000),
                            cfg->secure_cookies ? "; Secure" : ""));
    return req_json(r, 201, json_pack("{s:s, s:o, s:o}", "token", login.token, "expires_at",
                                      jo_time(login.expires_at), "user",
                                      user_json(&login.user)));
}

int h_session_delete(req *r)
{
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = session_revoke(c, r->token_hash, clock_now_ms(), &r->err)))
        return rc;
    cache_drop(r->app->sessions, r->token_hash);
    req_header(r, "Set-Cookie",
               HTTP_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    return req_no_content(r);
}

int h_me(req *r)
{
    account_org org;
    json_t *org_j = json_null();
    if (r->user.org_id) {
        db_conn *c;
        int rc = req_db(r, &c);
        if (rc || (rc = account_org_get(c, r->a, &r->actor, r->user.org_id, &org, &r->err)))
            return rc;
        org_j = org_json(&org);
    }
    return req_json(r, 200, json_pack("{s:o, s:o}", "user", user_json(&r->user), "org", org_j));
}

typedef struct password_input {
    const char *current, *next;
} password_input;

int h_me_password(req *r)
{
    static const jv_field fields[] = {
        {"current_password", JV_STRING, JV_REQUIRED, offsetof(password_input, current), 0, NULL},
        {"new_password", JV_STRING, JV_REQUIRED, offsetof(password_input, next), 0, NULL},
        JV_END,
    };
    password_input in = {0};
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = account_password_change(c, &r->actor, in.current, in.next, &r->err)))
        return rc;
    cache_drop_tag(r->app->sessions, r->user.id); /* every session of the user has ended */
    req_header(r, "Set-Cookie",
               HTTP_SESSION_COOKIE "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
    return req_no_content(r);
}
