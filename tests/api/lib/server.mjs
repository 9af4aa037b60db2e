// Helpers for the HTTP API tests: talk JSON to a real cocloud (started by
// tests/lib/cocloud.mjs on a fresh database), create accounts, and check
// problem answers.
import assert from 'node:assert/strict';
import { cli } from '../../lib/cocloud.mjs';

export { ROOT, BIN, ENGINE, startServer, cli, freshDb } from '../../lib/cocloud.mjs';

/**
 * One HTTP request. `body` is JSON-encoded (with content-type
 * application/json) unless `raw` is given, which is sent as is (string or
 * Buffer) with whatever content type `headers` says. Returns
 * {status, headers, json, text}; json is null when the body is not JSON.
 */
export async function api(base, method, path, { body, token, headers = {}, raw, cookie } = {}) {
  const h = { ...headers };
  let payload;
  if (raw !== undefined) {
    payload = raw;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
  }
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  const res = await fetch(base + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  return { status: res.status, headers: res.headers, json, text };
}

/**
 * A request that must succeed (status below 300); returns the parsed
 * answer. `key`, when given, goes as the Idempotency-Key.
 */
export async function ok(base, token, method, path, body, key) {
  const r = await api(base, method, path, { token, body, headers: key ? { 'idempotency-key': key } : {} });
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
  return r.json;
}

let seq = 0;
/** A unique, valid, lowercase email address. */
export function uniqueEmail(tag = 'u') {
  seq += 1;
  return `${tag}-${process.pid}-${Date.now().toString(36)}-${seq}@example.com`;
}

export const PASSWORD = 'correct horse battery';

/** A valid sign-up body; `overrides` is merged shallowly (admin deep-merged). */
export function signupBody(overrides = {}) {
  const { admin, ...rest } = overrides;
  return {
    name: `Acme ${++seq}`,
    kind: 'enterprise',
    industry: 'gaming',
    size: 'small',
    region: 'cn-north-4',
    clouds: ['aws'],
    ...rest,
    admin: { email: uniqueEmail('admin'), password: PASSWORD, name: 'Ada Admin', ...(admin || {}) },
  };
}

/**
 * Sign up an org with its admin and log the admin in. Asserts 201s.
 * Returns {org, admin, email, password, token, body}.
 */
export async function signup(base, overrides = {}) {
  const body = signupBody(overrides);
  const r = await api(base, 'POST', '/api/v1/orgs', { body });
  assert.equal(r.status, 201, `sign-up: ${r.status} ${r.text}`);
  const { token } = await login(base, body.admin.email, body.admin.password);
  const { admin, ...org } = r.json;
  return { org, admin, email: body.admin.email, password: body.admin.password, token, body };
}

/** POST /session; asserts 201 and returns the parsed answer plus the response. */
export async function login(base, email, password) {
  const r = await api(base, 'POST', '/api/v1/session', { body: { email, password } });
  assert.equal(r.status, 201, `login ${email}: ${r.status} ${r.text}`);
  assert.equal(typeof r.json.token, 'string');
  return { ...r.json, res: r };
}

/**
 * Create a user with `cocloud user add` on the database at `dbPath`
 * (default role operator), password on stdin. Returns {email, password, name}.
 */
export function addUserCli(dbPath, { role = 'operator', email = uniqueEmail(role), name = 'Olga Operator', password = PASSWORD, extra = [] } = {}) {
  const r = cli(['user', 'add', '--role', role, '--email', email, '--name', name, '--db', dbPath, ...extra], { input: `${password}\n` });
  assert.equal(r.status, 0, `cocloud user add exited ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return { email, password, name, role };
}

/** Create an operator through the CLI and log in. Returns {email, password, token, user}. */
export async function operator(srv) {
  const u = addUserCli(srv.dbPath, { role: 'operator' });
  const s = await login(srv.url, u.email, u.password);
  return { ...u, token: s.token, user: s.user };
}

/** Assert an RFC 9457 problem answer with `status` and type suffix `kind`. */
export function assertProblem(r, status, kind, msg = '') {
  const ctx = `${msg} → ${r.status} ${r.headers.get('content-type')} ${r.text.slice(0, 500)}`;
  assert.equal(r.status, status, ctx);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json\b/, ctx);
  assert.ok(r.json && typeof r.json === 'object', ctx);
  assert.equal(r.json.status, status, ctx);
  assert.equal(typeof r.json.title, 'string', ctx);
  assert.ok(r.json.title.length > 0, ctx);
  assert.equal(r.json.type, `urn:cocloud:problem:${kind}`, ctx);
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{16}$/, ctx);
  return r.json;
}

/** Assert a 422 (or other) problem whose errors[] names exactly/at least `fields`. */
export function assertFieldErrors(r, status, kind, fields, { exact = false, message } = {}) {
  const p = assertProblem(r, status, kind);
  assert.ok(Array.isArray(p.errors), `errors[] missing: ${r.text}`);
  const got = p.errors.map((e) => e.field);
  for (const f of fields) assert.ok(got.includes(f), `expected errors[].field ${f}, got ${JSON.stringify(p.errors)}`);
  if (exact) assert.deepEqual([...got].sort(), [...fields].sort(), `errors: ${JSON.stringify(p.errors)}`);
  for (const e of p.errors) {
    assert.equal(typeof e.message, 'string');
    assert.ok(e.message.length > 0);
  }
  if (message) {
    const e = p.errors.find((x) => x.field === fields[0]);
    if (message instanceof RegExp) assert.match(e.message, message, JSON.stringify(e));
    else assert.equal(e.message, message, JSON.stringify(e));
  }
  return p;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
