// Starting and stopping the real cocloud binary for the API and browser
// tests: a fresh database per server (a SQLite file in a temp dir, or, when
// COCLOUD_TEST_PG names a running throwaway cluster from tests/pg.sh, a new
// PostgreSQL database in it), port 0, SIGTERM at the end with exit 0 checked.
// The binary is $COCLOUD_BIN (relative to the repository root) or build/cocloud.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.COCLOUD_BIN
  ? resolve(ROOT, process.env.COCLOUD_BIN)
  : join(ROOT, 'build/cocloud');
/** The engine the suite runs on: 'postgres' or 'sqlite'. */
export const ENGINE = process.env.COCLOUD_TEST_PG ? 'postgres' : 'sqlite';

const LISTEN_RE = /cocloud listening on (http:\/\/127\.0\.0\.1:(\d+))/;
let dbSeq = 0;

/**
 * A new, empty database: {db, dir}. db is a SQLite path or a postgres URL;
 * dir is a temp dir to remove afterwards (PostgreSQL databases go with the
 * cluster).
 */
export function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'cocloud-test-'));
  if (ENGINE === 'sqlite') return { db: join(dir, 'cocloud.db'), dir };
  const name = `t_${process.pid}_${++dbSeq}_${Date.now().toString(36)}`;
  const r = spawnSync(join(ROOT, 'tests/pg.sh'), ['createdb', process.env.COCLOUD_TEST_PG, name], { encoding: 'utf8' });
  assert.equal(r.status, 0, `createdb ${name}: ${r.stderr}`);
  return { db: r.stdout.trim(), dir };
}

/** Spawns `cocloud serve` on db; resolves {proc, url, output()} once it listens. */
function spawnServe(db, args, timeoutMs) {
  const proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  proc.exited = new Promise((res) => {
    proc.on('exit', (code, signal) => res({ code, signal }));
  });
  const output = () => `--- stdout ---\n${out}\n--- stderr ---\n${err}`;
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`cocloud did not print its listening line within ${timeoutMs} ms\n${output()}`));
    }, timeoutMs);
    const onData = () => {
      const m = LISTEN_RE.exec(out);
      if (m) {
        clearTimeout(timer);
        proc.stdout.off('data', onData);
        res({ proc, url: m[1], output });
      }
    };
    proc.stdout.on('data', onData);
    proc.on('error', (e) => { clearTimeout(timer); rej(new Error(`cannot run ${BIN}: ${e.message}`)); });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      rej(new Error(`cocloud exited (code ${code}, signal ${signal}) before listening\n${output()}`));
    });
  });
}

/**
 * Starts a server. opts: {args: [extra flags], db, dir, timeoutMs}; without
 * db a fresh database is made (and removed by close()). Returns {url, dbPath,
 * dir, proc, output(), stop(), restart(), close()}: stop() sends SIGTERM,
 * asserts exit code 0 and returns it; restart() starts again on the same
 * database (url may change); close() stops and removes the temp dir.
 */
export async function startServer(opts = {}) {
  const { args = [], timeoutMs = 20000 } = opts;
  const own = !opts.db;
  const { db, dir } = own ? freshDb() : { db: opts.db, dir: opts.dir };
  const srv = { dbPath: db, dir, url: null, proc: null, output: () => '' };
  const boot = async () => {
    const r = await spawnServe(db, args, timeoutMs);
    srv.proc = r.proc;
    srv.url = r.url;
    srv.output = r.output;
  };
  srv.stop = async () => {
    const p = srv.proc;
    if (!p) return 0;
    srv.proc = null;
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
    let timer;
    const res = await Promise.race([
      p.exited,
      new Promise((r) => { timer = setTimeout(() => r('timeout'), 15000); }),
    ]);
    clearTimeout(timer);
    if (res === 'timeout') {
      p.kill('SIGKILL');
      await p.exited;
      assert.fail(`cocloud did not exit within 15 s of SIGTERM\n${srv.output()}`);
    }
    assert.equal(res.code, 0, `cocloud exit after SIGTERM: code ${res.code}, signal ${res.signal}\n${srv.output()}`);
    return res.code;
  };
  srv.restart = async () => {
    await srv.stop();
    await boot();
  };
  srv.close = async () => {
    try {
      await srv.stop();
    } finally {
      if (own && dir) rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await boot();
  } catch (e) {
    if (own && dir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return srv;
}

/** Runs the CLI synchronously; returns {status, signal, stdout, stderr}. */
export function cli(args, { input, env, timeout = 20000 } = {}) {
  const r = spawnSync(BIN, args, {
    input: input ?? '',
    encoding: 'utf8',
    timeout,
    env: env ? { ...process.env, ...env } : process.env,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
