// Offers (enterprise, partner): GET /offers — the live and upcoming campaigns
// (who each is for) with my eligibility and the reasons, each policy's effect,
// conditions and limits in words, and the packs with the policies that apply
// to them, each with a way to quote it (#/quote?pack=…).
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtWindow } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { session } from '../lib/session.js';
import { pageHead, card, badge, loading, errorBox } from '../lib/ui.js';
import { loc, effectText, reasonText, statusBadge } from '../lib/format.js';
import {
  loadCatalog, packItemText, packPriceText, packListPrice, conditionsText, limitsText, quotePackLink, regionName,
} from '../lib/catalog.js';

export const title = () => t('offers.title');

function eligibleBadge(ok) {
  return ok ? badge(t('offers.eligible'), 'ok') : badge(t('offers.notEligible'), 'warn');
}

function reasons(list) {
  if (!list?.length) return null;
  return h('ul', { class: 'reasons', testid: 'reasons' }, list.map((r) => h('li', null, reasonText(r))));
}

function scope(c, cat) {
  const parts = [];
  if (c.industries?.length) parts.push([t('campaign.industries'), c.industries.map((i) => tEnum('industry', i)).join(', ')]);
  if (c.sizes?.length) parts.push([t('campaign.sizes'), c.sizes.map((s) => tEnum('size', s)).join(', ')]);
  if (c.regions?.length) parts.push([t('campaign.regions'), c.regions.map((code) => regionName(cat, code)).join(', ')]);
  if (c.new_customer_only) parts.push([t('campaign.newCustomers'), t('common.yes')]);
  return parts.length ? h('p', { class: 'muted small scope' }, parts.map(([k, v]) => h('span', null, `${k}: ${v}`))) : null;
}

function policyRow(entry, cat) {
  const p = entry.policy || {};
  const limits = limitsText(p.limits);
  return h('li', { class: 'policy', testid: 'offer-policy', 'data-id': p.id },
    h('div', { class: 'policy-main' },
      h('span', { class: 'strong' }, loc(p.name)),
      h('span', { class: 'effect', testid: 'effect' }, effectText(p.effect)),
      eligibleBadge(entry.eligible)),
    h('p', { class: 'muted small', testid: 'offer-conditions' }, conditionsText(p.conditions, cat)),
    limits ? h('p', { class: 'muted small' }, limits) : null,
    reasons(entry.reasons));
}

function campaignCard(entry, cat) {
  const c = entry.campaign || {};
  return h('section', { class: 'card offer', testid: 'offer-campaign', 'data-id': c.id, 'aria-label': loc(c.name) },
    h('div', { class: 'offer-head' },
      h('h2', { class: 'card-title' }, loc(c.name)),
      h('span', { class: 'badges' }, statusBadge(c.status), eligibleBadge(entry.eligible))),
    h('p', { class: 'muted', testid: 'offer-window' }, fmtWindow(c.starts_at, c.ends_at, c.time_zone, true)),
    loc(c.description) ? h('p', null, loc(c.description)) : null,
    scope(c, cat),
    reasons(entry.reasons),
    entry.policies?.length
      ? h('div', null, h('h3', { class: 'group-title' }, t('offers.policies')),
        h('ul', { class: 'policies' }, entry.policies.map((p) => policyRow(p, cat))))
      : h('p', { class: 'muted small' }, t('offers.noPolicies')));
}

// Where a policy applies: its campaign's regions and its own ([]: anywhere).
function regionsOf(campaign, policy) {
  const c = campaign.regions || [], p = policy.conditions?.regions || [];
  return !c.length ? p : !p.length ? c : c.filter((r) => p.includes(r));
}

// The region to quote a pack in: for the first of its offers that can be
// had somewhere that sells the pack, the org's home region if it is one of
// them, else the first of them.
function packRegion(cat, pack, policies, policyRegions) {
  const home = session.org?.region;
  const sells = (code) => packListPrice(cat, pack, code) !== undefined;
  for (const id of policies) {
    const list = policyRegions.get(id)?.length ? policyRegions.get(id) : cat.regions.map((r) => r.code);
    if (list.includes(home) && sells(home)) return home;
    const found = list.find(sells);
    if (found) return found;
  }
  return undefined;
}

function packsCard(offers, cat, policyNames, policyRegions) {
  const rows = (offers.packs || []).map((e) => ({ pack: typeof e.pack === 'string' ? cat.pack(e.pack) : e.pack, policies: e.policies || [] }))
    .filter((e) => e.pack)
    .sort((a, b) => (b.policies.length ? 1 : 0) - (a.policies.length ? 1 : 0));
  if (!rows.length) return null;
  return card(t('catalog.packs'), h('div', { class: 'pack-grid' }, rows.map(({ pack, policies }) => h('article', { class: 'pack', testid: 'offer-pack', 'data-code': pack.code },
    h('div', { class: 'pack-head' },
      h('div', null,
        h('p', { class: 'pack-scenario muted small' }, `${tEnum('packIndustry', pack.industry)} · ${loc(pack.scenario)}`),
        h('h3', { class: 'pack-name' }, loc(pack.name))),
      badge(packPriceText(pack), 'accent')),
    h('ul', { class: 'pack-items' }, (pack.items || []).map((it) => h('li', null, packItemText(cat, it)))),
    policies.length
      ? h('p', { class: 'small' }, h('span', { class: 'muted' }, `${t('offers.packPolicies')}: `),
        policies.map((id) => policyNames.get(id) || id).join(', '))
      : null,
    quotePackLink(pack, packRegion(cat, pack, policies, policyRegions))))), { testid: 'offer-packs' });
}

export function render() {
  const slot = h('div', { class: 'stack' }, loading());
  const load = () => {
    replace(slot, loading());
    Promise.all([get('/offers'), loadCatalog()]).then(([offers, cat]) => {
      // Eligible campaigns first, then live before upcoming (the server's order otherwise).
      const rank = (e) => (e.eligible ? 0 : 2) + (e.campaign?.status === 'live' ? 0 : 1);
      const campaigns = [...(offers?.campaigns || [])].sort((a, b) => rank(a) - rank(b));
      const names = new Map(), regions = new Map();
      for (const c of campaigns) {
        for (const p of c.policies || []) {
          if (!p.policy) continue;
          names.set(p.policy.id, loc(p.policy.name));
          regions.set(p.policy.id, regionsOf(c.campaign || {}, p.policy));
        }
      }
      replace(slot,
        campaigns.length
          ? campaigns.map((e) => campaignCard(e, cat))
          : card(null, h('p', { class: 'empty', testid: 'empty' }, t('offers.none'))),
        packsCard(offers || {}, cat, names, regions),
        h('p', null, h('a', { href: '#/quote', class: 'btn btn-primary', testid: 'to-quote' }, t('offers.toQuote'))));
    }).catch((err) => replace(slot, errorBox(err, load)));
  };
  load();
  return h('div', { class: 'page', testid: 'offers' },
    pageHead(t('offers.title'), t('offers.lead')),
    slot);
}
