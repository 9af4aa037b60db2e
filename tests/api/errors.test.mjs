// Bad input: malformed and too-deep JSON, wrong types, missing and unknown
// fields, bad enum values and field rules, body size and content type,
// unknown routes and methods, and the RFC 9457 shape of every error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, signup, signupBody, uniqueEmail, PASSWORD,
  assertProblem, assertFieldErrors,
} from './lib/server.mjs';

let srv;
let base;
let acct; // an org admin, for authenticated bad input
before(async () => {
  srv = await startServer();
  base = srv.url;
  acct = await signup(base);
});
after(async () => { if (srv) await srv.close(); });

const post = (body, extra = {}) => api(base, 'POST', '/api/v1/orgs', { body, ...extra });
const postRaw = (raw, ct = 'application/json') => api(base, 'POST', '/api/v1/orgs', { raw, headers: { 'content-type': ct } });

// ---- malformed JSON ------------------------------------------------------

for (const [label, raw] of [
  ['truncated object', '{"name": "Acme", "kind": '],
  ['trailing comma', '{"name": "Acme",}'],
  ['single quotes', "{'name': 'Acme'}"],
  ['bare word', 'hello'],
  ['two documents', '{} {}'],
  ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
  ['empty body', ''],
]) {
  test(`malformed JSON (${label}) → 400 bad-json`, async () => {
    const r = await postRaw(raw);
    assertProblem(r, 400, 'bad-json', label);
  });
}

test('malformed JSON on login and on an authenticated route → 400 bad-json', async () => {
  assertProblem(await api(base, 'POST', '/api/v1/session', { raw: '{"email":', headers: { 'content-type': 'application/json' } }), 400, 'bad-json');
  assertProblem(await api(base, 'PATCH', `/api/v1/orgs/${acct.org.id}`, {
    token: acct.token, raw: '{name: 1}', headers: { 'content-type': 'application/json' },
  }), 400, 'bad-json');
});

test('JSON nested 100 deep → 400 bad-json (arrays and objects)', async () => {
  const arrays = `{"name":"A","clouds":${'['.repeat(100)}${']'.repeat(100)}}`;
  assertProblem(await postRaw(arrays), 400, 'bad-json', 'arrays');
  let obj = '1';
  for (let i = 0; i < 100; i++) obj = `{"a":${obj}}`;
  assertProblem(await postRaw(obj), 400, 'bad-json', 'objects');
  // Far deeper (but within the sign-up body limit) must not crash the server either.
  assertProblem(await postRaw('['.repeat(10000)), 400, 'bad-json', '10000 open brackets');
  const h = await api(base, 'GET', '/healthz');
  assert.equal(h.status, 200);
});

test('JSON nested 33 deep → 400 bad-json, while a shallow bad document is a 422', async () => {
  // Top-level object = depth 1, then 32 nested arrays = depth 33.
  const deep = `{"clouds":${'['.repeat(32)}${']'.repeat(32)}}`;
  assertProblem(await postRaw(deep), 400, 'bad-json');
  const shallow = `{"clouds":[[]]}`;
  assertProblem(await postRaw(shallow), 422, 'validation');
});

// ---- wrong types, missing and unknown fields -----------------------------

test('wrong types → 422 naming each field with the contract message', async () => {
  const body = signupBody();
  body.name = 42;
  body.clouds = 'aws';
  body.admin.email = true;
  body.admin.password = 12345678;
  const r = await post(body);
  const p = assertFieldErrors(r, 422, 'validation', ['name', 'clouds', 'admin.email', 'admin.password'], { exact: true });
  assert.match(p.detail, /4/, 'detail says how many fields are invalid');
  const msg = Object.fromEntries(p.errors.map((e) => [e.field, e.message]));
  assert.deepEqual(msg, {
    name: 'must be a string',
    clouds: 'must be an array',
    'admin.email': 'must be a string',
    'admin.password': 'must be a string',
  });
});

test('admin that is not an object → 422 "must be an object" on admin', async () => {
  const body = signupBody();
  body.admin = 'me@example.com';
  assertFieldErrors(await post(body), 422, 'validation', ['admin'], { message: 'must be an object' });
  body.admin = null;
  assertFieldErrors(await post(body), 422, 'validation', ['admin']);
  body.admin = [];
  assertFieldErrors(await post(body), 422, 'validation', ['admin'], { message: 'must be an object' });
});

test('a JSON array as the body → 422 validation', async () => {
  assertProblem(await postRaw('[]'), 422, 'validation', '[]');
  assertProblem(await postRaw('[{"name":"x"}]'), 422, 'validation', '[{...}]');
});

test('a well-formed JSON scalar as the body (string, null, number) → 422 validation, not bad-json', async () => {
  for (const raw of ['"x"', 'null', '42', 'true']) {
    assertProblem(await postRaw(raw), 422, 'validation', raw);
  }
});

test('missing fields → 422 "is required" for each, nested paths with dots', async () => {
  const r = await post({ admin: {} });
  const want = ['name', 'kind', 'industry', 'size', 'region', 'admin.email', 'admin.password', 'admin.name'];
  const p = assertFieldErrors(r, 422, 'validation', want, { exact: true });
  for (const e of p.errors) assert.equal(e.message, 'is required', JSON.stringify(e));
  const r2 = await post({ name: 'x', kind: 'enterprise', industry: 'gaming', size: 'small', region: 'cn-north-4' });
  assertFieldErrors(r2, 422, 'validation', ['admin'], { message: 'is required' });
  assert.ok(r2.json.errors.every((e) => e.field === 'admin' || e.field.startsWith('admin.')), r2.text);
});

test('unknown fields → 422 "is not allowed", also nested', async () => {
  const body = signupBody({ plan: 'gold' });
  body.admin.role = 'operator';
  const p = assertFieldErrors(await post(body), 422, 'validation', ['plan', 'admin.role'], { exact: true });
  for (const e of p.errors) assert.equal(e.message, 'is not allowed');
});

test('an org admin cannot smuggle fields into a sign-up (id, created_at) → 422', async () => {
  const body = signupBody({ id: 'org_mine', created_at: '2020-01-01T00:00:00.000Z' });
  assertFieldErrors(await post(body), 422, 'validation', ['id', 'created_at'], { exact: true });
});

// ---- enum values ----------------------------------------------------------

test('invalid enum values → 422 "must be one of: …"', async () => {
  const r = await post(signupBody({ kind: 'government', industry: 'farming', size: 'huge' }));
  const p = assertFieldErrors(r, 422, 'validation', ['kind', 'industry', 'size'], { exact: true });
  const msg = Object.fromEntries(p.errors.map((e) => [e.field, e.message]));
  assert.equal(msg.kind, 'must be one of: enterprise, partner');
  assert.equal(msg.size, 'must be one of: micro, small, medium, large');
  assert.equal(msg.industry, 'must be one of: ecommerce, gaming, mobility, media, education, fintech, other');
});

test('enum values are case-sensitive (Enterprise is not enterprise)', async () => {
  assertFieldErrors(await post(signupBody({ kind: 'Enterprise' })), 422, 'validation', ['kind'], { exact: true });
});

test('a bad cloud names its index: clouds[1]', async () => {
  const r = await post(signupBody({ clouds: ['aws', 'ibm', 'gcp'] }));
  assertFieldErrors(r, 422, 'validation', ['clouds[1]'], { exact: true, message: /^must be one of: aws, azure, gcp/ });
  const r2 = await post(signupBody({ clouds: ['aws', 7] }));
  assertFieldErrors(r2, 422, 'validation', ['clouds[1]'], { exact: true, message: 'must be a string' });
});

test('duplicate clouds, or more than 8, → 422 on clouds', async () => {
  const r = await post(signupBody({ clouds: ['aws', 'aws'] }));
  assertProblem(r, 422, 'validation');
  assert.ok(r.json.errors.some((e) => /^clouds(\[\d\])?$/.test(e.field)), r.text);
  const nine = ['aws', 'azure', 'gcp', 'alibaba', 'tencent', 'baidu', 'volcengine', 'other', 'aws'];
  const r2 = await post(signupBody({ clouds: nine }));
  assertProblem(r2, 422, 'validation');
  assert.ok(r2.json.errors.some((e) => /^clouds(\[\d\])?$/.test(e.field)), r2.text);
  // All eight distinct clouds are fine.
  const ok = await post(signupBody({ clouds: nine.slice(0, 8) }));
  assert.equal(ok.status, 201, ok.text);
});

// ---- field rules ------------------------------------------------------------

for (const region of ['CN-North-4', 'x', '4cn-north', 'cn_north_4', 'a'.repeat(33), '', 'cn north']) {
  test(`invalid region ${JSON.stringify(region)} → 422 on region`, async () => {
    assertFieldErrors(await post(signupBody({ region })), 422, 'validation', ['region'], { exact: true });
  });
}

test('valid edge-case regions are accepted (2 and 32 chars)', async () => {
  for (const region of ['cn', `a${'b'.repeat(30)}1`]) {
    const r = await post(signupBody({ region }));
    assert.equal(r.status, 201, `${region}: ${r.text}`);
    assert.equal(r.json.region, region);
  }
});

test('a name with an escaped NUL (\\u0000, well-formed JSON) → 422 on name, not bad-json', async () => {
  assertFieldErrors(await post(signupBody({ name: 'Acme\u0000Corp' })), 422, 'validation', ['name'], { exact: true });
});

test('name rules: empty, 101 characters, control characters → 422; 100 CJK characters ok', async () => {
  assertFieldErrors(await post(signupBody({ name: '' })), 422, 'validation', ['name'], { exact: true });
  assertFieldErrors(await post(signupBody({ name: 'n'.repeat(101) })), 422, 'validation', ['name'],
    { exact: true, message: 'must be at most 100 characters' });
  assertFieldErrors(await post(signupBody({ name: 'Acme\nCorp' })), 422, 'validation', ['name'], { exact: true });
  assertFieldErrors(await post(signupBody({ name: 'Acme\u001bCorp' })), 422, 'validation', ['name'], { exact: true });
  assertFieldErrors(await post(signupBody({ name: 'Acme\u007fCorp' })), 422, 'validation', ['name'], { exact: true });
  assertFieldErrors(await post(signupBody({ admin: { name: 'x'.repeat(101) } })), 422, 'validation', ['admin.name'], { exact: true });
  // Characters, not bytes: 100 three-byte characters are fine.
  const r = await post(signupBody({ name: '云'.repeat(100) }));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, '云'.repeat(100));
});

for (const email of ['plainaddress', 'no-at.example.com', 'a@b', '@example.com', 'a@@example.com', 'a b@example.com', `${'l'.repeat(250)}@example.com`]) {
  test(`invalid email ${JSON.stringify(email.slice(0, 40))} → 422 on admin.email`, async () => {
    assertFieldErrors(await post(signupBody({ admin: { email } })), 422, 'validation', ['admin.email'], { exact: true });
  });
}

test('password length: 7 and 129 characters → 422; 8 and 128 are accepted', async () => {
  assertFieldErrors(await post(signupBody({ admin: { password: 'p'.repeat(7) } })), 422, 'validation', ['admin.password'], { exact: true });
  assertFieldErrors(await post(signupBody({ admin: { password: 'p'.repeat(129) } })), 422, 'validation', ['admin.password'], { exact: true });
  assert.equal((await post(signupBody({ admin: { password: 'p'.repeat(8) } }))).status, 201);
  assert.equal((await post(signupBody({ admin: { password: 'p'.repeat(128) } }))).status, 201);
});

test('a failed sign-up creates nothing: the same email then signs up fine', async () => {
  const email = uniqueEmail('retry');
  assertProblem(await post(signupBody({ size: 'huge', admin: { email } })), 422, 'validation');
  assert.equal((await post(signupBody({ admin: { email } }))).status, 201);
});

test('login body validation: missing and wrong-typed fields → 422', async () => {
  assertFieldErrors(await api(base, 'POST', '/api/v1/session', { body: { email: acct.email } }), 422, 'validation', ['password'], { exact: true });
  assertFieldErrors(await api(base, 'POST', '/api/v1/session', { body: { email: 1, password: PASSWORD } }), 422, 'validation', ['email'], { exact: true });
  assertFieldErrors(await api(base, 'POST', '/api/v1/session', { body: { email: acct.email, password: PASSWORD, remember: true } }), 422, 'validation', ['remember'], { exact: true });
});

test('adding an org user: missing, wrong-typed and unknown fields → 422', async () => {
  const path = `/api/v1/orgs/${acct.org.id}/users`;
  const r = await api(base, 'POST', path, { token: acct.token, body: { admin: 'yes', role: 'operator' } });
  const p = assertFieldErrors(r, 422, 'validation', ['email', 'name', 'password', 'admin', 'role'], { exact: true });
  const msg = Object.fromEntries(p.errors.map((e) => [e.field, e.message]));
  assert.equal(msg.admin, 'must be a boolean');
  assert.equal(msg.role, 'is not allowed');
  assert.equal(msg.email, 'is required');
});

test('password change body validation → 422', async () => {
  const r = await api(base, 'PUT', '/api/v1/me/password', { token: acct.token, body: { current_password: acct.password, new_password: 'short' } });
  assertFieldErrors(r, 422, 'validation', ['new_password'], { exact: true });
  const r2 = await api(base, 'PUT', '/api/v1/me/password', { token: acct.token, body: {} });
  assertFieldErrors(r2, 422, 'validation', ['current_password', 'new_password'], { exact: true });
  // The old password still works.
  const s = await api(base, 'POST', '/api/v1/session', { body: { email: acct.email, password: acct.password } });
  assert.equal(s.status, 201);
});

// ---- size and content type -----------------------------------------------

test('a 2 MiB body → 413 too-large', async () => {
  const big = JSON.stringify({ ...signupBody(), name: 'x'.repeat(2 * 1024 * 1024) });
  const r = await postRaw(big).catch((e) => assert.fail(`no 413 answer readable: ${e.message} (${e.cause?.code || e.cause?.message})`));
  assertProblem(r, 413, 'too-large');
  // The server is fine afterwards.
  assert.equal((await api(base, 'GET', '/healthz')).status, 200);
});

test('the 413 answer reaches the client every time (2 MiB body, 25 tries)', async () => {
  const big = JSON.stringify({ ...signupBody(), name: 'x'.repeat(2 * 1024 * 1024) });
  const failures = [];
  for (let i = 0; i < 25; i++) {
    try {
      const r = await postRaw(big);
      if (r.status !== 413) failures.push(`status ${r.status}`);
    } catch (e) {
      failures.push(`${e.message} (${e.cause?.code || e.cause?.message})`);
    }
  }
  assert.deepEqual(failures, [], `${failures.length}/25 tries got no 413: ${[...new Set(failures)].join('; ')}`);
});

test('a body just over 1 MiB → 413; a normal body on the same route is fine', async () => {
  const r = await postRaw(`{"name":"${'y'.repeat(1024 * 1024 + 16)}"}`)
    .catch((e) => assert.fail(`no 413 answer readable: ${e.message} (${e.cause?.code || e.cause?.message})`));
  assertProblem(r, 413, 'too-large');
  assert.equal((await post(signupBody())).status, 201);
});

test('--max-body 2000: a 3000-byte login body → 413, a small one is fine', async () => {
  const s2 = await startServer({ args: ['--max-body', '2000'] });
  try {
    const r = await api(s2.url, 'POST', '/api/v1/session', { body: { email: 'a@example.com', password: 'p'.repeat(3000) } })
      .catch((e) => assert.fail(`no 413 answer readable: ${e.message} (${e.cause?.code || e.cause?.message})`));
    assertProblem(r, 413, 'too-large');
    const ok = await api(s2.url, 'POST', '/api/v1/session', { body: { email: 'nobody@example.com', password: 'p'.repeat(20) } });
    assertProblem(ok, 401, 'unauthenticated');
  } finally {
    await s2.close();
  }
});

test('wrong content type → 415 unsupported-media-type', async () => {
  const body = JSON.stringify(signupBody());
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
    assertProblem(await postRaw(body, ct), 415, 'unsupported-media-type', ct);
  }
  // No content type at all with a body.
  const r = await fetch(`${base}/api/v1/orgs`, { method: 'POST', body: new Uint8Array(Buffer.from(body)) });
  const text = await r.text();
  assert.equal(r.status, 415, `no content type: ${r.status} ${text}`);
  // Login too.
  assertProblem(await api(base, 'POST', '/api/v1/session', {
    raw: JSON.stringify({ email: acct.email, password: acct.password }), headers: { 'content-type': 'text/plain' },
  }), 415, 'unsupported-media-type', 'login');
});

test('application/json with a charset parameter, and in other case, is accepted', async () => {
  assert.equal((await postRaw(JSON.stringify(signupBody()), 'application/json; charset=utf-8')).status, 201);
  assert.equal((await postRaw(JSON.stringify(signupBody()), 'Application/JSON')).status, 201);
});

// ---- routes and methods ----------------------------------------------------

test('unknown routes → 404 not-found problem', async () => {
  for (const path of ['/api/v1/nope', '/api/v2/orgs', '/api/v1/orgs/x/y/z', '/api/v1/users/usr_x/extra']) {
    assertProblem(await api(base, 'GET', path, { token: acct.token }), 404, 'not-found', path);
  }
  assertProblem(await api(base, 'POST', '/api/v1/nothing-here', { body: {} }), 404, 'not-found');
});

test('a path or query that is not UTF-8 → 400 naming it, with a whole problem body', async () => {
  const bad = assertProblem(await api(base, 'GET', `/api/v1/orgs/${acct.org.id}%ff`, { token: acct.token }), 400, 'bad-request');
  assert.match(bad.detail, /path is not valid UTF-8/);
  assert.equal(bad.instance, `/api/v1/orgs/${acct.org.id}\ufffd`, 'the bad byte shows as U+FFFD');
  assertFieldErrors(await api(base, 'GET', '/api/v1/orgs?after=%ff', { token: acct.token }), 400, 'bad-request', ['after']);
  assertFieldErrors(await api(base, 'GET', '/api/v1/regions?x=%e4%b8', { token: acct.token }), 400, 'bad-request', ['x']);
  assertProblem(await api(base, 'GET', '/api/v1/nope%ff%fe'), 404, 'not-found');
  assertProblem(await api(base, 'DELETE', '/api/v1/regions/%c3'), 405, 'method-not-allowed');
  const ok = await api(base, 'GET', '/api/v1/regions?x=%e4%b8%ad', { token: acct.token });
  assert.equal(ok.status, 200, 'well-formed UTF-8 in a query is fine');
});

test('a detail cut at its length limit keeps whole characters: a 404 for a long Chinese id', async () => {
  const id = encodeURIComponent('中'.repeat(120));
  const p = assertProblem(await api(base, 'GET', `/api/v1/products/${id}`, { token: acct.token }), 404, 'not-found');
  assert.ok(!p.detail.includes('\ufffd'), p.detail);
  assert.match(p.detail, /中$/);
});

test('wrong method → 405 with an Allow header', async () => {
  const cases = [
    ['DELETE', '/api/v1/orgs', ['GET', 'POST']],
    ['PUT', '/api/v1/orgs', ['GET', 'POST']],
    ['POST', '/api/v1/me', ['GET']],
    ['GET', '/api/v1/session', ['POST', 'DELETE']],
    ['POST', '/healthz', ['GET']],
    ['DELETE', `/api/v1/orgs/${acct.org.id}`, ['GET', 'PATCH']],
    ['GET', '/api/v1/me/password', ['PUT']],
  ];
  for (const [method, path, allowed] of cases) {
    const r = await api(base, method, path, { token: acct.token });
    assertProblem(r, 405, 'method-not-allowed', `${method} ${path}`);
    const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const m of allowed) assert.ok(allow.includes(m), `${method} ${path}: Allow "${r.headers.get('allow')}" lacks ${m}`);
    assert.ok(!allow.includes(method), `${method} ${path}: Allow "${r.headers.get('allow')}" lists ${method}`);
  }
});

// ---- every response ----------------------------------------------------------

test('every response carries a distinct X-Request-Id of 16 lowercase hex chars', async () => {
  const seen = new Set();
  const answers = [
    await api(base, 'GET', '/healthz'),
    await api(base, 'GET', '/metrics'),
    await api(base, 'GET', '/api/openapi.json'),
    await api(base, 'GET', '/api/v1/meta'),
    await api(base, 'GET', '/api/v1/me', { token: acct.token }),
    await api(base, 'GET', '/api/v1/me'),
    await api(base, 'GET', '/api/v1/nope'),
    await api(base, 'DELETE', '/api/v1/orgs'),
    await postRaw('{'),
    await post({}),
  ];
  for (const r of answers) {
    const id = r.headers.get('x-request-id');
    assert.match(id || '', /^[0-9a-f]{16}$/, `status ${r.status}: X-Request-Id ${id}`);
    assert.ok(!seen.has(id), `X-Request-Id ${id} repeated`);
    seen.add(id);
  }
});

test('a problem answer names the occurrence: instance is the path, request_id the X-Request-Id', async () => {
  const r = await post({});
  const p = assertProblem(r, 422, 'validation');
  assert.equal(p.instance, '/api/v1/orgs');
  assert.equal(p.request_id, r.headers.get('x-request-id'), `request_id ${JSON.stringify(p.request_id)} vs header ${r.headers.get('x-request-id')}`);
});

test('401 answers carry WWW-Authenticate: Bearer and the problem shape', async () => {
  const r = await api(base, 'GET', '/api/v1/me');
  assertProblem(r, 401, 'unauthenticated');
  assert.match(r.headers.get('www-authenticate') || '', /^Bearer\b/);
});

test('errors never leak internals (no SQL, no stack, no file paths)', async () => {
  const answers = [await postRaw('{"name": "\'; DROP TABLE orgs; --"'), await post(signupBody({ name: "'; DROP TABLE orgs; --", region: "' OR 1=1" }))];
  for (const r of answers) {
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
    assert.doesNotMatch(r.text, /sqlite|SELECT |INSERT |\.c:\d+|segfault|stack/i);
  }
  assert.equal((await api(base, 'GET', '/healthz')).status, 200);
});
