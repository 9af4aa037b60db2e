-- claims_seed.sql: the enterprises of the claims benchmark (bench/claims.sh),
-- written straight into a migrated PostgreSQL database: :orgs orgs, each
-- with one user and one open session whose bearer token is
-- cct_bench<number, 38 digits> (stored, like every session, as the SHA-256
-- of the token). Signing up that many through the API would spend minutes
-- in argon2, which is not what the benchmark measures.
\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE k AS SELECT (extract(epoch FROM now()) * 1000)::bigint AS now;
INSERT INTO orgs (id, kind, name, industry, size, region, created_at, updated_at)
SELECT 'org_bench' || n, 'enterprise', 'Bench ' || n, 'gaming', 'small', 'cn-north-4', k.now, k.now
FROM generate_series(1, :orgs) n, k;
INSERT INTO users (id, email, name, role, org_id, is_admin, password_hash, created_at, updated_at)
SELECT 'usr_bench' || n, 'bench' || n || '@example.com', 'Bench ' || n, 'enterprise',
       'org_bench' || n, 1, '!', k.now, k.now
FROM generate_series(1, :orgs) n, k;
INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
SELECT encode(sha256(convert_to('cct_bench' || lpad(n::text, 38, '0'), 'UTF8')), 'hex'),
       'usr_bench' || n, k.now, k.now, k.now + 86400000
FROM generate_series(1, :orgs) n, k;
COMMIT;
ANALYZE;
