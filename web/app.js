// cocloud web UI entry: the app shell (top bar, language switch, sign-out)
// and a hash router. Each page is a module under pages/ exporting
// `title()` and `render(ctx)`; add a page by adding a module and a ROUTES row.
import { h, replace } from './lib/dom.js';
import { t, getLang, setLang, onLangChange, LANGS } from './lib/i18n.js';
import { setUnauthenticatedHandler, getMeta } from './lib/api.js';
import { session, loadSession, signOut, clearSession } from './lib/session.js';
import { loading, errorBox } from './lib/ui.js';
import { saveDrafts } from './lib/form.js';

// access: 'guest' = only when signed out; otherwise a session is required.
// roles: allowed user roles; when(): extra condition (e.g. belongs to an org).
const ROUTES = [
  { path: '/login', page: 'login', access: 'guest' },
  { path: '/signup', page: 'signup', access: 'guest' },
  { path: '/', page: 'home' },
  { path: '/members', page: 'members', when: () => !!session.org },
  { path: '/orgs', page: 'orgs', roles: ['operator'] },
  { path: '/orgs/:id', page: 'members', roles: ['operator'] },
  { path: '/users', page: 'users', roles: ['operator'] },
  { path: '/catalog', page: 'catalog' },
  { path: '/offers', page: 'offers', roles: ['enterprise', 'partner'] },
  { path: '/quote', page: 'quote', roles: ['enterprise', 'partner', 'operator'] },
  { path: '/orders', page: 'orders', roles: ['enterprise', 'partner', 'operator'] },
  { path: '/orders/:id', page: 'order', roles: ['enterprise', 'partner', 'operator'] },
  { path: '/campaigns', page: 'campaigns', roles: ['operator'] },
  { path: '/campaigns/:id', page: 'campaign', roles: ['operator'] },
  { path: '/setup', page: 'setup', roles: ['operator'] },
  { path: '/credits', page: 'credits', roles: ['enterprise'] },
  { path: '/funds', page: 'funds', roles: ['operator'] },
  { path: '/funds/:id', page: 'fund', roles: ['operator'] },
  { path: '/funds/:id/drops/:drop', page: 'drop', roles: ['operator'] },
  { path: '/password', page: 'password' },
];

const hasRole = (...roles) => () => roles.includes(session.user?.role);

// Top navigation; `show` decides visibility for the signed-in user.
const NAV = [
  { href: '/', key: 'nav.home', testid: 'nav-home' },
  { href: '/catalog', key: 'nav.catalog', testid: 'nav-catalog' },
  { href: '/offers', key: 'nav.offers', testid: 'nav-offers', show: hasRole('enterprise', 'partner') },
  { href: '/quote', key: 'nav.quote', testid: 'nav-quote', show: hasRole('enterprise', 'partner', 'operator') },
  { href: '/orders', key: 'nav.orders', testid: 'nav-orders', show: hasRole('enterprise', 'partner', 'operator') },
  { href: '/credits', key: 'nav.credits', testid: 'nav-credits', show: hasRole('enterprise') },
  { href: '/campaigns', key: 'nav.campaigns', testid: 'nav-campaigns', show: hasRole('operator') },
  { href: '/setup', key: 'nav.setup', testid: 'nav-setup', show: hasRole('operator') },
  { href: '/funds', key: 'nav.funds', testid: 'nav-funds', show: hasRole('operator') },
  { href: '/members', key: 'nav.members', testid: 'nav-members', show: () => !!session.org },
  { href: '/orgs', key: 'nav.orgs', testid: 'nav-orgs', show: hasRole('operator') },
  { href: '/users', key: 'nav.users', testid: 'nav-users', show: hasRole('operator') },
  { href: '/password', key: 'nav.password', testid: 'nav-password' },
];

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

function match(path) {
  for (const r of ROUTES) {
    const names = [];
    const re = new RegExp(`^${r.path.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; })}$`);
    const m = re.exec(path);
    if (m) return { route: r, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

/** Go to `path` ("/orgs"); `replace` keeps it out of the history. */
export function navigate(path, { replace: rep = false } = {}) {
  const target = `#${path}`;
  if (location.hash === target) { render(); return; }
  if (rep) { location.replace(target); } else { location.hash = target; }
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
  const links = NAV.filter((n) => !n.show || n.show()).map((n) => h('a', {
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
  if (route && route.access !== 'guest' && !session.user) {
    const next = path === '/' ? '' : `?next=${encodeURIComponent(path)}`;
    return navigate(`/login${next}`, { replace: true });
  }
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
  const allowed = route && (!route.roles || route.roles.includes(session.user?.role)) && (!route.when || route.when());
  if (route && allowed) mod = route.page;
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
  navigate('/login');
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
