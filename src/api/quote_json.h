/*
 * quote_json.h: a quote's answer as JSON text, for POST /quotes (from the
 * engine's snapshot) and GET /quotes/{id} (from the stored terms), and the
 * words of a reason, which the offers share with the rejections. The
 * answer is written straight into a jw writer: a quote can list hundreds
 * of rejections, and this is the hot path of a campaign's opening.
 */
#ifndef COCLOUD_QUOTE_JSON_H
#define COCLOUD_QUOTE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/jw.h"
#include "campaign/campaign.h"
#include "campaign/quote.h"
#include "campaign/quote_terms.h"

/* Where a snapshot's campaign stands at `at` (Unix ms). */
static inline campaign_state qj_status(const qe_campaign *c, int64_t at)
{
    return campaign_status(c->published, c->starts_at, c->ends_at, at);
}

/* Why a policy does not apply, in words: its reason code and message, and
 * for a campaign not live at the moment asked about, the campaign's status
 * then (draft, scheduled or ended; NULL for the other reasons) with a
 * message to match. */
typedef struct qj_reason {
    const char *code, *status, *message;
} qj_reason;

qj_reason qj_reason_of(qe_reason why, const qe_campaign *c, int64_t at);

/* What an answer shows of an applied policy besides its amount, as JSON
 * texts: taken from the snapshot when answering, from the database when a
 * stored quote is read back. */
typedef struct qj_shown {
    const char *id, *campaign, *name; /* campaign, name: NULL for a policy gone */
    size_t id_len, campaign_len, name_len;
    int lane;   /* -1 for a policy gone */
    int effect; /* a qe_effect; -1 for a policy gone */
} qj_shown;

/* Fills *out for ap. */
typedef void (*qj_shown_fn)(const void *ctx, const qt_applied *ap, qj_shown *out);

/* A quote as answered (POST) and read back (GET): its head, its lines from
 * the terms t (each applied policy shown by show(ctx, ...)), and its
 * totals; the object is left open for what follows. */
void qj_head(jw *w, const char *id, const char *org_id, int64_t at, int64_t expires,
             const quote_terms *t, qj_shown_fn show, const void *ctx);

/* The answer of POST /quotes in a's memory (*len bytes), or NULL when out
 * of memory: qj_head from the snapshot s, then q's rejections. `drafts`:
 * whether the rejected list names a draft campaign's offers (for
 * operators). */
const char *qj_answer(arena *a, const qe_snapshot *s, const qe_quote *q, const quote_terms *t,
                      const char *id, const char *org_id, int64_t at, int64_t expires,
                      bool drafts, size_t *len);

#endif
