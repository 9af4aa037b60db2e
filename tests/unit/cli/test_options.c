/*
 * test_options.c: flags and COCLOUD_* environment variables from one table:
 * environment first, flags win; numbers in range; bools; bad input.
 *
 * Criterion runs each test in its own process, so setenv stays local.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"

static const char *listen_addr;
static int threads;
static size_t max_body;
static bool secure;
static int64_t idle_ms;
static char *errbuf;
static size_t errlen;
static FILE *err;

#define NOPTS 5
static const opt opts[NOPTS] = {
    {"listen", "COCLOUD_TEST_LISTEN", OPT_STRING, &listen_addr, "ADDR", "where to listen", 0, 0},
    {"threads", "COCLOUD_TEST_THREADS", OPT_INT, &threads, "N", "worker threads", 1, 64},
    {"max-body", "COCLOUD_TEST_MAX_BODY", OPT_SIZE, &max_body, "BYTES", "body limit", 1,
     1 << 20},
    {"secure-cookies", "COCLOUD_TEST_SECURE", OPT_BOOL, &secure, NULL, "Secure cookies", 0, 0},
    {"session-idle", NULL, OPT_SECONDS, &idle_ms, "SECONDS", "idle expiry", 1, 86400},
};

static void setup(void)
{
    const char *vars[] = {"COCLOUD_TEST_LISTEN", "COCLOUD_TEST_THREADS", "COCLOUD_TEST_MAX_BODY",
                          "COCLOUD_TEST_SECURE"};
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv(vars[i]);
    listen_addr = "default:1";
    threads = 4;
    max_body = 1000;
    secure = false;
    idle_ms = 5000;
    errbuf = NULL;
    errlen = 0;
    err = open_memstream(&errbuf, &errlen);
    cr_assert_not_null(err);
}

static void teardown(void)
{
    fclose(err);
    free(errbuf);
}

TestSuite(options, .init = setup, .fini = teardown);

static int parse(int argc, const char **argv)
{
    int rc = options_parse(opts, NOPTS, argc, (char **)argv, err);
    fflush(err);
    return rc;
}

static void err_has(const char *s)
{
    cr_assert_not_null(errbuf);
    cr_assert_not_null(strstr(errbuf, s), "expected '%s' in: %s", s, errbuf);
}

Test(options, defaults_stay_without_input)
{
    cr_assert_eq(parse(0, NULL), 0);
    cr_assert_str_eq(listen_addr, "default:1");
    cr_assert_eq(threads, 4);
    cr_assert_eq(max_body, 1000);
    cr_assert_not(secure);
    cr_assert_eq(idle_ms, 5000);
    cr_assert_eq(errlen, 0);
}

Test(options, flags_in_both_forms)
{
    const char *argv[] = {"--listen", "127.0.0.1:9", "--threads=8", "--max-body", "2048",
                          "--session-idle=90", "--secure-cookies"};
    cr_assert_eq(parse(7, argv), 0, "%s", errbuf);
    cr_assert_str_eq(listen_addr, "127.0.0.1:9");
    cr_assert_eq(threads, 8);
    cr_assert_eq(max_body, 2048);
    cr_assert_eq(idle_ms, 90000, "seconds are stored as milliseconds");
    cr_assert(secure);
}

Test(options, environment_then_flags)
{
    setenv("COCLOUD_TEST_LISTEN", "env:1", 1);
    setenv("COCLOUD_TEST_THREADS", "2", 1);
    setenv("COCLOUD_TEST_SECURE", "yes", 1);
    const char *argv[] = {"--threads", "16"};
    cr_assert_eq(parse(2, argv), 0, "%s", errbuf);
    cr_assert_str_eq(listen_addr, "env:1", "from the environment");
    cr_assert_eq(threads, 16, "the flag wins over the environment");
    cr_assert(secure);
}

Test(options, bool_values)
{
    const char *yes[] = {"1", "true", "TRUE", "yes", "Yes"};
    const char *no[] = {"0", "false", "False", "no", "NO"};
    for (size_t i = 0; i < 5; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--secure-cookies=%s", yes[i]);
        const char *argv[] = {flag};
        secure = false;
        cr_assert_eq(parse(1, argv), 0, "%s", flag);
        cr_assert(secure, "%s", flag);
        snprintf(flag, sizeof flag, "--secure-cookies=%s", no[i]);
        cr_assert_eq(parse(1, argv), 0, "%s", flag);
        cr_assert_not(secure, "%s", flag);
    }
    setenv("COCLOUD_TEST_SECURE", "true", 1);
    const char *off[] = {"--secure-cookies=false"};
    cr_assert_eq(parse(1, off), 0);
    cr_assert_not(secure, "a flag turns off what the environment turned on");
}

Test(options, bad_bool)
{
    const char *argv[] = {"--secure-cookies=maybe"};
    cr_assert_eq(parse(1, argv), -1);
    err_has("--secure-cookies must be true or false, not 'maybe'");
}

Test(options, bad_bool_in_environment_names_the_variable)
{
    setenv("COCLOUD_TEST_SECURE", "on", 1);
    cr_assert_eq(parse(0, NULL), -1);
    err_has("COCLOUD_TEST_SECURE");
}

Test(options, bad_numbers)
{
    const char *bad[] = {"abc", "", "12x", "1.5", "0", "65", "-1", "99999999999999999999999",
                         "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--threads=%s", bad[i]);
        const char *argv[] = {flag};
        threads = 4;
        cr_assert_eq(parse(1, argv), -1, "%s should be refused", flag);
        cr_assert_eq(threads, 4, "%s must not change the value", flag);
    }
    err_has("--threads must be a whole number from 1 to 64, not 'abc'");
}

Test(options, number_bounds_are_inclusive)
{
    const char *lo[] = {"--threads=1", "--max-body=1"};
    cr_assert_eq(parse(2, lo), 0, "%s", errbuf);
    cr_assert_eq(threads, 1);
    cr_assert_eq(max_body, 1);
    const char *hi[] = {"--threads=64", "--max-body=1048576", "--session-idle=86400"};
    cr_assert_eq(parse(3, hi), 0, "%s", errbuf);
    cr_assert_eq(threads, 64);
    cr_assert_eq(max_body, 1048576);
    cr_assert_eq(idle_ms, 86400000LL);
    const char *over[] = {"--max-body=1048577"};
    cr_assert_eq(parse(1, over), -1);
}

Test(options, bad_number_in_environment)
{
    setenv("COCLOUD_TEST_THREADS", "many", 1);
    cr_assert_eq(parse(0, NULL), -1);
    err_has("COCLOUD_TEST_THREADS must be a whole number");
}

Test(options, unknown_flag)
{
    const char *argv[] = {"--listen=x:1", "--lisen=y:2"};
    cr_assert_eq(parse(2, argv), -1);
    err_has("unknown flag '--lisen'");
    const char *prefix[] = {"--list=x"};
    cr_assert_eq(parse(1, prefix), -1, "a prefix of a flag is not the flag");
    const char *longer[] = {"--listener=x"};
    cr_assert_eq(parse(1, longer), -1);
}

Test(options, positional_and_single_dash_are_refused)
{
    const char *argv[] = {"serve"};
    cr_assert_eq(parse(1, argv), -1);
    err_has("unexpected argument 'serve'");
    const char *dash[] = {"-threads", "2"};
    cr_assert_eq(parse(2, dash), -1);
}

Test(options, missing_value)
{
    const char *argv[] = {"--threads"};
    cr_assert_eq(parse(1, argv), -1);
    err_has("--threads needs a value");
}

Test(options, empty_string_is_refused)
{
    const char *argv[] = {"--listen="};
    cr_assert_eq(parse(1, argv), -1);
    err_has("--listen must not be empty");
    cr_assert_str_eq(listen_addr, "default:1");
}

Test(options, value_may_contain_equals)
{
    const char *argv[] = {"--listen=a=b"};
    cr_assert_eq(parse(1, argv), 0);
    cr_assert_str_eq(listen_addr, "a=b");
}

Test(options, usage_lists_every_flag_and_variable)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    options_usage(opts, NOPTS, f);
    fclose(f);
    const char *want[] = {"--listen ADDR", "where to listen [COCLOUD_TEST_LISTEN]",
                          "--threads N", "--max-body BYTES", "--secure-cookies ",
                          "--session-idle SECONDS", "idle expiry\n"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        cr_assert_not_null(strstr(buf, want[i]), "missing '%s' in:\n%s", want[i], buf);
    int lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, NOPTS);
    free(buf);
}
