// PostgreSQL going away and coming back: cocloud refuses to start on a
// database it cannot reach (exit 3, a clear message); while running it
// answers 503 with Retry-After during an outage and recovers by itself.
// Needs the suite's throwaway cluster tooling; runs only on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, ENGINE, startServer, cli, api, signup, assertProblem } from './lib/server.mjs';

const pg = (...args) => {
  const r = spawnSync(join(ROOT, 'tests/pg.sh'), args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `pg.sh ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

test('an unreachable database at start: exit 3 and a clear message', { skip: ENGINE !== 'postgres' }, () => {
  const r = cli(['serve', '--listen', '127.0.0.1:0', '--db', 'postgresql://postgres@/nope?host=/nonexistent-socket-dir'], { timeout: 15000 });
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /cannot connect to PostgreSQL/);
  assert.doesNotMatch(r.stdout, /listening/);
});

test('during an outage requests get 503 with Retry-After; afterwards cocloud recovers by itself', { skip: ENGINE !== 'postgres', timeout: 120000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cocloud-outage-'));
  pg('start', dir);
  let srv;
  try {
    const db = pg('createdb', dir, 'outage');
    srv = await startServer({ db, dir });
    const who = await signup(srv.url);
    assert.equal((await api(srv.url, 'GET', '/api/v1/me', { token: who.token })).status, 200);

    pg('halt', dir);
    const health = await api(srv.url, 'GET', '/healthz');
    assertProblem(health, 503, 'unavailable');
    assert.ok(Number(health.headers.get('retry-after')) > 0);
    const me = await api(srv.url, 'GET', '/api/v1/me', { token: who.token });
    assertProblem(me, 503, 'unavailable');
    assert.ok(Number(me.headers.get('retry-after')) > 0);

    pg('resume', dir);
    let ok = false;
    for (let i = 0; i < 50 && !ok; i++) {
      ok = (await api(srv.url, 'GET', '/api/v1/me', { token: who.token })).status === 200;
      if (!ok) await new Promise((res) => setTimeout(res, 200));
    }
    assert.ok(ok, 'cocloud answers again once the database is back');
    assert.equal((await api(srv.url, 'GET', '/healthz')).status, 200);
  } finally {
    await srv?.stop();
    pg('stop', dir);
  }
});
