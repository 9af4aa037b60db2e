// Browser tests of the account pages against a real server: sign-up, sign-out,
// sign-in, language switch, field errors, members, password change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/server.mjs';
import { launch, newPage, uniqueEmail, tid, fillSignup, login, waitText, textOf } from './lib/browser.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function newOrg(tag) {
  return {
    name: `Pixel Forge ${tag} ${Date.now().toString(36)}`,
    kind: 'enterprise',
    industry: 'gaming',
    size: 'small',
    region: 'cn-north-4',
    clouds: ['aws', 'tencent'],
    admin: { name: 'Li Wei', email: uniqueEmail(tag), password: 'correct horse 1' },
  };
}

/** Sign an org up through the form; leaves the page on home. */
async function signUp(page, org) {
  await page.goto(`${server.url}/#/signup`);
  await page.waitForSelector(tid('signup-form'));
  await fillSignup(page, org);
  await page.click(tid('submit'));
  await waitText(page, tid('org-name'), org.name);
}

test('sign up via the form lands on home; sign out; sign in again', async () => {
  const { context, page, errors } = await newPage(browser);
  try {
    const org = newOrg('signup');
    await signUp(page, org);
    assert.equal(new URL(page.url()).hash, '#/');
    assert.equal(await textOf(page, tid('user-email')), org.admin.email);
    assert.match(await textOf(page, tid('org-industry')), /Gaming/);
    assert.match(await textOf(page, tid('flash')), new RegExp(org.name));
    assert.equal(await textOf(page, tid('who')), org.admin.name);

    // The session is a cookie: a reload keeps us signed in.
    await page.reload();
    await waitText(page, tid('org-name'), org.name);

    await page.click(tid('logout'));
    await page.waitForSelector(tid('login-form'));
    assert.equal(new URL(page.url()).hash, '#/login');
    // Signed out for real: /me now answers 401.
    const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status));
    assert.equal(me, 401);

    // Hold the sign-in answer: meanwhile the submit button is disabled.
    let release;
    const gate = new Promise((r) => { release = r; });
    await page.route('**/api/v1/session', async (route) => { await gate; await route.continue(); });
    await login(page, org.admin.email, org.admin.password);
    assert.equal(await page.isDisabled(tid('submit')), true, 'submit is disabled while pending');
    assert.equal(await page.getAttribute(tid('login-form'), 'aria-busy'), 'true');
    release();
    await waitText(page, tid('org-name'), org.name);
    await page.unroute('**/api/v1/session');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('wrong password shows the server error on top of the login form', async () => {
  const { context, page } = await newPage(browser);
  try {
    const org = newOrg('badpw');
    await signUp(page, org);
    await page.click(tid('logout'));
    await page.waitForSelector(tid('login-form'));
    // Keyboard only: the email field has focus, Tab moves on, Enter submits.
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'email');
    await page.keyboard.type(org.admin.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type('not the password');
    await page.keyboard.press('Enter');
    const alert = await textOf(page, tid('form-error'));
    assert.ok(alert.length > 0, 'the alert has text');
    assert.equal(new URL(page.url()).hash, '#/login');
    assert.equal(await page.isEnabled(tid('submit')), true, 'submit is enabled again');
  } finally {
    await context.close();
  }
});

test('language switch shows Chinese, is remembered, and defaults from the browser', async () => {
  const { context, page } = await newPage(browser, { locale: 'en-US' });
  try {
    await page.goto(`${server.url}/#/login`);
    assert.equal(await textOf(page, tid('page-title')), 'Sign in');
    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await waitText(page, tid('page-title'), '登录');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.match(await textOf(page, `${tid('login-form')} label`), /邮箱/);
    await page.reload();
    await waitText(page, tid('page-title'), '登录');
    await page.selectOption(tid('lang-switch'), 'en');
    await waitText(page, tid('page-title'), 'Sign in');

    // What was typed survives a switch.
    await page.fill(tid('input-email'), 'typed@example.com');
    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await waitText(page, tid('page-title'), '登录');
    assert.equal(await page.inputValue(tid('input-email')), 'typed@example.com');
    await page.click(tid('to-signup'));
    await page.waitForSelector(tid('signup-form'));
    await page.fill(tid('input-name'), '像素工坊');
    await page.check(tid('choice-kind-partner'));
    await page.check(tid('choice-clouds-gcp'));
    await page.selectOption(tid('lang-switch'), 'en');
    await waitText(page, tid('page-title'), 'Register');
    assert.equal(await page.inputValue(tid('input-name')), '像素工坊');
    assert.equal(await page.isChecked(tid('choice-kind-partner')), true);
    assert.equal(await page.isChecked(tid('choice-clouds-gcp')), true);
    assert.equal(await page.isChecked(tid('choice-clouds-aws')), false);
  } finally {
    await context.close();
  }
  const zh = await newPage(browser, { locale: 'zh-CN' });
  try {
    await zh.page.goto(`${server.url}/`);
    await waitText(zh.page, tid('page-title'), '登录');
  } finally {
    await zh.context.close();
  }
});

test('validation errors appear beside their fields', async () => {
  const { context, page } = await newPage(browser);
  try {
    const org = newOrg('short');
    org.admin.password = 'short';
    await page.goto(`${server.url}/#/signup`);
    await page.waitForSelector(tid('signup-form'));
    await fillSignup(page, org);
    await page.click(tid('submit'));
    const msg = await textOf(page, tid('error-admin.password'));
    assert.match(msg, /8/, `message names the minimum length: ${msg}`);
    assert.equal(await page.getAttribute(tid('input-admin.password'), 'aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.name), 'admin.password', 'focus moves to the field');
    assert.ok((await textOf(page, tid('form-error'))).length > 0, 'problem detail on top of the form');
    assert.equal(await page.isVisible(tid('error-admin.email')), false, 'valid fields carry no error');
    assert.equal(await page.isEnabled(tid('submit')), true);
    assert.equal(new URL(page.url()).hash, '#/signup');

    // Fixing it clears the error and signs up.
    org.admin.password = 'long enough pw';
    await page.fill(tid('input-admin.password'), org.admin.password);
    await page.click(tid('submit'));
    await waitText(page, tid('org-name'), org.name);

    // Same admin email again: a conflict, shown beside admin.email (in Chinese).
    await page.click(tid('logout'));
    await page.waitForSelector(tid('login-form'));
    await page.selectOption(tid('lang-switch'), 'zh-CN');
    await page.click(tid('to-signup'));
    await page.waitForSelector(tid('signup-form'));
    await fillSignup(page, { ...org, name: `${org.name} 2` });
    await page.click(tid('submit'));
    assert.equal(await textOf(page, tid('error-admin.email')), '该邮箱已被注册');
    assert.equal(await page.getAttribute(tid('input-admin.email'), 'aria-invalid'), 'true');
    assert.equal(await page.isVisible(tid('error-admin.password')), false);
  } finally {
    await context.close();
  }
});

test('missing required fields are reported per field', async () => {
  const { context, page } = await newPage(browser);
  try {
    await page.goto(`${server.url}/#/signup`);
    await page.waitForSelector(tid('signup-form'));
    await page.click(tid('submit'));
    for (const f of ['name', 'industry', 'size', 'region', 'admin.email', 'admin.name', 'admin.password']) {
      assert.ok((await textOf(page, tid(`error-${f}`))).length > 0, `error beside ${f}`);
      // The message is announced with its input.
      const described = await page.$eval(tid(`input-${f}`), (el) => (el.getAttribute('aria-describedby') || '').split(' ')
        .map((id) => document.getElementById(id)?.textContent || '').join(' '));
      assert.ok(described.includes(await textOf(page, tid(`error-${f}`))), `${f} is described by its error`);
    }
    const unlabelled = await page.$$eval(`${tid('signup-form')} input, ${tid('signup-form')} select`,
      (els) => els.filter((el) => !el.labels?.length).map((el) => el.name));
    assert.deepEqual(unlabelled, [], 'every control has a label');
  } finally {
    await context.close();
  }
});

test('an org admin adds a member who can then sign in', async () => {
  const { context, page } = await newPage(browser);
  try {
    const org = newOrg('members');
    await signUp(page, org);
    await page.click(tid('nav-members'));
    await page.waitForSelector(tid('add-member-form'));
    await waitText(page, `${tid('members-table')} ${tid('row')}`, org.admin.email);

    const member = { name: 'Zhang San', email: uniqueEmail('member'), password: 'member pass 1' };
    // A short password first: the error sits beside the field.
    await page.fill(`${tid('add-member-form')} ${tid('input-name')}`, member.name);
    await page.fill(`${tid('add-member-form')} ${tid('input-email')}`, member.email);
    await page.fill(`${tid('add-member-form')} ${tid('input-password')}`, 'short');
    await page.click(tid('add-member-submit'));
    await textOf(page, `${tid('add-member-form')} ${tid('error-password')}`);

    await page.fill(`${tid('add-member-form')} ${tid('input-password')}`, member.password);
    await page.click(tid('add-member-submit'));
    await waitText(page, tid('notice'), member.email);
    await waitText(page, `${tid('members-table')} ${tid('row')}`, member.email);
    assert.equal(await page.locator(`${tid('members-table')} ${tid('row')}`).count(), 2);
    assert.equal(await page.inputValue(`${tid('add-member-form')} ${tid('input-email')}`), '', 'form is reset');

    // The member signs in, sees the org, and (not an admin) no add form.
    await page.click(tid('logout'));
    await page.waitForSelector(tid('login-form'));
    await login(page, member.email, member.password);
    await waitText(page, tid('org-name'), org.name);
    await page.click(tid('nav-members'));
    await page.waitForSelector(tid('members-table'));
    await waitText(page, `${tid('members-table')} ${tid('row')}`, org.admin.email);
    assert.equal(await page.isVisible(tid('add-member-form')), false);
    assert.equal(await page.isVisible(tid('nav-orgs')), false, 'no operator pages for enterprises');
  } finally {
    await context.close();
  }
});

test('a deep link asks for sign-in, then opens the page', async () => {
  const { context, page } = await newPage(browser);
  try {
    const org = newOrg('deep');
    await signUp(page, org);
    await page.click(tid('logout'));
    await page.waitForSelector(tid('login-form'));
    await page.goto(`${server.url}/#/members`);
    await page.waitForSelector(tid('login-form'));
    assert.match(new URL(page.url()).hash, /^#\/login\?next=/);
    await login(page, org.admin.email, org.admin.password);
    await page.waitForSelector(tid('add-member-form'));
    assert.equal(new URL(page.url()).hash, '#/members');
  } finally {
    await context.close();
  }
});

test('password change signs out; the new password works, the old does not', async () => {
  const { context, page } = await newPage(browser);
  try {
    const org = newOrg('pw');
    await signUp(page, org);
    await page.click(tid('nav-password'));
    await page.waitForSelector(tid('password-form'));
    await page.fill(tid('input-current_password'), org.admin.password);
    await page.fill(tid('input-new_password'), 'a brand new pass');
    await page.fill(tid('input-confirm'), 'a different pass');
    await page.click(tid('submit'));
    await textOf(page, tid('error-confirm'));

    await page.fill(tid('input-current_password'), 'wrong current pw');
    await page.fill(tid('input-confirm'), 'a brand new pass');
    await page.click(tid('submit'));
    assert.ok((await textOf(page, tid('form-error'))).length > 0, 'wrong current password is reported');
    await textOf(page, tid('error-current_password'));
    assert.equal(new URL(page.url()).hash, '#/password');

    await page.fill(tid('input-current_password'), org.admin.password);
    await page.click(tid('submit'));
    await page.waitForSelector(tid('login-form'));
    await textOf(page, tid('flash'));
    await login(page, org.admin.email, org.admin.password);
    await textOf(page, tid('form-error'));
    await login(page, org.admin.email, 'a brand new pass');
    await waitText(page, tid('org-name'), org.name);
  } finally {
    await context.close();
  }
});

// Last: after every flow above, SIGTERM stops the server with status 0 (under
// AddressSanitizer this also fails when the requests leaked memory).
test('the server stops cleanly on SIGTERM after the browser flows', async () => {
  await browser.close();
  browser = null;
  const code = await server.stop();
  const out = server.output();
  server = null;
  assert.equal(code, 0, `exit status on SIGTERM; server output:\n${out.split('\n').filter((l) => !/ INFO /.test(l)).join('\n')}`);
});
