/*
 * campaign_rules.c: a campaign's status over time, and the pure validation
 * of campaigns and policies. No I/O here; unit tests call these directly.
 * What needs the database (unknown region, product or pack) is
 * campaign_store.c's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/text.h"
#include "campaign/campaign.h"
#include "campaign/quote.h"

const char *const campaign_states[] = {"draft", "scheduled", "live", "ended", NULL};

campaign_state campaign_status(bool published, int64_t starts, int64_t ends, int64_t now)
{
    if (!published)
        return CAMPAIGN_DRAFT;
    if (now < starts)
        return CAMPAIGN_SCHEDULED;
    return now < ends ? CAMPAIGN_LIVE : CAMPAIGN_ENDED;
}

/* IANA names are letters, digits and / _ + - (Etc/GMT-8, America/Port-au-Prince).
 * We only keep the name for display, so the shape is all we check. */
bool campaign_tz_ok(const char *v)
{
    size_t n = strlen(v);
    if (n < 1 || n > CAMPAIGN_TZ_MAX || !((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z')))
        return false;
    for (const char *p = v; *p; p++) {
        bool ok = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                  (*p >= '0' && *p <= '9') || strchr("/_+-", *p);
        if (!ok)
            return false;
    }
    return true;
}

/* A list of codes: unique, and from vocab when there is one (the others
 * name rows, which the store looks up). The stored form is comma-separated,
 * so a comma can never be part of a code. */
static void check_list(const jv_strings *l, const char *field, const char *const *vocab,
                       size_t max, err_ctx *e)
{
    char f[ERR_FIELD_LEN], words[200];
    if (!l->set)
        return;
    if (l->n > max) {
        err_field_add(e, field, "must have at most %zu items", max);
        return;
    }
    if (vocab)
        text_join(vocab, words, sizeof words);
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i])
            continue; /* already reported as not a string */
        snprintf(f, sizeof f, "%s[%zu]", field, i);
        if (vocab && text_index(vocab, l->v[i]) < 0)
            err_field_add(e, f, "must be one of: %s", words);
        else if (!vocab && !*l->v[i])
            err_field_add(e, f, "must not be empty");
        else if (!vocab && strchr(l->v[i], ','))
            err_field_add(e, f, "must be a code without commas");
        for (size_t j = 0; j < i; j++)
            if (l->v[j] && strcmp(l->v[i], l->v[j]) == 0) {
                err_field_add(e, f, "is listed twice");
                break;
            }
    }
}

static void check_time(const char *v, const char *field, bool required, int64_t *ms, bool *ok,
                       err_ctx *e)
{
    *ok = false;
    if (!v) {
        if (required)
            err_field_add(e, field, "is required");
    } else if (clock_parse(v, ms) != 0) {
        err_field_add(e, field, "must be an RFC 3339 time like 2021-10-15T00:00:00+08:00");
    } else {
        *ok = true;
    }
}

int campaign_check_window(int64_t starts, int64_t ends, err_ctx *e)
{
    if (ends <= starts)
        err_field_add(e, "ends_at", "must be after starts_at");
    return e->code;
}

int campaign_check(const campaign_input *in, bool partial, err_ctx *e)
{
    int64_t starts = 0, ends = 0;
    bool starts_ok, ends_ok;
    text_check_i18n(&in->name, "name", !partial, false, CAMPAIGN_NAME_MAX, e);
    text_check_i18n(&in->description, "description", false, true, CAMPAIGN_DESCRIPTION_MAX, e);
    check_time(in->starts_at, "starts_at", !partial, &starts, &starts_ok, e);
    check_time(in->ends_at, "ends_at", !partial, &ends, &ends_ok, e);
    if (starts_ok && ends_ok)
        campaign_check_window(starts, ends, e);
    if (in->time_zone && !campaign_tz_ok(in->time_zone))
        err_field_add(e, "time_zone",
                      "must be a time zone name like Asia/Shanghai (at most %d characters)",
                      CAMPAIGN_TZ_MAX);
    check_list(&in->regions, "regions", NULL, CAMPAIGN_REGIONS_MAX, e);
    check_list(&in->industries, "industries", account_industries, CAMPAIGN_WORDS_MAX, e);
    check_list(&in->sizes, "sizes", account_sizes, CAMPAIGN_WORDS_MAX, e);
    return e->code;
}

static void check_conditions(const policy_conditions_input *c, err_ctx *e)
{
    check_list(&c->regions, "conditions.regions", NULL, CAMPAIGN_REGIONS_MAX, e);
    check_list(&c->industries, "conditions.industries", account_industries, CAMPAIGN_WORDS_MAX,
               e);
    check_list(&c->sizes, "conditions.sizes", account_sizes, CAMPAIGN_WORDS_MAX, e);
    check_list(&c->products, "conditions.products", NULL, CAMPAIGN_CODES_MAX, e);
    check_list(&c->categories, "conditions.categories", qe_categories, CAMPAIGN_WORDS_MAX, e);
    check_list(&c->packs, "conditions.packs", NULL, CAMPAIGN_CODES_MAX, e);
    check_list(&c->billing_modes, "conditions.billing_modes", qe_modes, CAMPAIGN_WORDS_MAX, e);
    check_list(&c->order_types, "conditions.order_types", qe_order_types, CAMPAIGN_WORDS_MAX, e);
    jv_int_range(&c->min_quantity, 0, POLICY_MIN_MAX, "conditions.min_quantity", e);
    jv_int_range(&c->min_line_amount, 0, POLICY_MIN_MAX, "conditions.min_line_amount", e);
    jv_int_range(&c->min_order_amount, 0, POLICY_MIN_MAX, "conditions.min_order_amount", e);
}

int policy_check(const policy_input *in, bool partial, err_ctx *e)
{
    const policy_effect_input *ef = &in->effect;
    text_check_i18n(&in->name, "name", !partial, false, CAMPAIGN_NAME_MAX, e);
    jv_int_range(&in->lane, 0, POLICY_LANE_MAX, "lane", e);
    check_conditions(&in->conditions, e);
    if (ef->kind || ef->value.set) {
        char words[200];
        text_join(qe_effects, words, sizeof words);
        if (!ef->kind)
            err_field_add(e, "effect.kind", "is required");
        else if (text_index(qe_effects, ef->kind) < 0)
            err_field_add(e, "effect.kind", "must be one of: %s", words);
        if (!ef->value.set)
            err_field_add(e, "effect.value", "is required");
    } else if (!partial) {
        err_field_add(e, "effect", "is required");
    }
    jv_int_range(&in->limits.per_org, 0, POLICY_LIMIT_MAX, "limits.per_org", e);
    jv_int_range(&in->limits.total, 0, POLICY_LIMIT_MAX, "limits.total", e);
    jv_int_range(&in->limits.budget, 0, POLICY_LIMIT_MAX, "limits.budget", e);
    return e->code;
}

int policy_check_effect(const policy *p, err_ctx *e)
{
    int kind = p->effect ? text_index(qe_effects, p->effect) : -1;
    if (kind < 0)
        return e->code; /* reported by policy_check */
    if (kind == QE_PERCENT_OFF) {
        if (p->value < 1 || p->value > POLICY_BP_MAX)
            err_field_add(e, "effect.value",
                          "must be from 1 to %d basis points for percent_off", POLICY_BP_MAX);
    } else if (p->value < 0 || p->value > POLICY_VALUE_MAX) {
        err_field_add(e, "effect.value", "must be from 0 to %" PRId64, POLICY_VALUE_MAX);
    }
    if (kind == QE_PACK_PRICE && (!p->cond.packs || !*p->cond.packs))
        err_field_add(e, "conditions.packs", "must name at least one pack for pack_price");
    return e->code;
}
