/*
 * http.c: request-side helpers and the problem+json encoder.
 */
#include "api/http.h"

#include "base/text.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int req_db(req *r, db_conn **out)
{
    if (!r->db) {
        int rc = db_acquire(r->app->db, &r->db, &r->err);
        if (rc)
            return rc;
    }
    *out = r->db;
    return 0;
}

const char *req_token(req *r)
{
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                MHD_HTTP_HEADER_AUTHORIZATION);
    if (h && strncasecmp(h, "Bearer ", 7) == 0) {
        h += 7;
        while (*h == ' ')
            h++;
        return h;
    }
    return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, HTTP_SESSION_COOKIE);
}

int req_sign_in(req *r)
{
    if (r->signed_in)
        return 0;
    const char *token = req_token(r);
    if (!token || !*token)
        return err_set(&r->err, ERR_UNAUTHENTICATED, "sign in first: send a bearer token");
    uint64_t epoch;
    cache *k = r->app->sessions;
    if (!session_recall(k, r->a, &r->app->cfg.session, token, &r->user, r->token_hash, &epoch)) {
        db_conn *c;
        int rc = req_db(r, &c);
        if (!rc)
            rc = session_check(c, k, epoch, r->a, &r->app->cfg.session, token, &r->user,
                               r->token_hash, &r->err);
        if (rc)
            return rc;
    }
    r->signed_in = true;
    r->actor = account_actor_of(&r->user);
    return 0;
}

int req_sign_in_optional(req *r, const account_actor **out)
{
    int rc = req_sign_in(r);
    *out = rc ? NULL : &r->actor;
    if (rc == ERR_UNAUTHENTICATED) {
        err_clear(&r->err);
        return 0;
    }
    return rc;
}

int req_decode(req *r, const jv_field *fields, void *target)
{
    if (!r->json)
        return err_set(&r->err, ERR_BAD_JSON, "a JSON body is required");
    return jv_decode(r->a, r->json, "", fields, target, &r->err);
}

int req_idempotency_key(req *r, const char **key)
{
    const char *k = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
    size_t n = k ? strlen(k) : 0;
    *key = k;
    if (!k)
        return err_param(&r->err, "Idempotency-Key",
                         "header is required: a unique key per request, e.g. a UUID");
    bool ok = n >= 1 && n <= 255;
    for (size_t i = 0; ok && i < n; i++)
        ok = k[i] > 0x20 && k[i] < 0x7f;
    return ok ? 0
              : err_param(&r->err, "Idempotency-Key",
                          "header must be 1 to 255 visible ASCII characters");
}

void req_body_hash(req *r, char out[65])
{
    rand_sha256_hex(r->body ? r->body : "", out);
}

void req_suspend(req *r, int (*cont)(req *r))
{
    if (r->db) {
        db_release(r->db);
        r->db = NULL;
    }
    r->resume = cont;
    MHD_suspend_connection(r->conn);
}

void req_wake(req *r) { MHD_resume_connection(r->conn); }

const char *req_query(req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int req_page(req *r, account_page *pg)
{
    const char *limit = req_query(r, "limit"), *after = req_query(r, "after");
    pg->limit = ACCOUNT_PAGE_DEFAULT;
    pg->after = after;
    if (limit) {
        char *end;
        errno = 0;
        long v = strtol(limit, &end, 10);
        if (errno || *end || end == limit || v < 1 || v > ACCOUNT_PAGE_MAX)
            return err_param(&r->err, "limit", "must be an integer from 1 to 100");
        pg->limit = (int)v;
    }
    /* An empty value is what %00... decodes to: no cursor of ours. */
    if (pg->after && (!*pg->after || strlen(pg->after) >= RAND_ID_LEN))
        return err_param(&r->err, "after", "is not a cursor from this list");
    return 0;
}

int req_json(req *r, int status, json_t *body)
{
    if (!body)
        return err_set(&r->err, ERR_NOMEM, "out of memory");
    json_decref(r->out);
    r->status = status;
    r->out = body;
    return 0;
}

int req_no_content(req *r)
{
    r->status = 204;
    return 0;
}

void req_header(req *r, const char *name, const char *value)
{
    if (r->nheaders < HTTP_MAX_HEADERS && value) {
        r->headers[r->nheaders].name = name;
        r->headers[r->nheaders++].value = value;
    }
}

int req_list(req *r, json_t *items, const char *next)
{
    if (!items)
        return err_set(&r->err, ERR_NOMEM, "out of memory");
    return req_json(r, 200, json_pack("{s:o, s:s?}", "items", items, "next", next));
}

/* Text that echoes the request (a path, an id in a detail, a detail cut
 * at its length limit) as UTF-8, which JSON needs: jansson refuses a
 * string that is not, and the answer would have no body. */
static const char *utf8_safe(req *r, const char *s)
{
    const char *t = text_utf8_safe(r->a, s);
    return t ? t : "";
}

void req_problem(req *r)
{
    const err_ctx *e = &r->err;
    int code = e->code ? e->code : ERR_INTERNAL;
    int status = err_http_status(code);
    char type[64];
    snprintf(type, sizeof type, "urn:cocloud:problem:%s", err_slug(code));
    const char *detail = e->detail[0] ? e->detail : err_title(code);
    if (code == ERR_VALIDATION && !e->detail[0])
        detail = arena_printf(r->a, "%d field%s %s invalid", e->nfields, e->nfields == 1 ? "" : "s",
                              e->nfields == 1 ? "is" : "are");
    if (status >= 500 && code != ERR_UNAVAILABLE && code != ERR_NOMEM)
        detail = "the server could not complete the request; see the log for this request id";
    json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", type, "title",
                          err_title(code), "status", status, "detail", utf8_safe(r, detail),
                          "instance", utf8_safe(r, r->path), "request_id", r->rid);
    if (p && e->nfields && (status == 400 || status == 409 || status == 422)) {
        json_t *list = json_array();
        int n = e->nfields < ERR_MAX_FIELDS ? e->nfields : ERR_MAX_FIELDS;
        for (int i = 0; i < n; i++)
            json_array_append_new(list, json_pack("{s:s, s:s}", "field",
                                                  utf8_safe(r, e->fields[i].field), "message",
                                                  utf8_safe(r, e->fields[i].message)));
        json_object_set_new(p, "errors", list);
    }
    json_decref(r->out);
    r->out = p;
    r->status = status;
    r->content_type = "application/problem+json";
    if (e->retry_after > 0 && (status == 429 || status == 503)) {
        char *v = arena_printf(r->a, "%d", e->retry_after);
        req_header(r, "Retry-After", v);
    }
    if (status == 401)
        req_header(r, "WWW-Authenticate", "Bearer realm=\"cocloud\"");
    if (status == 405 && r->allow[0])
        req_header(r, "Allow", r->allow);
}
