-- seed.sql: the catalog for the HTTP benchmark (bench/run.sh), written
-- straight into a migrated database (src/db/migrations/0002_catalog.sql):
-- 20 regions, 200 products priced everywhere, 20 packs, 50 campaigns and
-- 1,000 enabled policies over lanes 0..3 (60 % product lists, 25 %
-- categories, 5 % no restriction, 10 % packs; every effect), in the same
-- proportions as bench/bench_quote.c. Deterministic: "random" choices are
-- hashes of the row number. Times are Unix milliseconds around now.

CREATE TEMP TABLE k AS SELECT CAST(strftime('%s', 'now') AS INTEGER) * 1000 AS now,
                              86400000 AS day;
CREATE TEMP TABLE seq AS
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999) SELECT i FROM n;
-- h(i, salt): a pseudo-random number 0..999999 from a row number.
CREATE TEMP VIEW h AS
SELECT i, (i * 2654435761 + 97) % 1000003 AS a, (i * 40503 + 7919) % 999983 AS b,
       (i * 69069 + 12345) % 999979 AS c, (i * 1103515245 + 12345) % 999961 AS d
FROM seq;

BEGIN;
INSERT INTO regions (code, name_zh, name_en, area, created_at, updated_at)
SELECT printf('bench-%02d', i), printf('区域 %d', i), printf('Region %d', i),
       CASE WHEN i < 14 THEN 'domestic' ELSE 'overseas' END, k.now, k.now
FROM seq, k WHERE i < 20;

INSERT INTO products (code, name_zh, name_en, category, unit_zh, unit_en, billing_modes, created_at,
                      updated_at)
SELECT printf('prod.%03d', i), printf('产品 %d', i), printf('Product %d', i),
       CASE a % 13 WHEN 0 THEN 'compute' WHEN 1 THEN 'container' WHEN 2 THEN 'storage'
         WHEN 3 THEN 'network' WHEN 4 THEN 'cdn' WHEN 5 THEN 'database' WHEN 6 THEN 'ai'
         WHEN 7 THEN 'media' WHEN 8 THEN 'analytics' WHEN 9 THEN 'middleware'
         WHEN 10 THEN 'devops' WHEN 11 THEN 'security' ELSE 'other' END,
       '台', 'instance', CASE WHEN b % 10 < 6 THEN 'on_demand,monthly,yearly' ELSE 'monthly,yearly' END,
       k.now, k.now
FROM h, k WHERE i < 200;

-- Monthly and yearly everywhere, on demand where the product has it.
INSERT INTO prices (product_code, region_code, billing_mode, unit_price)
SELECT p.code, r.code, m.mode,
       CASE m.mode WHEN 'monthly' THEN x.month WHEN 'yearly' THEN x.month * 10
         ELSE x.month / 730 + 1 END
FROM h JOIN products p ON p.code = printf('prod.%03d', h.i)
JOIN regions r
JOIN (SELECT 'on_demand' AS mode UNION ALL SELECT 'monthly' UNION ALL SELECT 'yearly') m
  ON instr(p.billing_modes, m.mode) > 0
JOIN (SELECT 1000 + (h2.c + r2.n * 7919) % 200000 AS month, h2.i AS pi, r2.code AS rc
      FROM h h2 JOIN (SELECT code, CAST(substr(code, 7) AS INTEGER) AS n FROM regions) r2) x
  ON x.pi = h.i AND x.rc = r.code;

INSERT INTO packs (id, code, industry, scenario_zh, scenario_en, name_zh, name_en, price,
                   discount_bp, created_at, updated_at)
SELECT printf('pck_bench%04d', i), printf('bench-pack-%02d', i),
       CASE i % 8 WHEN 0 THEN 'ecommerce' WHEN 1 THEN 'gaming' WHEN 2 THEN 'mobility'
         WHEN 3 THEN 'media' WHEN 4 THEN 'education' WHEN 5 THEN 'fintech'
         WHEN 6 THEN 'other' ELSE 'overseas' END,
       '场景', 'Scenario', printf('套餐 %d', i), printf('Pack %d', i),
       CASE WHEN a % 2 = 0 THEN 50000 + b % 500000 END,
       CASE WHEN a % 2 = 1 THEN 500 + b % 2500 END, k.now, k.now
FROM h, k WHERE i < 20;

INSERT INTO pack_items (pack_id, position, product_code, billing_mode, quantity, months)
SELECT printf('pck_bench%04d', p.i), j.i, printf('prod.%03d', (p.c + j.i * 37) % 200),
       CASE WHEN (p.d + j.i) % 10 < 7 THEN 'monthly' ELSE 'yearly' END, 1 + (p.a + j.i) % 8, 12
FROM h p JOIN seq j ON j.i < 2 + p.b % 4 WHERE p.i < 20;

INSERT INTO campaigns (id, name_zh, name_en, starts_at, ends_at, time_zone, regions, industries,
                       sizes, new_customer_only, published, created_at, updated_at)
SELECT printf('cmp_bench%04d', i), printf('活动 %d', i), printf('Campaign %d', i),
       CASE WHEN a % 100 < 85 THEN k.now - 5 * k.day ELSE k.now + 5 * k.day END,
       k.now + 30 * k.day, 'Asia/Shanghai',
       CASE WHEN b % 100 < 70 THEN ''
         ELSE printf('bench-%02d,bench-%02d,bench-%02d,bench-%02d,bench-%02d', c % 20,
                     (c + 3) % 20, (c + 7) % 20, (c + 11) % 20, (c + 13) % 20) END,
       CASE WHEN c % 100 < 70 THEN '' ELSE 'ecommerce,gaming,media' END,
       CASE WHEN d % 100 < 80 THEN '' ELSE 'medium,large' END,
       d % 10 = 0, a % 100 < 95, k.now, k.now
FROM h, k WHERE i < 50;

-- kind = a % 100: < 60 products, < 85 categories, < 90 none, else packs.
INSERT INTO policies (id, campaign_id, name_zh, name_en, lane, regions, industries, sizes,
                      new_customer_only, products, categories, packs, billing_modes,
                      order_types, min_quantity, min_line_amount, min_order_amount, effect,
                      effect_value, per_org_limit, total_limit, budget, enabled, created_at,
                      updated_at)
SELECT printf('pol_bench%05d', i * 7919 % 100000), printf('cmp_bench%04d', b % 50),
       printf('策略 %d', i), printf('Policy %d', i), i % 4,
       CASE WHEN c % 100 < 75 THEN ''
         ELSE printf('bench-%02d,bench-%02d,bench-%02d,bench-%02d,bench-%02d,bench-%02d',
                     d % 20, (d + 1) % 20, (d + 4) % 20, (d + 9) % 20, (d + 12) % 20,
                     (d + 17) % 20) END,
       CASE WHEN d % 100 < 85 THEN '' ELSE 'ecommerce,fintech' END,
       CASE WHEN (a / 7) % 100 < 90 THEN '' ELSE 'small,medium' END,
       (b / 7) % 100 < 5,
       CASE WHEN a % 100 >= 60 THEN ''
         WHEN c % 5 = 0 THEN printf('prod.%03d', d % 200)
         WHEN c % 5 = 1 THEN printf('prod.%03d,prod.%03d', d % 200, (d + 31) % 200)
         WHEN c % 5 = 2 THEN printf('prod.%03d,prod.%03d,prod.%03d', d % 200, (d + 31) % 200,
                                    (d + 77) % 200)
         ELSE printf('prod.%03d,prod.%03d,prod.%03d,prod.%03d', d % 200, (d + 31) % 200,
                     (d + 77) % 200, (d + 131) % 200) END,
       CASE WHEN a % 100 < 60 OR a % 100 >= 85 THEN ''
         WHEN c % 3 = 0 THEN 'compute'
         WHEN c % 3 = 1 THEN 'storage,database'
         ELSE 'network,cdn,ai' END,
       CASE WHEN a % 100 < 90 THEN ''
         WHEN c % 2 = 0 THEN printf('pck_bench%04d', d % 20)
         ELSE printf('pck_bench%04d,pck_bench%04d', d % 20, (d + 7) % 20) END,
       CASE WHEN (c / 7) % 100 < 70 THEN '' WHEN d % 2 = 0 THEN 'monthly' ELSE 'monthly,yearly' END,
       CASE WHEN (d / 7) % 100 < 80 THEN '' WHEN a % 2 = 0 THEN 'new' ELSE 'renewal' END,
       CASE WHEN (a / 11) % 100 < 80 THEN 0 ELSE 1 + b % 10 END,
       CASE WHEN (b / 11) % 100 < 85 THEN 0 ELSE c % 500000 END,
       CASE WHEN (c / 11) % 100 < 90 THEN 0 ELSE d % 5000000 END,
       e.effect,
       CASE e.effect WHEN 'pack_price' THEN 30000 + b % 300000
         WHEN 'percent_off' THEN 100 + b % 3000 WHEN 'amount_off' THEN 1000 + b % 100000
         WHEN 'fixed_unit_price' THEN 500 + b % 100000 ELSE 1 + b % 3 END,
       CASE WHEN (d / 11) % 100 < 80 THEN 0 ELSE 1 + a % 5 END,
       CASE WHEN (a / 13) % 100 < 90 THEN 0 ELSE 100 + b % 1000 END,
       CASE WHEN (b / 13) % 100 < 75 THEN 0 ELSE 100000 + c % 5000000 END,
       1, k.now, k.now
FROM h JOIN k
JOIN (SELECT i AS pi,
             CASE WHEN a % 100 >= 90 AND (d / 3) % 100 < 40 THEN 'pack_price'
                  WHEN (d / 3) % 100 < 45 THEN 'percent_off'
                  WHEN (d / 3) % 100 < 65 THEN 'amount_off'
                  WHEN (d / 3) % 100 < 80 THEN 'fixed_unit_price'
                  ELSE 'free_units' END AS effect FROM h) e ON e.pi = h.i;

UPDATE change_versions SET version = version + 1 WHERE name = 'catalog';
COMMIT;
