// After too many failed sign-ins the server answers 429 with Retry-After;
// the login form says so, in both languages, and does not let the user in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, uniqueEmail, tid, login, textOf } from './lib/browser.mjs';

let server;
let browser;
const admin = { email: uniqueEmail('locked'), password: 'the right password', name: 'Wang Fang' };

before(async () => {
  server = await startServer({ args: ['--login-max-failures', '2'] });
  const res = await fetch(`${server.url}/api/v1/orgs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Locked Co', kind: 'partner', industry: 'media', size: 'micro', region: 'ap-southeast-1', admin }),
  });
  assert.equal(res.status, 201);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('a locked account sees how long to wait', async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${server.url}/#/login`);
    for (let i = 0; i < 2; i++) {
      await login(page, admin.email, 'wrong password');
      await textOf(page, tid('form-error'));
    }
    await login(page, admin.email, admin.password);
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid="form-error"]')?.textContent || ''));
    const en = await textOf(page, tid('form-error'));
    assert.match(en, /\d/, `the wait is shown: ${en}`);
    assert.equal(new URL(page.url()).hash, '#/login', 'still signed out');

    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await page.waitForSelector(tid('login-form'));
    await login(page, admin.email, admin.password);
    const zh = await textOf(page, tid('form-error'));
    assert.match(zh, /登录失败次数过多.*\d+ 分钟后重试/, zh);
  } finally {
    await context.close();
  }
});
