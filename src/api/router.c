/*
 * router.c: the route table and path matching.
 */
#include "api/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "api/handlers.h"

#define KiB 1024

static const route routes[] = {
    {"GET", "/healthz", h_healthz, 0, 0},
    {"GET", "/metrics", h_metrics, 0, 0},
    {"GET", "/api/openapi.json", h_openapi, 0, 0},
    {"GET", "/api/v1/meta", h_meta, 0, 0},
    {"POST", "/api/v1/orgs", h_org_signup, 0, 16 * KiB},
    {"GET", "/api/v1/orgs", h_org_list, ROLE_OPERATOR, 0},
    {"GET", "/api/v1/orgs/{id}", h_org_get, ROLE_ANY, 0},
    {"PATCH", "/api/v1/orgs/{id}", h_org_update, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER,
     16 * KiB},
    {"GET", "/api/v1/orgs/{id}/users", h_org_users, ROLE_ANY, 0},
    {"POST", "/api/v1/orgs/{id}/users", h_org_user_add,
     ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER, 16 * KiB},
    {"GET", "/api/v1/users", h_user_list, ROLE_OPERATOR, 0},
    {"POST", "/api/v1/users", h_user_add, ROLE_OPERATOR, 16 * KiB},
    {"GET", "/api/v1/users/{id}", h_user_get, ROLE_ANY, 0},
    {"POST", "/api/v1/session", h_session_create, 0, 4 * KiB},
    {"DELETE", "/api/v1/session", h_session_delete, ROLE_ANY, 0},
    {"GET", "/api/v1/me", h_me, ROLE_ANY, 0},
    {"PUT", "/api/v1/me/password", h_me_password, ROLE_ANY, 4 * KiB},

    {"GET", "/api/v1/regions", h_region_list, 0, 0},
    {"POST", "/api/v1/regions", h_region_create, ROLE_OPERATOR, 4 * KiB},
    {"PATCH", "/api/v1/regions/{code}", h_region_update, ROLE_OPERATOR, 4 * KiB},
    {"GET", "/api/v1/products", h_product_list, 0, 0},
    {"POST", "/api/v1/products", h_product_create, ROLE_OPERATOR, 64 * KiB},
    {"GET", "/api/v1/products/{code}", h_product_get, 0, 0},
    {"PATCH", "/api/v1/products/{code}", h_product_update, ROLE_OPERATOR, 64 * KiB},
    {"GET", "/api/v1/packs", h_pack_list, 0, 0},
    {"POST", "/api/v1/packs", h_pack_create, ROLE_OPERATOR, 32 * KiB},
    {"GET", "/api/v1/packs/{id}", h_pack_get, 0, 0},
    {"PATCH", "/api/v1/packs/{id}", h_pack_update, ROLE_OPERATOR, 32 * KiB},

    {"GET", "/api/v1/campaigns", h_campaign_list, 0, 0},
    {"POST", "/api/v1/campaigns", h_campaign_create, ROLE_OPERATOR, 32 * KiB},
    {"GET", "/api/v1/campaigns/{id}", h_campaign_get, 0, 0},
    {"PATCH", "/api/v1/campaigns/{id}", h_campaign_update, ROLE_OPERATOR, 32 * KiB},
    {"GET", "/api/v1/campaigns/{id}/policies", h_policy_list, 0, 0},
    {"POST", "/api/v1/campaigns/{id}/policies", h_policy_create, ROLE_OPERATOR, 32 * KiB},
    {"GET", "/api/v1/policies/{id}", h_policy_get, 0, 0},
    {"PATCH", "/api/v1/policies/{id}", h_policy_update, ROLE_OPERATOR, 32 * KiB},

    {"GET", "/api/v1/offers", h_offers, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER, 0},
    {"POST", "/api/v1/quotes", h_quote_create, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER,
     64 * KiB},
    {"GET", "/api/v1/quotes/{id}", h_quote_get, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER, 0},
    {"POST", "/api/v1/orders", h_order_create, ROLE_ENTERPRISE | ROLE_PARTNER, 4 * KiB},
    {"GET", "/api/v1/orders", h_order_list, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER, 0},
    {"GET", "/api/v1/orders/{id}", h_order_get, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER, 0},

    {"GET", "/api/v1/funds", h_fund_list, 0, 0},
    {"POST", "/api/v1/funds", h_fund_create, ROLE_OPERATOR, 16 * KiB},
    {"GET", "/api/v1/funds/{id}", h_fund_get, 0, 0},
    {"GET", "/api/v1/funds/{id}/drops", h_fund_drops, 0, 0},
    {"POST", "/api/v1/funds/{id}/drops", h_drop_create, ROLE_OPERATOR, 16 * KiB},
    {"GET", "/api/v1/drops", h_drop_list, 0, 0},
    {"GET", "/api/v1/drops/{id}", h_drop_get, 0, 0},
    {"POST", "/api/v1/drops/{id}/close", h_drop_close, ROLE_OPERATOR, 1 * KiB},
    {"GET", "/api/v1/drops/{id}/claims", h_claim_list, ROLE_OPERATOR | ROLE_ENTERPRISE, 0},
    {"POST", "/api/v1/drops/{id}/claims", h_claim_create, ROLE_ENTERPRISE, 1 * KiB},
    {"GET", "/api/v1/wallet", h_wallet, ROLE_OPERATOR | ROLE_ENTERPRISE, 0},
    {"GET", "/api/v1/grants", h_grant_list, ROLE_OPERATOR | ROLE_ENTERPRISE, 0},
    {"GET", "/api/v1/ledger", h_ledger, ROLE_OPERATOR | ROLE_ENTERPRISE | ROLE_PARTNER, 0},
    /* The web UI: every other GET outside /api/. Keep last. */
    {"GET", "/*", h_static, 0, 0},
};

#define NROUTES ((int)(sizeof routes / sizeof *routes))

const route *router_table(void) { return routes; }
int router_count(void) { return NROUTES; }
int router_index(const route *r) { return (int)(r - routes); }

/* Matches pattern against path segment by segment, recording where each
 * {param} starts and how long it is. */
static bool match(const char *pat, const char *path, size_t start[], size_t len[], int *np)
{
    const char *p = path;
    *np = 0;
    while (*pat && *p) {
        if (*pat != '/' || *p != '/')
            return false;
        pat++, p++;
        const char *pend = strchr(pat, '/'), *send = strchr(p, '/');
        size_t plen = pend ? (size_t)(pend - pat) : strlen(pat);
        size_t slen = send ? (size_t)(send - p) : strlen(p);
        if (plen == 1 && *pat == '*')
            return strncmp(p, "api/", 4) != 0 && strcmp(p, "api") != 0;
        if (*pat == '{') {
            if (slen == 0 || *np >= ROUTE_MAX_PARAMS)
                return false;
            start[*np] = (size_t)(p - path);
            len[(*np)++] = slen;
        } else if (plen != slen || strncmp(pat, p, plen) != 0) {
            return false;
        }
        pat += plen, p += slen;
    }
    return !*pat && !*p;
}

router_result router_match(const char *method, const char *path, char *pathbuf,
                           const route **out, const char *params[ROUTE_MAX_PARAMS],
                           char *allow, size_t n)
{
    size_t start[ROUTE_MAX_PARAMS], len[ROUTE_MAX_PARAMS];
    int np;
    bool path_seen = false;
    allow[0] = '\0';
    for (int i = 0; i < NROUTES; i++) {
        if (!match(routes[i].pattern, path, start, len, &np))
            continue;
        if (strcmp(routes[i].method, method) == 0 ||
            (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
            strcpy(pathbuf, path);
            for (int k = 0; k < np; k++) {
                pathbuf[start[k] + len[k]] = '\0';
                params[k] = pathbuf + start[k];
            }
            *out = &routes[i];
            return ROUTER_FOUND;
        }
        if (strcmp(routes[i].pattern, "/*") == 0)
            continue; /* the UI fallback does not make a path "exist" */
        path_seen = true;
        size_t used = strlen(allow);
        if (!strstr(allow, routes[i].method))
            snprintf(allow + used, n - used, "%s%s", used ? ", " : "", routes[i].method);
    }
    return path_seen ? ROUTER_NO_METHOD : ROUTER_NO_PATH;
}
