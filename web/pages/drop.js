// Operators: one credit drop (GET /drops/{id}) and every claim on it
// (GET /drops/{id}/claims), newest first.
import { h, replace } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { get, qs } from '../lib/api.js';
import { pageHead, card, facts, loading, errorBox, pagedTable } from '../lib/ui.js';
import { loc, money, num } from '../lib/format.js';
import { dropStatusBadge, placesMeter, windowText, audienceText } from '../lib/credit.js';

const PAGE = 20;

export const title = () => t('drop.title');

function dropFacts(d) {
  return card(t('drop.summary'), [
    placesMeter(d),
    facts([
      [t('credit.status'), dropStatusBadge(d.status), 'drop-status'],
      [t('credit.perClaim'), money(d.amount, d.currency), 'drop-amount'],
      [t('drop.quantity'), num(d.quantity)],
      [t('drop.claimed'), num(d.claimed), 'drop-claimed'],
      [t('drop.remaining'), num(d.remaining), 'drop-remaining'],
      [t('drop.released'), num(d.released), 'drop-released'],
      [t('credit.window'), windowText(d)],
      [t('drop.audience'), audienceText(d)],
      [t('drop.grantDays'), num(d.grant_days)],
      [t('drop.shards'), num(d.shards)],
      [t('drop.id'), h('code', null, d.id)],
    ]),
  ], { testid: 'drop-facts' });
}

function page(d) {
  const claims = pagedTable({
    testid: 'claims-table',
    caption: t('drop.claims'),
    empty: t('drop.claimsEmpty'),
    fetchPage: (after) => get(`/drops/${encodeURIComponent(d.id)}/claims${qs({ limit: PAGE, after })}`),
    rowAttrs: (c) => ({ 'data-id': c.id }),
    columns: [
      { label: t('drop.claimedAt'), cls: 'nowrap', cell: (c) => fmtDate(c.created_at, true) },
      { label: t('ledger.org'), cell: (c) => h('a', { href: `#/orgs/${encodeURIComponent(c.org_id)}`, class: 'id-link', title: c.org_id, testid: 'claim-org' }, c.org_id) },
      { label: t('drop.user'), cell: (c) => h('span', { class: 'id-link', title: c.user_id }, c.user_id) },
    ],
  });
  return h('div', { class: 'page', testid: 'drop' },
    pageHead(loc(d.name), t('drop.lead'),
      h('a', { href: `#/funds/${encodeURIComponent(d.fund_id)}`, class: 'btn btn-secondary btn-sm', testid: 'back-fund' }, `← ${t('fund.fundTitle')}`)),
    h('div', { class: 'grid-main' },
      card(t('drop.claims'), claims.el, { testid: 'drop-claims' }),
      dropFacts(d)));
}

export function render(ctx) {
  const slot = h('div', null, loading());
  const load = () => {
    replace(slot, loading());
    get(`/drops/${encodeURIComponent(ctx.params.drop)}`)
      .then((d) => replace(slot, page(d)))
      .catch((err) => replace(slot, errorBox(err, err.status === 404 ? null : load)));
  };
  load();
  return slot;
}
