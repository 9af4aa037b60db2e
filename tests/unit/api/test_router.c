/*
 * test_router.c: the route table and path matching: exact paths, {params},
 * 405 with the allowed methods, unknown API paths, and the UI fallback.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "api/router.h"

typedef struct match_result {
    router_result res;
    const route *r;
    const char *params[ROUTE_MAX_PARAMS];
    char allow[128];
    char pathbuf[256];
} match_result;

static match_result m;

static router_result match(const char *method, const char *path)
{
    memset(&m, 0, sizeof m);
    cr_assert_lt(strlen(path), sizeof m.pathbuf);
    m.res = router_match(method, path, m.pathbuf, &m.r, m.params, m.allow, sizeof m.allow);
    return m.res;
}

static void expect_route(const char *method, const char *path, const char *rmethod,
                         const char *pattern)
{
    cr_assert_eq(match(method, path), ROUTER_FOUND, "%s %s", method, path);
    cr_assert_not_null(m.r);
    cr_assert_str_eq(m.r->method, rmethod, "%s %s", method, path);
    cr_assert_str_eq(m.r->pattern, pattern, "%s %s", method, path);
}

Test(router, table_shape)
{
    const route *t = router_table();
    int n = router_count();
    cr_assert_gt(n, 1);
    cr_assert_str_eq(t[n - 1].pattern, "/*", "the UI fallback comes last");
    cr_assert_str_eq(t[n - 1].method, "GET");
    for (int i = 0; i < n; i++) {
        cr_assert_not_null(t[i].handler, "%s %s", t[i].method, t[i].pattern);
        cr_assert_eq(t[i].pattern[0], '/', "%s", t[i].pattern);
        cr_assert_eq(router_index(&t[i]), i);
        cr_assert_eq(t[i].roles & ~ROLE_ANY, 0, "%s %s: unknown role bits", t[i].method,
                     t[i].pattern);
        if (!strcmp(t[i].method, "GET") || !strcmp(t[i].method, "DELETE"))
            cr_assert_eq(t[i].body_limit, 0, "%s %s takes no body", t[i].method, t[i].pattern);
        if (!strcmp(t[i].method, "POST") || !strcmp(t[i].method, "PATCH") ||
            !strcmp(t[i].method, "PUT"))
            cr_assert_gt(t[i].body_limit, 0, "%s %s needs a body limit", t[i].method,
                         t[i].pattern);
        for (int j = 0; j < i; j++)
            cr_assert(strcmp(t[i].method, t[j].method) || strcmp(t[i].pattern, t[j].pattern),
                      "duplicate route %s %s", t[i].method, t[i].pattern);
    }
}

Test(router, public_and_signed_in_routes)
{
    const route *t = router_table();
    for (int i = 0; i < router_count(); i++) {
        const route *r = &t[i];
        if (!strcmp(r->pattern, "/healthz") || !strcmp(r->pattern, "/api/openapi.json") ||
            (!strcmp(r->method, "POST") && !strcmp(r->pattern, "/api/v1/session")) ||
            (!strcmp(r->method, "POST") && !strcmp(r->pattern, "/api/v1/orgs")))
            cr_assert_eq(r->roles, 0, "%s %s is public", r->method, r->pattern);
        if (!strcmp(r->pattern, "/api/v1/me") ||
            (!strcmp(r->method, "GET") && !strcmp(r->pattern, "/api/v1/orgs")) ||
            (!strcmp(r->method, "DELETE") && !strcmp(r->pattern, "/api/v1/session")))
            cr_assert_neq(r->roles, 0, "%s %s needs sign-in", r->method, r->pattern);
    }
}

Test(router, exact_paths)
{
    expect_route("GET", "/healthz", "GET", "/healthz");
    expect_route("GET", "/metrics", "GET", "/metrics");
    expect_route("GET", "/api/openapi.json", "GET", "/api/openapi.json");
    expect_route("POST", "/api/v1/session", "POST", "/api/v1/session");
    expect_route("DELETE", "/api/v1/session", "DELETE", "/api/v1/session");
    expect_route("GET", "/api/v1/me", "GET", "/api/v1/me");
    expect_route("PUT", "/api/v1/me/password", "PUT", "/api/v1/me/password");
    expect_route("POST", "/api/v1/orgs", "POST", "/api/v1/orgs");
    expect_route("GET", "/api/v1/orgs", "GET", "/api/v1/orgs");
    cr_assert_eq(router_index(m.r) >= 0 && router_index(m.r) < router_count(), 1);
}

Test(router, params_are_captured)
{
    expect_route("GET", "/api/v1/orgs/org_abc123", "GET", "/api/v1/orgs/{id}");
    cr_assert_str_eq(m.params[0], "org_abc123");
    expect_route("PATCH", "/api/v1/orgs/org_x", "PATCH", "/api/v1/orgs/{id}");
    cr_assert_str_eq(m.params[0], "org_x");
    expect_route("GET", "/api/v1/orgs/org_9/users", "GET", "/api/v1/orgs/{id}/users");
    cr_assert_str_eq(m.params[0], "org_9", "the param ends at the next slash");
    expect_route("POST", "/api/v1/orgs/org_9/users", "POST", "/api/v1/orgs/{id}/users");
    cr_assert_str_eq(m.params[0], "org_9");
    expect_route("GET", "/api/v1/users/usr_1", "GET", "/api/v1/users/{id}");
    cr_assert_str_eq(m.params[0], "usr_1");
    /* params point into pathbuf, not into the caller's path. */
    cr_assert(m.params[0] >= m.pathbuf && m.params[0] < m.pathbuf + sizeof m.pathbuf);
}

Test(router, path_is_not_modified)
{
    const char path[] = "/api/v1/orgs/org_1/users";
    char copy[sizeof path];
    memcpy(copy, path, sizeof path);
    char *buf = malloc(sizeof path); /* exactly strlen + 1: ASan checks the bound */
    const route *r = NULL;
    const char *params[ROUTE_MAX_PARAMS] = {0};
    char allow[64];
    cr_assert_eq(router_match("GET", copy, buf, &r, params, allow, sizeof allow), ROUTER_FOUND);
    cr_assert_str_eq(copy, path);
    cr_assert_str_eq(params[0], "org_1");
    free(buf);
}

Test(router, head_is_served_by_get)
{
    expect_route("HEAD", "/healthz", "GET", "/healthz");
    expect_route("HEAD", "/api/v1/orgs/org_1", "GET", "/api/v1/orgs/{id}");
    cr_assert_str_eq(m.params[0], "org_1");
}

Test(router, wrong_method_lists_the_allowed_ones)
{
    cr_assert_eq(match("DELETE", "/api/v1/orgs"), ROUTER_NO_METHOD);
    cr_assert_str_eq(m.allow, "POST, GET");
    cr_assert_eq(match("PUT", "/api/v1/session"), ROUTER_NO_METHOD);
    cr_assert_str_eq(m.allow, "POST, DELETE");
    cr_assert_eq(match("DELETE", "/api/v1/orgs/org_1"), ROUTER_NO_METHOD);
    cr_assert_str_eq(m.allow, "GET, PATCH");
    cr_assert_eq(match("POST", "/healthz"), ROUTER_NO_METHOD);
    cr_assert_str_eq(m.allow, "GET");
    cr_assert_eq(match("GET", "/api/v1/me/password"), ROUTER_NO_METHOD);
    cr_assert_str_eq(m.allow, "PUT");
    cr_assert_eq(match("get", "/healthz"), ROUTER_NO_METHOD, "methods are case-sensitive");
}

Test(router, allow_list_is_bounded)
{
    const route *r = NULL;
    const char *params[ROUTE_MAX_PARAMS];
    char buf[64];
    char allow[8];
    memset(allow, 'Z', sizeof allow);
    cr_assert_eq(router_match("DELETE", "/api/v1/orgs", buf, &r, params, allow, 6),
                 ROUTER_NO_METHOD);
    cr_assert_lt(strlen(allow), 6);
    cr_assert_eq(allow[6], 'Z', "wrote past n");
}

Test(router, unknown_api_paths_have_no_route)
{
    const char *paths[] = {"/api/v1/nope", "/api/x", "/api", "/api/", "/api/v1", "/api/v2/orgs",
                           "/api/v1/orgs/", "/api/v1/orgs//users", "/api/v1/orgs/a/b",
                           "/api/v1/orgs/a/users/b", "/api/v1/meta/x", "/api/v1/ME"};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
        cr_assert_eq(match("GET", paths[i]), ROUTER_NO_PATH, "GET %s", paths[i]);
        cr_assert_eq(match("POST", paths[i]), ROUTER_NO_PATH, "POST %s", paths[i]);
    }
}

Test(router, ui_fallback_for_other_gets)
{
    expect_route("GET", "/", "GET", "/*");
    expect_route("GET", "/x/y", "GET", "/*");
    expect_route("GET", "/index.html", "GET", "/*");
    expect_route("GET", "/assets/app.js", "GET", "/*");
    expect_route("GET", "/apis", "GET", "/*");
    expect_route("GET", "/healthz/x", "GET", "/*");
    expect_route("HEAD", "/", "GET", "/*");
}

Test(router, ui_fallback_is_get_only_and_does_not_make_a_path_exist)
{
    cr_assert_eq(match("POST", "/"), ROUTER_NO_PATH);
    cr_assert_eq(match("DELETE", "/x/y"), ROUTER_NO_PATH);
    cr_assert_eq(match("GET", "/api/x"), ROUTER_NO_PATH);
}
