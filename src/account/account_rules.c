/*
 * account_rules.c: the vocabularies and pure validation of account input.
 * No I/O here; unit tests call these directly.
 */
#include <stdio.h>
#include <string.h>

#include "account/account.h"
#include "account/password.h"
#include "base/text.h"

const char *const account_kinds[] = {"enterprise", "partner", NULL};
const char *const account_industries[] = {"ecommerce", "gaming",  "mobility", "media",
                                          "education", "fintech", "other",    NULL};
const char *const account_sizes[] = {"micro", "small", "medium", "large", NULL};
const char *const account_roles[] = {"operator", "enterprise", "expert", "partner", NULL};
const char *const account_clouds[] = {"aws",   "azure",      "gcp",   "alibaba", "tencent",
                                      "baidu", "volcengine", "other", NULL};

int account_role_bit(const char *role)
{
    static const int bits[] = {ROLE_OPERATOR, ROLE_ENTERPRISE, ROLE_EXPERT, ROLE_PARTNER};
    int i = role ? text_index(account_roles, role) : -1;
    return i < 0 ? 0 : bits[i];
}

account_actor account_actor_of(const account_user *u)
{
    return (account_actor){u->id, u->org_id, u->role, account_role_bit(u->role), u->admin};
}

int account_org_scope(const account_actor *actor, const char *org_id, const char **out,
                      err_ctx *e)
{
    bool op = actor->role_bit == ROLE_OPERATOR;
    *out = op ? org_id : actor->org_id;
    if (!op && !*out)
        return err_set(e, ERR_FORBIDDEN, "only operators and members of an org see this");
    return 0;
}

static void field_name(char *out, size_t n, const char *prefix, const char *name)
{
    snprintf(out, n, "%s%s", prefix ? prefix : "", name);
}

static void check_enum(const char *v, const char *const *list, const char *field, err_ctx *e)
{
    if (text_index(list, v) >= 0)
        return;
    char words[160];
    text_join(list, words, sizeof words);
    err_field_add(e, field, "must be one of: %s", words);
}

static void check_name(const char *v, const char *field, err_ctx *e)
{
    if (text_blank(v))
        err_field_add(e, field, "must not be empty");
    else if (text_chars(v) > ACCOUNT_NAME_MAX)
        err_field_add(e, field, "must be at most %d characters", ACCOUNT_NAME_MAX);
}

/* Region codes look like cn-north-4 or ap-southeast-1. */
static bool region_ok(const char *v)
{
    size_t n = strlen(v);
    if (n < 2 || n > 32 || v[0] < 'a' || v[0] > 'z' || v[n - 1] == '-')
        return false;
    for (const char *p = v; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-') ||
            (*p == '-' && p[1] == '-'))
            return false;
    return true;
}

int account_check_org(const account_org_input *in, bool partial, err_ctx *e)
{
    struct { const char *v, *field; } required[] = {
        {in->name, "name"}, {in->kind, "kind"}, {in->industry, "industry"},
        {in->size, "size"}, {in->region, "region"},
    };
    for (size_t i = 0; i < sizeof required / sizeof *required; i++)
        if (!partial && !required[i].v)
            err_field_add(e, required[i].field, "is required");
    if (in->name)
        check_name(in->name, "name", e);
    if (in->kind)
        check_enum(in->kind, account_kinds, "kind", e);
    if (in->industry)
        check_enum(in->industry, account_industries, "industry", e);
    if (in->size)
        check_enum(in->size, account_sizes, "size", e);
    if (in->region && !region_ok(in->region))
        err_field_add(e, "region", "must be a region code like cn-north-4");
    if (in->clouds.set) {
        if (in->clouds.n > ACCOUNT_CLOUDS_MAX)
            err_field_add(e, "clouds", "must have at most %d items", ACCOUNT_CLOUDS_MAX);
        for (size_t i = 0; i < in->clouds.n && i < ACCOUNT_CLOUDS_MAX; i++) {
            char field[ERR_FIELD_LEN];
            snprintf(field, sizeof field, "clouds[%zu]", i);
            if (!in->clouds.v[i])
                continue; /* already reported as not a string */
            check_enum(in->clouds.v[i], account_clouds, field, e);
            for (size_t j = 0; j < i; j++)
                if (in->clouds.v[j] && strcmp(in->clouds.v[i], in->clouds.v[j]) == 0)
                    err_field_add(e, field, "is listed twice");
        }
    }
    return e->code;
}

int account_check_password(const char *pw, const char *field, err_ctx *e)
{
    size_t n = text_chars(pw);
    if (n < PASSWORD_MIN_CHARS)
        err_field_add(e, field, "must be at least %d characters", PASSWORD_MIN_CHARS);
    else if (n > PASSWORD_MAX_CHARS)
        err_field_add(e, field, "must be at most %d characters", PASSWORD_MAX_CHARS);
    return e->code;
}

int account_check_user(const account_user_input *in, const char *prefix, err_ctx *e)
{
    char f[ERR_FIELD_LEN];
    field_name(f, sizeof f, prefix, "email");
    if (!in->email)
        err_field_add(e, f, "is required");
    else if (!text_is_email(in->email))
        err_field_add(e, f, "must be an email address");
    field_name(f, sizeof f, prefix, "name");
    if (!in->name)
        err_field_add(e, f, "is required");
    else
        check_name(in->name, f, e);
    field_name(f, sizeof f, prefix, "password");
    if (!in->password)
        err_field_add(e, f, "is required");
    else
        account_check_password(in->password, f, e);
    return e->code;
}
