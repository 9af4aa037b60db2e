// Catalog: regions, products with prices, scenario packs. Operators write,
// anyone reads; bad input gives field-level errors naming the JSON path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, operator, signup, assertProblem, assertFieldErrors,
} from './lib/server.mjs';

let srv;
let base;
let op; // operator token
let ent; // enterprise token

before(async () => {
  srv = await startServer();
  base = srv.url;
  op = (await operator(srv)).token;
  ent = (await signup(base)).token;
  for (const [code, en, area] of [['cn-north-4', 'CN North-Beijing4', 'domestic'],
    ['cn-east-3', 'CN East-Shanghai1', 'domestic'], ['ap-southeast-1', 'AP-Hong Kong', 'overseas']]) {
    const r = await api(base, 'POST', '/api/v1/regions', { token: op, body: { code, name: { zh: `区域 ${code}`, en }, area } });
    assert.equal(r.status, 201, r.text);
  }
});
after(async () => { if (srv) await srv.close(); });

const name = (en) => ({ zh: `中文 ${en}`, en });

function productBody(code, over = {}) {
  return {
    code,
    name: name(code),
    category: 'compute',
    unit: { zh: '台', en: 'instance' },
    billing_modes: ['monthly', 'yearly'],
    prices: [
      { region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
      { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 299000 },
    ],
    ...over,
  };
}

async function createProduct(code, over = {}) {
  const r = await api(base, 'POST', '/api/v1/products', { token: op, body: productBody(code, over) });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

function packBody(code, over = {}) {
  return {
    code,
    industry: 'ecommerce',
    scenario: { zh: '大促备战', en: 'Big-sale readiness' },
    name: name(code),
    description: { zh: '说明', en: 'About' },
    items: [{ product: 'pk.ecs', billing_mode: 'monthly', quantity: 4, months: 1 }],
    price: 99900,
    ...over,
  };
}

test('regions: operator creates, anyone lists in code order, PATCH changes name and area', async () => {
  const list = await api(base, 'GET', '/api/v1/regions');
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.next, null);
  const codes = list.json.items.map((g) => g.code);
  assert.deepEqual(codes, [...codes].sort());
  const hk = list.json.items.find((g) => g.code === 'ap-southeast-1');
  assert.deepEqual(hk, { code: 'ap-southeast-1', name: { zh: '区域 ap-southeast-1', en: 'AP-Hong Kong' }, area: 'overseas' });

  const c = await api(base, 'POST', '/api/v1/regions', { token: op, body: { code: 'la-south-2', name: name('LA'), area: 'overseas' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.headers.get('location'), '/api/v1/regions/la-south-2');
  const p = await api(base, 'PATCH', '/api/v1/regions/la-south-2', { token: op, body: { area: 'domestic' } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(p.json, { code: 'la-south-2', name: name('LA'), area: 'domestic' });
  const p2 = await api(base, 'PATCH', '/api/v1/regions/la-south-2', { token: op, body: { name: { zh: '拉美', en: 'LatAm' } } });
  assert.deepEqual(p2.json, { code: 'la-south-2', name: { zh: '拉美', en: 'LatAm' }, area: 'domestic' });
});

test('regions: duplicate code 409, bad fields 422, unknown code 404, enterprise 403', async () => {
  const dup = await api(base, 'POST', '/api/v1/regions', { token: op, body: { code: 'cn-north-4', name: name('x'), area: 'domestic' } });
  assertFieldErrors(dup, 409, 'conflict', ['code']);
  const bad = await api(base, 'POST', '/api/v1/regions', { token: op, body: { code: 'Bad Code', name: { zh: '' }, area: 'moon', extra: 1 } });
  assertFieldErrors(bad, 422, 'validation', ['code', 'name.zh', 'name.en', 'area', 'extra'], { exact: true });
  const missing = await api(base, 'POST', '/api/v1/regions', { token: op, body: {} });
  assertFieldErrors(missing, 422, 'validation', ['code', 'name', 'area'], { exact: true, message: 'is required' });
  const types = await api(base, 'POST', '/api/v1/regions', { token: op, body: { code: 7, name: 'x', area: true } });
  assertFieldErrors(types, 422, 'validation', ['code', 'name', 'area'], { exact: true });
  assert.equal(types.json.errors.find((e) => e.field === 'name').message, 'must be an object');
  const rename = await api(base, 'PATCH', '/api/v1/regions/cn-north-4', { token: op, body: { code: 'cn-north-5' } });
  assertFieldErrors(rename, 422, 'validation', ['code'], { message: 'cannot be changed' });
  const nf = await api(base, 'PATCH', '/api/v1/regions/nowhere-1', { token: op, body: { area: 'domestic' } });
  assertProblem(nf, 404, 'not-found');
  const forbidden = await api(base, 'POST', '/api/v1/regions', { token: ent, body: { code: 'xx-1', name: name('x'), area: 'domestic' } });
  assertProblem(forbidden, 403, 'forbidden');
  const anon = await api(base, 'POST', '/api/v1/regions', { body: { code: 'xx-1', name: name('x'), area: 'domestic' } });
  assertProblem(anon, 401, 'unauthenticated');
  const arr = await api(base, 'POST', '/api/v1/regions', { token: op, body: [] });
  assertFieldErrors(arr, 422, 'validation', ['body']);
});

test('products: create, get, the shape of docs/api.md; public read', async () => {
  const p = await createProduct('ecs.general', {
    billing_modes: ['yearly', 'on_demand', 'monthly'],
    prices: [
      { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 299000 },
      { region: 'ap-southeast-1', billing_mode: 'monthly', unit_price: 35900 },
      { region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
      { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 0 },
    ],
  });
  assert.deepEqual(p, {
    code: 'ecs.general', name: name('ecs.general'), category: 'compute', unit: { zh: '台', en: 'instance' },
    billing_modes: ['on_demand', 'monthly', 'yearly'],
    prices: [
      { region: 'ap-southeast-1', billing_mode: 'monthly', unit_price: 35900 },
      { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 0 },
      { region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
      { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 299000 },
    ],
  });
  const g = await api(base, 'GET', '/api/v1/products/ecs.general');
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, p);
  const byEnt = await api(base, 'GET', '/api/v1/products/ecs.general', { token: ent });
  assert.deepEqual(byEnt.json, p);
  const noPrices = await createProduct('obs.standard', { category: 'storage', unit: { zh: 'GB', en: 'GB' }, billing_modes: ['on_demand'], prices: undefined });
  assert.deepEqual(noPrices.prices, []);
  assertProblem(await api(base, 'GET', '/api/v1/products/no.such'), 404, 'not-found');
});

test('products: unknown region 422 on prices[i].region, duplicate 409, bad prices, enterprise 403', async () => {
  const r = await api(base, 'POST', '/api/v1/products', {
    token: op,
    body: productBody('p.badregion', { prices: [
      { region: 'cn-north-4', billing_mode: 'monthly', unit_price: 1 },
      { region: 'mars-1', billing_mode: 'yearly', unit_price: 1 }] }),
  });
  assertFieldErrors(r, 422, 'validation', ['prices[1].region'], { exact: true, message: 'is not a known region' });
  const first = await api(base, 'POST', '/api/v1/products', {
    token: op, body: productBody('p.first', { prices: [{ region: 'nowhere-9', billing_mode: 'monthly', unit_price: 1 }] }),
  });
  assertFieldErrors(first, 422, 'validation', ['prices[0].region'], { exact: true });

  await createProduct('p.dup');
  assertFieldErrors(await api(base, 'POST', '/api/v1/products', { token: op, body: productBody('p.dup') }), 409, 'conflict', ['code']);

  const bad = await api(base, 'POST', '/api/v1/products', {
    token: op,
    body: productBody('p.bad', {
      category: 'toys', unit: { zh: '', en: 'x'.repeat(21) }, billing_modes: ['monthly', 'monthly', 'weekly'],
      prices: [
        { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 1 },
        { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: -1 },
        { region: 'cn-north-4', billing_mode: 'monthly', unit_price: 1000000001 },
        { region: 'cn-north-4', billing_mode: 'monthly', unit_price: '5', extra: true },
        'x',
      ],
    }),
  });
  assertFieldErrors(bad, 422, 'validation', [
    'category', 'unit.zh', 'unit.en', 'billing_modes[1]', 'billing_modes[2]', 'prices[1]', 'prices[1].unit_price',
    'prices[2].unit_price', 'prices[3].unit_price', 'prices[3].extra', 'prices[4]',
  ]);
  // A unit is a text in both languages, as a name is.
  const oneLanguage = await api(base, 'POST', '/api/v1/products', { token: op, body: productBody('p.unit', { unit: 'instance' }) });
  assertFieldErrors(oneLanguage, 422, 'validation', ['unit'], { exact: true });
  const modeNotOffered = await api(base, 'POST', '/api/v1/products', {
    token: op, body: productBody('p.mode', { billing_modes: ['monthly'], prices: [{ region: 'cn-north-4', billing_mode: 'yearly', unit_price: 1 }] }),
  });
  assertFieldErrors(modeNotOffered, 422, 'validation', ['prices[0].billing_mode'], { exact: true });
  const missing = await api(base, 'POST', '/api/v1/products', { token: op, body: { prices: 'x' } });
  assertFieldErrors(missing, 422, 'validation', ['code', 'name', 'category', 'unit', 'billing_modes', 'prices'], { exact: true });
  const empty = await api(base, 'POST', '/api/v1/products', { token: op, body: productBody('p.empty', { billing_modes: [], prices: [] }) });
  assertFieldErrors(empty, 422, 'validation', ['billing_modes'], { exact: true, message: 'must not be empty' });
  const longCode = await api(base, 'POST', '/api/v1/products', { token: op, body: productBody('x'.repeat(65)) });
  assertFieldErrors(longCode, 422, 'validation', ['code'], { exact: true });
  const forbidden = await api(base, 'POST', '/api/v1/products', { token: ent, body: productBody('p.ent') });
  assertProblem(forbidden, 403, 'forbidden');
  assertProblem(await api(base, 'PATCH', '/api/v1/products/p.dup', { token: ent, body: { unit: 'x' } }), 403, 'forbidden');
});

test('products: PATCH replaces prices, keeps what is not sent, guards billing modes', async () => {
  await createProduct('rds.mysql', { category: 'database' });
  const r = await api(base, 'PATCH', '/api/v1/products/rds.mysql', {
    token: op, body: { prices: [{ region: 'cn-east-3', billing_mode: 'monthly', unit_price: 50000 }] },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.prices, [{ region: 'cn-east-3', billing_mode: 'monthly', unit_price: 50000 }]);
  assert.equal(r.json.category, 'database');
  assert.deepEqual(r.json.billing_modes, ['monthly', 'yearly']);

  const n = await api(base, 'PATCH', '/api/v1/products/rds.mysql', { token: op, body: { name: { zh: '云数据库', en: 'RDS for MySQL' }, unit: { zh: '节点', en: 'node' } } });
  assert.equal(n.status, 200, n.text);
  assert.deepEqual(n.json.name, { zh: '云数据库', en: 'RDS for MySQL' });
  assert.deepEqual(n.json.unit, { zh: '节点', en: 'node' });
  assert.equal(n.json.prices.length, 1);

  // Dropping monthly while a price still uses it.
  const strand = await api(base, 'PATCH', '/api/v1/products/rds.mysql', { token: op, body: { billing_modes: ['yearly'] } });
  assertFieldErrors(strand, 422, 'validation', ['billing_modes'], { exact: true });
  // A price in a mode the product does not have.
  const wrongMode = await api(base, 'PATCH', '/api/v1/products/rds.mysql', {
    token: op, body: { prices: [{ region: 'cn-east-3', billing_mode: 'on_demand', unit_price: 1 }] },
  });
  assertFieldErrors(wrongMode, 422, 'validation', ['prices[0].billing_mode'], { exact: true });
  // Both at once is fine.
  const both = await api(base, 'PATCH', '/api/v1/products/rds.mysql', {
    token: op, body: { billing_modes: ['on_demand'], prices: [{ region: 'cn-east-3', billing_mode: 'on_demand', unit_price: 12 }] },
  });
  assert.equal(both.status, 200, both.text);
  assert.deepEqual(both.json.billing_modes, ['on_demand']);
  const unknown = await api(base, 'PATCH', '/api/v1/products/rds.mysql', {
    token: op, body: { prices: [{ region: 'nowhere-1', billing_mode: 'on_demand', unit_price: 1 }] },
  });
  assertFieldErrors(unknown, 422, 'validation', ['prices[0].region'], { exact: true });
  const rename = await api(base, 'PATCH', '/api/v1/products/rds.mysql', { token: op, body: { code: 'rds.pg' } });
  assertFieldErrors(rename, 422, 'validation', ['code'], { message: 'cannot be changed' });
  const get = await api(base, 'GET', '/api/v1/products/rds.mysql');
  assert.deepEqual(get.json, both.json);
  assertProblem(await api(base, 'PATCH', '/api/v1/products/no.such', { token: op, body: { unit: { zh: '个', en: 'x' } } }), 404, 'not-found');
});

test('products: pages by code, filters by category and region, bad parameters 400', async () => {
  for (const code of ['pg.a1', 'pg.a2', 'pg.a3', 'pg.a4', 'pg.a5']) {
    await createProduct(code, {
      category: 'ai',
      prices: code === 'pg.a2' || code === 'pg.a5'
        ? [{ region: 'ap-southeast-1', billing_mode: 'monthly', unit_price: 7 }] : [],
    });
  }
  const seen = [];
  let after = null;
  for (let i = 0; i < 10; i++) {
    const q = `/api/v1/products?category=ai&limit=2${after ? `&after=${after}` : ''}`;
    const r = await api(base, 'GET', q);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= 2);
    seen.push(...r.json.items.map((p) => p.code));
    after = r.json.next;
    if (!after) break;
    assert.equal(after, r.json.items.at(-1).code);
  }
  assert.deepEqual(seen, ['pg.a1', 'pg.a2', 'pg.a3', 'pg.a4', 'pg.a5']);

  const all = await api(base, 'GET', '/api/v1/products?limit=100');
  const codes = all.json.items.map((p) => p.code);
  assert.deepEqual(codes, [...codes].sort());
  assert.ok(codes.includes('ecs.general') && codes.includes('pg.a3'));

  const hk = await api(base, 'GET', '/api/v1/products?region=ap-southeast-1&category=ai');
  assert.deepEqual(hk.json.items.map((p) => p.code), ['pg.a2', 'pg.a5']);
  assert.deepEqual(hk.json.items[0].prices, [{ region: 'ap-southeast-1', billing_mode: 'monthly', unit_price: 7 }]);
  const hkAll = await api(base, 'GET', '/api/v1/products?region=ap-southeast-1');
  assert.ok(hkAll.json.items.some((p) => p.code === 'ecs.general'));
  assert.ok(!hkAll.json.items.some((p) => p.code === 'pg.a1'));
  const none = await api(base, 'GET', '/api/v1/products?category=cdn');
  assert.deepEqual(none.json, { items: [], next: null });

  assertFieldErrors(await api(base, 'GET', '/api/v1/products?category=toys'), 400, 'bad-request', ['category']);
  assertFieldErrors(await api(base, 'GET', '/api/v1/products?region=mars-1'), 400, 'bad-request', ['region']);
  assertFieldErrors(await api(base, 'GET', '/api/v1/products?after=no.such'), 400, 'bad-request', ['after']);
  assertFieldErrors(await api(base, 'GET', '/api/v1/products?after=%20'), 400, 'bad-request', ['after']);
  for (const l of ['0', '101', 'x', '-1']) {
    assertFieldErrors(await api(base, 'GET', `/api/v1/products?limit=${l}`), 400, 'bad-request', ['limit']);
  }
});

test('packs: create, get, list by industry; the shape of docs/api.md', async () => {
  await createProduct('pk.ecs');
  await createProduct('pk.cdn', { category: 'cdn', unit: { zh: 'GB', en: 'GB' }, billing_modes: ['on_demand', 'yearly'], prices: [] });
  const r = await api(base, 'POST', '/api/v1/packs', {
    token: op,
    body: packBody('ecommerce-promo', {
      items: [
        { product: 'pk.ecs', billing_mode: 'monthly', quantity: 4, months: 1 },
        { product: 'pk.cdn', billing_mode: 'yearly', quantity: 1000, months: 24 },
      ],
    }),
  });
  assert.equal(r.status, 201, r.text);
  const p = r.json;
  assert.match(p.id, /^pck_[0-9a-z]+$/);
  assert.equal(r.headers.get('location'), `/api/v1/packs/${p.id}`);
  assert.deepEqual(p, {
    id: p.id, code: 'ecommerce-promo', industry: 'ecommerce',
    scenario: { zh: '大促备战', en: 'Big-sale readiness' }, name: name('ecommerce-promo'),
    description: { zh: '说明', en: 'About' },
    items: [
      { product: 'pk.ecs', billing_mode: 'monthly', quantity: 4, months: 1 },
      { product: 'pk.cdn', billing_mode: 'yearly', quantity: 1000, months: 24 },
    ],
    price: 99900, discount_bp: null,
  });
  const g = await api(base, 'GET', `/api/v1/packs/${p.id}`);
  assert.equal(g.status, 200, g.text);
  assert.deepEqual(g.json, p);

  const o = await api(base, 'POST', '/api/v1/packs', {
    token: op, body: packBody('go-global', { industry: 'overseas', price: null, discount_bp: 2000, description: undefined }),
  });
  assert.equal(o.status, 201, o.text);
  assert.equal(o.json.price, null);
  assert.equal(o.json.discount_bp, 2000);
  assert.deepEqual(o.json.description, { zh: '', en: '' });

  const all = await api(base, 'GET', '/api/v1/packs');
  assert.equal(all.status, 200);
  assert.equal(all.json.next, null);
  const codes = all.json.items.map((x) => x.code);
  assert.deepEqual(codes, [...codes].sort());
  assert.ok(codes.includes('ecommerce-promo') && codes.includes('go-global'));
  assert.deepEqual(all.json.items.find((x) => x.id === p.id), p);
  const overseas = await api(base, 'GET', '/api/v1/packs?industry=overseas', { token: ent });
  assert.deepEqual(overseas.json.items.map((x) => x.code), ['go-global']);
  const gaming = await api(base, 'GET', '/api/v1/packs?industry=gaming');
  assert.deepEqual(gaming.json, { items: [], next: null });
  assertFieldErrors(await api(base, 'GET', '/api/v1/packs?industry=toys'), 400, 'bad-request', ['industry']);
  assertProblem(await api(base, 'GET', '/api/v1/packs/pck_nosuchpack'), 404, 'not-found');
});

test('packs: unknown product 422 on items[0].product, bad items and pricing, duplicate 409, 403', async () => {
  const unknown = await api(base, 'POST', '/api/v1/packs', {
    token: op, body: packBody('pk-unknown', { items: [{ product: 'no.such', billing_mode: 'monthly', quantity: 1, months: 1 }] }),
  });
  assertFieldErrors(unknown, 422, 'validation', ['items[0].product'], { exact: true, message: 'is not a known product' });
  const mode = await api(base, 'POST', '/api/v1/packs', {
    token: op, body: packBody('pk-mode', { items: [{ product: 'pk.ecs', billing_mode: 'on_demand', quantity: 1, months: 1 }] }),
  });
  assertFieldErrors(mode, 422, 'validation', ['items[0].billing_mode'], { exact: true });
  const bad = await api(base, 'POST', '/api/v1/packs', {
    token: op,
    body: packBody('pk-bad', {
      industry: 'toys',
      items: [
        { product: 'pk.ecs', billing_mode: 'yearly', quantity: 0, months: 18 },
        { product: 'pk.ecs', billing_mode: 'monthly', quantity: 100001, months: 61 },
        { product: 'pk.ecs', billing_mode: 'weekly', quantity: '1' },
      ],
      price: 1, discount_bp: 10001,
    }),
  });
  assertFieldErrors(bad, 422, 'validation', [
    'industry', 'items[0].quantity', 'items[0].months', 'items[1].quantity', 'items[1].months',
    'items[2].billing_mode', 'items[2].quantity', 'items[2].months', 'discount_bp',
  ], { exact: true });
  const noPricing = await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('pk-np', { price: undefined }) });
  assertFieldErrors(noPricing, 422, 'validation', ['price'], { exact: true });
  const bothNull = await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('pk-nn', { price: null, discount_bp: null }) });
  assertFieldErrors(bothNull, 422, 'validation', ['price'], { exact: true });
  const range = await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('pk-range', { price: 10000000001 }) });
  assertFieldErrors(range, 422, 'validation', ['price'], { exact: true });
  const noItems = await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('pk-ni', { items: [] }) });
  assertFieldErrors(noItems, 422, 'validation', ['items'], { exact: true, message: 'must not be empty' });
  const tooMany = await api(base, 'POST', '/api/v1/packs', {
    token: op, body: packBody('pk-tm', { items: Array.from({ length: 21 }, () => ({ product: 'pk.ecs', billing_mode: 'monthly', quantity: 1, months: 1 })) }),
  });
  assertFieldErrors(tooMany, 422, 'validation', ['items'], { exact: true });
  const missing = await api(base, 'POST', '/api/v1/packs', { token: op, body: { items: {}, surprise: 1 } });
  assertFieldErrors(missing, 422, 'validation', ['code', 'industry', 'scenario', 'name', 'items', 'price', 'surprise'], { exact: true });

  const ok = await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('pk-dup') });
  assert.equal(ok.status, 201, ok.text);
  assertFieldErrors(await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('pk-dup') }), 409, 'conflict', ['code']);
  assertProblem(await api(base, 'POST', '/api/v1/packs', { token: ent, body: packBody('pk-ent') }), 403, 'forbidden');
  assertProblem(await api(base, 'PATCH', `/api/v1/packs/${ok.json.id}`, { token: ent, body: { price: 1 } }), 403, 'forbidden');
});

test('packs: PATCH replaces items, switches pricing, keeps the rest; 404 for an unknown id', async () => {
  const c = await api(base, 'POST', '/api/v1/packs', { token: op, body: packBody('gaming-launch', { industry: 'gaming' }) });
  assert.equal(c.status, 201, c.text);
  const id = c.json.id;
  const items = [{ product: 'pk.cdn', billing_mode: 'on_demand', quantity: 500, months: 3 }];
  const r = await api(base, 'PATCH', `/api/v1/packs/${id}`, { token: op, body: { items, discount_bp: 1500 } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items, items);
  assert.equal(r.json.price, null);
  assert.equal(r.json.discount_bp, 1500);
  assert.equal(r.json.industry, 'gaming');
  assert.deepEqual(r.json.name, c.json.name);

  // Sending the answer's shape back (price null) is accepted.
  const back = await api(base, 'PATCH', `/api/v1/packs/${id}`, { token: op, body: { price: 5000, discount_bp: null, industry: 'mobility' } });
  assert.equal(back.status, 200, back.text);
  assert.equal(back.json.price, 5000);
  assert.equal(back.json.discount_bp, null);
  assert.equal(back.json.industry, 'mobility');
  assert.deepEqual(back.json.items, items);

  const both = await api(base, 'PATCH', `/api/v1/packs/${id}`, { token: op, body: { price: 1, discount_bp: 1 } });
  assertFieldErrors(both, 422, 'validation', ['discount_bp'], { exact: true });
  const nulls = await api(base, 'PATCH', `/api/v1/packs/${id}`, { token: op, body: { price: null } });
  assertFieldErrors(nulls, 422, 'validation', ['price'], { exact: true });
  const unknown = await api(base, 'PATCH', `/api/v1/packs/${id}`, {
    token: op, body: { items: [items[0], { product: 'no.such', billing_mode: 'monthly', quantity: 1, months: 1 }] },
  });
  assertFieldErrors(unknown, 422, 'validation', ['items[1].product'], { exact: true });
  const code = await api(base, 'PATCH', `/api/v1/packs/${id}`, { token: op, body: { code: 'other' } });
  assertFieldErrors(code, 422, 'validation', ['code'], { message: 'cannot be changed' });
  const g = await api(base, 'GET', `/api/v1/packs/${id}`);
  assert.deepEqual(g.json, back.json);
  assertProblem(await api(base, 'PATCH', '/api/v1/packs/pck_nosuchpack', { token: op, body: { price: 1 } }), 404, 'not-found');

  // A product's billing modes cannot drop a mode a pack item uses.
  const strand = await api(base, 'PATCH', '/api/v1/products/pk.cdn', { token: op, body: { billing_modes: ['yearly'] } });
  assertFieldErrors(strand, 422, 'validation', ['billing_modes'], { exact: true });
});
