/*
 * test_openapi.c: the embedded OpenAPI document and the route table agree:
 * every route (but the UI fallback) is documented under its pattern and
 * method, and every documented operation has a route.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/router.h"
#include "base/embed.h"

static const char *const http_methods[] = {"get",  "put",     "post", "delete",
                                           "head", "options", "patch", "trace", NULL};

static bool is_http_method(const char *k)
{
    for (int i = 0; http_methods[i]; i++)
        if (!strcmp(http_methods[i], k))
            return true;
    return false;
}

static void lower(char *out, size_t n, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < n; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[i] = '\0';
}

/* Compares doc with routes[0..n) (the UI fallback route is skipped).
 * Appends one line per problem to report and returns how many. */
static int compare(const json_t *doc, const route *routes, int n, char *report, size_t cap)
{
    int problems = 0;
    size_t used = 0;
#define PROBLEM(...)                                                                   \
    do {                                                                               \
        problems++;                                                                    \
        if (used < cap)                                                                \
            used += (size_t)snprintf(report + used, cap - used, __VA_ARGS__);          \
    } while (0)
    report[0] = '\0';
    const json_t *paths = json_object_get(doc, "paths");
    if (!json_is_object(paths)) {
        PROBLEM("the document has no \"paths\" object\n");
        return problems;
    }
    for (int i = 0; i < n; i++) {
        if (!strcmp(routes[i].pattern, "/*"))
            continue;
        char m[16];
        lower(m, sizeof m, routes[i].method);
        const json_t *item = json_object_get(paths, routes[i].pattern);
        if (!json_is_object(json_object_get(item, m)))
            PROBLEM("route %s %s is not documented\n", routes[i].method, routes[i].pattern);
    }
    const char *pattern;
    json_t *item;
    json_object_foreach((json_t *)paths, pattern, item) {
        const char *key;
        json_t *op;
        json_object_foreach(item, key, op) {
            if (!is_http_method(key))
                continue; /* parameters, summary, $ref ... */
            bool found = false;
            for (int i = 0; i < n && !found; i++) {
                char m[16];
                lower(m, sizeof m, routes[i].method);
                found = !strcmp(routes[i].pattern, pattern) && !strcmp(m, key) &&
                        strcmp(routes[i].pattern, "/*") != 0;
            }
            if (!found)
                PROBLEM("documented %s %s has no route\n", key, pattern);
        }
    }
#undef PROBLEM
    return problems;
}

static json_t *load_embedded(void)
{
    const embed_file *f = &embed_openapi[0];
    cr_assert_not_null(f->path, "no OpenAPI document embedded");
    cr_assert_str_eq(f->path, "openapi.json");
    json_error_t je;
    json_t *doc = json_loadb((const char *)f->data, f->len, JSON_REJECT_DUPLICATES, &je);
    cr_assert_not_null(doc, "openapi.json: line %d: %s", je.line, je.text);
    return doc;
}

Test(openapi, is_openapi_3)
{
    json_t *doc = load_embedded();
    const char *v = json_string_value(json_object_get(doc, "openapi"));
    cr_assert_not_null(v, "no \"openapi\" version field");
    cr_assert_eq(strncmp(v, "3.", 2), 0, "%s", v);
    cr_assert(json_is_object(json_object_get(doc, "info")));
    json_decref(doc);
}

Test(openapi, every_route_is_documented_and_every_operation_routed)
{
    json_t *doc = load_embedded();
    char report[8192];
    int problems = compare(doc, router_table(), router_count(), report, sizeof report);
    json_decref(doc);
    cr_assert_eq(problems, 0, "src/api/openapi.json and the route table disagree:\n%s", report);
}

Test(openapi, operation_ids_are_unique)
{
    json_t *doc = load_embedded();
    json_t *seen = json_object();
    const char *pattern, *key;
    json_t *item, *op;
    json_object_foreach(json_object_get(doc, "paths"), pattern, item) {
        json_object_foreach(item, key, op) {
            const char *id = json_string_value(json_object_get(op, "operationId"));
            if (!is_http_method(key) || !id)
                continue;
            cr_assert_null(json_object_get(seen, id), "operationId %s is used twice (%s %s)", id,
                           key, pattern);
            json_object_set_new(seen, id, json_true());
        }
    }
    json_decref(seen);
    json_decref(doc);
}

/* The comparison itself must catch both kinds of drift. */
Test(openapi, compare_catches_missing_and_stale_operations)
{
    static const route routes[] = {
        {"GET", "/api/v1/things", NULL, 0, 0},
        {"POST", "/api/v1/things", NULL, 0, 1024},
        {"GET", "/api/v1/things/{id}", NULL, 0, 0},
        {"GET", "/*", NULL, 0, 0},
    };
    const char *text = "{\"openapi\": \"3.1.0\", \"paths\": {"
                       " \"/api/v1/things\": {\"get\": {}, \"parameters\": []},"
                       " \"/api/v1/things/{thingId}\": {\"get\": {}},"
                       " \"/api/v1/gone\": {\"delete\": {}}}}";
    json_t *doc = json_loads(text, 0, NULL);
    cr_assert_not_null(doc);
    char report[1024];
    int problems = compare(doc, routes, 4, report, sizeof report);
    cr_assert_eq(problems, 4, "%s", report);
    cr_assert_not_null(strstr(report, "route POST /api/v1/things is not documented"), "%s",
                       report);
    cr_assert_not_null(strstr(report, "route GET /api/v1/things/{id} is not documented"), "%s",
                       report);
    cr_assert_not_null(strstr(report, "documented get /api/v1/things/{thingId} has no route"),
                       "%s", report);
    cr_assert_not_null(strstr(report, "documented delete /api/v1/gone has no route"), "%s",
                       report);
    json_decref(doc);

    doc = json_loads("{\"paths\": {\"/*\": {\"get\": {}}, \"/api/v1/things\": {\"get\": {},"
                     " \"post\": {}}, \"/api/v1/things/{id}\": {\"get\": {}}}}",
                     0, NULL);
    problems = compare(doc, routes, 4, report, sizeof report);
    cr_assert_eq(problems, 1, "the UI fallback is not an API operation: %s", report);
    json_decref(doc);

    doc = json_loads("{\"paths\": {\"/api/v1/things\": {\"get\": {}, \"post\": {}},"
                     " \"/api/v1/things/{id}\": {\"get\": {}}}}",
                     0, NULL);
    cr_assert_eq(compare(doc, routes, 4, report, sizeof report), 0, "%s", report);
    json_decref(doc);
}
