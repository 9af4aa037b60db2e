/*
 * quote_json.c: a quote's answer as JSON text (see quote_json.h). Each
 * entry of its lists is put together in the writer's buffer from texts
 * encoded before: the snapshot's ids and names, and literals made at
 * compile time from the lists of reasons and effects.
 */
#include "api/quote_json.h"

#include <string.h>

#include "base/clock.h"

/* The words of a campaign not live at the moment asked about, by its
 * status then: X(state, status, message). */
#define NOT_LIVE(X)                                                                           \
    X(CAMPAIGN_DRAFT, "draft", "campaign is not published")                                   \
    X(CAMPAIGN_SCHEDULED, "scheduled", "campaign has not started")                            \
    X(CAMPAIGN_LIVE, "live", "campaign is not live") /* not met: the engine agrees */         \
    X(CAMPAIGN_ENDED, "ended", "campaign has ended")

/* The kinds of qj_reason: one per reason, then one per campaign status. */
enum { KIND_STATUS = QR__COUNT, KIND__COUNT = KIND_STATUS + CAMPAIGN_ENDED + 1 };

static int reason_kind(qe_reason why, const qe_campaign *c, int64_t at)
{
    return why == QR_CAMPAIGN_NOT_LIVE ? KIND_STATUS + (int)qj_status(c, at) : (int)why;
}

static qj_reason reason_words_of(int k)
{
#define NOT_LIVE_WORDS(state, status, message) [state] = {"campaign_not_live", status, message},
    static const qj_reason not_live[CAMPAIGN_ENDED + 1] = {NOT_LIVE(NOT_LIVE_WORDS)};
#undef NOT_LIVE_WORDS
    if (k < KIND_STATUS)
        return (qj_reason){qe_reason_codes[k], NULL, qe_reason_messages[k]};
    return not_live[k - KIND_STATUS];
}

qj_reason qj_reason_of(qe_reason why, const qe_campaign *c, int64_t at)
{
    return reason_words_of(reason_kind(why, c, at));
}

/* A JSON text (or a piece of one) known at compile time: plain ASCII that
 * needs no escaping. */
typedef struct literal {
    const char *text;
    size_t len;
} literal;

/* The end of a rejection of each kind, as rejected_json writes it:
 * ,"reason":...[,"campaign_status":...],"message":...} */
#define TAIL(text) {text, sizeof text - 1},
#define REASON_TAIL(name, code, message)                                                      \
    [name] = TAIL(",\"reason\":\"" code "\",\"message\":\"" message "\"}")
#define NOT_LIVE_TAIL(state, status, message)                                                 \
    [KIND_STATUS + state] = TAIL(",\"reason\":\"campaign_not_live\",\"campaign_status\":\"" status \
                                 "\",\"message\":\"" message "\"}")
static const literal reason_tails[KIND__COUNT] = {QE_REASONS(REASON_TAIL)
                                                      NOT_LIVE(NOT_LIVE_TAIL)};
#undef TAIL
#undef REASON_TAIL
#undef NOT_LIVE_TAIL

/* Keys below are literals that need no escaping (JW_KEY). */
static void jw_time(jw *w, int64_t ms)
{
    char buf[CLOCK_RFC3339_LEN];
    clock_format(ms, buf);
    jw_string(w, buf);
}

/* An entry of a list put together in the writer's buffer (jw_json_begin)
 * from pieces encoded before: JSON texts, or keys and punctuation. */
typedef struct entry {
    char *at;
    size_t n;
} entry;

/* Room enough for an entry's literal pieces (its keys and punctuation) and
 * its nulls, on top of its texts and two numbers. */
#define ENTRY_ROOM (128 + 2 * JW_INT_MAX)

static void put(entry *t, const char *text, size_t len)
{
    memcpy(t->at + t->n, text, len);
    t->n += len;
}

#define PUT_LIT(t, lit) put((t), (lit), sizeof(lit) - 1)

/* A JSON text, or null for NULL. */
static void put_json(entry *t, const char *text, size_t len)
{
    if (text)
        put(t, text, len);
    else
        PUT_LIT(t, "null");
}

/* v, or null for v < 0 (as jw_count). */
static void put_count(entry *t, int64_t v)
{
    if (v < 0)
        PUT_LIT(t, "null");
    else
        t->n += jw_int_text(t->at + t->n, v);
}

/* An effect's code as a JSON text. */
#define EFFECT_JSON(name, code) [name] = {"\"" code "\"", sizeof code + 1},
static const literal effect_json[QE_NEFFECTS] = {QE_EFFECTS(EFFECT_JSON)};
#undef EFFECT_JSON

static void shown_in_snapshot(const void *ctx, const qt_applied *ap, qj_shown *out)
{
    const qe_snapshot *s = ctx;
    const qe_policy *p = &s->policies[ap->index];
    const qe_campaign *c = &s->campaigns[p->campaign];
    *out = (qj_shown){p->id_json, c->id_json, p->name_json, p->id_json_len, c->id_json_len,
                   p->name_json_len, p->lane, (int)p->effect};
}

/* The line's applied list: the pack's own discount, then each policy as
 * {"policy", "campaign", "source", "name", "lane", "effect", "amount"}. */
static void applied_json(jw *w, const qt_line *l, qj_shown_fn show, const void *ctx)
{
    JW_KEY(w, "applied");
    jw_array(w);
    if (l->pack_effect) {
        jw_object(w);
        JW_KEY(w, "policy");
        jw_null(w);
        JW_KEY(w, "campaign");
        jw_null(w);
        JW_KEY(w, "source");
        jw_json(w, "\"pack\"", 6);
        JW_KEY(w, "effect");
        jw_string(w, l->pack_effect);
        JW_KEY(w, "amount");
        jw_int(w, l->pack_discount);
        jw_end(w);
    }
    for (int k = 0; k < l->napplied; k++) {
        qj_shown p;
        show(ctx, &l->applied[k], &p);
        literal effect = p.effect >= 0 && p.effect < QE_NEFFECTS ? effect_json[p.effect]
                                                                 : (literal){NULL, 0};
        entry t = {jw_json_begin(w, ENTRY_ROOM + p.id_len + p.campaign_len + p.name_len +
                                        effect.len),
                   0};
        if (!t.at)
            break; /* the writer has failed: jw_done says so */
        PUT_LIT(&t, "{\"policy\":");
        put(&t, p.id, p.id_len);
        PUT_LIT(&t, ",\"campaign\":");
        put_json(&t, p.campaign, p.campaign_len);
        PUT_LIT(&t, ",\"source\":\"policy\",\"name\":");
        put_json(&t, p.name, p.name_len);
        PUT_LIT(&t, ",\"lane\":");
        put_count(&t, p.lane);
        PUT_LIT(&t, ",\"effect\":");
        put_json(&t, effect.text, effect.len);
        PUT_LIT(&t, ",\"amount\":");
        t.n += jw_int_text(t.at + t.n, l->applied[k].amount);
        PUT_LIT(&t, "}");
        jw_json_end(w, t.n);
    }
    jw_end(w);
}

/* The minimum a rejection for a minimum names (quantity, line or order list
 * price), or -1 for the other reasons. */
static int64_t rejected_minimum(const qe_policy *p, qe_reason why)
{
    return why == QR_MIN_QUANTITY ? p->min_quantity
           : why == QR_MIN_LINE   ? p->min_line
           : why == QR_MIN_ORDER  ? p->min_order
                                  : -1;
}

/* The rejections, each as {"policy", "campaign", "name", "line", "reason",
 * "message"}, "minimum" for a minimum not reached (what it takes) and
 * "campaign_status" for a campaign not live: the policy named as an applied
 * one is, so that a reader can tell which offer it was, even one of an
 * ended campaign that no list of offers shows any more. A draft campaign's
 * are left out unless `drafts` (operators): its offers are not public yet.
 * An entry is put together in the writer's buffer from texts encoded
 * before: the policy's id and name and its campaign's id (in the snapshot)
 * and its reason_tails entry. */
static void rejected_json(jw *w, const qe_snapshot *s, const qe_quote *q, int64_t at, bool drafts)
{
    JW_KEY(w, "rejected");
    jw_array(w);
    for (int i = 0; i < q->nrejected; i++) {
        const qe_rejection *x = &q->rejected[i];
        const qe_policy *p = &s->policies[x->policy];
        const qe_campaign *c = &s->campaigns[p->campaign];
        if (!c->published && !drafts)
            continue;
        const literal *tail = &reason_tails[reason_kind(x->reason, c, at)];
        int64_t minimum = rejected_minimum(p, x->reason);
        entry t = {jw_json_begin(w, ENTRY_ROOM + p->id_json_len + c->id_json_len +
                                        p->name_json_len + tail->len),
                   0};
        if (!t.at)
            break; /* the writer has failed: jw_done says so */
        PUT_LIT(&t, "{\"policy\":");
        put(&t, p->id_json, p->id_json_len);
        PUT_LIT(&t, ",\"campaign\":");
        put(&t, c->id_json, c->id_json_len);
        PUT_LIT(&t, ",\"name\":");
        put(&t, p->name_json, p->name_json_len);
        PUT_LIT(&t, ",\"line\":");
        put_count(&t, x->line);
        if (minimum >= 0) {
            PUT_LIT(&t, ",\"minimum\":");
            t.n += jw_int_text(t.at + t.n, minimum);
        }
        put(&t, tail->text, tail->len);
        jw_json_end(w, t.n);
    }
    jw_end(w);
}

/* A quote as answered (POST) and read back (GET): its head, its lines from
 * the terms, and its totals; the object is left open for what follows. */
void qj_head(jw *w, const char *id, const char *org_id, int64_t at, int64_t expires,
             const quote_terms *t, qj_shown_fn show, const void *ctx)
{
    jw_object(w);
    JW_KEY(w, "id");
    jw_string(w, id);
    JW_KEY(w, "org_id");
    jw_string(w, org_id);
    JW_KEY(w, "at");
    jw_time(w, at);
    JW_KEY(w, "expires_at");
    jw_time(w, expires);
    JW_KEY(w, "currency");
    jw_json(w, "\"CNY\"", 5);
    JW_KEY(w, "lines");
    jw_array(w);
    for (int i = 0; i < t->nlines; i++) {
        const qt_line *l = &t->lines[i];
        jw_object(w);
        JW_KEY(w, "index");
        jw_int(w, i);
        JW_KEY(w, "product");
        jw_string(w, l->product);
        JW_KEY(w, "pack");
        jw_string(w, l->pack);
        JW_KEY(w, "region");
        jw_string(w, l->region);
        JW_KEY(w, "billing_mode");
        jw_string(w, l->mode);
        JW_KEY(w, "quantity");
        jw_int(w, l->quantity);
        JW_KEY(w, "months");
        jw_count(w, l->months);
        JW_KEY(w, "hours");
        jw_count(w, l->hours);
        JW_KEY(w, "list_price");
        jw_int(w, l->list);
        applied_json(w, l, show, ctx);
        JW_KEY(w, "final_price");
        jw_int(w, l->final);
        jw_end(w);
    }
    jw_end(w);
    JW_KEY(w, "totals");
    jw_object(w);
    JW_KEY(w, "list");
    jw_int(w, t->list);
    JW_KEY(w, "discount");
    jw_int(w, t->discount);
    JW_KEY(w, "final");
    jw_int(w, t->final);
    jw_end(w);
}

/* The answer, written straight to text: a quote can list hundreds of
 * rejections, and this is the hot path of a campaign's opening. What is
 * stored is the terms (quote_terms.h), not the answer. `drafts`: whether
 * the rejected list names a draft campaign's offers (for operators). */
const char *qj_answer(arena *a, const qe_snapshot *s, const qe_quote *q, const quote_terms *t,
                      const char *id, const char *org_id, int64_t at, int64_t expires,
                      bool drafts, size_t *len)
{
    jw w;
    jw_init(&w, a, 4096 + (size_t)q->nlines * 1024 + (size_t)q->nrejected * 256);
    qj_head(&w, id, org_id, at, expires, t, shown_in_snapshot, s);
    rejected_json(&w, s, q, at, drafts);
    jw_end(&w);
    return jw_done(&w, len);
}
