// Operator routes (orgs and users lists, adding experts and operators),
// pagination, and the public ops endpoints: /healthz, /metrics, OpenAPI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, signup, login, uniqueEmail, PASSWORD, operator,
  assertProblem, assertFieldErrors,
} from './lib/server.mjs';

let srv;
let base;
let op;
before(async () => {
  srv = await startServer();
  base = srv.url;
  op = await operator(srv);
});
after(async () => { if (srv) await srv.close(); });

/** Follow `next` cursors from `path` with `limit`; returns the pages. */
async function allPages(path, limit, token) {
  const pages = [];
  let after = null;
  for (let i = 0; i < 200; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const q = `${path}${sep}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const r = await api(base, 'GET', q, { token });
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next'], q);
    assert.ok(Array.isArray(r.json.items));
    assert.ok(r.json.items.length <= limit, `${q}: ${r.json.items.length} items > limit`);
    pages.push(r.json);
    if (r.json.next === null) return pages;
    assert.equal(typeof r.json.next, 'string');
    assert.ok(r.json.next.length > 0);
    after = r.json.next;
  }
  assert.fail('pagination never ended');
}

test('the CLI-created operator signs in with role operator and no org', async () => {
  assert.equal(op.user.role, 'operator');
  assert.equal(op.user.org_id, null);
  assert.equal(op.user.admin, false);
  const me = await api(base, 'GET', '/api/v1/me', { token: op.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.org, null);
});

test('operator adds an expert and an operator; both sign in', async () => {
  const ex = uniqueEmail('expert');
  const r = await api(base, 'POST', '/api/v1/users', { token: op.token, body: { email: ex, name: 'Ed Expert', password: PASSWORD, role: 'expert' } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.id, /^usr_/);
  assert.equal(r.json.email, ex);
  assert.equal(r.json.role, 'expert');
  assert.equal(r.json.org_id, null);
  assert.equal(r.json.admin, false);
  const se = await login(base, ex, PASSWORD);
  assert.equal(se.user.id, r.json.id);
  assertProblem(await api(base, 'GET', '/api/v1/orgs', { token: se.token }), 403, 'forbidden', 'expert lists orgs');

  const o2 = uniqueEmail('op2');
  const r2 = await api(base, 'POST', '/api/v1/users', { token: op.token, body: { email: o2, name: 'Otto Operator', password: PASSWORD, role: 'operator' } });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.json.role, 'operator');
  assert.equal(r2.json.org_id, null);
  const so = await login(base, o2, PASSWORD);
  assert.equal((await api(base, 'GET', '/api/v1/orgs', { token: so.token })).status, 200);

  // The operator reads them back.
  const g = await api(base, 'GET', `/api/v1/users/${r.json.id}`, { token: op.token });
  assert.equal(g.status, 200, g.text);
  assert.equal(g.json.email, ex);
});

test('POST /users: role must be operator or expert; bad input → 422; duplicate email → 409', async () => {
  for (const role of ['enterprise', 'partner', 'admin', 'Operator']) {
    const r = await api(base, 'POST', '/api/v1/users', { token: op.token, body: { email: uniqueEmail(), name: 'n', password: PASSWORD, role } });
    assertFieldErrors(r, 422, 'validation', ['role'], { exact: true, message: /^must be one of: operator, expert$/ });
  }
  const miss = await api(base, 'POST', '/api/v1/users', { token: op.token, body: { email: 'not-an-email', password: 'short', org_id: 'org_x' } });
  assertFieldErrors(miss, 422, 'validation', ['email', 'password', 'name', 'role', 'org_id'], { exact: true });
  const dup = await api(base, 'POST', '/api/v1/users', { token: op.token, body: { email: op.email.toUpperCase(), name: 'Dup', password: PASSWORD, role: 'expert' } });
  assertFieldErrors(dup, 409, 'conflict', ['email']);
});

test('a refused sign-up (409 or 422) leaves no org behind', async () => {
  const count = async () => (await allPages('/api/v1/orgs', 100, op.token)).flatMap((p) => p.items).length;
  const a = await signup(base);
  const n0 = await count();
  const dup = await api(base, 'POST', '/api/v1/orgs', {
    body: { name: 'Orphan', kind: 'enterprise', industry: 'media', size: 'small', region: 'cn-north-4', admin: { email: a.email, password: PASSWORD, name: 'x' } },
  });
  assertProblem(dup, 409, 'conflict');
  const bad = await api(base, 'POST', '/api/v1/orgs', {
    body: { name: 'Orphan', kind: 'enterprise', industry: 'media', size: 'small', region: 'cn-north-4', admin: { email: uniqueEmail(), password: 'short', name: 'x' } },
  });
  assertProblem(bad, 422, 'validation');
  assert.equal(await count(), n0, 'org count unchanged');
});

test('operator reads, updates and adds users to any org', async () => {
  const a = await signup(base);
  const g = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: op.token });
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, a.org);
  const p = await api(base, 'PATCH', `/api/v1/orgs/${a.org.id}`, { token: op.token, body: { industry: 'fintech' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.industry, 'fintech');
  const email = uniqueEmail('byop');
  const u = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, { token: op.token, body: { email, name: 'Added By Op', password: PASSWORD, admin: true } });
  assert.equal(u.status, 201, u.text);
  assert.equal(u.json.role, 'enterprise');
  assert.equal(u.json.org_id, a.org.id);
  assert.equal(u.json.admin, true);
  const l = await api(base, 'GET', `/api/v1/orgs/${a.org.id}/users`, { token: op.token });
  assert.equal(l.status, 200);
  assert.deepEqual(l.json.items.map((x) => x.id).sort(), [a.admin.id, u.json.id].sort());
  assertProblem(await api(base, 'GET', '/api/v1/orgs/org_nosuchorg00000000000000000', { token: op.token }), 404, 'not-found');
  assertProblem(await api(base, 'POST', '/api/v1/orgs/org_nosuchorg00000000000000000/users', {
    token: op.token, body: { email: uniqueEmail(), name: 'n', password: PASSWORD },
  }), 404, 'not-found');
});

test('GET /orgs paginates with limit/after/next: every org once, no duplicates', async () => {
  const created = [];
  for (let i = 0; i < 7; i++) created.push((await signup(base)).org.id);
  const all = (await allPages('/api/v1/orgs', 100, op.token)).flatMap((p) => p.items);
  const pages = await allPages('/api/v1/orgs', 2, op.token);
  const ids = pages.flatMap((p) => p.items.map((o) => o.id));
  assert.equal(new Set(ids).size, ids.length, 'no org twice');
  assert.deepEqual(ids, all.map((o) => o.id), 'limit=2 pages concatenate to the full list in the same order');
  for (const id of created) assert.ok(ids.includes(id), `org ${id} listed`);
  assert.ok(pages.length >= 4);
  for (const p of pages.slice(0, -1)) assert.equal(p.items.length, 2, 'full pages before the last');
  const first = await api(base, 'GET', '/api/v1/orgs?limit=1', { token: op.token });
  assert.equal(first.json.items.length, 1);
  assert.notEqual(first.json.next, null);
});

test('default page size is 50', async () => {
  // Make sure there are more than 50 orgs.
  let total = (await allPages('/api/v1/orgs', 100, op.token)).flatMap((p) => p.items).length;
  while (total <= 50) { await signup(base); total += 1; }
  const r = await api(base, 'GET', '/api/v1/orgs', { token: op.token });
  assert.equal(r.status, 200);
  assert.equal(r.json.items.length, 50);
  assert.equal(typeof r.json.next, 'string');
  const r2 = await api(base, 'GET', '/api/v1/orgs?limit=100', { token: op.token });
  assert.equal(r2.json.items.length, Math.min(total, 100));
});

test('GET /users paginates and filters by role', async () => {
  const experts = [];
  for (let i = 0; i < 3; i++) {
    const r = await api(base, 'POST', '/api/v1/users', { token: op.token, body: { email: uniqueEmail('exp'), name: `Expert ${i}`, password: PASSWORD, role: 'expert' } });
    assert.equal(r.status, 201, r.text);
    experts.push(r.json.id);
  }
  const pages = await allPages('/api/v1/users?role=expert', 1, op.token);
  const items = pages.flatMap((p) => p.items);
  assert.ok(items.every((u) => u.role === 'expert'), 'only experts');
  const ids = items.map((u) => u.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of experts) assert.ok(ids.includes(id));
  const ent = (await allPages('/api/v1/users?role=enterprise', 100, op.token)).flatMap((p) => p.items);
  assert.ok(ent.length > 0 && ent.every((u) => u.role === 'enterprise' && typeof u.org_id === 'string'));
  const everyone = (await allPages('/api/v1/users', 3, op.token)).flatMap((p) => p.items);
  assert.ok(everyone.length >= ent.length + experts.length + 1);
  assert.ok(everyone.some((u) => u.id === op.user.id));
});

test('GET /orgs/{id}/users paginates', async () => {
  const a = await signup(base);
  for (let i = 0; i < 4; i++) {
    const r = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, { token: a.token, body: { email: uniqueEmail('m'), name: `M${i}`, password: PASSWORD } });
    assert.equal(r.status, 201, r.text);
  }
  const pages = [];
  let after = null;
  do {
    const r = await api(base, 'GET', `/api/v1/orgs/${a.org.id}/users?limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`, { token: a.token });
    assert.equal(r.status, 200, r.text);
    pages.push(r.json.items);
    after = r.json.next;
  } while (after && pages.length < 10);
  const ids = pages.flat().map((u) => u.id);
  assert.equal(ids.length, 5);
  assert.equal(new Set(ids).size, 5);
  assert.ok(pages.flat().every((u) => u.org_id === a.org.id));
  // A user of another org is no cursor of this list: it must not tell that the id exists.
  const b = await signup(base);
  assertFieldErrors(await api(base, 'GET', `/api/v1/orgs/${a.org.id}/users?after=${b.admin.id}`, { token: a.token }), 400, 'bad-request', ['after']);
  assertFieldErrors(await api(base, 'GET', `/api/v1/users?role=operator&after=${b.admin.id}`, { token: op.token }), 400, 'bad-request', ['after']);
});

test('bad query parameters → 400 bad-request naming the parameter', async () => {
  for (const q of ['limit=0', 'limit=101', 'limit=-1', 'limit=abc', 'limit=1.5', 'limit=', 'limit=99999999999999999999']) {
    assertFieldErrors(await api(base, 'GET', `/api/v1/orgs?${q}`, { token: op.token }), 400, 'bad-request', ['limit'], { exact: true });
  }
  assertFieldErrors(await api(base, 'GET', '/api/v1/users?role=wizard', { token: op.token }), 400, 'bad-request', ['role']);
  assertFieldErrors(await api(base, 'GET', '/api/v1/users?limit=0', { token: op.token }), 400, 'bad-request', ['limit']);
});

test('a cursor that the server never issued → 400 bad-request on after', async () => {
  for (const q of ['after=%00garbage!!', 'after=zzz', `after=${'A'.repeat(300)}`]) {
    assertFieldErrors(await api(base, 'GET', `/api/v1/orgs?${q}`, { token: op.token }), 400, 'bad-request', ['after'], { exact: true });
  }
});

test('limit=1 and limit=100 are accepted', async () => {
  assert.equal((await api(base, 'GET', '/api/v1/orgs?limit=1', { token: op.token })).status, 200);
  assert.equal((await api(base, 'GET', '/api/v1/orgs?limit=100', { token: op.token })).status, 200);
});

// ---- ops endpoints ---------------------------------------------------------

test('GET /healthz → 200 {"status":"ok","database":"ok"}', async () => {
  const r = await api(base, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  assert.equal(r.json.status, 'ok');
  assert.equal(r.json.database, 'ok');
});

test('GET /metrics is Prometheus text with the HTTP, connection and database series', async () => {
  await api(base, 'GET', '/healthz');
  await api(base, 'GET', '/api/v1/nope');
  const r = await api(base, 'GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^text\/plain/);
  const t = r.text;
  for (const name of ['cocloud_http_requests_total', 'cocloud_http_request_duration_seconds_bucket', 'cocloud_open_connections', 'cocloud_database_size_bytes']) {
    assert.match(t, new RegExp(`^${name}(\\{[^}]*\\})? [0-9.e+-]+$`, 'm'), `metric ${name} missing or malformed`);
  }
  assert.match(t, /^# TYPE cocloud_http_requests_total counter$/m);
  assert.match(t, /^# TYPE cocloud_http_request_duration_seconds histogram$/m);
  assert.match(t, /^cocloud_http_request_duration_seconds_bucket\{[^}]*le="\+Inf"[^}]*\} \d+/m);
  assert.match(t, /^cocloud_http_request_duration_seconds_(count|sum)(\{[^}]*\})? /m);
  const size = /^cocloud_database_size_bytes(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(t);
  assert.ok(Number(size[1]) > 0, 'database size is positive');
  const open = /^cocloud_open_connections(?:\{[^}]*\})? ([0-9.e+]+)$/m.exec(t);
  assert.ok(Number(open[1]) >= 1, 'this connection is open');
  // Counters grow.
  const sum = (txt) => [...txt.matchAll(/^cocloud_http_requests_total(?:\{[^}]*\})? ([0-9.e+]+)$/gm)].reduce((s, m) => s + Number(m[1]), 0);
  const before1 = sum(t);
  for (let i = 0; i < 3; i++) await api(base, 'GET', '/healthz');
  const t2 = (await api(base, 'GET', '/metrics')).text;
  assert.ok(sum(t2) >= before1 + 3, `requests_total grew from ${before1} to ${sum(t2)}`);
});

test('GET /metrics counts the session and org caches: a token used again is a hit', async () => {
  const series = (txt, name, cache) => Number(new RegExp(`^${name}\\{cache="${cache}"\\} (\\d+)$`, 'm').exec(txt)?.[1]);
  const t0 = (await api(base, 'GET', '/metrics')).text;
  for (const name of ['cocloud_cache_hits_total', 'cocloud_cache_misses_total']) {
    assert.match(t0, new RegExp(`^# TYPE ${name} counter$`, 'm'));
  }
  assert.match(t0, /^# TYPE cocloud_cache_entries gauge$/m);
  const a = await signup(base);
  for (let i = 0; i < 3; i++) assert.equal((await api(base, 'GET', '/api/v1/me', { token: a.token })).status, 200);
  const t1 = (await api(base, 'GET', '/metrics')).text;
  assert.ok(series(t1, 'cocloud_cache_misses_total', 'sessions') >= series(t0, 'cocloud_cache_misses_total', 'sessions') + 1, 'the first use reads the database');
  assert.ok(series(t1, 'cocloud_cache_hits_total', 'sessions') >= series(t0, 'cocloud_cache_hits_total', 'sessions') + 2, 'the next ones do not');
  assert.ok(series(t1, 'cocloud_cache_entries', 'sessions') >= 1);
  assert.ok(Number.isInteger(series(t1, 'cocloud_cache_hits_total', 'orgs')));
});

test('--cache 0 reads every session from the database: nothing is kept, sign-in and sign-out work', async () => {
  const s = await startServer({ args: ['--cache', '0'] });
  try {
    const a = await signup(s.url);
    for (let i = 0; i < 3; i++) assert.equal((await api(s.url, 'GET', '/api/v1/me', { token: a.token })).status, 200);
    assert.equal((await api(s.url, 'DELETE', '/api/v1/session', { token: a.token })).status, 204);
    assertProblem(await api(s.url, 'GET', '/api/v1/me', { token: a.token }), 401, 'unauthenticated');
    const t = (await api(s.url, 'GET', '/metrics')).text;
    assert.match(t, /^cocloud_cache_hits_total\{cache="sessions"\} 0$/m);
    assert.match(t, /^cocloud_cache_entries\{cache="sessions"\} 0$/m);
  } finally {
    await s.close();
  }
});

test('GET /api/openapi.json is an OpenAPI 3.1.0 document listing the v1 routes', async () => {
  const r = await api(base, 'GET', '/api/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') || '', /^application\/(vnd\.oai\.openapi\+)?json/);
  const doc = r.json;
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(typeof doc.info?.title, 'string');
  assert.equal(typeof doc.info?.version, 'string');
  const routes = {
    '/api/v1/orgs': ['get', 'post'],
    '/api/v1/orgs/{id}': ['get', 'patch'],
    '/api/v1/orgs/{id}/users': ['get', 'post'],
    '/api/v1/users': ['get', 'post'],
    '/api/v1/users/{id}': ['get'],
    '/api/v1/session': ['post', 'delete'],
    '/api/v1/me': ['get'],
    '/api/v1/me/password': ['put'],
    '/api/v1/meta': ['get'],
  };
  for (const [path, methods] of Object.entries(routes)) {
    assert.ok(doc.paths?.[path], `paths lacks ${path}; has ${Object.keys(doc.paths || {}).join(', ')}`);
    for (const m of methods) assert.ok(doc.paths[path][m], `${path} lacks ${m}`);
  }
});
