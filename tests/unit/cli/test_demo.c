/*
 * test_demo.c: demo seeding creates one user of each role once and prints
 * their logins, and seeds the catalog and campaigns once.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../support.h"
#include "account/session.h"
#include "base/rand.h"
#include "catalog/catalog.h"
#include "cli/demo.h"
#include "cli/demo_catalog.h"

Test(demo, seeds_once_and_prints_logins)
{
    cr_assert_eq(rand_init(), 0);
    char *dir = tmp_dir_new();
    db *d = tmp_db_migrated(dir, 1);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    err_ctx e = {0};
    cr_assert_eq(demo_seed(d, f, &e), 0, "%s", e.detail);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 4);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(DISTINCT role) FROM users"), 4);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM orgs"), 2);
    cr_assert_eq(demo_seed(d, f, &e), 0, "%s", e.detail);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM users"), 4, "a second start adds nothing");
    fclose(f);
    const char *emails[] = {"operator@demo.cocloud", "expert@demo.cocloud",
                            "enterprise@demo.cocloud", "partner@demo.cocloud", DEMO_PASSWORD};
    for (size_t i = 0; i < sizeof emails / sizeof *emails; i++)
        cr_assert_not_null(strstr(out, emails[i]), "missing %s in:\n%s", emails[i], out);
    free(out);

    /* The printed login works. */
    db_conn *c = NULL;
    cr_assert_eq(db_acquire(d, &c, &e), 0);
    arena *a = arena_new(1 << 20);
    session_policy p = {.idle_ms = 60000, .max_ms = 60000, .max_failures_account = 5,
                        .max_failures_address = 5, .window_ms = 60000, .lock_ms = 60000};
    session_login s;
    cr_assert_eq(session_login_password(c, a, &p, "partner@demo.cocloud", DEMO_PASSWORD, NULL,
                                        &s, &e),
                 0, "%s", e.detail);
    cr_assert_str_eq(s.user.role, "partner");
    cr_assert(s.user.admin);
    arena_free(a);
    db_release(c);
    db_free(d);
    tmp_dir_free(dir);
}

/* A fingerprint of everything the catalog seed writes. */
static long long catalog_fingerprint(db *d)
{
    return tmp_db_count(d, "SELECT (SELECT COUNT(*) FROM regions) + 1000 * (SELECT COUNT(*) FROM"
                           " products) + 1000000 * (SELECT COUNT(*) FROM prices) + (SELECT"
                           " COALESCE(SUM(unit_price), 0) FROM prices) + (SELECT COUNT(*) FROM"
                           " pack_items) + (SELECT SUM(starts_at + ends_at) FROM campaigns) +"
                           " (SELECT COUNT(*) FROM policies) + (SELECT MAX(updated_at) FROM"
                           " campaigns) + (SELECT version FROM change_versions"
                           "  WHERE name = 'catalog')");
}

Test(demo, seeds_the_catalog_once)
{
    cr_assert_eq(rand_init(), 0);
    char *dir = tmp_dir_new();
    db *d = tmp_db_migrated(dir, 1);
    FILE *f = fopen("/dev/null", "w");
    err_ctx e = {0};
    int64_t now = 1700000000000LL; /* 2023-11-14T22:13:20Z */
    cr_assert_eq(demo_seed(d, f, &e), 0, "%s", e.detail);
    fclose(f);

    cr_assert_geq(tmp_db_count(d, "SELECT COUNT(*) FROM products"), 42);
    cr_assert_geq(tmp_db_count(d, "SELECT COUNT(*) FROM packs"), 10);
    cr_assert_geq(tmp_db_count(d, "SELECT COUNT(*) FROM regions"), 8);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM campaigns"), 3);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM campaigns WHERE published = 0"), 1);
    cr_assert_eq(tmp_db_count(d, "SELECT version FROM change_versions WHERE name = 'catalog'"),
                 2, "one engine_touch");
    cr_assert_eq((size_t)tmp_db_count(d, "SELECT COUNT(*) FROM products"), demo_nproducts);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(DISTINCT category) FROM products"), 12);
    cr_assert_geq(tmp_db_count(d, "SELECT COUNT(*) FROM regions WHERE area = 'overseas'"), 3);
    for (size_t i = 0; i < demo_nproducts; i++)
        cr_assert(catalog_code_ok(demo_products[i].code), "%s", demo_products[i].code);
    for (size_t i = 0; i < demo_npacks; i++) {
        cr_assert(catalog_code_ok(demo_packs[i].code), "%s", demo_packs[i].code);
        cr_assert(catalog_pack_industry_ok(demo_packs[i].industry), "%s", demo_packs[i].code);
    }

    /* References hold, and prices and modes agree. */
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM prices p WHERE NOT EXISTS (SELECT 1 FROM"
                                 " products WHERE code = p.product_code) OR NOT EXISTS (SELECT 1"
                                 " FROM regions WHERE code = p.region_code)"),
                 0);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM prices p JOIN products r ON r.code ="
                                 " p.product_code WHERE instr(',' || r.billing_modes || ',', ','"
                                 " || p.billing_mode || ',') = 0 OR p.unit_price <= 0"),
                 0, "a price in a mode the product does not have");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM products WHERE NOT EXISTS (SELECT 1 FROM"
                                 " prices WHERE product_code = code)"),
                 0, "a product sold nowhere");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM pack_items i WHERE NOT EXISTS (SELECT 1"
                                 " FROM prices p WHERE p.product_code = i.product_code AND"
                                 " p.billing_mode = i.billing_mode)"),
                 0, "a pack item not sold anywhere in its mode");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM packs k WHERE (SELECT COUNT(*) FROM"
                                 " pack_items WHERE pack_id = k.id) NOT BETWEEN 2 AND 6"),
                 0);
    /* Every pack can be quoted in some region, and a pack price is below its list price
     * wherever it can be bought. */
    const char *sellable = "SELECT COUNT(*) FROM packs k WHERE NOT EXISTS (SELECT 1 FROM regions"
                           " r WHERE NOT EXISTS (SELECT 1 FROM pack_items i WHERE i.pack_id ="
                           " k.id AND NOT EXISTS (SELECT 1 FROM prices p WHERE p.product_code ="
                           " i.product_code AND p.region_code = r.code AND p.billing_mode ="
                           " i.billing_mode)))";
    cr_assert_eq(tmp_db_count(d, sellable), 0, "a pack sold in no region");
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM (SELECT k.price AS price,"
                                 " SUM(p.unit_price * i.quantity * i.months) AS list, COUNT(*)"
                                 " AS n, (SELECT COUNT(*) FROM pack_items WHERE pack_id = k.id)"
                                 " AS items FROM packs k JOIN pack_items i ON i.pack_id = k.id"
                                 " JOIN prices p ON p.product_code = i.product_code AND"
                                 " p.billing_mode = i.billing_mode AND i.billing_mode ="
                                 " 'monthly' WHERE k.price IS NOT NULL GROUP BY k.id,"
                                 " p.region_code) WHERE n = items AND price >= list"),
                 0, "a pack price above its list price");
    /* Policies name existing campaigns, products and packs; the live campaign is live. */
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM policies p WHERE NOT EXISTS (SELECT 1"
                                 " FROM campaigns WHERE id = p.campaign_id)"),
                 0);
    cr_assert_eq(tmp_db_count(d, "WITH RECURSIVE split(id, rest, item) AS (SELECT id, packs ||"
                                 " ',', '' FROM policies UNION ALL SELECT id, substr(rest,"
                                 " instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)"
                                 " FROM split WHERE rest <> '') SELECT COUNT(*) FROM split WHERE"
                                 " item <> '' AND item NOT IN (SELECT id FROM packs)"),
                 0, "a policy names an unknown pack");
    cr_assert_eq(tmp_db_count(d, "WITH RECURSIVE split(id, rest, item) AS (SELECT id, products"
                                 " || ',', '' FROM policies UNION ALL SELECT id, substr(rest,"
                                 " instr(rest, ',') + 1), substr(rest, 1, instr(rest, ',') - 1)"
                                 " FROM split WHERE rest <> '') SELECT COUNT(*) FROM split WHERE"
                                 " item <> '' AND item NOT IN (SELECT code FROM products)"),
                 0, "a policy names an unknown product");
    cr_assert_geq(tmp_db_count(d, "SELECT COUNT(*) FROM policies WHERE campaign_id ="
                                  " 'cmp_demo_2021'"),
                  6);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM campaigns WHERE id = 'cmp_demo_2021' AND"
                                 " starts_at = 1634227200000 AND ends_at = 1636905600000"),
                 1);
    cr_assert_eq(tmp_db_count(d, "SELECT COUNT(*) FROM campaigns WHERE id = 'cmp_demo_live' AND"
                                 " published = 1 AND starts_at <= CAST(strftime('%s', 'now') AS"
                                 " INTEGER) * 1000 AND ends_at > CAST(strftime('%s', 'now') AS"
                                 " INTEGER) * 1000"),
                 1, "the live campaign is live");

    /* A second seed (even at another moment) changes nothing. */
    long long before = catalog_fingerprint(d);
    cr_assert_eq(demo_catalog_seed(d, now, &e), 0, "%s", e.detail);
    cr_assert_eq(catalog_fingerprint(d), before);
    db_free(d);
    tmp_dir_free(dir);
}
