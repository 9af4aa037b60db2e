-- 0001_accounts: orgs, users, sessions and login throttling.
-- Portable subset: TEXT, BIGINT, INTEGER; times are Unix milliseconds.

CREATE TABLE orgs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('enterprise', 'partner')),
    name        TEXT NOT NULL,
    industry    TEXT NOT NULL,
    size        TEXT NOT NULL CHECK (size IN ('micro', 'small', 'medium', 'large')),
    region      TEXT NOT NULL,
    clouds      TEXT NOT NULL DEFAULT '',  -- comma-separated codes
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX orgs_created ON orgs (created_at, id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,   -- lowercased
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('operator', 'enterprise', 'expert', 'partner')),
    org_id        TEXT REFERENCES orgs (id),
    is_admin      INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    CHECK ((org_id IS NULL) = (role IN ('operator', 'expert')))
);
CREATE INDEX users_org ON users (org_id, created_at, id);
CREATE INDEX users_role ON users (role, created_at, id);
CREATE INDEX users_created ON users (created_at, id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,       -- hex SHA-256 of the bearer token
    user_id       TEXT NOT NULL REFERENCES users (id),
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,        -- absolute expiry
    revoked_at    BIGINT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_throttle (
    key           TEXT PRIMARY KEY,       -- 'acct:<email>' or 'addr:<ip>'
    failures      INTEGER NOT NULL,
    window_start  BIGINT NOT NULL,
    locked_until  BIGINT NOT NULL
);
