// Bad input never breaks cocloud: every write route gets valid bodies
// mutated at random (a value swapped for an odd one, a key dropped or
// added, a list blown up, the JSON text cut or garbled, odd ids in the
// path). Each answer must be a success or a problem+json 4xx, never a 5xx;
// the server must stay up; and `cocloud audit` must still agree afterwards.
// Read routes get odd query strings and ids the same way. The mutations
// come from a fixed seed (FUZZ_SEED overrides it, FUZZ_ROUNDS
// the count per route), so a failure names the request that caused it and
// reruns the same. Runs on the suite's engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, api, cli, signup, operator, ok } from './lib/server.mjs';

const SEED = Number(process.env.FUZZ_SEED || 20261123);
const ROUNDS = Number(process.env.FUZZ_ROUNDS || 40);
const DAY = 86400000;
const iso = (ms) => new Date(ms).toISOString();

let srv;
let op;
let ent;
const ids = {};

/* mulberry32: small and the same everywhere. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const as = (token, method, path, body, key) => ok(srv.url, token, method, path, body, key);

before(async () => {
  srv = await startServer();
  op = await operator(srv);
  const t = op.token;
  await as(t, 'POST', '/api/v1/regions', { code: 'cn-north-4', name: { zh: '华北', en: 'North' }, area: 'domestic' });
  await as(t, 'POST', '/api/v1/products', {
    code: 'ecs.general', name: { zh: '计算', en: 'Compute' }, category: 'compute', unit: { zh: '台', en: 'instance' },
    billing_modes: ['on_demand', 'monthly', 'yearly'],
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
             { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 299000 },
             { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 45 }],
  });
  ids.pack = (await as(t, 'POST', '/api/v1/packs', {
    code: 'starter', industry: 'ecommerce', scenario: { zh: '起步', en: 'Start' },
    name: { zh: '起步包', en: 'Starter' }, description: { zh: '', en: '' },
    items: [{ product: 'ecs.general', billing_mode: 'monthly', quantity: 2, months: 1 }], discount_bp: 1000,
  })).id;
  ids.campaign = (await as(t, 'POST', '/api/v1/campaigns', {
    name: { zh: '专属月', en: 'Exclusive Month' }, description: { zh: '', en: '' },
    starts_at: iso(Date.now() - DAY), ends_at: iso(Date.now() + 30 * DAY), time_zone: 'Asia/Shanghai',
    regions: ['cn-north-4'], industries: [], sizes: [], new_customer_only: false, published: true,
  })).id;
  ids.policy = (await as(t, 'POST', `/api/v1/campaigns/${ids.campaign}/policies`, {
    name: { zh: '八五折', en: '15% off' }, lane: 0, conditions: { products: ['ecs.general'] },
    limits: { per_org: 5, budget: 5000000 }, effect: { kind: 'percent_off', value: 1500 }, enabled: true,
  })).id;
  ids.fund = (await as(t, 'POST', '/api/v1/funds', {
    name: { zh: '津贴', en: 'Credits' }, currency: 'CNY', amount: 1_000_000_000,
  }, randomUUID())).id;
  ids.drop = (await as(t, 'POST', `/api/v1/funds/${ids.fund}/drops`, {
    name: { zh: '限量', en: 'Limited' }, amount: 100000, quantity: 50,
    opens_at: iso(Date.now() - 60000), closes_at: iso(Date.now() + 3600000),
  }, randomUUID())).id;
  ent = await signup(srv.url, { industry: 'ecommerce', size: 'small' });
  ids.org = ent.org.id;
  ids.quote = (await as(ent.token, 'POST', '/api/v1/quotes', {
    region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }],
  })).id;
});

after(async () => { await srv?.close(); });

// The write routes with a valid body each; `who` signs the request, `key`
// sends an Idempotency-Key. Mutations start from these.
const routes = () => [
  { who: null, method: 'POST', path: '/api/v1/orgs', body: {
    name: 'Fuzz Co', kind: 'enterprise', industry: 'gaming', size: 'small', region: 'cn-north-4', clouds: ['aws'],
    admin: { email: 'fuzz@example.com', password: 'correct horse battery', name: 'Fuzz' } } },
  { who: null, method: 'POST', path: '/api/v1/session', body: { email: ent.email, password: 'wrong password!' } },
  { who: 'ent', method: 'PATCH', path: `/api/v1/orgs/${ids.org}`, body: { name: 'Renamed', size: 'medium', clouds: ['aliyun'] } },
  { who: 'ent', method: 'POST', path: `/api/v1/orgs/${ids.org}/users`, body: {
    email: 'member@example.com', name: 'Member', password: 'correct horse battery', role: 'member' } },
  { who: 'ent', method: 'PUT', path: '/api/v1/me/password', body: { current: 'nope nope nope', new: 'another fine password' } },
  { who: 'op', method: 'POST', path: '/api/v1/regions', body: { code: 'ap-southeast-3', name: { zh: '新加坡', en: 'Singapore' }, area: 'overseas' } },
  { who: 'op', method: 'PATCH', path: '/api/v1/regions/cn-north-4', body: { name: { zh: '华北', en: 'North' } } },
  { who: 'op', method: 'POST', path: '/api/v1/products', body: {
    code: 'obs.std', name: { zh: '存储', en: 'Storage' }, category: 'storage', unit: { zh: 'GB', en: 'GB' }, billing_modes: ['monthly'],
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 12 }] } },
  { who: 'op', method: 'PATCH', path: '/api/v1/products/ecs.general', body: {
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 }] } },
  { who: 'op', method: 'POST', path: '/api/v1/packs', body: {
    code: 'p2', industry: 'gaming', scenario: { zh: '游戏', en: 'Games' }, name: { zh: '包', en: 'Pack' },
    description: { zh: '', en: '' }, items: [{ product: 'ecs.general', billing_mode: 'monthly', quantity: 1, months: 3 }],
    price: 50000 } },
  { who: 'op', method: 'PATCH', path: `/api/v1/packs/${ids.pack}`, body: { discount_bp: 1500 } },
  { who: 'op', method: 'POST', path: '/api/v1/campaigns', body: {
    name: { zh: '活动', en: 'Campaign' }, description: { zh: '', en: '' }, starts_at: iso(Date.now() + DAY),
    ends_at: iso(Date.now() + 9 * DAY), time_zone: 'Asia/Shanghai', regions: ['cn-north-4'],
    industries: ['gaming'], sizes: ['small'], new_customer_only: true, published: false } },
  { who: 'op', method: 'PATCH', path: `/api/v1/campaigns/${ids.campaign}`, body: { description: { zh: '说明', en: 'About' } } },
  { who: 'op', method: 'POST', path: `/api/v1/campaigns/${ids.campaign}/policies`, body: {
    name: { zh: '满减', en: 'Amount off' }, lane: 1,
    conditions: { categories: ['compute'], min_quantity: 2, min_line_amount: 100, billing_modes: ['monthly'], order_types: ['new'] },
    limits: { total: 100 }, effect: { kind: 'amount_off', value: 1000 }, enabled: true } },
  { who: 'op', method: 'PATCH', path: `/api/v1/policies/${ids.policy}`, body: { effect: { kind: 'percent_off', value: 1500 } } },
  { who: 'ent', method: 'POST', path: '/api/v1/quotes', body: {
    region: 'cn-north-4', order_type: 'new',
    lines: [{ product: 'ecs.general', quantity: 3, months: 12, billing_mode: 'yearly' }, { pack: ids.pack, quantity: 1 },
            { product: 'ecs.general', quantity: 2, hours: 100, billing_mode: 'on_demand' }] } },
  { who: 'op', method: 'POST', path: '/api/v1/quotes', body: {
    org: ids.org, at: iso(Date.now() + 2 * DAY), region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] } },
  { who: 'ent', method: 'POST', path: '/api/v1/orders', body: { quote_id: ids.quote } },
  { who: 'op', method: 'POST', path: '/api/v1/funds', key: true, body: { name: { zh: '基金', en: 'Fund' }, currency: 'CNY', amount: 5000 } },
  { who: 'op', method: 'POST', path: `/api/v1/funds/${ids.fund}/drops`, key: true, body: {
    name: { zh: '限量', en: 'Limited' }, amount: 1000, quantity: 3, opens_at: iso(Date.now()), closes_at: iso(Date.now() + DAY) } },
  { who: 'ent', method: 'POST', path: `/api/v1/drops/${ids.drop}/claims`, key: true, body: undefined },
];

const ODD = [
  null, true, false, 0, -1, 1, 0.5, -0.5, 1e-9, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, -(2 ** 53), 1e15, 1e19, 1e308, -1e308,
  '', ' ', 'x', '0', '-1', '1e3', 'null', 'a'.repeat(300), 'b'.repeat(70000), '\u0000', 'a\u0000b', '\ud800', '\u202e', '中文',
  '😀'.repeat(50), '<script>', "'; DROP TABLE orgs; --", '%00', '../..', 'cn-north-4', 'ecs.general', 'monthly',
  '2021-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '0000-01-01T00:00:00Z', '2021-10-15T00:00:00+25:00', '1634700000000',
  [], [null], [1, 2, 3], ['cn-north-4', 'cn-north-4'], {}, { zh: '', en: '' }, { a: { b: { c: {} } } },
];
// Raw stand-ins for a number in the JSON text: ones JSON.stringify cannot make.
const ODD_NUMBERS = ['99999999999999999999999', '-99999999999999999999', '1e999', '-0', '1E+2', '0.0000001e-400',
  '9223372036854775807', '9223372036854775808', '-9223372036854775809', '1.5e2'];
const ODD_IDS = ['nope', '', '%00', '%ff', '%e4%b8', encodeURIComponent('中'.repeat(120)), '..%2F..', 'x'.repeat(2000), '%E4%B8%AD', "'", '%20', 'pol_', 'cmp_00000000000000000000000000'];

function paths(v, at = []) { // every place in v a mutation can hit
  const out = [at];
  if (v && typeof v === 'object')
    for (const k of Object.keys(v)) out.push(...paths(v[k], [...at, Array.isArray(v) ? Number(k) : k]));
  return out;
}
function setAt(v, at, x) {
  if (!at.length) return x;
  const c = Array.isArray(v) ? [...v] : { ...v };
  c[at[0]] = setAt(v[at[0]], at.slice(1), x);
  return c;
}
function getAt(v, at) { return at.reduce((o, k) => (o == null ? undefined : o[k]), v); }

// One mutation of route r: {path, raw} where raw is the body text.
function mutate(r, rand) {
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const body = r.body === undefined ? {} : structuredClone(r.body);
  let path = r.path;
  let v = body;
  const kind = Math.floor(rand() * 9);
  const at = pick(paths(body));
  if (kind <= 2) {
    v = setAt(body, at, structuredClone(pick(ODD)));
  } else if (kind === 3 && at.length) {
    const parent = getAt(body, at.slice(0, -1));
    const c = Array.isArray(parent) ? parent.filter((_, i) => i !== at[at.length - 1]) : { ...parent };
    if (!Array.isArray(parent)) delete c[at[at.length - 1]];
    v = setAt(body, at.slice(0, -1), c);
  } else if (kind === 4) {
    const o = getAt(body, at);
    if (o && typeof o === 'object' && !Array.isArray(o)) v = setAt(body, at, { ...o, ['extra' + Math.floor(rand() * 3)]: pick(ODD) });
    else v = setAt(body, at, [o, o]);
  } else if (kind === 5) {
    const o = getAt(body, at);
    const n = pick([2, 65, 1001, 20000]);
    v = setAt(body, at, Array.isArray(o) && o.length ? Array.from({ length: n }, (_, i) => o[i % o.length]) : Array(n).fill(o ?? 1));
  } else if (kind === 6) { // the id in the path, where there is one; else a value
    const segs = path.split('/');
    if (segs.length > 4) segs[4] = pick(ODD_IDS);
    else v = setAt(body, at, structuredClone(pick(ODD)));
    path = segs.join('/');
  }
  let raw = JSON.stringify(v);
  if (kind === 7) { // a number in the text swapped for an odd one
    const nums = [...raw.matchAll(/(?<=[:,[])-?\d+(\.\d+)?/g)];
    if (nums.length) {
      const m = pick(nums);
      raw = raw.slice(0, m.index) + pick(ODD_NUMBERS) + raw.slice(m.index + m[0].length);
    }
  } else if (kind === 8) { // the text cut, or a byte changed or inserted
    const i = Math.floor(rand() * (raw.length + 1));
    const how = Math.floor(rand() * 3);
    const ch = pick(['"', '\\', '{', '}', '[', ']', ',', ':', '\u0000', '\u00ff', 'x', ' ', '\n']);
    raw = how === 0 ? raw.slice(0, i) : how === 1 ? raw.slice(0, i) + ch + raw.slice(i + 1) : raw.slice(0, i) + ch + raw.slice(i);
  }
  return { path, raw };
}

test('mutated bodies and paths on every write route get a success or a 4xx problem, never a 5xx', async () => {
  const rand = rng(SEED);
  const failures = [];
  let sent = 0;
  for (const r of routes()) {
    for (let k = 0; k < ROUNDS; k++) {
      const m = mutate(r, rand);
      const token = r.who === 'op' ? op.token : r.who === 'ent' ? ent.token : undefined;
      const headers = { 'content-type': 'application/json' };
      if (r.key) headers['idempotency-key'] = randomUUID();
      let res;
      try {
        res = await api(srv.url, r.method, m.path, { token, headers, raw: m.raw });
      } catch (err) {
        failures.push(`${r.method} ${m.path} ${m.raw.slice(0, 300)} → no answer: ${err.message}`);
        break;
      }
      sent++;
      const problem = /^application\/problem\+json\b/.test(res.headers.get('content-type') || '');
      if (res.status >= 500 || (res.status >= 400 && !(problem && res.json?.status === res.status)))
        failures.push(`${r.method} ${m.path} ${m.raw.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
    }
  }
  assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}: ${failures.length} of ${sent} requests went wrong`);
  const health = await api(srv.url, 'GET', '/api/v1/regions');
  assert.equal(health.status, 200, 'the server still answers');
});

// The read routes, with real ids; each gets odd query strings and ids.
const reads = () => [
  '/api/v1/orgs', `/api/v1/orgs/${ids.org}`, `/api/v1/orgs/${ids.org}/users`, '/api/v1/users', '/api/v1/me',
  '/api/v1/regions', '/api/v1/products', '/api/v1/products/ecs.general', '/api/v1/packs', `/api/v1/packs/${ids.pack}`,
  '/api/v1/campaigns', `/api/v1/campaigns/${ids.campaign}`, `/api/v1/campaigns/${ids.campaign}/policies`,
  `/api/v1/policies/${ids.policy}`, '/api/v1/offers', `/api/v1/quotes/${ids.quote}`, '/api/v1/orders', '/api/v1/funds',
  `/api/v1/funds/${ids.fund}`, `/api/v1/funds/${ids.fund}/drops`, '/api/v1/drops', `/api/v1/drops/${ids.drop}`,
  `/api/v1/drops/${ids.drop}/claims`, '/api/v1/wallet', '/api/v1/grants', '/api/v1/ledger',
];
const PARAMS = ['limit', 'after', 'role', 'category', 'region', 'industry', 'org', 'fund', 'at', 'lang', 'x'];
const ODD_QUERY = ['', '-1', '0', '1', '101', '1e3', '0x10', '99999999999999999999', 'abc', '%00', '%ff', '%E4%B8%AD', '%e4%b8', '%',
  '%%', '+', 'x'.repeat(5000), ids.org, 'org_zzzzzzzzzzzzzzzzzzzzzzzzzz', 'operator', 'compute', 'cn-north-4', '2021-10-20T00:00:00Z'];

test('odd query strings and ids on every read route get a 200 or a 4xx problem, never a 5xx', async () => {
  const rand = rng(SEED + 1);
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const failures = [];
  for (const path of reads()) {
    for (let k = 0; k < ROUNDS / 2; k++) {
      const segs = path.split('/');
      if (segs.length > 4 && rand() < 0.25) segs[4] = pick(ODD_IDS);
      const n = 1 + Math.floor(rand() * 3);
      const q = Array.from({ length: n }, () => `${pick(PARAMS)}=${pick(ODD_QUERY)}`).join('&');
      const url = `${segs.join('/')}?${q}`;
      const token = rand() < 0.5 ? op.token : ent.token;
      const res = await api(srv.url, 'GET', url, { token });
      const problem = /^application\/problem\+json\b/.test(res.headers.get('content-type') || '');
      if (res.status >= 500 || (res.status >= 400 && !(problem && res.json?.status === res.status)))
        failures.push(`GET ${url.slice(0, 300)} → ${res.status} ${res.text.slice(0, 300)}`);
    }
  }
  assert.deepEqual(failures.slice(0, 10), [], `seed ${SEED}: ${failures.length} requests went wrong`);
});

test('after the mutations the money still adds up: cocloud audit passes', async () => {
  const r = cli(['audit', '--db', srv.dbPath]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /all checks passed/);
});
