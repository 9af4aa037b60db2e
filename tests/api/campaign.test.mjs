// Campaigns and policies over HTTP: operators set them up, everyone reads
// the published ones; a draft (and its policies) is 404 to anyone but an
// operator; status follows the clock; bad input gives field-level errors
// naming the JSON path; enterprises may not write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, operator, signup, assertProblem, assertFieldErrors, sleep,
} from './lib/server.mjs';

const DAY = 86400000;
let srv;
let base;
let op; // operator token
let ent; // enterprise token
let pack; // a scenario pack id

const name = (en) => ({ zh: `中文 ${en}`, en });
const iso = (ms) => new Date(ms).toISOString();

before(async () => {
  srv = await startServer();
  base = srv.url;
  op = (await operator(srv)).token;
  ent = (await signup(base)).token;
  for (const [code, area] of [['cn-north-4', 'domestic'], ['ap-southeast-1', 'overseas']]) {
    const r = await api(base, 'POST', '/api/v1/regions', { token: op, body: { code, name: name(code), area } });
    assert.equal(r.status, 201, r.text);
  }
  const p = await api(base, 'POST', '/api/v1/products', {
    token: op,
    body: {
      code: 'ecs.general', name: name('ECS'), category: 'compute', unit: { zh: '台', en: 'instance' }, billing_modes: ['monthly'],
      prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 }],
    },
  });
  assert.equal(p.status, 201, p.text);
  const k = await api(base, 'POST', '/api/v1/packs', {
    token: op,
    body: {
      code: 'ecommerce-promo', industry: 'ecommerce', scenario: name('Big sale'), name: name('Pack'),
      items: [{ product: 'ecs.general', billing_mode: 'monthly', quantity: 4, months: 1 }], price: 99900,
    },
  });
  assert.equal(k.status, 201, k.text);
  pack = k.json.id;
});
after(async () => { if (srv) await srv.close(); });

function campaignBody(over = {}) {
  const now = Date.now();
  return {
    name: name('Exclusive Month'),
    description: { zh: '行业深耕', en: 'Industry deep-dive' },
    starts_at: iso(now - DAY),
    ends_at: iso(now + 30 * DAY),
    time_zone: 'Asia/Shanghai',
    regions: ['cn-north-4'],
    industries: ['ecommerce', 'gaming', 'mobility'],
    sizes: [],
    new_customer_only: false,
    published: true,
    ...over,
  };
}

async function createCampaign(over = {}) {
  const r = await api(base, 'POST', '/api/v1/campaigns', { token: op, body: campaignBody(over) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

function policyBody(over = {}) {
  return { name: name('Compute 15% off'), lane: 0, conditions: { products: ['ecs.general'] }, effect: { kind: 'percent_off', value: 1500 }, ...over };
}

async function createPolicy(campaignId, over = {}) {
  const r = await api(base, 'POST', `/api/v1/campaigns/${campaignId}/policies`, { token: op, body: policyBody(over) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

test('an operator creates a campaign; the answer echoes it with its status and a Location', async () => {
  const body = campaignBody({ starts_at: '2031-10-15T00:00:00+08:00', ends_at: '2031-11-15T00:00:00+08:00' });
  const r = await api(base, 'POST', '/api/v1/campaigns', { token: op, body });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.match(c.id, /^cmp_[0-9a-z]{26}$/);
  assert.equal(r.headers.get('location'), `/api/v1/campaigns/${c.id}`);
  assert.deepEqual(c.name, body.name);
  assert.deepEqual(c.description, body.description);
  // Any offset in, UTC out, the same instant.
  assert.equal(Date.parse(c.starts_at), Date.parse('2031-10-15T00:00:00+08:00'));
  assert.equal(Date.parse(c.ends_at), Date.parse('2031-11-15T00:00:00+08:00'));
  assert.equal(c.time_zone, 'Asia/Shanghai');
  assert.deepEqual(c.regions, ['cn-north-4']);
  assert.deepEqual(c.industries, ['ecommerce', 'gaming', 'mobility']);
  assert.deepEqual(c.sizes, []);
  assert.equal(c.new_customer_only, false);
  assert.equal(c.published, true);
  assert.equal(c.status, 'scheduled');
  const g = await api(base, 'GET', `/api/v1/campaigns/${c.id}`);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, c);
  // Optional fields have defaults: no description, UTC, no restrictions, a draft.
  const m = await api(base, 'POST', '/api/v1/campaigns', {
    token: op, body: { name: name('Minimal'), starts_at: body.starts_at, ends_at: body.ends_at },
  });
  assert.equal(m.status, 201, m.text);
  assert.deepEqual([m.json.description, m.json.time_zone, m.json.regions, m.json.published, m.json.status],
    [{ zh: '', en: '' }, 'UTC', [], false, 'draft']);
});

test('status follows published and the clock: draft, scheduled, live, ended', async () => {
  const now = Date.now();
  const cases = [
    [{ published: false }, 'draft'],
    [{ published: false, starts_at: iso(now - 2 * DAY), ends_at: iso(now - DAY) }, 'draft'],
    [{ starts_at: iso(now + DAY), ends_at: iso(now + 2 * DAY) }, 'scheduled'],
    [{ starts_at: iso(now - DAY), ends_at: iso(now + DAY) }, 'live'],
    [{ starts_at: iso(now - 2 * DAY), ends_at: iso(now - DAY) }, 'ended'],
  ];
  for (const [over, status] of cases) {
    const c = await createCampaign(over);
    assert.equal(c.status, status, JSON.stringify(over));
  }
  // Publishing a draft and moving its window changes its status.
  const d = await createCampaign({ published: false, starts_at: iso(now + DAY), ends_at: iso(now + 2 * DAY) });
  let p = await api(base, 'PATCH', `/api/v1/campaigns/${d.id}`, { token: op, body: { published: true } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.status, 'scheduled');
  p = await api(base, 'PATCH', `/api/v1/campaigns/${d.id}`, { token: op, body: { starts_at: iso(now - DAY) } });
  assert.equal(p.json.status, 'live');
  p = await api(base, 'PATCH', `/api/v1/campaigns/${d.id}`, { token: op, body: { starts_at: iso(now - 3 * DAY), ends_at: iso(now - 2 * DAY) } });
  assert.equal(p.json.status, 'ended');
  assert.equal((await api(base, 'GET', `/api/v1/campaigns/${d.id}`)).json.status, 'ended');
});

test('PATCH changes only what it names; the window is checked against the stored end', async () => {
  const c = await createCampaign();
  const p = await api(base, 'PATCH', `/api/v1/campaigns/${c.id}`, {
    token: op, body: { name: name('Renamed'), regions: ['ap-southeast-1', 'cn-north-4'], sizes: ['small'], new_customer_only: true },
  });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json.name, name('Renamed'));
  assert.deepEqual(p.json.regions, ['ap-southeast-1', 'cn-north-4']);
  assert.deepEqual(p.json.sizes, ['small']);
  assert.equal(p.json.new_customer_only, true);
  assert.deepEqual([p.json.industries, p.json.starts_at, p.json.ends_at, p.json.description],
    [c.industries, c.starts_at, c.ends_at, c.description]);
  assert.ok(Date.parse(p.json.updated_at) >= Date.parse(c.updated_at));
  // A start after the stored end is refused, and nothing changes.
  const bad = await api(base, 'PATCH', `/api/v1/campaigns/${c.id}`, { token: op, body: { starts_at: iso(Date.parse(c.ends_at) + DAY) } });
  assertFieldErrors(bad, 422, 'validation', ['ends_at'], { exact: true, message: 'must be after starts_at' });
  const unknown = await api(base, 'PATCH', `/api/v1/campaigns/${c.id}`, { token: op, body: { regions: ['cn-north-4', 'mars-1'] } });
  assertFieldErrors(unknown, 422, 'validation', ['regions[1]'], { exact: true });
  const g = await api(base, 'GET', `/api/v1/campaigns/${c.id}`);
  assert.deepEqual(g.json, p.json);
});

test('drafts and their policies are 404 to the public and to enterprises, visible to operators', async () => {
  const draft = await createCampaign({ published: false });
  const pub = await createCampaign();
  const dp = await createPolicy(draft.id);
  const pp = await createPolicy(pub.id);
  for (const token of [undefined, ent, 'cct_not-a-real-token']) {
    const who = token ? token.slice(0, 8) : 'anonymous';
    assertProblem(await api(base, 'GET', `/api/v1/campaigns/${draft.id}`, { token }), 404, 'not-found', who);
    assertProblem(await api(base, 'GET', `/api/v1/campaigns/${draft.id}/policies`, { token }), 404, 'not-found', who);
    assertProblem(await api(base, 'GET', `/api/v1/policies/${dp.id}`, { token }), 404, 'not-found', who);
    const list = await api(base, 'GET', '/api/v1/campaigns?limit=100', { token });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.items.every((c) => c.published && c.status !== 'draft'), who);
    assert.ok(list.json.items.some((c) => c.id === pub.id), who);
    assert.equal((await api(base, 'GET', `/api/v1/campaigns/${pub.id}`, { token })).status, 200, who);
    const pl = await api(base, 'GET', `/api/v1/campaigns/${pub.id}/policies`, { token });
    assert.deepEqual(pl.json.items.map((x) => x.id), [pp.id], who);
    assert.equal((await api(base, 'GET', `/api/v1/policies/${pp.id}`, { token })).status, 200, who);
  }
  // A draft's id is no cursor for those who cannot see it.
  assertProblem(await api(base, 'GET', `/api/v1/campaigns?after=${draft.id}`), 400, 'bad-request');
  // Operators see drafts, by bearer token or by the session cookie.
  assert.equal((await api(base, 'GET', `/api/v1/campaigns/${draft.id}`, { token: op })).json.status, 'draft');
  const byCookie = await api(base, 'GET', `/api/v1/campaigns/${draft.id}`, { cookie: `cocloud_session=${op}` });
  assert.equal(byCookie.status, 200, byCookie.text);
  const opList = await api(base, 'GET', '/api/v1/campaigns?limit=100', { token: op });
  assert.ok(opList.json.items.some((c) => c.id === draft.id));
  const dl = await api(base, 'GET', `/api/v1/campaigns/${draft.id}/policies`, { token: op });
  assert.deepEqual(dl.json, { items: [dp], next: null });
  assert.deepEqual((await api(base, 'GET', `/api/v1/policies/${dp.id}`, { token: op })).json, dp);
  // Unpublishing hides a campaign again.
  await api(base, 'PATCH', `/api/v1/campaigns/${pub.id}`, { token: op, body: { published: false } });
  assertProblem(await api(base, 'GET', `/api/v1/campaigns/${pub.id}`), 404, 'not-found');
  assertProblem(await api(base, 'GET', `/api/v1/policies/${pp.id}`, { token: ent }), 404, 'not-found');
});

test('the list runs newest first, in pages linked by next', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) {
    made.push((await createCampaign({ name: name(`Page ${i}`) })).id);
    await sleep(3); // distinct created_at, so that the order below is by time alone
  }
  const seen = [];
  let after = null;
  for (let guard = 0; guard < 100; guard++) {
    const r = await api(base, 'GET', `/api/v1/campaigns?limit=2${after ? `&after=${after}` : ''}`, { token: op });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= 2);
    seen.push(...r.json.items);
    after = r.json.next;
    if (!after) break;
  }
  const ids = seen.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'no campaign twice');
  assert.deepEqual(ids.slice(0, 5), [...made].reverse());
  // (created_at, id) descending throughout: the same millisecond goes by id.
  for (let i = 1; i < seen.length; i++) {
    const [a, b] = [seen[i - 1], seen[i]];
    assert.ok(a.created_at > b.created_at || (a.created_at === b.created_at && a.id > b.id), `${a.id} before ${b.id}`);
  }
  assertFieldErrors(await api(base, 'GET', '/api/v1/campaigns?limit=0'), 400, 'bad-request', ['limit']);
  assertFieldErrors(await api(base, 'GET', '/api/v1/campaigns?after=cmp_nope'), 400, 'bad-request', ['after']);
});

test('policies: create with defaults, usage zero, listed by lane; PATCH merges conditions and limits', async () => {
  const c = await createCampaign();
  const r = await api(base, 'POST', `/api/v1/campaigns/${c.id}/policies`, {
    token: op, body: { name: name('Pack price'), lane: 2, conditions: { packs: [pack] }, effect: { kind: 'pack_price', value: 88800 } },
  });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.match(p.id, /^pol_[0-9a-z]{26}$/);
  assert.equal(r.headers.get('location'), `/api/v1/policies/${p.id}`);
  assert.equal(p.campaign_id, c.id);
  assert.deepEqual(p.conditions, {
    regions: [], industries: [], sizes: [], new_customer_only: false, products: [], categories: [], packs: [pack],
    billing_modes: [], order_types: [], min_quantity: 0, min_line_amount: 0, min_order_amount: 0,
  });
  assert.deepEqual(p.effect, { kind: 'pack_price', value: 88800 });
  assert.deepEqual(p.limits, { per_org: 0, total: 0, budget: 0 });
  assert.equal(p.enabled, true);
  assert.deepEqual(p.usage, { uses: 0, discount: 0 });

  const full = await createPolicy(c.id, {
    lane: 0,
    conditions: {
      regions: ['cn-north-4'], industries: ['gaming'], sizes: ['small', 'medium'], new_customer_only: true,
      products: ['ecs.general'], categories: ['compute'], billing_modes: ['monthly', 'yearly'], order_types: ['new'],
      min_quantity: 2, min_line_amount: 1000, min_order_amount: 5000,
    },
    limits: { per_org: 1, total: 100, budget: 1000000 },
    enabled: false,
  });
  assert.deepEqual(full.conditions.sizes, ['small', 'medium']);
  assert.deepEqual(full.limits, { per_org: 1, total: 100, budget: 1000000 });
  assert.equal(full.enabled, false);
  const list = await api(base, 'GET', `/api/v1/campaigns/${c.id}/policies`);
  assert.deepEqual(list.json.items.map((x) => x.id), [full.id, p.id], 'lane 0 before lane 2');

  const u = await api(base, 'PATCH', `/api/v1/policies/${full.id}`, {
    token: op, body: { conditions: { industries: [], min_quantity: 5 }, limits: { budget: 0 }, effect: { kind: 'amount_off', value: 10000 }, enabled: true },
  });
  assert.equal(u.status, 200, u.text);
  assert.deepEqual(u.json.conditions, { ...full.conditions, industries: [], min_quantity: 5 });
  assert.deepEqual(u.json.limits, { per_org: 1, total: 100, budget: 0 });
  assert.deepEqual(u.json.effect, { kind: 'amount_off', value: 10000 });
  assert.equal(u.json.enabled, true);
  assert.deepEqual(u.json.name, full.name);
  assert.deepEqual((await api(base, 'GET', `/api/v1/policies/${full.id}`)).json, u.json);
  // A change is checked as the policy will be: percent_off needs 1..10000 bp,
  // and a pack_price policy cannot lose its packs.
  assertFieldErrors(await api(base, 'PATCH', `/api/v1/policies/${full.id}`, { token: op, body: { effect: { kind: 'percent_off', value: 10001 } } }),
    422, 'validation', ['effect.value'], { exact: true });
  assertFieldErrors(await api(base, 'PATCH', `/api/v1/policies/${p.id}`, { token: op, body: { conditions: { packs: [] } } }),
    422, 'validation', ['conditions.packs'], { exact: true });
  assert.deepEqual((await api(base, 'GET', `/api/v1/policies/${p.id}`)).json, p);
});

test('bad campaigns get every field named', async () => {
  const r = await api(base, 'POST', '/api/v1/campaigns', {
    token: op,
    body: {
      name: { zh: '', en: 'x'.repeat(201) }, description: { zh: 'ok', en: 'y'.repeat(2001) },
      starts_at: '2021-10-15 00:00', ends_at: '2021-13-01T00:00:00Z', time_zone: 'Asia Shanghai',
      regions: ['cn-north-4', 'cn-north-4'], industries: ['gaming', 'farming'], sizes: ['huge'],
      new_customer_only: 'no', color: 'red',
    },
  });
  assertFieldErrors(r, 422, 'validation', [
    'name.zh', 'name.en', 'description.en', 'starts_at', 'ends_at', 'time_zone', 'regions[1]',
    'industries[1]', 'sizes[0]', 'new_customer_only', 'color',
  ], { exact: true });
  const missing = await api(base, 'POST', '/api/v1/campaigns', { token: op, body: {} });
  assertFieldErrors(missing, 422, 'validation', ['name', 'starts_at', 'ends_at'], { exact: true });
  const order = await api(base, 'POST', '/api/v1/campaigns', {
    token: op, body: campaignBody({ starts_at: '2021-11-15T00:00:00+08:00', ends_at: '2021-11-15T00:00:00+08:00' }),
  });
  assertFieldErrors(order, 422, 'validation', ['ends_at'], { exact: true, message: 'must be after starts_at' });
  const region = await api(base, 'POST', '/api/v1/campaigns', { token: op, body: campaignBody({ regions: ['cn-north-4', 'mars-1'] }) });
  assertFieldErrors(region, 422, 'validation', ['regions[1]'], { exact: true, message: 'is not a known region' });
  assertProblem(await api(base, 'POST', '/api/v1/campaigns', { token: op, raw: '{"name":', headers: { 'content-type': 'application/json' } }), 400, 'bad-json');
});

test('bad policies get every field named, unknown products, packs and regions included', async () => {
  const c = await createCampaign();
  const path = `/api/v1/campaigns/${c.id}/policies`;
  const r = await api(base, 'POST', path, {
    token: op,
    body: {
      name: name('Bad'), lane: 10,
      conditions: {
        categories: ['compute', 'toys'], billing_modes: ['weekly'], order_types: ['new', 'new'],
        industries: ['farming'], min_quantity: -1, min_order_amount: 1e12 + 1, colour: 1,
      },
      effect: { kind: 'half_off', value: 1 }, limits: { per_org: -1, budget: 1e12 + 1 },
    },
  });
  assertFieldErrors(r, 422, 'validation', [
    'lane', 'conditions.categories[1]', 'conditions.billing_modes[0]', 'conditions.order_types[1]',
    'conditions.industries[0]', 'conditions.min_quantity', 'conditions.min_order_amount', 'conditions.colour',
    'effect.kind', 'limits.per_org', 'limits.budget',
  ], { exact: true });
  assertFieldErrors(await api(base, 'POST', path, { token: op, body: {} }), 422, 'validation', ['name', 'effect'], { exact: true });
  const rows = await api(base, 'POST', path, {
    token: op, body: policyBody({ conditions: { products: ['ecs.none'], packs: [pack, 'pck_nope'], regions: ['mars-1'] } }),
  });
  assertFieldErrors(rows, 422, 'validation', ['conditions.products[0]', 'conditions.packs[1]', 'conditions.regions[0]'], { exact: true });
  for (const [effect, field] of [
    [{ kind: 'percent_off', value: 0 }, 'effect.value'],
    [{ kind: 'amount_off', value: -5 }, 'effect.value'],
    [{ kind: 'free_units', value: 1e10 + 1 }, 'effect.value'],
    [{ kind: 'pack_price', value: 100 }, 'conditions.packs'],
    [{ kind: 'amount_off' }, 'effect.value'],
  ]) {
    const e = await api(base, 'POST', path, { token: op, body: policyBody({ effect }) });
    assertFieldErrors(e, 422, 'validation', [field], { exact: true });
  }
  // Nothing of the above was stored.
  assert.deepEqual((await api(base, 'GET', path)).json.items, []);
});

test('writes are for operators: 401 without a token, 403 for an enterprise', async () => {
  const c = await createCampaign();
  const p = await createPolicy(c.id);
  const writes = [
    ['POST', '/api/v1/campaigns', campaignBody()],
    ['PATCH', `/api/v1/campaigns/${c.id}`, { published: false }],
    ['POST', `/api/v1/campaigns/${c.id}/policies`, policyBody()],
    ['PATCH', `/api/v1/policies/${p.id}`, { enabled: false }],
  ];
  for (const [method, path, body] of writes) {
    assertProblem(await api(base, method, path, { body }), 401, 'unauthenticated', `${method} ${path}`);
    assertProblem(await api(base, method, path, { token: ent, body }), 403, 'forbidden', `${method} ${path}`);
  }
  assert.deepEqual((await api(base, 'GET', `/api/v1/campaigns/${c.id}`)).json, c);
  assert.deepEqual((await api(base, 'GET', `/api/v1/policies/${p.id}`)).json, p);
});

test('unknown campaigns and policies are 404', async () => {
  const cmp = 'cmp_aaaaaaaaaaaaaaaaaaaaaaaaaa';
  const pol = 'pol_aaaaaaaaaaaaaaaaaaaaaaaaaa';
  assertProblem(await api(base, 'GET', `/api/v1/campaigns/${cmp}`, { token: op }), 404, 'not-found');
  assertProblem(await api(base, 'GET', `/api/v1/campaigns/${cmp}/policies`, { token: op }), 404, 'not-found');
  assertProblem(await api(base, 'PATCH', `/api/v1/campaigns/${cmp}`, { token: op, body: { published: true } }), 404, 'not-found');
  assertProblem(await api(base, 'POST', `/api/v1/campaigns/${cmp}/policies`, { token: op, body: policyBody() }), 404, 'not-found');
  assertProblem(await api(base, 'GET', `/api/v1/policies/${pol}`, { token: op }), 404, 'not-found');
  assertProblem(await api(base, 'PATCH', `/api/v1/policies/${pol}`, { token: op, body: { enabled: false } }), 404, 'not-found');
});
