// Home: who I am (GET /me, already loaded into the session) and my org.
import { h } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { session } from '../lib/session.js';
import { pageHead, card, facts, badge } from '../lib/ui.js';

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

function shortcuts(user, org) {
  const links = [];
  if (org) links.push(['#/members', user.admin ? t('home.goMembersAdmin') : t('home.goMembers'), 'go-members']);
  if (user.role === 'operator') {
    links.push(['#/orgs', t('home.goOrgs'), 'go-orgs']);
    links.push(['#/users', t('home.goUsers'), 'go-users']);
  }
  links.push(['#/password', t('home.goPassword'), 'go-password']);
  return card(t('home.shortcuts'), h('ul', { class: 'links' },
    links.map(([href, text, testid]) => h('li', null, h('a', { href, testid, class: 'link-row' }, h('span', null, text), h('span', { 'aria-hidden': 'true' }, '→'))))));
}

function program() {
  return card(t('about.title'), [
    h('p', { class: 'muted' }, t('about.lead')),
    h('ul', { class: 'ticks' }, ['campaigns', 'credits', 'experts', 'cocreation'].map((k) => h('li', null, t(`about.${k}`)))),
    h('p', { class: 'muted small' }, t('home.soon')),
  ], { cls: 'card-soft' });
}

export function render() {
  const { user, org } = session;
  return h('div', { class: 'page' },
    pageHead(t('home.hello', { name: user.name }), [tEnum('role', user.role), org?.name].filter(Boolean).join(' · ')),
    org
      ? h('div', { class: 'grid-main' },
        h('div', { class: 'stack' }, orgCard(org), program()),
        h('div', { class: 'stack' }, userCard(user), shortcuts(user, org)))
      : h('div', { class: 'grid-main' },
        h('div', { class: 'stack' }, userCard(user), program()),
        h('div', { class: 'stack' }, shortcuts(user, org), orgCard(org))));
}
