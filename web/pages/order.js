// One order (GET /orders/{id}) with the lines of the quote it took
// (GET /quotes/{quote_id}): what was bought, at which prices, with which
// offers. Another org's order is not found.
import { h, replace } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { get } from '../lib/api.js';
import { pageHead, card, facts, loading, errorBox } from '../lib/ui.js';
import { money } from '../lib/format.js';
import { loadCatalog } from '../lib/catalog.js';
import { quoteLines } from '../lib/quoteview.js';

export const title = () => t('order.title');

function page(o, q, cat) {
  return h('div', { class: 'page', testid: 'order' },
    pageHead(t('order.titleId', { id: o.id }), t('order.lead'),
      h('a', { href: '#/orders', class: 'btn btn-secondary btn-sm' }, t('order.back'))),
    card(t('order.summary'), facts([
      [t('orders.placed'), fmtDate(o.created_at, true), 'order-placed-at'],
      [t('order.quote'), h('code', null, o.quote_id), 'order-quote'],
      [t('quote.totalFinal'), h('span', { class: 'total-final' }, money(o.total, o.currency)), 'order-total'],
    ])),
    card(t('order.lines'), quoteLines(cat, q), { testid: 'order-lines' }));
}

export function render(ctx) {
  const slot = h('div', null, loading());
  const load = () => {
    replace(slot, loading());
    get(`/orders/${encodeURIComponent(ctx.params.id)}`)
      .then((o) => Promise.all([get(`/quotes/${encodeURIComponent(o.quote_id)}`), loadCatalog()])
        .then(([q, cat]) => replace(slot, page(o, q, cat))))
      .catch((err) => replace(slot, errorBox(err, err.status === 404 ? null : load)));
  };
  load();
  return slot;
}
