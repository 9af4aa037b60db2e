// Browser tests of offers and quotes: an operator sets up a region, a
// product, a pack and two campaigns through the API; an enterprise (gaming)
// then sees the live campaign it is eligible for (and why the other does not
// apply), builds a quote in the UI with the campaign discount and totals
// and the offers that did not apply by name (one of an ended campaign too,
// which says so),
// gets a field error beside the right line input, and reads it in Chinese.
// The order it places is listed on its orders page and opens with the
// quote's lines; operators see it too, another org neither lists nor opens it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, addUser, apiClient } from './lib/server.mjs';
import { launch, newPage, uniqueEmail, tid, login, waitText, textOf } from './lib/browser.mjs';

let server;
let browser;
let opToken;
let gamingCampaign;
let gamingWindow;
let pack;
const operator = { role: 'operator', email: uniqueEmail('operator'), name: 'Olivia Ops', password: 'operator pass 1' };
const ent = { email: uniqueEmail('ent'), password: 'enterprise pass 1', name: 'Ethan Ent' };
const other = { email: uniqueEmail('other'), password: 'other pass 12', name: 'Olga Other' };
let orderId = null; // placed by the quote test

const { api, created } = apiClient(() => server, () => opToken);

const NO_COND = {
  regions: [], industries: [], sizes: [], new_customer_only: false, products: [], categories: [], packs: [],
  billing_modes: [], order_types: [], min_quantity: 0, min_line_amount: 0, min_order_amount: 0,
};
const NO_LIMITS = { per_org: 0, total: 0, budget: 0 };

before(async () => {
  const { db, dir } = await freshDb();
  await addUser(db, operator);
  server = await startServer({ db, dir });
  const s = await api('POST', '/session', { email: operator.email, password: operator.password }, null);
  assert.equal(s.status, 201);
  opToken = s.body.token;

  await created('POST', '/regions', { code: 'cn-north-4', name: { zh: '华北-北京四', en: 'CN North-Beijing4' }, area: 'domestic' });
  await created('POST', '/products', {
    code: 'ecs.general', name: { zh: '通用计算型云服务器', en: 'General-purpose ECS' }, category: 'compute', unit: { zh: '台', en: 'instance' },
    billing_modes: ['on_demand', 'monthly', 'yearly'],
    prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 29900 },
      { region: 'cn-north-4', billing_mode: 'on_demand', unit_price: 50 }],
  });
  await created('POST', '/products', {
    code: 'obs.standard', name: { zh: '对象存储', en: 'Object Storage' }, category: 'storage', unit: { zh: 'TB', en: 'TB' },
    billing_modes: ['monthly'], prices: [{ region: 'cn-north-4', billing_mode: 'monthly', unit_price: 9900 }],
  });
  pack = await created('POST', '/packs', {
    code: 'gaming-launch', industry: 'gaming', scenario: { zh: '游戏上线', en: 'Game launch' },
    name: { zh: '游戏上线包', en: 'Game launch pack' }, description: { zh: '', en: '' },
    items: [{ product: 'ecs.general', billing_mode: 'monthly', quantity: 2, months: 1 }], price: 49900,
  });
  const now = Date.now();
  const window = { starts_at: new Date(now - 86400e3).toISOString(), ends_at: new Date(now + 30 * 86400e3).toISOString(), time_zone: 'Asia/Shanghai' };
  gamingWindow = window;
  gamingCampaign = await created('POST', '/campaigns', {
    name: { zh: '游戏专属月', en: 'Gaming Exclusive Month' }, description: { zh: '游戏行业专属优惠', en: 'Offers for game studios' },
    ...window, regions: [], industries: ['gaming'], sizes: [], new_customer_only: false, published: true,
  });
  await created('POST', `/campaigns/${gamingCampaign.id}/policies`, {
    name: { zh: '云服务器八五折', en: '15% off ECS' }, lane: 0, conditions: { ...NO_COND, products: ['ecs.general'] },
    effect: { kind: 'percent_off', value: 1500 }, limits: { per_org: 5, total: 1000, budget: 0 }, enabled: true,
  });
  const retail = await created('POST', '/campaigns', {
    name: { zh: '电商大促', en: 'E-commerce Big Sale' }, description: { zh: '', en: '' },
    ...window, regions: [], industries: ['ecommerce'], sizes: [], new_customer_only: false, published: true,
  });
  await created('POST', `/campaigns/${retail.id}/policies`, {
    name: { zh: '直降一百', en: '¥100 off' }, lane: 1, conditions: NO_COND,
    effect: { kind: 'amount_off', value: 10000 }, limits: NO_LIMITS, enabled: true,
  });
  // Ended last month: no list of offers shows it, a quote still names it.
  const spring = await created('POST', '/campaigns', {
    name: { zh: '春季特惠', en: 'Spring Sale' }, description: { zh: '', en: '' },
    starts_at: new Date(now - 60 * 86400e3).toISOString(), ends_at: new Date(now - 30 * 86400e3).toISOString(),
    time_zone: 'Asia/Shanghai', regions: [], industries: [], sizes: [], new_customer_only: false, published: true,
  });
  await created('POST', `/campaigns/${spring.id}/policies`, {
    name: { zh: '春季九折', en: 'Spring 10% off' }, lane: 0, conditions: { ...NO_COND, products: ['ecs.general'] },
    effect: { kind: 'percent_off', value: 1000 }, limits: NO_LIMITS, enabled: true,
  });

  const org = await api('POST', '/orgs', {
    name: 'Pixel Forge', kind: 'enterprise', industry: 'gaming', size: 'small', region: 'cn-north-4',
    admin: { email: ent.email, password: ent.password, name: ent.name },
  }, null);
  assert.equal(org.status, 201, JSON.stringify(org.body));
  const org2 = await api('POST', '/orgs', {
    name: 'Other Shop', kind: 'enterprise', industry: 'ecommerce', size: 'small', region: 'cn-north-4',
    admin: { email: other.email, password: other.password, name: other.name },
  }, null);
  assert.equal(org2.status, 201, JSON.stringify(org2.body));
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(locale = 'en-US', who = ent, ready = 'org-card', timezoneId = undefined) {
  const p = await newPage(browser, { locale, timezoneId });
  await p.page.goto(server.url);
  await p.page.waitForSelector(tid('login-form'));
  await login(p.page, who.email, who.password);
  await p.page.waitForSelector(tid(ready));
  return p;
}

test('the offers page shows the live campaign, its policy in words and why another does not apply', async () => {
  const { context, page, errors } = await signedIn();
  try {
    assert.equal(await page.isVisible(tid('nav-campaigns')), false);
    await page.click(tid('nav-offers'));
    const live = page.locator(`${tid('offer-campaign')}[data-id="${gamingCampaign.id}"]`);
    await live.waitFor();
    assert.match(await live.textContent(), /Gaming Exclusive Month/);
    assert.match(await live.locator(tid('status-live')).textContent(), /Live/);
    assert.match(await live.locator('.offer-head').textContent(), /Eligible/);
    assert.equal((await live.locator(tid('effect')).first().textContent()).trim(), '15% off');
    // Who it is for and how far it goes, as the operator set them.
    assert.match(await live.textContent(), /Offers for game studios/);
    assert.match(await live.textContent(), /Industries: Gaming/);
    assert.match(await live.locator(tid('offer-policy')).first().textContent(), /5 per organization · 1,000 in all/);
    // What each policy needs, in words: the products it names, or any line.
    assert.equal(await live.locator(tid('offer-conditions')).first().textContent(), 'Products: General-purpose ECS');

    // The e-commerce campaign is listed as not eligible, with the reason in words.
    const other = page.locator(tid('offer-campaign')).filter({ hasText: 'E-commerce Big Sale' });
    assert.equal(await other.count(), 1);
    assert.match(await other.textContent(), /Not eligible/);
    assert.match(await other.locator(tid('reasons')).first().textContent(), /industry is not eligible/);
    assert.match(await other.textContent(), /¥100\.00 off/);
    assert.equal(await other.locator(tid('offer-conditions')).first().textContent(), 'Any line');
    await waitText(page, tid('offer-pack'), 'Game launch pack');
    assert.match(await page.locator(tid('offer-pack')).first().textContent(), /Pack price ¥499\.00/);
    await page.screenshot({ path: '/tmp/ui-offers.png', fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('home lists the campaigns live or coming up and how many of their offers apply', async () => {
  const { context, page, errors } = await signedIn();
  try {
    const gaming = page.locator(`${tid('home-campaign')}[data-id="${gamingCampaign.id}"]`);
    await gaming.waitFor();
    assert.match(await gaming.textContent(), /Gaming Exclusive Month/);
    assert.equal(await textOf(page, `${tid('home-campaign')}[data-id="${gamingCampaign.id}"] ${tid('home-campaign-apply')}`), '1 of 1 offers apply to you');
    const retail = page.locator(tid('home-campaign')).filter({ hasText: 'E-commerce Big Sale' });
    assert.match(await retail.locator(tid('home-campaign-apply')).textContent(), /0 of 1 offers/);
    assert.equal(await page.locator(tid('home-campaign')).filter({ hasText: 'Spring Sale' }).count(), 0, 'an ended campaign is not listed');
    await page.click(tid('home-quote'));
    await page.waitForSelector(tid('quote-form'));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a campaign window reads in the campaign time zone, named when the browser is elsewhere', async () => {
  const { context, page, errors } = await signedIn('en-US', ent, 'org-card', 'Europe/Berlin');
  try {
    await page.click(tid('nav-offers'));
    const live = page.locator(`${tid('offer-campaign')}[data-id="${gamingCampaign.id}"]`);
    await live.waitFor();
    const inShanghai = (iso) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Shanghai' }).format(new Date(iso));
    const spaced = (s) => s.replace(/\s+/g, ' ').trim();
    assert.equal(spaced(await live.locator(tid('offer-window')).textContent()),
      spaced(`${inShanghai(gamingWindow.starts_at)} – ${inShanghai(gamingWindow.ends_at)} (Asia/Shanghai)`));
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an enterprise builds a quote with the campaign discount and the totals', async () => {
  const { context, page, errors } = await signedIn();
  try {
    await page.click(tid('nav-quote'));
    await page.waitForSelector(tid('quote-form'));
    assert.equal(await page.inputValue(tid('input-region')), 'cn-north-4');
    await page.selectOption(tid('input-lines[0].product'), 'ecs.general');
    await waitText(page, `${tid('lines-row')} .hint`, '¥299.00');
    await page.fill(tid('input-lines[0].quantity'), '4');
    await page.fill(tid('input-lines[0].months'), '12');
    await page.click(tid('lines-add'));
    await page.selectOption(tid('input-lines[1].kind'), 'pack');
    await page.selectOption(tid('input-lines[1].pack'), pack.id);
    await page.click(tid('quote-submit'));

    await page.waitForSelector(tid('quote-result'));
    assert.match(await textOf(page, tid('quote-id')), /^quo_/);
    assert.match(await textOf(page, tid('quote-expires')), /valid until/);
    assert.equal(await textOf(page, tid('quote-hint')), 'A quote is valid for 30 min.');
    const lines = page.locator(tid('quote-line'));
    assert.equal(await lines.count(), 2);
    const first = lines.nth(0);
    assert.equal((await first.locator(tid('line-list')).textContent()).trim(), '¥14,352.00');
    assert.match(await first.locator(tid('applied')).textContent(), /15% off ECS/);
    assert.equal((await first.locator(tid('applied-amount')).textContent()).trim(), '−¥2,152.80');
    assert.equal((await first.locator(tid('line-final')).textContent()).trim(), '¥12,199.20');
    assert.match(await first.textContent(), /4 × instance · Monthly · 12 mo/);
    const second = lines.nth(1);
    assert.match(await second.textContent(), /Game launch pack/);
    assert.equal((await second.locator(tid('line-list')).textContent()).trim(), '¥598.00');
    assert.equal((await second.locator(tid('line-final')).textContent()).trim(), '¥499.00');

    assert.equal(await textOf(page, tid('total-list')), '¥14,950.00');
    assert.equal(await textOf(page, tid('total-discount')), '−¥2,251.80');
    assert.equal(await textOf(page, tid('total-final')), '¥12,698.20');
    // The offer of the ended campaign is named, with its reason.
    const spring = page.locator(tid('rejected-item')).filter({ hasText: 'Spring 10% off' });
    assert.equal(await spring.count(), 1);
    assert.match(await spring.textContent(), /The campaign has ended\./);
    await page.screenshot({ path: '/tmp/ui-quote.png', fullPage: true });

    // The quote is ordered at its prices.
    await page.click(tid('order-submit'));
    await page.waitForSelector(tid('order-placed'));
    assert.match(await textOf(page, tid('order-placed')), /^Order ord_[0-9a-z]{26} placed: ¥12,698\.20\.$/);
    orderId = (await textOf(page, tid('order-placed'))).split(' ')[1];

    // The draft and the quote survive a language switch; the labels are Chinese.
    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await waitText(page, tid('page-title'), '报价');
    await page.waitForSelector(tid('quote-result'));
    assert.match(await page.locator(tid('quote-result')).textContent(), /应付合计/);
    assert.match(await page.locator(tid('quote-builder')).textContent(), /获取报价/);
    assert.equal(await textOf(page, tid('total-final')), '¥12,698.20');
    assert.match(await page.locator(tid('quote-line')).first().locator(tid('applied')).textContent(), /云服务器八五折/);
    assert.match(await page.locator(tid('quote-line')).first().textContent(), /4 × 台/, 'the unit in Chinese');
    assert.equal(await page.inputValue(tid('input-lines[0].quantity')), '4');
    await page.screenshot({ path: '/tmp/ui-quote-zh.png', fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('the order is listed on the orders page and opens with the quote\'s lines', async () => {
  assert.ok(orderId, 'the quote test placed an order');
  const { context, page, errors } = await signedIn();
  try {
    await page.click(tid('nav-orders'));
    await page.waitForSelector(tid('orders-table'));
    const row = page.locator(`tr[data-id="${orderId}"]`);
    await row.waitFor();
    assert.equal(await page.locator('tr[data-id]').count(), 1);
    assert.equal((await row.locator(tid('order-row-total')).textContent()).trim(), '¥12,698.20');
    assert.match(await row.textContent(), /¥14,950\.00.*−¥2,251\.80/);
    await row.locator(tid('order-row-link')).click();
    await page.waitForSelector(tid('order-lines'));
    assert.equal(await textOf(page, tid('page-title')), `Order ${orderId}`);
    assert.match(await textOf(page, tid('order-quote')), /^quo_/);
    assert.equal(await textOf(page, tid('order-total')), '¥12,698.20');
    const lines = page.locator(tid('quote-line'));
    assert.equal(await lines.count(), 2);
    assert.match(await lines.nth(0).locator(tid('applied')).textContent(), /15% off ECS/);
    assert.equal((await lines.nth(0).locator(tid('line-final')).textContent()).trim(), '¥12,199.20');
    assert.match(await lines.nth(1).textContent(), /Game launch pack/);
    assert.equal(await textOf(page, tid('total-discount')), '−¥2,251.80');
    await page.screenshot({ path: '/tmp/ui-order.png', fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('operators see every org\'s orders; another org sees none and cannot open one', async () => {
  assert.ok(orderId, 'the quote test placed an order');
  const op = await signedIn('en-US', operator, 'nav-orders');
  try {
    await op.page.click(tid('nav-orders'));
    const row = op.page.locator(`tr[data-id="${orderId}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /org_[0-9a-z]{26}/);
  } finally {
    await op.context.close();
  }
  const { context, page } = await signedIn('en-US', other);
  try {
    await page.click(tid('nav-orders'));
    await waitText(page, tid('orders-table'), 'No orders yet.');
    assert.equal(await page.locator('tr[data-id]').count(), 0);
    await page.goto(`${server.url}/#/orders/${orderId}`);
    await page.waitForSelector(tid('page-error'));
    assert.equal(await page.isVisible(tid('order-lines')), false);
  } finally {
    await context.close();
  }
});

test('an operator previews an org\'s quote now and after the campaign, and places no order', async () => {
  const { context, page, errors } = await signedIn('en-US', operator, 'nav-quote');
  try {
    await page.click(tid('nav-quote'));
    await page.waitForSelector(tid('quote-form'));
    assert.equal(await textOf(page, tid('page-title')), 'Preview a quote');
    await page.selectOption(tid('input-lines[0].product'), 'ecs.general');
    await page.fill(tid('input-lines[0].quantity'), '4');
    await page.fill(tid('input-lines[0].months'), '12');
    // No org chosen: the server's 422 lands beside the org select.
    await page.click(tid('quote-submit'));
    await waitText(page, tid('error-org'), 'required for operators');

    await page.selectOption(tid('input-org'), { label: 'Pixel Forge' });
    await page.click(tid('quote-submit'));
    await page.waitForSelector(tid('quote-result'));
    const line = page.locator(tid('quote-line')).first();
    assert.match(await line.locator(tid('applied')).textContent(), /15% off ECS/);
    assert.equal(await textOf(page, tid('total-final')), '¥12,199.20');
    assert.match(await textOf(page, tid('quote-at')), /^priced at /);
    assert.equal(await page.locator(tid('quote-expires')).count(), 0, 'a preview is not ordered: no expiry');
    assert.match(await textOf(page, tid('quote-hint')), /places no order/);
    assert.ok(await page.isVisible(tid('preview-note')));
    assert.equal(await page.isVisible(tid('order-submit')), false);

    // Sixty days on, the gaming campaign has ended: list price, and why.
    const later = new Date(Date.now() + 60 * 86400e3);
    const p2 = (n) => String(n).padStart(2, '0');
    await page.fill(tid('input-at'), `${later.getFullYear()}-${p2(later.getMonth() + 1)}-${p2(later.getDate())}T10:00`);
    await page.click(tid('quote-submit'));
    await waitText(page, tid('total-final'), '¥14,352.00');
    assert.equal(await page.locator(`${tid('quote-line')} ${tid('applied')}`).count(), 0);
    await waitText(page, tid('rejected-item'), '15% off ECS');
    assert.match(await page.locator(tid('rejected-item')).filter({ hasText: '15% off ECS' }).textContent(), /The campaign has ended\./);
    // Ten days before it, the campaign has not started.
    const before = new Date(Date.now() - 10 * 86400e3);
    await page.fill(tid('input-at'), `${before.getFullYear()}-${p2(before.getMonth() + 1)}-${p2(before.getDate())}T10:00`);
    await page.click(tid('quote-submit'));
    await waitText(page, tid('rejected-item'), 'The campaign has not started yet.');
    assert.match(await page.locator(tid('rejected-item')).filter({ hasText: '15% off ECS' }).textContent(), /has not started yet/);
    await page.screenshot({ path: '/tmp/ui-preview.png', fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a bad line value is shown beside its input, and the quote then succeeds', async () => {
  const { context, page } = await signedIn();
  try {
    await page.click(tid('nav-quote'));
    await page.waitForSelector(tid('quote-form'));
    await page.selectOption(tid('input-lines[0].product'), 'obs.standard');
    await page.click(tid('lines-add'));
    await page.selectOption(tid('input-lines[1].product'), 'ecs.general');
    await page.selectOption(tid('input-lines[1].billing_mode'), 'on_demand');
    await page.fill(tid('input-lines[1].hours'), '0');
    await page.click(tid('quote-submit'));
    const err = await textOf(page, tid('error-lines[1].hours'));
    assert.ok(err.length > 0);
    assert.equal(await page.getAttribute(tid('input-lines[1].hours'), 'aria-invalid'), 'true');
    assert.equal(await page.isVisible(tid('error-lines[0].months')), false);
    await page.screenshot({ path: '/tmp/ui-quote-error.png', fullPage: true });

    await page.fill(tid('input-lines[1].hours'), '100');
    await page.click(tid('quote-submit'));
    await page.waitForSelector(tid('quote-result'));
    assert.equal(await page.isVisible(tid('error-lines[1].hours')), false);
    // 1 TB-month of storage + 100 instance-hours at ¥0.50, 15% off the ECS line.
    assert.equal(await textOf(page, tid('total-list')), '¥149.00');
    assert.equal(await textOf(page, tid('total-discount')), '−¥7.50');
    assert.equal(await textOf(page, tid('total-final')), '¥141.50');
  } finally {
    await context.close();
  }
});

test('enterprises cannot open the operator pages', async () => {
  const { context, page } = await signedIn();
  try {
    assert.equal(await page.isVisible(tid('nav-setup')), false);
    await page.goto(`${server.url}/#/campaigns/${gamingCampaign.id}`);
    await page.waitForSelector(tid('forbidden'));
    await page.goto(`${server.url}/#/setup`);
    await page.waitForSelector(tid('forbidden'));
  } finally {
    await context.close();
  }
});

test('"Quote this pack" puts the pack in a quote, in a region where its offer applies', async () => {
  // An overseas pack whose special price holds only in an overseas region;
  // the enterprise's home region is cn-north-4.
  await created('POST', '/regions', { code: 'ap-southeast-3', name: { zh: '亚太-新加坡', en: 'AP-Singapore' }, area: 'overseas' });
  await created('POST', '/products', {
    code: 'ecs.overseas', name: { zh: '海外云服务器', en: 'Overseas ECS' }, category: 'compute', unit: { zh: '台', en: 'instance' },
    billing_modes: ['monthly'], prices: [{ region: 'ap-southeast-3', billing_mode: 'monthly', unit_price: 39900 }],
  });
  const starter = await created('POST', '/packs', {
    code: 'overseas-starter', industry: 'overseas', scenario: { zh: '出海起步', en: 'Going overseas' },
    name: { zh: '出海起步包', en: 'Overseas starter pack' }, description: { zh: '', en: '' },
    items: [{ product: 'ecs.overseas', billing_mode: 'monthly', quantity: 2, months: 1 }], discount_bp: 1000,
  });
  const now = Date.now();
  const abroad = await created('POST', '/campaigns', {
    name: { zh: '出海专属月', en: 'Going Global' }, description: { zh: '', en: '' },
    starts_at: new Date(now - 86400e3).toISOString(), ends_at: new Date(now + 30 * 86400e3).toISOString(),
    time_zone: 'Asia/Singapore', regions: ['ap-southeast-3'], industries: [], sizes: [], new_customer_only: false, published: true,
  });
  await created('POST', `/campaigns/${abroad.id}/policies`, {
    name: { zh: '出海起步包特价', en: 'Starter pack special price' }, lane: 0, conditions: { ...NO_COND, packs: [starter.id] },
    effect: { kind: 'pack_price', value: 59900 }, limits: NO_LIMITS, enabled: true,
  });
  await created('POST', `/campaigns/${abroad.id}/policies`, {
    name: { zh: '满千九五折', en: '5% off orders from ¥1,000' }, lane: 1, conditions: { ...NO_COND, min_order_amount: 100000 },
    effect: { kind: 'percent_off', value: 500 }, limits: NO_LIMITS, enabled: true,
  });

  const { context, page, errors } = await signedIn();
  try {
    await page.click(tid('nav-offers'));
    const card = page.locator(`${tid('offer-pack')}[data-code="overseas-starter"]`);
    await card.waitFor();
    assert.match(await card.textContent(), /Starter pack special price/);
    await card.locator(tid('quote-pack')).click();
    await page.waitForSelector(tid('quote-form'));
    // The pack replaces the untouched first line, priced where the offer holds.
    assert.equal(await page.inputValue(tid('input-region')), 'ap-southeast-3');
    assert.equal(await page.inputValue(tid('input-lines[0].kind')), 'pack');
    assert.equal(await page.inputValue(tid('input-lines[0].pack')), starter.id);
    assert.equal(await page.locator(tid('lines-row')).count(), 1);
    assert.equal(new URL(page.url()).hash, '#/quote', 'the link is not kept, so it adds the pack once');
    await page.click(tid('quote-submit'));
    await page.waitForSelector(tid('quote-result'));
    const line = page.locator(tid('quote-line')).first();
    assert.equal((await line.locator(tid('line-list')).textContent()).trim(), '¥798.00');
    assert.equal(await line.locator(tid('applied')).filter({ hasText: 'Starter pack special price' }).count(), 1);
    assert.equal((await line.locator(tid('line-final')).textContent()).trim(), '¥599.00');
    // An offer out of reach says what it would take.
    assert.match(await page.locator(tid('rejected-item')).filter({ hasText: '5% off orders from' }).textContent(),
      /The order amount \(list price\) is below the minimum of ¥1,000\.00\./);

    // A second pack goes after the line there is, in the region chosen.
    await page.click(tid('nav-offers'));
    await page.locator(`${tid('offer-pack')}[data-code="gaming-launch"] ${tid('quote-pack')}`).click();
    await page.waitForSelector(tid('quote-form'));
    assert.equal(await page.locator(tid('lines-row')).count(), 2);
    assert.equal(await page.inputValue(tid('input-lines[1].pack')), pack.id);
    assert.equal(await page.inputValue(tid('input-region')), 'ap-southeast-3');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a quote link opened signed out keeps its pack through sign-in', async () => {
  const { context, page, errors } = await newPage(browser);
  try {
    await page.goto(`${server.url}/#/quote?pack=${pack.id}&region=cn-north-4`);
    await page.waitForSelector(tid('login-form'));
    assert.equal(new URL(page.url()).hash, `#/login?next=${encodeURIComponent(`/quote?pack=${pack.id}&region=cn-north-4`)}`);
    await login(page, ent.email, ent.password);
    await page.waitForSelector(tid('quote-form'));
    assert.equal(await page.inputValue(tid('input-lines[0].kind')), 'pack');
    assert.equal(await page.inputValue(tid('input-lines[0].pack')), pack.id);
    assert.equal(await page.inputValue(tid('input-region')), 'cn-north-4');
    assert.equal(new URL(page.url()).hash, '#/quote');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a session that ends on a page signs in again and comes back to that page', async () => {
  const { context, page, errors } = await signedIn();
  try {
    await page.goto(`${server.url}/#/quote?pack=${pack.id}&region=cn-north-4`);
    await page.waitForSelector(tid('quote-form'));
    // The session ends elsewhere (signed out on another tab, say).
    const [cookie] = await context.cookies();
    const out = await fetch(`${server.url}/api/v1/session`, { method: 'DELETE', headers: { Cookie: `${cookie.name}=${cookie.value}` } });
    assert.equal(out.status, 204);
    await page.click(tid('nav-orders'));
    await page.waitForSelector(tid('login-form'));
    assert.equal(new URL(page.url()).hash, `#/login?next=${encodeURIComponent('/orders')}`);
    assert.match(await textOf(page, tid('flash')), /session/i);
    await login(page, ent.email, ent.password);
    await page.waitForURL(/#\/orders$/);
    await waitText(page, tid('page-title'), 'Orders');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
