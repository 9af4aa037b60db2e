// Pieces shared by the cloud-credit pages (enterprise credits, operator
// funds): drop status badges, the places-left meter, a drop's window and
// audience in words, why a drop cannot be claimed, the ledger table and the
// names it shows, the amount field of the forms, and Idempotency-Keys that
// survive a retry of the same request.
import { h } from './dom.js';
import { t, tEnum, fmtDate } from './i18n.js';
import { ApiError, idempotencyKey, get, qs } from './api.js';
import { problemText, setFieldError } from './form.js';
import { money, num, loc, parseMoney, fetchAll } from './format.js';

const DROP_TONE = { scheduled: 'warn', open: 'ok', sold_out: 'muted', closed: 'muted' };

/** A badge for a drop status (scheduled, open, sold_out, closed). */
export function dropStatusBadge(status) {
  return h('span', { class: 'badges' }, h('span', { class: `badge badge-status ${DROP_TONE[status] ? `badge-${DROP_TONE[status]}` : ''}`, testid: `drop-status-${status}` },
    t(`drop.status.${status}`)));
}

/** "12 of 50 left" with a bar of the places already claimed. */
export function placesMeter(d) {
  const total = Math.max(Number(d.quantity) || 0, 0);
  const left = Math.max(Number(d.remaining) || 0, 0);
  const claimed = Math.max(Number(d.claimed) || 0, 0);
  const pct = total ? Math.min(100, Math.round((claimed / total) * 100)) : 0;
  const text = t('credit.placesText', { left: num(left), total: num(total) });
  const fill = h('span', { class: `meter-fill ${left === 0 ? 'meter-full' : ''}` });
  fill.style.width = `${pct}%`; // through CSSOM: the CSP forbids style attributes
  return h('div', { class: 'places', testid: 'places' },
    h('div', {
      class: 'meter', role: 'progressbar', 'aria-label': t('credit.claimedOf', { n: num(claimed), total: num(total) }),
      'aria-valuemin': 0, 'aria-valuemax': total, 'aria-valuenow': claimed,
    }, fill),
    h('span', { class: 'small muted', testid: 'places-text' }, text));
}

/** "15 Oct 2021, 10:00 – 15 Nov 2021, 00:00" in the current language, wrapping only between the two. */
export function windowText(d) {
  const ends = { '\u0001': fmtDate(d.opens_at, true), '\u0002': fmtDate(d.closes_at, true) };
  const text = t('credit.windowText', { from: '\u0001', to: '\u0002' });
  return h('span', null, text.split(/([\u0001\u0002])/).map((part) => (ends[part] ? h('span', { class: 'nowrap' }, ends[part]) : part)));
}

/** Who a drop is for: its industries and sizes, or every enterprise. */
export function audienceText(d) {
  const parts = [];
  if (d.industries?.length) parts.push(d.industries.map((i) => tEnum('industry', i)).join(', '));
  if (d.sizes?.length) parts.push(d.sizes.map((s) => tEnum('size', s)).join(', '));
  return parts.length ? parts.join(' · ') : t('credit.anyone');
}

// The server says why in English sentences (mine.reason, problem detail);
// these are the ones it sends, worded by the dictionaries.
const WHY = [
  [/not open yet/, 'notOpen'],
  [/already claimed/, 'claimed'],
  [/sold out/, 'soldOut'],
  [/already closed/, 'alreadyClosed'],
  [/is closed/, 'closed'],
  [/only (enterprises|members of an enterprise)/, 'enterprisesOnly'],
  [/industry/, 'industry'],
  [/size/, 'size'],
];

// mine.reason_code → the dictionaries' key.
const WHY_CODE = {
  drop_not_open: 'notOpen', drop_closed: 'closed', not_enterprise: 'enterprisesOnly',
  industry_not_eligible: 'industry', size_not_eligible: 'size', sold_out: 'soldOut',
  already_claimed: 'claimed',
};

/** Why a drop cannot be claimed (mine.reason and reason_code), in the current language. */
export function whyText(reason, code) {
  if (code && WHY_CODE[code]) return t(`credit.why.${WHY_CODE[code]}`);
  if (!reason) return '';
  const hit = WHY.find(([re]) => re.test(reason));
  return hit ? t(`credit.why.${hit[1]}`) : reason;
}

/** An error of a claim or close: the known refusals in words, else the usual problem text. */
export function creditProblemText(err) {
  const detail = err instanceof ApiError ? err.problem?.detail : null;
  if (detail && (err.status === 403 || err.status === 409) && WHY.some(([re]) => re.test(detail))) return whyText(detail);
  return problemText(err);
}

/** Whether a failed request may be sent again with the same Idempotency-Key (no answer, or busy). */
export function transient(err) {
  return err instanceof ApiError && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
}

const sleep = (ms) => new Promise((res) => { setTimeout(res, ms); });

/**
 * send(key) with a fresh Idempotency-Key, or with `key` when retrying the
 * same request. Transient failures are retried (twice, same key) before
 * they are thrown.
 */
export async function sendKeyed(send, key = idempotencyKey()) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send(key);
    } catch (err) {
      if (!transient(err) || attempt >= 2) throw err;
      await sleep(Math.min((err.retryAfter || 0) * 1000 || 400 * (attempt + 1), 3000));
    }
  }
}

/**
 * Idempotency-Keys for a form that creates money: the same key while the
 * same body is re-sent after a transient failure, a new one otherwise.
 * keyed.run(body, (key) => post(...)).
 */
export function keyedForm() {
  let last = null; // {text, key} of a request that got no definitive answer
  return {
    async run(body, send) {
      const text = JSON.stringify(body);
      const key = last?.text === text ? last.key : idempotencyKey();
      last = { text, key };
      try {
        const out = await sendKeyed(send, key);
        last = null;
        return out;
      } catch (err) {
        if (!transient(err)) last = null;
        throw err;
      }
    },
  };
}

/** Signed money: "+¥100.00", "−¥100.00". */
export function signedMoney(minor, currency) {
  const n = Number(minor) || 0;
  if (n < 0) return `−${money(-n, currency)}`;
  return `${n > 0 ? '+' : ''}${money(n, currency)}`;
}

/** A ledger account ("drop:drp_…") in words; names maps ids to names (else the id is shown). */
export function accountText(account, names) {
  const i = String(account).indexOf(':');
  const kind = i < 0 ? account : account.slice(0, i);
  const id = i < 0 ? '' : account.slice(i + 1);
  const label = t(`ledger.account.${kind}`);
  const known = names?.get(id);
  if (kind === 'program') return `${label} (${id})`;
  if (known) return t('ledger.named', { label, name: known });
  return [label, ' ', h('span', { class: 'id-link', title: id }, id)];
}

/**
 * Ledger columns. `names` (Map id → name) words the accounts; `wallet`
 * ("wallet:org_…") adds a column with what each transaction did to it.
 */
export function ledgerColumns({ names, wallet, orgColumn = false } = {}) {
  const cols = [
    { label: t('ledger.date'), cls: 'nowrap', cell: (x) => fmtDate(x.created_at, true) },
    { label: t('ledger.kind'), cls: 'nowrap', cell: (x) => h('span', { class: 'badges' }, h('span', { class: 'badge', testid: `ledger-kind-${x.kind}` }, t(`ledger.kinds.${x.kind}`))) },
  ];
  if (orgColumn) {
    cols.push({
      label: t('ledger.org'),
      cell: (x) => (x.org_id ? h('a', { href: `#/orgs/${encodeURIComponent(x.org_id)}`, class: 'id-link', title: x.org_id }, x.org_id) : '—'),
    });
  }
  cols.push({
    label: t('ledger.entries'),
    cell: (x) => h('ul', { class: 'entries small' }, (x.entries || []).map((en) => h('li', null,
      h('span', null, accountText(en.account, names)), ' ',
      h('span', { class: `amount ${en.amount < 0 ? 'amount-out' : 'amount-in'}` }, signedMoney(en.amount, x.currency))))),
  });
  if (wallet) {
    cols.push({
      label: t('ledger.wallet'), cls: 'num nowrap',
      cell: (x) => {
        const sum = (x.entries || []).filter((en) => en.account === wallet).reduce((a, en) => a + en.amount, 0);
        return h('span', { class: 'strong', testid: 'ledger-wallet' }, signedMoney(sum, x.currency));
      },
    });
  } else {
    cols.push({
      label: t('ledger.amount'), cls: 'num nowrap',
      cell: (x) => money((x.entries || []).reduce((a, en) => a + Math.max(en.amount, 0), 0), x.currency),
    });
  }
  return cols;
}

/** A datetime-local input value for `date` in the browser's time zone ("2021-10-15T10:00"). */
export function localInput(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}`;
}

/** A datetime-local value (local time) → RFC 3339 in UTC; other text as typed, empty → undefined. */
export function fromLocal(value) {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

/** A loader of the names the ledger words its accounts with into `names`:
 * funds, drops, and drops by the claim that took them (an enterprise's
 * own). Fetched on first call, and again when called with fresh = true;
 * a name that did not load shows as its id. */
export function namesLoader(names) {
  let loaded = null;
  return (fresh = false) => {
    if (!loaded || fresh) {
      loaded = Promise.all([
        fetchAll((after) => get(`/funds${qs({ limit: 100, after })}`), 3),
        fetchAll((after) => get(`/drops${qs({ limit: 100, after })}`), 3),
      ]).then(([funds, drops]) => {
        for (const f of funds) names.set(f.id, loc(f.name));
        for (const d of drops) {
          names.set(d.id, loc(d.name));
          if (d.mine?.claim) names.set(d.mine.claim, loc(d.name));
        }
      }).catch(() => { /* ids are shown instead */ });
    }
    return loaded;
  };
}

/** The `amount` of a credit form's values `b` in fen (undefined when left
 * out, for the server to name), or null after marking the field: not a
 * number, or zero. Said in yuan, where the server's range is in fen. */
export function amountOf(form, b) {
  const amount = b.amount == null ? undefined : parseMoney(b.amount);
  if (amount === null || amount === 0) {
    setFieldError(form, 'amount', t(amount === 0 ? 'credit.amountMin' : 'form.badNumber'), false);
    form.querySelector('[name="amount"]').focus();
    return null;
  }
  return amount;
}
