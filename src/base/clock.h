/*
 * clock.h: wall time as int64 Unix milliseconds UTC, and RFC 3339 text.
 */
#ifndef COCLOUD_CLOCK_H
#define COCLOUD_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CLOCK_RFC3339_LEN 64 /* "2026-11-23T08:00:00.000Z" with room for any int64 */

int64_t clock_now_ms(void);
/* Monotonic nanoseconds, for durations only. */
int64_t clock_mono_ns(void);

/* The CLOCK_REALTIME moment ms milliseconds from now, as the absolute
 * deadline pthread_cond_timedwait wants. */
void clock_deadline(int64_t ms, struct timespec *out);

/* Writes ms as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out (>= CLOCK_RFC3339_LEN). */
void clock_format(int64_t ms, char out[CLOCK_RFC3339_LEN]);

/* Parses RFC 3339 with any offset ("Z", "+08:00") and optional fraction
 * (truncated to milliseconds). Returns 0 and sets *ms, or -1 if malformed. */
int clock_parse(const char *s, int64_t *ms);

#endif
