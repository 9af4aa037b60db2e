/*
 * credit_rules.c: the pure rules of funds and drops: validation of what an
 * operator sends, a drop's status over time, who may claim from it, and
 * how its places are split over shards. No I/O; unit tests call these.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "credit/credit.h"

const char *const drop_states[] = {"scheduled", "open", "sold_out", "closed", NULL};

static void check_currency(const char *v, err_ctx *e)
{
    bool ok = v && strlen(v) == 3;
    for (int i = 0; ok && i < 3; i++)
        ok = v[i] >= 'A' && v[i] <= 'Z';
    if (v && !ok)
        err_field_add(e, "currency", "must be an ISO 4217 code like CNY");
}

int fund_check(const fund_input *in, err_ctx *e)
{
    text_check_i18n(&in->name, "name", true, false, CREDIT_NAME_MAX, e);
    text_check_i18n(&in->description, "description", false, true, CREDIT_DESCRIPTION_MAX, e);
    check_currency(in->currency, e);
    if (!in->amount.set)
        err_field_add(e, "amount", "is required");
    jv_int_range(&in->amount, 1, CREDIT_AMOUNT_MAX, "amount", e);
    return e->code;
}

/* Each item from vocab, none twice. */
static void check_words(const jv_strings *l, const char *field, const char *const *vocab,
                        err_ctx *e)
{
    char f[ERR_FIELD_LEN], words[200];
    text_join(vocab, words, sizeof words);
    for (size_t i = 0; l->set && i < l->n; i++) {
        if (!l->v[i])
            continue; /* reported by the decoder */
        snprintf(f, sizeof f, "%s[%zu]", field, i);
        if (text_index(vocab, l->v[i]) < 0)
            err_field_add(e, f, "must be one of: %s", words);
        for (size_t j = 0; j < i; j++)
            if (l->v[j] && strcmp(l->v[i], l->v[j]) == 0) {
                err_field_add(e, f, "is listed twice");
                break;
            }
    }
}

int drop_check(const drop_input *in, err_ctx *e)
{
    int64_t opens = 0, closes = 0;
    bool opens_ok = false, closes_ok = false;
    text_check_i18n(&in->name, "name", true, false, CREDIT_NAME_MAX, e);
    if (!in->amount.set)
        err_field_add(e, "amount", "is required");
    if (!in->quantity.set)
        err_field_add(e, "quantity", "is required");
    jv_int_range(&in->amount, 1, CREDIT_AMOUNT_MAX, "amount", e);
    jv_int_range(&in->quantity, 1, CREDIT_QUANTITY_MAX, "quantity", e);
    jv_int_range(&in->grant_days, 1, CREDIT_GRANT_DAYS_MAX, "grant_days", e);
    jv_int_range(&in->shards, 1, CREDIT_SHARDS_MAX, "shards", e);
    if (in->amount.set && in->quantity.set && in->amount.v > 0 && in->quantity.v > 0 &&
        in->amount.v > CREDIT_AMOUNT_MAX / in->quantity.v)
        err_field_add(e, "quantity", "times amount must be at most %" PRId64, CREDIT_AMOUNT_MAX);
    if (!in->opens_at)
        err_field_add(e, "opens_at", "is required");
    else if (!(opens_ok = clock_parse(in->opens_at, &opens) == 0))
        err_field_add(e, "opens_at", "must be an RFC 3339 time like 2021-10-15T10:00:00+08:00");
    if (!in->closes_at)
        err_field_add(e, "closes_at", "is required");
    else if (!(closes_ok = clock_parse(in->closes_at, &closes) == 0))
        err_field_add(e, "closes_at", "must be an RFC 3339 time like 2021-11-15T00:00:00+08:00");
    if (opens_ok && closes_ok && closes <= opens)
        err_field_add(e, "closes_at", "must be after opens_at");
    if (in->industries.n > CREDIT_WORDS_MAX)
        err_field_add(e, "industries", "must have at most %d items", CREDIT_WORDS_MAX);
    else
        check_words(&in->industries, "industries", account_industries, e);
    if (in->sizes.n > CREDIT_WORDS_MAX)
        err_field_add(e, "sizes", "must have at most %d items", CREDIT_WORDS_MAX);
    else
        check_words(&in->sizes, "sizes", account_sizes, e);
    return e->code;
}

drop_state drop_status(const drop *d, int64_t now)
{
    /* Closed first: a drop closed before it opened has closes_at < opens_at. */
    if (now >= d->closes_at)
        return DROP_CLOSED;
    if (now < d->opens_at)
        return DROP_SCHEDULED;
    return d->remaining > 0 ? DROP_OPEN : DROP_SOLD_OUT;
}

/* Whether word is one of the comma-separated list ("" holds everything). */
static bool csv_has(const char *csv, const char *word)
{
    size_t n = strlen(word);
    if (!*csv)
        return true;
    for (const char *p = csv; *p;) {
        size_t len = strcspn(p, ",");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len + (p[len] == ',');
    }
    return false;
}

int drop_refusal(const drop *d, const account_org *org, int64_t now, const char **why)
{
    *why = NULL;
    if (now >= d->closes_at)
        *why = "the drop is closed";
    else if (now < d->opens_at)
        *why = "the drop is not open yet";
    if (*why)
        return ERR_CONFLICT;
    if (!org || strcmp(org->kind, "enterprise") != 0)
        *why = "only enterprises claim credits";
    else if (!csv_has(d->industries, org->industry))
        *why = "the drop is not for this org's industry";
    else if (!csv_has(d->sizes, org->size))
        *why = "the drop is not for this org's size";
    return *why ? ERR_FORBIDDEN : 0;
}

const char *drop_reason_code(const char *why)
{
    static const struct { const char *why, *code; } reasons[] = {
        {"the drop is not open yet", "drop_not_open"},
        {"the drop is closed", "drop_closed"},
        {"only enterprises claim credits", "not_enterprise"},
        {"the drop is not for this org's industry", "industry_not_eligible"},
        {"the drop is not for this org's size", "size_not_eligible"},
        {DROP_WHY_SOLD_OUT, "sold_out"},
        {DROP_WHY_CLAIMED, "already_claimed"},
    };
    for (size_t i = 0; why && i < sizeof reasons / sizeof *reasons; i++)
        if (strcmp(why, reasons[i].why) == 0)
            return reasons[i].code;
    return NULL;
}

int64_t drop_shard_size(int64_t quantity, int n, int i)
{
    return quantity / n + (i < quantity % n);
}
