// cocloud web UI entry: the app shell (top bar, language switch, sign-out)
// and a hash router. Each page is a module under pages/ exporting
// `title()` and `render(ctx)`; add a page by adding a module and a ROUTES row
// (lib/routes.js).
import { h, replace } from './lib/dom.js';
import { t, getLang, setLang, onLangChange, LANGS } from './lib/i18n.js';
import { setUnauthenticatedHandler, getMeta } from './lib/api.js';
import { session, loadSession, signOut, clearSession } from './lib/session.js';
import { loading, errorBox } from './lib/ui.js';
import { saveDrafts } from './lib/form.js';
import { match, permits, canOpen } from './lib/routes.js';

// Top navigation: the links the signed-in user may open (lib/routes.js),
// each named nav.<page> in the dictionaries and nav-<page> for tests.
const NAV = ['/', '/catalog', '/offers', '/quote', '/orders', '/credits', '/campaigns', '/setup',
  '/funds', '/members', '/orgs', '/users', '/password'].map((href) => {
  const page = href.slice(1) || 'home';
  return { href, key: `nav.${page}`, testid: `nav-${page}` };
});

const root = document.getElementById('app');
let seq = 0;
let flashMsg = null;
let lastPath = null;

function parseHash() {
  let raw = location.hash.replace(/^#/, '');
  try { raw = decodeURI(raw); } catch { /* malformed escapes: use as is */ }
  raw = raw || '/';
  const [p, q = ''] = raw.split('?');
  const path = p.startsWith('/') ? p : `/${p}`;
  return { path: path.length > 1 ? path.replace(/\/+$/, '') : path, query: new URLSearchParams(q) };
}

/** Go to `path` ("/orgs"); `replace` keeps it out of the history. */
export function navigate(path, { replace: rep = false } = {}) {
  const target = `#${path}`;
  if (location.hash === target) { render(); return; }
  if (rep) { location.replace(target); } else { location.hash = target; }
}

/** Sign-in, then back to `path` with its query (a quote's pack, say). */
function toLogin(path, query, rep) {
  const where = `${path}${String(query) ? `?${query}` : ''}`;
  navigate(`/login${where === '/' ? '' : `?next=${encodeURIComponent(where)}`}`, { replace: rep });
}

/** A message shown once at the top of the next page. */
export function flash(text, tone = 'ok') { flashMsg = { text, tone }; }

function langSwitch() {
  const id = 'lang-switch';
  return h('div', { class: 'lang' },
    h('label', { for: id, class: 'sr-only' }, t('app.language')),
    h('span', { class: 'lang-icon', 'aria-hidden': 'true' }, '文A'),
    h('select', { id, testid: 'lang-switch', onchange: (e) => setLang(e.target.value) },
      LANGS.map((l) => h('option', { value: l.code, selected: l.code === getLang(), lang: l.code }, l.label))));
}

function brand() {
  return h('a', { class: 'brand', href: session.user ? '#/' : '#/login', testid: 'brand' },
    h('img', { src: '/favicon.svg', alt: '', width: 28, height: 28 }),
    h('span', { class: 'brand-name' }, 'cocloud'),
    h('span', { class: 'brand-tag' }, t('app.tagline')));
}

function skipLink(main) {
  return h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); main.focus(); } }, t('app.skip'));
}

function shell(path, main) {
  if (!session.user) {
    return [skipLink(main), h('header', { class: 'topbar topbar-guest' },
      h('div', { class: 'topbar-inner' }, brand(), h('div', { class: 'topbar-end' }, langSwitch()))),
    main, footer()];
  }
  const section = `/${path.split('/')[1] || ''}`;
  const links = NAV.filter((n) => canOpen(n.href)).map((n) => h('a', {
    href: `#${n.href}`, class: 'nav-link', testid: n.testid,
    'aria-current': section === n.href ? 'page' : null,
  }, t(n.key)));
  const logout = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', testid: 'logout' }, t('nav.logout'));
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    try { await signOut(); } catch { /* signed out locally anyway */ }
    flash(t('auth.signedOut'));
    navigate('/login');
  });
  return [skipLink(main), h('header', { class: 'topbar' },
    h('div', { class: 'topbar-inner' },
      brand(),
      h('nav', { class: 'nav', 'aria-label': t('nav.label') }, links),
      h('div', { class: 'topbar-end' },
        langSwitch(),
        h('span', { class: 'who', testid: 'who', title: session.user.email }, session.user.name),
        logout))),
  main, footer()];
}

let version = '';
function footer() {
  return h('footer', { class: 'footer' },
    h('span', null, `cocloud${version ? ` ${version}` : ''}`), h('span', { 'aria-hidden': 'true' }, ' · '),
    h('span', null, t('app.footer')));
}

/** Render the route in the hash. `focusId`: element to focus afterwards (else autofocus or main). */
async function render({ focusId } = {}) {
  const my = ++seq;
  const { path, query } = parseHash();
  const found = match(path);
  const route = found?.route;
  if (route?.access === 'guest' && session.user) return navigate('/', { replace: true });
  if (route && route.access !== 'guest' && !session.user) return toLogin(path, query, true);
  if (!found && !session.user) return navigate('/login', { replace: true });

  const main = h('main', { id: 'main', class: `main ${route?.access === 'guest' ? 'main-guest' : ''}`, tabindex: '-1' });
  const navigated = lastPath !== null && lastPath !== path;
  lastPath = path;
  replace(root, shell(path, main));
  const msg = flashMsg;
  flashMsg = null;
  const flashEl = msg ? h('div', { class: `alert alert-${msg.tone} flash`, role: 'status', testid: 'flash' },
    h('p', { class: 'alert-title' }, msg.text)) : null;

  let mod = 'notfound';
  if (route && permits(route)) mod = route.page;
  else if (route) mod = 'forbidden';
  replace(main, flashEl, loading());
  try {
    const page = await import(`./pages/${mod}.js`);
    if (my !== seq) return;
    const ctx = { params: found?.params || {}, query, path, navigate, flash, rerender: () => render() };
    const node = page.render(ctx);
    replace(main, flashEl, node);
    document.title = `${page.title ? `${page.title(ctx)} · ` : ''}cocloud`;
  } catch (err) {
    if (my !== seq) return;
    replace(main, flashEl, errorBox(err, () => render()));
  }
  const keep = focusId && document.getElementById(focusId);
  const auto = main.querySelector('[data-autofocus]');
  if (keep) keep.focus();
  else if (auto) auto.focus();
  else if (navigated) main.focus({ preventScroll: true });
  if (navigated) window.scrollTo(0, 0);
}

setUnauthenticatedHandler(() => {
  if (!session.user) return;
  clearSession();
  flash(t('auth.expired'), 'warn');
  const { path, query } = parseHash();
  toLogin(path, query, false);
});

onLangChange(() => {
  const main = document.getElementById('main');
  if (main) saveDrafts(main);
  // Keep keyboard focus on the switch the user just changed.
  render({ focusId: document.activeElement?.id === 'lang-switch' ? 'lang-switch' : null });
});
window.addEventListener('hashchange', () => render());

async function boot() {
  try {
    await loadSession();
  } catch (err) {
    replace(root, h('main', { class: 'main main-guest', id: 'main' }, errorBox(err, boot)));
    return;
  }
  getMeta().then((m) => { if (m?.version) { version = m.version; for (const f of document.querySelectorAll('.footer span:first-child')) f.textContent = `cocloud ${version}`; } }).catch(() => {});
  render();
}

boot();
