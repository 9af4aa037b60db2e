/*
 * demo_credit.c: seeds the demo's fund and drops (see demo_credit.h)
 * through the credit feature itself, so the ledger holds their issue and
 * reserve transactions like any other.
 */
#include "cli/demo_credit.h"

#include "base/arena.h"
#include "base/clock.h"
#include "credit/credit.h"

#define DAY_MS (24LL * 3600 * 1000)

typedef struct demo_drop {
    const char *key, *name_zh, *name_en;
    int64_t amount, quantity;
    int opens_day, closes_day; /* from now */
    const char *industries[3], *sizes[3];
} demo_drop;

static const demo_drop demo_drops[] = {
    {"demo-drop-welcome", "新上云企业开业礼 · 5000 元津贴", "Welcome credits: 5,000 CNY",
     500000, 200, -1, 14, {NULL}, {NULL}},
    {"demo-drop-gaming", "游戏行业专享 · 2 万元津贴", "Gaming studios: 20,000 CNY", 2000000, 50,
     0, 7, {"gaming", NULL}, {"small", "medium", NULL}},
    {"demo-drop-ecommerce", "电商大促备战 · 1 万元津贴", "E-commerce big-sale prep: 10,000 CNY",
     1000000, 100, 2, 16, {"ecommerce", NULL}, {NULL}},
};

static jv_strings words(const char *const *v)
{
    size_t n = 0;
    while (v[n])
        n++;
    return (jv_strings){n > 0, n, (const char **)v};
}

int demo_credit_seed(db *d, int64_t now, err_ctx *e)
{
    db_conn *c = NULL;
    arena *a = arena_new(1 << 20);
    fund f;
    drop dr;
    bool replayed;
    credit_idem idem = {.key = "demo-fund", .hash = "demo"};
    fund_input fin = {
        .name = {"上云津贴", "Cloud credit fund"},
        .description = {"1.3 亿元上云津贴，助力互联网企业上云、用云。",
                        "130 million CNY of cloud credits for internet companies."},
        .currency = "CNY",
        .amount = {true, INT64_C(13000000000)},
    };
    int rc = a ? db_acquire(d, &c, e) : err_set(e, ERR_NOMEM, "out of memory");
    if (!rc)
        rc = fund_create(c, a, &fin, &idem, &f, &replayed, e);
    for (size_t i = 0; !rc && i < sizeof demo_drops / sizeof *demo_drops; i++) {
        const demo_drop *x = &demo_drops[i];
        char opens[CLOCK_RFC3339_LEN], closes[CLOCK_RFC3339_LEN];
        clock_format(now + x->opens_day * DAY_MS, opens);
        clock_format(now + x->closes_day * DAY_MS, closes);
        credit_idem key = {.key = x->key, .hash = "demo"};
        drop_input in = {
            .name = {x->name_zh, x->name_en}, .amount = {true, x->amount},
            .quantity = {true, x->quantity}, .opens_at = opens, .closes_at = closes,
            .industries = words(x->industries), .sizes = words(x->sizes),
        };
        rc = drop_create(c, a, f.id, &in, &key, &dr, &replayed, e);
    }
    db_release(c);
    arena_free(a);
    return rc;
}
