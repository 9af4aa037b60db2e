/*
 * demo_catalog.c: writes the demo catalog (demo_catalog_data.c) and the
 * demo campaigns with their policies, once: only when no region exists yet,
 * all in one write transaction that also bumps the quote engine's version.
 *
 * Campaigns: the seeds' 2021 "华为云专属月·行业深耕" (15 Oct to 15 Nov 2021,
 * e-commerce, gaming and mobility, a 130M CNY cloud-credit fund), a live
 * going-global campaign placed around the moment of seeding so the demo
 * shows offers now, and an unpublished draft for operators.
 */
#include "cli/demo_catalog.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "campaign/engine.h"

#define DAY_MS 86400000LL
#define SHANGHAI_OFFSET_MS (8 * 3600000LL)

static const char *const modes[] = {"on_demand", "monthly", "yearly"};

typedef struct demo_campaign {
    const char *id, *name_zh, *name_en, *description_zh, *description_en;
    int64_t starts_at, ends_at; /* fixed times; 0 = placed relative to now (below) */
    int start_day, end_day;     /* days from the Shanghai midnight before now */
    const char *regions, *industries;
    int published;
} demo_campaign;

#define OVERSEAS_REGIONS "ap-southeast-1,ap-southeast-2,ap-southeast-3,af-south-1,la-south-2"

static const demo_campaign campaigns[] = {
    {"cmp_demo_2021", "华为云专属月·行业深耕", "Exclusive Month · Industry Deep-dive",
     "10月15日至11月15日，华为云面向互联网企业，特别是电商、游戏、移动出行行业，发放1.3亿元上云津贴，"
     "优选40多款云产品，甄选高频云技术场景包，并集结50多位云技术专家提供专属咨询与技术支持。",
     "From 15 October to 15 November 2021 Huawei Cloud backs internet companies, above all in "
     "e-commerce, gaming and mobility, with a 130 million CNY cloud-credit fund, 40+ selected "
     "products, scenario packs for frequent workloads and 50+ cloud experts for dedicated advice.",
     1634227200000LL /* 2021-10-15T00:00:00+08:00 */, 1636905600000LL /* 2021-11-15T00:00+08:00 */,
     0, 0, "", "ecommerce,gaming,mobility", 1},
    {"cmp_demo_live", "专属月 · 出海季", "Exclusive Month · Going Global",
     "面向出海企业：香港、曼谷、新加坡、约翰内斯堡与圣地亚哥区域的计算与网络限时优惠，出海场景包专享价，"
     "新客数据库首购特惠。一个账号、一点接入，业务快速全球触达。",
     "For companies going global: limited-time offers on compute and network in Hong Kong, Bangkok, "
     "Singapore, Johannesburg and Santiago, special prices on the going-overseas packs and a "
     "first-purchase database discount for new customers. One account, one access point, global "
     "reach.",
     0, 0, -3, 27, OVERSEAS_REGIONS, "", 1},
    {"cmp_demo_draft", "年终上云节", "Year-end Cloud Festival",
     "草稿：年终存储与安全特惠，待运营审核后发布。",
     "Draft: year-end storage and security offers, to be published after review.", 0, 0, 40, 55,
     "", "", 0},
};

typedef struct demo_policy {
    const char *id, *campaign, *name_zh, *name_en;
    int lane;
    const char *regions, *industries, *products, *categories, *packs, *billing_modes, *order_types;
    int new_customer_only;
    int64_t min_quantity, min_line_amount, min_order_amount;
    const char *effect;
    int64_t value;
    int64_t per_org_limit, total_limit, budget;
} demo_policy;

static const demo_policy policies[] = {
    /* 2021: Exclusive Month · Industry Deep-dive */
    {.id = "pol_demo_1", .campaign = "cmp_demo_2021", .name_zh = "电商计算类8折",
     .name_en = "E-commerce: 20% off compute", .lane = 0, .industries = "ecommerce",
     .categories = "compute", .effect = "percent_off", .value = 2000},
    {.id = "pol_demo_2", .campaign = "cmp_demo_2021", .name_zh = "数据库新客首购7折",
     .name_en = "Databases: 30% off the first purchase", .lane = 0, .categories = "database",
     .order_types = "new", .new_customer_only = 1, .effect = "percent_off", .value = 3000,
     .per_org_limit = 1},
    {.id = "pol_demo_3", .campaign = "cmp_demo_2021", .name_zh = "CDN流量包特价 120元/TB",
     .name_en = "CDN traffic at 120 CNY per TB", .lane = 0, .products = "cdn.traffic",
     .billing_modes = "monthly", .effect = "fixed_unit_price", .value = 12000},
    {.id = "pol_demo_4", .campaign = "cmp_demo_2021", .name_zh = "游戏GPU算力65折",
     .name_en = "Gaming: 35% off GPU power", .lane = 0, .industries = "gaming",
     .products = "ecs.gpu,modelarts.training", .effect = "percent_off", .value = 3500,
     .per_org_limit = 3},
    {.id = "pol_demo_5", .campaign = "cmp_demo_2021", .name_zh = "OBS标准存储每单免1TB",
     .name_en = "OBS Standard: 1 TB free per line", .lane = 0, .products = "obs.standard",
     .effect = "free_units", .value = 1, .per_org_limit = 5},
    {.id = "pol_demo_6", .campaign = "cmp_demo_2021", .name_zh = "电商大促扩容包专享价",
     .name_en = "Big-sale scale-out pack special price", .lane = 0,
     .packs = "pck_demo_ecommerce-promo", .effect = "pack_price", .value = 598000},
    {.id = "pol_demo_7", .campaign = "cmp_demo_2021", .name_zh = "行业场景包再享9折",
     .name_en = "Industry scenario packs: a further 10% off", .lane = 1,
     .packs = "pck_demo_ecommerce-live,pck_demo_ecommerce-recommend,pck_demo_gaming-launch,"
              "pck_demo_gaming-global,pck_demo_gaming-ai-bots,pck_demo_mobility-dispatch,"
              "pck_demo_mobility-iov",
     .effect = "percent_off", .value = 1000},
    {.id = "pol_demo_8", .campaign = "cmp_demo_2021", .name_zh = "新客首单满2000元的产品各减500元",
     .name_en = "New customers: 500 CNY off each line above 2,000 CNY in the first order", .lane = 1,
     .new_customer_only = 1, .min_line_amount = 200000, .effect = "amount_off", .value = 50000,
     .per_org_limit = 1, .total_limit = 20000},
    {.id = "pol_demo_9", .campaign = "cmp_demo_2021", .name_zh = "上云津贴：订单满1万元享95折",
     .name_en = "Cloud credit: 5% off orders above 10,000 CNY", .lane = 2,
     .min_order_amount = 1000000, .effect = "percent_off", .value = 500,
     .budget = 2000000000 /* 20M CNY of the 130M fund */},
    /* live: Exclusive Month · Going Global (overseas regions) */
    {.id = "pol_demo_10", .campaign = "cmp_demo_live", .name_zh = "出海计算85折",
     .name_en = "Overseas compute: 15% off", .lane = 0, .categories = "compute",
     .effect = "percent_off", .value = 1500},
    {.id = "pol_demo_11", .campaign = "cmp_demo_live", .name_zh = "出海网络7折",
     .name_en = "Overseas network: 30% off", .lane = 0, .categories = "network",
     .effect = "percent_off", .value = 3000},
    {.id = "pol_demo_12", .campaign = "cmp_demo_live", .name_zh = "出海起步套餐专享价",
     .name_en = "Going-overseas starter pack special price", .lane = 0,
     .packs = "pck_demo_overseas-starter", .effect = "pack_price", .value = 328000,
     .per_org_limit = 2},
    {.id = "pol_demo_13", .campaign = "cmp_demo_live", .name_zh = "海外独立站套餐专享价",
     .name_en = "Overseas web-shop pack special price", .lane = 0,
     .packs = "pck_demo_overseas-shop", .effect = "pack_price", .value = 688000,
     .per_org_limit = 2},
    {.id = "pol_demo_14", .campaign = "cmp_demo_live", .name_zh = "新客海外数据库首购5折",
     .name_en = "New customers: 50% off overseas databases", .lane = 1,
     .categories = "database", .new_customer_only = 1, .order_types = "new",
     .effect = "percent_off", .value = 5000, .per_org_limit = 1,
     .budget = 50000000 /* 500,000 CNY */},
    /* draft: Year-end Cloud Festival */
    {.id = "pol_demo_15", .campaign = "cmp_demo_draft", .name_zh = "存储包年75折",
     .name_en = "Storage: 25% off yearly", .lane = 0, .categories = "storage",
     .billing_modes = "yearly", .effect = "percent_off", .value = 2500},
    {.id = "pol_demo_16", .campaign = "cmp_demo_draft", .name_zh = "安全产品8折",
     .name_en = "Security: 20% off", .lane = 0, .categories = "security",
     .effect = "percent_off", .value = 2000, .budget = 100000000},
};

static const char *s(const char *v)
{
    return v ? v : "";
}

/* "on_demand,monthly,yearly" or a subset, into out. */
static void product_modes(const demo_product *p, char *out, size_t n)
{
    out[0] = '\0';
    for (int m = 0; m < 3; m++) {
        bool offered = false;
        for (size_t r = 0; r < demo_nregions && !offered; r++)
            offered = demo_price(p, r, m) >= 0;
        if (!offered)
            continue;
        if (out[0])
            strncat(out, ",", n - strlen(out) - 1);
        strncat(out, modes[m], n - strlen(out) - 1);
    }
}

static int seed_regions(db_conn *c, int64_t now, err_ctx *e)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < demo_nregions; i++) {
        const demo_region *r = &demo_regions[i];
        rc = db_exec(c,
                     "INSERT INTO regions (code, name_zh, name_en, area, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(r->code), DB_TEXT(r->name_zh), DB_TEXT(r->name_en),
                             DB_TEXT(r->area), DB_INT(now), DB_INT(now)),
                     NULL, e);
    }
    return rc;
}

static int seed_products(db_conn *c, int64_t now, err_ctx *e)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < demo_nproducts; i++) {
        const demo_product *p = &demo_products[i];
        char pm[64];
        product_modes(p, pm, sizeof pm);
        rc = db_exec(c,
                     "INSERT INTO products (code, name_zh, name_en, category, unit_zh, unit_en,"
                     " billing_modes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(p->code), DB_TEXT(p->name_zh), DB_TEXT(p->name_en),
                             DB_TEXT(p->category), DB_TEXT(p->unit_zh), DB_TEXT(p->unit_en),
                             DB_TEXT(pm), DB_INT(now), DB_INT(now)),
                     NULL, e);
        for (size_t r = 0; !rc && r < demo_nregions; r++)
            for (int m = 0; !rc && m < 3; m++) {
                int64_t price = demo_price(p, r, m);
                if (price < 0)
                    continue;
                rc = db_exec(c,
                             "INSERT INTO prices (product_code, region_code, billing_mode,"
                             " unit_price, currency) VALUES (?, ?, ?, ?, 'CNY')",
                             DB_ARGS(DB_TEXT(p->code), DB_TEXT(demo_regions[r].code),
                                     DB_TEXT(modes[m]), DB_INT(price)),
                             NULL, e);
            }
    }
    return rc;
}

static int seed_packs(db_conn *c, int64_t now, err_ctx *e)
{
    int rc = 0;
    for (size_t i = 0; !rc && i < demo_npacks; i++) {
        const demo_pack *p = &demo_packs[i];
        char id[80];
        snprintf(id, sizeof id, "pck_demo_%s", p->code);
        rc = db_exec(c,
                     "INSERT INTO packs (id, code, industry, scenario_zh, scenario_en, name_zh,"
                     " name_en, description_zh, description_en, price, discount_bp, created_at,"
                     " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(id), DB_TEXT(p->code), DB_TEXT(p->industry),
                             DB_TEXT(p->scenario_zh), DB_TEXT(p->scenario_en),
                             DB_TEXT(p->name_zh), DB_TEXT(p->name_en),
                             DB_TEXT(s(p->description_zh)), DB_TEXT(s(p->description_en)),
                             p->price > 0 ? DB_INT(p->price) : DB_NULL,
                             p->price > 0 ? DB_NULL : DB_INT(p->discount_bp), DB_INT(now),
                             DB_INT(now)),
                     NULL, e);
        for (int k = 0; !rc && k < DEMO_PACK_MAX_ITEMS && p->items[k].product; k++) {
            const demo_pack_item *it = &p->items[k];
            rc = db_exec(c,
                         "INSERT INTO pack_items (pack_id, position, product_code, billing_mode,"
                         " quantity, months) VALUES (?, ?, ?, ?, ?, ?)",
                         DB_ARGS(DB_TEXT(id), DB_INT(k), DB_TEXT(it->product),
                                 DB_TEXT(it->billing_mode), DB_INT(it->quantity),
                                 DB_INT(it->months)),
                         NULL, e);
        }
    }
    return rc;
}

static int seed_campaigns(db_conn *c, int64_t now, err_ctx *e)
{
    /* The Shanghai midnight at or before now, as the live campaign's anchor. */
    int64_t local = now + SHANGHAI_OFFSET_MS;
    int64_t midnight = local - (local % DAY_MS + DAY_MS) % DAY_MS - SHANGHAI_OFFSET_MS;
    int rc = 0;
    for (size_t i = 0; !rc && i < sizeof campaigns / sizeof *campaigns; i++) {
        const demo_campaign *k = &campaigns[i];
        int64_t starts = k->starts_at ? k->starts_at : midnight + k->start_day * DAY_MS;
        int64_t ends = k->ends_at ? k->ends_at : midnight + k->end_day * DAY_MS;
        rc = db_exec(c,
                     "INSERT INTO campaigns (id, name_zh, name_en, description_zh, description_en,"
                     " starts_at, ends_at, time_zone, regions, industries, sizes,"
                     " new_customer_only, published, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, 'Asia/Shanghai', ?, ?, '', 0, ?, ?, ?)",
                     DB_ARGS(DB_TEXT(k->id), DB_TEXT(k->name_zh), DB_TEXT(k->name_en),
                             DB_TEXT(k->description_zh), DB_TEXT(k->description_en),
                             DB_INT(starts), DB_INT(ends), DB_TEXT(k->regions),
                             DB_TEXT(k->industries), DB_INT(k->published), DB_INT(now),
                             DB_INT(now)),
                     NULL, e);
    }
    for (size_t i = 0; !rc && i < sizeof policies / sizeof *policies; i++) {
        const demo_policy *p = &policies[i];
        rc = db_exec(c,
                     "INSERT INTO policies (id, campaign_id, name_zh, name_en, lane, regions,"
                     " industries, sizes, new_customer_only, products, categories, packs,"
                     " billing_modes, order_types, min_quantity, min_line_amount,"
                     " min_order_amount, effect, effect_value, per_org_limit, total_limit,"
                     " budget, enabled, created_at, updated_at)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                     " ?, 1, ?, ?)",
                     DB_ARGS(DB_TEXT(p->id), DB_TEXT(p->campaign), DB_TEXT(p->name_zh),
                             DB_TEXT(p->name_en), DB_INT(p->lane), DB_TEXT(s(p->regions)),
                             DB_TEXT(s(p->industries)), DB_INT(p->new_customer_only),
                             DB_TEXT(s(p->products)), DB_TEXT(s(p->categories)),
                             DB_TEXT(s(p->packs)), DB_TEXT(s(p->billing_modes)),
                             DB_TEXT(s(p->order_types)), DB_INT(p->min_quantity),
                             DB_INT(p->min_line_amount), DB_INT(p->min_order_amount),
                             DB_TEXT(p->effect), DB_INT(p->value), DB_INT(p->per_org_limit),
                             DB_INT(p->total_limit), DB_INT(p->budget), DB_INT(now),
                             DB_INT(now)),
                     NULL, e);
    }
    return rc;
}

int demo_catalog_seed(db *d, int64_t now, err_ctx *e)
{
    db_conn *c = NULL;
    db_stmt *st = NULL;
    bool row = false;
    int rc = db_acquire(d, &c, e);
    if (!rc)
        rc = db_begin(c, e);
    if (!rc)
        rc = db_query_row(c, "SELECT COUNT(*) FROM regions", DB_NOARGS, &st, &row, e);
    bool empty = !rc && row && db_int(st, 0) == 0;
    db_done(st);
    if (!rc && empty)
        rc = seed_regions(c, now, e);
    if (!rc && empty)
        rc = seed_products(c, now, e);
    if (!rc && empty)
        rc = seed_packs(c, now, e);
    if (!rc && empty)
        rc = seed_campaigns(c, now, e);
    if (!rc && empty)
        rc = engine_touch(c, e);
    if (!rc && empty)
        rc = db_commit(c, e);
    if (c)
        db_rollback(c); /* nothing to keep when not empty (or after an error) */
    db_release(c);
    return rc;
}
