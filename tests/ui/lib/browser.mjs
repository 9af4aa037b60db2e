// Headless Debian Chromium through playwright-core (no downloaded browsers),
// plus small page helpers shared by the UI tests.
import { chromium } from 'playwright-core';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: ARGS,
  });
}

let n = 0;
/** A unique, valid email address. */
export function uniqueEmail(tag = 'user') {
  n += 1;
  return `${tag}-${process.pid}-${Date.now().toString(36)}-${n}@example.com`;
}

/** A fresh browser context (own cookies and storage) with `locale` (and
 * `timezoneId`, else the machine's), and a page in it. */
export async function newPage(browser, { locale = 'en-US', timezoneId } = {}) {
  const context = await browser.newContext({ locale, timezoneId, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  // 4xx answers are expected (401 on /me when signed out, 422...); Chromium logs them as errors.
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(new Error(m.text())); });
  return { context, page, errors };
}

export const tid = (id) => `[data-testid="${id}"]`;

/** Fill the sign-up form; `org` overrides the defaults. */
export async function fillSignup(page, org) {
  await page.fill(tid('input-name'), org.name);
  await page.check(tid(`choice-kind-${org.kind || 'enterprise'}`));
  await page.selectOption(tid('input-industry'), org.industry || 'gaming');
  await page.selectOption(tid('input-size'), org.size || 'small');
  await page.fill(tid('input-region'), org.region || 'cn-north-4');
  for (const c of org.clouds || []) await page.check(tid(`choice-clouds-${c}`));
  await page.fill(tid('input-admin.name'), org.admin.name);
  await page.fill(tid('input-admin.email'), org.admin.email);
  await page.fill(tid('input-admin.password'), org.admin.password);
}

/** Sign in through the login form (the page must show it). */
export async function login(page, email, password) {
  await page.fill(tid('input-email'), email);
  await page.fill(tid('input-password'), password);
  await page.click(tid('submit'));
}

/** Wait until the element matching `selector` is visible and its text contains `text`. */
export async function waitText(page, selector, text, timeout = 10000) {
  await page.locator(selector).filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
}

/** The trimmed text of the first element matching `selector` once visible. */
export async function textOf(page, selector, timeout = 10000) {
  const loc = page.locator(selector).first();
  await loc.waitFor({ state: 'visible', timeout });
  return (await loc.textContent()).trim();
}
