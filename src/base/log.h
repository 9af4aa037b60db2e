/*
 * log.h: line-oriented logging to a stream, one line per event.
 *
 * A logger is a small value owned by the app context (no globals). Each line
 * is "<RFC 3339 time> <level> [rid] message", written with a single locked
 * stdio call so lines from several threads never interleave.
 */
#ifndef COCLOUD_LOG_H
#define COCLOUD_LOG_H

#include <stdio.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

typedef struct logger {
    FILE *out;
    log_level min;
} logger;

/* Parses "debug", "info", "warn", "error"; -1 if unknown. */
int log_level_parse(const char *s);

/* rid may be NULL or "" for lines that belong to no request. */
void log_at(const logger *lg, log_level lv, const char *rid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define log_info(lg, rid, ...) log_at((lg), LOG_INFO, (rid), __VA_ARGS__)
#define log_warn(lg, rid, ...) log_at((lg), LOG_WARN, (rid), __VA_ARGS__)
#define log_error(lg, rid, ...) log_at((lg), LOG_ERROR, (rid), __VA_ARGS__)
#define log_debug(lg, rid, ...) log_at((lg), LOG_DEBUG, (rid), __VA_ARGS__)

#endif
