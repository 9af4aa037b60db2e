-- 0007_product_units: a product's unit is a text in both languages, as its
-- name is ("台" / "instance"). The unit there was becomes both until an
-- operator translates it.
ALTER TABLE products RENAME COLUMN unit TO unit_en;
ALTER TABLE products ADD COLUMN unit_zh TEXT NOT NULL DEFAULT '';
UPDATE products SET unit_zh = unit_en;
