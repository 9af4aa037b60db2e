// Operators: catalog set-up, kept plain. Regions (list, POST /regions),
// products (list, POST /products, PATCH /products/{code} with the prices
// table) and scenario packs (list, POST /packs). Prices are typed in yuan.
import { h, replace } from '../lib/dom.js';
import { t, tEnum } from '../lib/i18n.js';
import { post, request } from '../lib/api.js';
import { input, select, textarea, choices, formAlert, submitButton, onSubmit, setFieldError } from '../lib/form.js';
import { pageHead, card, loading, errorBox, notice } from '../lib/ui.js';
import { loc, parseMoney, moneyInput, parsePercent } from '../lib/format.js';
import { rowsEditor } from '../lib/rows.js';
import { loadCatalog, CATEGORIES, BILLING_MODES, PACK_INDUSTRIES, packItemText, packPriceText } from '../lib/catalog.js';

export const title = () => t('setup.title');

const int = (v) => {
  if (v == null || String(v).trim() === '') return undefined;
  const s = String(v).trim();
  return /^\d{1,12}$/.test(s) ? Number(s) : s;
};

function table(label, heads, rows, testid) {
  if (!rows.length) return h('p', { class: 'empty', testid: 'empty' }, t('common.empty'));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label },
    h('table', { class: 'table', testid },
      h('thead', null, h('tr', null, heads.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', null, rows.map((cells) => h('tr', { testid: 'row' }, cells.map((c, i) => h('td', { 'data-label': heads[i] }, c)))))));
}

// --- regions

function regionsCard(cat, reload) {
  const done = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', testid: 'region-form' },
    formAlert(),
    h('div', { class: 'grid-2' },
      input('code', t('setup.code'), { required: true, maxlength: 64, placeholder: 'cn-north-4' }),
      select('area', t('setup.area'), ['domestic', 'overseas'].map((a) => ({ value: a, label: tEnum('area', a) })), { value: 'domestic' }),
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200 }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200 })),
    h('div', { class: 'form-actions' }, submitButton(t('setup.addRegion'), 'region-submit')));
  onSubmit(form, async (b) => {
    const r = await post('/regions', { code: b.code, area: b.area, name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' } });
    reload(t('setup.regionAdded', { name: loc(r?.name) }));
  });
  return card(t('setup.regions'), [
    done,
    table(t('setup.regions'), [t('setup.code'), t('field.name'), t('setup.area')],
      cat.regions.map((r) => [h('code', null, r.code), loc(r.name), tEnum('area', r.area)]), 'regions-table'),
    h('h3', { class: 'group-title' }, t('setup.newRegion')),
    form,
  ], { testid: 'setup-regions' });
}

// --- products

function productForm(p, cat, reload, onCancel) {
  const prices = rowsEditor({
    prefix: 'prices', label: t('setup.price'), testid: 'prices', max: 100,
    rows: (p?.prices || []).map((x) => ({ region: x.region, billing_mode: x.billing_mode, unit_price: moneyInput(x.unit_price) })),
    blank: () => ({ region: cat.regions[0]?.code, billing_mode: 'monthly', unit_price: '' }),
    addLabel: t('setup.addPrice'),
    fields: (i, row) => [
      select(`prices[${i}].region`, t('setup.region'), cat.regions.map((r) => ({ value: r.code, label: r.code })), { value: row.region ?? null }),
      select(`prices[${i}].billing_mode`, t('quote.billingMode'), BILLING_MODES.map((m) => ({ value: m, label: tEnum('billing', m) })), { value: row.billing_mode || 'monthly' }),
      input(`prices[${i}].unit_price`, t('setup.unitPrice'), { value: row.unit_price ?? '', inputmode: 'decimal', placeholder: '0.00' }),
    ],
  });
  const form = h('form', { class: 'form', testid: 'product-form' },
    formAlert(),
    h('div', { class: 'grid-2' },
      p ? null : input('code', t('setup.code'), { required: true, maxlength: 64, placeholder: 'ecs.general' }),
      select('category', t('catalog.category'), CATEGORIES.map((c) => ({ value: c, label: tEnum('category', c) })), { value: p?.category ?? null }),
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200, value: p?.name?.zh }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200, value: p?.name?.en }),
      input('unit.zh', t('setup.unitZh'), { required: true, maxlength: 20, value: p?.unit?.zh, placeholder: '台' }),
      input('unit.en', t('setup.unitEn'), { required: true, maxlength: 20, value: p?.unit?.en, placeholder: 'instance' })),
    choices('billing_modes', t('setup.billingModes'), BILLING_MODES.map((m) => ({ value: m, label: tEnum('billing', m) })),
      { value: p?.billing_modes || ['monthly'] }),
    h('fieldset', { class: 'section' }, h('legend', null, t('setup.prices')), h('p', { class: 'muted small' }, t('setup.pricesHint')), prices.el),
    h('div', { class: 'form-actions' },
      submitButton(p ? t('common.save') : t('setup.addProduct'), 'product-submit'),
      p ? h('button', { type: 'button', class: 'btn btn-secondary', onclick: onCancel }, t('common.cancel')) : null));
  onSubmit(form, async (b) => {
    const rows = prices.values();
    const list = rows.map((r, i) => {
      const v = String(r.unit_price ?? '').trim();
      const fen = v === '' ? undefined : parseMoney(v);
      if (fen === null) setFieldError(form, `prices[${i}].unit_price`, t('form.badNumber'), false);
      return { region: r.region || undefined, billing_mode: r.billing_mode || undefined, unit_price: fen };
    });
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    const body = {
      name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' }, category: b.category,
      unit: { zh: b.unit?.zh ?? '', en: b.unit?.en ?? '' },
      billing_modes: b.billing_modes || [], prices: list,
    };
    const saved = p ? await request('PATCH', `/products/${encodeURIComponent(p.code)}`, body)
      : await post('/products', { code: b.code, ...body });
    reload(t(p ? 'setup.productSaved' : 'setup.productAdded', { name: loc(saved?.name) }));
  });
  return form;
}

function productsCard(cat, reload) {
  const formSlot = h('div');
  const show = (p) => {
    replace(formSlot, h('h3', { class: 'group-title' }, p ? t('setup.editProduct', { name: loc(p.name) }) : t('setup.newProduct')),
      productForm(p, cat, reload, () => show(null)));
    if (p) { formSlot.scrollIntoView({ block: 'start' }); formSlot.querySelector('input')?.focus(); }
  };
  show(null);
  return card(t('setup.products'), [
    table(t('setup.products'), [t('setup.code'), t('field.name'), t('catalog.category'), t('catalog.unit'), t('setup.prices'), ''],
      cat.products.map((p) => [h('code', null, p.code), loc(p.name), tEnum('category', p.category), loc(p.unit),
        String(p.prices?.length || 0),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', testid: 'edit-product', onclick: () => show(p) }, t('common.edit'))]),
      'products-table'),
    formSlot,
  ], { testid: 'setup-products' });
}

// --- packs

function packForm(cat, reload) {
  const items = rowsEditor({
    prefix: 'items', label: t('setup.item'), testid: 'items', max: 20,
    rows: [{ billing_mode: 'monthly', quantity: '1', months: '1' }],
    blank: () => ({ billing_mode: 'monthly', quantity: '1', months: '1' }),
    addLabel: t('setup.addItem'),
    fields: (i, row, { update }) => [
      select(`items[${i}].product`, t('quote.product'), cat.products.map((p) => ({ value: p.code, label: loc(p.name) })), { value: row.product ?? null }),
      select(`items[${i}].billing_mode`, t('quote.billingMode'), BILLING_MODES.map((m) => ({ value: m, label: tEnum('billing', m) })), { value: row.billing_mode || 'monthly', onchange: update }),
      input(`items[${i}].quantity`, t('quote.quantity'), { value: row.quantity ?? '1', inputmode: 'numeric' }),
      row.billing_mode === 'on_demand'
        ? input(`items[${i}].hours`, t('quote.hours'), { value: row.hours ?? '720', inputmode: 'numeric' })
        : input(`items[${i}].months`, t('quote.months'), { value: row.months ?? '1', inputmode: 'numeric' }),
    ],
  });
  const form = h('form', { class: 'form', testid: 'pack-form' },
    formAlert(),
    h('div', { class: 'grid-2' },
      input('code', t('setup.code'), { required: true, maxlength: 64, placeholder: 'gaming-launch' }),
      select('industry', t('setup.packIndustry'), PACK_INDUSTRIES.map((i) => ({ value: i, label: tEnum('packIndustry', i) }))),
      input('scenario.zh', t('setup.scenarioZh'), { required: true, maxlength: 200 }),
      input('scenario.en', t('setup.scenarioEn'), { required: true, maxlength: 200 }),
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200 }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200 }),
      textarea('description.zh', t('field.descriptionZh'), { maxlength: 2000 }),
      textarea('description.en', t('field.descriptionEn'), { maxlength: 2000 })),
    h('fieldset', { class: 'section' }, h('legend', null, t('setup.items')), items.el),
    h('div', { class: 'grid-2' },
      choices('price_kind', t('setup.priceKind'), [
        { value: 'price', label: t('setup.priceFixed') }, { value: 'discount', label: t('setup.priceDiscount') },
      ], { type: 'radio', value: 'price' }),
      input('price_value', t('setup.priceValue'), { required: true, inputmode: 'decimal', hint: t('setup.priceValueHint') })),
    h('div', { class: 'form-actions' }, submitButton(t('setup.addPack'), 'pack-submit')));
  onSubmit(form, async (b) => {
    const isPrice = (b.price_kind || 'price') === 'price';
    const v = b.price_value == null ? undefined : (isPrice ? parseMoney : parsePercent)(b.price_value);
    if (v === null) {
      setFieldError(form, 'price_value', t('form.badNumber'), false);
      form.querySelector('[name="price_value"]').focus();
      return;
    }
    const body = {
      code: b.code, industry: b.industry,
      scenario: { zh: b.scenario?.zh ?? '', en: b.scenario?.en ?? '' },
      name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' },
      description: { zh: b.description?.zh ?? '', en: b.description?.en ?? '' },
      items: items.values().map((r) => {
        const it = { product: r.product || undefined, billing_mode: r.billing_mode || undefined, quantity: int(r.quantity) };
        if (r.billing_mode === 'on_demand') it.hours = int(r.hours); else it.months = int(r.months);
        return it;
      }),
      ...(isPrice ? { price: v } : { discount_bp: v }),
    };
    const saved = await post('/packs', body);
    reload(t('setup.packAdded', { name: loc(saved?.name) }));
  });
  // Server errors on price / discount_bp belong beside the one value input.
  for (const f of ['price', 'discount_bp']) {
    const alias = h('div', { class: 'field', 'data-field': f, 'data-label': t('setup.priceValue'), hidden: true },
      h('p', { class: 'field-error', hidden: true }));
    form.append(alias);
  }
  return form;
}

function packsCard(cat, reload) {
  return card(t('catalog.packs'), [
    table(t('catalog.packs'), [t('setup.code'), t('field.name'), t('setup.packIndustry'), t('setup.items'), t('setup.priceKind')],
      cat.packs.map((p) => [h('code', null, p.code), loc(p.name), tEnum('packIndustry', p.industry),
        h('ul', { class: 'pack-items small' }, (p.items || []).map((it) => h('li', null, packItemText(cat, it)))), packPriceText(p)]),
      'packs-table'),
    h('h3', { class: 'group-title' }, t('setup.newPack')),
    packForm(cat, reload),
  ], { testid: 'setup-packs' });
}

export function render() {
  const slot = h('div', { class: 'stack' }, loading());
  const load = (message) => {
    loadCatalog().then((cat) => {
      replace(slot,
        message ? notice(message) : null,
        h('div', { class: 'grid-main' }, productsCard(cat, load), regionsCard(cat, load)),
        packsCard(cat, load));
    }).catch((err) => replace(slot, errorBox(err, () => load())));
  };
  load();
  return h('div', { class: 'page', testid: 'setup' },
    pageHead(t('setup.title'), t('setup.lead'), h('a', { href: '#/catalog', class: 'btn btn-secondary btn-sm' }, t('setup.seeCatalog'))),
    slot);
}
