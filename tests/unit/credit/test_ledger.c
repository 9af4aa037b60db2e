/*
 * test_ledger.c: the double-entry ledger: ledger_check refuses every
 * transaction that is not balanced and well formed, ledger_post writes
 * inside the caller's transaction (and nothing when refused), balances
 * add up, and ledger_list pages newest first and shows an org only its
 * own transactions.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "credit/ledger.h"
#include "credit_fixture.h"
#include "../support.h"

/* ---- ledger_check ----------------------------------------------------- */

static ledger_txn good_txn(void)
{
    return (ledger_txn){.kind = "issue", .ref = "fund_x", .currency = "CNY", .n = 2,
                        .entries = {{"program:CNY", -100}, {"fund:fund_x", 100}}};
}

static void refused(const ledger_txn *t, const char *detail)
{
    err_ctx e = {0};
    cr_assert_eq(ledger_check(t, &e), ERR_INTERNAL);
    cr_assert_not_null(strstr(e.detail, detail), "detail '%s' lacks '%s'", e.detail, detail);
    cr_assert_eq(e.nfields, 0);
}

Test(credit_ledger_check, a_balanced_transaction_passes)
{
    err_ctx e = {0};
    ledger_txn t = good_txn();
    cr_assert_eq(ledger_check(&t, &e), 0);
    cr_assert_eq(e.code, 0);
    /* Every kind, and the most entries a transaction may have. */
    for (int i = 0; ledger_kinds[i]; i++) {
        t.kind = ledger_kinds[i];
        cr_assert_eq(ledger_check(&t, &e), 0, "%s", ledger_kinds[i]);
    }
    t.n = LEDGER_ENTRIES_MAX;
    for (int i = 0; i < LEDGER_ENTRIES_MAX; i++)
        t.entries[i] = (ledger_entry){i % 2 ? "fund:a" : "drop:b", i % 2 ? 7 : -7};
    cr_assert_eq(ledger_check(&t, &e), 0, "%s", e.detail);
}

Test(credit_ledger_check, kinds)
{
    cr_assert_str_eq(ledger_kinds[0], "issue");
    cr_assert_str_eq(ledger_kinds[1], "reserve");
    cr_assert_str_eq(ledger_kinds[2], "claim");
    cr_assert_str_eq(ledger_kinds[3], "release");
    cr_assert_null(ledger_kinds[4]);
}

Test(credit_ledger_check, unbalanced_is_refused)
{
    ledger_txn t = good_txn();
    t.entries[1].amount = 99;
    refused(&t, "does not balance");
    t.entries[1].amount = 101;
    refused(&t, "does not balance");
    /* Both legs the same sign. */
    t.entries[0].amount = 100;
    t.entries[1].amount = 100;
    refused(&t, "does not balance");
    /* Three legs, off by one fen. */
    t = good_txn();
    t.n = 3;
    t.entries[1].amount = 60;
    t.entries[2] = (ledger_entry){"wallet:org_a", 39};
    refused(&t, "does not balance");
}

Test(credit_ledger_check, too_few_or_too_many_entries)
{
    ledger_txn t = good_txn();
    t.n = 1;
    t.entries[0].amount = 0; /* would not balance otherwise; the count is judged first */
    refused(&t, "1 entries");
    t.n = 0;
    refused(&t, "0 entries");
    t = good_txn();
    t.n = LEDGER_ENTRIES_MAX + 1;
    refused(&t, "9 entries");
    t.n = -1;
    refused(&t, "-1 entries");
}

Test(credit_ledger_check, zero_amounts_and_unnamed_accounts)
{
    ledger_txn t = good_txn();
    t.entries[0].amount = 0;
    t.entries[1].amount = 0; /* balanced, but it moves nothing */
    refused(&t, "entry 0");
    t = good_txn();
    t.n = 3;
    t.entries[2] = (ledger_entry){"drop:x", 0};
    refused(&t, "entry 2");
    t = good_txn();
    t.entries[1].account = "";
    refused(&t, "entry 1");
    t.entries[1].account = NULL;
    refused(&t, "entry 1");
    /* Names up to 63 bytes fit an account column of LEDGER_ACCOUNT_MAX. */
    char name[LEDGER_ACCOUNT_MAX + 1];
    memset(name, 'x', sizeof name);
    name[LEDGER_ACCOUNT_MAX - 1] = '\0';
    t.entries[1].account = name;
    err_ctx e = {0};
    cr_assert_eq(ledger_check(&t, &e), 0, "%s", e.detail);
    name[LEDGER_ACCOUNT_MAX - 1] = 'x';
    name[LEDGER_ACCOUNT_MAX] = '\0';
    refused(&t, "entry 1");
}

Test(credit_ledger_check, unknown_kind_no_ref_bad_currency)
{
    ledger_txn t = good_txn();
    t.kind = "refund";
    refused(&t, "without kind, ref or currency");
    t.kind = "Issue";
    refused(&t, "without kind, ref or currency");
    t.kind = NULL;
    refused(&t, "without kind, ref or currency");
    t = good_txn();
    t.ref = NULL;
    refused(&t, "without kind, ref or currency");
    const char *bad[] = {"cny", "CN", "CNYY", "", "C1Y", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        t = good_txn();
        t.currency = bad[i];
        refused(&t, "without kind, ref or currency");
    }
}

Test(credit_ledger_check, account_names)
{
    char out[LEDGER_ACCOUNT_MAX];
    ledger_account("wallet", "org_a", out);
    cr_assert_str_eq(out, "wallet:org_a");
    ledger_account("program", "CNY", out);
    cr_assert_str_eq(out, "program:CNY");
}

/* ---- ledger_post and ledger_balance ----------------------------------- */

static char *dir;
static db *d;
static db_conn *c;
static arena *a;

static void setup(void)
{
    err_ctx e = {0};
    dir = tmp_dir_new();
    d = tmp_db_migrated(dir, 2);
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    a = arena_new(1 << 20);
    cr_assert_not_null(a);
}

static void teardown(void)
{
    arena_free(a);
    db_release(c);
    db_free(d);
    tmp_dir_free(dir);
}

static int64_t balance(const char *account)
{
    int64_t v = -1;
    err_ctx e = {0};
    cr_assert_eq(ledger_balance(c, account, &v, &e), 0, "%s", e.detail);
    return v;
}

/* Posts t in its own transaction; fails the test on error. */
static void post(ledger_txn *t)
{
    char id[RAND_ID_LEN];
    err_ctx e = {0};
    cr_assert_eq(db_begin(c, &e), 0, "%s", e.detail);
    cr_assert_eq(ledger_post(c, t, id, &e), 0, "%s", e.detail);
    cr_assert_eq(db_commit(c, &e), 0, "%s", e.detail);
}

TestSuite(credit_ledger_store, .init = setup, .fini = teardown);

Test(credit_ledger_store, posts_and_balances_round_trip)
{
    char id[RAND_ID_LEN];
    err_ctx e = {0};
    cr_assert_eq(balance("program:CNY"), 0); /* no entries yet */
    ledger_txn t = good_txn();
    t.entries[0].amount = -1000000;
    t.entries[1].amount = 1000000;
    cr_assert_eq(db_begin(c, &e), 0, "%s", e.detail);
    cr_assert_eq(ledger_post(c, &t, id, &e), 0, "%s", e.detail);
    cr_assert_eq(db_commit(c, &e), 0, "%s", e.detail);
    cr_assert_eq(t.id, id, "a NULL id is filled in from idbuf");
    cr_assert_eq(strncmp(id, "txn_", 4), 0, "%s", id);

    /* Three legs take the statement-per-entry path. */
    ledger_txn r = {.id = "txn_three", .kind = "reserve", .ref = "drp_x", .currency = "CNY",
                    .created_at = 5, .n = 3,
                    .entries = {{"fund:fund_x", -30000}, {"drop:drp_x", 20000},
                                {"drop:drp_y", 10000}}};
    post(&r);
    cr_assert_str_eq(r.id, "txn_three", "a given id is kept");

    cr_assert_eq(balance("program:CNY"), -1000000);
    cr_assert_eq(balance("fund:fund_x"), 970000);
    cr_assert_eq(balance("drop:drp_x"), 20000);
    cr_assert_eq(balance("drop:drp_y"), 10000);
    cr_assert_eq(balance("wallet:nobody"), 0);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_entries", NULL), 5);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_entries WHERE txn_id = ? AND"
                           " currency = 'CNY'", "txn_three"), 3);
    cr_assert_eq(cf_int(c, "SELECT SUM(amount) FROM ledger_entries", NULL), 0);
}

Test(credit_ledger_store, a_rolled_back_transaction_leaves_no_trace)
{
    char id[RAND_ID_LEN];
    err_ctx e = {0};
    ledger_txn t = good_txn();
    cr_assert_eq(db_begin(c, &e), 0, "%s", e.detail);
    cr_assert_eq(ledger_post(c, &t, id, &e), 0, "%s", e.detail);
    cr_assert_eq(balance("fund:fund_x"), 100, "visible inside the transaction");
    db_rollback(c);
    cr_assert_eq(balance("fund:fund_x"), 0);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns", NULL), 0);
}

Test(credit_ledger_store, a_refused_transaction_writes_nothing)
{
    char id[RAND_ID_LEN];
    err_ctx e = {0};
    ledger_txn t = good_txn();
    t.entries[1].amount = 99;
    cr_assert_eq(db_begin(c, &e), 0, "%s", e.detail);
    cr_assert_eq(ledger_post(c, &t, id, &e), ERR_INTERNAL);
    cr_assert_null(t.id);
    cr_assert_eq(db_commit(c, &e), 0, "%s", e.detail);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns", NULL), 0);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_entries", NULL), 0);
}

typedef struct post_arg {
    ledger_txn *t;
    char id[RAND_ID_LEN];
} post_arg;

static int post_tx(db_conn *cn, void *arg, err_ctx *e)
{
    post_arg *p = arg;
    return ledger_post(cn, p->t, p->id, e);
}

Test(credit_ledger_store, posts_through_db_transact)
{
    err_ctx e = {0};
    ledger_txn t = {.kind = "claim", .ref = "clm_x", .org_id = "org_a", .currency = "CNY",
                    .created_at = 7, .n = 2,
                    .entries = {{"drop:drp_x", -500}, {"wallet:org_a", 500}}};
    post_arg p = {.t = &t};
    cr_assert_eq(db_transact(c, post_tx, &p, &e), 0, "%s", e.detail);
    cr_assert_eq(balance("wallet:org_a"), 500);
    cr_assert_eq(balance("drop:drp_x"), -500);
    cr_assert_eq(cf_int(c, "SELECT created_at FROM ledger_txns WHERE org_id = ?", "org_a"), 7);
}

/* ---- ledger_list ------------------------------------------------------ */

/* Six transactions: org_a at 10, 20, 30; org_b at 15, 25; none at 5. */
static void six(void)
{
    static const struct {
        const char *id, *org;
        int64_t at;
    } rows[] = {{"txn_a10", "org_a", 10}, {"txn_a20", "org_a", 20}, {"txn_a30", "org_a", 30},
                {"txn_b15", "org_b", 15}, {"txn_b25", "org_b", 25}, {"txn_n05", NULL, 5}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        char wallet[LEDGER_ACCOUNT_MAX];
        ledger_account("wallet", rows[i].org ? rows[i].org : "none", wallet);
        ledger_txn t = {.id = rows[i].id, .kind = rows[i].org ? "claim" : "issue",
                        .ref = rows[i].id, .org_id = rows[i].org, .currency = "CNY",
                        .created_at = rows[i].at, .n = 2,
                        .entries = {{"drop:drp_x", -rows[i].at}, {wallet, rows[i].at}}};
        post(&t);
    }
}

static const char *ids(ledger_txn *items, int n, char *out, size_t cap)
{
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", items[i].id);
    return out;
}

/* One page as "id id id" and its cursor. */
static const char *page(const account_actor *actor, const char *org, int limit,
                        const char *after, const char **next, ledger_txn **items, int *n)
{
    static char buf[512];
    err_ctx e = {0};
    cr_assert_eq(ledger_list(c, a, actor, org, (account_page){limit, after}, items, n, next, &e),
                 0, "%s", e.detail);
    return ids(*items, *n, buf, sizeof buf);
}

Test(credit_ledger_store, operators_page_through_everything_newest_first)
{
    six();
    account_actor op = cf_operator();
    ledger_txn *items;
    int n;
    const char *next;
    cr_assert_str_eq(page(&op, NULL, 2, NULL, &next, &items, &n), "txn_a30 txn_b25");
    cr_assert_str_eq(next, "txn_b25");
    /* Each carries its entries, in order, and its currency. */
    cr_assert_eq(items[0].n, 2);
    cr_assert_str_eq(items[0].entries[0].account, "drop:drp_x");
    cr_assert_eq(items[0].entries[0].amount, -30);
    cr_assert_str_eq(items[0].entries[1].account, "wallet:org_a");
    cr_assert_eq(items[0].entries[1].amount, 30);
    cr_assert_str_eq(items[0].currency, "CNY");
    cr_assert_str_eq(items[0].kind, "claim");
    cr_assert_str_eq(items[0].org_id, "org_a");
    cr_assert_eq(items[0].created_at, 30);
    cr_assert_str_eq(page(&op, NULL, 2, next, &next, &items, &n), "txn_a20 txn_b15");
    cr_assert_str_eq(next, "txn_b15");
    cr_assert_str_eq(page(&op, NULL, 2, next, &next, &items, &n), "txn_a10 txn_n05");
    cr_assert_null(next, "the last page has no cursor");
    cr_assert_null(items[1].org_id);
    /* Exactly a page's worth: no cursor either. */
    cr_assert_str_eq(page(&op, NULL, 6, NULL, &next, &items, &n),
                     "txn_a30 txn_b25 txn_a20 txn_b15 txn_a10 txn_n05");
    cr_assert_null(next);
    /* An operator may narrow to one org. */
    cr_assert_str_eq(page(&op, "org_b", 50, NULL, &next, &items, &n), "txn_b25 txn_b15");
    cr_assert_null(next);
}

Test(credit_ledger_store, an_enterprise_sees_only_its_org)
{
    six();
    cf_actor ea;
    cf_actor_of(&ea, "org_a", "enterprise");
    ledger_txn *items;
    int n;
    const char *next;
    cr_assert_str_eq(page(&ea.actor, NULL, 50, NULL, &next, &items, &n),
                     "txn_a30 txn_a20 txn_a10");
    /* Naming another org changes nothing. */
    cr_assert_str_eq(page(&ea.actor, "org_b", 50, NULL, &next, &items, &n),
                     "txn_a30 txn_a20 txn_a10");
    cr_assert_str_eq(page(&ea.actor, NULL, 1, NULL, &next, &items, &n), "txn_a30");
    cr_assert_str_eq(next, "txn_a30");
    cr_assert_str_eq(page(&ea.actor, NULL, 1, next, &next, &items, &n), "txn_a20");
    cr_assert_str_eq(page(&ea.actor, NULL, 1, next, &next, &items, &n), "txn_a10");
    cr_assert_null(next);
    /* Another org's id is no cursor for it. */
    err_ctx e = {0};
    cr_assert_eq(ledger_list(c, a, &ea.actor, NULL, (account_page){10, "txn_b25"}, &items, &n,
                             &next, &e),
                 ERR_BAD_REQUEST);
    ASSERT_FIELDS(e, "after");
}

Test(credit_ledger_store, refusals)
{
    six();
    ledger_txn *items;
    int n;
    const char *next;
    err_ctx e = {0};
    /* An expert has no org and is no operator. */
    account_actor ex = {.user_id = "usr_x", .role = "expert", .role_bit = ROLE_EXPERT};
    cr_assert_eq(ledger_list(c, a, &ex, "org_a", (account_page){10, NULL}, &items, &n, &next, &e),
                 ERR_FORBIDDEN);
    account_actor op = cf_operator();
    err_clear(&e);
    cr_assert_eq(ledger_list(c, a, &op, NULL, (account_page){0, NULL}, &items, &n, &next, &e),
                 ERR_BAD_REQUEST);
    err_clear(&e);
    cr_assert_eq(ledger_list(c, a, &op, NULL, (account_page){ACCOUNT_PAGE_MAX + 1, NULL}, &items,
                             &n, &next, &e),
                 ERR_BAD_REQUEST);
    err_clear(&e);
    cr_assert_eq(ledger_list(c, a, &op, NULL, (account_page){10, "txn_nope"}, &items, &n, &next,
                             &e),
                 ERR_BAD_REQUEST);
    ASSERT_FIELDS(e, "after");
}

/* ---- ledger_post_many ------------------------------------------------- */

/* n claim transactions of 1..n fen from one drop to org_<i % 3>. */
static ledger_txn *many(int n)
{
    ledger_txn *t = arena_alloc(a, (size_t)n * sizeof *t);
    cr_assert_not_null(t);
    for (int i = 0; i < n; i++) {
        char *wallet = arena_printf(a, "wallet:org_%d", i % 3);
        char *id = arena_printf(a, "txn_m%02d", i);
        cr_assert(wallet && id);
        t[i] = (ledger_txn){.id = id, .kind = "claim", .ref = id, .currency = "CNY",
                            .created_at = 100 + i, .n = 2,
                            .entries = {{"drop:drp_m", -(i + 1)}, {wallet, i + 1}}};
    }
    return t;
}

Test(credit_ledger_store, post_many_writes_every_transaction)
{
    err_ctx e = {0};
    /* 21 = 16 + 4 + 1: each of the statement sizes once. */
    ledger_txn *t = many(21);
    cr_assert_eq(db_begin(c, &e), 0, "%s", e.detail);
    cr_assert_eq(ledger_post_many(c, a, t, 21, &e), 0, "%s", e.detail);
    cr_assert_eq(db_commit(c, &e), 0, "%s", e.detail);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns", NULL), 21);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_entries", NULL), 42);
    /* 1 + 2 + ... + 21 = 231; org_0 gets 1+4+...+19 = 70, org_1 2+5+...+20 = 77,
     * org_2 3+6+...+21 = 84. */
    cr_assert_eq(balance("drop:drp_m"), -231);
    cr_assert_eq(balance("wallet:org_0"), 70);
    cr_assert_eq(balance("wallet:org_1"), 77);
    cr_assert_eq(balance("wallet:org_2"), 84);
    cr_assert_eq(cf_int(c, "SELECT amount FROM ledger_entries WHERE txn_id = ? AND seq = 1",
                        "txn_m20"),
                 21);
}

Test(credit_ledger_store, post_many_refuses_all_for_one_bad_transaction)
{
    err_ctx e = {0};
    ledger_txn *t = many(5);
    t[3].entries[1].amount += 1; /* does not balance */
    cr_assert_eq(db_begin(c, &e), 0, "%s", e.detail);
    cr_assert_eq(ledger_post_many(c, a, t, 5, &e), ERR_INTERNAL);
    cr_assert_not_null(strstr(e.detail, "does not balance"), "%s", e.detail);
    cr_assert_eq(db_commit(c, &e), 0, "%s", e.detail);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns", NULL), 0);
    /* Three legs, or no id: not for this function. */
    t = many(2);
    t[1].id = NULL;
    err_clear(&e);
    cr_assert_eq(ledger_post_many(c, a, t, 2, &e), ERR_INTERNAL);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_entries", NULL), 0);
}
