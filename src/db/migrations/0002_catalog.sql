-- 0002_catalog: regions, products and their prices, scenario packs,
-- campaigns and their policies, policy usage, quotes.
-- Money is BIGINT minor units (fen); lists of codes are comma-separated
-- text ('' = no restriction); times are Unix milliseconds.

CREATE TABLE regions (
    code        TEXT PRIMARY KEY,            -- cn-north-4, ap-southeast-1
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    area        TEXT NOT NULL CHECK (area IN ('domestic', 'overseas')),
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE products (
    code          TEXT PRIMARY KEY,          -- ecs.general, obs.standard
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    category      TEXT NOT NULL,
    unit          TEXT NOT NULL,             -- what one unit is: instance, GB, Mbps ...
    billing_modes TEXT NOT NULL,             -- subset of on_demand,monthly,yearly
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

-- List prices: per unit-hour (on_demand), unit-month (monthly), unit-year (yearly).
CREATE TABLE prices (
    product_code  TEXT NOT NULL REFERENCES products (code),
    region_code   TEXT NOT NULL REFERENCES regions (code),
    billing_mode  TEXT NOT NULL CHECK (billing_mode IN ('on_demand', 'monthly', 'yearly')),
    unit_price    BIGINT NOT NULL CHECK (unit_price >= 0),
    currency      TEXT NOT NULL DEFAULT 'CNY',
    PRIMARY KEY (product_code, region_code, billing_mode)
);
CREATE INDEX prices_region ON prices (region_code);

CREATE TABLE packs (
    id             TEXT PRIMARY KEY,          -- pck_...
    code           TEXT NOT NULL UNIQUE,      -- ecommerce-launch
    industry       TEXT NOT NULL,             -- an org industry, or 'overseas'
    scenario_zh    TEXT NOT NULL,
    scenario_en    TEXT NOT NULL,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    description_zh TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    price          BIGINT,                    -- a pack price for one pack, or
    discount_bp    INTEGER,                   -- a discount on the items' list prices
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK ((price IS NULL) <> (discount_bp IS NULL))
);

CREATE TABLE pack_items (
    pack_id       TEXT NOT NULL REFERENCES packs (id),
    position      INTEGER NOT NULL,
    product_code  TEXT NOT NULL REFERENCES products (code),
    billing_mode  TEXT NOT NULL CHECK (billing_mode IN ('on_demand', 'monthly', 'yearly')),
    quantity      BIGINT NOT NULL CHECK (quantity > 0),
    months        INTEGER NOT NULL CHECK (months > 0),
    PRIMARY KEY (pack_id, position)
);

CREATE TABLE campaigns (
    id                TEXT PRIMARY KEY,       -- cmp_...
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    description_zh    TEXT NOT NULL DEFAULT '',
    description_en    TEXT NOT NULL DEFAULT '',
    starts_at         BIGINT NOT NULL,
    ends_at           BIGINT NOT NULL,
    time_zone         TEXT NOT NULL,          -- IANA name, for display
    regions           TEXT NOT NULL DEFAULT '',
    industries        TEXT NOT NULL DEFAULT '',
    sizes             TEXT NOT NULL DEFAULT '',
    new_customer_only INTEGER NOT NULL DEFAULT 0,
    published         INTEGER NOT NULL DEFAULT 0,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);

CREATE TABLE policies (
    id                TEXT PRIMARY KEY,       -- pol_...
    campaign_id       TEXT NOT NULL REFERENCES campaigns (id),
    name_zh           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    lane              INTEGER NOT NULL DEFAULT 0,
    -- conditions ('' / NULL / 0 = none)
    regions           TEXT NOT NULL DEFAULT '',
    industries        TEXT NOT NULL DEFAULT '',
    sizes             TEXT NOT NULL DEFAULT '',
    new_customer_only INTEGER NOT NULL DEFAULT 0,
    products          TEXT NOT NULL DEFAULT '',
    categories        TEXT NOT NULL DEFAULT '',
    packs             TEXT NOT NULL DEFAULT '',  -- pack ids
    billing_modes     TEXT NOT NULL DEFAULT '',
    order_types       TEXT NOT NULL DEFAULT '',  -- new,renewal
    min_quantity      BIGINT NOT NULL DEFAULT 0,
    min_line_amount   BIGINT NOT NULL DEFAULT 0,
    min_order_amount  BIGINT NOT NULL DEFAULT 0,
    -- effect
    effect            TEXT NOT NULL CHECK (effect IN ('percent_off', 'amount_off',
                          'fixed_unit_price', 'pack_price', 'free_units')),
    effect_value      BIGINT NOT NULL CHECK (effect_value >= 0),
    -- limits (0 = none)
    per_org_limit     BIGINT NOT NULL DEFAULT 0,
    total_limit       BIGINT NOT NULL DEFAULT 0,
    budget            BIGINT NOT NULL DEFAULT 0,
    enabled           INTEGER NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX policies_campaign ON policies (campaign_id);

-- How often an org used a policy, and how much discount it took.
CREATE TABLE policy_usage (
    policy_id   TEXT NOT NULL REFERENCES policies (id),
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    uses        BIGINT NOT NULL DEFAULT 0,
    discount    BIGINT NOT NULL DEFAULT 0,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (policy_id, org_id)
);
CREATE INDEX policy_usage_org ON policy_usage (org_id);  -- an org's usage, read per quote

-- Policy totals, split over slots so that concurrent orders on a hot
-- policy do not all wait on one row; the total is the sum of the slots.
CREATE TABLE policy_totals (
    policy_id   TEXT NOT NULL REFERENCES policies (id),
    slot        INTEGER NOT NULL,
    uses        BIGINT NOT NULL DEFAULT 0,
    discount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (policy_id, slot)
);

CREATE TABLE quotes (
    id          TEXT PRIMARY KEY,             -- quo_...
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    at          BIGINT NOT NULL,              -- the moment priced
    expires_at  BIGINT NOT NULL,
    currency    TEXT NOT NULL,
    total       BIGINT NOT NULL,
    body        TEXT NOT NULL,                -- the answer as sent (JSON)
    created_at  BIGINT NOT NULL
);
CREATE INDEX quotes_org ON quotes (org_id, created_at);

-- Bumped in the same transaction as any change to what the quote engine
-- holds in memory; every instance polls it and rebuilds when it moves.
CREATE TABLE change_versions (
    name     TEXT PRIMARY KEY,
    version  BIGINT NOT NULL
);
INSERT INTO change_versions (name, version) VALUES ('catalog', 1);
