/*
 * jsonout.h: the small JSON encoders every handler shares: times as RFC
 * 3339 text, bilingual text, comma-separated code lists as arrays.
 */
#ifndef COCLOUD_JSONOUT_H
#define COCLOUD_JSONOUT_H

#include <jansson.h>
#include <stdint.h>

#include "base/text.h"

/* Unix ms as an RFC 3339 UTC string. */
json_t *jo_time(int64_t ms);
/* {"zh": ..., "en": ...}. */
json_t *jo_text(const text_i18n *t);
/* "a,b" as ["a", "b"]; "" or NULL as []. */
json_t *jo_csv(const char *csv);

#endif
