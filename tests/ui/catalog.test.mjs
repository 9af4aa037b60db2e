// Browser tests of the catalog and its set-up: an operator adds a region and
// a priced product through the UI (with a price error shown beside its
// input), creates a campaign and a policy through the UI; everyone sees the
// catalog grouped by category with prices per region, in English and Chinese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, addUser, apiClient } from './lib/server.mjs';
import { launch, newPage, uniqueEmail, tid, login, waitText, textOf } from './lib/browser.mjs';

let server;
let browser;
let opToken;
const operator = { role: 'operator', email: uniqueEmail('operator'), name: 'Olivia Ops', password: 'operator pass 1' };
const ent = { email: uniqueEmail('ent'), password: 'enterprise pass 1', name: 'Erin Ent' };

const { api, created } = apiClient(() => server, () => opToken);

before(async () => {
  const { db, dir } = await freshDb();
  await addUser(db, operator);
  server = await startServer({ db, dir });
  opToken = (await api('POST', '/session', { email: operator.email, password: operator.password }, null)).body.token;
  await created('POST', '/regions', { code: 'cn-north-4', name: { zh: '华北-北京四', en: 'CN North-Beijing4' }, area: 'domestic' });
  await created('POST', '/products', {
    code: 'ecs.general', name: { zh: '通用计算型云服务器', en: 'General-purpose ECS' }, category: 'compute', unit: { zh: '台', en: 'instance' },
    billing_modes: ['on_demand', 'monthly', 'yearly'],
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
      { region: 'cn-north-4', billing_mode: 'yearly', unit_price: 304980 },
      { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 50 }],
  });
  await created('POST', '/products', {
    code: 'rds.mysql', name: { zh: '云数据库 MySQL', en: 'RDS for MySQL' }, category: 'database', unit: { zh: '个', en: 'instance' },
    billing_modes: ['monthly'], prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 123456 }],
  });
  await created('POST', '/packs', {
    code: 'ecommerce-promo', industry: 'ecommerce', scenario: { zh: '大促备战', en: 'Big-sale readiness' },
    name: { zh: '大促备战包', en: 'Big-sale pack' }, description: { zh: '', en: '' },
    items: [{ product: 'ecs.general', billing_mode: 'monthly', quantity: 4, months: 1 },
      { product: 'rds.mysql', billing_mode: 'monthly', quantity: 1, months: 1 }],
    discount_bp: 2000,
  });
  const org = await api('POST', '/orgs', {
    name: 'Shop Co', kind: 'enterprise', industry: 'ecommerce', size: 'medium', region: 'cn-north-4',
    admin: { email: ent.email, password: ent.password, name: ent.name },
  }, null);
  assert.equal(org.status, 201, JSON.stringify(org.body));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signIn(who, locale = 'en-US') {
  const p = await newPage(browser, { locale });
  await p.page.goto(server.url);
  await p.page.waitForSelector(tid('login-form'));
  await login(p.page, who.email, who.password);
  await p.page.waitForSelector(tid('user-card'));
  return p;
}

const row = (code) => `${tid('product-row')}[data-code="${code}"]`;

test('the catalog groups products by category with list prices, and packs by industry', async () => {
  const { context, page, errors } = await signIn(ent);
  try {
    await page.click(tid('nav-catalog'));
    await page.waitForSelector(tid('category-compute'));
    await page.waitForSelector(tid('category-database'));
    assert.equal(await page.inputValue(tid('catalog-region')), 'cn-north-4');
    assert.equal(await textOf(page, `${row('ecs.general')} ${tid('price-monthly')}`), '¥299.00');
    assert.equal(await textOf(page, `${row('ecs.general')} ${tid('price-yearly')}`), '¥3,049.80');
    assert.equal(await textOf(page, `${row('rds.mysql')} ${tid('price-monthly')}`), '¥1,234.56');
    assert.equal(await textOf(page, `${row('rds.mysql')} ${tid('price-yearly')}`), '—');
    assert.equal(await textOf(page, `${row('rds.mysql')} ${tid('product-unit')}`), 'instance');
    // 4 × 299 + 1234.56 = 2430.56, 20 % off = 1944.45 (half-up).
    const pack = page.locator(`${tid('packs-ecommerce')} ${tid('pack')}`);
    assert.match(await pack.textContent(), /Big-sale pack/);
    assert.match(await pack.textContent(), /20% off the items/);
    assert.match(await pack.locator(tid('pack-price')).textContent(), /¥2,430\.56\s*¥1,944\.45/);

    await page.selectOption(tid('catalog-category'), 'database');
    await page.waitForSelector(tid('category-compute'), { state: 'detached' });
    assert.equal(await page.locator(tid('product-row')).count(), 1);
    await page.screenshot({ path: '/tmp/ui-catalog.png', fullPage: true });

    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await waitText(page, tid('page-title'), '产品目录');
    await waitText(page, tid('category-database'), '数据库');
    assert.match(await page.locator(tid('category-database')).textContent(), /云数据库 MySQL/);
    assert.equal(await textOf(page, `${row('rds.mysql')} ${tid('product-unit')}`), '个', 'the unit in the language chosen');
    assert.equal(await page.inputValue(tid('catalog-category')), 'database');
    assert.match(await page.locator(tid('packs')).textContent(), /大促备战包/);

    // A pack sold in the region is quoted there from its card.
    await page.click(`${tid('packs-ecommerce')} ${tid('quote-pack')}`);
    await page.waitForSelector(tid('quote-form'));
    assert.equal(await page.inputValue(tid('input-region')), 'cn-north-4');
    assert.equal(await page.inputValue(tid('input-lines[0].kind')), 'pack');
    await page.click(tid('quote-submit'));
    await page.waitForSelector(tid('quote-result'));
    assert.equal(await textOf(page, tid('total-final')), '¥1,944.45');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an operator adds a region and a priced product through the set-up page', async () => {
  const { context, page, errors } = await signIn(operator);
  try {
    assert.equal(await page.isVisible(tid('nav-offers')), false);
    await page.click(tid('nav-setup'));
    const region = page.locator(tid('region-form'));
    await region.waitFor();
    await region.locator(tid('input-code')).fill('ap-southeast-1');
    await region.locator(tid('input-area')).selectOption('overseas');
    await region.locator(tid('input-name.zh')).fill('亚太-新加坡');
    await region.locator(tid('input-name.en')).fill('AP-Singapore');
    await page.click(tid('region-submit'));
    await waitText(page, tid('notice'), 'AP-Singapore');
    await waitText(page, tid('regions-table'), 'ap-southeast-1');

    const form = page.locator(tid('product-form'));
    await form.locator(tid('input-code')).fill('cdn.traffic');
    await form.locator(tid('input-category')).selectOption('cdn');
    await form.locator(tid('input-name.zh')).fill('内容分发网络');
    await form.locator(tid('input-name.en')).fill('CDN traffic');
    await form.locator(tid('input-unit.zh')).fill('TB');
    await form.locator(tid('input-unit.en')).fill('TB');
    await page.click(tid('prices-add'));
    await page.click(tid('prices-add'));
    await form.locator(tid('input-prices[0].region')).selectOption('ap-southeast-1');
    await form.locator(tid('input-prices[0].unit_price')).fill('150.5');
    await form.locator(tid('input-prices[1].region')).selectOption('ap-southeast-1');
    await form.locator(tid('input-prices[1].unit_price')).fill('1.5');
    await page.click(tid('product-submit'));
    // The same region and billing mode twice: the error shows on the second price row.
    await textOf(page, tid('error-prices[1]'));
    await page.screenshot({ path: '/tmp/ui-setup-error.png', fullPage: true });
    await page.click(tid('prices-remove') + ' >> nth=1');
    await page.click(tid('product-submit'));
    await waitText(page, tid('notice'), 'CDN traffic');
    await waitText(page, tid('products-table'), 'cdn.traffic');

    await page.click(tid('nav-catalog'));
    await page.waitForSelector(tid('catalog-region'));
    await page.selectOption(tid('catalog-region'), 'ap-southeast-1');
    assert.equal(await textOf(page, `${row('cdn.traffic')} ${tid('price-monthly')}`), '¥150.50');
    assert.equal(await page.locator(row('ecs.general')).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an operator creates a campaign and a policy through the UI', async () => {
  const { context, page, errors } = await signIn(operator);
  try {
    await page.click(tid('nav-campaigns'));
    await page.click(tid('new-campaign'));
    const form = page.locator(tid('campaign-form'));
    await form.waitFor();
    await form.locator(tid('input-name.zh')).fill('游戏专属月');
    await form.locator(tid('input-name.en')).fill('Gaming Month');
    // Ends before it starts: the server's error appears beside a window input.
    await form.locator(tid('input-starts_at')).fill('2031-10-15T00:00');
    await form.locator(tid('input-ends_at')).fill('2031-10-01T00:00');
    await form.locator(tid('input-time_zone')).selectOption('Asia/Shanghai');
    await page.check(tid('choice-industries-gaming'));
    await page.check(`${tid('campaign-form')} ${tid('input-published')}`);
    await page.click(tid('campaign-submit'));
    await page.locator(`${tid('campaign-form')} .field.invalid`).first().waitFor();
    assert.match(await page.locator(`${tid('campaign-form')} .field.invalid`).first().getAttribute('data-field'), /^(starts_at|ends_at)$/);

    await form.locator(tid('input-ends_at')).fill('2031-11-15T00:00');
    await page.click(tid('campaign-submit'));
    await waitText(page, tid('flash'), 'Gaming Month');
    await waitText(page, tid('campaign-status'), 'Scheduled');
    const id = page.url().split('/').pop();
    const c = await api('GET', `/campaigns/${id}`);
    assert.equal(c.status, 200);
    assert.equal(Date.parse(c.body.starts_at), Date.parse('2031-10-15T00:00:00+08:00'));
    assert.deepEqual(c.body.industries, ['gaming']);

    const pf = page.locator(tid('policy-form'));
    await pf.locator(tid('input-name.zh')).fill('八五折');
    await pf.locator(tid('input-name.en')).fill('15% off compute');
    await pf.locator(tid('input-effect.kind')).selectOption('percent_off');
    await pf.locator(tid('input-effect.value')).fill('15');
    await page.check(tid('choice-conditions.categories-compute'));
    await pf.locator(tid('input-limits.budget')).fill('50000');
    await page.click(tid('policy-submit'));
    await waitText(page, tid('policy-row'), '15% off compute');
    assert.equal(await textOf(page, `${tid('policy-row')} ${tid('policy-effect')}`), '15% off');
    const pols = await api('GET', `/campaigns/${id}/policies`);
    assert.equal(pols.body.items[0].effect.value, 1500);
    assert.equal(pols.body.items[0].limits.budget, 5000000);

    // Edit it into a fixed amount off.
    await page.click(tid('edit-policy'));
    const ef = page.locator(tid('policy-form'));
    await ef.locator(tid('input-effect.kind')).selectOption('amount_off');
    await ef.locator(tid('input-effect.value')).fill('100');
    await page.click(tid('policy-submit'));
    await waitText(page, `${tid('policy-row')} ${tid('policy-effect')}`, '¥100.00 off');
    await page.screenshot({ path: '/tmp/ui-campaign.png', fullPage: true });

    await page.click(tid('nav-campaigns'));
    await waitText(page, `${tid('campaigns-table')} ${tid('row')}`, 'Gaming Month');
    assert.match(await page.locator(`${tid('campaigns-table')} ${tid('row')}`).first().textContent(), /Scheduled/);
    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await waitText(page, `${tid('campaigns-table')} ${tid('row')}`, '游戏专属月');
    assert.match(await page.locator(`${tid('campaigns-table')} ${tid('row')}`).first().textContent(), /未开始/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
