/*
 * test_log.c: level names, filtering and one clean line per event.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

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
