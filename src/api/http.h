/*
 * http.h: one HTTP request as handlers see it, and the helpers they use to
 * read input and set the answer. A req lives in its own arena from the
 * first byte to the access-log line; everything hanging off it is freed
 * with the arena.
 */
#ifndef COCLOUD_HTTP_H
#define COCLOUD_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "account/account.h"
#include "api/app.h"
#include "api/router.h"
#include "base/arena.h"
#include "base/err.h"
#include "base/jsonv.h"
#include "base/rand.h"

#define HTTP_MAX_HEADERS 8
#define HTTP_SESSION_COOKIE "cocloud_session"

struct MHD_Connection;

typedef struct req {
    app *app;
    arena *a;
    struct MHD_Connection *conn;
    const char *method, *path;
    char rid[RAND_RID_LEN];
    char addr[64];
    int64_t t0_ns;

    const route *route;
    int route_index;               /* -1 when no route matched */
    const char *params[ROUTE_MAX_PARAMS];
    char allow[64];                /* for 405 */

    char *body;                    /* request body, NUL-terminated */
    size_t body_len, body_cap, body_limit;
    bool overflow;                 /* body exceeded body_limit */
    json_t *json;                  /* parsed body, when the route takes one */

    db_conn *db;                   /* taken on first use, released at the end */
    bool signed_in;
    account_user user;
    account_actor actor;
    char token_hash[65];

    err_ctx err;
    int (*resume)(struct req *r);  /* set while parked (req_suspend) */
    struct claim_item *claim;      /* a parked credit claim */
    const struct qe_snapshot *snapshot; /* the quote engine's, when taken */

    /* The answer. */
    int status;
    json_t *out;                   /* JSON body, or */
    const char *text;              /* a raw body ... */
    size_t text_len;
    bool text_owned;               /* ... malloc'd and to be freed by MHD */
    const char *content_type;
    struct { const char *name, *value; } headers[HTTP_MAX_HEADERS];
    int nheaders;
} req;

/* The bearer token or session cookie the request carries, or NULL. */
const char *req_token(req *r);

/* Signs the caller in from its token (r->user, r->actor, r->signed_in).
 * ERR_UNAUTHENTICATED when there is no token or it is unknown, revoked or
 * expired. The server calls it for every route that names roles; public
 * routes that show more to signed-in callers call it themselves. */
int req_sign_in(req *r);

/* The signed-in caller of a public route, or NULL for an anonymous one. A
 * token that does not check out (expired, revoked) reads as anonymous
 * rather than 401: the public view is right for it, and a stale cookie must
 * not break public pages. A database failure is still an error. */
int req_sign_in_optional(req *r, const account_actor **out);

/* The request's database connection, taken from the pool on first use. */
int req_db(req *r, db_conn **out);

/* Decodes the JSON body into target per fields (see jsonv.h). */
int req_decode(req *r, const jv_field *fields, void *target);

/* Reads ?limit= and ?after= (limit 1..ACCOUNT_PAGE_MAX). ERR_BAD_REQUEST
 * naming the parameter when wrong. */
int req_page(req *r, account_page *pg);

/* The Idempotency-Key header that every POST moving money carries: 1 to
 * 255 visible ASCII characters. ERR_BAD_REQUEST naming the header when it
 * is missing or malformed. */
int req_idempotency_key(req *r, const char **key);

/* The SHA-256 (hex) of the request body, to tell a replay from another
 * request under the same Idempotency-Key. */
void req_body_hash(req *r, char out[65]);

/* Parks the request without holding a worker thread or a database
 * connection: its connection goes back to the pool, and the worker serves
 * other connections until req_wake. Then cont(r) runs on a worker and
 * answers as a handler would. The handler returns 0 right after this;
 * whoever will call req_wake may do so at once, from any thread. */
void req_suspend(req *r, int (*cont)(req *r));
/* Wakes a parked request; any thread. */
void req_wake(req *r);

/* A query parameter, or NULL. */
const char *req_query(req *r, const char *name);

/* Answers status with a JSON body (stolen reference). */
int req_json(req *r, int status, json_t *body);
/* Answers 204 No Content. */
int req_no_content(req *r);
/* Adds a response header; both strings must outlive the request. */
void req_header(req *r, const char *name, const char *value);

/* A list answer: {"items": items, "next": next or null}. */
int req_list(req *r, json_t *items, const char *next);

/* Builds the problem+json body for the error in r->err. */
void req_problem(req *r);

#endif
