// Home: who I am (GET /me, already loaded into the session) and my org; for
// an enterprise or partner, the campaigns live or coming up and how many of
// their offers apply to it (GET /offers); shortcuts to what each role does.
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtDate, fmtWindow } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { session } from '../lib/session.js';
import { canOpen } from '../lib/routes.js';
import { pageHead, card, facts, badge, loading, errorBox } from '../lib/ui.js';
import { loc, statusBadge, num } from '../lib/format.js';

export const title = () => t('home.title');

function roleBadges(user) {
  return h('span', { class: 'badges' },
    badge(tEnum('role', user.role), 'accent'),
    user.admin ? badge(t('user.admin'), 'ok') : null);
}

function userCard(user) {
  return card(t('home.account'), facts([
    [t('field.name'), user.name, 'user-name'],
    [t('field.email'), user.email, 'user-email'],
    [t('field.role'), roleBadges(user), 'user-role'],
    [t('home.memberSince'), fmtDate(user.created_at)],
  ]), { testid: 'user-card' });
}

function orgCard(org) {
  if (!org) {
    return card(t('home.org'), h('p', { class: 'muted', testid: 'no-org' }, t('home.noOrg')), { testid: 'org-card' });
  }
  const clouds = org.clouds?.length
    ? h('span', { class: 'badges' }, org.clouds.map((c) => badge(tEnum('cloud', c))))
    : t('common.none');
  return card(t('home.org'), facts([
    [t('field.orgName'), org.name, 'org-name'],
    [t('field.kind'), tEnum('kind', org.kind), 'org-kind'],
    [t('field.industry'), tEnum('industry', org.industry), 'org-industry'],
    [t('field.size'), tEnum('size', org.size)],
    [t('field.region'), h('code', null, org.region)],
    [t('field.clouds'), clouds],
    [t('home.orgId'), h('code', null, org.id)],
    [t('home.created'), fmtDate(org.created_at)],
  ]), { testid: 'org-card' });
}

// The shortcuts, in this order, to the pages the user may open (lib/routes.js);
// the wording of some depends on the role.
const SHORTCUTS = [
  ['/campaigns', 'home.goCampaigns', 'go-campaigns'],
  ['/funds', 'home.goFunds', 'go-funds'],
  ['/setup', 'home.goSetup', 'go-setup'],
  ['/quote', (u) => (u.role === 'operator' ? 'home.goPreview' : 'home.goQuote'), 'go-quote'],
  ['/orders', (u) => (u.role === 'operator' ? 'home.goAllOrders' : 'home.goOrders'), 'go-orders'],
  ['/credits', 'home.goCredits', 'go-credits'],
  ['/members', (u) => (u.admin ? 'home.goMembersAdmin' : 'home.goMembers'), 'go-members'],
  ['/orgs', 'home.goOrgs', 'go-orgs'],
  ['/users', 'home.goUsers', 'go-users'],
  ['/password', 'home.goPassword', 'go-password'],
];

function shortcuts(user) {
  const links = SHORTCUTS.filter(([path]) => canOpen(path)).map(([path, key, testid]) =>
    h('li', null, h('a', { href: `#${path}`, testid, class: 'link-row' },
      h('span', null, t(typeof key === 'function' ? key(user) : key)), h('span', { 'aria-hidden': 'true' }, '→'))));
  return card(t('home.shortcuts'), h('ul', { class: 'links' }, links));
}

function program() {
  return card(t('about.title'), [
    h('p', { class: 'muted' }, t('about.lead')),
    h('ul', { class: 'ticks' }, ['campaigns', 'credits', 'experts', 'cocreation'].map((k) => h('li', null, t(`about.${k}`)))),
    h('p', { class: 'muted small' }, t('home.soon')),
  ], { cls: 'card-soft' });
}

// The campaigns live or coming up (live first), each with its window and how
// many of its offers apply to my org, and the way to them.
function campaignsNow(offers) {
  const list = [...(offers?.campaigns || [])]
    .sort((a, b) => (a.campaign?.status === 'live' ? 0 : 1) - (b.campaign?.status === 'live' ? 0 : 1));
  const body = list.length
    ? h('ul', { class: 'links' }, list.map((e) => {
      const c = e.campaign || {};
      const apply = (e.policies || []).filter((p) => p.eligible).length;
      return h('li', { testid: 'home-campaign', 'data-id': c.id },
        h('a', { href: '#/offers', class: 'link-row' },
          h('span', null,
            h('span', { class: 'strong' }, loc(c.name)), ' ', statusBadge(c.status),
            h('span', { class: 'muted small block' }, fmtWindow(c.starts_at, c.ends_at, c.time_zone)),
            h('span', { class: 'small block', testid: 'home-campaign-apply' },
              t('home.offersApply', { n: num(apply), m: num((e.policies || []).length) }))),
          h('span', { 'aria-hidden': 'true' }, '→')));
    }))
    : h('p', { class: 'muted', testid: 'home-no-campaign' }, t('home.nowEmpty'));
  return card(t('home.now'), [body,
    h('p', { class: 'form-actions' },
      h('a', { href: '#/offers', class: 'btn btn-secondary', testid: 'home-offers' }, t('home.goOffers')),
      h('a', { href: '#/quote', class: 'btn btn-primary', testid: 'home-quote' }, t('offers.toQuote')))],
  { testid: 'home-campaigns' });
}

function campaignsSlot() {
  const slot = h('div', null, loading());
  const load = () => get('/offers').then((o) => replace(slot, campaignsNow(o))).catch((err) => replace(slot, errorBox(err, load)));
  load();
  return slot;
}

export function render() {
  const { user, org } = session;
  return h('div', { class: 'page' },
    pageHead(t('home.hello', { name: user.name }), [tEnum('role', user.role), org?.name].filter(Boolean).join(' · ')),
    org
      ? h('div', { class: 'grid-main' },
        h('div', { class: 'stack' }, canOpen('/offers') ? campaignsSlot() : null, orgCard(org), program()),
        h('div', { class: 'stack' }, userCard(user), shortcuts(user)))
      : h('div', { class: 'grid-main' },
        h('div', { class: 'stack' }, userCard(user), program()),
        h('div', { class: 'stack' }, shortcuts(user), orgCard(org))));
}
