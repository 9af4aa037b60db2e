// Orders, newest first (GET /orders?limit=&after=): an enterprise's or
// partner's own, every org's for operators. Each opens its order page.
import { h } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { get, qs } from '../lib/api.js';
import { session } from '../lib/session.js';
import { pageHead, card, pagedTable } from '../lib/ui.js';
import { money, discountMoney } from '../lib/format.js';

const PAGE = 20;

export const title = () => t('orders.title');

export function render() {
  const operator = session.user?.role === 'operator';
  const table = pagedTable({
    testid: 'orders-table',
    caption: t('orders.title'),
    empty: t('orders.empty'),
    fetchPage: (after) => get(`/orders${qs({ limit: PAGE, after })}`),
    rowAttrs: (o) => ({ 'data-id': o.id }),
    columns: [
      { label: t('orders.placed'), cls: 'nowrap', cell: (o) => fmtDate(o.created_at, true) },
      { label: t('orders.id'), cell: (o) => h('a', { href: `#/orders/${encodeURIComponent(o.id)}`, testid: 'order-row-link' }, h('code', null, o.id)) },
      operator ? { label: t('orders.org'), cell: (o) => h('a', { href: `#/orgs/${encodeURIComponent(o.org_id)}` }, h('code', null, o.org_id)) } : null,
      { label: t('quote.totalList'), cls: 'num nowrap', cell: (o) => money(o.list, o.currency) },
      { label: t('quote.totalDiscount'), cls: 'num nowrap', cell: (o) => discountMoney(o.discount, o.currency) },
      { label: t('quote.totalFinal'), cls: 'num nowrap strong', cell: (o) => h('span', { testid: 'order-row-total' }, money(o.total, o.currency)) },
    ].filter(Boolean),
  });
  return h('div', { class: 'page', testid: 'orders' },
    pageHead(t('orders.title'), t(operator ? 'orders.leadOperator' : 'orders.lead'),
      operator ? null : h('a', { href: '#/quote', class: 'btn btn-primary btn-sm' }, t('orders.newQuote'))),
    card(null, table.el));
}
