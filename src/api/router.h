/*
 * router.h: the route table, as data. Each route names its method, path
 * pattern ("{id}" captures one segment, a final "*" the rest), handler, the
 * roles allowed (0 = public) and its body limit (0 = takes no body). The
 * OpenAPI document must list every route here; a unit test checks it.
 */
#ifndef COCLOUD_ROUTER_H
#define COCLOUD_ROUTER_H

#include <stddef.h>

#define ROUTE_MAX_PARAMS 4

struct req;
typedef int (*route_handler)(struct req *r);

typedef struct route {
    const char *method;
    const char *pattern;
    route_handler handler;
    int roles;         /* account_role bits; 0 = no sign-in needed */
    size_t body_limit; /* bytes; 0 = no body */
} route;

/* The table and its length. */
const route *router_table(void);
int router_count(void);

typedef enum { ROUTER_FOUND, ROUTER_NO_PATH, ROUTER_NO_METHOD } router_result;

/* Finds the route for method and path; fills params (pointers into the
 * copy in pathbuf, which must hold strlen(path)+1 bytes). On
 * ROUTER_NO_METHOD, allow (n bytes) lists the methods the path has. */
router_result router_match(const char *method, const char *path, char *pathbuf,
                           const route **out, const char *params[ROUTE_MAX_PARAMS],
                           char *allow, size_t n);

/* Index of r in the table (for metrics). */
int router_index(const route *r);

#endif
