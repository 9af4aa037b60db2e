// Offers and quotes over HTTP: an operator sets up a catalog and a live
// campaign through the API; enterprises see what applies to them and get
// priced carts with hand-checked amounts; bad carts get field errors; a
// quote belongs to its org. Runs on the suite's engine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, signup, operator, assertProblem, assertFieldErrors, ok } from './lib/server.mjs';

let srv;
let op;
let mall;   // e-commerce, small
let games;  // gaming, large
let campaign;
const policy = {};
const DAY = 86400000;

const as = (token, method, path, body, key) => ok(srv.url, token, method, path, body, key);

before(async () => {
  srv = await startServer();
  op = await operator(srv);
  const t = op.token;
  await as(t, 'POST', '/api/v1/regions', { code: 'cn-north-4', name: { zh: '华北-北京四', en: 'CN North-Beijing4' }, area: 'domestic' });
  await as(t, 'POST', '/api/v1/regions', { code: 'ap-southeast-3', name: { zh: '亚太-新加坡', en: 'AP-Singapore' }, area: 'overseas' });
  await as(t, 'POST', '/api/v1/products', {
    code: 'ecs.general', name: { zh: '通用计算型', en: 'General ECS' }, category: 'compute', unit: { zh: '台', en: 'instance' },
    billing_modes: ['on_demand', 'monthly', 'yearly'],
    prices: [
      { region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
      { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 299000 },
      { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 45 },
      { region: 'ap-southeast-3', billing_mode: 'monthly', unit_price: 35900 },
    ],
  });
  await as(t, 'POST', '/api/v1/products', {
    code: 'obs.standard', name: { zh: '对象存储', en: 'Object Storage' }, category: 'storage', unit: { zh: 'GB', en: 'GB' },
    billing_modes: ['monthly'], prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 12 }],
  });
  const pack = await as(t, 'POST', '/api/v1/packs', {
    code: 'ecommerce-promo', industry: 'ecommerce', scenario: { zh: '大促', en: 'Big sale' },
    name: { zh: '大促包', en: 'Big-sale pack' }, description: { zh: '', en: '' },
    items: [{ product: 'ecs.general', billing_mode: 'monthly', quantity: 4, months: 1 },
            { product: 'obs.standard', billing_mode: 'monthly', quantity: 1000, months: 1 }],
    discount_bp: 2000,
  });
  policy.pack = pack.id;
  const now = Date.now();
  campaign = await as(t, 'POST', '/api/v1/campaigns', {
    name: { zh: '专属月', en: 'Exclusive Month' }, description: { zh: '行业专属优惠', en: 'Offers for the industry' },
    starts_at: new Date(now - DAY).toISOString(), ends_at: new Date(now + 30 * DAY).toISOString(),
    time_zone: 'Asia/Shanghai', regions: ['cn-north-4'], industries: ['ecommerce', 'gaming'], sizes: [],
    new_customer_only: false, published: true,
  });
  const mk = (body) => as(t, 'POST', `/api/v1/campaigns/${campaign.id}/policies`, {
    conditions: {}, limits: {}, enabled: true, ...body,
  });
  policy.pct = (await mk({ name: { zh: '计算85折', en: 'Compute 15% off' }, lane: 0,
    conditions: { products: ['ecs.general'] }, effect: { kind: 'percent_off', value: 1500 } })).id;
  policy.amount = (await mk({ name: { zh: '计算减100', en: 'Compute 100 off' }, lane: 0,
    conditions: { products: ['ecs.general'] }, effect: { kind: 'amount_off', value: 10000 } })).id;
  policy.order = (await mk({ name: { zh: '满千95折', en: '5% off orders over 1,000' }, lane: 1,
    conditions: { min_order_amount: 100000 }, effect: { kind: 'percent_off', value: 500 } })).id;
  policy.gaming = (await mk({ name: { zh: '游戏专享', en: 'Gaming only' }, lane: 2,
    conditions: { industries: ['gaming'] }, effect: { kind: 'percent_off', value: 1000 },
    limits: { per_org: 2, total: 500, budget: 0 } })).id;
  mall = await signup(srv.url, { industry: 'ecommerce', size: 'small' });
  games = await signup(srv.url, { industry: 'gaming', size: 'large' });
});

after(async () => { await srv?.close(); });

const quote = (who, body) => api(srv.url, 'POST', '/api/v1/quotes', { token: who.token, body });

test('a cart is priced line by line with lanes, best-in-lane and half-up rounding', async () => {
  const r = await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 4, months: 12 }] });
  assert.equal(r.status, 201, r.text);
  const q = r.json;
  assert.match(q.id, /^quo_[0-9a-z]{26}$/);
  assert.equal(q.currency, 'CNY');
  const [line] = q.lines;
  // 29,900 x 4 x 12 = 1,435,200; lane 0: 15% (215,280) beats 100 CNY off;
  // lane 1: 5% of 1,219,920 = 60,996; final 1,158,924.
  assert.equal(line.list_price, 1435200);
  assert.deepEqual(line.applied.map((a) => [a.policy, a.lane, a.amount]), [[policy.pct, 0, 215280], [policy.order, 1, 60996]]);
  assert.equal(line.final_price, 1158924);
  assert.deepEqual(q.totals, { list: 1435200, discount: 276276, final: 1158924 });
  const reasons = Object.fromEntries(q.rejected.map((x) => [x.policy, x.reason]));
  assert.equal(reasons[policy.amount], 'outdone_in_lane');
  assert.equal(reasons[policy.gaming], 'industry_not_eligible');
  // A rejection names its offer as an applied one does.
  const gaming = q.rejected.find((x) => x.policy === policy.gaming);
  assert.deepEqual(gaming.name, { zh: '游戏专享', en: 'Gaming only' });
  assert.equal(gaming.campaign, campaign.id);
  assert.equal(gaming.line, null);
  assert.deepEqual(q.rejected.find((x) => x.policy === policy.amount).name, { zh: '计算减100', en: 'Compute 100 off' });
});

test('a rejection names a policy with the longest name, quotes and all', async () => {
  const name = { zh: '长'.repeat(200), en: '"\\'.repeat(100) };
  const long = await as(op.token, 'POST', `/api/v1/campaigns/${campaign.id}/policies`, {
    name, lane: 3, conditions: { industries: ['gaming'] }, limits: {}, enabled: true,
    effect: { kind: 'percent_off', value: 100 },
  });
  const r = await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] });
  assert.equal(r.status, 201, r.text);
  const x = r.json.rejected.find((y) => y.policy === long.id);
  assert.deepEqual(x, { policy: long.id, campaign: campaign.id, name, line: null, reason: 'industry_not_eligible', message: 'industry not eligible' });
  // A minimum not reached says what it takes, on this path too.
  await as(op.token, 'PATCH', `/api/v1/policies/${long.id}`, { conditions: { industries: [], min_quantity: 5 } });
  const again = await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] });
  assert.deepEqual(again.json.rejected.find((y) => y.policy === long.id), {
    policy: long.id, campaign: campaign.id, name, line: 0, minimum: 5, reason: 'below_min_quantity', message: 'quantity below the minimum',
  });
  // And a campaign not live says its status, on this path too.
  const ended = await quote(op, { org: mall.org.id, at: new Date(Date.now() + 40 * DAY).toISOString(), region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] });
  assert.equal(ended.status, 201, ended.text);
  assert.deepEqual(ended.json.rejected.find((y) => y.policy === long.id), {
    policy: long.id, campaign: campaign.id, name, line: null, reason: 'campaign_not_live', campaign_status: 'ended', message: 'campaign has ended',
  });
  await as(op.token, 'PATCH', `/api/v1/policies/${long.id}`, { enabled: false });
});

test('the same cart gives the same prices; another industry gets its own policy', async () => {
  const body = { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 4, months: 12 }] };
  const a = (await quote(mall, body)).json;
  const b = (await quote(mall, body)).json;
  assert.notEqual(a.id, b.id);
  assert.deepEqual(a.lines, b.lines);
  assert.deepEqual(a.totals, b.totals);
  const g = (await quote(games, body)).json;
  // after lanes 0 and 1 (1,158,924), gaming's 10% in lane 2: 115,892.4 → 115,892
  assert.deepEqual(g.lines[0].applied.map((x) => x.amount), [215280, 60996, 115892]);
  assert.equal(g.totals.final, 1043032);
});

test('packs are priced from their items with their own discount; small orders miss the order policy', async () => {
  const r = await quote(mall, { region: 'cn-north-4', lines: [{ pack: policy.pack, quantity: 1 }] });
  assert.equal(r.status, 201, r.text);
  const [line] = r.json.lines;
  // items: 4 x 29,900 + 1,000 x 12 = 131,600; pack 20% off = 26,320; the order
  // (list 131,600) is over 100,000, so lane 1 takes 5% of 105,280 = 5,264.
  assert.equal(line.list_price, 131600);
  assert.deepEqual(line.applied.map((a) => [a.source, a.amount]), [['pack', 26320], ['policy', 5264]]);
  assert.equal(line.final_price, 100016);
  // Read back, the stored terms give the same answer: the pack's own
  // discount and the policies with their names and lanes.
  const mixed = await quote(mall, { region: 'cn-north-4', lines: [{ pack: policy.pack, quantity: 2 },
    { product: 'ecs.general', quantity: 3, months: 2 }] });
  assert.equal(mixed.status, 201, mixed.text);
  const back = await api(srv.url, 'GET', `/api/v1/quotes/${mixed.json.id}`, { token: mall.token });
  const { rejected, ...promise } = mixed.json;
  assert.ok(Array.isArray(rejected));
  assert.deepEqual(back.json, promise);
  const small = await quote(mall, { region: 'cn-north-4', lines: [{ product: 'obs.standard', quantity: 10, months: 1 }] });
  assert.equal(small.json.totals.final, 120);
  const below = small.json.rejected.find((x) => x.policy === policy.order);
  assert.equal(below.reason, 'below_min_order_amount');
  assert.equal(below.line, null);
  assert.equal(below.minimum, 100000, 'a minimum not reached says what it takes');
  for (const x of small.json.rejected.filter((y) => !y.reason.startsWith('below_min'))) assert.equal('minimum' in x, false, x.reason);
});

test('a region outside the campaign gets list price, with the reason', async () => {
  const r = await quote(mall, { region: 'ap-southeast-3', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.totals.final, 35900);
  assert.ok(r.json.rejected.some((x) => x.policy === policy.pct && x.reason === 'region_not_in_campaign' && x.line === 0));
});

test('bad carts get field errors', async () => {
  const cases = [
    [{ region: 'cn-north-4', lines: [] }, 'lines'],
    [{ region: 'cn-north-4', lines: [{ product: 'nope', months: 1 }] }, 'lines[0].product'],
    [{ region: 'mars-1', lines: [{ product: 'ecs.general', months: 1 }] }, 'lines[0].region'],
    [{ lines: [{ product: 'ecs.general', months: 1 }] }, 'lines[0].region'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', months: 0 }] }, 'lines[0].months'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', billing_mode: 'yearly', months: 5 }] }, 'lines[0].months'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', billing_mode: 'on_demand', months: 1 }] }, 'lines[0].months'],
    [{ region: 'cn-north-4', lines: [{ product: 'obs.standard', billing_mode: 'yearly', months: 12 }] }, 'lines[0].billing_mode'],
    [{ region: 'ap-southeast-3', lines: [{ product: 'obs.standard', months: 1 }] }, 'lines[0].region'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', pack: policy.pack, months: 1 }] }, 'lines[0].product'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', months: 1, quantity: 100001 }] }, 'lines[0].quantity'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', months: '1' }] }, 'lines[0].months'],
    [{ region: 'cn-north-4', lines: [{ product: 'ecs.general', months: 1, colour: 'red' }] }, 'lines[0].colour'],
    [{ region: 'cn-north-4', lines: 'ecs' }, 'lines'],
    [{ region: 'cn-north-4', order_type: 'upgrade', lines: [{ product: 'ecs.general', months: 1 }] }, 'order_type'],
    [{ region: 'cn-north-4', at: '2021-10-20T00:00:00Z', lines: [{ product: 'ecs.general', months: 1 }] }, 'at'],
  ];
  for (const [body, field] of cases) {
    assertFieldErrors(await quote(mall, body), 422, 'validation', [field]);
  }
});

test('operators preview a moment for an org; before the campaign there is no discount', async () => {
  const at = new Date(Date.now() - 2 * DAY).toISOString();
  const r = await api(srv.url, 'POST', '/api/v1/quotes', { token: op.token, body: { org: mall.org.id, at, region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.org_id, mall.org.id);
  assert.equal(r.json.totals.final, 29900);
  assert.ok(r.json.rejected.length > 0);
  for (const x of r.json.rejected) {
    assert.equal(x.reason, 'campaign_not_live');
    assert.equal(x.campaign_status, 'scheduled', 'the campaign starts after the moment previewed');
    assert.equal(x.message, 'campaign has not started');
  }
  // After it, the same offers say it has ended.
  const later = await api(srv.url, 'POST', '/api/v1/quotes', { token: op.token, body: { org: mall.org.id, at: new Date(Date.now() + 40 * DAY).toISOString(), region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] } });
  assert.equal(later.status, 201, later.text);
  assert.deepEqual(later.json.rejected.map((x) => [x.policy, x.campaign_status, x.message]),
    r.json.rejected.map((x) => [x.policy, 'ended', 'campaign has ended']));
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/quotes', { token: op.token, body: { region: 'cn-north-4', lines: [{ product: 'ecs.general', months: 1 }] } }), 422, 'validation', ['org']);
});

test('a quote holds for --quote-ttl, which GET /meta tells the UI (default 30 minutes)', async () => {
  const r = await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] });
  assert.equal(r.status, 201, r.text);
  assert.equal(Date.parse(r.json.expires_at) - Date.parse(r.json.at), 1800 * 1000);
  assert.equal((await api(srv.url, 'GET', '/api/v1/meta')).json.quote_ttl, 1800);
  const short = await startServer({ args: ['--quote-ttl', '600'] });
  try {
    assert.equal((await api(short.url, 'GET', '/api/v1/meta')).json.quote_ttl, 600);
  } finally {
    await short.close();
  }
});

test('a quote is read back by its org and operators, and is 404 for another org', async () => {
  const q = (await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 2, months: 1 }] })).json;
  const mine = await api(srv.url, 'GET', `/api/v1/quotes/${q.id}`, { token: mall.token });
  assert.equal(mine.status, 200);
  const { rejected, ...promise } = q; // the rejections explain the answer; the promise is kept
  assert.ok(Array.isArray(rejected));
  assert.deepEqual(mine.json, promise);
  assert.equal((await api(srv.url, 'GET', `/api/v1/quotes/${q.id}`, { token: op.token })).status, 200);
  assertProblem(await api(srv.url, 'GET', `/api/v1/quotes/${q.id}`, { token: games.token }), 404, 'not-found');
  assertProblem(await api(srv.url, 'GET', '/api/v1/quotes/quo_nope', { token: mall.token }), 404, 'not-found');
});

test('offers list the live campaign with eligibility and reasons per org', async () => {
  const m = await api(srv.url, 'GET', '/api/v1/offers', { token: mall.token });
  assert.equal(m.status, 200, m.text);
  const c = m.json.campaigns.find((x) => x.campaign.id === campaign.id);
  assert.ok(c, 'the live campaign is offered');
  assert.equal(c.campaign.status, 'live');
  // Who the campaign is for, in the campaign's own terms and zone.
  assert.deepEqual(c.campaign.description, { zh: '行业专属优惠', en: 'Offers for the industry' });
  assert.equal(c.campaign.time_zone, 'Asia/Shanghai');
  assert.deepEqual(c.campaign.regions, ['cn-north-4']);
  assert.deepEqual(c.campaign.industries, ['ecommerce', 'gaming']);
  assert.deepEqual(c.campaign.sizes, []);
  assert.equal(c.campaign.new_customer_only, false);
  assert.equal(c.eligible, true);
  const byId = Object.fromEntries(c.policies.map((p) => [p.policy.id, p]));
  assert.equal(byId[policy.pct].eligible, true);
  assert.equal(byId[policy.gaming].eligible, false);
  assert.equal(byId[policy.gaming].reasons[0].code, 'industry_not_eligible');
  assert.deepEqual(byId[policy.gaming].policy.limits, { per_org: 2, total: 500, budget: 0 });
  assert.deepEqual(byId[policy.pct].policy.limits, { per_org: 0, total: 0, budget: 0 });
  const pack = m.json.packs.find((p) => p.pack === policy.pack);
  assert.ok(pack.policies.includes(policy.order));
});

test('quotes and offers need an enterprise, partner or operator', async () => {
  assertProblem(await api(srv.url, 'POST', '/api/v1/quotes', { body: { lines: [] } }), 401, 'unauthenticated');
  assertProblem(await api(srv.url, 'GET', '/api/v1/offers'), 401, 'unauthenticated');
});

test('a policy change shows in the next quote', async () => {
  const r = await api(srv.url, 'PATCH', `/api/v1/policies/${policy.pct}`, { token: op.token, body: { effect: { kind: 'percent_off', value: 2000 } } });
  assert.equal(r.status, 200, r.text);
  const q = (await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 4, months: 12 }] })).json;
  // 20% of 1,435,200 = 287,040
  assert.deepEqual(q.lines[0].applied[0], { ...q.lines[0].applied[0], policy: policy.pct, amount: 287040 });
});

test('an order from a quote takes it once; another org cannot use it', async () => {
  const q = (await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] })).json;
  assertFieldErrors(await api(srv.url, 'POST', '/api/v1/orders', { token: games.token, body: { quote_id: q.id } }), 422, 'validation', ['quote_id']);
  const r = await api(srv.url, 'POST', '/api/v1/orders', { token: mall.token, body: { quote_id: q.id } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.id, /^ord_/);
  assert.equal(r.json.total, q.totals.final);
  assert.equal(r.json.discount, q.totals.discount);
  assertProblem(await api(srv.url, 'POST', '/api/v1/orders', { token: mall.token, body: { quote_id: q.id } }), 409, 'conflict');
  const mine = await api(srv.url, 'GET', '/api/v1/orders', { token: mall.token });
  assert.ok(mine.json.items.some((o) => o.id === r.json.id));
  assert.equal((await api(srv.url, 'GET', '/api/v1/orders', { token: games.token })).json.items.length, 0);
  assertProblem(await api(srv.url, 'GET', `/api/v1/orders/${r.json.id}`, { token: games.token }), 404, 'not-found');
  // Another org's order is no cursor either: the answer must not tell that it exists.
  assertFieldErrors(await api(srv.url, 'GET', `/api/v1/orders?after=${r.json.id}`, { token: games.token }), 400, 'bad-request', ['after']);
  assert.equal((await api(srv.url, 'GET', `/api/v1/orders?after=${r.json.id}`, { token: mall.token })).status, 200);
  assertProblem(await api(srv.url, 'POST', '/api/v1/orders', { token: op.token, body: { quote_id: q.id } }), 403, 'forbidden');
});

test('concurrent orders never overspend a policy budget, and a per-org limit holds', async () => {
  const now = Date.now();
  const c2 = await as(op.token, 'POST', '/api/v1/campaigns', {
    name: { zh: '限量', en: 'Limited' }, description: { zh: '', en: '' },
    starts_at: new Date(now - DAY).toISOString(), ends_at: new Date(now + DAY).toISOString(),
    time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [], new_customer_only: false, published: true,
  });
  // 50 CNY off storage, budget 150 CNY: room for exactly three orders.
  const capped = await as(op.token, 'POST', `/api/v1/campaigns/${c2.id}/policies`, {
    name: { zh: '存储减50', en: 'Storage 50 off' }, lane: 3, conditions: { products: ['obs.standard'] },
    effect: { kind: 'amount_off', value: 5000 }, limits: { budget: 15000, per_org: 2 }, enabled: true,
  });
  const buyers = [mall, games, ...await Promise.all([1, 2, 3].map(() => signup(srv.url, { industry: 'media' })))];
  const cart = { region: 'cn-north-4', lines: [{ product: 'obs.standard', quantity: 1000, months: 1 }] };
  const quotes = await Promise.all(buyers.map((b) => quote(b, cart)));
  for (const q of quotes) assert.ok(q.json.lines[0].applied.some((a) => a.policy === capped.id && a.amount === 5000), q.text);
  const orders = await Promise.all(buyers.map((b, i) => api(srv.url, 'POST', '/api/v1/orders', { token: b.token, body: { quote_id: quotes[i].json.id } })));
  const codes = orders.map((o) => o.status).sort();
  assert.deepEqual(codes, [201, 201, 201, 409, 409], orders.map((o) => o.text).join('\n'));
  const p = await api(srv.url, 'GET', `/api/v1/policies/${capped.id}`, { token: op.token });
  assert.deepEqual(p.json.usage, { uses: 3, discount: 15000 });
  // The engine picks the spent budget up: new quotes say so (within a poll).
  let rejected = false;
  for (let i = 0; i < 30 && !rejected; i++) {
    const q = (await quote(mall, cart)).json;
    rejected = q.rejected.some((x) => x.policy === capped.id && x.reason === 'budget_spent');
    if (!rejected) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(rejected, 'budget_spent shows in quotes after the budget is used');
});

test('a quote answered just before a restart is still there after it', async () => {
  const q = (await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 3, months: 1 }] })).json;
  await srv.restart(); // SIGTERM right away: quotes still queued are written on the way out
  const back = await api(srv.url, 'GET', `/api/v1/quotes/${q.id}`, { token: mall.token });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.totals.final, q.totals.final);
});

test('limits never go below what orders took: a budget under the discount given, a total or per-org limit under the uses → 422', async () => {
  const c = await as(op.token, 'POST', '/api/v1/campaigns', {
    name: { zh: '限额', en: 'Capped' }, description: { zh: '', en: '' },
    starts_at: new Date(Date.now() - DAY).toISOString(), ends_at: new Date(Date.now() + DAY).toISOString(),
    time_zone: 'Asia/Shanghai', regions: [], industries: ['education'], sizes: [], new_customer_only: false, published: true,
  });
  const pol = await as(op.token, 'POST', `/api/v1/campaigns/${c.id}/policies`, {
    name: { zh: '减30', en: '30 off' }, lane: 5, conditions: { products: ['obs.standard'] },
    effect: { kind: 'amount_off', value: 3000 }, limits: { budget: 100000, total: 10, per_org: 5 }, enabled: true,
  });
  const buyer = await signup(srv.url, { industry: 'education' }); // no other test's campaign
  const cart = { region: 'cn-north-4', lines: [{ product: 'obs.standard', quantity: 1000, months: 1 }] };
  for (let i = 0; i < 2; i++) {
    let q;
    for (let k = 0; k < 30; k++) { // the new policy reaches the engine within a poll
      q = (await quote(buyer, cart)).json;
      if (q.lines[0].applied.some((a) => a.policy === pol.id)) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal((await api(srv.url, 'POST', '/api/v1/orders', { token: buyer.token, body: { quote_id: q.id } })).status, 201);
  }
  const patch = (limits) => api(srv.url, 'PATCH', `/api/v1/policies/${pol.id}`, { token: op.token, body: { limits } });
  const r = await patch({ budget: 5999, total: 1, per_org: 1 });
  assertFieldErrors(r, 422, 'validation', ['limits.budget', 'limits.total', 'limits.per_org'], { exact: true });
  assert.match(r.json.errors.find((x) => x.field === 'limits.budget').message, /at least 6000/);
  const still = await api(srv.url, 'GET', `/api/v1/policies/${pol.id}`, { token: op.token });
  assert.deepEqual(still.json.limits, { budget: 100000, total: 10, per_org: 5 }, 'nothing changed');
  const exact = await patch({ budget: 6000, total: 2, per_org: 2 });
  assert.equal(exact.status, 200, 'exactly what was taken is allowed: the policy is then used up');
  assert.equal((await patch({ budget: 0, total: 0, per_org: 0 })).status, 200, '0 lifts a limit');
  assert.equal((await api(srv.url, 'PATCH', `/api/v1/policies/${pol.id}`, { token: op.token, body: { name: { zh: '减30元', en: '30 off!' } } })).status, 200);
});

test('an order records each policy\'s discount summed over the quote\'s lines, not the pack\'s own', async () => {
  const now = Date.now();
  const c3 = await as(op.token, 'POST', '/api/v1/campaigns', {
    name: { zh: '媒体周', en: 'Media week' }, description: { zh: '', en: '' },
    starts_at: new Date(now - DAY).toISOString(), ends_at: new Date(now + DAY).toISOString(),
    time_zone: 'Asia/Shanghai', regions: [], industries: ['media'], sizes: [], new_customer_only: false, published: true,
  });
  const mk = async (body) => (await as(op.token, 'POST', `/api/v1/campaigns/${c3.id}/policies`, {
    conditions: {}, limits: {}, enabled: true, ...body,
  })).id;
  const storage = await mk({ name: { zh: '存储9折', en: 'Storage 10% off' }, lane: 4,
    conditions: { products: ['obs.standard'] }, effect: { kind: 'percent_off', value: 1000 } });
  const everything = await mk({ name: { zh: '每行减1元', en: '1 CNY off a line' }, lane: 5,
    effect: { kind: 'amount_off', value: 100 } });
  const buyer = await signup(srv.url, { industry: 'media' });
  const r = await quote(buyer, { region: 'cn-north-4', lines: [
    { product: 'obs.standard', quantity: 1000, months: 1 },
    { product: 'ecs.general', quantity: 1, months: 1 },
    { product: 'obs.standard', quantity: 500, months: 2 },
    { pack: policy.pack, quantity: 1 },
  ] });
  assert.equal(r.status, 201, r.text);
  const q = r.json;
  const sums = {};
  for (const line of q.lines) {
    for (const a of line.applied) if (a.source === 'policy') sums[a.policy] = (sums[a.policy] ?? 0) + a.amount;
  }
  // Storage lines: 10% of 12,000 each; every line 100 fen off; the pack's own
  // 20% is in the quote's discount but is no policy's.
  assert.deepEqual(Object.keys(sums).sort(), [storage, everything].sort());
  assert.equal(sums[storage], 2400);
  assert.equal(sums[everything], 400);
  assert.equal(q.totals.discount, 2400 + 400 + 26320);
  const back = await api(srv.url, 'GET', `/api/v1/quotes/${q.id}`, { token: buyer.token });
  const { rejected, ...promise } = q;
  assert.ok(Array.isArray(rejected));
  assert.deepEqual(back.json, promise);
  const o = await api(srv.url, 'POST', '/api/v1/orders', { token: buyer.token, body: { quote_id: q.id } });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.json.list, q.totals.list);
  assert.equal(o.json.discount, q.totals.discount);
  assert.equal(o.json.total, q.totals.final);
  for (const id of [storage, everything]) {
    const p = await api(srv.url, 'GET', `/api/v1/policies/${id}`, { token: op.token });
    assert.deepEqual(p.json.usage, { uses: 1, discount: sums[id] }, id);
  }
});

test('each offered policy says what it needs, in the terms of its own policy object', async () => {
  const t = op.token;
  await as(t, 'POST', '/api/v1/products', {
    code: 'rds.mysql', name: { zh: '云数据库', en: 'RDS for MySQL' }, category: 'database', unit: { zh: '台', en: 'instance' },
    billing_modes: ['monthly', 'yearly'],
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 50000 },
             { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 500000 }],
  });
  const pack = await as(t, 'POST', '/api/v1/packs', {
    code: 'db-starter', industry: 'ecommerce', scenario: { zh: '数据库', en: 'Databases' },
    name: { zh: '数据库包', en: 'Database pack' }, description: { zh: '', en: '' },
    items: [{ product: 'rds.mysql', billing_mode: 'monthly', quantity: 1, months: 1 }], discount_bp: 500,
  });
  const conditions = {
    regions: ['cn-north-4'], industries: ['ecommerce'], sizes: ['small', 'medium'], new_customer_only: true,
    products: ['rds.mysql'], categories: ['database', 'storage'], packs: [pack.id],
    billing_modes: ['monthly', 'yearly'], order_types: ['new'],
    min_quantity: 2, min_line_amount: 100000, min_order_amount: 300000,
  };
  const p = await as(t, 'POST', `/api/v1/campaigns/${campaign.id}/policies`, {
    name: { zh: '数据库满减', en: 'Databases: 20% off' }, lane: 3, conditions,
    effect: { kind: 'percent_off', value: 2000 }, limits: {}, enabled: true,
  });
  const m = await api(srv.url, 'GET', '/api/v1/offers', { token: mall.token });
  assert.equal(m.status, 200, m.text);
  const offered = m.json.campaigns.find((x) => x.campaign.id === campaign.id).policies;
  const mine = offered.find((x) => x.policy.id === p.id);
  assert.ok(mine, 'the new policy is offered');
  // The lists come back in the engine's order; compare them as sets.
  const sorted = (c) => Object.fromEntries(Object.entries(c).map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v]));
  assert.deepEqual(sorted(mine.policy.conditions), sorted(conditions));
  // Every offered policy's conditions are those its own route gives.
  for (const { policy: o } of offered) {
    const own = await api(srv.url, 'GET', `/api/v1/policies/${o.id}`, { token: mall.token });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(sorted(o.conditions), sorted(own.json.conditions), o.id);
  }
});

test('a draft campaign\'s offers are named to operators only, and apply once it is published', async () => {
  const t = op.token;
  const now = Date.now();
  const draft = await as(t, 'POST', '/api/v1/campaigns', {
    name: { zh: '未公布的计划', en: 'Unannounced plan' }, description: { zh: '', en: '' },
    starts_at: new Date(now - DAY).toISOString(), ends_at: new Date(now + 30 * DAY).toISOString(),
    time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [], new_customer_only: false, published: false,
  });
  const secret = await as(t, 'POST', `/api/v1/campaigns/${draft.id}/policies`, {
    name: { zh: '五折', en: 'Half price' }, lane: 4, conditions: {}, limits: {}, enabled: true,
    effect: { kind: 'percent_off', value: 5000 },
  });
  const cart = { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] };
  const names = (q) => JSON.stringify(q.rejected) + JSON.stringify(q.lines);

  const mine = await quote(mall, cart);
  assert.equal(mine.status, 201, mine.text);
  assert.ok(!names(mine.json).includes(secret.id) && !names(mine.json).includes(draft.id), 'an enterprise is not told of a draft');
  assert.ok(mine.json.rejected.length > 0, 'other offers are still explained');
  const offers = await api(srv.url, 'GET', '/api/v1/offers', { token: mall.token });
  assert.ok(!offers.text.includes(draft.id));

  const preview = await quote(op, { ...cart, org: mall.org.id });
  assert.equal(preview.status, 201, preview.text);
  assert.deepEqual(preview.json.rejected.filter((x) => x.policy === secret.id),
    [{ policy: secret.id, campaign: draft.id, name: { zh: '五折', en: 'Half price' }, line: null, reason: 'campaign_not_live', campaign_status: 'draft', message: 'campaign is not published' }]);
  assert.equal(preview.json.totals.final, mine.json.totals.final);

  await as(t, 'PATCH', `/api/v1/campaigns/${draft.id}`, { published: true });
  const after = await quote(mall, cart);
  assert.equal(after.status, 201, after.text);
  const half = after.json.lines[0].applied.find((x) => x.policy === secret.id);
  assert.ok(half, after.text);
  assert.equal(half.amount, Math.round((after.json.lines[0].final_price + half.amount) / 2));
});

test('a campaign coming up is offered as not started yet, and its offers are rejected as such', async () => {
  const now = Date.now();
  const soon = await as(op.token, 'POST', '/api/v1/campaigns', {
    name: { zh: '下周活动', en: 'Next week' }, description: { zh: '', en: '' },
    starts_at: new Date(now + 5 * DAY).toISOString(), ends_at: new Date(now + 12 * DAY).toISOString(),
    time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [], new_customer_only: false, published: true,
  });
  const p = await as(op.token, 'POST', `/api/v1/campaigns/${soon.id}/policies`, {
    name: { zh: '预告', en: 'Coming up' }, lane: 5, conditions: {}, limits: {}, enabled: true,
    effect: { kind: 'amount_off', value: 100 },
  });
  const notYet = { code: 'campaign_not_live', campaign_status: 'scheduled', message: 'campaign has not started' };
  const m = await api(srv.url, 'GET', '/api/v1/offers', { token: mall.token });
  assert.equal(m.status, 200, m.text);
  const c = m.json.campaigns.find((x) => x.campaign.id === soon.id);
  assert.equal(c.campaign.status, 'scheduled');
  assert.equal(c.eligible, false);
  assert.deepEqual(c.reasons, [notYet]);
  assert.deepEqual(c.policies.map((x) => [x.policy.id, x.eligible, x.reasons]), [[p.id, false, [notYet]]]);
  const q = await quote(mall, { region: 'cn-north-4', lines: [{ product: 'ecs.general', quantity: 1, months: 1 }] });
  assert.equal(q.status, 201, q.text);
  const x = q.json.rejected.find((y) => y.policy === p.id);
  assert.deepEqual([x.reason, x.campaign_status, x.message, x.line], ['campaign_not_live', 'scheduled', 'campaign has not started', null]);
});

test('an order and a change of industry show in the org\'s very next quote', async () => {
  // The server keeps what pricing reads of an org for a moment (--cache):
  // its own changes must still show at once.
  const now = Date.now();
  const window = { starts_at: new Date(now - DAY).toISOString(), ends_at: new Date(now + DAY).toISOString() };
  const open = await as(op.token, 'POST', '/api/v1/campaigns', {
    name: { zh: '开放', en: 'Open to all' }, description: { zh: '', en: '' }, ...window,
    time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [], new_customer_only: false, published: true,
  });
  const fresh = await as(op.token, 'POST', '/api/v1/campaigns', {
    name: { zh: '新客', en: 'Newcomers' }, description: { zh: '', en: '' }, ...window,
    time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [], new_customer_only: true, published: true,
  });
  const mk = (c, body) => as(op.token, 'POST', `/api/v1/campaigns/${c.id}/policies`, {
    conditions: { products: ['obs.standard'] }, limits: {}, enabled: true, ...body,
  });
  const once = await mk(open, { name: { zh: '一次', en: 'Once' }, lane: 6, effect: { kind: 'percent_off', value: 1000 }, limits: { per_org: 1 } });
  const fintech = await mk(open, { name: { zh: '金融', en: 'Fintech' }, lane: 7, effect: { kind: 'percent_off', value: 500 },
    conditions: { products: ['obs.standard'], industries: ['fintech'] } });
  const welcome = await mk(fresh, { name: { zh: '欢迎', en: 'Welcome' }, lane: 8, effect: { kind: 'percent_off', value: 300 } });
  const buyer = await signup(srv.url, { industry: 'media' });
  const cart = { region: 'cn-north-4', lines: [{ product: 'obs.standard', quantity: 1000, months: 1 }] };
  const priced = async () => {
    const r = await quote(buyer, cart);
    assert.equal(r.status, 201, r.text);
    const applied = r.json.lines[0].applied.map((x) => x.policy);
    const why = Object.fromEntries(r.json.rejected.map((x) => [x.policy, x.reason]));
    return { id: r.json.id, verdict: [once, fintech, welcome].map((p) => (applied.includes(p.id) ? 'applied' : why[p.id])) };
  };
  const first = await priced();
  assert.deepEqual(first.verdict, ['applied', 'industry_not_eligible', 'applied']);
  assert.deepEqual((await priced()).verdict, first.verdict, 'the same again');
  const order = await api(srv.url, 'POST', '/api/v1/orders', { token: buyer.token, body: { quote_id: first.id } });
  assert.equal(order.status, 201, order.text);
  assert.deepEqual((await priced()).verdict, ['per_org_limit_reached', 'industry_not_eligible', 'not_new_customer']);
  const patched = await api(srv.url, 'PATCH', `/api/v1/orgs/${buyer.org.id}`, { token: buyer.token, body: { industry: 'fintech' } });
  assert.equal(patched.status, 200, patched.text);
  assert.deepEqual((await priced()).verdict, ['per_org_limit_reached', 'applied', 'not_new_customer']);
});
