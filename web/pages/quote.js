// Quote builder (enterprise, partner): pick a region, add product and pack
// lines, POST /quotes; show each line's list price, the policies applied with
// their amounts, the final price, the totals and the policies rejected (with
// the reason and the line); the answer names every policy it mentions. The
// draft and the last quote are kept while the user stays signed in (e.g.
// across a language switch).
// A quote can then be ordered (POST /orders); the order holds its prices only
// while every offer it used still has room, else the server says why. The
// lines and totals are drawn by lib/quoteview.js, as the order page does.
// A pack's "Quote this pack" (offers) links here with ?pack=…&region=….
// Operators preview instead: they pick an organization and, if they like, a
// moment (`org` and `at` of POST /quotes), and see what it would pay then;
// they place no order.
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { get, post, qs, getMeta } from '../lib/api.js';
import { session } from '../lib/session.js';
import { select, input, formAlert, submitButton, onSubmit, durationText } from '../lib/form.js';
import { pageHead, card, loading, errorBox } from '../lib/ui.js';
import { loc, money, reasonText, fetchAll } from '../lib/format.js';
import { fromLocal } from '../lib/credit.js';
import { rowsEditor } from '../lib/rows.js';
import { quoteLines } from '../lib/quoteview.js';
import { loadCatalog, modesIn, priceOf, unitPriceText, regionLabel, packPriceText, packListPrice } from '../lib/catalog.js';

export const title = () => t('quote.title');

let state = null;
function fresh() {
  return { owner: session.user?.id, region: '', order_type: 'new', lines: [{ kind: 'product', quantity: '1', months: '1' }], quote: null, org: '', at: '' };
}

const previewing = () => session.user?.role === 'operator';

// A typed whole number → number; anything else is sent as typed so that the
// server names the field ("must be an integer").
function int(v) {
  if (v == null || String(v).trim() === '') return undefined;
  const s = String(v).trim();
  return /^\d{1,9}$/.test(s) ? Number(s) : s;
}

function lineFields(cat, regionOf) {
  return (i, row, { update }) => {
    const name = (k) => `lines[${i}].${k}`;
    const region = regionOf();
    const kind = row.kind || 'product';
    const kindField = select(name('kind'), t('quote.lineKind'), [
      { value: 'product', label: t('quote.kindProduct') }, { value: 'pack', label: t('quote.kindPack') },
    ], { value: kind, onchange: update });
    if (kind === 'pack') {
      const pack = cat.pack(row.pack);
      return [kindField,
        select(name('pack'), t('quote.pack'), cat.packs.map((p) => ({ value: p.id, label: loc(p.name) })),
          { value: pack ? pack.id : null, onchange: update, hint: pack ? packPriceText(pack) : null }),
        input(name('quantity'), t('quote.quantity'), { value: row.quantity ?? '1', inputmode: 'numeric' })];
    }
    const products = cat.products.filter((p) => modesIn(p, region).length);
    const product = cat.product(row.product);
    const modes = product ? modesIn(product, region) : [];
    const mode = modes.includes(row.billing_mode) ? row.billing_mode : (modes.includes('monthly') ? 'monthly' : modes[0]);
    const up = product && mode ? priceOf(product, region, mode) : undefined;
    return [kindField,
      select(name('product'), t('quote.product'), products.map((p) => ({ value: p.code, label: loc(p.name) })),
        { value: product && products.includes(product) ? product.code : null, onchange: update }),
      select(name('billing_mode'), t('quote.billingMode'), (modes.length ? modes : ['monthly']).map((m) => ({ value: m, label: tEnum('billing', m) })),
        { value: mode || 'monthly', onchange: update, hint: up !== undefined ? unitPriceText(product, mode, up) : null }),
      input(name('quantity'), t('quote.quantity'), { value: row.quantity ?? '1', inputmode: 'numeric' }),
      mode === 'on_demand'
        ? input(name('hours'), t('quote.hours'), { value: row.hours ?? '720', inputmode: 'numeric' })
        : input(name('months'), t('quote.months'), {
          value: row.months ?? (mode === 'yearly' ? '12' : '1'), inputmode: 'numeric', hint: mode === 'yearly' ? t('quote.yearlyHint') : null,
        })];
  };
}

function body(region, orderType, rows) {
  return {
    region: region || undefined,
    order_type: orderType || undefined,
    lines: rows.map((r) => {
      if ((r.kind || 'product') === 'pack') return { pack: r.pack || undefined, quantity: int(r.quantity) };
      const line = { product: r.product || undefined, billing_mode: r.billing_mode || undefined, quantity: int(r.quantity) };
      if (r.billing_mode === 'on_demand') line.hours = int(r.hours);
      else line.months = int(r.months);
      return line;
    }),
  };
}

const FOLD_AFTER = 12;

function result(cat, q) {
  const rejected = q.rejected || [];
  return card(t('quote.result'), [
    h('p', { class: 'muted quote-meta' },
      t('quote.id'), ' ', h('code', { testid: 'quote-id' }, q.id), ' · ',
      // A preview is never ordered, so how long it holds means nothing.
      previewing()
        ? h('span', { testid: 'quote-at' }, t('quote.pricedAt', { at: fmtDate(q.at, true) }))
        : h('span', { testid: 'quote-expires' }, t('quote.expires', { at: fmtDate(q.expires_at, true) }))),
    ...quoteLines(cat, q),
    // A long list (a cart of many lines against many offers) starts folded.
    rejected.length
      ? h('details', { class: 'rejected', testid: 'rejected', open: rejected.length <= FOLD_AFTER },
        h('summary', { class: 'group-title' }, t('quote.rejectedN', { n: rejected.length })),
        h('ul', { class: 'reasons' }, rejected.map((r) => h('li', { testid: 'rejected-item' },
          h('span', { class: 'strong' }, r.name ? loc(r.name) : r.policy), ' — ',
          r.line != null ? `${t('quote.lineN', { n: r.line + 1 })}: ` : '',
          reasonText(r)))))
      : null,
    previewing() ? h('p', { class: 'muted small', testid: 'preview-note' }, t('quote.previewNote')) : orderForm(q),
  ], { testid: 'quote-result' });
}

// "Place order" for a quote; the answer (or the reason it was refused)
// replaces the button.
function orderForm(q) {
  if (state.order && state.order.quote_id === q.id) return ordered(state.order);
  const slot = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', testid: 'order-form' },
    formAlert(),
    h('div', { class: 'form-actions' }, submitButton(t('quote.order'), 'order-submit'),
      h('span', { class: 'muted small' }, t('quote.orderHint'))));
  onSubmit(form, async () => {
    state.order = await post('/orders', { quote_id: q.id });
    replace(slot, ordered(state.order));
  });
  slot.append(form);
  return slot;
}

function ordered(o) {
  return h('div', { class: 'alert alert-ok', role: 'status' },
    h('p', { testid: 'order-placed' }, t('quote.ordered', { id: o.id, total: money(o.total, o.currency) })),
    h('p', null, h('a', { href: `#/orders/${encodeURIComponent(o.id)}`, testid: 'order-link' }, t('quote.seeOrder'))));
}

// A link from a pack (#/quote?pack=…&region=…) adds that pack as a line: in
// place of an untouched first line, and then picks the region (where its
// offers apply, else one that sells it); else after the other lines, whose
// region it keeps. The query is then dropped from the address, so that
// coming back does not add it again.
function addLinked(query) {
  const pack = query?.get('pack');
  if (!pack) return;
  const untouched = state.lines.length === 1 && !state.lines[0].product && !state.lines[0].pack;
  const line = { kind: 'pack', pack, quantity: '1' };
  state.lines = untouched ? [line] : [...state.lines, line];
  state.quote = null;
  state.linked = untouched ? { pack, region: query.get('region') } : null;
  history.replaceState(null, '', '#/quote');
}

function view(cat, orgs, meta) {
  const linked = state.linked;
  state.linked = null;
  if (linked?.region && cat.region(linked.region)) state.region = linked.region;
  if (!cat.regions.some((r) => r.code === state.region)) {
    const home = session.org?.region;
    state.region = cat.regions.some((r) => r.code === home) ? home : cat.regions[0]?.code || '';
  }
  // A linked pack not sold in the region: the first region that sells it.
  const pack = linked && cat.pack(linked.pack);
  if (pack && packListPrice(cat, pack, state.region) === undefined)
    state.region = cat.regions.find((r) => packListPrice(cat, pack, r.code) !== undefined)?.code || state.region;
  const resultSlot = h('div', { 'aria-live': 'polite' }, state.quote ? result(cat, state.quote) : null);
  let editor;
  const regionField = select('region', t('quote.region'), cat.regions.map((r) => ({ value: r.code, label: regionLabel(cat, r.code) })),
    { value: state.region, onchange: (e) => { state.region = e.target.value; editor.set(editor.values()); } });
  const typeField = select('order_type', t('quote.orderType'), ['new', 'renewal'].map((v) => ({ value: v, label: t(`quote.orderType_${v}`) })),
    { value: state.order_type, onchange: (e) => { state.order_type = e.target.value; } });
  editor = rowsEditor({
    prefix: 'lines', label: t('quote.line'), testid: 'lines', rows: state.lines, max: 50,
    blank: () => ({ kind: 'product', quantity: '1', months: '1' }),
    fields: lineFields(cat, () => state.region), addLabel: t('quote.addLine'),
  });
  const previewFields = previewing()
    ? h('div', { class: 'grid-2' },
      select('org', t('quote.org'), orgs.map((o) => ({ value: o.id, label: o.name })),
        { value: state.org, onchange: (e) => { state.org = e.target.value; } }),
      input('at', t('quote.at'), {
        type: 'datetime-local', value: state.at, hint: t('quote.atHint'),
        onchange: (e) => { state.at = e.target.value; },
      }))
    : null;
  const form = h('form', { class: 'form', testid: 'quote-form' },
    formAlert(),
    previewFields,
    h('div', { class: 'grid-2' }, regionField, typeField),
    h('fieldset', { class: 'section' }, h('legend', null, t('quote.lines')), editor.el),
    h('div', { class: 'form-actions' }, submitButton(t('quote.submit'), 'quote-submit'),
      h('span', { class: 'muted small', testid: 'quote-hint' },
        previewing() ? t('quote.previewHint') : t('quote.hint', { ttl: durationText(meta.quote_ttl) }))));
  // Keep the draft in `state` as it is typed, so a re-render does not lose it.
  form.addEventListener('input', () => { state.lines = editor.values(); });
  form.addEventListener('change', () => { state.lines = editor.values(); });
  onSubmit(form, async () => {
    state.lines = editor.values();
    const b = body(state.region, state.order_type, state.lines);
    if (previewing()) Object.assign(b, { org: state.org || undefined, at: fromLocal(state.at) });
    const q = await post('/quotes', b);
    state.quote = q;
    state.order = null;
    replace(resultSlot, result(cat, q));
    resultSlot.querySelector('[data-testid="quote-result"]')?.scrollIntoView({ block: 'nearest' });
  });
  return [card(t('quote.build'), form, { testid: 'quote-builder' }), resultSlot];
}

export function render(ctx) {
  if (!state || state.owner !== session.user?.id) state = fresh();
  addLinked(ctx?.query);
  const slot = h('div', { class: 'stack' }, loading());
  const load = () => {
    replace(slot, loading());
    Promise.all([
      loadCatalog(),
      previewing() ? fetchAll((after) => get(`/orgs${qs({ limit: 100, after })}`)) : [],
      getMeta(),
    ]).then(([cat, orgs, meta]) => {
      replace(slot, cat.regions.length ? view(cat, orgs, meta) : card(null, h('p', { class: 'empty' }, t('catalog.noRegions'))));
    }).catch((err) => replace(slot, errorBox(err, load)));
  };
  load();
  return h('div', { class: 'page', testid: 'quote' },
    previewing()
      ? pageHead(t('quote.previewTitle'), t('quote.previewLead'))
      : pageHead(t('quote.title'), t('quote.lead'),
        h('a', { href: '#/offers', class: 'btn btn-secondary btn-sm' }, t('quote.seeOffers'))),
    slot);
}
