/*
 * server.c: libmicrohttpd glue.
 *
 * MHD calls on_request several times per request: once with the headers
 * (we route, check the declared body size and set up the arena), then
 * with each piece of the body (we buffer up to the route's limit), then
 * once with nothing left (we authenticate, run the handler and queue the
 * answer). on_completed writes the access log, counts metrics and frees
 * the arena.
 */
#include "api/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/http.h"
#include "api/metrics.h"
#include "base/clock.h"
#include "base/text.h"

#define SERVER_ARENA_LIMIT (16u << 20) /* bytes one request may use */
#define SERVER_GRACE_MS 10000          /* how long shutdown waits for requests */
/* A body declared larger than its route allows is still read and dropped
 * up to this size, so that every client gets to read the 413; beyond it we
 * answer at once and close. */
#define SERVER_DRAIN_MAX (16u << 20)

typedef struct server {
    app *app;
    _Atomic int inflight;
} server;

static bool ctype_is_json(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strlen("application/json");
    return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, n, "-");
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)n);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)n);
}

static req *req_new(server *s, struct MHD_Connection *c, const char *method, const char *url)
{
    arena *a = arena_new(SERVER_ARENA_LIMIT);
    req *r = a ? arena_alloc(a, sizeof *r) : NULL;
    if (!r) {
        arena_free(a);
        return NULL;
    }
    r->app = s->app;
    r->a = a;
    r->conn = c;
    r->t0_ns = clock_mono_ns();
    r->method = arena_strdup(a, method);
    r->path = arena_strdup(a, url);
    r->route_index = -1;
    rand_request_id(r->rid);
    client_addr(c, r->addr, sizeof r->addr);
    if (!r->method || !r->path) {
        arena_free(a);
        return NULL;
    }
    char *pathbuf = arena_alloc(a, strlen(url) + 1);
    router_result m = pathbuf ? router_match(method, url, pathbuf, &r->route, r->params, r->allow,
                                             sizeof r->allow)
                              : ROUTER_NO_PATH;
    if (m == ROUTER_FOUND) {
        r->route_index = router_index(r->route);
        size_t cap = r->app->cfg.max_body;
        r->body_limit = r->route->body_limit && r->route->body_limit < cap ? r->route->body_limit
                                                                           : cap;
    } else {
        r->body_limit = 0;
        err_set(&r->err, m == ROUTER_NO_METHOD ? ERR_METHOD : ERR_NOT_FOUND,
                m == ROUTER_NO_METHOD ? "%s is not allowed here" : "no such resource", method);
    }
    return r;
}

/* Appends one piece of the body, or notes that the body is too big. */
static void body_append(req *r, const char *data, size_t n)
{
    if (r->overflow || !r->route || !r->route->body_limit)
        return; /* bodies for routes that take none are read and dropped */
    if (n > r->body_limit - r->body_len) {
        r->overflow = true;
        return;
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap * 2 : 4096;
        while (cap < r->body_len + n + 1)
            cap *= 2;
        char *nb = arena_alloc(r->a, cap);
        if (!nb) {
            r->overflow = true;
            return;
        }
        if (r->body_len)
            memcpy(nb, r->body, r->body_len);
        r->body = nb;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
}

/* Sign-in and role check for routes that need them. */
static int authenticate(req *r)
{
    int rc = req_sign_in(r);
    if (rc)
        return rc;
    if (!(r->route->roles & r->actor.role_bit))
        return err_set(&r->err, ERR_FORBIDDEN, "role %s may not use %s %s", r->user.role,
                       r->route->method, r->route->pattern);
    return 0;
}

/* MHD_get_connection_values callback: stops at the first query parameter
 * whose name or value is not UTF-8 and names it in *cls. */
static enum MHD_Result find_bad_param(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    const char **bad = cls;
    if (text_is_utf8(key) && (!value || text_is_utf8(value)))
        return MHD_YES;
    *bad = key;
    return MHD_NO;
}

/* A path or a query that is not UTF-8 (after %-decoding) names nothing
 * here: 400, naming the parameter. */
static int check_utf8(req *r)
{
    if (!text_is_utf8(r->path))
        return err_set(&r->err, ERR_BAD_REQUEST, "the path is not valid UTF-8");
    const char *bad = NULL;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, find_bad_param, &bad);
    if (bad)
        return err_param(&r->err, bad, "is not valid UTF-8");
    return 0;
}

static int dispatch(req *r)
{
    int rc;
    if (r->err.code)
        return r->err.code;
    if ((rc = check_utf8(r)))
        return rc;
    if (r->overflow)
        return err_set(&r->err, ERR_TOO_LARGE, "the body is larger than %zu bytes",
                       r->body_limit);
    if (r->route->roles && (rc = authenticate(r)))
        return rc;
    if (r->route->body_limit && r->body_len) {
        const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_TYPE);
        if (!ctype_is_json(ct))
            return err_set(&r->err, ERR_MEDIA_TYPE, "send the body as application/json");
        rc = jv_parse(r->a, r->body, r->body_len, r->app->cfg.json_depth, &r->json, &r->err);
        if (rc)
            return rc;
    }
    return r->route->handler(r);
}

static enum MHD_Result queue(req *r)
{
    struct MHD_Response *resp;
    if (r->out) {
        char *s = json_dumps(r->out, JSON_COMPACT);
        if (!s)
            return MHD_NO;
        resp = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
        if (!r->content_type)
            r->content_type = "application/json";
    } else if (r->text) {
        resp = MHD_create_response_from_buffer(r->text_len, (void *)r->text,
                                               r->text_owned ? MHD_RESPMEM_MUST_FREE
                                                             : MHD_RESPMEM_PERSISTENT);
    } else {
        resp = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
    }
    if (!resp)
        return MHD_NO;
    if (r->content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    MHD_add_response_header(resp, "X-Request-Id", r->rid);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (strncmp(r->path, "/api/", 5) == 0)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    for (int i = 0; i < r->nheaders; i++)
        MHD_add_response_header(resp, r->headers[i].name, r->headers[i].value);
    enum MHD_Result ok = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ok;
}

/* Turns the handler's result rc into the answer and queues it. */
static enum MHD_Result respond(req *r, int rc)
{
    if (rc) {
        if (!r->err.code)
            err_set(&r->err, rc, NULL);
        req_problem(r);
        if (r->status >= 500)
            log_error(&r->app->log, r->rid, "%s %s: %s: %s", r->method, r->path,
                      err_slug(r->err.code), r->err.detail);
    }
    if (r->db) {
        db_release(r->db); /* early: the access log needs no connection */
        r->db = NULL;
    }
    if (!r->status)
        r->status = 500;
    return queue(r);
}

static enum MHD_Result finish(req *r)
{
    int rc = dispatch(r);
    if (!rc && r->resume)
        return MHD_YES; /* parked (req_suspend): answered when woken */
    return respond(r, rc);
}

/* A parked request was woken (req_wake): its continuation answers. */
static enum MHD_Result resume(req *r)
{
    int (*cont)(req *) = r->resume;
    r->resume = NULL;
    return respond(r, cont(r));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **con_cls)
{
    (void)version;
    server *s = cls;
    req *r = *con_cls;
    if (!r) {
        r = req_new(s, c, method, url);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        atomic_fetch_add(&s->inflight, 1);
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                     MHD_HTTP_HEADER_CONTENT_LENGTH);
        unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
        if (r->route && r->route->body_limit && declared > r->body_limit) {
            r->overflow = true;
            if (declared > SERVER_DRAIN_MAX)
                return finish(r); /* say no before reading it; MHD closes afterwards */
        }
        return MHD_YES;
    }
    if (*upload_size) {
        body_append(r, upload, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->resume)
        return resume(r);
    if (r->status)
        return MHD_YES; /* answered early */
    return finish(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    server *s = cls;
    req *r = *con_cls;
    if (!r)
        return;
    int64_t dt = clock_mono_ns() - r->t0_ns;
    metrics_request(s->app->metrics, r->route_index, r->status, dt);
    log_info(&s->app->log, r->rid, "%s \"%s %s\" %d %.1fms%s", r->addr, r->method, r->path,
             r->status, (double)dt / 1e6,
             toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
    db_release(r->db);
    json_decref(r->out);
    arena_free(r->a);
    *con_cls = NULL;
    atomic_fetch_sub(&s->inflight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)c, (void)socket_ctx;
    server *s = cls;
    metrics_connection(s->app->metrics, code == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    server *s = cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = '\0';
    log_warn(&s->app->log, NULL, "http: %s", msg);
}

/* Parses "host:port" or "[v6]:port" into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6, err_ctx *e)
{
    char host[256];
    const char *port;
    if (listen[0] == '[') {
        const char *end = strchr(listen, ']');
        if (!end || end[1] != ':' || (size_t)(end - listen - 1) >= sizeof host)
            return err_set(e, ERR_IO, "listen address %s: expected [addr]:port", listen);
        snprintf(host, sizeof host, "%.*s", (int)(end - listen - 1), listen + 1);
        port = end + 2;
    } else {
        const char *colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host)
            return err_set(e, ERR_IO, "listen address %s: expected host:port", listen);
        snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
        port = colon + 1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res = NULL;
    int g = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (g)
        return err_set(e, ERR_IO, "listen address %s: %s", listen, gai_strerror(g));
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *v6 = res->ai_family == AF_INET6;
    freeaddrinfo(res);
    return 0;
}

void server_block_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

int server_run(app *a, err_ctx *e)
{
    server s = {.app = a};
    struct sockaddr_storage ss;
    bool v6 = false;
    int rc = parse_listen(a->cfg.listen, &ss, &v6, e);
    if (rc)
        return rc;
    /* TURBO: read, write and accept first and ask epoll only when the
     * socket is not ready, which on a busy server it usually is. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
                     MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG |
                     (v6 ? MHD_USE_IPv6 : 0);
    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &s,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, &s,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)a->cfg.threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)a->cfg.max_connections,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)a->cfg.max_per_address,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, a->cfg.max_header,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)a->cfg.timeout_s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, &s,
        MHD_OPTION_END);
    if (!d)
        return err_set(e, ERR_IO, "cannot listen on %s (in use, or not an address here?)",
                       a->cfg.listen);
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char host[128];
    snprintf(host, sizeof host, "%s", a->cfg.listen);
    char *colon = strrchr(host, ':');
    if (colon)
        *colon = '\0';
    printf("cocloud listening on http://%s:%u\n", *host ? host : "0.0.0.0",
           info ? (unsigned)info->port : 0);
    fflush(stdout);
    log_info(&a->log, NULL, "listening on %s:%u with %d threads, database %s (%s)", host,
             info ? (unsigned)info->port : 0, a->cfg.threads, a->cfg.db_url, db_engine(a->db));

    sigset_t set;
    int sig = 0;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigwait(&set, &sig);
    log_info(&a->log, NULL, "%s: finishing in-flight requests", sig == SIGINT ? "SIGINT" : "SIGTERM");

    MHD_socket ls = MHD_quiesce_daemon(d); /* stop accepting; the socket is ours now */
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    int64_t deadline = clock_now_ms() + SERVER_GRACE_MS;
    while (atomic_load(&s.inflight) > 0 && clock_now_ms() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(d);
    log_info(&a->log, NULL, "stopped");
    return 0;
}
