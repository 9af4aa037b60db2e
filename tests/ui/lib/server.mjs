// The browser tests' view of tests/lib/cocloud.mjs: a real cocloud on a
// fresh database, users added through `cocloud user add`.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as cocloud from '../../lib/cocloud.mjs';

export const { BIN, freshDb } = cocloud;

/** `cocloud user add` (operators and experts) into `db`, password on stdin. */
export async function addUser(db, { role, email, name, password }) {
  const r = cocloud.cli(['user', 'add', '--db', db, '--role', role, '--email', email, '--name', name], { input: `${password}\n` });
  if (r.status !== 0) throw new Error(`cocloud user add exited ${r.status}: ${r.stderr || r.stdout}`);
  return r;
}

/**
 * Starts `cocloud serve`. Options: {db, dir} from freshDb() (else a new
 * one), args (extra flags). Resolves {url, db, dir, output(), stop()};
 * stop() also removes dir and resolves to the exit code.
 */
export async function startServer({ db, dir, args = [], timeoutMs = 20000 } = {}) {
  const srv = await cocloud.startServer({ db, dir, args, timeoutMs });
  return {
    url: srv.url,
    db: srv.dbPath,
    dir: srv.dir,
    output: () => srv.output(),
    async stop() {
      try {
        return await srv.stop();
      } finally {
        if (srv.dir) rmSync(srv.dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * JSON calls to /api/v1 for a test's set-up. server() and token() are read at
 * each call (the server starts and the operator signs in later). api()
 * resolves {status, body}; created() asserts 201 and resolves the body.
 */
export function apiClient(server, token = () => undefined) {
  async function api(method, path, body, bearer = token()) {
    const headers = {};
    if (body) headers['Content-Type'] = 'application/json';
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    const res = await fetch(`${server().url}/api/v1${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }
  async function created(method, path, body) {
    const r = await api(method, path, body);
    assert.equal(r.status, 201, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  }
  return { api, created };
}
