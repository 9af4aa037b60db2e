/*
 * test_quote_store.c: the quote writer stores what it queues (at once when
 * a batch fills, within an interval otherwise, and on a read's demand), and
 * the policies a stored quote applied are read back in chunks.
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
    quote_row row = {id, "org_a", "CNY", "[0,0,0,[]]", 1, 2, 0, 1};
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
    cr_assert_eq(quote_writer_new(d, &quiet, 5000, &w, &e), 0, "%s", e.detail);
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
    cr_assert_eq(quote_writer_new(d, &quiet, 20, &w, &e), 0, "%s", e.detail);
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
    cr_assert_eq(quote_writer_new(d, &quiet, 1000, &w, &e), 0, "%s", e.detail);
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
