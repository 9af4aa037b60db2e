// The cloud-credit fund over HTTP: an operator issues a fund and opens
// drops on it; enterprises claim, first come first served, with an
// Idempotency-Key; grants land in their wallets through balanced ledger
// transactions; other orgs' claims, grants and ledger stay out of reach;
// `cocloud audit` agrees at the end. Runs on the suite's engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, api, cli, signup, operator, assertProblem, assertFieldErrors, ok } from './lib/server.mjs';

let srv;
let op;
let fund;
const MIN = 60000;
const iso = (ms) => new Date(ms).toISOString();

const as = (token, method, path, body, key) => ok(srv.url, token, method, path, body, key);

function dropBody(over = {}) {
  const now = Date.now();
  return {
    name: { zh: '限量津贴', en: 'Limited credits' }, amount: 100000, quantity: 10,
    opens_at: iso(now - MIN), closes_at: iso(now + 60 * MIN), ...over,
  };
}

const newDrop = (over) => as(op.token, 'POST', `/api/v1/funds/${fund.id}/drops`, dropBody(over), randomUUID());
const claim = (token, drop, key = randomUUID()) =>
  api(srv.url, 'POST', `/api/v1/drops/${drop}/claims`, { token, headers: { 'idempotency-key': key } });

before(async () => {
  srv = await startServer();
  op = await operator(srv);
  fund = await as(op.token, 'POST', '/api/v1/funds', {
    name: { zh: '上云津贴', en: 'Cloud credit fund' }, currency: 'CNY', amount: 13_000_000_000,
  }, randomUUID());
});
after(() => srv?.stop());

test('a fund needs an operator, an Idempotency-Key and valid fields; a replay gives the same fund', async () => {
  const ent = await signup(srv.url);
  const body = { name: { zh: '基金', en: 'Fund' }, amount: 500 };
  assertProblem(await api(srv.url, 'POST', '/api/v1/funds', { token: ent.token, body, headers: { 'idempotency-key': 'k1' } }), 403, 'forbidden');
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/funds', { token: op.token, body }), 400, 'bad-request', ['Idempotency-Key']);
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/funds', { token: op.token, body, headers: { 'idempotency-key': 'bad key' } }), 400, 'bad-request', ['Idempotency-Key']);
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/funds', {
    token: op.token, headers: { 'idempotency-key': randomUUID() },
    body: { name: { zh: '', en: 'x' }, currency: 'cny', amount: -1 },
  }), 422, 'validation', ['name.zh', 'currency', 'amount'], { exact: true });
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/funds', {
    token: op.token, headers: { 'idempotency-key': randomUUID() }, body: { ...body, extra: 1, amount: '5' },
  }), 422, 'validation', ['extra', 'amount'], { exact: true });

  const key = randomUUID();
  const first = await api(srv.url, 'POST', '/api/v1/funds', { token: op.token, body, headers: { 'idempotency-key': key } });
  assert.equal(first.status, 201, first.text);
  assert.equal(first.headers.get('location'), `/api/v1/funds/${first.json.id}`);
  assert.match(first.json.id, /^fund_/);
  assert.deepEqual([first.json.amount, first.json.available, first.json.reserved, first.json.granted, first.json.currency], [500, 500, 0, 0, 'CNY']);
  const again = await api(srv.url, 'POST', '/api/v1/funds', { token: op.token, body, headers: { 'idempotency-key': key } });
  assert.equal(again.status, 201);
  assert.equal(again.json.id, first.json.id);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/funds', {
    token: op.token, body: { ...body, amount: 501 }, headers: { 'idempotency-key': key },
  }), 422, 'validation', ['Idempotency-Key']);

  const list = await api(srv.url, 'GET', '/api/v1/funds?limit=100');
  assert.equal(list.status, 200);
  assert.equal(list.json.items.filter((f) => f.id === first.json.id).length, 1, 'one fund for two requests');
  assertProblem(await api(srv.url, 'GET', '/api/v1/funds/fund_nope'), 404, 'not-found');
});

test('drops are checked, reserve their credit from the fund, and cannot take more than it has', async () => {
  const now = Date.now();
  const post = (body, token = op.token) => api(srv.url, 'POST', `/api/v1/funds/${fund.id}/drops`, { token, body, headers: { 'idempotency-key': randomUUID() } });
  assertFieldErrors(await post({ name: { zh: 'x', en: 'x' }, amount: 0, quantity: 0, opens_at: 'soon', closes_at: iso(now), industries: ['farming'], sizes: ['huge'], shards: 65 }),
    422, 'validation', ['amount', 'quantity', 'opens_at', 'industries[0]', 'sizes[0]', 'shards'], { exact: true });
  assertFieldErrors(await post(dropBody({ closes_at: iso(now - 2 * MIN) })), 422, 'validation', ['closes_at'], { exact: true });
  assertFieldErrors(await post(dropBody({ opens_at: iso(now - 60 * MIN), closes_at: iso(now - 2 * MIN) })), 422, 'validation', ['closes_at'], { exact: true, message: 'must be in the future' });
  assertProblem(await api(srv.url, 'POST', '/api/v1/funds/fund_nope/drops', { token: op.token, body: dropBody(), headers: { 'idempotency-key': randomUUID() } }), 404, 'not-found');
  const before = (await api(srv.url, 'GET', `/api/v1/funds/${fund.id}`)).json;
  assertFieldErrors(await post(dropBody({ amount: 1_000_000_000, quantity: 100 })), 409, 'conflict', ['quantity']);

  const d = await newDrop({ amount: 5000, quantity: 40, shards: 4 });
  assert.match(d.id, /^drp_/);
  assert.deepEqual([d.remaining, d.claimed, d.released, d.shards, d.status, d.grant_days], [40, 0, 0, 4, 'open', 365]);
  const after = (await api(srv.url, 'GET', `/api/v1/funds/${fund.id}`)).json;
  assert.equal(after.available, before.available - 200000);
  assert.equal(after.reserved, before.reserved + 200000);
  const few = await newDrop({ quantity: 3, shards: 16 });
  assert.equal(few.shards, 3, 'never more shards than places');
  const listed = (await api(srv.url, 'GET', `/api/v1/funds/${fund.id}/drops?limit=100`)).json.items.map((x) => x.id);
  assert.ok(listed.includes(d.id) && listed.includes(few.id));
});

test('an enterprise claims once; the grant reaches its wallet through the ledger; replays are idempotent', async () => {
  const d = await newDrop({ amount: 88800, quantity: 5, industries: ['gaming'] });
  const other = await newDrop({ quantity: 5 });
  const ent = await signup(srv.url, { industry: 'gaming' });
  const key = randomUUID();
  assertFieldErrors(await api(srv.url, 'POST', `/api/v1/drops/${d.id}/claims`, { token: ent.token }), 400, 'bad-request', ['Idempotency-Key']);

  const r = await claim(ent.token, d.id, key);
  assert.equal(r.status, 201, r.text);
  const { claim: c, grant: g } = r.json;
  assert.match(c.id, /^clm_/);
  assert.equal(c.org_id, ent.org.id);
  assert.equal(c.drop_id, d.id);
  assert.deepEqual([g.amount, g.remaining, g.source, g.source_id, g.drop_id, g.fund_id, g.currency, g.org_id], [88800, 88800, 'claim', c.id, d.id, fund.id, 'CNY', ent.org.id]);
  assert.ok(Date.parse(g.expires_at) > Date.now() + 364 * 86400000);

  const again = await claim(ent.token, d.id, key);
  assert.equal(again.status, 201);
  assert.equal(again.headers.get('idempotent-replayed'), 'true');
  assert.equal(again.json.claim.id, c.id);
  assert.equal(again.json.grant.id, g.id);
  assert.equal(again.json.grant.drop_id, d.id);
  assertFieldErrors(await claim(ent.token, other.id, key), 422, 'validation', ['Idempotency-Key']);
  const twice = assertProblem(await claim(ent.token, d.id), 409, 'conflict');
  assert.match(twice.detail, /already claimed/);

  const seen = (await api(srv.url, 'GET', `/api/v1/drops/${d.id}`, { token: ent.token })).json;
  assert.deepEqual([seen.remaining, seen.claimed], [4, 1]);
  assert.deepEqual(seen.mine, { claim: c.id, eligible: false, reason: 'this org has already claimed from the drop', reason_code: 'already_claimed' });
  assert.equal((await api(srv.url, 'GET', `/api/v1/drops/${d.id}`)).json.mine, undefined, 'anonymous callers have no "mine"');

  const wallet = await as(ent.token, 'GET', '/api/v1/wallet');
  assert.deepEqual(wallet, { org_id: ent.org.id, balances: [{ currency: 'CNY', available: 88800, expired: 0, granted: 88800 }] });
  const grants = await as(ent.token, 'GET', '/api/v1/grants');
  assert.deepEqual(grants.items.map((x) => x.id), [g.id]);
  const ledger = await as(ent.token, 'GET', '/api/v1/ledger');
  assert.equal(ledger.items.length, 1);
  const t = ledger.items[0];
  assert.deepEqual([t.kind, t.ref, t.org_id, t.currency], ['claim', c.id, ent.org.id, 'CNY']);
  assert.deepEqual(t.entries, [{ account: `drop:${d.id}`, amount: -88800 }, { account: `wallet:${ent.org.id}`, amount: 88800 }]);
});

test('who may claim: the drop\'s industries and sizes, its window, enterprises only', async () => {
  const now = Date.now();
  const gaming = await newDrop({ industries: ['gaming'], sizes: ['small'] });
  const later = await newDrop({ opens_at: iso(now + 30 * MIN) });
  const mall = await signup(srv.url, { industry: 'ecommerce' });
  const big = await signup(srv.url, { industry: 'gaming', size: 'large' });
  const partner = await signup(srv.url, { kind: 'partner', industry: 'gaming' });
  assert.match(assertProblem(await claim(mall.token, gaming.id), 403, 'forbidden').detail, /industry/);
  assert.match(assertProblem(await claim(big.token, gaming.id), 403, 'forbidden').detail, /size/);
  assertProblem(await claim(partner.token, gaming.id), 403, 'forbidden');
  assertProblem(await claim(op.token, gaming.id), 403, 'forbidden');
  assert.match(assertProblem(await claim(mall.token, later.id), 409, 'conflict').detail, /not open/);
  assertProblem(await claim(mall.token, 'drp_nope'), 404, 'not-found');
  const seen = (await api(srv.url, 'GET', `/api/v1/drops/${gaming.id}`, { token: mall.token })).json;
  assert.deepEqual(seen.mine, { claim: null, eligible: false, reason: "the drop is not for this org's industry", reason_code: 'industry_not_eligible' });
  assert.equal(later.status, 'scheduled');
  // Closed before it opened: closed, and its credit is back in the fund.
  const closed = await as(op.token, 'POST', `/api/v1/drops/${later.id}/close`);
  assert.deepEqual([closed.status, closed.released, closed.remaining], ['closed', 10, 0]);
  assert.match(assertProblem(await claim(mall.token, later.id), 409, 'conflict').detail, /closed/);
});

test('a crowd claiming at once never gets more places than the drop has', async () => {
  const d = await newDrop({ amount: 1000, quantity: 7, shards: 3 });
  const orgs = await Promise.all(Array.from({ length: 16 }, () => signup(srv.url)));
  const answers = await Promise.all(orgs.map((o) => claim(o.token, d.id)));
  const won = answers.filter((r) => r.status === 201);
  const lost = answers.filter((r) => r.status !== 201);
  assert.equal(won.length, 7, answers.map((r) => r.status).join(','));
  for (const r of lost) assert.match(assertProblem(r, 409, 'conflict').detail, /sold out/);
  const after = (await api(srv.url, 'GET', `/api/v1/drops/${d.id}`)).json;
  assert.deepEqual([after.remaining, after.claimed, after.status], [0, 7, 'sold_out']);
  const claims = await as(op.token, 'GET', `/api/v1/drops/${d.id}/claims?limit=100`);
  assert.equal(claims.items.length, 7);
  assert.equal(new Set(claims.items.map((c) => c.org_id)).size, 7);
  // A winner sees only its own claim; a loser sees none and an empty wallet.
  const winner = orgs.find((o) => o.org.id === won[0].json.claim.org_id);
  const mine = await as(winner.token, 'GET', `/api/v1/drops/${d.id}/claims`);
  assert.deepEqual(mine.items.map((c) => c.org_id), [winner.org.id]);
  const loser = orgs.find((o) => !claims.items.some((c) => c.org_id === o.org.id));
  assert.deepEqual((await as(loser.token, 'GET', '/api/v1/wallet')).balances, []);
  assert.deepEqual((await as(loser.token, 'GET', `/api/v1/wallet?org=${winner.org.id}`)).org_id, loser.org.id, '?org= is for operators');
  assert.deepEqual((await as(loser.token, 'GET', '/api/v1/ledger')).items, []);
  assert.deepEqual((await as(loser.token, 'GET', `/api/v1/grants?org=${winner.org.id}`)).items, []);
  const opView = await as(op.token, 'GET', `/api/v1/wallet?org=${winner.org.id}`);
  assert.equal(opView.balances[0].available, 1000);
});

test('closing a drop returns its unclaimed credit to the fund; later claims are refused', async () => {
  const d = await newDrop({ amount: 2500, quantity: 6 });
  const ent = await signup(srv.url);
  assert.equal((await claim(ent.token, d.id)).status, 201);
  const before = (await api(srv.url, 'GET', `/api/v1/funds/${fund.id}`)).json;
  const ent2 = await signup(srv.url);
  assertProblem(await api(srv.url, 'POST', `/api/v1/drops/${d.id}/close`, { token: ent.token }), 403, 'forbidden');
  const closed = await as(op.token, 'POST', `/api/v1/drops/${d.id}/close`);
  assert.deepEqual([closed.status, closed.remaining, closed.claimed, closed.released], ['closed', 0, 1, 5]);
  const after = (await api(srv.url, 'GET', `/api/v1/funds/${fund.id}`)).json;
  assert.equal(after.available, before.available + 5 * 2500);
  assert.equal(after.reserved, before.reserved - 5 * 2500);
  assertProblem(await api(srv.url, 'POST', `/api/v1/drops/${d.id}/close`, { token: op.token }), 409, 'conflict');
  assert.match(assertProblem(await claim(ent2.token, d.id), 409, 'conflict').detail, /closed/);
  const release = (await as(op.token, 'GET', '/api/v1/ledger?limit=100')).items.find((t) => t.kind === 'release' && t.ref === d.id);
  assert.deepEqual(release.entries, [{ account: `drop:${d.id}`, amount: -12500 }, { account: `fund:${fund.id}`, amount: 12500 }]);
});

test('the operator ledger balances, and cocloud audit agrees with everything above', async () => {
  const ledger = await as(op.token, 'GET', '/api/v1/ledger?limit=100');
  assert.ok(ledger.items.length > 10);
  for (const t of ledger.items) assert.equal(t.entries.reduce((s, x) => s + x.amount, 0), 0, `${t.id} balances`);
  assertProblem(await api(srv.url, 'GET', '/api/v1/ledger?after=txn_nope', { token: op.token }), 400, 'bad-request');
  assertProblem(await api(srv.url, 'GET', '/api/v1/wallet', { token: op.token }), 400, 'bad-request');
  const audit = cli(['audit', '--db', srv.dbPath]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.match(audit.stdout, /ledger transactions balance/);
  assert.match(audit.stdout, /all checks passed/);
});
