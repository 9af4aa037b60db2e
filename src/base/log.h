/*
 * log.h: line-oriented logging to a stream, one line per event.
 *
 * A logger is a small value owned by the app context (no globals). Each line
 * is "<RFC 3339 time> <level> [rid] message", written with a single locked
 * stdio call so lines from several threads never interleave.
 *
 * By default every line is flushed as it is written. A server logs a line
 * per request, and a write(2) per line costs as much as a small answer, so
 * log_buffer gives the logger a buffered stream of its own that a thread
 * flushes every few milliseconds; warnings and errors still go out at once.
 */
#ifndef COCLOUD_LOG_H
#define COCLOUD_LOG_H

#include <stdio.h>

#include "base/err.h"

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

typedef struct log_flusher log_flusher;

typedef struct logger {
    FILE *out;
    log_level min;
    log_flusher *flusher; /* set by log_buffer: out is buffered and flushed by it */
} logger;

/* Parses "debug", "info", "warn", "error"; -1 if unknown. */
int log_level_parse(const char *s);

/* rid may be NULL or "" for lines that belong to no request. */
void log_at(const logger *lg, log_level lv, const char *rid, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Switches lg to a buffered stream on a copy of lg->out's descriptor,
 * flushed every flush_ms by a thread of its own. log_unbuffer flushes,
 * stops the thread and puts the original stream back; it is a no-op on a
 * logger that is not buffered. */
int log_buffer(logger *lg, int flush_ms, err_ctx *e);
void log_unbuffer(logger *lg);

#define log_info(lg, rid, ...) log_at((lg), LOG_INFO, (rid), __VA_ARGS__)
#define log_warn(lg, rid, ...) log_at((lg), LOG_WARN, (rid), __VA_ARGS__)
#define log_error(lg, rid, ...) log_at((lg), LOG_ERROR, (rid), __VA_ARGS__)
#define log_debug(lg, rid, ...) log_at((lg), LOG_DEBUG, (rid), __VA_ARGS__)

#endif
