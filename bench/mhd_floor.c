/*
 * mhd_floor.c: the HTTP benchmark's second baseline. A libmicrohttpd
 * server set up as cocloud's (same daemon flags, thread pool and limits)
 * that reads each request's body and answers one file's bytes from memory,
 * with the headers cocloud sends on a quote. It does no work of its own,
 * so its rate is the most any server built on libmicrohttpd can reach on
 * this machine: the ceiling under cocloud, where nginx is the ceiling of
 * the machine.
 *
 *   mhd_floor FILE THREADS   prints "listening on PORT", serves until killed
 */
#include <microhttpd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The answer, read once and never changed while serving. */
typedef struct floor_answer {
    char *body;
    size_t len;
} floor_answer;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_len, void **state)
{
    (void)url, (void)method, (void)version, (void)upload;
    const floor_answer *fa = cls;
    if (!*state) { /* first call: headers only */
        *state = c;
        return MHD_YES;
    }
    if (*upload_len) { /* a piece of the body: taken, like cocloud's */
        *upload_len = 0;
        return MHD_YES;
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(fa->len, fa->body, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "application/json");
    MHD_add_response_header(r, "X-Request-Id", "0123456789abcdef0123456789abcdef");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    enum MHD_Result ok = MHD_queue_response(c, 201, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: mhd_floor FILE THREADS\n");
        return 2;
    }
    floor_answer fa = {0};
    FILE *f = fopen(argv[1], "rb");
    if (!f || fseek(f, 0, SEEK_END) || (long)(fa.len = (size_t)ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) || !(fa.body = malloc(fa.len + 1)) ||
        fread(fa.body, 1, fa.len, f) != fa.len) {
        fprintf(stderr, "mhd_floor: cannot read %s\n", argv[1]);
        return 1;
    }
    fclose(f);
    unsigned threads = (unsigned)atoi(argv[2]);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in lo = {.sin_family = AF_INET, .sin_port = 0,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_TURBO |
            MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, &fa,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&lo,
        MHD_OPTION_THREAD_POOL_SIZE, threads ? threads : 1,
        MHD_OPTION_CONNECTION_LIMIT, 1000u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 << 10),
        MHD_OPTION_CONNECTION_TIMEOUT, 60u,
        MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "mhd_floor: cannot listen\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening on %u\n", info ? (unsigned)info->port : 0);
    fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    free(fa.body);
    return 0;
}
