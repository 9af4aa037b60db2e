/*
 * test_log.c: level names, filtering, one clean line per event, and the
 * buffered logger.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"

Test(log, level_parse)
{
    cr_assert_eq(log_level_parse("debug"), LOG_DEBUG);
    cr_assert_eq(log_level_parse("info"), LOG_INFO);
    cr_assert_eq(log_level_parse("warn"), LOG_WARN);
    cr_assert_eq(log_level_parse("error"), LOG_ERROR);
    cr_assert_eq(log_level_parse("INFO"), -1);
    cr_assert_eq(log_level_parse(""), -1);
    cr_assert_eq(log_level_parse("verbose"), -1);
}

Test(log, lines_filtering_and_control_characters)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    logger lg = {f, LOG_INFO};
    log_debug(&lg, NULL, "hidden %d", 1);
    log_info(&lg, "abcd", "hello %s", "world");
    log_error(&lg, "", "fake\nINFO line\x1b[31m");
    fclose(f);
    cr_assert_null(strstr(buf, "hidden"), "%s", buf);
    /* Exactly two lines. */
    int lines = 0;
    for (const char *p = buf; *p; p++)
        lines += *p == '\n';
    cr_assert_eq(lines, 2, "%s", buf);
    cr_assert_not_null(strstr(buf, " INFO [abcd] hello world\n"), "%s", buf);
    cr_assert_not_null(strstr(buf, " ERROR fake INFO line [31m\n"), "%s", buf);
    /* Lines start with an RFC 3339 UTC time. */
    cr_assert_eq(buf[4], '-');
    cr_assert_eq(buf[10], 'T');
    cr_assert_eq(buf[23], 'Z');
    free(buf);
}

Test(log, null_logger_is_silent)
{
    log_error(NULL, NULL, "nowhere");
    logger lg = {NULL, LOG_DEBUG};
    log_error(&lg, NULL, "nowhere");
}

/* A buffered logger's lines reach the descriptor without another write:
 * the flusher thread sends them within its interval. */
Test(log, buffered_lines_are_flushed_by_the_thread)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    FILE *f = fdopen(fds[1], "w");
    cr_assert_not_null(f);
    logger lg = {.out = f, .min = LOG_INFO};
    err_ctx e = {0};
    cr_assert_eq(log_buffer(&lg, 10, &e), 0, "%s", e.detail);
    cr_assert_neq(lg.out, f);
    log_info(&lg, "r1", "buffered %d", 1);
    char got[256] = {0};
    size_t n = 0;
    while (n < sizeof got - 1 && !memchr(got, '\n', n)) {
        ssize_t k = read(fds[0], got + n, sizeof got - 1 - n); /* blocks until flushed */
        cr_assert_gt(k, 0);
        n += (size_t)k;
    }
    cr_assert_not_null(strstr(got, " INFO [r1] buffered 1\n"), "%s", got);
    log_unbuffer(&lg);
    cr_assert_eq(lg.out, f);
    cr_assert_null(lg.flusher);
    log_unbuffer(&lg); /* a second time: nothing to do */
    fclose(f);
    close(fds[0]);
}

/* A message longer than a line holds is cut, still as one line. */
Test(log, long_messages_are_cut_to_one_line)
{
    char *buf = NULL, big[5000];
    size_t len = 0;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    FILE *f = open_memstream(&buf, &len);
    cr_assert_not_null(f);
    logger lg = {.out = f, .min = LOG_INFO};
    log_info(&lg, NULL, "%s", big);
    fclose(f);
    cr_assert_gt(len, 1000);
    cr_assert_lt(len, 1300);
    cr_assert_eq(buf[len - 1], '\n');
    cr_assert_null(memchr(buf, '\n', len - 1));
    free(buf);
}
