// A quote's lines and totals as the quote page shows a fresh quote and the
// order page shows an ordered one: per line the item, its list price, the
// offers applied with their amounts and the final price; then the totals.
// Policy names come from the quote itself (a policy deleted since shows its
// id).
import { h } from './dom.js';
import { t, tEnum } from './i18n.js';
import { facts, badge } from './ui.js';
import { loc, money, num, discountMoney } from './format.js';
import { periodText } from './catalog.js';

function lineItem(cat, line) {
  if (line.pack) {
    const p = cat.pack(line.pack);
    return h('div', null, h('span', { class: 'strong' }, p ? loc(p.name) : line.pack), ' ', badge(t('quote.kindPack')),
      h('p', { class: 'muted small' }, `${t('quote.packsN', { n: num(line.quantity) })} · ${line.region}`));
  }
  const p = cat.product(line.product);
  return h('div', null, h('span', { class: 'strong' }, p ? loc(p.name) : line.product),
    h('p', { class: 'muted small' }, [`${num(line.quantity)} × ${loc(p?.unit) || ''}`.trim(), tEnum('billing', line.billing_mode), periodText(line), line.region].filter(Boolean).join(' · ')));
}

function appliedItem(a, currency) {
  const label = a.name ? loc(a.name) : (a.source === 'pack' || !a.policy ? t('quote.packPrice') : a.policy);
  const kind = t(`effectKind.${a.effect}`);
  return h('li', { testid: 'applied' },
    h('span', null, label), ' ', kind !== label ? h('span', { class: 'muted small' }, `(${kind})`) : null, ' ',
    h('span', { class: 'discount nowrap', testid: 'applied-amount' }, discountMoney(a.amount, currency)));
}

/** The lines of quote q as a table, then its totals: [table, totals]. */
export function quoteLines(cat, q) {
  const lines = q.lines || [];
  const table = h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('quote.lines') },
    h('table', { class: 'table quote-table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, '#'),
        h('th', { scope: 'col' }, t('quote.item')),
        h('th', { scope: 'col', class: 'num' }, t('quote.listPrice')),
        h('th', { scope: 'col' }, t('quote.applied')),
        h('th', { scope: 'col', class: 'num' }, t('quote.finalPrice')))),
      h('tbody', null, lines.map((l) => h('tr', { testid: 'quote-line' },
        h('td', { 'data-label': '#' }, String((l.index ?? 0) + 1)),
        h('td', { 'data-label': t('quote.item') }, lineItem(cat, l)),
        h('td', { class: 'num nowrap', 'data-label': t('quote.listPrice'), testid: 'line-list' }, money(l.list_price, q.currency)),
        h('td', { 'data-label': t('quote.applied') }, l.applied?.length
          ? h('ul', { class: 'applied' }, l.applied.map((a) => appliedItem(a, q.currency)))
          : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'num nowrap strong', 'data-label': t('quote.finalPrice'), testid: 'line-final' }, money(l.final_price, q.currency)))))));
  const tot = q.totals || {};
  const totals = h('div', { class: 'totals', testid: 'totals' }, facts([
    [t('quote.totalList'), money(tot.list, q.currency), 'total-list'],
    [t('quote.totalDiscount'), discountMoney(tot.discount, q.currency), 'total-discount'],
    [t('quote.totalFinal'), h('span', { class: 'total-final' }, money(tot.final, q.currency)), 'total-final'],
  ]));
  return [table, totals];
}
