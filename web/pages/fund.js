// Operators: one credit fund (GET /funds/{id}): what it issued, has
// available, reserves for drops and granted; its drops (GET
// /funds/{id}/drops) with their claims so far and a Close button for open
// ones (POST /drops/{id}/close returns the unclaimed credit); and a form
// that opens a new drop (POST /funds/{id}/drops with an Idempotency-Key).
// The drop's window is typed in the browser's local time and sent in UTC.
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { get, post, qs, getMeta, ApiError } from '../lib/api.js';
import { input, choices, formAlert, submitButton, onSubmit } from '../lib/form.js';
import { pageHead, card, facts, loading, errorBox, notice, pagedTable } from '../lib/ui.js';
import { loc, money, num } from '../lib/format.js';
import {
  dropStatusBadge, placesMeter, windowText, audienceText, creditProblemText, keyedForm, localInput, fromLocal,
  amountOf,
} from '../lib/credit.js';

const PAGE = 20;
const DAY = 86400000;

export const title = () => t('fund.fundTitle');

/** A typed whole number → Number; other text as typed (the server names the field), empty → undefined. */
const int = (v) => {
  if (v == null || String(v).trim() === '') return undefined;
  const s = String(v).trim();
  return /^\d{1,15}$/.test(s) ? Number(s) : s;
};

function fundSummary(f) {
  const total = Math.max(Number(f.amount) || 0, 1);
  const seg = (cls, v) => {
    const el = h('span', { class: `meter-fill ${cls}` });
    el.style.width = `${Math.min(100, (Math.max(v, 0) / total) * 100)}%`; // CSSOM: the CSP forbids style attributes
    return el;
  };
  return card(t('fund.summary'), h('div', { class: 'wallet' },
    h('div', { class: 'wallet-main' },
      h('p', { class: 'muted small' }, t('fund.available')),
      h('p', { class: 'balance', testid: 'fund-available' }, money(f.available, f.currency)),
      h('div', {
        class: 'meter meter-stacked', role: 'img',
        'aria-label': t('fund.split', { granted: money(f.granted, f.currency), reserved: money(f.reserved, f.currency), available: money(f.available, f.currency) }),
      }, seg('', f.granted), seg('meter-reserved', f.reserved)),
      h('p', { class: 'legend small muted', 'aria-hidden': 'true' },
        h('span', { class: 'dot' }), t('fund.granted'), ' ', h('span', { class: 'dot dot-reserved' }), t('fund.reserved'), ' ',
        h('span', { class: 'dot dot-available' }), t('fund.available'))),
    facts([
      [t('fund.amount'), money(f.amount, f.currency), 'fund-amount'],
      [t('fund.reserved'), money(f.reserved, f.currency), 'fund-reserved'],
      [t('fund.granted'), money(f.granted, f.currency), 'fund-granted'],
      [t('fund.id'), h('code', null, f.id)],
      [t('fund.created'), fmtDate(f.created_at, true)],
    ])), { testid: 'fund-facts' });
}

function dropForm(f, meta, onCreated) {
  const keyed = keyedForm();
  const now = new Date();
  now.setSeconds(0, 0);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || '';
  const form = h('form', { class: 'form', testid: 'drop-form' },
    formAlert(),
    h('div', { class: 'grid-2' },
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200 }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200 })),
    h('div', { class: 'grid-2' },
      input('amount', t('drop.amount'), { required: true, inputmode: 'decimal', placeholder: '0.00', hint: t('drop.amountHint') }),
      input('quantity', t('drop.quantity'), { required: true, inputmode: 'numeric', placeholder: '100', hint: t('drop.quantityHint') })),
    h('fieldset', { class: 'section' }, h('legend', null, t('drop.window')),
      h('div', { class: 'grid-2' },
        input('opens_at', t('drop.opensAt'), { type: 'datetime-local', required: true, value: localInput(now), hint: t('drop.localTime', { zone }) }),
        input('closes_at', t('drop.closesAt'), { type: 'datetime-local', required: true, value: localInput(new Date(now.getTime() + 7 * DAY)), hint: t('drop.closesHint') }))),
    h('fieldset', { class: 'section' }, h('legend', null, t('drop.audience')),
      choices('industries', t('drop.industries'), (meta.industries || []).map((v) => ({ value: v, label: tEnum('industry', v) })), { hint: t('drop.emptyAll') }),
      choices('sizes', t('drop.sizes'), (meta.sizes || []).map((v) => ({ value: v, label: tEnum('size', v) })), { hint: t('drop.emptyAll') })),
    h('div', { class: 'grid-2' },
      input('grant_days', t('drop.grantDays'), { inputmode: 'numeric', placeholder: '365', hint: t('drop.grantDaysHint') }),
      input('shards', t('drop.shards'), { inputmode: 'numeric', placeholder: '16', hint: t('drop.shardsHint') })),
    h('p', { class: 'muted small' }, t('drop.reserveNote', { available: money(f.available, f.currency) })),
    h('div', { class: 'form-actions' }, submitButton(t('drop.create'), 'drop-submit')));
  onSubmit(form, async (b) => {
    const amount = amountOf(form, b);
    if (amount === null) return;
    const body = {
      name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' },
      amount,
      quantity: int(b.quantity),
      opens_at: fromLocal(b.opens_at),
      closes_at: fromLocal(b.closes_at),
      industries: b.industries || [],
      sizes: b.sizes || [],
      grant_days: int(b.grant_days),
      shards: int(b.shards),
    };
    let d;
    try {
      d = await keyed.run(body, (key) => post(`/funds/${encodeURIComponent(f.id)}/drops`, body, { headers: { 'Idempotency-Key': key } }));
    } catch (err) {
      // 409 on quantity: the fund has too little; say how much it has, in money.
      if (err instanceof ApiError && err.status === 409 && err.fieldErrors.some((fe) => fe?.field === 'quantity')) {
        const latest = await get(`/funds/${encodeURIComponent(f.id)}`).catch(() => f);
        throw new ApiError(409, { ...err.problem, type: 'fund-short', detail: t('drop.notEnough', { available: money(latest.available, latest.currency) }) });
      }
      throw err;
    }
    onCreated(d);
  });
  return form;
}

/** Close in two steps: the first click asks, the second closes. */
function closeButton(d, onClose) {
  const slot = h('span', { class: 'close-slot' });
  const ask = () => {
    const yes = h('button', { type: 'button', class: 'btn btn-ghost btn-sm', testid: 'close-confirm' }, h('span', { class: 'btn-label' }, t('drop.confirmClose')));
    const no = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', testid: 'close-cancel', onclick: () => { idle(); slot.querySelector('button')?.focus(); } }, t('common.cancel'));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      no.disabled = true;
      yes.classList.add('pending');
      try { await onClose(d); } finally { yes.disabled = false; no.disabled = false; yes.classList.remove('pending'); }
    });
    replace(slot, h('span', { class: 'badges' }, yes, no));
    yes.focus();
  };
  const idle = () => replace(slot, h('button', {
    type: 'button', class: 'btn btn-secondary btn-sm', testid: 'close-drop', onclick: ask,
    'aria-label': t('drop.closeAria', { name: loc(d.name) }),
  }, t('drop.close')));
  idle();
  return slot;
}

function page(f, meta, ctx) {
  const done = h('div', { 'aria-live': 'polite' });
  const onClose = async (d) => {
    replace(done);
    try {
      const closed = await post(`/drops/${encodeURIComponent(d.id)}/close`);
      ctx.flash(t('drop.closed', { name: loc(closed.name), amount: money(closed.released * closed.amount, closed.currency) }));
      ctx.rerender();
    } catch (err) {
      replace(done, notice(creditProblemText(err), 'error', 'close-error'));
      drops.reload();
    }
  };
  const drops = pagedTable({
    testid: 'drops-table',
    caption: t('drop.list'),
    empty: t('drop.empty'),
    fetchPage: (after) => get(`/funds/${encodeURIComponent(f.id)}/drops${qs({ limit: PAGE, after })}`),
    rowAttrs: (d) => ({ 'data-id': d.id }),
    columns: [
      {
        label: t('credit.drop'),
        cell: (d) => h('div', null,
          h('a', { href: `#/funds/${encodeURIComponent(f.id)}/drops/${encodeURIComponent(d.id)}`, class: 'strong', testid: 'drop-link' }, loc(d.name)),
          h('p', { class: 'muted small' }, audienceText(d))),
      },
      { label: t('credit.status'), cls: 'nowrap', cell: (d) => dropStatusBadge(d.status) },
      { label: t('credit.perClaim'), cls: 'num nowrap', cell: (d) => money(d.amount, d.currency) },
      { label: t('drop.claimed'), cls: 'places-cell', cell: (d) => h('div', null,
        placesMeter(d),
        h('span', { class: 'small muted', testid: 'drop-counts' }, t('drop.counts', { claimed: num(d.claimed), quantity: num(d.quantity), released: num(d.released) }))) },
      { label: t('credit.window'), cls: 'small', cell: windowText },
      { label: '', cls: 'nowrap', cell: (d) => (d.status === 'open' ? closeButton(d, onClose) : '') },
    ],
  });
  const form = dropForm(f, meta, (d) => {
    ctx.flash(t('drop.created', { name: loc(d.name), n: num(d.quantity), amount: money(d.amount, d.currency) }));
    ctx.rerender();
  });
  return h('div', { class: 'page', testid: 'fund' },
    pageHead(loc(f.name), loc(f.description) || t('fund.fundLead'),
      h('a', { href: '#/funds', class: 'btn btn-secondary btn-sm', testid: 'back-funds' }, `← ${t('fund.title')}`)),
    fundSummary(f),
    card(t('drop.list'), [done, drops.el], { testid: 'fund-drops' }),
    card(t('drop.newTitle'), form, { testid: 'new-drop' }));
}

export function render(ctx) {
  const slot = h('div', null, loading());
  const load = () => {
    replace(slot, loading());
    Promise.all([get(`/funds/${encodeURIComponent(ctx.params.id)}`), getMeta()])
      .then(([f, meta]) => replace(slot, page(f, meta, ctx)))
      .catch((err) => replace(slot, errorBox(err, err.status === 404 ? null : load)));
  };
  load();
  return slot;
}
