// Operators: the cloud-credit funds (GET /funds) with what each has issued,
// available, reserved by drops and granted; issuing a new fund (POST /funds
// with an Idempotency-Key); and the program ledger (GET /ledger).
import { h, replace } from '../lib/dom.js';
import { t, fmtDate } from '../lib/i18n.js';
import { get, post, qs } from '../lib/api.js';
import { input, textarea, formAlert, submitButton, onSubmit } from '../lib/form.js';
import { pageHead, card, pagedTable, notice } from '../lib/ui.js';
import { loc, money } from '../lib/format.js';
import { keyedForm, ledgerColumns, namesLoader, amountOf } from '../lib/credit.js';

const PAGE = 20;

export const title = () => t('fund.title');

function fundForm(onCreated) {
  const keyed = keyedForm();
  const form = h('form', { class: 'form', testid: 'fund-form' },
    formAlert(),
    h('div', { class: 'grid-2' },
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200 }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200 }),
      textarea('description.zh', t('field.descriptionZh'), { maxlength: 2000 }),
      textarea('description.en', t('field.descriptionEn'), { maxlength: 2000 })),
    h('div', { class: 'grid-3' },
      input('amount', t('fund.amountInput'), { required: true, inputmode: 'decimal', placeholder: '0.00', hint: t('fund.amountHint') }),
      input('currency', t('fund.currency'), { required: true, maxlength: 3, value: 'CNY', hint: t('fund.currencyHint') })),
    h('div', { class: 'form-actions' }, submitButton(t('fund.create'), 'fund-submit')));
  onSubmit(form, async (b) => {
    const amount = amountOf(form, b);
    if (amount === null) return;
    const body = {
      name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' },
      description: { zh: b.description?.zh ?? '', en: b.description?.en ?? '' },
      currency: b.currency, amount,
    };
    const fund = await keyed.run(body, (key) => post('/funds', body, { headers: { 'Idempotency-Key': key } }));
    form.reset();
    form.querySelector('[name="currency"]').value = 'CNY';
    onCreated(fund);
  });
  return form;
}

export function render() {
  const names = new Map();
  const table = pagedTable({
    testid: 'funds-table',
    caption: t('fund.list'),
    empty: t('fund.empty'),
    fetchPage: (after) => get(`/funds${qs({ limit: PAGE, after })}`),
    rowAttrs: (f) => ({ 'data-id': f.id }),
    columns: [
      { label: t('fund.name'), cell: (f) => h('a', { href: `#/funds/${encodeURIComponent(f.id)}`, class: 'strong', testid: 'fund-link' }, loc(f.name)) },
      { label: t('fund.amount'), cls: 'num nowrap', cell: (f) => h('span', { testid: 'fund-amount' }, money(f.amount, f.currency)) },
      { label: t('fund.available'), cls: 'num nowrap', cell: (f) => h('span', { class: 'strong', testid: 'fund-available' }, money(f.available, f.currency)) },
      { label: t('fund.reserved'), cls: 'num nowrap', cell: (f) => h('span', { testid: 'fund-reserved' }, money(f.reserved, f.currency)) },
      { label: t('fund.granted'), cls: 'num nowrap', cell: (f) => h('span', { testid: 'fund-granted' }, money(f.granted, f.currency)) },
      { label: t('fund.created'), cls: 'nowrap', cell: (f) => fmtDate(f.created_at) },
    ],
  });

  // Fund and drop names word the ledger's accounts.
  const loadNames = namesLoader(names);
  let fresh = false;
  const ledger = pagedTable({
    testid: 'ledger-table',
    caption: t('fund.ledger'),
    empty: t('credit.ledgerEmpty'),
    fetchPage: async (after) => {
      const [page] = await Promise.all([get(`/ledger${qs({ limit: PAGE, after })}`), loadNames(fresh)]);
      fresh = false;
      return page;
    },
    rowAttrs: (x) => ({ 'data-id': x.id }),
    columns: ledgerColumns({ names, orgColumn: true }),
  });

  const done = h('div', { 'aria-live': 'polite' });
  const form = fundForm((f) => {
    replace(done, notice(t('fund.issued', { name: loc(f.name), amount: money(f.amount, f.currency) })));
    table.reload();
    fresh = true;
    ledger.reload();
  });

  return h('div', { class: 'page', testid: 'funds' },
    pageHead(t('fund.title'), t('fund.lead')),
    card(t('fund.list'), table.el, { testid: 'funds-list' }),
    card(t('fund.newTitle'), [done, form], { testid: 'new-fund' }),
    card(t('fund.ledger'), [h('p', { class: 'muted small card-lead' }, t('fund.ledgerLead')), ledger.el], { testid: 'program-ledger' }));
}
