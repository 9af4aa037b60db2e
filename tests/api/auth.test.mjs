// Authentication and authorisation: tokens and cookies, logout, password
// change, expiry, login throttling, roles (403) and other orgs' data (404).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, signup, login, uniqueEmail, PASSWORD, operator, addUserCli,
  assertProblem, sleep,
} from './lib/server.mjs';

let srv;
let base;
before(async () => { srv = await startServer(); base = srv.url; });
after(async () => { if (srv) await srv.close(); });

function assert401(r, msg) {
  assertProblem(r, 401, 'unauthenticated', msg);
  assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b/, `${msg}: WWW-Authenticate`);
}

// ---- tokens ---------------------------------------------------------------------

test('no token → 401 on every signed-in route', async () => {
  const a = await signup(base);
  const routes = [
    ['GET', '/api/v1/me'],
    ['DELETE', '/api/v1/session'],
    ['GET', '/api/v1/orgs'],
    ['GET', `/api/v1/orgs/${a.org.id}`],
    ['GET', `/api/v1/orgs/${a.org.id}/users`],
    ['GET', '/api/v1/users'],
    ['GET', `/api/v1/users/${a.admin.id}`],
  ];
  for (const [m, p] of routes) assert401(await api(base, m, p), `${m} ${p}`);
  assert401(await api(base, 'PATCH', `/api/v1/orgs/${a.org.id}`, { body: { name: 'x' } }), 'PATCH org');
  assert401(await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, { body: { email: uniqueEmail(), name: 'n', password: PASSWORD } }), 'POST org users');
  assert401(await api(base, 'POST', '/api/v1/users', { body: { email: uniqueEmail(), name: 'n', password: PASSWORD, role: 'expert' } }), 'POST users');
  assert401(await api(base, 'PUT', '/api/v1/me/password', { body: { current_password: PASSWORD, new_password: 'new password 1' } }), 'PUT password');
});

test('unknown, malformed and wrong-scheme tokens → 401', async () => {
  const a = await signup(base);
  const bad = [
    { authorization: 'Bearer not-a-real-token' },
    { authorization: `Bearer ${a.token}x` },
    { authorization: `Bearer ${a.token.slice(0, -1)}` },
    { authorization: 'Bearer ' },
    { authorization: 'Bearer' },
    { authorization: `Basic ${Buffer.from(`${a.email}:${a.password}`).toString('base64')}` },
    { authorization: a.token },
    { cookie: 'cocloud_session=garbage' },
  ];
  for (const headers of bad) assert401(await api(base, 'GET', '/api/v1/me', { headers }), JSON.stringify(headers));
  // The real token still works.
  assert.equal((await api(base, 'GET', '/api/v1/me', { token: a.token })).status, 200);
});

test('wrong credentials → 401 with the same answer for unknown email and wrong password', async () => {
  const a = await signup(base);
  const wrongPw = await api(base, 'POST', '/api/v1/session', { body: { email: a.email, password: 'wrong password' } });
  const noUser = await api(base, 'POST', '/api/v1/session', { body: { email: uniqueEmail('ghost'), password: 'wrong password' } });
  assertProblem(wrongPw, 401, 'unauthenticated', 'wrong password');
  assertProblem(noUser, 401, 'unauthenticated', 'unknown email');
  for (const k of ['type', 'title', 'status', 'detail']) assert.deepEqual(wrongPw.json[k], noUser.json[k], k);
  assert.deepEqual(wrongPw.json.errors, noUser.json.errors);
  assert.equal(wrongPw.headers.get('set-cookie'), null, 'no cookie on a failed login');
});

test('cookie login: Set-Cookie is HttpOnly, SameSite=Strict, Path=/; the cookie alone authenticates', async () => {
  const a = await signup(base);
  const s = await login(base, a.email, a.password);
  const sc = s.res.headers.get('set-cookie');
  assert.ok(sc, 'Set-Cookie present');
  const parts = sc.split(';').map((x) => x.trim());
  assert.match(parts[0], /^cocloud_session=[^;\s]+$/);
  assert.ok(parts.some((p) => /^HttpOnly$/i.test(p)), sc);
  assert.ok(parts.some((p) => /^SameSite=Strict$/i.test(p)), sc);
  assert.ok(parts.some((p) => p === 'Path=/'), sc);
  assert.ok(!parts.some((p) => /^Secure$/i.test(p)), 'Secure only with --secure-cookies');
  const cookie = parts[0];
  const me = await api(base, 'GET', '/api/v1/me', { cookie });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.id, a.admin.id);
  // Logout with the cookie clears it and revokes the session.
  const out = await api(base, 'DELETE', '/api/v1/session', { cookie });
  assert.equal(out.status, 204, out.text);
  assert.equal(out.text, '');
  const cleared = out.headers.get('set-cookie') || '';
  assert.match(cleared, /^cocloud_session=/, 'logout sets the cookie again');
  assert.match(cleared, /Max-Age=0|Expires=Thu, 01 Jan 1970/i, `logout clears the cookie: ${cleared}`);
  assert401(await api(base, 'GET', '/api/v1/me', { cookie }), 'cookie after logout');
});

test('logout revokes the token (204), and only that token, even one in use a moment ago', async () => {
  const a = await signup(base);
  const other = await login(base, a.email, a.password);
  for (const t of [a.token, other.token]) { // the server keeps recent checks for a moment (--cache)
    assert.equal((await api(base, 'GET', '/api/v1/me', { token: t })).status, 200);
  }
  const r = await api(base, 'DELETE', '/api/v1/session', { token: a.token });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  assert401(await api(base, 'GET', '/api/v1/me', { token: a.token }), 'after logout');
  assert401(await api(base, 'DELETE', '/api/v1/session', { token: a.token }), 'second logout');
  const still = await api(base, 'GET', '/api/v1/me', { token: other.token });
  assert.equal(still.status, 200, 'the other session is still valid');
});

test('password change revokes every session of the user; new password works, old does not', async () => {
  const a = await signup(base);
  const second = await login(base, a.email, a.password);
  // Another user's session is not touched.
  const b = await signup(base);
  for (const t of [a.token, second.token, b.token]) { // in use a moment ago: kept (--cache)
    assert.equal((await api(base, 'GET', '/api/v1/me', { token: t })).status, 200);
  }
  const r = await api(base, 'PUT', '/api/v1/me/password', {
    token: a.token, body: { current_password: a.password, new_password: 'brand new secret' },
  });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  assert401(await api(base, 'GET', '/api/v1/me', { token: a.token }), 'changing session');
  assert401(await api(base, 'GET', '/api/v1/me', { token: second.token }), 'other session of the user');
  assert.equal((await api(base, 'GET', '/api/v1/me', { token: b.token })).status, 200, "another user's session");
  assertProblem(await api(base, 'POST', '/api/v1/session', { body: { email: a.email, password: a.password } }), 401, 'unauthenticated', 'old password');
  const s = await login(base, a.email, 'brand new secret');
  assert.equal((await api(base, 'GET', '/api/v1/me', { token: s.token })).status, 200);
});

test('password change with a wrong current password is refused and changes nothing', async () => {
  const a = await signup(base);
  const r = await api(base, 'PUT', '/api/v1/me/password', {
    token: a.token, body: { current_password: 'not my password', new_password: 'brand new secret' },
  });
  assert.ok([401, 403, 422].includes(r.status), `${r.status} ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/);
  if (r.status === 422) assert.ok(r.json.errors.some((e) => e.field === 'current_password'), r.text);
  // Nothing changed: the old password still logs in, the new one does not.
  await login(base, a.email, a.password);
  const bad = await api(base, 'POST', '/api/v1/session', { body: { email: a.email, password: 'brand new secret' } });
  assert.equal(bad.status, 401);
});

// ---- roles ------------------------------------------------------------------------

test('enterprise user on operator routes → 403 forbidden', async () => {
  const a = await signup(base);
  assertProblem(await api(base, 'GET', '/api/v1/orgs', { token: a.token }), 403, 'forbidden', 'GET /orgs');
  assertProblem(await api(base, 'GET', '/api/v1/users', { token: a.token }), 403, 'forbidden', 'GET /users');
  const email = uniqueEmail('sneaky');
  const r = await api(base, 'POST', '/api/v1/users', { token: a.token, body: { email, name: 'Sneaky', password: PASSWORD, role: 'operator' } });
  assertProblem(r, 403, 'forbidden', 'POST /users');
  // Nothing was created.
  assert.equal((await api(base, 'POST', '/api/v1/session', { body: { email, password: PASSWORD } })).status, 401);
});

test('partner user on operator routes → 403', async () => {
  const p = await signup(base, { kind: 'partner' });
  assertProblem(await api(base, 'GET', '/api/v1/orgs', { token: p.token }), 403, 'forbidden');
  assertProblem(await api(base, 'POST', '/api/v1/users', { token: p.token, body: { email: uniqueEmail(), name: 'n', password: PASSWORD, role: 'expert' } }), 403, 'forbidden');
});

test('expert: /me has org null; operator routes → 403; no org is visible', async () => {
  const u = addUserCli(srv.dbPath, { role: 'expert', name: 'Eve Expert' });
  const s = await login(base, u.email, u.password);
  assert.equal(s.user.role, 'expert');
  assert.equal(s.user.org_id, null);
  const me = await api(base, 'GET', '/api/v1/me', { token: s.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.org, null);
  assert.equal(me.json.user.role, 'expert');
  assertProblem(await api(base, 'GET', '/api/v1/orgs', { token: s.token }), 403, 'forbidden');
  assertProblem(await api(base, 'GET', '/api/v1/users', { token: s.token }), 403, 'forbidden');
  const a = await signup(base);
  const org = await api(base, 'GET', `/api/v1/orgs/${a.org.id}`, { token: s.token });
  assert.ok([403, 404].includes(org.status), `expert reads an org: ${org.status}`);
  const add = await api(base, 'POST', `/api/v1/orgs/${a.org.id}/users`, { token: s.token, body: { email: uniqueEmail(), name: 'n', password: PASSWORD } });
  assert.ok([403, 404].includes(add.status), `expert adds an org user: ${add.status}`);
});

// ---- other orgs ------------------------------------------------------------------

describe("another org's ids answer 404", () => {
  let a;
  let b;
  let bMember;
  before(async () => {
    a = await signup(base);
    b = await signup(base);
    const r = await api(base, 'POST', `/api/v1/orgs/${b.org.id}/users`, {
      token: b.token, body: { email: uniqueEmail('bm'), name: 'B Member', password: PASSWORD },
    });
    assert.equal(r.status, 201, r.text);
    bMember = r.json;
  });

  test('GET /orgs/{other}', async () => {
    assertProblem(await api(base, 'GET', `/api/v1/orgs/${b.org.id}`, { token: a.token }), 404, 'not-found');
  });
  test('GET /orgs/{other}/users', async () => {
    assertProblem(await api(base, 'GET', `/api/v1/orgs/${b.org.id}/users`, { token: a.token }), 404, 'not-found');
  });
  test('GET /users/{other-org user} (admin and member)', async () => {
    assertProblem(await api(base, 'GET', `/api/v1/users/${b.admin.id}`, { token: a.token }), 404, 'not-found');
    assertProblem(await api(base, 'GET', `/api/v1/users/${bMember.id}`, { token: a.token }), 404, 'not-found');
  });
  test('POST /orgs/{other}/users creates nothing', async () => {
    const email = uniqueEmail('intruder');
    const r = await api(base, 'POST', `/api/v1/orgs/${b.org.id}/users`, {
      token: a.token, body: { email, name: 'Intruder', password: PASSWORD, admin: true },
    });
    assertProblem(r, 404, 'not-found');
    assert.equal((await api(base, 'POST', '/api/v1/session', { body: { email, password: PASSWORD } })).status, 401);
    const users = await api(base, 'GET', `/api/v1/orgs/${b.org.id}/users`, { token: b.token });
    assert.equal(users.json.items.length, 2);
  });
  test('PATCH /orgs/{other} changes nothing', async () => {
    assertProblem(await api(base, 'PATCH', `/api/v1/orgs/${b.org.id}`, { token: a.token, body: { name: 'Pwned' } }), 404, 'not-found');
    const g = await api(base, 'GET', `/api/v1/orgs/${b.org.id}`, { token: b.token });
    assert.equal(g.json.name, b.org.name);
  });
  test('other-org answers look exactly like a missing id', async () => {
    const other = await api(base, 'GET', `/api/v1/orgs/${b.org.id}`, { token: a.token });
    const missing = await api(base, 'GET', '/api/v1/orgs/org_doesnotexist000000000000', { token: a.token });
    assertProblem(missing, 404, 'not-found');
    for (const k of ['type', 'title', 'status']) assert.deepEqual(other.json[k], missing.json[k], k);
    assertProblem(await api(base, 'GET', '/api/v1/users/usr_doesnotexist000000000000', { token: a.token }), 404, 'not-found');
  });
  test('a member of the other org reads its own org fine', async () => {
    assert.equal((await api(base, 'GET', `/api/v1/orgs/${b.org.id}`, { token: b.token })).status, 200);
  });
});

// ---- login throttling -----------------------------------------------------------------

test('6 wrong passwords on one account → 429 with a numeric Retry-After, even with the right password', async () => {
  const a = await signup(base);
  for (let i = 1; i <= 5; i++) {
    const r = await api(base, 'POST', '/api/v1/session', { body: { email: a.email, password: `wrong password ${i}` } });
    assertProblem(r, 401, 'unauthenticated', `failure ${i}`);
  }
  const r6 = await api(base, 'POST', '/api/v1/session', { body: { email: a.email, password: 'wrong password 6' } });
  assertProblem(r6, 429, 'too-many-requests', '6th attempt');
  const ra = r6.headers.get('retry-after');
  assert.match(ra || '', /^\d+$/, `Retry-After: ${ra}`);
  assert.ok(Number(ra) > 0 && Number(ra) <= 15 * 60, `Retry-After ${ra}`);
  const right = await api(base, 'POST', '/api/v1/session', { body: { email: a.email, password: a.password } });
  assertProblem(right, 429, 'too-many-requests', 'right password while locked');
  assert.match(right.headers.get('retry-after') || '', /^\d+$/);
  // The lock is per account: the existing session still works, another account still logs in.
  assert.equal((await api(base, 'GET', '/api/v1/me', { token: a.token })).status, 200);
  const b = await signup(base);
  assert.ok(b.token);
});

test('--login-max-failures 3: 3 failures lock the account; email case does not dodge the lock', async () => {
  const s2 = await startServer({ args: ['--login-max-failures', '3'] });
  try {
    const a = await signup(s2.url);
    for (let i = 0; i < 3; i++) {
      assertProblem(await api(s2.url, 'POST', '/api/v1/session', { body: { email: a.email, password: 'nope nope' } }), 401, 'unauthenticated', `failure ${i + 1}`);
    }
    const r = await api(s2.url, 'POST', '/api/v1/session', { body: { email: a.email.toUpperCase(), password: a.password } });
    assertProblem(r, 429, 'too-many-requests');
    assert.match(r.headers.get('retry-after') || '', /^[1-9]\d*$/);
  } finally {
    await s2.close();
  }
});

test('--login-max-address-failures 4: failures across accounts from one address lock the address', async () => {
  const s2 = await startServer({ args: ['--login-max-address-failures', '4', '--login-max-failures', '10'] });
  try {
    const accounts = [];
    for (let i = 0; i < 5; i++) accounts.push(await signup(s2.url));
    for (let i = 0; i < 4; i++) {
      assertProblem(await api(s2.url, 'POST', '/api/v1/session', { body: { email: accounts[i].email, password: 'nope nope' } }), 401, 'unauthenticated', `failure ${i + 1}`);
    }
    const z = await api(s2.url, 'POST', '/api/v1/session', { body: { email: accounts[4].email, password: accounts[4].password } });
    assertProblem(z, 429, 'too-many-requests', 'address locked');
    assert.match(z.headers.get('retry-after') || '', /^[1-9]\d*$/);
  } finally {
    await s2.close();
  }
});

// ---- expiry -------------------------------------------------------------------------------

describe('session expiry', () => {
  test('--session-idle 1: a token unused for 2.5 s → 401', async () => {
    const s3 = await startServer({ args: ['--session-idle', '1'] });
    try {
      const a = await signup(s3.url);
      assert.equal((await api(s3.url, 'GET', '/api/v1/me', { token: a.token })).status, 200);
      await sleep(2500);
      assert401(await api(s3.url, 'GET', '/api/v1/me', { token: a.token }), 'idle token');
      // Signing in again works.
      const s = await login(s3.url, a.email, a.password);
      assert.equal((await api(s3.url, 'GET', '/api/v1/me', { token: s.token })).status, 200);
    } finally {
      await s3.close();
    }
  });

  test('--session-idle 2: a token in use every 0.4 s stays valid past 2 s; an unused one ends', async () => {
    const s5 = await startServer({ args: ['--session-idle', '2'] });
    try {
      const a = await signup(s5.url);
      const unused = await login(s5.url, a.email, a.password);
      const t0 = Date.now();
      while (Date.now() - t0 < 3500) {
        const r = await api(s5.url, 'GET', '/api/v1/me', { token: a.token });
        assert.equal(r.status, 200, `token in use, ${Date.now() - t0} ms after start: ${r.status}`);
        await sleep(400);
      }
      assert401(await api(s5.url, 'GET', '/api/v1/me', { token: unused.token }), 'unused token after 3.5 s');
    } finally {
      await s5.close();
    }
  });

  test('--session-max 2: a token in steady use still ends after 2 s', async () => {
    const s4 = await startServer({ args: ['--session-max', '2', '--session-idle', '600'] });
    try {
      const a = await signup(s4.url);
      const s = await login(s4.url, a.email, a.password);
      const left = Date.parse(s.expires_at) - Date.now();
      assert.ok(left <= 2500 && left > 0, `expires_at ${s.expires_at} is about 2 s away (${left} ms)`);
      const t0 = Date.now();
      let last;
      while (Date.now() - t0 < 3200) {
        last = await api(s4.url, 'GET', '/api/v1/me', { token: a.token });
        if (last.status !== 200) break;
        await sleep(300);
      }
      assert401(last, 'token past session-max');
      assert.ok(Date.now() - t0 >= 1500, 'the token lasted until near session-max');
    } finally {
      await s4.close();
    }
  });
});

test('an operator can use operator routes (sanity for the 403 tests)', async () => {
  const op = await operator(srv);
  assert.equal((await api(base, 'GET', '/api/v1/orgs', { token: op.token })).status, 200);
  assert.equal((await api(base, 'GET', '/api/v1/users', { token: op.token })).status, 200);
});
