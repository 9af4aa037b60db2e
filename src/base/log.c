/*
 * log.c: formatting and writing of log lines, and the flusher thread of a
 * buffered logger.
 */
#include "base/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

#define LOG_BUFFER_BYTES (64 << 10)

struct log_flusher {
    FILE *plain; /* the stream before log_buffer, back after log_unbuffer */
    int flush_ms;
    bool stopping;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    pthread_t thread;
};

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
    /* The line is put together in one buffer and written with one call. */
    char line[1200];
    size_t n = 0;
    clock_format(clock_now_ms(), line);
    n = strlen(line);
    n += (size_t)snprintf(line + n, sizeof line - n, " %s%s%s%s ", tags[lv],
                          rid && *rid ? " [" : "", rid ? rid : "", rid && *rid ? "]" : "");
    size_t start = n < sizeof line ? n : sizeof line - 1;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + start, sizeof line - start - 1, fmt, ap);
    va_end(ap);
    n = m < 0 ? start : start + (size_t)m < sizeof line - 1 ? start + (size_t)m : sizeof line - 2;
    /* Control characters from user input must not forge log lines. */
    for (size_t i = start; i < n; i++)
        if ((unsigned char)line[i] < 0x20)
            line[i] = ' ';
    line[n++] = '\n';
    fwrite(line, 1, n, lg->out);
    if (!lg->flusher || lv >= LOG_WARN)
        fflush(lg->out);
}

static void *flusher_main(void *arg)
{
    logger *lg = arg;
    log_flusher *f = lg->flusher;
    pthread_mutex_lock(&f->mu);
    while (!f->stopping) {
        struct timespec until;
        clock_deadline(f->flush_ms, &until);
        pthread_cond_timedwait(&f->wake, &f->mu, &until);
        fflush(lg->out); /* stdio locks the stream: writers may go on */
    }
    pthread_mutex_unlock(&f->mu);
    return NULL;
}

int log_buffer(logger *lg, int flush_ms, err_ctx *e)
{
    if (lg->flusher)
        return 0;
    log_flusher *f = calloc(1, sizeof *f);
    int fd = f ? dup(fileno(lg->out)) : -1;
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        free(f);
        return err_set(e, ERR_IO, "log: cannot buffer the log stream: %s", strerror(err));
    }
    setvbuf(out, NULL, _IOFBF, LOG_BUFFER_BYTES);
    fflush(lg->out);
    *f = (log_flusher){.plain = lg->out, .flush_ms = flush_ms > 0 ? flush_ms : 100};
    pthread_mutex_init(&f->mu, NULL);
    pthread_cond_init(&f->wake, NULL);
    lg->out = out;
    lg->flusher = f;
    if (pthread_create(&f->thread, NULL, flusher_main, lg) != 0) {
        lg->out = f->plain;
        lg->flusher = NULL;
        fclose(out);
        pthread_cond_destroy(&f->wake);
        pthread_mutex_destroy(&f->mu);
        free(f);
        return err_set(e, ERR_IO, "log: cannot start the flusher thread");
    }
    return 0;
}

void log_unbuffer(logger *lg)
{
    log_flusher *f = lg->flusher;
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stopping = true;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->thread, NULL);
    fclose(lg->out); /* flushes what is left */
    lg->out = f->plain;
    lg->flusher = NULL;
    pthread_cond_destroy(&f->wake);
    pthread_mutex_destroy(&f->mu);
    free(f);
}
