// Data survives a restart (SIGTERM, exit 0, start again on the same
// database): orgs, users, sessions, password changes. Plus the command line:
// --version, --help, usage errors, an unusable database path, `user add`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startServer, api, signup, login, uniqueEmail, PASSWORD, operator, addUserCli, cli,
  assertProblem,
} from './lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { if (srv) await srv.close(); });

test('a restart keeps orgs, users and sessions', async () => {
  const a = await signup(srv.url, { name: 'Durable Co', clouds: ['tencent', 'baidu'] });
  const memberEmail = uniqueEmail('durable');
  const m = await api(srv.url, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: a.token, body: { email: memberEmail, name: 'Dora Durable', password: 'member password' },
  });
  assert.equal(m.status, 201, m.text);
  const patched = await api(srv.url, 'PATCH', `/api/v1/orgs/${a.org.id}`, { token: a.token, body: { size: 'large' } });
  assert.equal(patched.status, 200, patched.text);
  const op = await operator(srv);
  const expert = await api(srv.url, 'POST', '/api/v1/users', {
    token: op.token, body: { email: uniqueEmail('xp'), name: 'Xavier', password: PASSWORD, role: 'expert' },
  });
  assert.equal(expert.status, 201, expert.text);
  // A revoked token must stay revoked.
  const revoked = await login(srv.url, a.email, a.password);
  assert.equal((await api(srv.url, 'DELETE', '/api/v1/session', { token: revoked.token })).status, 204);
  const oldUrl = srv.url;

  await srv.restart(); // asserts exit code 0 on SIGTERM
  const base = srv.url;
  assert.ok(base, `restarted (was ${oldUrl})`);

  // The old token still works.
  const me = await api(base, 'GET', '/api/v1/me', { token: a.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.id, a.admin.id);
  assert.equal(me.json.org.id, a.org.id);
  assert.equal(me.json.org.name, 'Durable Co');
  assert.equal(me.json.org.size, 'large');
  assert.deepEqual([...me.json.org.clouds].sort(), ['baidu', 'tencent']);
  assert.equal(me.json.org.created_at, a.org.created_at);
  assertProblem(await api(base, 'GET', '/api/v1/me', { token: revoked.token }), 401, 'unauthenticated', 'revoked token after restart');

  // Passwords still work for everyone.
  const s = await login(base, a.email, a.password);
  assert.equal(s.user.id, a.admin.id);
  const sm = await login(base, memberEmail, 'member password');
  assert.equal(sm.user.id, m.json.id);
  await login(base, expert.json.email, PASSWORD);
  const opMe = await api(base, 'GET', '/api/v1/me', { token: op.token });
  assert.equal(opMe.status, 200);

  const users = await api(base, 'GET', `/api/v1/orgs/${a.org.id}/users`, { token: s.token });
  assert.deepEqual(users.json.items.map((u) => u.id).sort(), [a.admin.id, m.json.id].sort());
  const u = await api(base, 'GET', `/api/v1/users/${m.json.id}`, { token: op.token });
  assert.deepEqual(u.json, m.json);
  const g = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: op.token });
  assert.deepEqual(g.json, patched.json);

  // Duplicate detection survives too.
  const dup = await api(base, 'POST', '/api/v1/orgs', {
    body: { name: 'Again', kind: 'enterprise', industry: 'media', size: 'small', region: 'cn-north-4', admin: { email: a.email, password: PASSWORD, name: 'x' } },
  });
  assertProblem(dup, 409, 'conflict');
});

test('a password change survives a restart', async () => {
  const a = await signup(srv.url);
  const r = await api(srv.url, 'PUT', '/api/v1/me/password', { token: a.token, body: { current_password: a.password, new_password: 'after restart pw' } });
  assert.equal(r.status, 204, r.text);
  await srv.restart();
  assertProblem(await api(srv.url, 'GET', '/api/v1/me', { token: a.token }), 401, 'unauthenticated');
  assert.equal((await api(srv.url, 'POST', '/api/v1/session', { body: { email: a.email, password: a.password } })).status, 401);
  await login(srv.url, a.email, 'after restart pw');
});

test('SIGTERM while requests are in flight still exits 0, and nothing acknowledged is lost', async () => {
  const base = srv.url;
  const bodies = [];
  for (let i = 0; i < 20; i++) {
    bodies.push({ name: `Burst ${i}`, kind: 'enterprise', industry: 'ecommerce', size: 'small', region: 'cn-east-3', admin: { email: uniqueEmail('burst'), password: PASSWORD, name: 'B' } });
  }
  const pending = bodies.map((body) => api(base, 'POST', '/api/v1/orgs', { body }).catch((e) => ({ status: 0, error: e })));
  await new Promise((r) => setTimeout(r, 5));
  await srv.restart();
  const answers = await Promise.all(pending);
  for (let i = 0; i < bodies.length; i++) {
    if (answers[i].status === 201) {
      // Acknowledged: it must be there.
      const s = await api(srv.url, 'POST', '/api/v1/session', { body: { email: bodies[i].admin.email, password: PASSWORD } });
      assert.equal(s.status, 201, `acknowledged sign-up ${i} lost after restart`);
    }
  }
});

// ---- command line ---------------------------------------------------------------

test('cocloud --version and --help exit 0', () => {
  const v = cli(['--version']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /\b\d+\.\d+\.\d+\b/);
  const h = cli(['--help']);
  assert.equal(h.status, 0, h.stderr);
  assert.match(h.stdout, /usage/i);
  assert.match(h.stdout, /\bserve\b/);
  const sh = cli(['serve', '--help']);
  assert.equal(sh.status, 0, sh.stderr);
  assert.match(sh.stdout, /--listen/);
  assert.match(sh.stdout, /--db/);
});

test('a bad flag or command exits 2 with usage on stderr', () => {
  for (const args of [['--bogus'], ['serve', '--bogus'], ['serve', '--listen'], ['frobnicate'], ['serve', '--threads', 'many', '--db', '/tmp/x.db']]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
    assert.match(r.stderr, /usage/i, `${args.join(' ')}: usage on stderr`);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing on stdout`);
  }
});

test('cocloud serve --db /nonexistent-dir/x.db exits non-zero with a clear message', () => {
  const r = cli(['serve', '--listen', '127.0.0.1:0', '--db', '/nonexistent-dir/x.db'], { timeout: 10000 });
  assert.equal(r.signal, null, 'it exits by itself');
  assert.notEqual(r.status, 0);
  assert.ok([1, 3].includes(r.status), `exit code ${r.status} (contract: 1 failure, 3 database error)`);
  assert.match(r.stderr, /\/nonexistent-dir\/x\.db/, `message names the path: ${r.stderr}`);
  assert.doesNotMatch(r.stdout, /listening/);
  assert.ok(r.stderr.trim().split('\n').length <= 5, `a short message, not a dump:\n${r.stderr}`);
});

test('cocloud serve on an address in use exits non-zero', async () => {
  const port = new URL(srv.url).port;
  const dir = mkdtempSync(join(tmpdir(), 'cocloud-api-'));
  try {
    const r = cli(['serve', '--listen', `127.0.0.1:${port}`, '--db', join(dir, 'x.db')], { timeout: 10000 });
    assert.equal(r.signal, null, 'it exits by itself');
    assert.notEqual(r.status, 0);
    assert.ok(r.stderr.length > 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cocloud user add: password from stdin; bad role, short password, duplicate email fail', async () => {
  const u = addUserCli(srv.dbPath, { role: 'operator', name: 'Cli Op', password: 'cli operator pw' });
  const s = await login(srv.url, u.email, 'cli operator pw');
  assert.equal(s.user.role, 'operator');
  assert.equal(s.user.name, 'Cli Op');

  const dup = cli(['user', 'add', '--role', 'operator', '--email', u.email.toUpperCase(), '--name', 'Dup', '--db', srv.dbPath], { input: `${PASSWORD}\n` });
  assert.notEqual(dup.status, 0, 'duplicate email');
  assert.ok(dup.stderr.length > 0);
  const short = cli(['user', 'add', '--role', 'expert', '--email', uniqueEmail(), '--name', 'S', '--db', srv.dbPath], { input: 'short\n' });
  assert.notEqual(short.status, 0, 'short password');
  const badRole = cli(['user', 'add', '--role', 'wizard', '--email', uniqueEmail(), '--name', 'W', '--db', srv.dbPath], { input: `${PASSWORD}\n` });
  assert.notEqual(badRole.status, 0, 'bad role');
  const noEmail = cli(['user', 'add', '--role', 'operator', '--name', 'W', '--db', srv.dbPath], { input: `${PASSWORD}\n` });
  assert.equal(noEmail.status, 2, `missing --email is a usage error: ${noEmail.stderr}`);
});
