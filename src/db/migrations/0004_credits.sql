-- 0004_credits: the cloud-credit fund (上云津贴), its limited drops (限量发放)
-- and their claims, the grants enterprises hold, and the double-entry
-- ledger through which every one of these amounts moves.
--
-- Ledger accounts are text: 'program:CNY' (where issued credit comes from;
-- its balance is minus what was issued), 'fund:<id>', 'drop:<id>',
-- 'wallet:<org id>'. Entries are signed; a transaction's entries sum to
-- zero per currency, and no account but a program account goes below zero.
-- `cocloud audit` checks all of it.

CREATE TABLE funds (
    id              TEXT PRIMARY KEY,          -- fund_...
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    description_zh  TEXT NOT NULL DEFAULT '',
    description_en  TEXT NOT NULL DEFAULT '',
    currency        TEXT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),     -- issued into the fund
    available       BIGINT NOT NULL CHECK (available >= 0), -- = its ledger balance
    idem_key        TEXT NOT NULL UNIQUE,
    idem_hash       TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX funds_created ON funds (created_at, id);

-- A drop reserves amount * quantity from its fund when created. Its
-- claims left are spread over `shards` rows of drop_shards so that a
-- crowd claiming at once does not queue on one row.
CREATE TABLE drops (
    id              TEXT PRIMARY KEY,          -- drp_...
    fund_id         TEXT NOT NULL REFERENCES funds (id),
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),     -- credit per claim
    quantity        BIGINT NOT NULL CHECK (quantity > 0),   -- claims in all
    released        BIGINT NOT NULL DEFAULT 0,              -- claims returned on closing
    opens_at        BIGINT NOT NULL,
    closes_at       BIGINT NOT NULL,
    industries      TEXT NOT NULL DEFAULT '',  -- comma-separated, '' = any
    sizes           TEXT NOT NULL DEFAULT '',
    grant_days      INTEGER NOT NULL,          -- how long a grant from it is valid
    shards          INTEGER NOT NULL,
    idem_key        TEXT NOT NULL UNIQUE,
    idem_hash       TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX drops_created ON drops (created_at, id);
CREATE INDEX drops_fund ON drops (fund_id, created_at);

CREATE TABLE drop_shards (
    drop_id         TEXT NOT NULL REFERENCES drops (id),
    shard           INTEGER NOT NULL,
    remaining       BIGINT NOT NULL CHECK (remaining >= 0), -- claims left here
    PRIMARY KEY (drop_id, shard)
);

-- One claim per org and drop; the client's Idempotency-Key is unique per org.
CREATE TABLE claims (
    id              TEXT PRIMARY KEY,          -- clm_...
    drop_id         TEXT NOT NULL REFERENCES drops (id),
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    idem_key        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    UNIQUE (drop_id, org_id),
    UNIQUE (org_id, idem_key)
);
CREATE INDEX claims_drop ON claims (drop_id, created_at, id);

CREATE TABLE grants (
    id              TEXT PRIMARY KEY,          -- grt_...
    org_id          TEXT NOT NULL REFERENCES orgs (id),
    fund_id         TEXT NOT NULL REFERENCES funds (id),
    source          TEXT NOT NULL CHECK (source IN ('claim', 'application')),
    source_id       TEXT NOT NULL UNIQUE,      -- the claim (or application)
    currency        TEXT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount > 0),
    remaining       BIGINT NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
    expires_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX grants_org ON grants (org_id, created_at, id);

CREATE TABLE ledger_txns (
    id              TEXT PRIMARY KEY,          -- txn_...
    kind            TEXT NOT NULL CHECK (kind IN ('issue', 'reserve', 'claim', 'release')),
    ref             TEXT NOT NULL,             -- the fund, drop or claim it is for
    org_id          TEXT,                      -- whose wallet it touches, if any
    created_at      BIGINT NOT NULL
);
CREATE INDEX ledger_txns_created ON ledger_txns (created_at, id);
CREATE INDEX ledger_txns_org ON ledger_txns (org_id, created_at, id);

CREATE TABLE ledger_entries (
    txn_id          TEXT NOT NULL REFERENCES ledger_txns (id),
    seq             INTEGER NOT NULL,
    account         TEXT NOT NULL,
    currency        TEXT NOT NULL,
    amount          BIGINT NOT NULL CHECK (amount <> 0),
    PRIMARY KEY (txn_id, seq)
);
CREATE INDEX ledger_entries_account ON ledger_entries (account);
