/*
 * jsonout.c: shared JSON encoders for handlers (see jsonout.h).
 */
#include "api/jsonout.h"

#include <string.h>

#include "base/clock.h"

json_t *jo_time(int64_t ms)
{
    char buf[CLOCK_RFC3339_LEN];
    clock_format(ms, buf);
    return json_string(buf);
}

json_t *jo_text(const text_i18n *t)
{
    return json_pack("{s:s, s:s}", "zh", t->zh, "en", t->en);
}

json_t *jo_csv(const char *csv)
{
    json_t *a = json_array();
    for (const char *p = csv; a && p && *p;) {
        size_t n = strcspn(p, ",");
        json_array_append_new(a, json_stringn(p, n));
        p += n + (p[n] == ',');
    }
    return a;
}
