// Two cocloud instances on one database behave as one: they start together
// (one migrates, the other waits), a session from one works on the other,
// a logout on one ends it on both (on the other within --cache), the login throttle counts across both,
// racing sign-ups through both create one account, and a crowd claiming
// one credit drop through both never gets more than it holds. Runs on the
// suite's engine: SQLite (two processes on one WAL file) or PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startServer, freshDb, api, signupBody, signup, login, uniqueEmail, PASSWORD, assertProblem, addUserCli, cli } from './lib/server.mjs';

let a;
let b;
let dir;

before(async () => {
  const fresh = freshDb();
  dir = fresh.dir;
  const args = ['--login-max-failures', '3', '--engine-poll', '100', '--cache', '400'];
  const started = await Promise.allSettled([
    startServer({ db: fresh.db, dir, args }),
    startServer({ db: fresh.db, dir, args }),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) { // stop the one that did start, or it keeps the test process alive
    await Promise.allSettled(started.filter((s) => s.status === 'fulfilled').map((s) => s.value.close()));
    throw failed.reason;
  }
  [a, b] = started.map((s) => s.value);
});

after(async () => {
  await Promise.allSettled([a?.close(), b?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('both instances started together on one fresh database', async () => {
  for (const s of [a, b]) {
    const r = await api(s.url, 'GET', '/healthz');
    assert.equal(r.status, 200, r.text);
  }
});

test('a session opened on one instance works on the other, and a logout ends it on both', async () => {
  const body = signupBody();
  assert.equal((await api(a.url, 'POST', '/api/v1/orgs', { body })).status, 201);
  const { token } = await login(b.url, body.admin.email, body.admin.password);
  const me = await api(a.url, 'GET', '/api/v1/me', { token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.email, body.admin.email);
  assert.equal((await api(b.url, 'GET', '/api/v1/me', { token })).status, 200);
  assert.equal((await api(a.url, 'DELETE', '/api/v1/session', { token })).status, 204);
  assertProblem(await api(a.url, 'GET', '/api/v1/me', { token }), 401, 'unauthenticated');
  // B checked the token a moment ago and keeps that for --cache (400 ms
  // here): the logout reaches it within that.
  const t0 = Date.now();
  let r;
  while ((r = await api(b.url, 'GET', '/api/v1/me', { token })).status === 200 && Date.now() - t0 < 3000) {
    await new Promise((res) => setTimeout(res, 50));
  }
  assertProblem(r, 401, 'unauthenticated');
  assert.ok(Date.now() - t0 < 1500, `B took ${Date.now() - t0} ms`);
});

test('the login throttle counts failures through both instances', async () => {
  const body = signupBody();
  assert.equal((await api(b.url, 'POST', '/api/v1/orgs', { body })).status, 201);
  const wrong = { email: body.admin.email, password: 'not the password' };
  for (const s of [a, b, a]) {
    assertProblem(await api(s.url, 'POST', '/api/v1/session', { body: wrong }), 401, 'unauthenticated');
  }
  for (const s of [b, a]) {
    const r = await api(s.url, 'POST', '/api/v1/session', { body: { email: body.admin.email, password: PASSWORD } });
    assertProblem(r, 429, 'too-many-requests');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  }
});

test('sign-ups racing through both instances with one email create one org', async () => {
  const email = uniqueEmail('race');
  const tries = Array.from({ length: 10 }, (_, i) =>
    api(i % 2 ? a.url : b.url, 'POST', '/api/v1/orgs', { body: signupBody({ admin: { email } }) }));
  const res = await Promise.all(tries);
  const codes = res.map((r) => r.status).sort();
  assert.deepEqual(codes, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409], res.map((r) => r.text).join('\n'));
  const { token } = await login(a.url, email, PASSWORD);
  const me = await api(b.url, 'GET', '/api/v1/me', { token });
  assert.equal(me.status, 200);
  const created = res.find((r) => r.status === 201).json;
  assert.equal(me.json.org.id, created.id);
});

test('a price change made through one instance reaches the other instance\'s quotes', async () => {
  const o = addUserCli(a.dbPath, { role: 'operator' });
  const { token } = await login(a.url, o.email, o.password);
  const post = async (path, body, method = 'POST') => {
    const r = await api(a.url, method, path, { token, body });
    assert.ok(r.status < 300, `${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  await post('/api/v1/regions', { code: 'cn-east-3', name: { zh: '华东-上海一', en: 'CN East-Shanghai1' }, area: 'domestic' });
  await post('/api/v1/products', {
    code: 'rds.mysql', name: { zh: '云数据库 MySQL', en: 'RDS for MySQL' }, category: 'database', unit: { zh: '台', en: 'instance' },
    billing_modes: ['monthly'], prices: [{ region: 'cn-east-3', billing_mode: 'monthly', unit_price: 50000 }],
  });
  const buyer = await signup(b.url, { industry: 'fintech' });
  const cart = { region: 'cn-east-3', lines: [{ product: 'rds.mysql', quantity: 1, months: 1 }] };
  const priced = async () => (await api(b.url, 'POST', '/api/v1/quotes', { token: buyer.token, body: cart })).json;
  const eventually = async (check) => {
    for (let i = 0; i < 50; i++) {
      const q = await priced();
      if (q && check(q)) return q;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.fail('instance B never saw the change made through A');
  };
  await eventually((q) => q.totals?.final === 50000);
  await post('/api/v1/products/rds.mysql', { prices: [{ region: 'cn-east-3', billing_mode: 'monthly', unit_price: 42000 }] }, 'PATCH');
  await eventually((q) => q.totals?.final === 42000);
  const now = Date.now();
  const c = await post('/api/v1/campaigns', {
    name: { zh: '数据库月', en: 'Database month' }, starts_at: new Date(now - 60000).toISOString(),
    ends_at: new Date(now + 86400000).toISOString(), published: true,
  });
  await post(`/api/v1/campaigns/${c.id}/policies`, {
    name: { zh: '数据库75折', en: 'Databases 25% off' }, lane: 0, conditions: { categories: ['database'] },
    effect: { kind: 'percent_off', value: 2500 },
  });
  await eventually((q) => q.totals?.final === 31500);
});

test('orders racing through both instances never overspend a budget; cocloud audit agrees', async () => {
  const o = addUserCli(a.dbPath, { role: 'operator' });
  const { token } = await login(a.url, o.email, o.password);
  const post = async (path, body) => {
    const r = await api(b.url, 'POST', path, { token, body });
    assert.ok(r.status < 300, `${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  await post('/api/v1/regions', { code: 'ap-southeast-3', name: { zh: '亚太-新加坡', en: 'AP-Singapore' }, area: 'overseas' });
  await post('/api/v1/products', {
    code: 'cdn.traffic', name: { zh: 'CDN 流量', en: 'CDN traffic' }, category: 'cdn', unit: { zh: 'GB', en: 'GB' },
    billing_modes: ['monthly'], prices: [{ region: 'ap-southeast-3', billing_mode: 'monthly', unit_price: 30 }],
  });
  const now = Date.now();
  const c = await post('/api/v1/campaigns', {
    name: { zh: '出海', en: 'Going global' }, starts_at: new Date(now - 60000).toISOString(),
    ends_at: new Date(now + 86400000).toISOString(), published: true,
  });
  // 20 CNY off each order, 100 CNY budget: room for exactly five orders.
  const p = await post(`/api/v1/campaigns/${c.id}/policies`, {
    name: { zh: 'CDN 减20', en: 'CDN 20 off' }, lane: 0, conditions: { products: ['cdn.traffic'] },
    effect: { kind: 'amount_off', value: 2000 }, limits: { budget: 10000 },
  });
  const buyers = await Promise.all(Array.from({ length: 12 }, (_, i) => signup(i % 2 ? a.url : b.url, { industry: 'media' })));
  const cart = { region: 'ap-southeast-3', lines: [{ product: 'cdn.traffic', quantity: 1000, months: 1 }] };
  let quotes;
  for (let i = 0; i < 50; i++) { // until both engines know the policy
    quotes = await Promise.all(buyers.map((u, k) => api(k % 2 ? a.url : b.url, 'POST', '/api/v1/quotes', { token: u.token, body: cart })));
    if (quotes.every((q) => q.json?.lines?.[0]?.applied?.some((x) => x.policy === p.id))) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  for (const q of quotes) assert.equal(q.json.totals.discount, 2000, q.text);
  const orders = await Promise.all(buyers.map((u, k) =>
    api(k % 2 ? b.url : a.url, 'POST', '/api/v1/orders', { token: u.token, body: { quote_id: quotes[k].json.id } })));
  assert.equal(orders.filter((r) => r.status === 201).length, 5, orders.map((r) => `${r.status} ${r.text}`).join('\n'));
  assert.ok(orders.every((r) => r.status === 201 || r.status === 409));
  const usage = (await api(a.url, 'GET', `/api/v1/policies/${p.id}`, { token })).json.usage;
  assert.deepEqual(usage, { uses: 5, discount: 10000 });
  const audit = cli(['audit', '--db', a.dbPath]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.match(audit.stdout, /all checks passed/);
});

test('claims on one credit drop through both instances at once never over-grant; cocloud audit agrees', async () => {
  const o = addUserCli(a.dbPath, { role: 'operator' });
  const { token } = await login(b.url, o.email, o.password);
  const post = async (s, path, body) => {
    const r = await api(s.url, 'POST', path, { token, body, headers: { 'idempotency-key': randomUUID() } });
    assert.ok(r.status < 300, `${path}: ${r.status} ${r.text}`);
    return r.json;
  };
  const fund = await post(a, '/api/v1/funds', { name: { zh: '上云津贴', en: 'Cloud credits' }, amount: 100_000_000 });
  const now = Date.now();
  // 9 places over 4 shard rows, 30 orgs claiming at once, half through each instance.
  const drop = await post(b, `/api/v1/funds/${fund.id}/drops`, {
    name: { zh: '限量发放', en: 'Credit drop' }, amount: 50000, quantity: 9, shards: 4,
    opens_at: new Date(now - 60000).toISOString(), closes_at: new Date(now + 3600000).toISOString(),
  });
  const orgs = await Promise.all(Array.from({ length: 30 }, (_, i) => signup(i % 2 ? a.url : b.url)));
  const keys = orgs.map(() => randomUUID());
  const claim = (k, via) => api(via.url, 'POST', `/api/v1/drops/${drop.id}/claims`,
    { token: orgs[k].token, headers: { 'idempotency-key': keys[k] } });
  const answers = await Promise.all(orgs.map((_, k) => claim(k, k % 2 ? a : b)));
  const won = answers.filter((r) => r.status === 201);
  assert.equal(won.length, 9, answers.map((r) => `${r.status} ${r.json?.detail ?? ''}`).join('\n'));
  for (const r of answers.filter((x) => x.status !== 201)) assert.match(assertProblem(r, 409, 'conflict').detail, /sold out/);
  // A client that lost its answer retries through the other instance: the same claim.
  const k = orgs.findIndex((o2) => o2.org.id === won[0].json.claim.org_id);
  const retry = await claim(k, k % 2 ? b : a);
  assert.equal(retry.status, 201, retry.text);
  assert.equal(retry.json.claim.id, won[0].json.claim.id);
  const seen = (await api(a.url, 'GET', `/api/v1/drops/${drop.id}`)).json;
  assert.deepEqual([seen.remaining, seen.claimed, seen.status], [0, 9, 'sold_out']);
  const f = (await api(b.url, 'GET', `/api/v1/funds/${fund.id}`)).json;
  assert.deepEqual([f.available, f.reserved, f.granted], [100_000_000 - 450000, 0, 450000]);
  const audit = cli(['audit', '--db', a.dbPath]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
  assert.match(audit.stdout, /drops: places left \+ claimed \+ released = quantity/);
  assert.match(audit.stdout, /all checks passed/);
});
