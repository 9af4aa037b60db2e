/*
 * log.c: formatting and writing of log lines.
 */
#include "base/log.h"

#include <stdarg.h>
#include <string.h>

#include "base/clock.h"

int log_level_parse(const char *s)
{
    static const char *names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void log_at(const logger *lg, log_level lv, const char *rid, const char *fmt, ...)
{
    static const char *tags[] = {"DEBUG", "INFO", "WARN", "ERROR"};
    if (!lg || !lg->out || lv < lg->min)
        return;
    char ts[CLOCK_RFC3339_LEN], msg[1024];
    clock_format(clock_now_ms(), ts);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* Control characters from user input must not forge log lines. */
    for (char *p = msg; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    fprintf(lg->out, "%s %s%s%s%s %s\n", ts, tags[lv], rid && *rid ? " [" : "", rid ? rid : "",
            rid && *rid ? "]" : "", msg);
    fflush(lg->out);
}
