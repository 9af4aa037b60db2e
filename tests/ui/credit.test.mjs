// Browser tests of the cloud-credit pages: an operator issues a fund and
// opens a drop through the UI; an enterprise claims it (its first request's
// answer is lost on the way back, and the retry with the same
// Idempotency-Key gets the same claim) and sees its wallet, grant and
// ledger, and no second Claim button; the operator sees the claim and
// closes the drop; a bad drop form gets its errors beside the fields; an org
// a drop is not for sees why, in English and Chinese.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startServer, freshDb, addUser, apiClient } from './lib/server.mjs';
import { launch, newPage, uniqueEmail, tid, login, waitText, textOf } from './lib/browser.mjs';

let server;
let browser;
let opToken;
const operator = { role: 'operator', email: uniqueEmail('operator'), name: 'Olivia Ops', password: 'operator pass 1' };
const gamer = { email: uniqueEmail('gamer'), password: 'gaming pass 1', name: 'Gina Gamer' };
const shop = { email: uniqueEmail('shop'), password: 'shop pass 1', name: 'Sam Shop' };
const MIN = 60000;

const { api } = apiClient(() => server, () => opToken);

/** POST with an Idempotency-Key as `token` (the operator by default); asserts 201. */
async function keyed(path, body, token = opToken) {
  const headers = { 'Idempotency-Key': randomUUID(), Authorization: `Bearer ${token}` };
  if (body) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${server.url}/api/v1${path}`, { method: 'POST', headers, body: body ? JSON.stringify(body) : undefined });
  const json = await res.json();
  assert.equal(res.status, 201, `POST ${path}: ${JSON.stringify(json)}`);
  return json;
}

async function signupOrg(name, industry, admin) {
  const r = await api('POST', '/orgs', {
    name, kind: 'enterprise', industry, size: 'small', region: 'cn-north-4',
    admin: { email: admin.email, password: admin.password, name: admin.name },
  }, null);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const s = await api('POST', '/session', { email: admin.email, password: admin.password }, null);
  assert.equal(s.status, 201);
  return { org: r.body, token: s.body.token };
}

const dropBody = (over = {}) => ({
  name: { zh: '限量津贴', en: 'Limited credits' }, amount: 50000, quantity: 5,
  opens_at: new Date(Date.now() - MIN).toISOString(), closes_at: new Date(Date.now() + 60 * MIN).toISOString(), ...over,
});

before(async () => {
  const { db, dir } = await freshDb();
  await addUser(db, operator);
  server = await startServer({ db, dir });
  const s = await api('POST', '/session', { email: operator.email, password: operator.password }, null);
  assert.equal(s.status, 201);
  opToken = s.body.token;
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function signedIn(who, locale = 'en-US') {
  const p = await newPage(browser, { locale });
  await p.page.goto(server.url);
  await p.page.waitForSelector(tid('login-form'));
  await login(p.page, who.email, who.password);
  await p.page.waitForSelector(tid('user-card'));
  return p;
}

const row = (page, table, id) => page.locator(`${tid(table)} tr[data-id="${id}"]`);

test('an operator opens a drop, an enterprise claims it once (a retried click keeps its key), both see the books', async () => {
  const gaming = await signupOrg('Pixel Forge', 'gaming', gamer);

  // The operator issues a fund and opens a drop for gaming companies.
  const op = await signedIn(operator);
  let dropId;
  let fundId;
  try {
    const { page } = op;
    await page.click(tid('nav-funds'));
    await page.waitForSelector(tid('fund-form'));
    await page.fill(`${tid('fund-form')} ${tid('input-name.zh')}`, '游戏上云津贴');
    await page.fill(`${tid('fund-form')} ${tid('input-name.en')}`, 'Gaming cloud credits');
    await page.fill(`${tid('fund-form')} ${tid('input-amount')}`, '10000');
    await page.click(tid('fund-submit'));
    await waitText(page, tid('notice'), '¥10,000.00');
    const fundRow = page.locator(`${tid('funds-table')} ${tid('row')}`).filter({ hasText: 'Gaming cloud credits' });
    await fundRow.waitFor();
    assert.equal((await fundRow.locator(tid('fund-available')).textContent()).trim(), '¥10,000.00');
    fundId = await fundRow.getAttribute('data-id');
    assert.match(fundId, /^fund_/);
    await fundRow.locator(tid('fund-link')).click();

    await page.waitForSelector(tid('drop-form'));
    await waitText(page, tid('page-title'), 'Gaming cloud credits');
    await page.fill(`${tid('drop-form')} ${tid('input-name.zh')}`, '游戏首发津贴');
    await page.fill(`${tid('drop-form')} ${tid('input-name.en')}`, 'Launch credits');
    await page.fill(`${tid('drop-form')} ${tid('input-amount')}`, '888');
    await page.fill(`${tid('drop-form')} ${tid('input-quantity')}`, '3');
    await page.check(tid('choice-industries-gaming'));
    await page.click(tid('drop-submit'));
    await waitText(page, tid('flash'), 'Launch credits');
    const dropRow = page.locator(`${tid('drops-table')} ${tid('row')}`).filter({ hasText: 'Launch credits' });
    await dropRow.waitFor();
    dropId = await dropRow.getAttribute('data-id');
    assert.match(dropId, /^drp_/);
    assert.equal(await dropRow.locator(tid('drop-status-open')).count(), 1);
    assert.match(await dropRow.textContent(), /Gaming/);
    assert.equal((await dropRow.locator(tid('places-text')).textContent()).trim(), '3 of 3 left');
    // 3 × ¥888 reserved from the fund.
    assert.equal(await textOf(page, tid('fund-reserved')), '¥2,664.00');
    assert.equal(await textOf(page, tid('fund-available')), '¥7,336.00');
    assert.deepEqual(op.errors, []);
  } finally {
    await op.context.close();
  }

  // The enterprise claims; the first answer is lost, the retry sends the same key.
  const ent = await signedIn(gamer);
  try {
    const { page } = ent;
    const keys = [];
    await page.route('**/api/v1/drops/*/claims', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length === 1) {
        await route.fetch(); // the server takes the claim ...
        await route.abort('connectionreset'); // ... and the browser never hears back
      } else {
        await route.continue();
      }
    });
    await page.click(tid('nav-credits'));
    await waitText(page, tid('page-title'), 'Cloud credits');
    assert.equal(await textOf(page, tid('wallet-available')), '¥0.00');
    const r = row(page, 'drops-table', dropId);
    await r.waitFor();
    assert.equal((await r.locator(tid('drop-amount')).textContent()).trim(), '¥888.00');
    await r.locator(tid('claim')).click();
    await waitText(page, tid('claim-result'), 'You claimed ¥888.00 from “Launch credits”');
    assert.equal(keys.length, 2, 'one retry');
    assert.ok(keys[0] && keys[0] === keys[1], `the retry reuses the key: ${keys}`);

    // The wallet, the row, the grant and the ledger show the one claim.
    await waitText(page, tid('wallet-available'), '¥888.00');
    assert.equal(await textOf(page, tid('wallet-granted')), '¥888.00');
    await waitText(page, `tr[data-id="${dropId}"] ${tid('claimed')}`, 'Claimed');
    assert.equal(await r.locator(tid('claim')).count(), 0, 'no second claim offered');
    assert.equal((await r.locator(tid('places-text')).textContent()).trim(), '2 of 3 left');
    await waitText(page, `${tid('grants-table')} ${tid('grant-source')}`, 'Launch credits');
    assert.equal(await page.locator(`${tid('grants-table')} ${tid('row')}`).count(), 1);
    assert.equal(await textOf(page, `${tid('grants-table')} ${tid('grant-remaining')}`), '¥888.00');
    await page.locator(`${tid('ledger-table')} ${tid('ledger-kind-claim')}`).waitFor();
    assert.equal(await page.locator(`${tid('ledger-table')} ${tid('row')}`).count(), 1);
    assert.equal(await textOf(page, `${tid('ledger-table')} ${tid('ledger-wallet')}`), '+¥888.00');
    await page.screenshot({ path: '/tmp/ui-credits.png', fullPage: true });

    // After a reload the drop is still claimed, and there is still one grant.
    await page.reload();
    await waitText(page, `tr[data-id="${dropId}"] ${tid('claimed')}`, 'Claimed');
    assert.equal(await r.locator(tid('claim')).count(), 0);
    await waitText(page, tid('wallet-available'), '¥888.00');
    const grants = await api('GET', '/grants', undefined, gaming.token);
    assert.equal(grants.body.items.length, 1, 'the retried click made one claim');
    assert.deepEqual(ent.errors, []);
  } finally {
    await ent.context.close();
  }

  // The operator sees the claim, closes the drop and gets the rest back.
  const op2 = await signedIn(operator);
  try {
    const { page } = op2;
    await page.goto(`${server.url}/#/funds/${fundId}`);
    const dropRow = row(page, 'drops-table', dropId);
    await dropRow.waitFor();
    assert.match(await dropRow.locator(tid('drop-counts')).textContent(), /1 claimed of 3/);
    await dropRow.locator(tid('drop-link')).click();
    const claimRow = page.locator(`${tid('claims-table')} ${tid('row')}`);
    await claimRow.first().waitFor();
    assert.equal(await claimRow.count(), 1);
    assert.equal((await claimRow.locator(tid('claim-org')).textContent()).trim(), gaming.org.id);
    assert.equal(await textOf(page, tid('drop-remaining')), '2');

    await page.click(tid('back-fund'));
    await row(page, 'drops-table', dropId).locator(tid('close-drop')).click();
    await page.click(tid('close-confirm'));
    await waitText(page, tid('flash'), '¥1,776.00 returned');
    await row(page, 'drops-table', dropId).locator(tid('drop-status-closed')).waitFor();
    assert.equal(await row(page, 'drops-table', dropId).locator(tid('close-drop')).count(), 0);
    assert.equal(await textOf(page, tid('fund-reserved')), '¥0.00');
    assert.equal(await textOf(page, tid('fund-granted')), '¥888.00');
    assert.equal(await textOf(page, tid('fund-available')), '¥9,112.00');

    // The program ledger: issue, reserve, claim, release.
    await page.click(tid('nav-funds'));
    await page.locator(`${tid('ledger-table')} ${tid('ledger-kind-release')}`).waitFor();
    const kinds = await page.locator(`${tid('ledger-table')} [data-testid^="ledger-kind-"]`).allTextContents();
    assert.deepEqual(kinds.map((k) => k.trim()), ['Returned', 'Claimed', 'Reserved', 'Issued']);
    await page.screenshot({ path: '/tmp/ui-funds.png', fullPage: true });
    assert.deepEqual(op2.errors, []);
  } finally {
    await op2.context.close();
  }
});

test('a bad drop form shows each error beside its field', async () => {
  const fund = await keyed('/funds', { name: { zh: '小基金', en: 'Small fund' }, amount: 100000 });
  const { context, page, errors } = await signedIn(operator);
  try {
    await page.goto(`${server.url}/#/funds/${fund.id}`);
    await page.waitForSelector(tid('drop-form'));
    const f = (name) => `${tid('drop-form')} ${tid(`input-${name}`)}`;
    const e = (name) => `${tid('drop-form')} ${tid(`error-${name}`)}`;

    // Not a number: caught before sending.
    await page.fill(f('name.zh'), '坏的发放');
    await page.fill(f('amount'), 'ten');
    await page.fill(f('quantity'), '2');
    await page.click(tid('drop-submit'));
    assert.match(await textOf(page, e('amount')), /number/);
    assert.equal(await page.getAttribute(f('amount'), 'aria-invalid'), 'true');

    // The server's field errors, each beside its input.
    await page.fill(f('amount'), '10');
    await page.fill(f('quantity'), '0');
    await page.fill(f('closes_at'), '2020-01-01T00:00');
    await page.click(tid('drop-submit'));
    assert.ok((await textOf(page, e('quantity'))).length > 0);
    assert.match(await textOf(page, e('closes_at')), /after|future/);
    assert.ok((await textOf(page, e('name.en'))).length > 0, 'the missing English name');
    assert.equal(await page.isVisible(e('amount')), false);
    assert.equal(await page.isVisible(e('opens_at')), false);
    assert.ok((await textOf(page, tid('form-error'))).length > 0);

    // More than the fund holds: 409 on the places, the available amount in words.
    await page.fill(f('name.en'), 'Bad drop');
    await page.fill(f('closes_at'), '2099-01-01T00:00');
    await page.fill(f('quantity'), '101');
    await page.click(tid('drop-submit'));
    assert.match(await textOf(page, e('quantity')), /available/);
    assert.match(await textOf(page, tid('form-error')), /¥1,000\.00 available/);
    assert.equal(await page.isVisible(e('closes_at')), false);
    await page.screenshot({ path: '/tmp/ui-drop-errors.png', fullPage: true });

    // In Chinese, the same error reads in Chinese.
    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await page.waitForSelector(tid('drop-form'));
    assert.equal(await page.inputValue(f('quantity')), '101', 'the draft survives the switch');
    await page.click(tid('drop-submit'));
    assert.equal(await textOf(page, e('quantity')), '乘以每份津贴后超过基金可用余额');
    assert.match(await textOf(page, tid('form-error')), /基金可用余额仅 ¥1,000\.00/);
    const drops = await api('GET', `/funds/${fund.id}/drops`);
    assert.equal(drops.body.items.length, 0, 'nothing was opened');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('an org a drop is not for sees why, and a sold-out drop says so, in English and Chinese', async () => {
  const fund = await keyed('/funds', { name: { zh: '基金', en: 'Fund' }, amount: 1000000 });
  const gamingOnly = await keyed(`/funds/${fund.id}/drops`, dropBody({ name: { zh: '游戏专享', en: 'Gamers only' }, industries: ['gaming'] }));
  const single = await keyed(`/funds/${fund.id}/drops`, dropBody({ name: { zh: '仅一份', en: 'Just one' }, quantity: 1 }));
  const rival = await signupOrg('Fast Racer', 'mobility', { email: uniqueEmail('rival'), password: 'rival pass 1', name: 'Rita' });
  await keyed(`/drops/${single.id}/claims`, undefined, rival.token);
  await signupOrg('Shop Co', 'ecommerce', shop);

  const { context, page, errors } = await signedIn(shop);
  try {
    await page.click(tid('nav-credits'));
    const g = row(page, 'drops-table', gamingOnly.id);
    await g.waitFor();
    assert.equal((await g.locator(tid('drop-reason')).textContent()).trim(), 'Not for your industry.');
    assert.equal(await g.locator(tid('claim')).count(), 0);
    const s = row(page, 'drops-table', single.id);
    assert.equal((await s.locator(tid('drop-reason')).textContent()).trim(), 'All places are claimed.');
    assert.equal(await s.locator(tid('drop-status-sold_out')).count(), 1);
    assert.equal((await s.locator(tid('places-text')).textContent()).trim(), '0 of 1 left');
    await page.locator(`${tid('grants-table')} ${tid('empty')}`).waitFor();
    assert.equal(await textOf(page, tid('wallet-available')), '¥0.00');

    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await waitText(page, tid('page-title'), '上云津贴');
    await waitText(page, `${tid('drops-table')} tr[data-id="${gamingOnly.id}"] ${tid('drop-reason')}`, '不适用于贵公司所在行业。');
    assert.equal(await textOf(page, `${tid('drops-table')} tr[data-id="${single.id}"] ${tid('drop-reason')}`), '名额已领完。');
    assert.equal(await textOf(page, `${tid('drops-table')} tr[data-id="${single.id}"] ${tid('drop-status-sold_out')}`), '已领完');
    assert.equal(await textOf(page, tid('nav-credits')), '上云津贴');
    await page.screenshot({ path: '/tmp/ui-credits-zh.png', fullPage: true });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('credit pages follow the roles', async () => {
  const { context, page } = await signedIn(shop);
  try {
    assert.equal(await page.isVisible(tid('nav-funds')), false);
    await page.goto(`${server.url}/#/funds`);
    await page.waitForSelector(tid('forbidden'));
  } finally {
    await context.close();
  }
  const op = await signedIn(operator);
  try {
    assert.equal(await op.page.isVisible(tid('nav-credits')), false);
    assert.equal(await op.page.isVisible(tid('nav-funds')), true);
    await op.page.goto(`${server.url}/#/credits`);
    await op.page.waitForSelector(tid('forbidden'));
  } finally {
    await op.context.close();
  }
});
