// Accounts: sign-up, login, /me, org admins adding users, org reads and
// updates, duplicate emails — the happy paths an org relies on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, signup, signupBody, login, uniqueEmail, PASSWORD,
  assertProblem, assertFieldErrors,
} from './lib/server.mjs';

const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ORG_KEYS = ['clouds', 'created_at', 'id', 'industry', 'kind', 'name', 'region', 'size', 'updated_at'];
const USER_KEYS = ['admin', 'created_at', 'email', 'id', 'name', 'org_id', 'role'];

let srv;
let base;
before(async () => { srv = await startServer(); base = srv.url; });
after(async () => { if (srv) await srv.close(); });

function assertOrg(o) {
  assert.deepEqual(Object.keys(o).sort(), ORG_KEYS, JSON.stringify(o));
  assert.match(o.id, /^org_[0-9a-z]+$/);
  assert.match(o.created_at, TIME_RE);
  assert.match(o.updated_at, TIME_RE);
  assert.ok(Array.isArray(o.clouds));
}

function assertUser(u) {
  assert.deepEqual(Object.keys(u).sort(), USER_KEYS, JSON.stringify(u));
  assert.match(u.id, /^usr_[0-9a-z]+$/);
  assert.match(u.created_at, TIME_RE);
  assert.equal(typeof u.admin, 'boolean');
  assert.ok(!('password' in u) && !('password_hash' in u));
}

test('sign-up creates an org and its admin (201)', async () => {
  const body = signupBody({ name: '星云游戏', industry: 'gaming', size: 'medium', region: 'ap-southeast-1', clouds: ['aws', 'gcp'] });
  const r = await api(base, 'POST', '/api/v1/orgs', { body });
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json\b/);
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{16}$/);
  const { admin, ...org } = r.json;
  assertOrg(org);
  assert.equal(org.name, '星云游戏');
  assert.equal(org.kind, 'enterprise');
  assert.equal(org.industry, 'gaming');
  assert.equal(org.size, 'medium');
  assert.equal(org.region, 'ap-southeast-1');
  assert.deepEqual([...org.clouds].sort(), ['aws', 'gcp']);
  assertUser(admin);
  assert.equal(admin.email, body.admin.email);
  assert.equal(admin.name, body.admin.name);
  assert.equal(admin.role, 'enterprise');
  assert.equal(admin.org_id, org.id);
  assert.equal(admin.admin, true);
});

test('sign-up without clouds gives an empty clouds list; a partner org gives a partner admin', async () => {
  const body = signupBody({ kind: 'partner', industry: 'other', size: 'micro' });
  delete body.clouds;
  const r = await api(base, 'POST', '/api/v1/orgs', { body });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual(r.json.clouds, []);
  assert.equal(r.json.kind, 'partner');
  assert.equal(r.json.admin.role, 'partner');
});

test('two sign-ups get different, non-sequential ids', async () => {
  const a = await signup(base);
  const b = await signup(base);
  assert.notEqual(a.org.id, b.org.id);
  assert.notEqual(a.admin.id, b.admin.id);
});

test('login answers 201 with token, expires_at and user', async () => {
  const body = signupBody();
  assert.equal((await api(base, 'POST', '/api/v1/orgs', { body })).status, 201);
  const r = await api(base, 'POST', '/api/v1/session', { body: { email: body.admin.email, password: PASSWORD } });
  assert.equal(r.status, 201, r.text);
  assert.equal(typeof r.json.token, 'string');
  assert.ok(r.json.token.length >= 20, 'token looks too short to be random');
  assert.match(r.json.expires_at, TIME_RE);
  assert.ok(Date.parse(r.json.expires_at) > Date.now(), 'expires_at is in the future');
  assertUser(r.json.user);
  assert.equal(r.json.user.email, body.admin.email);
  // Two logins give two different tokens.
  const r2 = await login(base, body.admin.email, PASSWORD);
  assert.notEqual(r2.token, r.json.token);
});

test('GET /me returns the user and the org', async () => {
  const a = await signup(base);
  const r = await api(base, 'GET', '/api/v1/me', { token: a.token });
  assert.equal(r.status, 200, r.text);
  assertUser(r.json.user);
  assertOrg(r.json.org);
  assert.equal(r.json.user.id, a.admin.id);
  assert.equal(r.json.org.id, a.org.id);
  assert.equal(r.json.org.name, a.org.name);
});

test('emails are stored lowercased and compared case-insensitively', async () => {
  const mixed = `Mixed.Case-${Date.now()}@Example.COM`;
  const r = await api(base, 'POST', '/api/v1/orgs', { body: signupBody({ admin: { email: mixed } }) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.admin.email, mixed.toLowerCase());
  const s = await login(base, mixed.toUpperCase(), PASSWORD);
  assert.equal(s.user.id, r.json.admin.id);
});

test('duplicate sign-up email → 409 conflict on admin.email, case-insensitive', async () => {
  const a = await signup(base);
  const r = await api(base, 'POST', '/api/v1/orgs', { body: signupBody({ admin: { email: a.email.toUpperCase() } }) });
  assertFieldErrors(r, 409, 'conflict', ['admin.email']);
  // The first account is untouched.
  await login(base, a.email, a.password);
});

test('12 concurrent sign-ups with one email: exactly one 201, the rest 409', async () => {
  const email = uniqueEmail('race');
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    api(base, 'POST', '/api/v1/orgs', { body: signupBody({ name: `Race ${i}`, admin: { email: i % 2 ? email.toUpperCase() : email } }) })));
  const codes = answers.map((r) => r.status).sort();
  assert.equal(codes.filter((c) => c === 201).length, 1, `codes: ${codes}`);
  assert.equal(codes.filter((c) => c === 409).length, 11, `codes: ${codes}`);
  for (const r of answers.filter((x) => x.status === 409)) assertFieldErrors(r, 409, 'conflict', ['admin.email']);
});

test('org admin adds a user who can log in and sees the org', async () => {
  const a = await signup(base);
  const email = uniqueEmail('member');
  const r = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: a.token, body: { email, name: 'Mia Member', password: 'member pass 1' },
  });
  assert.equal(r.status, 201, r.text);
  assertUser(r.json);
  assert.equal(r.json.email, email);
  assert.equal(r.json.name, 'Mia Member');
  assert.equal(r.json.role, 'enterprise');
  assert.equal(r.json.org_id, a.org.id);
  assert.equal(r.json.admin, false);

  const s = await login(base, email, 'member pass 1');
  assert.equal(s.user.id, r.json.id);
  const me = await api(base, 'GET', '/api/v1/me', { token: s.token });
  assert.equal(me.status, 200);
  assert.equal(me.json.user.id, r.json.id);
  assert.equal(me.json.org.id, a.org.id);

  // The member can read its own org, its users, itself and the admin.
  const org = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: s.token });
  assert.equal(org.status, 200, org.text);
  assert.equal(org.json.id, a.org.id);
  const users = await api(base, 'GET', `/api/v1/orgs/${a.org.id}/users`, { token: s.token });
  assert.equal(users.status, 200, users.text);
  assert.deepEqual(users.json.items.map((u) => u.id).sort(), [a.admin.id, r.json.id].sort());
  assert.equal(users.json.next, null);
  const self = await api(base, 'GET', `/api/v1/users/${r.json.id}`, { token: s.token });
  assert.equal(self.status, 200, self.text);
  assert.equal(self.json.email, email);
  const adm = await api(base, 'GET', `/api/v1/users/${a.admin.id}`, { token: s.token });
  assert.equal(adm.status, 200, adm.text);
  assert.equal(adm.json.admin, true);
});

test('a user added with admin:true can add users; a partner org member gets role partner', async () => {
  const a = await signup(base, { kind: 'partner' });
  const email = uniqueEmail('padmin');
  const r = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: a.token, body: { email, name: 'Second Admin', password: PASSWORD, admin: true },
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.role, 'partner');
  assert.equal(r.json.admin, true);
  const s = await login(base, email, PASSWORD);
  const r2 = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: s.token, body: { email: uniqueEmail('p3'), name: 'Third', password: PASSWORD },
  });
  assert.equal(r2.status, 201, r2.text);
  assert.equal(r2.json.role, 'partner');
});

test('a non-admin member cannot add users (403) nor update the org (403)', async () => {
  const a = await signup(base);
  const email = uniqueEmail('plain');
  const add = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: a.token, body: { email, name: 'Plain', password: PASSWORD },
  });
  assert.equal(add.status, 201, add.text);
  const s = await login(base, email, PASSWORD);
  const nope = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: s.token, body: { email: uniqueEmail('x'), name: 'X', password: PASSWORD },
  });
  assertProblem(nope, 403, 'forbidden', 'member adds a user');
  const patch = await api(base, 'PATCH', `/api/v1/orgs/${a.org.id}`, { token: s.token, body: { name: 'Hijacked' } });
  assertProblem(patch, 403, 'forbidden', 'member patches the org');
  const org = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: a.token });
  assert.equal(org.json.name, a.org.name);
});

test('adding a user with an email already registered → 409 on email (case-insensitive)', async () => {
  const a = await signup(base);
  const b = await signup(base);
  const r = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, {
    token: a.token, body: { email: b.email.toUpperCase(), name: 'Dup', password: PASSWORD },
  });
  assertFieldErrors(r, 409, 'conflict', ['email']);
});

test('org admin updates the org with PATCH', async () => {
  const a = await signup(base);
  const r = await api(base, 'PATCH', `/api/v1/orgs/${a.org.id}`, {
    token: a.token, body: { name: 'Renamed Co', size: 'large', clouds: ['azure', 'alibaba'] },
  });
  assert.equal(r.status, 200, r.text);
  assertOrg(r.json);
  assert.equal(r.json.name, 'Renamed Co');
  assert.equal(r.json.size, 'large');
  assert.deepEqual([...r.json.clouds].sort(), ['alibaba', 'azure']);
  assert.equal(r.json.industry, a.org.industry, 'untouched fields keep their value');
  assert.equal(r.json.region, a.org.region);
  assert.equal(r.json.kind, 'enterprise');
  assert.ok(Date.parse(r.json.updated_at) >= Date.parse(a.org.updated_at));
  const g = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: a.token });
  assert.equal(g.json.name, 'Renamed Co');
  assert.equal(g.json.size, 'large');
});

test('PATCH /orgs/{id} rejects kind (not changeable) and bad values with 422', async () => {
  const a = await signup(base);
  const r = await api(base, 'PATCH', `/api/v1/orgs/${a.org.id}`, { token: a.token, body: { kind: 'partner' } });
  assertFieldErrors(r, 422, 'validation', ['kind']);
  const r2 = await api(base, 'PATCH', `/api/v1/orgs/${a.org.id}`, { token: a.token, body: { industry: 'farming', name: '' } });
  assertFieldErrors(r2, 422, 'validation', ['industry', 'name'], { exact: true });
  const g = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: a.token });
  assert.equal(g.json.kind, 'enterprise');
  assert.equal(g.json.industry, a.org.industry);
});

test('GET /api/v1/meta lists the enumerations of the contract', async () => {
  const r = await api(base, 'GET', '/api/v1/meta');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([...r.json.industries].sort(), ['ecommerce', 'education', 'fintech', 'gaming', 'media', 'mobility', 'other']);
  assert.deepEqual([...r.json.sizes].sort(), ['large', 'medium', 'micro', 'small']);
  assert.deepEqual([...r.json.org_kinds].sort(), ['enterprise', 'partner']);
  assert.deepEqual([...r.json.roles].sort(), ['enterprise', 'expert', 'operator', 'partner']);
  assert.deepEqual([...r.json.clouds].sort(), ['alibaba', 'aws', 'azure', 'baidu', 'gcp', 'other', 'tencent', 'volcengine']);
  assert.equal(typeof r.json.version, 'string');
  assert.ok(r.json.version.length > 0);
});
