// The catalog as the pages need it: regions, every product and every pack
// (GET /regions, /products (all pages), /packs), with lookups and wording for
// prices, billing modes and pack items. Fetched fresh by each page.
import { get, qs } from './api.js';
import { h } from './dom.js';
import { t, tEnum } from './i18n.js';
import { loc, money, num, percent, fetchAll } from './format.js';

export const CATEGORIES = ['compute', 'container', 'storage', 'network', 'cdn', 'database', 'ai', 'media',
  'analytics', 'middleware', 'devops', 'security', 'other'];
export const BILLING_MODES = ['on_demand', 'monthly', 'yearly'];
export const PACK_INDUSTRIES = ['ecommerce', 'gaming', 'mobility', 'media', 'education', 'fintech', 'other', 'overseas'];

/** Load regions, products and packs: {regions, products, packs, product(code), pack(id), region(code)}. */
export async function loadCatalog({ packs = true } = {}) {
  const [regions, products, packList] = await Promise.all([
    get('/regions').then((r) => r?.items || []),
    fetchAll((after) => get(`/products${qs({ limit: 100, after })}`)),
    packs ? get('/packs').then((r) => r?.items || []) : [],
  ]);
  const byCode = new Map(products.map((p) => [p.code, p]));
  const byId = new Map(packList.map((p) => [p.id, p]));
  const byRegion = new Map(regions.map((r) => [r.code, r]));
  return {
    regions, products, packs: packList,
    product: (code) => byCode.get(code),
    pack: (id) => byId.get(id),
    region: (code) => byRegion.get(code),
  };
}

/** The unit price of `product` in `region` for `mode`, or undefined. */
export function priceOf(product, region, mode) {
  return product?.prices?.find((p) => p.region === region && p.billing_mode === mode)?.unit_price;
}

/** Billing modes of `product` priced in `region`, in catalog order. */
export function modesIn(product, region) {
  return BILLING_MODES.filter((m) => priceOf(product, region, m) !== undefined);
}

/** "¥299.00 / instance · month" */
export function unitPriceText(product, mode, unitPrice) {
  return t(`price.per.${mode}`, { price: money(unitPrice), unit: loc(product?.unit) || '' });
}

/** A region's name in the current language, or its code when unknown. */
export function regionName(cat, code) {
  return loc(cat.region(code)?.name) || code;
}

/** A region's name in the current language with its code: "CN North-Beijing4 (cn-north-4)". */
export function regionLabel(cat, code) {
  const r = cat.region(code);
  return r ? `${loc(r.name)} (${code})` : code;
}

/** The period of a line or pack item in words: "12 months", "720 hours", "1 year". */
export function periodText(item) {
  if (item.hours != null) return t('period.hours', { n: num(item.hours) });
  if (item.months != null) {
    if (item.billing_mode === 'yearly' && item.months % 12 === 0) return t('period.years', { n: num(item.months / 12) });
    return t('period.months', { n: num(item.months) });
  }
  return '';
}

/** A pack item in words: "4 × General-purpose ECS · monthly · 1 month". */
export function packItemText(cat, item) {
  const p = cat.product(item.product);
  return [`${num(item.quantity)} × ${p ? loc(p.name) : item.product}`, tEnum('billing', item.billing_mode), periodText(item)]
    .filter(Boolean).join(' · ');
}

/** The list price of one pack in `region` (sum of its items), or undefined when an item has no price there. */
export function packListPrice(cat, pack, region) {
  let sum = 0;
  for (const it of pack.items || []) {
    const up = priceOf(cat.product(it.product), region, it.billing_mode);
    if (up === undefined) return undefined;
    const periods = it.billing_mode === 'on_demand' ? (it.hours || 0) : it.billing_mode === 'yearly' ? (it.months || 12) / 12 : (it.months || 1);
    sum += up * it.quantity * periods;
  }
  return sum;
}

/** A pack's own price in words: "Pack price ¥999.00" or "20% off the items". */
export function packPriceText(pack) {
  if (pack.price != null) return t('pack.fixedPrice', { price: money(pack.price) });
  if (pack.discount_bp != null) return t('pack.discount', { pct: percent(pack.discount_bp) });
  return '—';
}

/** A policy's conditions in words ("Products: RDS · Billing: Monthly · from 2 units"), or "Any line". */
export function conditionsText(cond, cat) {
  if (!cond) return '—';
  const parts = [];
  const list = (key, label, fmt) => { if (cond[key]?.length) parts.push(`${label}: ${cond[key].map(fmt).join(', ')}`); };
  list('products', t('policy.products'), (c) => (cat.product(c) ? loc(cat.product(c).name) : c));
  list('categories', t('policy.categories'), (c) => tEnum('category', c));
  list('packs', t('policy.packs'), (id) => (cat.pack(id) ? loc(cat.pack(id).name) : id));
  list('billing_modes', t('policy.billingModes'), (m) => tEnum('billing', m));
  list('order_types', t('policy.orderTypes'), (o) => t(`quote.orderType_${o}`));
  list('regions', t('campaign.regions'), (r) => regionName(cat, r));
  list('industries', t('campaign.industries'), (i) => tEnum('industry', i));
  list('sizes', t('campaign.sizes'), (s) => tEnum('size', s));
  if (cond.new_customer_only) parts.push(t('campaign.newOnlyShort'));
  if (cond.min_quantity) parts.push(t('policy.minQuantityN', { n: num(cond.min_quantity) }));
  if (cond.min_line_amount) parts.push(t('policy.minLineN', { v: money(cond.min_line_amount) }));
  if (cond.min_order_amount) parts.push(t('policy.minOrderN', { v: money(cond.min_order_amount) }));
  return parts.length ? parts.join(' · ') : t('policy.anyLine');
}

/** A policy's limits in words ("2 per organization · budget ¥500,000.00"), or null when it has none. */
export function limitsText(l) {
  const parts = [];
  if (l?.per_org) parts.push(t('policy.perOrgN', { n: num(l.per_org) }));
  if (l?.total) parts.push(t('policy.totalN', { n: num(l.total) }));
  if (l?.budget) parts.push(t('policy.budgetN', { v: money(l.budget) }));
  return parts.length ? parts.join(' · ') : null;
}

/** "Quote this pack": a link to the quote page that adds the pack, priced in `region` (if given). */
export function quotePackLink(pack, region) {
  return h('p', { class: 'pack-actions' }, h('a', {
    href: `#/quote${qs({ pack: pack.id, region })}`, class: 'btn btn-secondary btn-sm', testid: 'quote-pack',
  }, t('pack.quote')));
}
