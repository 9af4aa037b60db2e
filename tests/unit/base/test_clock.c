/*
 * test_clock.c: RFC 3339 formatting and parsing, checked against values
 * computed by hand (and with Python's datetime).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "base/clock.h"

static void check_format(int64_t ms, const char *want)
{
    char out[CLOCK_RFC3339_LEN];
    clock_format(ms, out);
    cr_assert_str_eq(out, want, "clock_format(%lld)", (long long)ms);
}

static void check_parse(const char *s, int64_t want)
{
    int64_t ms = 12345;
    cr_assert_eq(clock_parse(s, &ms), 0, "clock_parse(\"%s\") failed", s);
    cr_assert_eq(ms, want, "clock_parse(\"%s\") = %lld, want %lld", s, (long long)ms,
                 (long long)want);
}

static void check_bad(const char *s)
{
    int64_t ms = 12345;
    cr_assert_eq(clock_parse(s, &ms), -1, "clock_parse(\"%s\") should fail", s);
}

Test(clock, format_known_values)
{
    check_format(0, "1970-01-01T00:00:00.000Z");
    check_format(1634227200000, "2021-10-14T16:00:00.000Z");
    check_format(951827696000 + 7, "2000-02-29T12:34:56.007Z");
    check_format(1795420800000, "2026-11-23T08:00:00.000Z");
    check_format(253402300799999, "9999-12-31T23:59:59.999Z");
}

Test(clock, format_before_the_epoch)
{
    check_format(-1, "1969-12-31T23:59:59.999Z");
    check_format(-1000, "1969-12-31T23:59:59.000Z");
    check_format(-14182940000, "1969-07-20T20:17:40.000Z");
}

Test(clock, parse_offsets)
{
    check_parse("2021-10-15T00:00:00+08:00", 1634227200000);
    check_parse("2021-10-14T16:00:00Z", 1634227200000);
    check_parse("2021-10-14T16:00:00z", 1634227200000);
    check_parse("2021-10-14t16:00:00+00:00", 1634227200000);
    check_parse("2021-10-14 16:00:00-00:00", 1634227200000);
    check_parse("2021-01-01T00:00:00-00:30", 1609461000000);
    check_parse("1970-01-01T00:00:00Z", 0);
    check_parse("1969-07-20T20:17:40Z", -14182940000);
}

Test(clock, parse_fractions_truncate_to_ms)
{
    check_parse("1970-01-01T00:00:00.5Z", 500);
    check_parse("1970-01-01T00:00:00.05Z", 50);
    check_parse("1970-01-01T00:00:00.123Z", 123);
    check_parse("1970-01-01T00:00:00.1239Z", 123);
    check_parse("1970-01-01T00:00:00.123456789Z", 123);
    check_parse("2000-02-29T12:34:56.007Z", 951827696007);
}

Test(clock, parse_calendar)
{
    check_parse("2000-02-29T12:34:56Z", 951827696000); /* 2000 is a leap year */
    check_bad("2100-02-29T00:00:00Z");                 /* 2100 is not */
    check_bad("2021-02-29T00:00:00Z");
    check_bad("2021-04-31T00:00:00Z");
    check_bad("2021-00-10T00:00:00Z");
    check_bad("2021-13-10T00:00:00Z");
    check_bad("2021-01-00T00:00:00Z");
    check_bad("2021-01-01T24:00:00Z");
    check_bad("2021-01-01T00:60:00Z");
    check_bad("2021-01-01T00:00:61Z");
    /* A leap second is accepted and clamped to :59. */
    check_parse("2016-12-31T23:59:60Z", 1483228799000);
}

Test(clock, parse_rejects_malformed)
{
    check_bad("");
    check_bad("2021");
    check_bad("2021-10-15");
    check_bad("2021-10-15T00:00:00");         /* no offset */
    check_bad("2021-10-15T00:00Z");           /* no seconds */
    check_bad("2021-10-15T00:00:00+0800");    /* offset without colon */
    check_bad("2021-10-15T00:00:00+24:00");
    check_bad("2021-10-15T00:00:00+08:60");
    check_bad("2021-10-15T00:00:00.Z");       /* fraction without digits */
    check_bad("2021-10-15T00:00:00.1234567890Z"); /* more than nanoseconds */
    check_bad("2021-10-15T00:00:00Zjunk");
    check_bad("2021-10-15X00:00:00Z");
    check_bad("21-10-15T00:00:00Z");
    check_bad("2021-1-15T00:00:00Z");
    check_bad("２０２１-10-15T00:00:00Z");
    check_bad("2021-10-15T00:00:00 Z");
}

Test(clock, roundtrip)
{
    const int64_t values[] = {0, 1, 999, 1000, 86399999, 86400000, 1634227200123,
                              4102444800000, -86400001, -62135596800000 /* 0001-01-01 */};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        char s[CLOCK_RFC3339_LEN];
        int64_t back = 0;
        clock_format(values[i], s);
        cr_assert_eq(clock_parse(s, &back), 0, "%s", s);
        cr_assert_eq(back, values[i], "%s -> %lld", s, (long long)back);
    }
}

Test(clock, now_is_plausible_and_monotonic_advances)
{
    int64_t now = clock_now_ms();
    cr_assert_gt(now, 1700000000000LL, "after 2023-11");
    cr_assert_lt(now, 4102444800000LL, "before 2100");
    int64_t a = clock_mono_ns(), b = clock_mono_ns();
    cr_assert_geq(b, a);
}

Test(clock, deadline_is_that_far_ahead_and_normalised)
{
    for (int64_t ms = 0; ms <= 2500; ms += 250) {
        struct timespec now, at;
        clock_gettime(CLOCK_REALTIME, &now);
        clock_deadline(ms, &at);
        cr_assert_lt(at.tv_nsec, 1000000000L);
        cr_assert_geq(at.tv_nsec, 0L);
        int64_t ahead = ((int64_t)at.tv_sec - now.tv_sec) * 1000 + (at.tv_nsec - now.tv_nsec) / 1000000;
        cr_assert(ahead >= ms && ahead <= ms + 50, "%lld ms ahead for %lld", (long long)ahead,
                  (long long)ms);
    }
}
