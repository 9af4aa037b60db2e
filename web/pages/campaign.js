// Operators: one campaign (#/campaigns/new creates one). The campaign form
// (POST /campaigns, PATCH /campaigns/{id}) takes its window as wall-clock
// times in a chosen time zone; below it the campaign's policies
// (GET/POST /campaigns/{id}/policies, PATCH /policies/{id}) with a form that
// creates or edits one. Amounts are typed in yuan, percentages in percent.
import { h, replace } from '../lib/dom.js';
import { t, tEnum, fmtDate } from '../lib/i18n.js';
import { get, post, request, getMeta } from '../lib/api.js';
import { input, select, textarea, choices, checkbox, formAlert, submitButton, onSubmit, clearErrors, setFieldError } from '../lib/form.js';
import { pageHead, card, facts, badge, loading, errorBox, notice } from '../lib/ui.js';
import {
  loc, money, num, effectText, statusBadge, parseMoney, moneyInput, parsePercent, percentInput,
} from '../lib/format.js';
import { loadCatalog, conditionsText, limitsText, CATEGORIES, BILLING_MODES } from '../lib/catalog.js';

export const title = (ctx) => (ctx.params.id === 'new' ? t('campaign.newTitle') : t('campaign.title'));

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Singapore', 'Asia/Bangkok', 'Asia/Jakarta', 'Asia/Tokyo',
  'Asia/Dubai', 'Europe/London', 'Europe/Berlin', 'Africa/Johannesburg', 'America/New_York', 'America/Los_Angeles',
  'America/Sao_Paulo', 'UTC'];
const EFFECTS = ['percent_off', 'amount_off', 'fixed_unit_price', 'pack_price', 'free_units'];
const patch = (path, body) => request('PATCH', path, body);

// --- time zones: "2021-10-15T00:00" in Asia/Shanghai <-> RFC 3339 with offset

function wall(ms, tz) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms));
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return { y: p.year, mo: p.month, d: p.day, h: p.hour, mi: p.minute, s: p.second };
}

function offsetMinutes(ms, tz) {
  const w = wall(ms, tz);
  return (Date.UTC(+w.y, +w.mo - 1, +w.d, +w.h, +w.mi, +w.s) - Math.floor(ms / 1000) * 1000) / 60000;
}

/** An RFC 3339 instant → the value of a datetime-local input in `tz`. */
function toLocalInput(iso, tz) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return '';
  try { const w = wall(ms, tz); return `${w.y}-${w.mo}-${w.d}T${w.h}:${w.mi}`; } catch { return ''; }
}

/** A datetime-local value read as wall-clock time in `tz` → RFC 3339 with that zone's offset (else as typed). */
function fromLocalInput(value, tz) {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)/.exec(value || '');
  if (!m) return value || undefined;
  try {
    const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    const off = offsetMinutes(guess - offsetMinutes(guess, tz) * 60000, tz);
    const a = Math.abs(off);
    const sign = off < 0 ? '-' : '+';
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
  } catch {
    return value;
  }
}

// --- campaign form

function campaignForm(c, meta, cat, onSaved) {
  const tz = c?.time_zone || 'Asia/Shanghai';
  const zones = ZONES.includes(tz) ? ZONES : [tz, ...ZONES];
  const form = h('form', { class: 'form', testid: 'campaign-form' },
    formAlert(),
    h('div', { class: 'grid-2' },
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200, value: c?.name?.zh, autofocus: !c }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200, value: c?.name?.en }),
      textarea('description.zh', t('field.descriptionZh'), { maxlength: 2000, value: c?.description?.zh }),
      textarea('description.en', t('field.descriptionEn'), { maxlength: 2000, value: c?.description?.en })),
    h('fieldset', { class: 'section' }, h('legend', null, t('campaign.window')),
      h('div', { class: 'grid-3' },
        input('starts_at', t('campaign.startsAt'), { type: 'datetime-local', required: true, value: c ? toLocalInput(c.starts_at, tz) : '' }),
        input('ends_at', t('campaign.endsAt'), { type: 'datetime-local', required: true, value: c ? toLocalInput(c.ends_at, tz) : '', hint: t('campaign.endsHint') }),
        select('time_zone', t('campaign.timeZone'), zones.map((z) => ({ value: z, label: z })), { value: tz }))),
    h('fieldset', { class: 'section' }, h('legend', null, t('campaign.audience')),
      choices('industries', t('campaign.industries'), (meta.industries || []).map((v) => ({ value: v, label: tEnum('industry', v) })),
        { value: c?.industries || [], hint: t('campaign.emptyAll') }),
      choices('sizes', t('campaign.sizes'), (meta.sizes || []).map((v) => ({ value: v, label: tEnum('size', v) })),
        { value: c?.sizes || [], hint: t('campaign.emptyAll') }),
      choices('regions', t('campaign.regions'), cat.regions.map((r) => ({ value: r.code, label: loc(r.name) })),
        { value: c?.regions || [], hint: t('campaign.emptyAll') }),
      checkbox('new_customer_only', t('campaign.newOnly'), { checked: !!c?.new_customer_only })),
    checkbox('published', t('campaign.published'), { checked: !!c?.published, hint: t('campaign.publishedHint') }),
    h('div', { class: 'form-actions' }, submitButton(c ? t('common.save') : t('campaign.create'), 'campaign-submit')));
  onSubmit(form, async (b) => {
    const zone = b.time_zone || tz;
    const body = {
      name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' },
      description: { zh: b.description?.zh ?? '', en: b.description?.en ?? '' },
      starts_at: fromLocalInput(b.starts_at, zone),
      ends_at: fromLocalInput(b.ends_at, zone),
      time_zone: zone,
      regions: b.regions || [],
      industries: b.industries || [],
      sizes: b.sizes || [],
      new_customer_only: !!b.new_customer_only,
      published: !!b.published,
    };
    const saved = c ? await patch(`/campaigns/${encodeURIComponent(c.id)}`, body) : await post('/campaigns', body);
    onSaved(saved);
  });
  return form;
}

function campaignFacts(c) {
  return card(t('campaign.summary'), facts([
    [t('campaign.status'), statusBadge(c.status), 'campaign-status'],
    [t('campaign.id'), h('code', null, c.id)],
    [t('campaign.startsAt'), fmtDate(c.starts_at, true, c.time_zone)],
    [t('campaign.endsAt'), fmtDate(c.ends_at, true, c.time_zone)],
    [t('campaign.timeZone'), c.time_zone],
  ]), { testid: 'campaign-facts' });
}

// --- policies

function policiesTable(policies, cat, onEdit) {
  if (!policies.length) return h('p', { class: 'empty', testid: 'empty' }, t('policy.empty'));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('policy.list') },
    h('table', { class: 'table' },
      h('thead', null, h('tr', null, [t('campaign.name'), t('policy.lane'), t('policy.effect'), t('policy.conditions'), t('policy.limits'), t('policy.usage'), '']
        .map((l) => h('th', { scope: 'col' }, l)))),
      h('tbody', null, policies.map((p) => h('tr', { testid: 'policy-row', 'data-id': p.id },
        h('td', { 'data-label': t('campaign.name') }, h('span', { class: 'strong' }, loc(p.name)), ' ',
          p.enabled === false ? badge(t('policy.disabled'), 'warn') : null),
        h('td', { 'data-label': t('policy.lane') }, String(p.lane ?? 0)),
        h('td', { class: 'nowrap', 'data-label': t('policy.effect'), testid: 'policy-effect' }, effectText(p.effect)),
        h('td', { class: 'small', 'data-label': t('policy.conditions') }, conditionsText(p.conditions, cat)),
        h('td', { class: 'small', 'data-label': t('policy.limits') }, limitsText(p.limits) || t('policy.noLimits')),
        h('td', { class: 'small nowrap', 'data-label': t('policy.usage') },
          p.usage ? t('policy.usageText', { n: num(p.usage.uses || 0), v: money(p.usage.discount || 0) }) : '—'),
        h('td', null, h('button', { type: 'button', class: 'btn btn-secondary btn-sm', testid: 'edit-policy', onclick: () => onEdit(p) }, t('common.edit'))))))));
}

function effectValueField(kind, value) {
  const money_ = ['amount_off', 'fixed_unit_price', 'pack_price'].includes(kind);
  let shown = '';
  if (value != null) shown = kind === 'percent_off' ? percentInput(value) : money_ ? moneyInput(value) : String(value);
  return input('effect.value', t(`policy.value_${kind}`), { required: true, value: shown, inputmode: 'decimal', hint: t(`policy.valueHint_${kind}`) });
}

/** Read a number typed in `name` with `parse`; marks the field and returns null when it does not parse. */
function convert(form, name, raw, parse) {
  if (raw == null || raw === '') return 0;
  const v = parse(raw);
  if (v === null) setFieldError(form, name, t('form.badNumber'), false);
  return v;
}

function policyForm(p, meta, cat, campaignId, onSaved, onCancel) {
  const kind = p?.effect?.kind || 'percent_off';
  const cond = p?.conditions || {};
  const lim = p?.limits || {};
  const valueSlot = h('div', null, effectValueField(kind, p?.effect?.value));
  const kindField = select('effect.kind', t('policy.effectKind'), EFFECTS.map((k) => ({ value: k, label: t(`effectKind.${k}`) })), {
    value: kind, onchange: (e) => replace(valueSlot, effectValueField(e.target.value, null)),
  });
  const intParse = (s) => (/^\d{1,12}$/.test(s) ? Number(s) : null);
  const form = h('form', { class: 'form', testid: 'policy-form' },
    formAlert(),
    h('div', { class: 'grid-3' },
      input('name.zh', t('field.nameZh'), { required: true, maxlength: 200, value: p?.name?.zh }),
      input('name.en', t('field.nameEn'), { required: true, maxlength: 200, value: p?.name?.en }),
      select('lane', t('policy.lane'), [...Array(10).keys()].map((n) => ({ value: String(n), label: String(n) })), { value: String(p?.lane ?? 0), hint: t('policy.laneHint') })),
    h('fieldset', { class: 'section' }, h('legend', null, t('policy.effect')),
      h('div', { class: 'grid-2' }, kindField, valueSlot)),
    h('fieldset', { class: 'section' }, h('legend', null, t('policy.conditions')),
      h('p', { class: 'muted small' }, t('campaign.emptyAll')),
      choices('conditions.products', t('policy.products'), cat.products.map((x) => ({ value: x.code, label: loc(x.name) })), { value: cond.products || [], testid: 'cond-products' }),
      choices('conditions.categories', t('policy.categories'), CATEGORIES.map((x) => ({ value: x, label: tEnum('category', x) })), { value: cond.categories || [] }),
      cat.packs.length ? choices('conditions.packs', t('policy.packs'), cat.packs.map((x) => ({ value: x.id, label: loc(x.name) })), { value: cond.packs || [] }) : null,
      choices('conditions.billing_modes', t('policy.billingModes'), BILLING_MODES.map((x) => ({ value: x, label: tEnum('billing', x) })), { value: cond.billing_modes || [] }),
      choices('conditions.order_types', t('policy.orderTypes'), ['new', 'renewal'].map((x) => ({ value: x, label: t(`quote.orderType_${x}`) })), { value: cond.order_types || [] }),
      choices('conditions.regions', t('campaign.regions'), cat.regions.map((r) => ({ value: r.code, label: loc(r.name) })), { value: cond.regions || [] }),
      choices('conditions.industries', t('campaign.industries'), (meta.industries || []).map((x) => ({ value: x, label: tEnum('industry', x) })), { value: cond.industries || [] }),
      choices('conditions.sizes', t('campaign.sizes'), (meta.sizes || []).map((x) => ({ value: x, label: tEnum('size', x) })), { value: cond.sizes || [] }),
      checkbox('conditions.new_customer_only', t('campaign.newOnly'), { checked: !!cond.new_customer_only }),
      h('div', { class: 'grid-3' },
        input('conditions.min_quantity', t('policy.minQuantity'), { value: cond.min_quantity ? String(cond.min_quantity) : '', inputmode: 'numeric', placeholder: '0' }),
        input('conditions.min_line_amount', t('policy.minLine'), { value: cond.min_line_amount ? moneyInput(cond.min_line_amount) : '', inputmode: 'decimal', placeholder: '0.00', hint: t('policy.yuanHint') }),
        input('conditions.min_order_amount', t('policy.minOrder'), { value: cond.min_order_amount ? moneyInput(cond.min_order_amount) : '', inputmode: 'decimal', placeholder: '0.00', hint: t('policy.yuanHint') }))),
    h('fieldset', { class: 'section' }, h('legend', null, t('policy.limits')),
      h('p', { class: 'muted small' }, t('policy.zeroNone')),
      h('div', { class: 'grid-3' },
        input('limits.per_org', t('policy.perOrg'), { value: lim.per_org ? String(lim.per_org) : '', inputmode: 'numeric', placeholder: '0' }),
        input('limits.total', t('policy.total'), { value: lim.total ? String(lim.total) : '', inputmode: 'numeric', placeholder: '0' }),
        input('limits.budget', t('policy.budget'), { value: lim.budget ? moneyInput(lim.budget) : '', inputmode: 'decimal', placeholder: '0.00', hint: t('policy.yuanHint') }))),
    checkbox('enabled', t('policy.enabled'), { checked: p ? p.enabled !== false : true }),
    h('div', { class: 'form-actions' },
      submitButton(p ? t('common.save') : t('policy.create'), 'policy-submit'),
      p ? h('button', { type: 'button', class: 'btn btn-secondary', testid: 'policy-cancel', onclick: onCancel }, t('common.cancel')) : null));
  onSubmit(form, async (b) => {
    clearErrors(form);
    const c = b.conditions || {};
    const l = b.limits || {};
    const k = b.effect?.kind || kind;
    const valueParse = k === 'percent_off' ? parsePercent : k === 'free_units' ? intParse : parseMoney;
    const body = {
      name: { zh: b.name?.zh ?? '', en: b.name?.en ?? '' },
      lane: Number(b.lane || 0),
      conditions: {
        regions: c.regions || [], industries: c.industries || [], sizes: c.sizes || [],
        new_customer_only: !!c.new_customer_only, products: c.products || [], categories: c.categories || [],
        packs: c.packs || [], billing_modes: c.billing_modes || [], order_types: c.order_types || [],
        min_quantity: convert(form, 'conditions.min_quantity', c.min_quantity, intParse),
        min_line_amount: convert(form, 'conditions.min_line_amount', c.min_line_amount, parseMoney),
        min_order_amount: convert(form, 'conditions.min_order_amount', c.min_order_amount, parseMoney),
      },
      effect: { kind: k, value: b.effect?.value == null ? undefined : convert(form, 'effect.value', b.effect.value, valueParse) },
      limits: {
        per_org: convert(form, 'limits.per_org', l.per_org, intParse),
        total: convert(form, 'limits.total', l.total, intParse),
        budget: convert(form, 'limits.budget', l.budget, parseMoney),
      },
      enabled: !!b.enabled,
    };
    const bad = form.querySelector('[aria-invalid="true"]');
    if (bad) { bad.focus(); return; }
    const saved = p ? await patch(`/policies/${encodeURIComponent(p.id)}`, body)
      : await post(`/campaigns/${encodeURIComponent(campaignId)}/policies`, body);
    onSaved(saved, !p);
  });
  return form;
}

function policiesSection(c, meta, cat) {
  const listSlot = h('div', null, loading());
  const formSlot = h('div');
  const done = h('div', { 'aria-live': 'polite' });
  const showForm = (p) => {
    const form = policyForm(p, meta, cat, c.id, (saved, created) => {
      replace(done, notice(t(created ? 'policy.created' : 'policy.saved', { name: loc(saved?.name) })));
      showForm(null);
      load();
    }, () => showForm(null));
    replace(formSlot, card(p ? t('policy.editTitle', { name: loc(p.name) }) : t('policy.newTitle'), form, { testid: p ? 'edit-policy-card' : 'new-policy-card' }));
    if (p) { formSlot.scrollIntoView({ block: 'start' }); form.querySelector('input')?.focus(); }
  };
  const load = () => get(`/campaigns/${encodeURIComponent(c.id)}/policies`)
    .then((r) => replace(listSlot, policiesTable(r?.items || [], cat, showForm)))
    .catch((err) => replace(listSlot, errorBox(err, load)));
  load();
  showForm(null);
  return [card(t('policy.list'), [done, listSlot], { testid: 'policies' }), formSlot];
}

function page(c, meta, cat, ctx) {
  const done = h('div', { 'aria-live': 'polite' });
  const form = campaignForm(c, meta, cat, (saved) => {
    if (!c) {
      ctx.flash(t('campaign.created', { name: loc(saved?.name) }));
      ctx.navigate(`/campaigns/${encodeURIComponent(saved.id)}`);
      return;
    }
    ctx.flash(t('campaign.saved', { name: loc(saved?.name) }));
    ctx.rerender();
  });
  return h('div', { class: 'page', testid: 'campaign' },
    pageHead(c ? loc(c.name) : t('campaign.newTitle'), c ? t('campaign.lead') : t('campaign.newLead'),
      h('a', { href: '#/campaigns', class: 'btn btn-secondary btn-sm' }, `← ${t('campaigns.title')}`)),
    h('div', { class: c ? 'grid-main' : '' },
      card(c ? t('campaign.edit') : null, [done, form], { testid: 'campaign-card' }),
      c ? campaignFacts(c) : null),
    c ? policiesSection(c, meta, cat) : null);
}

export function render(ctx) {
  const id = ctx.params.id;
  const slot = h('div', null, loading());
  const load = () => {
    replace(slot, loading());
    Promise.all([
      id === 'new' ? null : get(`/campaigns/${encodeURIComponent(id)}`),
      getMeta(),
      loadCatalog(),
    ]).then(([c, meta, cat]) => {
      replace(slot, page(c, meta, cat, ctx));
      slot.querySelector('[data-autofocus]')?.focus();
    }).catch((err) => replace(slot, errorBox(err, err.status === 404 ? null : load)));
  };
  load();
  return slot;
}
