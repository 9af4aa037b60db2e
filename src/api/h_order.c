/*
 * h_order.c: handlers for orders placed from quotes.
 */
#include <stddef.h>

#include "api/handlers.h"
#include "api/http.h"
#include "base/cache.h"
#include "base/clock.h"
#include "campaign/order.h"
#include "campaign/quote_writer.h"

static json_t *order_json(const order *o)
{
    char at[CLOCK_RFC3339_LEN];
    clock_format(o->created_at, at);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s}", "id", o->id, "org_id",
                     o->org_id, "user_id", o->user_id, "quote_id", o->quote_id, "currency",
                     o->currency, "list", (json_int_t)o->list, "discount",
                     (json_int_t)o->discount, "total", (json_int_t)o->total, "created_at", at);
}

typedef struct order_input {
    const char *quote_id;
} order_input;

int h_order_create(req *r)
{
    static const jv_field fields[] = {
        {"quote_id", JV_STRING, JV_REQUIRED, offsetof(order_input, quote_id), 0, NULL},
        JV_END,
    };
    order_input in = {0};
    order o;
    db_conn *c;
    int rc = req_decode(r, fields, &in);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = quote_writer_await(r->app->quotes, c, in.quote_id, &r->err)) ||
        (rc = order_place(c, r->a, &r->actor, in.quote_id, &o, &r->err)))
        return rc;
    cache_drop(r->app->orgs, o.org_id); /* its usage moved: limits, new customer */
    req_header(r, "Location", arena_printf(r->a, "/api/v1/orders/%s", o.id));
    return req_json(r, 201, order_json(&o));
}

int h_order_get(req *r)
{
    order o;
    db_conn *c;
    int rc = req_db(r, &c);
    if (rc || (rc = order_get(c, r->a, &r->actor, r->params[0], &o, &r->err)))
        return rc;
    return req_json(r, 200, order_json(&o));
}

int h_order_list(req *r)
{
    account_page pg;
    order *items;
    int n;
    const char *next;
    db_conn *c;
    int rc = req_page(r, &pg);
    if (rc || (rc = req_db(r, &c)) ||
        (rc = order_list(c, r->a, &r->actor, req_query(r, "org"), pg, &items, &n, &next,
                         &r->err)))
        return rc;
    json_t *list = json_array();
    for (int i = 0; list && i < n; i++)
        json_array_append_new(list, order_json(&items[i]));
    return req_list(r, list, next);
}
