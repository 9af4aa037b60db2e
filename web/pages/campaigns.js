// Operators: every campaign, newest first (GET /campaigns, drafts included),
// with its status; a link to create one.
import { h } from '../lib/dom.js';
import { t, tEnum, fmtWindow } from '../lib/i18n.js';
import { get, qs } from '../lib/api.js';
import { pageHead, card, pagedTable, badge } from '../lib/ui.js';
import { loc, statusBadge } from '../lib/format.js';

const PAGE = 20;

export const title = () => t('campaigns.title');

export function render() {
  const table = pagedTable({
    testid: 'campaigns-table',
    caption: t('campaigns.title'),
    empty: t('campaigns.empty'),
    fetchPage: (after) => get(`/campaigns${qs({ limit: PAGE, after })}`),
    columns: [
      { label: t('campaign.name'), cell: (c) => h('a', { href: `#/campaigns/${encodeURIComponent(c.id)}`, class: 'strong', testid: 'campaign-link' }, loc(c.name)) },
      { label: t('campaign.window'), cls: 'nowrap', cell: (c) => fmtWindow(c.starts_at, c.ends_at, c.time_zone) },
      { label: t('campaign.industries'), cell: (c) => (c.industries?.length ? c.industries.map((i) => tEnum('industry', i)).join(', ') : h('span', { class: 'muted' }, t('common.all'))) },
      { label: t('campaign.status'), cls: 'nowrap', cell: (c) => h('span', { class: 'badges' }, statusBadge(c.status), c.new_customer_only ? badge(t('campaign.newOnlyShort')) : null) },
    ],
  });
  return h('div', { class: 'page', testid: 'campaigns' },
    pageHead(t('campaigns.title'), t('campaigns.lead'),
      h('a', { href: '#/campaigns/new', class: 'btn btn-primary', testid: 'new-campaign' }, `+ ${t('campaigns.new')}`)),
    card(null, table.el, { testid: 'campaigns-list' }));
}
