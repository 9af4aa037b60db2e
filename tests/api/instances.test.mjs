// Two cocloud instances on one database behave as one: they start together
// (one migrates, the other waits), a session from one works on the other,
// a logout on one ends it on both, the login throttle counts across both,
// and racing sign-ups through both create one account. Runs on the suite's
// engine: SQLite (two processes on one WAL file) or PostgreSQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { startServer, freshDb, api, signupBody, login, uniqueEmail, PASSWORD, assertProblem } from './lib/server.mjs';

let a;
let b;
let dir;

before(async () => {
  const fresh = freshDb();
  dir = fresh.dir;
  const args = ['--login-max-failures', '3'];
  [a, b] = await Promise.all([
    startServer({ db: fresh.db, dir, args }),
    startServer({ db: fresh.db, dir, args }),
  ]);
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
  assert.equal((await api(a.url, 'DELETE', '/api/v1/session', { token })).status, 204);
  assertProblem(await api(b.url, 'GET', '/api/v1/me', { token }), 401, 'unauthenticated');
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
