/*
 * main.c: the `cocloud` command: serve, demo, migrate, user add.
 *
 * Exit codes: 0 success, 1 failure, 2 usage error, 3 database error
 * (cannot open, cannot migrate, or written by a newer cocloud).
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "account/account.h"
#include "api/app.h"
#include "api/server.h"
#include "base/rand.h"
#include "cli/demo.h"
#include "cli/options.h"
#include "audit/audit.h"
#include "campaign/engine.h"
#include "db/dump.h"
#include "db/migrate.h"

enum { EXIT_USAGE = 2, EXIT_DB = 3 };

#define SERVER_OPTS(cfg)                                                                     \
    {"listen", "COCLOUD_LISTEN", OPT_STRING, &(cfg)->listen, "ADDR:PORT",                      \
     "address to serve on; port 0 picks a free one (127.0.0.1:8080)", 0, 0},                   \
    {"db", "COCLOUD_DB", OPT_STRING, &(cfg)->db_url, "URL",                                   \
     "SQLite file, or postgres://... for PostgreSQL (cocloud.db)", 0, 0},                      \
    {"db-pool", "COCLOUD_DB_POOL", OPT_INT, &(cfg)->db_pool, "N",                               \
     "database connections (threads + 5)", 1, 1000},                                           \
    {"db-timeout", "COCLOUD_DB_TIMEOUT", OPT_INT, &(cfg)->db_timeout_ms, "MS",                  \
     "longest statement or lock wait, milliseconds (5000)", 10, 600000},                       \
    {"threads", "COCLOUD_THREADS", OPT_INT, &(cfg)->threads, "N", "HTTP worker threads", 1,   \
     256},                                                                                     \
    {"max-body", "COCLOUD_MAX_BODY", OPT_SIZE, &(cfg)->max_body, "BYTES",                      \
     "largest request body (1048576)", 1024, 64L << 20},                                      \
    {"max-header", "COCLOUD_MAX_HEADER", OPT_SIZE, &(cfg)->max_header, "BYTES",                \
     "largest request line plus headers (32768)", 4096, 1L << 20},                            \
    {"max-connections", "COCLOUD_MAX_CONNECTIONS", OPT_INT, &(cfg)->max_connections, "N",     \
     "open connections in total (1000)", 1, 100000},                                           \
    {"max-per-address", "COCLOUD_MAX_PER_ADDRESS", OPT_INT, &(cfg)->max_per_address, "N",     \
     "open connections per client address, 0 = no limit (0)", 0, 100000},                     \
    {"json-depth", "COCLOUD_JSON_DEPTH", OPT_INT, &(cfg)->json_depth, "N",                     \
     "deepest JSON nesting accepted (32)", 2, 256},                                            \
    {"timeout", "COCLOUD_TIMEOUT", OPT_INT, &(cfg)->timeout_s, "SECONDS",                      \
     "idle connection timeout (30)", 1, 3600},                                                 \
    {"engine-poll", "COCLOUD_ENGINE_POLL", OPT_INT, &(cfg)->engine_poll_ms, "MS",              \
     "how often to pick up catalog changes made by other instances (1000)", 50, 600000},      \
    {"cache", "COCLOUD_CACHE", OPT_INT, &(cfg)->cache_ms, "MS",                                \
     "reuse a session or org read this long; other instances' changes apply within it, "      \
     "0 = never (1000)", 0, 60000},                                                            \
    {"quote-ttl", "COCLOUD_QUOTE_TTL", OPT_INT, &(cfg)->quote_ttl_s, "SECONDS",                 \
     "how long a quote stays valid (1800)", 10, 86400},                                        \
    {"quote-keep", "COCLOUD_QUOTE_KEEP", OPT_INT, &(cfg)->quote_keep_s, "SECONDS",              \
     "how long an expired quote no order took is kept (86400)", 60, 365 * 86400},             \
    {"quote-flush", "COCLOUD_QUOTE_FLUSH", OPT_INT, &(cfg)->quote_flush_ms, "MS",               \
     "new quotes are written together this often (20)", 1, 1000},                              \
    {"session-idle", "COCLOUD_SESSION_IDLE", OPT_SECONDS, &(cfg)->session.idle_ms, "SECONDS", \
     "sign out after this long unused (7200)", 1, 30L * 86400},                                \
    {"session-max", "COCLOUD_SESSION_MAX", OPT_SECONDS, &(cfg)->session.max_ms, "SECONDS",    \
     "sign out this long after sign-in (86400)", 1, 365L * 86400},                             \
    {"login-max-failures", "COCLOUD_LOGIN_MAX_FAILURES", OPT_INT,                              \
     &(cfg)->session.max_failures_account, "N",                                                \
     "failed logins per account per 15 minutes before a lock (5)", 1, 1000},                   \
    {"login-max-address-failures", "COCLOUD_LOGIN_MAX_ADDRESS_FAILURES", OPT_INT,              \
     &(cfg)->session.max_failures_address, "N",                                                \
     "failed logins per client address per 15 minutes before a lock (20)", 1, 100000},         \
    {"secure-cookies", "COCLOUD_SECURE_COOKIES", OPT_BOOL, &(cfg)->secure_cookies, NULL,       \
     "mark the session cookie Secure (behind TLS)", 0, 0},                                     \
    {"log-level", "COCLOUD_LOG_LEVEL", OPT_STRING, &level_name, "LEVEL",                        \
     "debug, info, warn or error (info)", 0, 0}

static void usage(FILE *out)
{
    fputs("usage: cocloud [--help] [--version] COMMAND [FLAGS]\n\n"
          "commands:\n"
          "  serve      run the HTTP server\n"
          "  demo       run the server on a demo database (var/demo.db), seeded on first start\n"
          "  migrate    create or upgrade a database and exit\n"
          "  audit      check that budgets, limits, orders, funds, drops, wallets and the ledger agree (exit 1 if not)\n"
          "  export     write a whole database to stdout as JSON Lines\n"
          "  import     read such a dump from stdin into an empty database\n"
          "  user add   add a user; the password is read from the terminal or stdin\n\n"
          "Run 'cocloud COMMAND --help' for the flags of a command. Every flag can also be\n"
          "set through the environment variable shown in brackets.\n",
          out);
}

static int usage_error(const char *cmd, const opt *opts, int n)
{
    fprintf(stderr, "usage: cocloud %s [FLAGS]\n", cmd);
    options_usage(opts, n, stderr);
    return EXIT_USAGE;
}

static bool wants_help(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
            return true;
    return false;
}

static int db_exit(const err_ctx *e)
{
    fprintf(stderr, "cocloud: %s\n", e->detail);
    return EXIT_DB;
}

/* serve and demo: parse flags, open, optionally seed, serve. */
static int cmd_serve(const char *cmd, int argc, char **argv, bool demo)
{
    app_config cfg;
    app *a = NULL;
    err_ctx e = {0};
    const char *level_name = "info";
    app_config_defaults(&cfg);
    if (demo)
        cfg.db_url = "var/demo.db";
    opt opts[] = {SERVER_OPTS(&cfg)};
    int n = (int)(sizeof opts / sizeof *opts);
    if (wants_help(argc, argv)) {
        printf("usage: cocloud %s [FLAGS]\n", cmd);
        options_usage(opts, n, stdout);
        return 0;
    }
    if (options_parse(opts, n, argc, argv, stderr))
        return usage_error(cmd, opts, n);
    int lv = log_level_parse(level_name);
    if (lv < 0) {
        fprintf(stderr, "cocloud: --log-level must be debug, info, warn or error\n");
        return usage_error(cmd, opts, n);
    }
    cfg.log_min = (log_level)lv;
    if (demo && strcmp(cfg.db_url, "var/demo.db") == 0)
        mkdir("var", 0755);
    server_block_signals();
    if (app_open(&cfg, &a, &e))
        return db_exit(&e);
    int rc = 0;
    if (demo && (rc = demo_seed(a->db, stdout, &e)))
        fprintf(stderr, "cocloud: cannot seed the demo: %s\n", e.detail);
    if (demo && !rc && (rc = engine_refresh_now(a->engine, &e))) /* price the seed at once */
        fprintf(stderr, "cocloud: cannot load the demo catalog: %s\n", e.detail);
    if (!rc && (rc = server_run(a, &e)))
        fprintf(stderr, "cocloud: %s\n", e.detail);
    app_free(a);
    return rc ? 1 : 0;
}

static int cmd_migrate(int argc, char **argv)
{
    const char *url = "cocloud.db";
    db *d = NULL;
    err_ctx e = {0};
    int applied = 0;
    opt opts[] = {{"db", "COCLOUD_DB", OPT_STRING, &url, "URL",
                   "SQLite file or postgres:// URL", 0, 0}};
    if (wants_help(argc, argv)) {
        puts("usage: cocloud migrate [FLAGS]");
        options_usage(opts, 1, stdout);
        return 0;
    }
    if (options_parse(opts, 1, argc, argv, stderr))
        return usage_error("migrate", opts, 1);
    db_config dbc = {.pool_size = 1};
    logger lg = {stderr, LOG_INFO};
    if (db_open(url, &dbc, &lg, &d, &e) || migrate_run(d, embed_migrations, &applied, &e)) {
        db_free(d);
        return db_exit(&e);
    }
    printf("%s: %d migration(s) applied, schema version %d\n", url, applied,
           migrate_latest(embed_migrations));
    db_free(d);
    return 0;
}

/* export and import: move a database between engines. */
static int cmd_dump(const char *cmd, int argc, char **argv)
{
    const char *url = "cocloud.db";
    db *d = NULL;
    err_ctx e = {0};
    long rows = 0;
    bool import = strcmp(cmd, "import") == 0;
    opt opts[] = {{"db", "COCLOUD_DB", OPT_STRING, &url, "URL",
                   "SQLite file or postgres:// URL", 0, 0}};
    if (wants_help(argc, argv)) {
        printf("usage: cocloud %s [FLAGS] %s\n", cmd, import ? "< dump.jsonl" : "> dump.jsonl");
        options_usage(opts, 1, stdout);
        return 0;
    }
    if (options_parse(opts, 1, argc, argv, stderr))
        return usage_error(cmd, opts, 1);
    db_config dbc = {.pool_size = 1};
    logger lg = {stderr, LOG_WARN};
    int rc = db_open(url, &dbc, &lg, &d, &e);
    if (rc) {
        db_free(d);
        return db_exit(&e);
    }
    rc = import ? dump_import(d, embed_migrations, stdin, &rows, &e) : dump_export(d, stdout, &e);
    db_free(d);
    if (rc) {
        fprintf(stderr, "cocloud: %s failed: %s\n", cmd, e.detail);
        return rc == ERR_DB || rc == ERR_UNAVAILABLE ? EXIT_DB : 1;
    }
    if (import)
        fprintf(stderr, "cocloud: imported %ld rows into %s\n", rows, url);
    return 0;
}

/* audit: the invariants, on either engine. */
static int cmd_audit(int argc, char **argv)
{
    const char *url = "cocloud.db";
    db *d = NULL;
    err_ctx e = {0};
    int failures = 0;
    opt opts[] = {{"db", "COCLOUD_DB", OPT_STRING, &url, "URL",
                   "SQLite file or postgres:// URL", 0, 0}};
    if (wants_help(argc, argv)) {
        puts("usage: cocloud audit [FLAGS]");
        options_usage(opts, 1, stdout);
        return 0;
    }
    if (options_parse(opts, 1, argc, argv, stderr))
        return usage_error("audit", opts, 1);
    db_config dbc = {.pool_size = 1};
    logger lg = {stderr, LOG_WARN};
    if (db_open(url, &dbc, &lg, &d, &e) || migrate_run(d, embed_migrations, NULL, &e) ||
        audit_run(d, stdout, &failures, &e)) {
        db_free(d);
        return db_exit(&e);
    }
    db_free(d);
    printf("%s\n", failures ? "audit: FAILED" : "audit: all checks passed");
    return failures ? 1 : 0;
}

/* Reads a password: with echo off from a terminal (asked twice), or the
 * first line of stdin. Returns 0 with buf filled. */
static int read_password(char *buf, size_t n)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    char again[256] = "";
    for (int round = 0; round < (tty ? 2 : 1); round++) {
        char *dst = round ? again : buf;
        size_t cap = round ? sizeof again : n;
        if (tty) {
            fputs(round ? "Again: " : "Password: ", stderr);
            tcgetattr(STDIN_FILENO, &old);
            quiet = old;
            quiet.c_lflag &= ~(tcflag_t)ECHO;
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        char *got = fgets(dst, (int)cap, stdin);
        if (tty) {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
            fputc('\n', stderr);
        }
        if (!got)
            return -1;
        dst[strcspn(dst, "\r\n")] = '\0';
    }
    if (tty && strcmp(buf, again) != 0) {
        fputs("cocloud: the passwords differ\n", stderr);
        return -1;
    }
    return 0;
}

static int cmd_user_add(int argc, char **argv)
{
    const char *url = "cocloud.db", *role = NULL, *email = NULL, *name = NULL, *org = NULL;
    bool admin = false;
    char password[256];
    db *d = NULL;
    db_conn *c = NULL;
    arena *ar = NULL;
    err_ctx e = {0};
    int rc = 1;
    opt opts[] = {
        {"db", "COCLOUD_DB", OPT_STRING, &url, "URL", "SQLite file or postgres:// URL", 0, 0},
        {"role", NULL, OPT_STRING, &role, "ROLE", "operator, expert, enterprise or partner", 0, 0},
        {"email", NULL, OPT_STRING, &email, "EMAIL", "the user's email, used to sign in", 0, 0},
        {"name", NULL, OPT_STRING, &name, "NAME", "the user's display name", 0, 0},
        {"org", NULL, OPT_STRING, &org, "ORG_ID", "the org of an enterprise or partner user", 0,
         0},
        {"admin", NULL, OPT_BOOL, &admin, NULL, "make an org user an admin of the org", 0, 0},
    };
    int n = (int)(sizeof opts / sizeof *opts);
    if (wants_help(argc, argv)) {
        puts("usage: cocloud user add --role ROLE --email EMAIL --name NAME [FLAGS] < password");
        options_usage(opts, n, stdout);
        return 0;
    }
    if (options_parse(opts, n, argc, argv, stderr))
        return usage_error("user add", opts, n);
    if (!role || !email || !name) {
        fputs("cocloud: user add needs --role, --email and --name\n", stderr);
        return usage_error("user add", opts, n);
    }
    int bit = account_role_bit(role);
    if (!bit || ((bit == ROLE_ENTERPRISE || bit == ROLE_PARTNER) != (org != NULL))) {
        fputs("cocloud: --role must be operator or expert without --org, or enterprise or "
              "partner with --org\n",
              stderr);
        return EXIT_USAGE;
    }
    if (read_password(password, sizeof password)) {
        fputs("cocloud: no password given on stdin\n", stderr);
        return 1;
    }
    db_config dbc = {.pool_size = 1};
    logger lg = {stderr, LOG_WARN};
    if (db_open(url, &dbc, &lg, &d, &e) || migrate_run(d, embed_migrations, NULL, &e)) {
        db_free(d);
        return db_exit(&e);
    }
    /* The command line acts with the operator's authority. */
    account_actor root = {"cli", NULL, "operator", ROLE_OPERATOR, true};
    account_user_input in = {email, name, password, org ? NULL : role, {admin, admin}};
    account_user u;
    ar = arena_new(1 << 20);
    if (!ar || db_acquire(d, &c, &e))
        goto out;
    if (account_user_add(c, ar, &root, org, &in, &u, &e)) {
        fprintf(stderr, "cocloud: cannot add user: %s\n", e.detail[0] ? e.detail : err_title(e.code));
        for (int i = 0; i < e.nfields && i < ERR_MAX_FIELDS; i++)
            fprintf(stderr, "  %s: %s\n", e.fields[i].field, e.fields[i].message);
        goto out;
    }
    printf("%s\n", u.id);
    rc = 0;
out:
    sodium_memzero(password, sizeof password);
    db_release(c);
    arena_free(ar);
    db_free(d);
    return rc;
}

int main(int argc, char **argv)
{
    if (rand_init()) {
        fputs("cocloud: libsodium failed to initialise\n", stderr);
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
        printf("cocloud %s\n", COCLOUD_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "serve"))
        return cmd_serve("serve", argc - 2, argv + 2, false);
    if (!strcmp(cmd, "demo"))
        return cmd_serve("demo", argc - 2, argv + 2, true);
    if (!strcmp(cmd, "migrate"))
        return cmd_migrate(argc - 2, argv + 2);
    if (!strcmp(cmd, "audit"))
        return cmd_audit(argc - 2, argv + 2);
    if (!strcmp(cmd, "export") || !strcmp(cmd, "import"))
        return cmd_dump(cmd, argc - 2, argv + 2);
    if (!strcmp(cmd, "user") && argc >= 3 && !strcmp(argv[2], "add"))
        return cmd_user_add(argc - 3, argv + 3);
    fprintf(stderr, "cocloud: unknown command '%s'\n\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
