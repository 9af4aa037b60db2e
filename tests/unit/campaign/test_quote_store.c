/*
 * test_quote_store.c: the quote writer stores what it queues (at once when
 * a batch fills, within an interval otherwise, and on a read's demand),
 * deletes the quotes long expired that no order took, and the policies a
 * stored quote applied are read back in chunks.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../support.h"
#include "base/clock.h"
#include "campaign/quote_store.h"
#include "campaign/quote_writer.h"

static char *dir;
static db *d;
static const logger quiet = {NULL, LOG_ERROR};

static void setup(void)
{
    dir = tmp_dir_new();
    d = tmp_db_migrated(dir, 2);
    tmp_db_script(d, "INSERT INTO orgs VALUES ('org_a','enterprise','A','gaming','small',"
                  " 'cn-north-4','',1,1);"
                  "INSERT INTO campaigns (id,name_zh,name_en,starts_at,ends_at,time_zone,"
                  " created_at,updated_at) VALUES ('cmp_a','a','a',1,2,'UTC',1,1);");
}

static void teardown(void)
{
    db_free(d);
    tmp_dir_free(dir);
}

TestSuite(quote_store, .init = setup, .fini = teardown);

static void add(quote_writer *w, int i, char id[32])
{
    err_ctx e = {0};
    snprintf(id, 32, "quo_%05d", i);
    quote_row row = {id, "org_a", "CNY", "[0,0,0,[]]", 1, 9000000000000, 0, 1}; /* year 2255 */
    cr_assert_eq(quote_writer_add(w, &row, &e), 0, "%s", e.detail);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Polls for up to `ms` until at least `want` quotes are stored. */
static long long stored_within(long long want, int ms)
{
    long long n = 0;
    for (int waited = 0; (n = tmp_db_count(d, "SELECT COUNT(*) FROM quotes")) < want && waited < ms;
         waited += 10)
        sleep_ms(10);
    return n;
}

Test(quote_store, a_full_batch_is_written_before_its_interval_ends)
{
    quote_writer *w = NULL;
    err_ctx e = {0};
    char id[32];
    cr_assert_eq(quote_writer_new(d, &quiet, 5000, 86400000, &w, &e), 0, "%s", e.detail);
    int64_t start = clock_now_ms();
    for (int i = 0; i < 600; i++)
        add(w, i, id);
    /* 512 fill a batch: written long before the 5 s interval is over. */
    cr_assert_geq(stored_within(512, 4000), 512);
    cr_assert_lt(clock_now_ms() - start, 4000);
    /* A read of the last one writes the rest now. */
    cr_assert_eq(quote_writer_sync(w, id, &e), 0, "%s", e.detail);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM quotes"), 600);
    quote_writer_free(w);
}

Test(quote_store, a_lone_quote_is_written_within_an_interval)
{
    quote_writer *w = NULL;
    err_ctx e = {0};
    char id[32];
    cr_assert_eq(quote_writer_new(d, &quiet, 20, 86400000, &w, &e), 0, "%s", e.detail);
    sleep_ms(60); /* the writer is idle, waiting for a first quote */
    add(w, 1, id);
    cr_assert_eq(stored_within(1, 2000), 1);
    sleep_ms(60);
    add(w, 2, id); /* and again after it went idle */
    cr_assert_eq(stored_within(2, 2000), 2);
    quote_writer_free(w);
}

Test(quote_store, stopping_writes_what_is_queued)
{
    quote_writer *w = NULL;
    err_ctx e = {0};
    char id[32];
    cr_assert_eq(quote_writer_new(d, &quiet, 1000, 86400000, &w, &e), 0, "%s", e.detail);
    for (int i = 0; i < 37; i++)
        add(w, i, id);
    quote_writer_free(w);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM quotes"), 37);
}

Test(quote_store, policies_are_read_back_in_chunks)
{
    enum { N = QUOTE_VIEWS_CHUNK + 9 };
    db_conn *c = NULL;
    err_ctx e = {0};
    char sql[512], idbuf[N + 1][16];
    const char *ids[N + 1];
    quote_policy_view views[N + 1];
    bool found[N + 1];
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    for (int i = 0; i < N; i++) {
        snprintf(idbuf[i], sizeof idbuf[i], "pol_%03d", i);
        snprintf(sql, sizeof sql,
                 "INSERT INTO policies (id,campaign_id,name_zh,name_en,lane,effect,effect_value,"
                 " created_at,updated_at) VALUES ('%s','cmp_a','名%d','name %d',%d,"
                 " 'percent_off',100,1,1)",
                 idbuf[i], i, i, i % 10);
        cr_assert_eq(db_exec_script(c, sql, &e), 0, "%s", e.detail);
    }
    snprintf(idbuf[N], sizeof idbuf[N], "pol_gone");
    for (int i = 0; i <= N; i++) /* backwards, with the unknown one in the middle */
        ids[i] = idbuf[(N + 1 - i + N / 2) % (N + 1)];
    arena *a = arena_new(1 << 20);
    cr_assert_eq(quote_policy_views_load(c, a, ids, N + 1, views, found, &e), 0, "%s", e.detail);
    for (int i = 0; i <= N; i++) {
        if (strcmp(ids[i], "pol_gone") == 0) {
            cr_assert_not(found[i]);
            continue;
        }
        int k = atoi(ids[i] + 4);
        char en[16];
        snprintf(en, sizeof en, "name %d", k);
        cr_assert(found[i], "%s", ids[i]);
        cr_assert_str_eq(views[i].campaign_id, "cmp_a");
        cr_assert_str_eq(views[i].name_en, en);
        cr_assert_str_eq(views[i].effect, "percent_off");
        cr_assert_eq(views[i].lane, k % 10);
    }
    cr_assert_eq(quote_policy_views_load(c, a, ids, 0, views, found, &e), 0, "none to read");
    arena_free(a);
    db_release(c);
}

/* Quotes expiring at 100, 200, ... 1000 (quo_e01 .. quo_e10), the one
 * expiring at 300 ordered, and one far in the future. */
static void expiring_quotes(void)
{
    char sql[256];
    for (int i = 1; i <= 10; i++) {
        snprintf(sql, sizeof sql,
                 "INSERT INTO quotes VALUES ('quo_e%02d','org_a',1,%d,'CNY',0,'[0,0,0,[]]',1)", i,
                 i * 100);
        tmp_db_script(d, sql);
    }
    tmp_db_script(d, "INSERT INTO quotes VALUES ('quo_later','org_a',1,9000000000000,'CNY',0,"
                     " '[0,0,0,[]]',1);"
                     "INSERT INTO users (id,email,name,role,org_id,password_hash,created_at,"
                     " updated_at) VALUES ('usr_a','a@example.com','A','enterprise','org_a','x',1,1);"
                     "INSERT INTO orders VALUES ('ord_a','org_a','usr_a','quo_e03','CNY',0,0,0,1);");
}

static long long left_of(const char *id)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM quotes WHERE id = '%s'", id);
    return tmp_db_count(d, sql);
}

Test(quote_store, prune_deletes_expired_unordered_quotes_oldest_first)
{
    db_conn *c = NULL;
    err_ctx e = {0};
    int64_t n = -1;
    expiring_quotes();
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    /* Expired before 650: e01..e06, but e03 was ordered. Three at a time. */
    cr_assert_eq(quote_prune(c, 650, 3, &n, &e), 0, "%s", e.detail);
    cr_assert_eq(n, 3);
    cr_assert(!left_of("quo_e01") && !left_of("quo_e02") && !left_of("quo_e04"));
    cr_assert(left_of("quo_e03") && left_of("quo_e05") && left_of("quo_e06"));
    cr_assert_eq(quote_prune(c, 650, 3, &n, &e), 0, "%s", e.detail);
    cr_assert_eq(n, 2, "e05 and e06 are left to delete");
    cr_assert_eq(quote_prune(c, 650, 3, &n, &e), 0, "%s", e.detail);
    cr_assert_eq(n, 0);
    db_release(c);
    cr_assert(left_of("quo_e03"), "an ordered quote stays");
    cr_assert(left_of("quo_e07") && left_of("quo_e10") && left_of("quo_later"));
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM quotes"), 6);
}

Test(quote_store, the_writer_deletes_quotes_kept_long_enough)
{
    quote_writer *w = NULL;
    err_ctx e = {0};
    expiring_quotes();
    /* Kept for a minute after expiry: every test quote expired long ago
     * (1970) but quo_later and the ordered one. */
    cr_assert_eq(quote_writer_new(d, &quiet, 20, 60000, &w, &e), 0, "%s", e.detail);
    for (int waited = 0; tmp_db_count(d, "SELECT COUNT(*) FROM quotes") > 2 && waited < 3000;
         waited += 10)
        sleep_ms(10);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM quotes"), 2);
    cr_assert(left_of("quo_e03") && left_of("quo_later"));
    /* And it goes on looking: a quote written now that expired in 1970. */
    quote_row row = {"quo_old", "org_a", "CNY", "[0,0,0,[]]", 1, 2, 0, 1};
    cr_assert_eq(quote_writer_add(w, &row, &e), 0, "%s", e.detail);
    cr_assert_eq(quote_writer_sync(w, "quo_old", &e), 0, "%s", e.detail);
    for (int waited = 0; left_of("quo_old") && waited < 3000; waited += 10)
        sleep_ms(10);
    cr_assert_not(left_of("quo_old"));
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM quotes"), 2);
    quote_writer_free(w);
}
