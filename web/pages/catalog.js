// Catalog (everyone signed in): products grouped by category with their list
// prices in the chosen region, and the scenario packs by industry. One fetch
// of regions, products and packs; the region and category filters are local.
// A pack sold in the region can be quoted there (#/quote?pack=…&region=…).
import { h, replace } from '../lib/dom.js';
import { t, tEnum } from '../lib/i18n.js';
import { session } from '../lib/session.js';
import { pageHead, card, badge, loading, errorBox } from '../lib/ui.js';
import { loc, money } from '../lib/format.js';
import {
  loadCatalog, CATEGORIES, BILLING_MODES, PACK_INDUSTRIES, priceOf, modesIn, regionLabel,
  packItemText, packListPrice, packPriceText, quotePackLink,
} from '../lib/catalog.js';
import { canOpen } from '../lib/routes.js';

export const title = () => t('catalog.title');

// Filters survive a re-render (language switch) within the session.
const state = { region: null, category: '' };

function productTable(cat, products, region) {
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('catalog.products') },
    h('table', { class: 'table' },
      h('thead', null, h('tr', null,
        h('th', { scope: 'col' }, t('catalog.product')),
        h('th', { scope: 'col' }, t('catalog.unit')),
        BILLING_MODES.map((m) => h('th', { scope: 'col', class: 'num' }, tEnum('billing', m))))),
      h('tbody', null, products.map((p) => h('tr', { testid: 'product-row', 'data-code': p.code },
        h('td', { 'data-label': t('catalog.product') }, h('span', { class: 'strong' }, loc(p.name)), ' ', h('code', { class: 'code-soft' }, p.code)),
        h('td', { 'data-label': t('catalog.unit'), testid: 'product-unit' }, loc(p.unit)),
        BILLING_MODES.map((m) => {
          const up = priceOf(p, region, m);
          return h('td', { class: 'num nowrap', 'data-label': tEnum('billing', m), testid: `price-${m}` },
            up === undefined ? h('span', { class: 'muted' }, '—') : money(up));
        }))))));
}

function productsSection(cat) {
  const region = state.region;
  const shown = cat.products.filter((p) => modesIn(p, region).length && (!state.category || p.category === state.category));
  if (!shown.length) return card(null, h('p', { class: 'empty', testid: 'empty' }, t('catalog.noProducts')), { testid: 'products' });
  const groups = CATEGORIES.map((c) => [c, shown.filter((p) => p.category === c)]).filter(([, ps]) => ps.length);
  return h('div', { class: 'stack', testid: 'products' }, groups.map(([c, ps]) => card(
    h('span', { class: 'card-title-row' }, tEnum('category', c), badge(String(ps.length))),
    productTable(cat, ps, region), { testid: `category-${c}` })));
}

function packCard(cat, pack, region) {
  const list = packListPrice(cat, pack, region);
  let final;
  if (list !== undefined) final = pack.price != null ? pack.price : Math.round(list * (10000 - (pack.discount_bp || 0)) / 10000);
  return h('article', { class: 'pack', testid: 'pack', 'data-code': pack.code },
    h('div', { class: 'pack-head' },
      h('div', null,
        h('p', { class: 'pack-scenario muted small' }, loc(pack.scenario)),
        h('h3', { class: 'pack-name' }, loc(pack.name))),
      badge(packPriceText(pack), 'accent')),
    loc(pack.description) ? h('p', { class: 'muted small' }, loc(pack.description)) : null,
    h('ul', { class: 'pack-items' }, (pack.items || []).map((it) => h('li', null, packItemText(cat, it)))),
    list !== undefined
      ? h('p', { class: 'pack-price', testid: 'pack-price' },
        final < list ? h('s', { class: 'muted' }, money(list)) : null, ' ', h('span', { class: 'strong' }, money(final)))
      : h('p', { class: 'muted small' }, t('catalog.packNotInRegion')),
    list !== undefined && canOpen('/quote') ? quotePackLink(pack, region) : null);
}

function packsSection(cat) {
  const groups = PACK_INDUSTRIES.map((i) => [i, cat.packs.filter((p) => p.industry === i)]).filter(([, ps]) => ps.length);
  return card(t('catalog.packs'), groups.length
    ? h('div', { class: 'stack' }, groups.map(([ind, ps]) => h('section', { class: 'pack-group', testid: `packs-${ind}` },
      h('h3', { class: 'group-title' }, tEnum('packIndustry', ind)),
      h('div', { class: 'pack-grid' }, ps.map((p) => packCard(cat, p, state.region))))))
    : h('p', { class: 'empty' }, t('catalog.noPacks')), { testid: 'packs' });
}

function view(cat) {
  const body = h('div', { class: 'stack' });
  const draw = () => replace(body, productsSection(cat), packsSection(cat));
  const regionSel = h('select', {
    id: 'catalog-region', testid: 'catalog-region',
    onchange: (e) => { state.region = e.target.value; draw(); },
  }, cat.regions.map((r) => h('option', { value: r.code, selected: r.code === state.region }, regionLabel(cat, r.code))));
  const catSel = h('select', {
    id: 'catalog-category', testid: 'catalog-category',
    onchange: (e) => { state.category = e.target.value; draw(); },
  }, h('option', { value: '' }, t('catalog.allCategories')),
  CATEGORIES.map((c) => h('option', { value: c, selected: c === state.category }, tEnum('category', c))));
  draw();
  return [
    h('div', { class: 'toolbar toolbar-bar card' },
      h('label', { for: 'catalog-region' }, t('catalog.region')), regionSel,
      h('label', { for: 'catalog-category' }, t('catalog.category')), catSel),
    body,
  ];
}

export function render() {
  const slot = h('div', { class: 'stack' }, loading());
  const load = () => {
    replace(slot, loading());
    loadCatalog().then((cat) => {
      if (!cat.regions.some((r) => r.code === state.region)) {
        const home = session.org?.region;
        state.region = cat.regions.some((r) => r.code === home) ? home : cat.regions[0]?.code || '';
      }
      if (!cat.regions.length) replace(slot, card(null, h('p', { class: 'empty', testid: 'empty' }, t('catalog.noRegions'))));
      else replace(slot, view(cat));
    }).catch((err) => replace(slot, errorBox(err, load)));
  };
  load();
  return h('div', { class: 'page', testid: 'catalog' },
    pageHead(t('catalog.title'), t('catalog.lead')),
    slot);
}
