// Browser tests of the operator pages: the paginated org list, an org's
// detail page, and adding experts and operators.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, addUser, apiClient } from './lib/server.mjs';
import { launch, newPage, uniqueEmail, tid, login, waitText, textOf } from './lib/browser.mjs';

let server;
let browser;
const operator = { role: 'operator', email: uniqueEmail('operator'), name: 'Olivia Ops', password: 'operator pass 1' };
const ORGS = 23; // more than one page of 20

const { api } = apiClient(() => server);

before(async () => {
  const { db, dir } = await freshDb();
  await addUser(db, operator);
  server = await startServer({ db, dir });
  for (let i = 0; i < ORGS; i++) {
    const r = await api('POST', '/orgs', {
      name: `Org ${String(i).padStart(2, '0')}`, kind: i % 3 ? 'enterprise' : 'partner', industry: 'ecommerce',
      size: 'medium', region: 'cn-east-3', admin: { email: uniqueEmail('seed'), password: 'seed password', name: `Admin ${i}` },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('operators page through every org and open one', async () => {
  const { context, page, errors } = await newPage(browser);
  try {
    await page.goto(server.url);
    await page.waitForSelector(tid('login-form'));
    await login(page, operator.email, operator.password);
    await page.waitForSelector(tid('no-org'));
    // Every one of an operator's links is in view on a laptop screen, none
    // behind a scroll (in both languages).
    for (const lang of ['zh-CN', 'en']) {
      await page.selectOption(tid('lang-switch'), lang);
      await page.waitForFunction((l) => document.documentElement.lang === l, lang);
      const nav = await page.$eval('nav .nav-link:last-child', (a) => [a.parentElement.scrollWidth, a.parentElement.clientWidth, a.parentElement.children.length]);
      assert.ok(nav[0] <= nav[1], `${lang}: the links need ${nav[0]}px, the bar is ${nav[1]}px`);
      assert.ok(nav[2] >= 8, `${lang}: ${nav[2]} links`);
    }
    await page.click(tid('nav-orgs'));
    await page.waitForSelector(`${tid('orgs-table')} ${tid('row')}`);
    const seen = new Set();
    const rows = page.locator(`${tid('orgs-table')} ${tid('org-link')}`);
    assert.equal(await rows.count(), 20);
    for (const s of await rows.allTextContents()) seen.add(s);
    assert.equal(await page.isEnabled(tid('page-prev')), false);
    await page.click(tid('page-next'));
    await waitText(page, '.pager-status', '2');
    const second = await rows.allTextContents();
    assert.equal(second.length, ORGS - 20);
    for (const s of second) seen.add(s);
    assert.equal(seen.size, ORGS, 'no org twice, none missing');
    assert.equal(await page.isEnabled(tid('page-next')), false);
    await page.click(tid('page-prev'));
    await waitText(page, '.pager-status', '1');
    assert.equal(await rows.count(), 20);

    const name = (await rows.first().textContent()).trim();
    await rows.first().click();
    await waitText(page, tid('page-title'), name);
    await page.waitForSelector(`${tid('members-table')} ${tid('row')}`);
    assert.equal(await page.locator(`${tid('members-table')} ${tid('row')}`).count(), 1);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('operators add an expert, who then signs in', async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(server.url);
    await login(page, operator.email, operator.password);
    // Home's shortcuts are the pages an operator may open, in an operator's words.
    await page.waitForSelector(tid('go-campaigns'));
    assert.match(await textOf(page, tid('go-quote')), /^Preview what an organization would pay/);
    assert.equal(await page.locator(tid('go-members')).count(), 0, 'an operator belongs to no org');
    assert.equal(await page.locator(tid('go-credits')).count(), 0);
    await page.click(tid('nav-users'));
    await page.waitForSelector(tid('add-user-form'));
    const expert = { name: 'Chen Jing', email: uniqueEmail('expert'), password: 'expert pass 1' };
    await page.selectOption(`${tid('add-user-form')} ${tid('input-role')}`, 'expert');
    await page.fill(`${tid('add-user-form')} ${tid('input-name')}`, expert.name);
    await page.fill(`${tid('add-user-form')} ${tid('input-email')}`, 'not-an-email');
    await page.fill(`${tid('add-user-form')} ${tid('input-password')}`, expert.password);
    await page.click(tid('add-user-submit'));
    await textOf(page, `${tid('add-user-form')} ${tid('error-email')}`);

    await page.fill(`${tid('add-user-form')} ${tid('input-email')}`, expert.email);
    await page.click(tid('add-user-submit'));
    await waitText(page, tid('notice'), expert.name);
    await page.selectOption(tid('role-filter'), 'expert');
    await waitText(page, `${tid('users-table')} ${tid('row')}`, expert.email);

    await page.click(tid('logout'));
    await page.waitForSelector(tid('login-form'));
    await login(page, expert.email, expert.password);
    await waitText(page, tid('user-role'), 'Expert');
    assert.equal(await page.isVisible(tid('nav-orgs')), false);
    // An expert neither quotes nor orders: no such shortcut or link.
    assert.equal(await page.locator(tid('go-password')).count(), 1);
    assert.equal(await page.locator(`${tid('go-quote')}, ${tid('go-orders')}, ${tid('nav-quote')}`).count(), 0);
    await page.goto(`${server.url}/#/orgs`);
    await page.waitForSelector(tid('forbidden'));
  } finally {
    await context.close();
  }
});
