/*
 * demo.c: demo data. Accounts are looked up by email first, so a second
 * start changes nothing and keeps what a person did in the demo.
 */
#include "cli/demo.h"

#include "account/account.h"
#include "base/clock.h"
#include "cli/demo_catalog.h"
#include "cli/demo_credit.h"

typedef struct demo_account {
    const char *role, *email, *name;
    const char *org_name, *industry, *size, *region; /* for enterprise and partner */
} demo_account;

static const demo_account demo_accounts[] = {
    {"operator", "operator@demo.cocloud", "Program Team", NULL, NULL, NULL, NULL},
    {"expert", "expert@demo.cocloud", "Li Wei (cloud-native expert)", NULL, NULL, NULL, NULL},
    {"enterprise", "enterprise@demo.cocloud", "Chen Jing", "Jixiang Mall", "ecommerce", "medium",
     "cn-east-3"},
    {"partner", "partner@demo.cocloud", "Zhao Min", "Yunxing Render Studio", "media", "small",
     "cn-south-1"},
};

static int seed_one(db_conn *c, arena *a, const demo_account *d, err_ctx *e)
{
    account_user u;
    const char *hash;
    bool found = false;
    int rc = account_user_by_email(c, a, d->email, &u, &hash, &found, e);
    if (rc || found)
        return rc;
    account_user_input user = {d->email, d->name, DEMO_PASSWORD, NULL, {false, false}};
    if (!d->org_name) {
        account_actor root = {"demo", NULL, "operator", ROLE_OPERATOR, true};
        user.role = d->role;
        return account_user_add(c, a, &root, NULL, &user, &u, e);
    }
    account_org_input org = {d->org_name, d->role, d->industry, d->size, d->region, {0}};
    account_org o;
    return account_signup(c, a, &org, &user, &o, &u, e);
}

int demo_seed(db *d, FILE *out, err_ctx *e)
{
    db_conn *c = NULL;
    arena *a = arena_new(1 << 20);
    int rc = a ? db_acquire(d, &c, e) : err_set(e, ERR_NOMEM, "out of memory");
    for (size_t i = 0; !rc && i < sizeof demo_accounts / sizeof *demo_accounts; i++)
        rc = seed_one(c, a, &demo_accounts[i], e);
    db_release(c);
    arena_free(a);
    if (!rc)
        rc = demo_catalog_seed(d, clock_now_ms(), e);
    if (!rc)
        rc = demo_credit_seed(d, clock_now_ms(), e);
    if (rc)
        return rc;
    fprintf(out, "\ncocloud demo: sign in with any of these (password: %s)\n", DEMO_PASSWORD);
    for (size_t i = 0; i < sizeof demo_accounts / sizeof *demo_accounts; i++)
        fprintf(out, "  %-11s %s\n", demo_accounts[i].role, demo_accounts[i].email);
    fputc('\n', out);
    return 0;
}
