/*
 * test_claim.c: the claim batcher with a crowd. Twelve enterprises claim a
 * five-place drop (three shards) at once from twelve threads, each with
 * its own connection and arena: exactly five win, seven hear "sold out",
 * and the database holds exactly five claims, five grants and a ledger
 * the audit finds consistent. Then the rules around a claim: one per org,
 * Idempotency-Key replays and misuse, who may claim, when, and what
 * closing a partly claimed drop gives back.
 *
 * Every test has a timeout: a batcher that never answers fails the test
 * instead of hanging the suite.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "credit/claim.h"
#include "credit/ledger.h"
#include "credit/wallet.h"
#include "credit_fixture.h"
#include "../support.h"

#define CROWD 12
#define PLACES 5
#define AMOUNT INT64_C(20000) /* 200.00 CNY a place */

static char *dir;
static db *d;
static claim_batcher *cb;
static logger log_err; /* batch failures, to stderr */
static fund f;
static drop dr;
static arena *setup_arena;

/* The orgs: "ent_00".."ent_11" (gaming, small), a partner, a large
 * mobility enterprise; a fund of 1,000,000 and the five-place drop. */
static void setup_db(int pool)
{
    err_ctx e = {0};
    db_conn *c = NULL;
    log_err = (logger){stderr, LOG_WARN};
    dir = tmp_dir_new();
    d = tmp_db_migrated(dir, pool);
    setup_arena = arena_new(1 << 20);
    cr_assert_not_null(setup_arena);
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    for (int i = 0; i < CROWD; i++) {
        char id[16];
        snprintf(id, sizeof id, "ent_%02d", i);
        cf_org(c, id, "enterprise", "gaming", "small");
    }
    cf_org(c, "prt_00", "partner", "gaming", "small");
    cf_org(c, "ent_big", "enterprise", "mobility", "large");
    cf_fund(c, setup_arena, INT64_C(1000000), "fund", &f);
    int64_t now = clock_now_ms();
    drop_input in = cf_drop_input(setup_arena, AMOUNT, PLACES, 3, now - CF_MINUTE_MS,
                                  now + CF_HOUR_MS);
    static const char *ind[] = {"gaming", "ecommerce"};
    in.industries = (jv_strings){true, 2, ind};
    cf_drop(c, setup_arena, f.id, &in, "drop", &dr);
    cr_assert_eq(dr.shards, 3);
    db_release(c);
    cr_assert_eq(claim_batcher_new(d, &log_err, 64, 1, &cb, &e), 0, "%s", e.detail);
}

static void setup6(void) { setup_db(6); }
static void setup14(void) { setup_db(CROWD + 2); }

static void teardown(void)
{
    claim_batcher_free(cb);
    arena_free(setup_arena);
    db_free(d);
    tmp_dir_free(dir);
}

/* ---- one claim from a thread ------------------------------------------ */

typedef struct claimer {
    /* in */
    const char *drop_id;
    char org[16], key[32];
    sem_t *slots; /* connections a claimer may hold at once, or NULL */
    pthread_barrier_t *start;
    /* out (copied out of the arena before it is freed) */
    int rc, code;
    bool replayed, ran;
    char detail[ERR_DETAIL_LEN], claim_id[RAND_ID_LEN], grant_id[RAND_ID_LEN];
    char claim_org[16];
    int64_t grant_amount, grant_remaining, grant_expires, grant_created;
} claimer;

/* No Criterion assertion in here: they belong to the test's own thread. */
static void *claim_main(void *arg)
{
    claimer *cl = arg;
    cf_actor who;
    cf_actor_of(&who, cl->org, "enterprise");
    err_ctx e = {0};
    db_conn *c = NULL;
    claim got = {0};
    grant g = {0};
    arena *a = arena_new(1 << 20);
    if (cl->start)
        pthread_barrier_wait(cl->start);
    if (cl->slots)
        sem_wait(cl->slots);
    cl->rc = a ? db_acquire(d, &c, &e) : ERR_NOMEM;
    if (!cl->rc)
        cl->rc = claim_submit(cb, c, a, &who.actor, cl->drop_id, cl->key, &got, &g, &cl->replayed,
                              &e);
    db_release(c);
    if (cl->slots)
        sem_post(cl->slots);
    cl->code = e.code;
    snprintf(cl->detail, sizeof cl->detail, "%s", e.detail);
    if (!cl->rc) {
        snprintf(cl->claim_id, sizeof cl->claim_id, "%s", got.id);
        snprintf(cl->claim_org, sizeof cl->claim_org, "%s", got.org_id);
        snprintf(cl->grant_id, sizeof cl->grant_id, "%s", g.id);
        cl->grant_amount = g.amount;
        cl->grant_remaining = g.remaining;
        cl->grant_expires = g.expires_at;
        cl->grant_created = g.created_at;
    }
    arena_free(a);
    cl->ran = true;
    return NULL;
}

/* One claim on the test's thread. */
static int claim_one(claimer *cl, const char *org, const char *key, const char *drop_id)
{
    memset(cl, 0, sizeof *cl);
    snprintf(cl->org, sizeof cl->org, "%s", org);
    snprintf(cl->key, sizeof cl->key, "%s", key);
    cl->drop_id = drop_id;
    claim_main(cl);
    cr_assert(cl->ran);
    return cl->rc;
}

/* CROWD threads claim dr at once, at most `holders` holding a connection. */
static void crowd(claimer *cls, int holders)
{
    pthread_t th[CROWD];
    pthread_barrier_t start;
    sem_t slots;
    cr_assert_eq(pthread_barrier_init(&start, NULL, CROWD), 0);
    cr_assert_eq(sem_init(&slots, 0, (unsigned)holders), 0);
    for (int i = 0; i < CROWD; i++) {
        cls[i] = (claimer){.drop_id = dr.id, .slots = &slots, .start = &start};
        snprintf(cls[i].org, sizeof cls[i].org, "ent_%02d", i);
        snprintf(cls[i].key, sizeof cls[i].key, "key-%02d", i);
        cr_assert_eq(pthread_create(&th[i], NULL, claim_main, &cls[i]), 0);
    }
    for (int i = 0; i < CROWD; i++)
        pthread_join(th[i], NULL);
    pthread_barrier_destroy(&start);
    sem_destroy(&slots);
}

/* What a crowd on the five-place drop must leave behind. */
static void check_crowd(claimer *cls)
{
    int won = 0, sold_out = 0;
    char winners[CROWD][16];
    for (int i = 0; i < CROWD; i++) {
        cr_assert(cls[i].ran);
        if (cls[i].rc == 0) {
            cr_assert_not(cls[i].replayed, "%s", cls[i].org);
            cr_assert_eq(strncmp(cls[i].claim_id, "clm_", 4), 0, "%s", cls[i].claim_id);
            cr_assert_eq(strncmp(cls[i].grant_id, "grt_", 4), 0, "%s", cls[i].grant_id);
            cr_assert_str_eq(cls[i].claim_org, cls[i].org);
            cr_assert_eq(cls[i].grant_amount, AMOUNT);
            cr_assert_eq(cls[i].grant_remaining, AMOUNT);
            cr_assert_eq(cls[i].grant_expires - cls[i].grant_created,
                         CREDIT_GRANT_DAYS_DEFAULT * CF_DAY_MS);
            snprintf(winners[won++], sizeof winners[0], "%s", cls[i].org);
        } else {
            cr_assert_eq(cls[i].rc, ERR_CONFLICT, "%s: %d %s", cls[i].org, cls[i].rc,
                         cls[i].detail);
            cr_assert_eq(cls[i].code, ERR_CONFLICT);
            cr_assert_not_null(strstr(cls[i].detail, "sold out"), "%s: %s", cls[i].org,
                               cls[i].detail);
            sold_out++;
        }
    }
    cr_assert_eq(won, PLACES);
    cr_assert_eq(sold_out, CROWD - PLACES);

    arena *a = arena_new(1 << 20);
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM claims WHERE drop_id = ?", dr.id), PLACES);
    cr_assert_eq(cf_int(c, "SELECT COUNT(DISTINCT org_id) FROM claims WHERE drop_id = ?", dr.id),
                 PLACES);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM grants WHERE fund_id = ?", f.id), PLACES);
    cr_assert_eq(cf_int(c, "SELECT SUM(remaining) FROM drop_shards WHERE drop_id = ?", dr.id), 0);
    cr_assert_eq(cf_int(c, "SELECT MIN(remaining) FROM drop_shards WHERE drop_id = ?", dr.id), 0);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns WHERE kind = 'claim'", NULL),
                 PLACES);
    cr_assert_eq(cf_balance(c, "drop", dr.id), 0);
    for (int i = 0; i < CROWD; i++)
        cr_assert_eq(cf_balance(c, "wallet", cls[i].org), cls[i].rc ? 0 : AMOUNT, "%s",
                     cls[i].org);
    drop now;
    cr_assert_eq(drop_get(c, a, dr.id, &now, &e), 0, "%s", e.detail);
    cr_assert_eq(now.remaining, 0);
    cr_assert_eq(drop_status(&now, clock_now_ms()), DROP_SOLD_OUT);
    fund fn;
    cr_assert_eq(fund_get(c, a, f.id, &fn, &e), 0, "%s", e.detail);
    cr_assert_eq(fn.granted, PLACES * AMOUNT);
    cr_assert_eq(fn.reserved, 0);
    cr_assert_eq(fn.available, INT64_C(1000000) - PLACES * AMOUNT);
    /* A winner's wallet, as the winner sees it. */
    cf_actor w;
    cf_actor_of(&w, winners[0], "enterprise");
    wallet wl;
    cr_assert_eq(wallet_get(c, a, &w.actor, NULL, clock_now_ms(), &wl, &e), 0, "%s", e.detail);
    cr_assert_eq(wl.n, 1);
    cr_assert_str_eq(wl.balances[0].currency, "CNY");
    cr_assert_eq(wl.balances[0].available, AMOUNT);
    cr_assert_eq(wl.balances[0].granted, AMOUNT);
    cr_assert_eq(wl.balances[0].expired, 0);
    db_release(c);
    arena_free(a);

    char report[4096] = "";
    cr_assert_eq(tmp_audit(d, report, sizeof report), 0, "%s", report);
}

TestSuite(credit_claim_crowd, .fini = teardown, .timeout = 60);

/* A pool of 6, one of which the batcher keeps for itself: at most 5
 * claimers hold a connection at a time, the others wait for one. */
Test(credit_claim_crowd, twelve_orgs_five_places_pool_of_six, .init = setup6)
{
    claimer cls[CROWD];
    crowd(cls, 5);
    check_crowd(cls);
}

/* The server's sizing (a connection per worker plus the batcher's): all
 * twelve hold a connection at once. */
Test(credit_claim_crowd, twelve_orgs_five_places_a_connection_each, .init = setup14)
{
    claimer cls[CROWD];
    crowd(cls, CROWD);
    check_crowd(cls);
}

Test(credit_claim_crowd, after_the_crowd_one_claim_per_org_and_keys_replay, .init = setup6)
{
    claimer cls[CROWD], again;
    crowd(cls, 5);
    check_crowd(cls);
    const claimer *win = NULL, *lose = NULL;
    for (int i = 0; i < CROWD; i++) {
        if (cls[i].rc == 0 && !win)
            win = &cls[i];
        if (cls[i].rc != 0 && !lose)
            lose = &cls[i];
    }
    cr_assert(win && lose);

    /* The same key replays the claim and grant it made. */
    cr_assert_eq(claim_one(&again, win->org, win->key, dr.id), 0, "%s", again.detail);
    cr_assert(again.replayed);
    cr_assert_str_eq(again.claim_id, win->claim_id);
    cr_assert_str_eq(again.grant_id, win->grant_id);
    cr_assert_eq(again.grant_amount, AMOUNT);

    /* A second claim with another key: this org has claimed already. */
    cr_assert_eq(claim_one(&again, win->org, "another-key", dr.id), ERR_CONFLICT);
    cr_assert_not(again.replayed);
    cr_assert_not_null(strstr(again.detail, "already claimed"), "%s", again.detail);

    /* A loser's key made nothing to replay: still sold out. */
    cr_assert_eq(claim_one(&again, lose->org, lose->key, dr.id), ERR_CONFLICT);
    cr_assert_not(again.replayed);
    cr_assert_not_null(strstr(again.detail, "sold out"), "%s", again.detail);

    long long claims = tmp_db_count(d, "SELECT COUNT(*) FROM claims");
    cr_assert_eq(claims, PLACES);
    char report[4096] = "";
    cr_assert_eq(tmp_audit(d, report, sizeof report), 0, "%s", report);
}

/* ---- single claims ---------------------------------------------------- */

TestSuite(credit_claim, .init = setup6, .fini = teardown, .timeout = 60);

/* A second drop on the same fund, from opens to closes (ms from now). */
static void another_drop(int64_t quantity, int64_t opens, int64_t closes, const char *key,
                         drop *out)
{
    db_conn *c = NULL;
    err_ctx e = {0};
    int64_t now = clock_now_ms();
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    drop_input in = cf_drop_input(setup_arena, AMOUNT, quantity, 0, now + opens, now + closes);
    cf_drop(c, setup_arena, f.id, &in, key, out);
    db_release(c);
}

Test(credit_claim, a_claim_gives_a_grant_and_moves_money_through_the_ledger)
{
    claimer cl;
    int64_t before = clock_now_ms();
    cr_assert_eq(claim_one(&cl, "ent_00", "k", dr.id), 0, "%s", cl.detail);
    cr_assert_not(cl.replayed);
    cr_assert_geq(cl.grant_created, before);
    cr_assert_eq(cl.grant_expires, cl.grant_created + 365 * CF_DAY_MS);

    arena *a = arena_new(1 << 20);
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    grant g;
    cr_assert_eq(grant_of(c, a, cl.claim_id, &g, &e), 0, "%s", e.detail);
    cr_assert_str_eq(g.id, cl.grant_id);
    cr_assert_str_eq(g.org_id, "ent_00");
    cr_assert_str_eq(g.fund_id, f.id);
    cr_assert_str_eq(g.source, "claim");
    cr_assert_str_eq(g.currency, "CNY");
    cr_assert_eq(g.amount, AMOUNT);
    cr_assert_eq(g.expires_at, cl.grant_expires);
    cr_assert_eq(cf_balance(c, "wallet", "ent_00"), AMOUNT);
    cr_assert_eq(cf_balance(c, "drop", dr.id), (PLACES - 1) * AMOUNT);
    cr_assert_eq(cf_int(c, "SELECT COUNT(*) FROM ledger_txns WHERE kind = 'claim' AND ref = ?"
                           " AND org_id = 'ent_00'",
                        cl.claim_id),
                 1);
    /* The ledger as the org sees it: its claim only, not the issue or the
     * reserve; the operator sees all three. */
    cf_actor who;
    cf_actor_of(&who, "ent_00", "enterprise");
    ledger_txn *items;
    int n;
    const char *next;
    cr_assert_eq(ledger_list(c, a, &who.actor, NULL, (account_page){10, NULL}, &items, &n, &next,
                             &e),
                 0, "%s", e.detail);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(items[0].kind, "claim");
    cr_assert_str_eq(items[0].ref, cl.claim_id);
    account_actor op = cf_operator();
    cr_assert_eq(ledger_list(c, a, &op, NULL, (account_page){10, NULL}, &items, &n, &next, &e), 0,
                 "%s", e.detail);
    cr_assert_eq(n, 3);
    /* Claims of the drop: the org sees its own, another org none. */
    claim *cls;
    cr_assert_eq(claim_list(c, a, &who.actor, dr.id, (account_page){10, NULL}, &cls, &n, &next,
                            &e),
                 0, "%s", e.detail);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(cls[0].id, cl.claim_id);
    cf_actor other;
    cf_actor_of(&other, "ent_01", "enterprise");
    cr_assert_eq(claim_list(c, a, &other.actor, dr.id, (account_page){10, NULL}, &cls, &n, &next,
                            &e),
                 0, "%s", e.detail);
    cr_assert_eq(n, 0);
    db_release(c);
    arena_free(a);
}

Test(credit_claim, who_may_claim)
{
    claimer cl;
    /* A partner: forbidden. */
    cf_actor p;
    cf_actor_of(&p, "prt_00", "partner");
    arena *a = arena_new(1 << 20);
    db_conn *c = NULL;
    err_ctx e = {0};
    claim got;
    grant g;
    bool replayed;
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(claim_submit(cb, c, a, &p.actor, dr.id, "k", &got, &g, &replayed, &e),
                 ERR_FORBIDDEN);
    cr_assert_not_null(strstr(e.detail, "only enterprises"), "%s", e.detail);
    /* No org at all (an operator): forbidden. */
    account_actor op = cf_operator();
    err_clear(&e);
    cr_assert_eq(claim_submit(cb, c, a, &op, dr.id, "k", &got, &g, &replayed, &e), ERR_FORBIDDEN);
    db_release(c);
    arena_free(a);
    /* An enterprise outside the drop's industries: forbidden. */
    cr_assert_eq(claim_one(&cl, "ent_big", "k", dr.id), ERR_FORBIDDEN);
    cr_assert_not_null(strstr(cl.detail, "industry"), "%s", cl.detail);
    /* An unknown drop. */
    cr_assert_eq(claim_one(&cl, "ent_00", "k", "drp_nope"), ERR_NOT_FOUND);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM claims"), 0);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM grants"), 0);
}

Test(credit_claim, only_inside_the_window)
{
    claimer cl;
    drop later, gone;
    another_drop(3, CF_HOUR_MS, 2 * CF_HOUR_MS, "later", &later);
    cr_assert_eq(claim_one(&cl, "ent_00", "k1", later.id), ERR_CONFLICT);
    cr_assert_not_null(strstr(cl.detail, "not open yet"), "%s", cl.detail);
    another_drop(3, -CF_HOUR_MS, CF_HOUR_MS, "gone", &gone);
    arena *a = arena_new(1 << 20);
    db_conn *c = NULL;
    err_ctx e = {0};
    drop closed;
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(drop_close(c, a, gone.id, &closed, &e), 0, "%s", e.detail);
    db_release(c);
    arena_free(a);
    cr_assert_eq(claim_one(&cl, "ent_00", "k2", gone.id), ERR_CONFLICT);
    cr_assert_not_null(strstr(cl.detail, "closed"), "%s", cl.detail);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM claims"), 0);
}

Test(credit_claim, a_key_belongs_to_one_drop)
{
    claimer cl, again;
    drop second;
    another_drop(3, -CF_MINUTE_MS, CF_HOUR_MS, "second", &second);
    cr_assert_eq(claim_one(&cl, "ent_00", "k", dr.id), 0, "%s", cl.detail);
    /* The same key on another drop: refused, nothing claimed there. */
    cr_assert_eq(claim_one(&again, "ent_00", "k", second.id), ERR_VALIDATION);
    cr_assert_eq(again.code, ERR_VALIDATION);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM claims"), 1);
    /* A fresh key claims from the second drop too: one claim per drop. */
    cr_assert_eq(claim_one(&again, "ent_00", "k2", second.id), 0, "%s", again.detail);
    cr_assert_str_neq(again.claim_id, cl.claim_id);
    /* Keys are per org: another org may use "k". */
    cr_assert_eq(claim_one(&again, "ent_01", "k", dr.id), 0, "%s", again.detail);
    db_conn *c = NULL;
    err_ctx e = {0};
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(cf_balance(c, "wallet", "ent_00"), 2 * AMOUNT);
    cr_assert_eq(cf_balance(c, "wallet", "ent_01"), AMOUNT);
    db_release(c);
    char report[4096] = "";
    cr_assert_eq(tmp_audit(d, report, sizeof report), 0, "%s", report);
}

Test(credit_claim, closing_a_partly_claimed_drop_returns_the_rest)
{
    claimer cl;
    cr_assert_eq(claim_one(&cl, "ent_00", "k", dr.id), 0, "%s", cl.detail);
    cr_assert_eq(claim_one(&cl, "ent_01", "k", dr.id), 0, "%s", cl.detail);
    arena *a = arena_new(1 << 20);
    db_conn *c = NULL;
    err_ctx e = {0};
    drop closed;
    fund fn;
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(drop_close(c, a, dr.id, &closed, &e), 0, "%s", e.detail);
    cr_assert_eq(closed.released, PLACES - 2);
    cr_assert_eq(closed.remaining, 0);
    cr_assert_eq(fund_get(c, a, f.id, &fn, &e), 0, "%s", e.detail);
    cr_assert_eq(fn.granted, 2 * AMOUNT);
    cr_assert_eq(fn.reserved, 0);
    cr_assert_eq(fn.available, INT64_C(1000000) - 2 * AMOUNT);
    cr_assert_eq(cf_balance(c, "drop", dr.id), 0);
    cr_assert_eq(cf_balance(c, "fund", f.id), INT64_C(1000000) - 2 * AMOUNT);
    db_release(c);
    arena_free(a);
    /* Closed now: the next org is turned away, the grants stay. */
    cr_assert_eq(claim_one(&cl, "ent_02", "k", dr.id), ERR_CONFLICT);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM grants"), 2);
    char report[4096] = "";
    cr_assert_eq(tmp_audit(d, report, sizeof report), 0, "%s", report);
}

/* ---- the parked path (claim_check, claim_queue, claim_finish) ---------- */

static void setup2(void) { setup_db(2); }

static void settled(void *arg) { sem_post(arg); }

/* What the server does: check, give the connection back, queue, wait to be
 * told, take a connection again, finish. With a pool of two connections,
 * one of them the batcher's own, this works only if nothing holds the
 * other while it waits. */
Test(credit_claim_crowd, parked_claims_hold_no_connection, .init = setup2)
{
    cf_actor who;
    cf_actor_of(&who, "ent_03", "enterprise");
    arena *a = arena_new(1 << 20);
    db_conn *c = NULL;
    err_ctx e = {0};
    claim cl;
    grant g;
    bool replayed = true, decided = true;
    sem_t done;
    claim_ticket *t = NULL;
    cr_assert_eq(sem_init(&done, 0, 0), 0);
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(claim_check(c, a, &who.actor, dr.id, "park", &cl, &g, &replayed, &decided, &e),
                 0, "%s", e.detail);
    cr_assert_not(decided);
    cr_assert_not(replayed);
    db_release(c);
    cr_assert_eq(claim_queue(cb, a, &who.actor, dr.id, "park", settled, &done, &t, &e), 0, "%s",
                 e.detail);
    struct timespec until;
    clock_deadline(20000, &until);
    cr_assert_eq(sem_timedwait(&done, &until), 0, "the batcher never settled the claim");
    cr_assert_eq(db_acquire(d, &c, &e), 0, "%s", e.detail);
    cr_assert_eq(claim_finish(cb, t, c, a, &cl, &g, &replayed, &e), 0, "%s", e.detail);
    cr_assert_not(replayed);
    cr_assert_str_eq(cl.org_id, "ent_03");
    cr_assert_str_eq(cl.drop_id, dr.id);
    cr_assert_str_eq(g.source_id, cl.id);
    cr_assert_eq(g.amount, AMOUNT);
    cr_assert_eq(cf_balance(c, "wallet", "ent_03"), AMOUNT);
    /* The same key again is decided by the check alone: a replay. */
    claim again;
    cr_assert_eq(claim_check(c, a, &who.actor, dr.id, "park", &again, &g, &replayed, &decided,
                             &e),
                 0, "%s", e.detail);
    cr_assert(decided);
    cr_assert(replayed);
    cr_assert_str_eq(again.id, cl.id);
    db_release(c);
    sem_destroy(&done);
    arena_free(a);
}
