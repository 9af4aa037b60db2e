// Operators: every org, cursor-paginated (GET /orgs?limit=&after=).
import { h } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { get, qs } from '../lib/api.js';
import { pageHead, card, pagedTable, badge } from '../lib/ui.js';

const PAGE = 20;

export const title = () => t('orgs.title');

export function render() {
  const table = pagedTable({
    testid: 'orgs-table',
    caption: t('orgs.title'),
    empty: t('orgs.empty'),
    fetchPage: (after) => get(`/orgs${qs({ limit: PAGE, after })}`),
    columns: [
      { label: t('field.orgName'), cell: (o) => h('a', { href: `#/orgs/${encodeURIComponent(o.id)}`, class: 'strong', testid: 'org-link' }, o.name) },
      { label: t('field.kind'), cell: (o) => badge(tEnum('kind', o.kind), o.kind === 'partner' ? 'warn' : 'accent') },
      { label: t('field.industry'), cell: (o) => tEnum('industry', o.industry) },
      { label: t('field.size'), cell: (o) => tEnum('size', o.size) },
      { label: t('field.region'), cell: (o) => h('code', null, o.region) },
      { label: t('home.created'), cls: 'nowrap', cell: (o) => fmtDate(o.created_at) },
    ],
  });
  return h('div', { class: 'page' },
    pageHead(t('orgs.title'), t('orgs.lead')),
    card(null, table.el, { testid: 'orgs' }));
}
