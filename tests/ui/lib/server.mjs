// Starts a real cocloud server for the browser tests: a fresh database in a
// temp dir, port 0, waits for "cocloud listening on http://127.0.0.1:PORT",
// SIGTERM on stop. The binary is $COCLOUD_BIN or build/cocloud.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
// A relative COCLOUD_BIN is taken from the repository root, as in tests/api.
export const BIN = process.env.COCLOUD_BIN ? resolve(ROOT, process.env.COCLOUD_BIN) : join(ROOT, 'build/cocloud');

/** Run the CLI; resolves {code, stdout, stderr}. `input` goes to stdin. */
export function cli(args, { input = '' } = {}) {
  return new Promise((res, rej) => {
    const child = spawn(BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', rej);
    child.on('close', (code) => res({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A temp dir with the path of a database in it (not created yet). */
export async function freshDb() {
  const dir = await mkdtemp(join(tmpdir(), 'cocloud-ui-'));
  return { dir, db: join(dir, 'cocloud.db') };
}

/** `cocloud user add` (operators and experts) into `db`, password on stdin. */
export async function addUser(db, { role, email, name, password }) {
  const r = await cli(['user', 'add', '--db', db, '--role', role, '--email', email, '--name', name], { input: `${password}\n` });
  if (r.code !== 0) throw new Error(`cocloud user add exited ${r.code}: ${r.stderr || r.stdout}`);
  return r;
}

/**
 * Start `cocloud serve`. Options: {db, dir} from freshDb() (else a new one),
 * args (extra flags). Resolves {url, db, dir, output(), stop()}.
 */
export async function startServer({ db, dir, args = [], timeoutMs = 20000 } = {}) {
  if (!db) ({ db, dir } = await freshDb());
  const child = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--db', db, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const url = await new Promise((res, rej) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`server did not start in ${timeoutMs} ms:\n${out}${err}`)); }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /cocloud listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); res(m[1]); }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => { clearTimeout(timer); rej(e); });
    child.on('exit', (code) => { clearTimeout(timer); rej(new Error(`server exited (${code}) before listening:\n${out}${err}`)); });
  });
  const exited = new Promise((res) => {
    if (child.exitCode !== null) res(child.exitCode);
    else child.on('exit', (code, signal) => res(code ?? signal));
  });
  return {
    url,
    db,
    dir,
    output: () => out + err,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      let timer;
      const code = await Promise.race([exited, new Promise((r) => { timer = setTimeout(() => r('timeout'), 10000); })]);
      clearTimeout(timer);
      if (code === 'timeout') { child.kill('SIGKILL'); await exited; }
      if (dir) await rm(dir, { recursive: true, force: true });
      return code;
    },
  };
}
