// Orders race policy changes: enterprises quote and order in parallel
// while an operator changes the same policies (budgets and limits cut,
// which is refused once orders have taken more; effects; disabled and
// enabled again). Nothing may answer 5xx, and `cocloud audit` agrees at
// the end: no budget overspent, no total or per-org limit passed, orders
// and usage in step. Runs on the suite's engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, cli, signup, operator, ok } from './lib/server.mjs';

const DAY = 86400000;
const ROUNDS = Number(process.env.CHAOS_ROUNDS || 12);
let srv;
let op;
const policies = [];
let buyers;

const as = (token, method, path, body, key) => ok(srv.url, token, method, path, body, key);

before(async () => {
  srv = await startServer({ args: ['--engine-poll', '50'] });
  op = await operator(srv);
  const t = op.token;
  await as(t, 'POST', '/api/v1/regions', { code: 'cn-north-4', name: { zh: '华北', en: 'North' }, area: 'domestic' });
  await as(t, 'POST', '/api/v1/products', {
    code: 'ecs', name: { zh: '计算', en: 'Compute' }, category: 'compute', unit: { zh: '台', en: 'instance' }, billing_modes: ['monthly'],
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 10000 }],
  });
  const c = await as(t, 'POST', '/api/v1/campaigns', {
    name: { zh: '活动', en: 'Campaign' }, description: { zh: '', en: '' }, starts_at: new Date(Date.now() - DAY).toISOString(),
    ends_at: new Date(Date.now() + DAY).toISOString(), time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [],
    new_customer_only: false, published: true,
  });
  for (let lane = 0; lane < 3; lane++) {
    policies.push(await as(t, 'POST', `/api/v1/campaigns/${c.id}/policies`, {
      name: { zh: `策略${lane}`, en: `Policy ${lane}` }, lane, conditions: { products: ['ecs'] },
      effect: { kind: lane === 1 ? 'amount_off' : 'percent_off', value: lane === 1 ? 2000 : 1000 + 500 * lane },
      limits: { budget: 60000, per_org: 3 }, enabled: true,
    }));
  }
  buyers = await Promise.all(Array.from({ length: 6 }, () => signup(srv.url, { industry: 'gaming' })));
});

after(async () => { await srv?.close(); });

test('orders racing policy changes never overspend, never pass a limit, never 5xx; audit passes', async () => {
  const bad = [];
  const seen = {};
  const check = (what, r) => {
    seen[`${what} ${r.status}`] = (seen[`${what} ${r.status}`] || 0) + 1;
    if (r.status >= 500) bad.push(`${what} → ${r.status} ${r.text.slice(0, 200)}`);
    return r;
  };
  const shop = async (b) => {
    for (let k = 0; k < ROUNDS; k++) {
      const q = check('quote', await api(srv.url, 'POST', '/api/v1/quotes', {
        token: b.token, body: { region: 'cn-north-4', lines: [{ product: 'ecs', quantity: 1 + (k % 3), months: 1 }] },
      }));
      if (q.status === 201) check('order', await api(srv.url, 'POST', '/api/v1/orders', { token: b.token, body: { quote_id: q.json.id } }));
    }
  };
  const edits = [
    () => ({ limits: { budget: 5000, per_org: 1 } }), // below what orders may have taken: 422 then
    () => ({ enabled: false }),
    () => ({ enabled: true, limits: { budget: 90000, per_org: 2 } }),
    () => ({ effect: { kind: 'fixed_unit_price', value: 7000 } }),
    () => ({ limits: { budget: 60000, per_org: 3 } }),
  ];
  const operate = async () => {
    for (let k = 0; k < ROUNDS * 2; k++) {
      const p = policies[k % policies.length];
      check('edit', await api(srv.url, 'PATCH', `/api/v1/policies/${p.id}`, { token: op.token, body: edits[k % edits.length]() }));
    }
  };
  await Promise.all([operate(), ...buyers.map(shop)]);
  assert.deepEqual(bad, []);
  assert.ok(seen['order 201'] > 0, `some orders went through: ${JSON.stringify(seen)}`);
  const audit = cli(['audit', '--db', srv.dbPath]);
  assert.equal(audit.status, 0, audit.stdout + audit.stderr);
});
